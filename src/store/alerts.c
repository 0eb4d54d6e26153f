/*
 * alerts.c: alerts, their regions and their identifiers.
 *
 * Portable SQL over db.h only (see db.h for the rules). Screening (ids by
 * hash, then get, then regions) runs at request rates, so each of those is
 * one cached statement on an index: alert_idents (hash, alert_id), the
 * alerts primary key, and alert_regions' primary key.
 *
 * An alert holds no sealed column except its identifiers' raw values,
 * which it keeps for the partial-match index in memory.
 */
#include <stdint.h>
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

/* LIMIT takes an int64; a size_t past that means "no limit" anyway. */
static int64_t
limit_arg(size_t limit)
{
	return limit > (size_t)INT64_MAX ? INT64_MAX : (int64_t)limit;
}

int
store_alert_insert(struct store *s, const struct store_alert *al)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "INSERT INTO alerts (id, org_id, summary, "
	    "severity, types, issued_on, status, created_at) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, al->id);
	db_bind_int(st, 2, al->org_id);
	db_bind_text(st, 3, str(al->summary));
	db_bind_text(st, 4, str(al->severity));
	db_bind_int(st, 5, al->types);
	db_bind_text(st, 6, str(al->issued_on));
	db_bind_text(st, 7, str(al->status));
	db_bind_int(st, 8, al->created_at);
	if ((rc = store_stmt_run(s, st)) != 0)
		goto out;
	/* Other nodes hear of it when it commits, identifiers and all. */
	if (strcmp(str(al->status), "active") == 0)
		rc = store_emit(s, STORE_EVENT_ALERT_PUBLISHED, al->id);
out:
	db_finalize(st);
	return rc;
}

#define ALERT_COLUMNS	"id, org_id, summary, severity, types, issued_on, " \
			"status, created_at"

static void
alert_row(struct arena *a, struct db_stmt *st, struct store_alert *out)
{
	out->id = db_col_int(st, 0);
	out->org_id = db_col_int(st, 1);
	out->summary = store_col_str(a, st, 2);
	out->severity = store_col_str(a, st, 3);
	out->types = db_col_int(st, 4);
	out->issued_on = store_col_str(a, st, 5);
	out->status = store_col_str(a, st, 6);
	out->created_at = db_col_int(st, 7);
}

int
store_alert_get(struct store *s, struct arena *a, int64_t id,
    struct store_alert *out)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "SELECT " ALERT_COLUMNS " FROM alerts "
	    "WHERE id = $1", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, id);
	if ((rc = store_stmt_row(s, st)) != 0)
		goto out;
	alert_row(a, st, out);
out:
	db_finalize(st);
	return rc;
}

int
store_alert_set_types(struct store *s, int64_t id, int64_t types)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "UPDATE alerts SET types = $1 "
	    "WHERE id = $2 RETURNING id", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, types);
	db_bind_int(st, 2, id);
	if ((rc = store_stmt_row(s, st)) != 0)
		goto out;
	if ((rc = store_stmt_run(s, st)) != 0)
		goto out;
	/* Screening answers show the types: other nodes refresh theirs. */
	rc = store_emit(s, STORE_EVENT_ALERT_CHANGED, id);
out:
	db_finalize(st);
	return rc;
}

int
store_alert_region_add(struct store *s, int64_t alert_id, int64_t region_id)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "INSERT INTO alert_regions "
	    "(alert_id, region_id) VALUES ($1, $2)", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, alert_id);
	db_bind_int(st, 2, region_id);
	rc = store_stmt_run(s, st);
out:
	db_finalize(st);
	return rc;
}

int
store_alert_regions(struct store *s, struct arena *a, int64_t alert_id,
    char ***codes, size_t *n)
{
	struct db_stmt *st = NULL;
	char **v = NULL;
	size_t len = 0, cap = 0;
	int rc;

	*codes = NULL;
	*n = 0;
	rc = store_stmt_prepare(s, "SELECT r.code FROM alert_regions ar "
	    "JOIN regions r ON r.id = ar.region_id "
	    "WHERE ar.alert_id = $1 ORDER BY r.code", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, alert_id);
	while ((rc = store_stmt_step(s, st)) == 1) {
		if (len == cap) {
			cap = cap ? st_mult(cap, 2) : 8;
			v = xrealloc(v, st_mult(cap, sizeof(*v)));
		}
		v[len++] = store_col_str(a, st, 0);
	}
	if (rc != 0)
		goto out;
	*codes = arena_memdup(a, v, st_mult(len, sizeof(*v)));
	*n = len;
out:
	free(v);
	db_finalize(st);
	return rc;
}

