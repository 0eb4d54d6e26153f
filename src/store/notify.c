/*
 * notify.c: subscriptions and the outbox (store_notify.h).
 *
 * Portable SQL over db.h only (see db.h for the rules), with one
 * exception: the outbox claim is written once per dialect, because only
 * PostgreSQL has FOR UPDATE SKIP LOCKED, and it is what lets several
 * nodes claim from one outbox without waiting on each other. SQLite has
 * one writer at a time, so its single UPDATE is already exclusive.
 */
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/internal.h"
#include "store/store.h"
#include "store/store_notify.h"
#include "util/arena.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

static int
channel_valid(const char *channel)
{
	return channel != NULL && (strcmp(channel, "email") == 0 ||
	    strcmp(channel, "sms") == 0);
}

#define SUB_COLUMNS	"user_id, email_sealed, email_hash, sms_sealed, " \
			"sms_hash, lang, unsub_hash, unsub_sealed, " \
			"created_at, updated_at"

/* Columns of SUB_COLUMNS from index 0 into out. */
static int
sub_row(struct arena *a, struct db_stmt *st, struct store_subscription *out)
{
	memset(out, 0, sizeof(*out));
	out->user_id = db_col_int(st, 0);
	out->email_sealed = store_col_bytes(a, st, 1, &out->email_sealed_len);
	if (!db_col_null(st, 2)) {
		if (store_col_hash(st, 2, out->email_hash) != 0)
			return STORE_ERR;
		out->has_email_hash = 1;
	}
	out->sms_sealed = store_col_bytes(a, st, 3, &out->sms_sealed_len);
	if (!db_col_null(st, 4)) {
		if (store_col_hash(st, 4, out->sms_hash) != 0)
			return STORE_ERR;
		out->has_sms_hash = 1;
	}
	out->lang = store_col_str(a, st, 5);
	if (store_col_hash(st, 6, out->unsub_hash) != 0)
		return STORE_ERR;
	out->unsub_sealed = store_col_bytes(a, st, 7, &out->unsub_sealed_len);
	out->created_at = db_col_int(st, 8);
	out->updated_at = db_col_int(st, 9);
	return 0;
}

int
store_subscription_get(struct store *s, struct arena *a, int64_t user_id,
    struct store_subscription *out)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "SELECT " SUB_COLUMNS " FROM subscriptions "
	    "WHERE user_id = $1", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, user_id);
	if ((rc = store_stmt_row(s, st)) != 0)
		goto out;
	rc = sub_row(a, st, out);
out:
	db_finalize(st);
	return rc;
}

int
store_subscription_by_unsub(struct store *s, struct arena *a,
    const uint8_t hash[STORE_HASH_BYTES], struct store_subscription *out)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "SELECT " SUB_COLUMNS " FROM subscriptions "
	    "WHERE unsub_hash = $1", &st);
	if (rc != 0)
		goto out;
	db_bind_blob(st, 1, hash, STORE_HASH_BYTES);
	if ((rc = store_stmt_row(s, st)) != 0)
		goto out;
	rc = sub_row(a, st, out);
out:
	db_finalize(st);
	return rc;
}

static void
bind_opt_hash(struct db_stmt *st, int i, int has, const uint8_t *h)
{
	if (has)
		db_bind_blob(st, i, h, STORE_HASH_BYTES);
	else
		db_bind_null(st, i);
}

int
store_subscription_put(struct store *s, const struct store_subscription *sub)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "INSERT INTO subscriptions (user_id, "
	    "email_sealed, email_hash, sms_sealed, sms_hash, lang, "
	    "unsub_hash, unsub_sealed, created_at, updated_at) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
	    "ON CONFLICT (user_id) DO UPDATE SET "
	    "email_sealed = excluded.email_sealed, "
	    "email_hash = excluded.email_hash, "
	    "sms_sealed = excluded.sms_sealed, "
	    "sms_hash = excluded.sms_hash, "
	    "lang = excluded.lang, "
	    "updated_at = excluded.updated_at", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, sub->user_id);
	store_bind_opt_blob(st, 2, sub->email_sealed, sub->email_sealed_len);
	bind_opt_hash(st, 3, sub->has_email_hash, sub->email_hash);
	store_bind_opt_blob(st, 4, sub->sms_sealed, sub->sms_sealed_len);
	bind_opt_hash(st, 5, sub->has_sms_hash, sub->sms_hash);
	db_bind_text(st, 6, sub->lang != NULL ? sub->lang : "en");
	db_bind_blob(st, 7, sub->unsub_hash, STORE_HASH_BYTES);
	db_bind_blob(st, 8, sub->unsub_sealed, sub->unsub_sealed_len);
	db_bind_int(st, 9, sub->created_at);
	db_bind_int(st, 10, sub->updated_at);
	rc = store_stmt_run(s, st);
