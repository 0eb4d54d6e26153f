/*
 * audit.c: the append-only, hash-chained audit log.
 *
 * The store assigns seq (the last seq + 1) and refuses a row whose prev is
 * not the last row's hash, inside one write transaction (the caller's, or
 * its own), so two writers can never fork the chain: the slower one receives
 * STORE_CONFLICT and recomputes. The hash itself is the caller's
 * business: the store never holds the audit key.
 */
#include <string.h>

#include "store/db.h"
#include "store/internal.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/log.h"
#include "util/banned.h"

/* Rows store_audit_each() reads in one statement. */
#define AUDIT_PAGE	1000

static int
audit_row(struct arena *a, struct db_stmt *st, struct audit_row *out)
{
	out->seq = db_col_int(st, 0);
	out->at = db_col_int(st, 1);
	out->actor_id = db_col_int(st, 2);
	out->action = store_col_str(a, st, 3);
	out->object = store_col_str(a, st, 4);
	out->detail = store_col_str(a, st, 5);
	if (store_col_hash(st, 6, out->prev) != 0 ||
	    store_col_hash(st, 7, out->hash) != 0)
		return STORE_ERR;
	return 0;
}

int
store_audit_last(struct store *s, struct arena *a, struct audit_row *out)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "SELECT seq, at, actor_id, action, object, "
	    "detail, prev, hash FROM audit ORDER BY seq DESC LIMIT 1", &st);
	if (rc != 0)
		goto out;
	if ((rc = store_stmt_row(s, st)) != 0)
		goto out;
	rc = audit_row(a, st, out);
out:
	db_finalize(st);
	return rc;
}

/* The seq and hash of the last row; 0 and zeroes on an empty log. */
static int
last_link(struct store *s, int64_t *seq, uint8_t hash[STORE_HASH_BYTES])
{
	struct db_stmt *st = NULL;
	int rc;

	*seq = 0;
	memset(hash, 0, STORE_HASH_BYTES);
	rc = store_stmt_prepare(s, "SELECT seq, hash FROM audit "
	    "ORDER BY seq DESC LIMIT 1", &st);
	if (rc != 0)
		goto out;
	if ((rc = store_stmt_row(s, st)) != 0) {
		if (rc == STORE_NOTFOUND)
			rc = 0;
		goto out;
	}
	*seq = db_col_int(st, 0);
	rc = store_col_hash(st, 1, hash);
out:
	db_finalize(st);
	return rc;
}

static int
append(struct store *s, const struct audit_row *r)
{
	struct db_stmt *st = NULL;
	uint8_t last[STORE_HASH_BYTES];
	int64_t seq;
	int rc;

	if ((rc = last_link(s, &seq, last)) != 0)
		goto out;
	seq++;
	if (r->seq != 0 && r->seq != seq) {
		log_warn("store: audit row %lld is not the next one (%lld)",
		    (long long)r->seq, (long long)seq);
		rc = STORE_CONFLICT;
		goto out;
	}
	if (memcmp(r->prev, last, STORE_HASH_BYTES) != 0) {
		log_warn("store: audit row %lld does not chain to the last "
		    "row's hash", (long long)seq);
		rc = STORE_CONFLICT;
		goto out;
	}
	rc = store_stmt_prepare(s, "INSERT INTO audit (seq, at, actor_id, "
	    "action, object, detail, prev, hash) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, seq);
	db_bind_int(st, 2, r->at);
	db_bind_int(st, 3, r->actor_id);
	db_bind_text(st, 4, r->action != NULL ? r->action : "");
	db_bind_text(st, 5, r->object != NULL ? r->object : "");
	db_bind_text(st, 6, r->detail != NULL ? r->detail : "");
	db_bind_blob(st, 7, r->prev, STORE_HASH_BYTES);
	db_bind_blob(st, 8, r->hash, STORE_HASH_BYTES);
	rc = store_stmt_run(s, st);
out:
	db_finalize(st);
	return rc;
}

int
store_audit_insert(struct store *s, const struct audit_row *r)
{
	int rc;

	if ((rc = store_begin(s)) != 0)
		return rc;
	if ((rc = append(s, r)) != 0) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s);
}

int
store_audit_each(struct store *s, struct arena *a,
    int (*fn)(const struct audit_row *, void *), void *arg)
{
	struct db_stmt *st = NULL;
	struct audit_row row;
	struct arena scratch;
	int64_t after = 0;
	int rc, n;

	/*
	 * Each row lives in scratch only while fn runs, and the log is read
	 * AUDIT_PAGE rows at a time (a driver may fetch a statement's rows
	 * all at once), so walking a log of millions of rows takes constant
	 * memory. Rows are only ever appended, in seq order, so the pages
	 * join up whatever is written between them.
	 */
	arena_init(&scratch);
	do {
		rc = store_stmt_prepare(s, "SELECT seq, at, actor_id, action, "
		    "object, detail, prev, hash FROM audit WHERE seq > $1 "
		    "ORDER BY seq LIMIT $2", &st);
		if (rc != 0)
			goto out;
		db_bind_int(st, 1, after);
		db_bind_int(st, 2, AUDIT_PAGE);
		n = 0;
		while ((rc = store_stmt_step(s, st)) == 1) {
			n++;
			if ((rc = audit_row(&scratch, st, &row)) != 0)
				goto out;
			after = row.seq;
			rc = fn(&row, arg);
			arena_release(&scratch);
			if (rc != 0)
				goto out;
		}
		db_finalize(st);
		st = NULL;
	} while (rc == 0 && n == AUDIT_PAGE);
out:
	arena_release(&scratch);
	db_finalize(st);
	return rc;
}
