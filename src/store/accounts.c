/*
 * accounts.c: organisations, regions, users, their regions, and sessions.
 *
 * Portable SQL over db.h only (see db.h for the rules). Optional text
 * arriving as NULL is stored as "", and a parent_id of 0 as SQL NULL.
 */
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/internal.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const char *
str(const char *s)
{
	return s != NULL ? s : "";
}

int
store_org_insert(struct store *s, const struct org *o)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "INSERT INTO orgs (id, name, created_at) "
	    "VALUES ($1, $2, $3)", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, o->id);
	db_bind_text(st, 2, str(o->name));
	db_bind_int(st, 3, o->created_at);
	rc = store_stmt_run(s, st);
out:
	db_finalize(st);
	return rc;
}

static void
org_row(struct arena *a, struct db_stmt *st, struct org *out)
{
	out->id = db_col_int(st, 0);
	out->name = store_col_str(a, st, 1);
	out->created_at = db_col_int(st, 2);
}

int
store_org_get(struct store *s, struct arena *a, int64_t id, struct org *out)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "SELECT id, name, created_at FROM orgs "
	    "WHERE id = $1", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, id);
	if ((rc = store_stmt_row(s, st)) != 0)
		goto out;
	org_row(a, st, out);
out:
	db_finalize(st);
	return rc;
}

int
store_org_first(struct store *s, struct arena *a, struct org *out)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "SELECT id, name, created_at FROM orgs "
	    "ORDER BY created_at, id LIMIT 1", &st);
	if (rc != 0)
		goto out;
	if ((rc = store_stmt_row(s, st)) != 0)
		goto out;
	org_row(a, st, out);
out:
	db_finalize(st);
	return rc;
}

int
store_org_by_name(struct store *s, struct arena *a, const char *name,
    struct org *out)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "SELECT id, name, created_at FROM orgs "
	    "WHERE name = $1 ORDER BY created_at, id LIMIT 1", &st);
	if (rc != 0)
		goto out;
	db_bind_text(st, 1, name);
	if ((rc = store_stmt_row(s, st)) != 0)
		goto out;
	org_row(a, st, out);
out:
	db_finalize(st);
	return rc;
}

int
store_region_insert(struct store *s, const struct region *r)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "INSERT INTO regions "
	    "(id, code, name, parent_id) VALUES ($1, $2, $3, $4)", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, r->id);
	db_bind_text(st, 2, str(r->code));
	db_bind_text(st, 3, str(r->name));
	if (r->parent_id != 0)
		db_bind_int(st, 4, r->parent_id);
	else
		db_bind_null(st, 4);
	rc = store_stmt_run(s, st);
out:
	db_finalize(st);
	return rc;
}

static void
region_row(struct arena *a, struct db_stmt *st, struct region *out)
{
	out->id = db_col_int(st, 0);
	out->code = store_col_str(a, st, 1);
	out->name = store_col_str(a, st, 2);
	out->parent_id = db_col_null(st, 3) ? 0 : db_col_int(st, 3);
}

int
store_region_by_code(struct store *s, struct arena *a, const char *code,
    struct region *out)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "SELECT id, code, name, parent_id "
	    "FROM regions WHERE code = $1", &st);
	if (rc != 0)
		goto out;
	db_bind_text(st, 1, str(code));
	if ((rc = store_stmt_row(s, st)) != 0)
		goto out;
	region_row(a, st, out);
out:
	db_finalize(st);
	return rc;
}

