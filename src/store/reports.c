/*
 * reports.c: reports and their identifiers.
 *
 * Portable SQL over db.h only (see db.h for the rules). Optional text
 * arriving as NULL is stored as "", an alert_id of 0 as SQL NULL, and an
 * absent sealed value (NULL or empty) as SQL NULL.
 *
 * Withdrawing a report destroys its sealed values in place (wipe): the
 * row keeps only what identifies nobody, so statistics still count it.
 * The identifiers' hashes go too, so a withdrawn report matches nothing.
 * secure_delete makes the database overwrite the old bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/internal.h"
#include "store/store.h"
#include "store/store_loop.h"
#include "util/arena.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const char *
str(const char *s)
{
	return s != NULL ? s : "";
}

static void
bind_alert_id(struct db_stmt *st, int i, int64_t alert_id)
{
	if (alert_id != 0)
		db_bind_int(st, i, alert_id);
	else
		db_bind_null(st, i);
}

int
store_report_insert(struct store *s, const struct store_report *r)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "INSERT INTO reports (id, org_id, "
	    "owner_tag, region_id, occurred_on, time_window, types, status, "
	    "matched, consent_alert, consent_police, consent_share, source, "
	    "created_at, alert_id, decision, area_sealed, details_sealed, "
	    "narrative_sealed, contact_sealed) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
	    "$14, $15, $16, $17, $18, $19, $20)", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, r->id);
	db_bind_int(st, 2, r->org_id);
	db_bind_blob(st, 3, r->owner_tag, STORE_HASH_BYTES);
	db_bind_int(st, 4, r->region_id);
	db_bind_text(st, 5, str(r->occurred_on));
	db_bind_text(st, 6, str(r->time_window));
	db_bind_int(st, 7, r->types);
	db_bind_text(st, 8, str(r->status));
	db_bind_int(st, 9, r->matched != 0);
	db_bind_int(st, 10, r->consent_alert != 0);
	db_bind_text(st, 11, str(r->consent_police));
	db_bind_int(st, 12, r->consent_share != 0);
	db_bind_text(st, 13, str(r->source));
	db_bind_int(st, 14, r->created_at);
	bind_alert_id(st, 15, r->alert_id);
	db_bind_text(st, 16, str(r->decision));
	store_bind_opt_blob(st, 17, r->area_sealed, r->area_sealed_len);
	store_bind_opt_blob(st, 18, r->details_sealed, r->details_sealed_len);
	store_bind_opt_blob(st, 19, r->narrative_sealed,
	    r->narrative_sealed_len);
	store_bind_opt_blob(st, 20, r->contact_sealed, r->contact_sealed_len);
	rc = store_stmt_run(s, st);
out:
	db_finalize(st);
	return rc;
}

/* The columns every read loads; the sealed ones follow them in get. */
#define REPORT_COLUMNS	"id, org_id, owner_tag, region_id, occurred_on, " \
			"time_window, types, status, matched, " \
			"consent_alert, consent_police, consent_share, " \
			"source, created_at, alert_id, decision"
#define REPORT_NCOLUMNS	16

static int
report_row(struct arena *a, struct db_stmt *st, struct store_report *out)
{
	memset(out, 0, sizeof(*out));
	out->id = db_col_int(st, 0);
	out->org_id = db_col_int(st, 1);
	if (store_col_hash(st, 2, out->owner_tag) != 0)
		return STORE_ERR;
	out->region_id = db_col_int(st, 3);
	out->occurred_on = store_col_str(a, st, 4);
	out->time_window = store_col_str(a, st, 5);
	out->types = db_col_int(st, 6);
	out->status = store_col_str(a, st, 7);
	out->matched = db_col_int(st, 8) != 0;
	out->consent_alert = db_col_int(st, 9) != 0;
	out->consent_police = store_col_str(a, st, 10);
	out->consent_share = db_col_int(st, 11) != 0;
	out->source = store_col_str(a, st, 12);
	out->created_at = db_col_int(st, 13);
	out->alert_id = db_col_null(st, 14) ? 0 : db_col_int(st, 14);
	out->decision = store_col_str(a, st, 15);
	return 0;
}

