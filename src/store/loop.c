/*
 * loop.c: the small parts of store_loop.h (invites, region subtrees, feed
 * tokens) and the helpers that reports.c and alerts.c share.
 *
 * Portable SQL over db.h only (see db.h for the rules). Codes and tokens
 * arrive as keyed hashes; the store never sees them in the clear.
 */
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/internal.h"
#include "store/store.h"
#include "store/store_loop.h"
#include "util/arena.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

void
store_bind_opt_blob(struct db_stmt *st, int i, const void *p, size_t n)
{
	/* A sealed value is never empty (it carries a MAC), so an empty one
	 * can only mean "none". */
	if (p == NULL || n == 0)
		db_bind_null(st, i);
	else
		db_bind_blob(st, i, p, n);
}

int
store_ident_insert(struct store *s, const char *sql,
    const struct store_ident *i)
{
	struct db_stmt *st = NULL;
	int rc;

	if ((rc = store_stmt_prepare(s, sql, &st)) != 0)
		goto out;
	db_bind_int(st, 1, i->owner_id);
	db_bind_int(st, 2, i->seq);
	db_bind_text(st, 3, i->kind != NULL ? i->kind : "");
	db_bind_blob(st, 4, i->hash, STORE_HASH_BYTES);
	store_bind_opt_blob(st, 5, i->value_sealed, i->value_sealed_len);
	rc = store_stmt_run(s, st);
out:
	db_finalize(st);
	return rc;
}

int
store_ident_row(struct arena *a, struct db_stmt *st, struct store_ident *out)
{
	out->owner_id = db_col_int(st, 0);
	out->seq = db_col_int(st, 1);
	out->kind = store_col_str(a, st, 2);
	if (db_col_null(st, 3))
		memset(out->hash, 0, STORE_HASH_BYTES);
	else if (store_col_hash(st, 3, out->hash) != 0)
		return STORE_ERR;
	out->value_sealed = store_col_bytes(a, st, 4, &out->value_sealed_len);
	return 0;
}

int
store_collect_ids(struct store *s, struct arena *a, struct db_stmt *st,
    int64_t **ids, size_t *n)
{
	int64_t *v = NULL;
	size_t len = 0, cap = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	while ((rc = store_stmt_step(s, st)) == 1) {
		if (len == cap) {
			cap = cap ? st_mult(cap, 2) : 16;
			v = xrealloc(v, st_mult(cap, sizeof(*v)));
		}
		v[len++] = db_col_int(st, 0);
	}
	if (rc == 0) {
		*ids = arena_memdup(a, v, st_mult(len, sizeof(*v)));
		*n = len;
	}
	free(v);
	return rc;
}

/* Invites. */

int
store_invite_insert(struct store *s,
    const uint8_t code_hash[STORE_HASH_BYTES], int64_t org_id,
    int64_t created_by, int64_t created_at, int64_t expires_at)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "INSERT INTO invites (code_hash, org_id, "
	    "created_by, created_at, expires_at) "
	    "VALUES ($1, $2, $3, $4, $5)", &st);
	if (rc != 0)
		goto out;
	db_bind_blob(st, 1, code_hash, STORE_HASH_BYTES);
	db_bind_int(st, 2, org_id);
	db_bind_int(st, 3, created_by);
	db_bind_int(st, 4, created_at);
	db_bind_int(st, 5, expires_at);
	rc = store_stmt_run(s, st);
out:
	db_finalize(st);
	return rc;
}

int
store_invite_take(struct store *s, const uint8_t code_hash[STORE_HASH_BYTES],
    int64_t now, int64_t user_id, int64_t *org_id)
{
	struct db_stmt *st = NULL;
	int rc;

	/* One statement, so two registrations racing for the same code
	 * cannot both see it unused: the loser's UPDATE matches no row. */
	rc = store_stmt_prepare(s, "UPDATE invites "
	    "SET used_by = $1, used_at = $2 "
	    "WHERE code_hash = $3 AND used_at IS NULL AND expires_at > $2 "
	    "RETURNING org_id", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, user_id);
	db_bind_int(st, 2, now);
	db_bind_blob(st, 3, code_hash, STORE_HASH_BYTES);
	if ((rc = store_stmt_row(s, st)) != 0)
		goto out;
	*org_id = db_col_int(st, 0);
	rc = store_stmt_run(s, st);
out:
	db_finalize(st);
	return rc;
}

/* Regions. */

int
store_region_subtree(struct store *s, struct arena *a, int64_t region_id,
    int64_t **ids, size_t *n)
{
	struct db_stmt *st = NULL;
	int rc;

	/* UNION, not UNION ALL: a cycle (which the schema cannot rule out)
	 * ends the recursion instead of looping forever. */
	rc = store_stmt_prepare(s, "WITH RECURSIVE sub (id) AS ("
	    "SELECT id FROM regions WHERE id = $1 "
	    "UNION "
	    "SELECT r.id FROM regions r JOIN sub ON r.parent_id = sub.id) "
	    "SELECT id FROM sub ORDER BY id", &st);
	if (rc != 0) {
		*ids = NULL;
		*n = 0;
		goto out;
	}
	db_bind_int(st, 1, region_id);
	if ((rc = store_collect_ids(s, a, st, ids, n)) != 0)
		goto out;
	/* An empty list would read as "every region" to store_alert_list. */
	if (*n == 0)
		rc = STORE_NOTFOUND;
out:
	db_finalize(st);
	return rc;
}

/* Feed tokens. */

int
store_feed_token_set(struct store *s, int64_t user_id,
    const uint8_t hash[STORE_HASH_BYTES], int64_t created_at)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "INSERT INTO feed_tokens "
	    "(user_id, token_hash, created_at) VALUES ($1, $2, $3) "
	    "ON CONFLICT (user_id) DO UPDATE SET "
	    "token_hash = excluded.token_hash, "
	    "created_at = excluded.created_at", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, user_id);
	db_bind_blob(st, 2, hash, STORE_HASH_BYTES);
	db_bind_int(st, 3, created_at);
	rc = store_stmt_run(s, st);
out:
	db_finalize(st);
	return rc;
}

int
store_feed_token_delete(struct store *s, int64_t user_id)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "DELETE FROM feed_tokens "
	    "WHERE user_id = $1 RETURNING user_id", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, user_id);
	if ((rc = store_stmt_row(s, st)) != 0)
		goto out;
	rc = store_stmt_run(s, st);
out:
	db_finalize(st);
	return rc;
}

int
store_feed_token_user(struct store *s, const uint8_t hash[STORE_HASH_BYTES],
    int64_t *user_id)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "SELECT user_id FROM feed_tokens "
	    "WHERE token_hash = $1", &st);
	if (rc != 0)
		goto out;
	db_bind_blob(st, 1, hash, STORE_HASH_BYTES);
	if ((rc = store_stmt_row(s, st)) != 0)
		goto out;
	*user_id = db_col_int(st, 0);
out:
	db_finalize(st);
	return rc;
}

int
store_feed_token_has(struct store *s, int64_t user_id, int *has)
{
	struct db_stmt *st = NULL;
	int rc;

	*has = 0;
	rc = store_stmt_prepare(s, "SELECT user_id FROM feed_tokens "
	    "WHERE user_id = $1", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, user_id);
	rc = store_stmt_row(s, st);
	if (rc == STORE_OK)
		*has = 1;
	else if (rc == STORE_NOTFOUND)
		rc = STORE_OK;
out:
	db_finalize(st);
	return rc;
}
