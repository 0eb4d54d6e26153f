/*
 * cases.c: help requests and report follow-ups (cases) and their notes.
 *
 * Portable SQL over db.h only (see db.h for the rules). A help request's
 * reference arrives as a keyed hash; contact, safe times, code word,
 * outcome detail and notes arrive sealed. An absent sealed value (NULL or
 * empty) is stored as SQL NULL, as are a report_id and an assigned_to of
 * 0 and a missing ref_hash.
 *
 * Withdrawing destroys the sealed values in place (wipe), notes included:
 * the row keeps only what identifies nobody, so counts still add up.
 * secure_delete makes the database overwrite the old bytes.
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

static const char *
str(const char *s)
{
	return s != NULL ? s : "";
}

/* An optional id: SQL NULL for 0. */
static void
bind_opt_id(struct db_stmt *st, int i, int64_t id)
{
	if (id != 0)
		db_bind_int(st, i, id);
	else
		db_bind_null(st, i);
}

static int64_t
col_opt_id(struct db_stmt *st, int i)
{
	return db_col_null(st, i) ? 0 : db_col_int(st, i);
}

int
store_case_insert(struct store *s, const struct store_case *c)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "INSERT INTO cases (id, org_id, kind, "
	    "ref_hash, report_id, method, language, needs, danger_now, "
	    "forced, id_held, under_18, priority, status, assigned_to, "
	    "outcome, created_at, updated_at, contact_sealed, "
	    "safe_times_sealed, code_word_sealed, outcome_detail_sealed) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
	    "$14, $15, $16, $17, $18, $19, $20, $21, $22)", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, c->id);
	db_bind_int(st, 2, c->org_id);
	db_bind_text(st, 3, str(c->kind));
	if (c->has_ref)
		db_bind_blob(st, 4, c->ref_hash, STORE_HASH_BYTES);
	else
		db_bind_null(st, 4);
	bind_opt_id(st, 5, c->report_id);
	db_bind_text(st, 6, str(c->method));
	db_bind_text(st, 7, str(c->language));
	db_bind_int(st, 8, c->needs);
	db_bind_int(st, 9, c->danger_now != 0);
	db_bind_int(st, 10, c->forced != 0);
	db_bind_int(st, 11, c->id_held != 0);
	db_bind_int(st, 12, c->under_18 != 0);
	db_bind_int(st, 13, c->priority);
	db_bind_text(st, 14, str(c->status));
	bind_opt_id(st, 15, c->assigned_to);
	db_bind_text(st, 16, str(c->outcome));
	db_bind_int(st, 17, c->created_at);
	db_bind_int(st, 18, c->updated_at);
	store_bind_opt_blob(st, 19, c->contact_sealed, c->contact_sealed_len);
	store_bind_opt_blob(st, 20, c->safe_times_sealed,
	    c->safe_times_sealed_len);
	store_bind_opt_blob(st, 21, c->code_word_sealed,
	    c->code_word_sealed_len);
	store_bind_opt_blob(st, 22, c->outcome_detail_sealed,
	    c->outcome_detail_sealed_len);
	rc = store_stmt_run(s, st);
out:
	db_finalize(st);
	return rc;
}

/* The columns every read loads; the sealed ones follow them in get. */
#define CASE_COLUMNS	"id, org_id, kind, ref_hash, report_id, method, " \
			"language, needs, danger_now, forced, id_held, " \
			"under_18, priority, status, assigned_to, outcome, " \
			"created_at, updated_at"
#define CASE_NCOLUMNS	18
#define CASE_SEALED	"contact_sealed, safe_times_sealed, " \
			"code_word_sealed, outcome_detail_sealed"

static int
case_row(struct arena *a, struct db_stmt *st, struct store_case *out)
{
	memset(out, 0, sizeof(*out));
	out->id = db_col_int(st, 0);
	out->org_id = db_col_int(st, 1);
	out->kind = store_col_str(a, st, 2);
	if (!db_col_null(st, 3)) {
		if (store_col_hash(st, 3, out->ref_hash) != 0)
			return STORE_ERR;
		out->has_ref = 1;
	}
	out->report_id = col_opt_id(st, 4);
	out->method = store_col_str(a, st, 5);
	out->language = store_col_str(a, st, 6);
	out->needs = db_col_int(st, 7);
	out->danger_now = db_col_int(st, 8) != 0;
	out->forced = db_col_int(st, 9) != 0;
	out->id_held = db_col_int(st, 10) != 0;
	out->under_18 = db_col_int(st, 11) != 0;
	out->priority = (int)db_col_int(st, 12);
	out->status = store_col_str(a, st, 13);
	out->assigned_to = col_opt_id(st, 14);
	out->outcome = store_col_str(a, st, 15);
	out->created_at = db_col_int(st, 16);
	out->updated_at = db_col_int(st, 17);
	return 0;
}