int
store_report_get(struct store *s, struct arena *a, int64_t id,
    struct store_report *out)
{
	struct db_stmt *st = NULL;
	int c = REPORT_NCOLUMNS, rc;

	rc = store_stmt_prepare(s, "SELECT " REPORT_COLUMNS ", area_sealed, "
	    "details_sealed, narrative_sealed, contact_sealed "
	    "FROM reports WHERE id = $1", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, id);
	if ((rc = store_stmt_row(s, st)) != 0)
		goto out;
	if ((rc = report_row(a, st, out)) != 0)
		goto out;
	out->area_sealed = store_col_bytes(a, st, c, &out->area_sealed_len);
	out->details_sealed = store_col_bytes(a, st, c + 1,
	    &out->details_sealed_len);
	out->narrative_sealed = store_col_bytes(a, st, c + 2,
	    &out->narrative_sealed_len);
	out->contact_sealed = store_col_bytes(a, st, c + 3,
	    &out->contact_sealed_len);
out:
	db_finalize(st);
	return rc;
}

/* Step st to the end, collecting reports without their sealed values. */
static int
report_rows(struct store *s, struct arena *a, struct db_stmt *st,
    struct store_report **out, size_t *n)
{
	struct store_report *v = NULL;
	size_t len = 0, cap = 0;
	int rc;

	while ((rc = store_stmt_step(s, st)) == 1) {
		if (len == cap) {
			cap = cap ? st_mult(cap, 2) : 16;
			v = xrealloc(v, st_mult(cap, sizeof(*v)));
		}
		if ((rc = report_row(a, st, &v[len++])) != 0)
			goto out;
	}
	if (rc != 0)
		goto out;
	*out = arena_memdup(a, v, st_mult(len, sizeof(*v)));
	*n = len;
out:
	free(v);
	return rc;
}

int
store_report_list(struct store *s, struct arena *a, int64_t org_id,
    const char *status, struct store_report **out, size_t *n)
{
	struct db_stmt *st = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	/* Two statements rather than "$2 IS NULL OR status = $2", so the
	 * queue (org, status) is read in order straight off its index. */
	if (status != NULL)
		rc = store_stmt_prepare(s, "SELECT " REPORT_COLUMNS
		    " FROM reports WHERE org_id = $1 AND status = $2 "
		    "ORDER BY created_at DESC, id DESC", &st);
	else
		rc = store_stmt_prepare(s, "SELECT " REPORT_COLUMNS
		    " FROM reports WHERE org_id = $1 "
		    "ORDER BY created_at DESC, id DESC", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, org_id);
	if (status != NULL)
		db_bind_text(st, 2, status);
	rc = report_rows(s, a, st, out, n);
out:
	db_finalize(st);
	return rc;
}

int
store_report_by_owner(struct store *s, struct arena *a,
    const uint8_t owner_tag[STORE_HASH_BYTES], struct store_report **out,
    size_t *n)
{
	struct db_stmt *st = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	rc = store_stmt_prepare(s, "SELECT " REPORT_COLUMNS " FROM reports "
	    "WHERE owner_tag = $1 ORDER BY created_at DESC, id DESC", &st);
	if (rc != 0)
		goto out;
	db_bind_blob(st, 1, owner_tag, STORE_HASH_BYTES);
	rc = report_rows(s, a, st, out, n);
out:
	db_finalize(st);
	return rc;
}

int
store_report_set_status(struct store *s, int64_t id, const char *status,
    int matched, int64_t alert_id, const char *decision)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "UPDATE reports SET status = $1, "
	    "matched = $2, alert_id = $3, decision = $4 "
	    "WHERE id = $5 RETURNING id", &st);
	if (rc != 0)
		goto out;
	db_bind_text(st, 1, str(status));
	db_bind_int(st, 2, matched != 0);
	bind_alert_id(st, 3, alert_id);
	db_bind_text(st, 4, str(decision));
	db_bind_int(st, 5, id);
	if ((rc = store_stmt_row(s, st)) != 0)
		goto out;
	rc = store_stmt_run(s, st);