/* A growing array of alerts, its strings in an arena. */
struct alert_vec {
	struct store_alert	*v;
	size_t			 len;
	size_t			 cap;
};

/* Step st to the end, appending each alert to vec. */
static int
alert_rows(struct store *s, struct arena *a, struct db_stmt *st,
    struct alert_vec *vec)
{
	int rc;

	while ((rc = store_stmt_step(s, st)) == 1) {
		if (vec->len == vec->cap) {
			vec->cap = vec->cap ? st_mult(vec->cap, 2) : 16;
			vec->v = xrealloc(vec->v,
			    st_mult(vec->cap, sizeof(*vec->v)));
		}
		alert_row(a, st, &vec->v[vec->len++]);
	}
	return rc;
}

/* Newest first: created_at, then id, both descending. */
static int
newest_first(const void *x, const void *y)
{
	const struct store_alert *p = x, *q = y;

	if (p->created_at != q->created_at)
		return p->created_at < q->created_at ? 1 : -1;
	if (p->id != q->id)
		return p->id < q->id ? 1 : -1;
	return 0;
}

static int
by_value(const void *x, const void *y)
{
	int64_t p = *(const int64_t *)x, q = *(const int64_t *)y;

	return (p > q) - (p < q);
}

/*
 * The region filter is a fixed list of IN_CHUNK placeholders, so the
 * statement is one string literal the driver caches (never SQL printed
 * at run time). Longer lists go in chunks whose results are merged;
 * a short last chunk repeats one of its ids, which IN does not mind.
 */
#define IN_CHUNK	64
#define IN_CHUNK_PARAMS \
	"$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, " \
	"$15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, " \
	"$27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, " \
	"$39, $40, $41, $42, $43, $44, $45, $46, $47, $48, $49, $50, " \
	"$51, $52, $53, $54, $55, $56, $57, $58, $59, $60, $61, $62, " \
	"$63, $64"
#define IN_CHUNK_LIMIT	"$65"

/* Active alerts in any of regions ids[0..n) (1 <= n <= IN_CHUNK), newest
 * first, at most limit, appended to vec. */
static int
list_chunk(struct store *s, struct arena *a, const int64_t *ids, size_t n,
    size_t limit, struct alert_vec *vec)
{
	struct db_stmt *st = NULL;
	size_t i;
	int rc;

	rc = store_stmt_prepare(s, "SELECT " ALERT_COLUMNS " FROM alerts "
	    "WHERE status = 'active' AND id IN (SELECT alert_id "
	    "FROM alert_regions WHERE region_id IN (" IN_CHUNK_PARAMS ")) "
	    "ORDER BY created_at DESC, id DESC LIMIT " IN_CHUNK_LIMIT, &st);
	if (rc != 0)
		goto out;
	for (i = 0; i < IN_CHUNK; i++)
		db_bind_int(st, (int)i + 1, ids[i < n ? i : 0]);
	db_bind_int(st, IN_CHUNK + 1, limit_arg(limit));
	rc = alert_rows(s, a, st, vec);
out:
	db_finalize(st);
	return rc;
}

static int
list_regions(struct store *s, struct arena *a, const int64_t *region_ids,
    size_t nr, size_t limit, struct store_alert **out, size_t *n)
{
	struct alert_vec vec = { NULL, 0, 0 };
	struct arena scratch;
	int64_t *ids;
	size_t nids, i, k;
	int rc = 0;

	/* Subtrees of followed regions overlap: query each id once. */
	ids = xmalloc(st_mult(nr, sizeof(*ids)));
	memcpy(ids, region_ids, nr * sizeof(*ids));
	qsort(ids, nr, sizeof(*ids), by_value);
	for (i = nids = 0; i < nr; i++)
		if (nids == 0 || ids[nids - 1] != ids[i])
			ids[nids++] = ids[i];

	/* Each chunk's newest limit hold the overall newest limit; rows
	 * wait in scratch until the merge picks the ones that stay. */
	arena_init(&scratch);
	for (i = 0; i < nids; i += IN_CHUNK) {
		k = nids - i < IN_CHUNK ? nids - i : IN_CHUNK;
		if ((rc = list_chunk(s, &scratch, ids + i, k, limit,
		    &vec)) != 0)
			goto out;
	}
	/* An alert in regions of two chunks came back twice; sorted, the
	 * copies are neighbours. */
	if (vec.len > 1)
		qsort(vec.v, vec.len, sizeof(*vec.v), newest_first);
	for (i = k = 0; i < vec.len && k < limit; i++)
		if (k == 0 || vec.v[k - 1].id != vec.v[i].id)
			vec.v[k++] = vec.v[i];
	*out = arena_alloc(a, st_mult(k, sizeof(**out)));
	for (i = 0; i < k; i++) {
		(*out)[i] = vec.v[i];
		(*out)[i].summary = arena_strdup(a, vec.v[i].summary);
		(*out)[i].severity = arena_strdup(a, vec.v[i].severity);
		(*out)[i].issued_on = arena_strdup(a, vec.v[i].issued_on);
		(*out)[i].status = arena_strdup(a, vec.v[i].status);
	}
	*n = k;
out:
	arena_release(&scratch);
	free(vec.v);
	free(ids);
	return rc;
}