/* One row of "SELECT CASE_COLUMNS, CASE_SEALED ..." into out. */
static int
case_row_sealed(struct store *s, struct arena *a, struct db_stmt *st,
    struct store_case *out)
{
	int c = CASE_NCOLUMNS, rc;

	if ((rc = store_stmt_row(s, st)) != 0)
		return rc;
	if ((rc = case_row(a, st, out)) != 0)
		return rc;
	out->contact_sealed = store_col_bytes(a, st, c,
	    &out->contact_sealed_len);
	out->safe_times_sealed = store_col_bytes(a, st, c + 1,
	    &out->safe_times_sealed_len);
	out->code_word_sealed = store_col_bytes(a, st, c + 2,
	    &out->code_word_sealed_len);
	out->outcome_detail_sealed = store_col_bytes(a, st, c + 3,
	    &out->outcome_detail_sealed_len);
	return 0;
}

int
store_case_get(struct store *s, struct arena *a, int64_t id,
    struct store_case *out)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "SELECT " CASE_COLUMNS ", " CASE_SEALED
	    " FROM cases WHERE id = $1", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, id);
	rc = case_row_sealed(s, a, st, out);
out:
	db_finalize(st);
	return rc;
}

int
store_case_by_ref(struct store *s, struct arena *a,
    const uint8_t ref_hash[STORE_HASH_BYTES], struct store_case *out)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "SELECT " CASE_COLUMNS ", " CASE_SEALED
	    " FROM cases WHERE ref_hash = $1", &st);
	if (rc != 0)
		goto out;
	db_bind_blob(st, 1, ref_hash, STORE_HASH_BYTES);
	rc = case_row_sealed(s, a, st, out);
out:
	db_finalize(st);
	return rc;
}

int
store_case_by_report(struct store *s, int64_t report_id, int64_t *case_id)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "SELECT id FROM cases WHERE report_id = $1 "
	    "ORDER BY created_at, id", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, report_id);
	if ((rc = store_stmt_row(s, st)) != 0)
		goto out;
	*case_id = db_col_int(st, 0);
out:
	db_finalize(st);
	return rc;
}

int
store_case_list(struct store *s, struct arena *a, int64_t org_id,
    const char *status, struct store_case **out, size_t *n)
{
	struct db_stmt *st = NULL;
	struct store_case *v = NULL;
	size_t len = 0, cap = 0;
	int rc, one = 0;

	*out = NULL;
	*n = 0;
	/* Separate statements rather than "$2 IS NULL OR ...", so a single
	 * status reads (org, status, priority, created_at) in index order. */
	if (status == NULL) {
		rc = store_stmt_prepare(s, "SELECT " CASE_COLUMNS
		    " FROM cases WHERE org_id = $1 "
		    "ORDER BY priority, created_at, id", &st);
	} else if (strcmp(status, STORE_CASES_ACTIVE) == 0) {
		rc = store_stmt_prepare(s, "SELECT " CASE_COLUMNS
		    " FROM cases WHERE org_id = $1 "
		    "AND status IN ('open', 'claimed') "
		    "ORDER BY priority, created_at, id", &st);
	} else {
		one = 1;
		rc = store_stmt_prepare(s, "SELECT " CASE_COLUMNS
		    " FROM cases WHERE org_id = $1 AND status = $2 "
		    "ORDER BY priority, created_at, id", &st);
	}
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, org_id);
	if (one)
		db_bind_text(st, 2, status);
	while ((rc = store_stmt_step(s, st)) == 1) {
		if (len == cap) {
			cap = cap ? st_mult(cap, 2) : 16;
			v = xrealloc(v, st_mult(cap, sizeof(*v)));
		}
		if ((rc = case_row(a, st, &v[len++])) != 0)
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

/* Run a single-row UPDATE ... RETURNING id: STORE_NOTFOUND without one. */
static int
run_one(struct store *s, struct db_stmt *st)
{
	int rc;

	if ((rc = store_stmt_row(s, st)) != 0)
		return rc;
	return store_stmt_run(s, st);
}

int
store_case_assign(struct store *s, int64_t id, int64_t user_id, int64_t now)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "UPDATE cases SET status = 'claimed', "
	    "assigned_to = $1, updated_at = $2 WHERE id = $3 RETURNING id",
	    &st);
	if (rc != 0)
		goto out;
	bind_opt_id(st, 1, user_id);
	db_bind_int(st, 2, now);
	db_bind_int(st, 3, id);
	rc = run_one(s, st);