out:
	db_finalize(st);
	return rc;
}

int
store_report_set_consent(struct store *s, int64_t id, int alert,
    const char *police, int share)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "UPDATE reports SET consent_alert = $1, "
	    "consent_police = $2, consent_share = $3 "
	    "WHERE id = $4 RETURNING id", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, alert != 0);
	db_bind_text(st, 2, str(police));
	db_bind_int(st, 3, share != 0);
	db_bind_int(st, 4, id);
	if ((rc = store_stmt_row(s, st)) != 0)
		goto out;
	rc = store_stmt_run(s, st);
out:
	db_finalize(st);
	return rc;
}

static int
wipe(struct store *s, int64_t id)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "UPDATE reports SET area_sealed = NULL, "
	    "details_sealed = NULL, narrative_sealed = NULL, "
	    "contact_sealed = NULL WHERE id = $1 RETURNING id", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, id);
	if ((rc = store_stmt_row(s, st)) != 0)
		goto out;
	if ((rc = store_stmt_run(s, st)) != 0)
		goto out;
	db_finalize(st);
	st = NULL;

	rc = store_stmt_prepare(s, "UPDATE report_idents SET hash = NULL, "
	    "value_sealed = NULL WHERE report_id = $1", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, id);
	rc = store_stmt_run(s, st);
out:
	db_finalize(st);
	return rc;
}

int
store_report_wipe(struct store *s, int64_t id)
{
	int rc;

	if ((rc = store_begin(s)) != 0)
		return rc;
	if ((rc = wipe(s, id)) != 0) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s);
}

int
store_report_delete(struct store *s, int64_t id)
{
	struct db_stmt *st = NULL;
	int rc;

	/* report_idents go with it: ON DELETE CASCADE. */
	rc = store_stmt_prepare(s, "DELETE FROM reports WHERE id = $1 "
	    "RETURNING id", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, id);
	if ((rc = store_stmt_row(s, st)) != 0)
		goto out;
	rc = store_stmt_run(s, st);
out:
	db_finalize(st);
	return rc;
}

int
store_report_ident_insert(struct store *s, const struct store_ident *i)
{
	return store_ident_insert(s, "INSERT INTO report_idents "
	    "(report_id, seq, kind, hash, value_sealed) "
	    "VALUES ($1, $2, $3, $4, $5)", i);
}

int
store_report_idents(struct store *s, struct arena *a, int64_t report_id,
    struct store_ident **out, size_t *n)
{
	struct db_stmt *st = NULL;
	struct store_ident *v = NULL;
	size_t len = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	rc = store_stmt_prepare(s, "SELECT report_id, seq, kind, hash, "
	    "value_sealed FROM report_idents WHERE report_id = $1 "
	    "ORDER BY seq", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, report_id);
	while ((rc = store_stmt_step(s, st)) == 1) {
		if (len == cap) {
			cap = cap ? st_mult(cap, 2) : 16;
			v = xrealloc(v, st_mult(cap, sizeof(*v)));
		}
		if ((rc = store_ident_row(a, st, &v[len++])) != 0)
			goto out;
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
store_report_ids_by_hash(struct store *s, struct arena *a,
    const uint8_t hash[STORE_HASH_BYTES], int64_t **ids, size_t *n)
{
	struct db_stmt *st = NULL;
	int rc;

	*ids = NULL;
	*n = 0;
	/* A wiped identifier's hash is NULL, which equals nothing. */
	rc = store_stmt_prepare(s, "SELECT DISTINCT report_id "
	    "FROM report_idents WHERE hash = $1 ORDER BY report_id", &st);
	if (rc != 0)
		goto out;
	db_bind_blob(st, 1, hash, STORE_HASH_BYTES);
	rc = store_collect_ids(s, a, st, ids, n);
out:
	db_finalize(st);
	return rc;
}