out:
	db_finalize(st);
	return rc;
}

int
store_subscription_users(struct store *s, struct arena *a,
    const char *channel, const uint8_t hash[STORE_HASH_BYTES], int64_t **ids,
    size_t *n)
{
	struct db_stmt *st = NULL;
	int rc;

	*ids = NULL;
	*n = 0;
	if (!channel_valid(channel))
		return STORE_ERR;
	rc = store_stmt_prepare(s, strcmp(channel, "email") == 0 ?
	    "SELECT user_id FROM subscriptions WHERE email_hash = $1 "
	    "ORDER BY user_id" :
	    "SELECT user_id FROM subscriptions WHERE sms_hash = $1 "
	    "ORDER BY user_id", &st);
	if (rc != 0)
		goto out;
	db_bind_blob(st, 1, hash, STORE_HASH_BYTES);
	rc = store_collect_ids(s, a, st, ids, n);
out:
	db_finalize(st);
	return rc;
}

int
store_subscription_clear(struct store *s, int64_t user_id,
    const char *channel)
{
	struct db_stmt *st = NULL;
	int rc;

	if (!channel_valid(channel))
		return STORE_ERR;
	rc = store_stmt_prepare(s, strcmp(channel, "email") == 0 ?
	    "UPDATE subscriptions SET email_sealed = NULL, email_hash = NULL "
	    "WHERE user_id = $1" :
	    "UPDATE subscriptions SET sms_sealed = NULL, sms_hash = NULL "
	    "WHERE user_id = $1", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, user_id);
	rc = store_stmt_run(s, st);
out:
	db_finalize(st);
	return rc;
}

int
store_subscribers(struct store *s, struct arena *a, int64_t region_id,
    struct store_subscription **out, size_t *n)
{
	struct store_subscription *v = NULL;
	struct db_stmt *st = NULL;
	size_t len = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	rc = store_stmt_prepare(s, "SELECT s.user_id, s.email_sealed, "
	    "s.email_hash, s.sms_sealed, s.sms_hash, s.lang, s.unsub_hash, "
	    "s.unsub_sealed, s.created_at, s.updated_at "
	    "FROM user_regions ur "
	    "JOIN subscriptions s ON s.user_id = ur.user_id "
	    "JOIN users u ON u.id = ur.user_id "
	    "WHERE ur.region_id = $1 AND u.status = 'active' "
	    "AND (s.email_sealed IS NOT NULL OR s.sms_sealed IS NOT NULL) "
	    "ORDER BY s.user_id", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, region_id);
	while ((rc = store_stmt_step(s, st)) == 1) {
		if (len == cap) {
			cap = cap ? st_mult(cap, 2) : 16;
			v = xrealloc(v, st_mult(cap, sizeof(*v)));
		}
		if ((rc = sub_row(a, st, &v[len])) != 0)
			goto out;
		len++;
	}
	if (rc != 0)
		goto out;
	*out = arena_memdup(a, v, st_mult(len, sizeof(*v)));
	*n = len;
out:
	free(v);
	db_finalize(st);
	return rc;
}

int
store_outbox_insert(struct store *s, const struct store_outbox *m)
{
	struct db_stmt *st = NULL;
	int rc;

	if (!channel_valid(m->channel))
		return STORE_ERR;
	rc = store_stmt_prepare(s, "INSERT INTO outbox (id, channel, user_id, "
	    "alert_id, recipient_sealed, body_sealed, state, attempts, "
	    "next_attempt_at, created_at, lang) "
	    "VALUES ($1, $2, $3, $4, $5, $6, 'queued', 0, $7, $8, $9)", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, m->id);
	db_bind_text(st, 2, m->channel);
	if (m->user_id > 0)
		db_bind_int(st, 3, m->user_id);
	else
		db_bind_null(st, 3);
	if (m->alert_id > 0)
		db_bind_int(st, 4, m->alert_id);
	else
		db_bind_null(st, 4);
	store_bind_opt_blob(st, 5, m->recipient_sealed,
	    m->recipient_sealed_len);
	store_bind_opt_blob(st, 6, m->body_sealed, m->body_sealed_len);
	db_bind_int(st, 7, m->next_attempt_at);
	db_bind_int(st, 8, m->created_at);
	if (m->lang != NULL)
		db_bind_text(st, 9, m->lang);
	else
		db_bind_null(st, 9);
	rc = store_stmt_run(s, st);
out:
	db_finalize(st);
	return rc;
}