out:
	db_finalize(st);
	return rc;
}

int
store_case_close(struct store *s, int64_t id, const char *outcome,
    const uint8_t *detail_sealed, size_t detail_sealed_len, int64_t now)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "UPDATE cases SET status = 'closed', "
	    "outcome = $1, outcome_detail_sealed = $2, updated_at = $3 "
	    "WHERE id = $4 RETURNING id", &st);
	if (rc != 0)
		goto out;
	db_bind_text(st, 1, str(outcome));
	store_bind_opt_blob(st, 2, detail_sealed, detail_sealed_len);
	db_bind_int(st, 3, now);
	db_bind_int(st, 4, id);
	rc = run_one(s, st);
out:
	db_finalize(st);
	return rc;
}

int
store_case_set_status(struct store *s, int64_t id, const char *status,
    const char *outcome, int64_t now)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "UPDATE cases SET status = $1, "
	    "outcome = $2, updated_at = $3 WHERE id = $4 RETURNING id", &st);
	if (rc != 0)
		goto out;
	db_bind_text(st, 1, str(status));
	db_bind_text(st, 2, str(outcome));
	db_bind_int(st, 3, now);
	db_bind_int(st, 4, id);
	rc = run_one(s, st);
out:
	db_finalize(st);
	return rc;
}

static int
wipe(struct store *s, int64_t id)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "UPDATE cases SET contact_sealed = NULL, "
	    "safe_times_sealed = NULL, code_word_sealed = NULL, "
	    "outcome_detail_sealed = NULL WHERE id = $1 RETURNING id", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, id);
	if ((rc = run_one(s, st)) != 0)
		goto out;
	db_finalize(st);
	st = NULL;

	rc = store_stmt_prepare(s, "UPDATE case_notes SET note_sealed = NULL "
	    "WHERE case_id = $1", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, id);
	rc = store_stmt_run(s, st);
out:
	db_finalize(st);
	return rc;
}

int
store_case_wipe(struct store *s, int64_t id)
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
store_case_note_next_id(struct store *s, int64_t *id)
{
	return store_int_query(s, "SELECT COALESCE(MAX(id), 0) + 1 "
	    "FROM case_notes", id);
}

int
store_case_note_insert(struct store *s, const struct store_case_note *note)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "INSERT INTO case_notes (id, case_id, "
	    "author_id, created_at, note_sealed) VALUES ($1, $2, $3, $4, $5)",
	    &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, note->id);
	db_bind_int(st, 2, note->case_id);
	db_bind_int(st, 3, note->author_id);
	db_bind_int(st, 4, note->created_at);
	store_bind_opt_blob(st, 5, note->note_sealed, note->note_sealed_len);
	rc = store_stmt_run(s, st);
out:
	db_finalize(st);
	return rc;
}

int
store_case_notes(struct store *s, struct arena *a, int64_t case_id,
    struct store_case_note **out, size_t *n)
{
	struct db_stmt *st = NULL;
	struct store_case_note *v = NULL;
	size_t len = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	rc = store_stmt_prepare(s, "SELECT id, case_id, author_id, "
	    "created_at, note_sealed FROM case_notes WHERE case_id = $1 "
	    "ORDER BY created_at, id", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, case_id);
	while ((rc = store_stmt_step(s, st)) == 1) {
		if (len == cap) {
			cap = cap ? st_mult(cap, 2) : 16;
			v = xrealloc(v, st_mult(cap, sizeof(*v)));
		}
		v[len].id = db_col_int(st, 0);
		v[len].case_id = db_col_int(st, 1);
		v[len].author_id = db_col_int(st, 2);
		v[len].created_at = db_col_int(st, 3);
		v[len].note_sealed = store_col_bytes(a, st, 4,
		    &v[len].note_sealed_len);
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