int
store_region_list(struct store *s, struct arena *a, struct region **out,
    size_t *n)
{
	struct db_stmt *st = NULL;
	struct region *v = NULL;
	size_t len = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	rc = store_stmt_prepare(s, "SELECT id, code, name, parent_id "
	    "FROM regions ORDER BY code", &st);
	if (rc != 0)
		goto out;
	while ((rc = store_stmt_step(s, st)) == 1) {
		if (len == cap) {
			cap = cap ? st_mult(cap, 2) : 16;
			v = xrealloc(v, st_mult(cap, sizeof(*v)));
		}
		region_row(a, st, &v[len++]);
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
store_user_insert(struct store *s, const struct user *u)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "INSERT INTO users (id, org_id, role, "
	    "name_hash, name_sealed, pw_hash, status, created_at) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, u->id);
	db_bind_int(st, 2, u->org_id);
	db_bind_text(st, 3, str(u->role));
	db_bind_blob(st, 4, u->name_hash, STORE_HASH_BYTES);
	db_bind_blob(st, 5, u->name_sealed, u->name_sealed_len);
	db_bind_text(st, 6, str(u->pw_hash));
	db_bind_text(st, 7, str(u->status));
	db_bind_int(st, 8, u->created_at);
	rc = store_stmt_run(s, st);
out:
	db_finalize(st);
	return rc;
}

#define USER_COLUMNS	"id, org_id, role, name_hash, name_sealed, pw_hash, " \
			"status, created_at"

static int
user_row(struct arena *a, struct db_stmt *st, struct user *out)
{
	out->id = db_col_int(st, 0);
	out->org_id = db_col_int(st, 1);
	out->role = store_col_str(a, st, 2);
	if (store_col_hash(st, 3, out->name_hash) != 0)
		return STORE_ERR;
	out->name_sealed = store_col_bytes(a, st, 4, &out->name_sealed_len);
	out->pw_hash = store_col_str(a, st, 5);
	out->status = store_col_str(a, st, 6);
	out->created_at = db_col_int(st, 7);
	return 0;
}

int
store_user_get(struct store *s, struct arena *a, int64_t id,
    struct user *out)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "SELECT " USER_COLUMNS " FROM users "
	    "WHERE id = $1", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, id);
	if ((rc = store_stmt_row(s, st)) != 0)
		goto out;
	rc = user_row(a, st, out);
out:
	db_finalize(st);
	return rc;
}

int
store_user_by_name(struct store *s, struct arena *a,
    const uint8_t name_hash[STORE_HASH_BYTES], struct user *out)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "SELECT " USER_COLUMNS " FROM users "
	    "WHERE name_hash = $1", &st);
	if (rc != 0)
		goto out;
	db_bind_blob(st, 1, name_hash, STORE_HASH_BYTES);
	if ((rc = store_stmt_row(s, st)) != 0)
		goto out;
	rc = user_row(a, st, out);
out:
	db_finalize(st);
	return rc;
}

int
store_user_set_password(struct store *s, int64_t id, const char *pw_hash)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "UPDATE users SET pw_hash = $1 "
	    "WHERE id = $2 RETURNING id", &st);
	if (rc != 0)
		goto out;
	db_bind_text(st, 1, str(pw_hash));
	db_bind_int(st, 2, id);
	if ((rc = store_stmt_row(s, st)) != 0)
		goto out;
	if ((rc = store_stmt_run(s, st)) != 0)
		goto out;
	rc = store_emit(s, STORE_EVENT_USER_CHANGED, id);
out:
	db_finalize(st);
	return rc;
}

int
store_user_set_status(struct store *s, int64_t id, const char *status)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "UPDATE users SET status = $1 "
	    "WHERE id = $2 RETURNING id", &st);
	if (rc != 0)
		goto out;
	db_bind_text(st, 1, str(status));
	db_bind_int(st, 2, id);
	if ((rc = store_stmt_row(s, st)) != 0)
		goto out;
	if ((rc = store_stmt_run(s, st)) != 0)
		goto out;
	rc = store_emit(s, STORE_EVENT_USER_CHANGED, id);
out:
	db_finalize(st);
	return rc;
}

int
store_user_count(struct store *s, int64_t *n)
{
	return store_int_query(s, "SELECT COUNT(*) FROM users", n);
}

static int
regions_replace(struct store *s, int64_t user_id, const int64_t *ids,
    size_t n)
{
	struct db_stmt *st = NULL;
	size_t i;
	int rc;

	rc = store_stmt_prepare(s, "DELETE FROM user_regions "
	    "WHERE user_id = $1", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, user_id);
	if ((rc = store_stmt_run(s, st)) != 0)
		goto out;
	db_finalize(st);
	st = NULL;

	for (i = 0; i < n; i++) {
		/* A repeated id is one subscription, not a conflict. */
		rc = store_stmt_prepare(s, "INSERT INTO user_regions "
		    "(user_id, region_id) VALUES ($1, $2) "
		    "ON CONFLICT (user_id, region_id) DO NOTHING", &st);
		if (rc != 0)
			goto out;
		db_bind_int(st, 1, user_id);
		db_bind_int(st, 2, ids[i]);
		if ((rc = store_stmt_run(s, st)) != 0)
			goto out;
		db_finalize(st);
		st = NULL;
	}
out:
	db_finalize(st);
	return rc;
}