int
store_alert_list(struct store *s, struct arena *a, const int64_t *region_ids,
    size_t nr, size_t limit, struct store_alert **out, size_t *n)
{
	struct alert_vec vec = { NULL, 0, 0 };
	struct db_stmt *st = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if (limit == 0)
		return 0;
	if (nr > 0)
		return list_regions(s, a, region_ids, nr, limit, out, n);

	rc = store_stmt_prepare(s, "SELECT " ALERT_COLUMNS " FROM alerts "
	    "WHERE status = 'active' "
	    "ORDER BY created_at DESC, id DESC LIMIT $1", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, limit_arg(limit));
	if ((rc = alert_rows(s, a, st, &vec)) != 0)
		goto out;
	*out = arena_memdup(a, vec.v, st_mult(vec.len, sizeof(*vec.v)));
	*n = vec.len;
out:
	free(vec.v);
	db_finalize(st);
	return rc;
}

/* "%word%" for LIKE ... ESCAPE '\', the word lower-cased for ASCII and
 * its wildcards taken literally. */
static char *
like_contains(struct arena *a, const char *word)
{
	size_t len = strlen(word), o = 0;
	char *p = arena_alloc(a, st_add(st_mult(len, 2), 3));
	const char *w;

	p[o++] = '%';
	for (w = word; *w != '\0'; w++) {
		if (*w == '%' || *w == '_' || *w == '\\')
			p[o++] = '\\';
		p[o++] = (*w >= 'A' && *w <= 'Z') ? (char)(*w - 'A' + 'a') :
		    *w;
	}
	p[o++] = '%';
	p[o] = '\0';
	return p;
}

int
store_alert_search(struct store *s, struct arena *a, const char *word,
    size_t limit, struct store_alert **out, size_t *n)
{
	struct alert_vec vec = { NULL, 0, 0 };
	struct db_stmt *st = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if (limit == 0)
		return 0;
	/* lower() folds ASCII only, in SQLite and in PostgreSQL's "C"
	 * collation alike; the pattern is folded the same way here. */
	rc = store_stmt_prepare(s, "SELECT " ALERT_COLUMNS " FROM alerts "
	    "WHERE status = 'active' AND lower(summary) LIKE $1 ESCAPE '\\' "
	    "ORDER BY created_at DESC, id DESC LIMIT $2", &st);
	if (rc != 0)
		goto out;
	db_bind_text(st, 1, like_contains(a, str(word)));
	db_bind_int(st, 2, limit_arg(limit));
	if ((rc = alert_rows(s, a, st, &vec)) != 0)
		goto out;
	*out = arena_memdup(a, vec.v, st_mult(vec.len, sizeof(*vec.v)));
	*n = vec.len;
out:
	free(vec.v);
	db_finalize(st);
	return rc;
}

int
store_alert_ident_insert(struct store *s, const struct store_ident *i)
{
	return store_ident_insert(s, "INSERT INTO alert_idents "
	    "(alert_id, seq, kind, hash, value_sealed) "
	    "VALUES ($1, $2, $3, $4, $5)", i);
}

int
store_alert_ids_by_hash(struct store *s, struct arena *a,
    const uint8_t hash[STORE_HASH_BYTES], int64_t **ids, size_t *n)
{
	struct db_stmt *st = NULL;
	int rc;

	*ids = NULL;
	*n = 0;
	rc = store_stmt_prepare(s, "SELECT DISTINCT ai.alert_id "
	    "FROM alert_idents ai JOIN alerts a ON a.id = ai.alert_id "
	    "WHERE ai.hash = $1 AND a.status = 'active' "
	    "ORDER BY ai.alert_id", &st);
	if (rc != 0)
		goto out;
	db_bind_blob(st, 1, hash, STORE_HASH_BYTES);
	rc = store_collect_ids(s, a, st, ids, n);
out:
	db_finalize(st);
	return rc;
}

