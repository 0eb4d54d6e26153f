/*
 * police.c: the store's part of police sharing, retention and account
 * deletion (store_help.h).
 *
 * Portable SQL over db.h only (see db.h for the rules). Removal here is
 * DELETE, not a wipe: what the aggregate counters already hold is all
 * that outlives a purged report, and secure_delete makes the database
 * overwrite the freed bytes. police_shares has no foreign key (it must
 * not block a delete, nor vanish with a withdrawal), so its rows are
 * removed explicitly, before the reports they name.
 */
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/internal.h"
#include "store/store.h"
#include "store/store_help.h"
#include "util/arena.h"
#include "util/xalloc.h"
#include "util/banned.h"

int
store_police_reports(struct store *s, struct arena *a, int64_t org_id,
    struct store_police_row **out, size_t *n)
{
	struct db_stmt *st = NULL;
	struct store_police_row *v = NULL, *p;
	size_t len = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	/* The sealed columns are selected only for the full tier, so an
	 * anonymous report's narrative and contact never leave the
	 * database, whatever the caller does with the row. */
	rc = store_stmt_prepare(s, "SELECT r.id, r.types, r.occurred_on, "
	    "g.code, r.consent_police, a.id, a.summary, a.severity, "
	    "CASE WHEN r.consent_police = 'full' "
	    "THEN r.narrative_sealed END, "
	    "CASE WHEN r.consent_police = 'full' "
	    "THEN r.contact_sealed END "
	    "FROM reports r JOIN regions g ON g.id = r.region_id "
	    "LEFT JOIN alerts a ON a.id = r.alert_id AND a.status = 'active' "
	    "WHERE r.org_id = $1 "
	    "AND r.consent_police IN ('anonymous', 'full') "
	    "AND r.status NOT IN ('held', 'withdrawn') "
	    "ORDER BY r.created_at DESC, r.id DESC", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, org_id);
	while ((rc = store_stmt_step(s, st)) == 1) {
		if (len == cap) {
			cap = cap ? st_mult(cap, 2) : 16;
			v = xrealloc(v, st_mult(cap, sizeof(*v)));
		}
		p = &v[len++];
		memset(p, 0, sizeof(*p));
		p->id = db_col_int(st, 0);
		p->types = db_col_int(st, 1);
		p->occurred_on = store_col_str(a, st, 2);
		p->region = store_col_str(a, st, 3);
		p->tier = store_col_str(a, st, 4);
		p->alert_id = db_col_null(st, 5) ? 0 : db_col_int(st, 5);
		p->summary = store_col_str(a, st, 6);
		p->severity = store_col_str(a, st, 7);
		p->narrative_sealed = store_col_bytes(a, st, 8,
		    &p->narrative_sealed_len);
		p->contact_sealed = store_col_bytes(a, st, 9,
		    &p->contact_sealed_len);
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
store_police_share_add(struct store *s, int64_t report_id, const char *tier,
    const char *quarter, int *added)
{
	struct db_stmt *st = NULL;
	int rc;

	*added = 0;
	/* RETURNING yields the row only when it was inserted, so one
	 * statement both records the share and says whether it is new. */
	rc = store_stmt_prepare(s, "INSERT INTO police_shares "
	    "(report_id, tier, quarter) VALUES ($1, $2, $3) "
	    "ON CONFLICT (report_id, tier, quarter) DO NOTHING "
	    "RETURNING report_id", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, report_id);
	db_bind_text(st, 2, tier != NULL ? tier : "");
	db_bind_text(st, 3, quarter != NULL ? quarter : "");
	rc = store_stmt_row(s, st);
	if (rc == STORE_NOTFOUND) {
		rc = 0;
		goto out;
	}
	if (rc != 0)
		goto out;
	*added = 1;
	rc = store_stmt_run(s, st);
out:
	db_finalize(st);
	return rc;
}

/* Run st (a DELETE ... RETURNING) to the end, counting its rows. */
static int
count_rows(struct store *s, struct db_stmt *st, int64_t *n)
{
	int rc;

	while ((rc = store_stmt_step(s, st)) == 1)
		(*n)++;
	return rc;
}

/* Run one write statement whose only parameter, $1, is an int. */
static int
run_int(struct store *s, const char *sql, int64_t v)
{
	struct db_stmt *st = NULL;
	int rc;

	if ((rc = store_stmt_prepare(s, sql, &st)) != 0)
		goto out;
	db_bind_int(st, 1, v);
	rc = store_stmt_run(s, st);
out:
	db_finalize(st);
	return rc;
}

/* Run one write statement whose only parameter, $1, is a hash. */
static int
run_hash(struct store *s, const char *sql,
    const uint8_t hash[STORE_HASH_BYTES])
{
	struct db_stmt *st = NULL;
	int rc;

	if ((rc = store_stmt_prepare(s, sql, &st)) != 0)
		goto out;
	db_bind_blob(st, 1, hash, STORE_HASH_BYTES);
	rc = store_stmt_run(s, st);
out:
	db_finalize(st);
	return rc;
}

int
store_purge_reports(struct store *s, int64_t cutoff, int64_t *n)
{
	struct db_stmt *st = NULL;
	int rc;

	*n = 0;
	if ((rc = store_begin(s)) != 0)
		return rc;
	rc = run_int(s, "DELETE FROM police_shares WHERE report_id IN "
	    "(SELECT id FROM reports WHERE created_at < $1)", cutoff);
	if (rc != 0)
		goto out;
	/* report_idents go with their report: ON DELETE CASCADE. */
	rc = store_stmt_prepare(s, "DELETE FROM reports "
	    "WHERE created_at < $1 RETURNING id", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, cutoff);
	rc = count_rows(s, st, n);
out:
	db_finalize(st);
	if (rc != 0) {
		store_rollback(s);
		*n = 0;
		return rc;
	}
	return store_commit(s);
}

int
store_purge_cases(struct store *s, int64_t cutoff, int64_t *n)
{
	struct db_stmt *st = NULL;
	int rc;

	*n = 0;
	/* case_notes go with their case: ON DELETE CASCADE. */
	rc = store_stmt_prepare(s, "DELETE FROM cases "
	    "WHERE created_at < $1 RETURNING id", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, cutoff);
	rc = count_rows(s, st, n);
	if (rc != 0)
		*n = 0;
out:
	db_finalize(st);
	return rc;
}

int
store_purge_owner(struct store *s, const uint8_t owner_tag[STORE_HASH_BYTES],
    int64_t *n)
{
	struct db_stmt *st = NULL;
	int rc;

	*n = 0;
	if ((rc = store_begin(s)) != 0)
		return rc;
	rc = run_hash(s, "DELETE FROM cases WHERE report_id IN "
	    "(SELECT id FROM reports WHERE owner_tag = $1)", owner_tag);
	if (rc != 0)
		goto out;
	rc = run_hash(s, "DELETE FROM police_shares WHERE report_id IN "
	    "(SELECT id FROM reports WHERE owner_tag = $1)", owner_tag);
	if (rc != 0)
		goto out;
	rc = store_stmt_prepare(s, "DELETE FROM reports "
	    "WHERE owner_tag = $1 RETURNING id", &st);
	if (rc != 0)
		goto out;
	db_bind_blob(st, 1, owner_tag, STORE_HASH_BYTES);
	rc = count_rows(s, st, n);
out:
	db_finalize(st);
	if (rc != 0) {
		store_rollback(s);
		*n = 0;
		return rc;
	}
	return store_commit(s);
}

int
store_user_delete(struct store *s, int64_t user_id)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "DELETE FROM users WHERE id = $1 "
	    "RETURNING id", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, user_id);
	if ((rc = store_stmt_row(s, st)) != 0)
		goto out;
	if ((rc = store_stmt_run(s, st)) != 0)
		goto out;
	rc = store_emit(s, STORE_EVENT_USER_CHANGED, user_id);
out:
	db_finalize(st);
	return rc;
}
