#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/audit.h"
#include "util/log.h"
#include "util/banned.h"

static void
put64(crypto_generichash_state *st, int64_t v)
{
	uint8_t b[8];
	uint64_t u = (uint64_t)v;
	int i;

	for (i = 0; i < 8; i++)
		b[i] = (uint8_t)(u >> (8 * i));
	crypto_generichash_update(st, b, sizeof(b));
}

static void
putstr(crypto_generichash_state *st, const char *s)
{
	if (s == NULL)
		s = "";
	crypto_generichash_update(st, (const uint8_t *)s, strlen(s) + 1);
}

static void
row_hash(const struct keys *k, const struct audit_row *r,
    uint8_t out[STORE_HASH_BYTES])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, k->audit, KEY_BYTES, STORE_HASH_BYTES);
	crypto_generichash_update(&st, r->prev, STORE_HASH_BYTES);
	put64(&st, r->seq);
	put64(&st, r->at);
	put64(&st, r->actor_id);
	putstr(&st, r->action);
	putstr(&st, r->object);
	putstr(&st, r->detail);
	crypto_generichash_final(&st, out, STORE_HASH_BYTES);
}

int
audit_log(struct app *app, struct store *s, int64_t actor, const char *action,
    const char *object, const char *detail)
{
	struct audit_row last, row;
	struct arena a;
	int rc;

	arena_init(&a);
	memset(&row, 0, sizeof(row));
	if ((rc = store_begin(s)) != 0)
		goto out;
	rc = store_audit_last(s, &a, &last);
	if (rc == STORE_OK) {
		row.seq = last.seq + 1;
		memcpy(row.prev, last.hash, STORE_HASH_BYTES);
	} else if (rc == STORE_NOTFOUND) {
		row.seq = 1;
	} else {
		store_rollback(s);
		goto out;
	}
	row.at = (int64_t)time(NULL);
	row.actor_id = actor;
	row.action = (char *)action;
	row.object = (char *)(object ? object : "");
	row.detail = (char *)(detail ? detail : "");
	row_hash(&app->keys, &row, row.hash);
	if ((rc = store_audit_insert(s, &row)) != 0) {
		store_rollback(s);
		goto out;
	}
	rc = store_commit(s);
out:
	arena_release(&a);
	if (rc != 0)
		log_error("audit: cannot record '%s'", action);
	return rc;
}

struct verify_state {
	const struct keys	*keys;
	int64_t			 expect_seq;
	uint8_t			 prev[STORE_HASH_BYTES];
	int64_t			 bad_seq;
	int64_t			 rows;
};

static int
verify_row(const struct audit_row *r, void *arg)
{
	struct verify_state *v = arg;
	uint8_t h[STORE_HASH_BYTES];

	if (r->seq != v->expect_seq) {
		/* A gap: the row numbered expect_seq is missing. */
		v->bad_seq = v->expect_seq;
		return 1;
	}
	row_hash(v->keys, r, h);
	if (sodium_memcmp(r->prev, v->prev, STORE_HASH_BYTES) != 0 ||
	    sodium_memcmp(r->hash, h, STORE_HASH_BYTES) != 0) {
		v->bad_seq = r->seq;
		return 1;
	}
	memcpy(v->prev, r->hash, STORE_HASH_BYTES);
	v->expect_seq++;
	v->rows++;
	return 0;
}

int
audit_verify(struct app *app, struct store *s, int64_t *bad_seq,
    int64_t *rows)
{
	struct verify_state v;
	struct arena a;
	int rc;

	memset(&v, 0, sizeof(v));
	v.keys = &app->keys;
	v.expect_seq = 1;
	arena_init(&a);
	rc = store_audit_each(s, &a, verify_row, &v);
	arena_release(&a);
	*rows = v.rows;
	if (rc < 0)
		return -2;
	if (rc > 0) {
		*bad_seq = v.bad_seq;
		return -1;
	}
	return 0;
}
