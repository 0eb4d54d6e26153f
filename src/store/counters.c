/*
 * counters.c: aggregate counters (store_help.h), the numbers statistics
 * and the transparency report publish.
 *
 * Portable SQL over db.h only (see db.h for the rules). A counter is one
 * row per (metric, k1, k2, k3); adding is a single upsert, so two
 * connections counting the same key at once both land.
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

int
store_counter_add(struct store *s, const char *metric, const char *k1,
    const char *k2, const char *k3, int64_t delta)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "INSERT INTO counters "
	    "(metric, k1, k2, k3, n) VALUES ($1, $2, $3, $4, $5) "
	    "ON CONFLICT (metric, k1, k2, k3) DO UPDATE SET "
	    "n = counters.n + excluded.n", &st);
	if (rc != 0)
		goto out;
	db_bind_text(st, 1, str(metric));
	db_bind_text(st, 2, str(k1));
	db_bind_text(st, 3, str(k2));
	db_bind_text(st, 4, str(k3));
	db_bind_int(st, 5, delta);
	rc = store_stmt_run(s, st);
out:
	db_finalize(st);
	return rc;
}

int
store_counter_list(struct store *s, struct arena *a, const char *metric,
    struct store_counter **out, size_t *n)
{
	struct db_stmt *st = NULL;
	struct store_counter *v = NULL;
	size_t len = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	rc = store_stmt_prepare(s, "SELECT k1, k2, k3, n FROM counters "
	    "WHERE metric = $1 ORDER BY k1, k2, k3", &st);
	if (rc != 0)
		goto out;
	db_bind_text(st, 1, str(metric));
	while ((rc = store_stmt_step(s, st)) == 1) {
		if (len == cap) {
			cap = cap ? st_mult(cap, 2) : 16;
			v = xrealloc(v, st_mult(cap, sizeof(*v)));
		}
		v[len].k1 = store_col_str(a, st, 0);
		v[len].k2 = store_col_str(a, st, 1);
		v[len].k3 = store_col_str(a, st, 2);
		v[len].n = db_col_int(st, 3);
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