int
store_user_regions_set(struct store *s, int64_t user_id, const int64_t *ids,
    size_t n)
{
	int rc;

	if ((rc = store_begin(s)) != 0)
		return rc;
	if ((rc = regions_replace(s, user_id, ids, n)) != 0 ||
	    (rc = store_emit(s, STORE_EVENT_USER_CHANGED, user_id)) != 0) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s);
}

int
store_user_regions_get(struct store *s, struct arena *a, int64_t user_id,
    int64_t **ids, size_t *n)
{
	struct db_stmt *st = NULL;
	int64_t *v = NULL;
	size_t len = 0, cap = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	rc = store_stmt_prepare(s, "SELECT region_id FROM user_regions "
	    "WHERE user_id = $1 ORDER BY region_id", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, user_id);
	while ((rc = store_stmt_step(s, st)) == 1) {
		if (len == cap) {
			cap = cap ? st_mult(cap, 2) : 16;
			v = xrealloc(v, st_mult(cap, sizeof(*v)));
		}
		v[len++] = db_col_int(st, 0);
	}
	if (rc != 0)
		goto out;
	*ids = arena_memdup(a, v, st_mult(len, sizeof(*v)));
	*n = len;
out:
	free(v);
	db_finalize(st);
	return rc;
}

int
store_session_insert(struct store *s, const struct session *se)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "INSERT INTO sessions (token_hash, "
	    "user_id, kind, created_at, expires_at) "
	    "VALUES ($1, $2, $3, $4, $5)", &st);
	if (rc != 0)
		goto out;
	db_bind_blob(st, 1, se->token_hash, STORE_HASH_BYTES);
	db_bind_int(st, 2, se->user_id);
	db_bind_text(st, 3, str(se->kind));
	db_bind_int(st, 4, se->created_at);
	db_bind_int(st, 5, se->expires_at);
	rc = store_stmt_run(s, st);
out:
	db_finalize(st);
	return rc;
}

int
store_session_get(struct store *s, struct arena *a,
    const uint8_t token_hash[STORE_HASH_BYTES], int64_t now,
    struct session *out)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "SELECT token_hash, user_id, kind, "
	    "created_at, expires_at FROM sessions "
	    "WHERE token_hash = $1 AND expires_at > $2", &st);
	if (rc != 0)
		goto out;
	db_bind_blob(st, 1, token_hash, STORE_HASH_BYTES);
	db_bind_int(st, 2, now);
	if ((rc = store_stmt_row(s, st)) != 0)
		goto out;
	if ((rc = store_col_hash(st, 0, out->token_hash)) != 0)
		goto out;
	out->user_id = db_col_int(st, 1);
	out->kind = store_col_str(a, st, 2);
	out->created_at = db_col_int(st, 3);
	out->expires_at = db_col_int(st, 4);
out:
	db_finalize(st);
	return rc;
}

int
store_session_delete(struct store *s,
    const uint8_t token_hash[STORE_HASH_BYTES])
{
	struct db_stmt *st = NULL;
	int64_t user_id;
	int rc;

	rc = store_stmt_prepare(s, "DELETE FROM sessions "
	    "WHERE token_hash = $1 RETURNING user_id", &st);
	if (rc != 0)
		goto out;
	db_bind_blob(st, 1, token_hash, STORE_HASH_BYTES);
	if ((rc = store_stmt_row(s, st)) != 0)
		goto out;
	user_id = db_col_int(st, 0);
	if ((rc = store_stmt_run(s, st)) != 0)
		goto out;
	/* Other nodes forget what they cached of the account's sessions. */
	rc = store_emit(s, STORE_EVENT_USER_CHANGED, user_id);
out:
	db_finalize(st);
	return rc;
}

int
store_session_delete_user(struct store *s, int64_t user_id,
    const uint8_t *keep)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, keep == NULL ?
	    "DELETE FROM sessions WHERE user_id = $1" :
	    "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2",
	    &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, user_id);
	if (keep != NULL)
		db_bind_blob(st, 2, keep, STORE_HASH_BYTES);
	if ((rc = store_stmt_run(s, st)) != 0)
		goto out;
	rc = store_emit(s, STORE_EVENT_USER_CHANGED, user_id);
out:
	db_finalize(st);
	return rc;
}

int
store_session_purge(struct store *s, int64_t now)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "DELETE FROM sessions "
	    "WHERE expires_at <= $1", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, now);
	rc = store_stmt_run(s, st);
out:
	db_finalize(st);
	return rc;
}