/* The advisory lock's key: "lookout outbox ids" is all it means. */
#define OUTBOX_ID_LOCK	"SELECT pg_advisory_xact_lock(7306218512450651)"

int
store_outbox_next_id(struct store *s, int64_t *id)
{
	struct db_stmt *st = NULL;
	int rc;

	*id = 0;
	if (s->db->drv->dialect == DB_DIALECT_POSTGRES) {
		if ((rc = store_stmt_prepare(s, OUTBOX_ID_LOCK, &st)) != 0 ||
		    (rc = store_stmt_row(s, st)) != 0)
			goto out;
		db_finalize(st);
		st = NULL;
	}
	rc = store_int_query(s, "SELECT COALESCE(MAX(id), 0) + 1 "
	    "FROM outbox", id);
out:
	db_finalize(st);
	return rc;
}

/*
 * The outer guard repeats the inner one: on PostgreSQL, a row another
 * claimer updated meanwhile is checked again against the outer WHERE, so
 * even without SKIP LOCKED it could not be claimed twice.
 */
#define CLAIM_COLUMNS	" RETURNING id, channel, user_id, alert_id, " \
	"recipient_sealed, body_sealed, state, attempts, next_attempt_at, " \
	"created_at, lang"
#define CLAIM_RETURNING	" AND state = 'queued' " \
	"AND (claimed_until IS NULL OR claimed_until <= $4)" CLAIM_COLUMNS
#define CLAIM_SELECT	"SELECT id FROM outbox WHERE state = 'queued' " \
	"AND channel = $3 AND next_attempt_at <= $4 " \
	"AND (claimed_until IS NULL OR claimed_until <= $4) " \
	"ORDER BY next_attempt_at, id LIMIT $5"

/* In SQLite the guard's terms are written +state and +claimed_until so
 * that the planner looks the claimed ids up by key: otherwise it walks
 * every queued message of the state index, for each claim, and a large
 * fan-out is claimed in quadratic time. */
static const char claim_sqlite[] =
	"UPDATE outbox SET claimed_by = $1, claimed_until = $2 "
	"WHERE id IN (" CLAIM_SELECT ") AND +state = 'queued' "
	"AND (+claimed_until IS NULL OR +claimed_until <= $4)"
	CLAIM_COLUMNS;
static const char claim_postgres[] =
	"UPDATE outbox SET claimed_by = $1, claimed_until = $2 "
	"WHERE id IN (" CLAIM_SELECT " FOR UPDATE SKIP LOCKED)"
	CLAIM_RETURNING;

int
store_outbox_claim(struct store *s, struct arena *a, const char *channel,
    int64_t now, int64_t claimer, int64_t until, size_t limit,
    struct store_outbox **out, size_t *n)
{
	struct store_outbox *v = NULL, *m;
	struct db_stmt *st = NULL;
	size_t len = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!channel_valid(channel) || limit == 0)
		return limit == 0 ? 0 : STORE_ERR;
	if (limit > 1000)
		limit = 1000;
	rc = store_stmt_prepare(s, s->db->drv->dialect == DB_DIALECT_POSTGRES ?
	    claim_postgres : claim_sqlite, &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, claimer);
	db_bind_int(st, 2, until);
	db_bind_text(st, 3, channel);
	db_bind_int(st, 4, now);
	db_bind_int(st, 5, (int64_t)limit);
	while ((rc = store_stmt_step(s, st)) == 1) {
		if (len == cap) {
			cap = cap ? st_mult(cap, 2) : 16;
			v = xrealloc(v, st_mult(cap, sizeof(*v)));
		}
		m = &v[len++];
		memset(m, 0, sizeof(*m));
		m->id = db_col_int(st, 0);
		m->channel = store_col_str(a, st, 1);
		m->user_id = db_col_null(st, 2) ? 0 : db_col_int(st, 2);
		m->alert_id = db_col_null(st, 3) ? 0 : db_col_int(st, 3);
		m->recipient_sealed = store_col_bytes(a, st, 4,
		    &m->recipient_sealed_len);
		m->body_sealed = store_col_bytes(a, st, 5, &m->body_sealed_len);
		m->state = store_col_str(a, st, 6);
		m->attempts = db_col_int(st, 7);
		m->next_attempt_at = db_col_int(st, 8);
		m->created_at = db_col_int(st, 9);
		m->lang = store_col_str(a, st, 10);
	}
	if (rc != 0)
		goto out;
	*out = arena_memdup(a, v, st_mult(len, sizeof(*v)));
	*n = len;
out:
	free(v);
	db_finalize(st);
	return rc;
}

/* Run a settling UPDATE ... RETURNING id whose parameters are, in order,
 * [value,] id, claimer: STORE_NOTFOUND when no row matched. */