static int
idents_walk(struct store *s, int64_t alert_id,
    int (*fn)(const struct store_ident *, void *), void *arg)
{
	struct db_stmt *st = NULL;
	struct store_ident row;
	struct arena scratch;
	int rc;

	/* Each row lives in scratch only while fn runs, so a million
	 * identifiers are walked in constant memory. No ORDER BY: sorting
	 * would make the database gather every row before the first. */
	arena_init(&scratch);
	if (alert_id == 0)
		rc = store_stmt_prepare(s, "SELECT ai.alert_id, ai.seq, "
		    "ai.kind, ai.hash, ai.value_sealed "
		    "FROM alert_idents ai JOIN alerts a ON a.id = ai.alert_id "
		    "WHERE a.status = 'active'", &st);
	else
		rc = store_stmt_prepare(s, "SELECT ai.alert_id, ai.seq, "
		    "ai.kind, ai.hash, ai.value_sealed "
		    "FROM alert_idents ai JOIN alerts a ON a.id = ai.alert_id "
		    "WHERE a.id = $1 AND a.status = 'active'", &st);
	if (rc != 0)
		goto out;
	if (alert_id != 0)
		db_bind_int(st, 1, alert_id);
	while ((rc = store_stmt_step(s, st)) == 1) {
		if ((rc = store_ident_row(&scratch, st, &row)) != 0)
			goto out;
		rc = fn(&row, arg);
		arena_release(&scratch);
		if (rc != 0)
			goto out;
	}
out:
	arena_release(&scratch);
	db_finalize(st);
	return rc;
}

int
store_alert_idents_each(struct store *s,
    int (*fn)(const struct store_ident *, void *), void *arg)
{
	return idents_walk(s, 0, fn, arg);
}

int
store_alert_idents_of(struct store *s, int64_t alert_id,
    int (*fn)(const struct store_ident *, void *), void *arg)
{
	return alert_id != 0 ? idents_walk(s, alert_id, fn, arg) : 0;
}

int
store_alert_screen_each(struct store *s, int64_t alert_id,
    int (*fn)(const struct store_alert *, const char *, void *), void *arg)
{
	struct db_stmt *st = NULL;
	struct store_alert al;
	struct arena scratch;
	const char *code;
	int rc;

	/* One row per region of each alert (one with a NULL code when it
	 * has none), an alert's rows together and its codes in order. */
	arena_init(&scratch);
	if (alert_id == 0)
		rc = store_stmt_prepare(s, "SELECT a.id, a.org_id, a.summary, "
		    "a.severity, a.types, a.issued_on, a.status, a.created_at, "
		    "r.code FROM alerts a "
		    "LEFT JOIN alert_regions ar ON ar.alert_id = a.id "
		    "LEFT JOIN regions r ON r.id = ar.region_id "
		    "WHERE a.status = 'active' ORDER BY a.id, r.code", &st);
	else
		rc = store_stmt_prepare(s, "SELECT a.id, a.org_id, a.summary, "
		    "a.severity, a.types, a.issued_on, a.status, a.created_at, "
		    "r.code FROM alerts a "
		    "LEFT JOIN alert_regions ar ON ar.alert_id = a.id "
		    "LEFT JOIN regions r ON r.id = ar.region_id "
		    "WHERE a.id = $1 AND a.status = 'active' ORDER BY r.code",
		    &st);
	if (rc != 0)
		goto out;
	if (alert_id != 0)
		db_bind_int(st, 1, alert_id);
	while ((rc = store_stmt_step(s, st)) == 1) {
		alert_row(&scratch, st, &al);
		code = db_col_null(st, 8) ? NULL : store_col_str(&scratch, st,
		    8);
		rc = fn(&al, code, arg);
		arena_release(&scratch);
		if (rc != 0)
			goto out;
	}
out:
	arena_release(&scratch);
	db_finalize(st);
	return rc;
}

int
store_alert_withdraw(struct store *s, int64_t id)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "UPDATE alerts SET status = 'withdrawn' "
	    "WHERE id = $1 RETURNING id", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, id);
	if ((rc = store_stmt_row(s, st)) != 0)
		goto out;
	rc = store_emit(s, STORE_EVENT_ALERT_WITHDRAWN, id);
out:
	db_finalize(st);
	return rc;
}