static int
settle(struct store *s, const char *sql, int with_value, int64_t value,
    int64_t id, int64_t claimer)
{
	struct db_stmt *st = NULL;
	int rc, i = 1;

	if ((rc = store_stmt_prepare(s, sql, &st)) != 0)
		goto out;
	if (with_value)
		db_bind_int(st, i++, value);
	db_bind_int(st, i++, id);
	db_bind_int(st, i, claimer);
	if ((rc = store_stmt_row(s, st)) != 0)
		goto out;
	rc = store_stmt_run(s, st);
out:
	db_finalize(st);
	return rc;
}

int
store_outbox_sent(struct store *s, int64_t id, int64_t claimer, int64_t now)
{
	return settle(s, "UPDATE outbox SET state = 'sent', sent_at = $1, "
	    "claimed_by = NULL, claimed_until = NULL "
	    "WHERE id = $2 AND state = 'queued' AND claimed_by = $3 "
	    "RETURNING id", 1, now, id, claimer);
}

int
store_outbox_retry(struct store *s, int64_t id, int64_t claimer,
    int64_t next_at)
{
	return settle(s, "UPDATE outbox SET next_attempt_at = $1, "
	    "attempts = attempts + 1, claimed_by = NULL, "
	    "claimed_until = NULL "
	    "WHERE id = $2 AND state = 'queued' AND claimed_by = $3 "
	    "RETURNING id", 1, next_at, id, claimer);
}

int
store_outbox_fail(struct store *s, int64_t id, int64_t claimer)
{
	return settle(s, "UPDATE outbox SET state = 'failed', "
	    "attempts = attempts + 1, claimed_by = NULL, "
	    "claimed_until = NULL "
	    "WHERE id = $1 AND state = 'queued' AND claimed_by = $2 "
	    "RETURNING id", 0, 0, id, claimer);
}

int
store_outbox_withdrawn(struct store *s, int64_t id, int64_t claimer)
{
	return settle(s, "UPDATE outbox SET state = 'withdrawn', "
	    "claimed_by = NULL, claimed_until = NULL "
	    "WHERE id = $1 AND state = 'queued' AND claimed_by = $2 "
	    "RETURNING id", 0, 0, id, claimer);
}

int
store_outbox_release(struct store *s, int64_t claimer, int64_t *n)
{
	struct db_stmt *st = NULL;
	int64_t count = 0;
	int rc;

	rc = store_stmt_prepare(s, "UPDATE outbox SET claimed_by = NULL, "
	    "claimed_until = NULL WHERE claimed_by = $1 AND state = 'queued' "
	    "RETURNING id", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, claimer);
	while ((rc = store_stmt_step(s, st)) == 1)
		count++;
out:
	db_finalize(st);
	if (n != NULL)
		*n = count;
	return rc;
}

int
store_outbox_cancel(struct store *s, int64_t user_id, const char *channel)
{
	struct db_stmt *st = NULL;
	int rc;

	if (!channel_valid(channel))
		return STORE_ERR;
	rc = store_stmt_prepare(s, "DELETE FROM outbox WHERE user_id = $1 "
	    "AND channel = $2 AND state = 'queued'", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, user_id);
	db_bind_text(st, 2, channel);
	rc = store_stmt_run(s, st);
out:
	db_finalize(st);
	return rc;
}

int
store_outbox_purge(struct store *s, int64_t before, int64_t *n)
{
	struct db_stmt *st = NULL;
	int64_t count = 0;
	int rc;

	rc = store_stmt_prepare(s, "DELETE FROM outbox "
	    "WHERE state IN ('sent', 'failed', 'withdrawn') "
	    "AND created_at < $1 "
	    "RETURNING id", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, before);
	while ((rc = store_stmt_step(s, st)) == 1)
		count++;
out:
	db_finalize(st);
	if (n != NULL)
		*n = count;
	return rc;
}

int
store_outbox_count(struct store *s, const char *state, int64_t *n)
{
	struct db_stmt *st = NULL;
	int rc;

	*n = 0;
	if (state != NULL) {
		rc = store_stmt_prepare(s, "SELECT COUNT(*) FROM outbox "
		    "WHERE state = $1", &st);
		if (rc != 0)
			goto out;
		db_bind_text(st, 1, state);
	} else if ((rc = store_stmt_prepare(s, "SELECT COUNT(*) FROM outbox",
	    &st)) != 0) {
		goto out;
	}
	if ((rc = store_stmt_row(s, st)) != 0)
		goto out;
	*n = db_col_int(st, 0);
out:
	db_finalize(st);
	return rc;
}
