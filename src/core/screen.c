/*
 * screen.c: red, amber or green for an identifier, before a booking.
 *
 * A screen runs no SQL. Everything an answer needs lives in this
 * process's memory, read from the database once at start-up and kept in
 * step as alerts are published, changed (attach adds incident types) and
 * withdrawn, here or, on PostgreSQL, on any other node (through the
 * store's listener, docs/multinode.md):
 * - every active alert's identifiers: by keyed hash, for whole ones, and,
 *   for phones and plates, by their normalised value, opened from the
 *   sealed column, for partial ones ("***-0142", "AB?12?"), which cannot
 *   be hashed;
 * - what an answer shows of each active alert (severity, date, summary,
 *   types, region codes), which also serves keyword screens;
 * - the region tree, for "elsewhere"; the account's own regions come
 *   from account_followed() (account.c), cached with its sessions.
 * Identifier values and hashes are wiped when they are freed.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/account.h"
#include "core/audit.h"
#include "core/loop_int.h"
#include "core/report.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

const char *const screen_level_names[3] = { "green", "amber", "red" };

/*
 * One identifier of an active alert. value is its normalised form, for
 * partial matches (NULL when the database kept only its hash); hash is
 * its keyed hash, for whole ones. Entries are only ever appended: a
 * withdrawn alert's entries stay in place as tombstones (kind 0, value
 * and hash wiped), so that neither a bucket nor a hash chain is
 * renumbered.
 */
struct entry {
	uint8_t		 hash[HASH_BYTES];
	int64_t		 alert_id;
	enum ident_kind	 kind;
	char		*value;
	size_t		 hnext;		/* next in its hash chain, + 1 */
};

/*
 * Phones by their last four digits. The usual partial phone, "***-0142",
 * is a suffix of at least four digits: it can only match entries of its
 * own bucket, so it looks at about one in ten thousand phones instead of
 * every entry (bench/screen, docs/BENCHMARKS.md). A bucket lists entry
 * positions in increasing order, so the answer is the full scan's.
 */
#define SUFFIX_BUCKETS	10000

struct bucket {
	size_t	*at;
	size_t	 n, alloc;
};

/*
 * What a screening answer shows of an active alert: the fields of
 * store_alert_get() and the codes of store_alert_regions(), in its order.
 */
struct cached_alert {
	uint64_t stamp;		/* new for every version (struct alert) */
	int64_t	 id;
	int64_t	 types;
	int64_t	 created_at;
	char	*summary;
	char	*severity;
	char	*issued_on;
	char	**codes;
	size_t	 ncodes;
};

struct index {
	struct entry	*e;
	size_t		 n, alloc;
	struct bucket	*sfx;		/* SUFFIX_BUCKETS of them, or NULL */
	size_t		 stray;		/* phones in no bucket */
	size_t		*heads;		/* hash chains: first entry + 1 */
	size_t		 nheads;	/* a power of two, or 0 */
	/* Active alerts by id, open addressing; a withdrawn one leaves a
	 * tombstone until the table is next resized. */
	struct cached_alert **slot;
	size_t		 cap, live, used;
};

static struct cached_alert tombstone;
#define TOMB	(&tombstone)

/*
 * lock guards the index's contents. follow orders the changes that keep
 * it in step with the database: a build, a published alert (here or on
 * another node), a change and a withdrawal, so that a rebuild cannot
 * swallow an alert added meanwhile and one alert is not added twice.
 * Whoever takes follow holds any store connection it needs already (and
 * takes no other), so it cannot starve the pool.
 */
static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t follow = PTHREAD_MUTEX_INITIALIZER;
static struct index idx;

/*
 * The region tree, for "elsewhere". Regions are only ever added (by
 * lookout region add, possibly in another process or on another node),
 * never moved or removed, so a code or id missing here only means the
 * tree grew: the tree is then read again, once per screen.
 */
struct rnode {
	int64_t	 id;
	int64_t	 parent_id;
	char	*code;
};
static pthread_rwlock_t rlock = PTHREAD_RWLOCK_INITIALIZER;
static struct rnode *by_code, *by_id;
static size_t nregions;

/* Changes from other nodes, on PostgreSQL. */
static struct store_listener *listener;

/* The bucket of a value's or a pattern's last four characters, or -1
 * when they are not four digits. */
static int
suffix_key(const char *s)
{
	size_t len = strlen(s), i;
	int key = 0;

	if (len < 4)
		return -1;
	for (i = len - 4; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		key = key * 10 + (s[i] - '0');
	}
	return key;
}

static void
bucket_wipe(struct bucket *b)
{
	if (b->at != NULL)
		sodium_memzero(b->at, b->n * sizeof(*b->at));
	free(b->at);
	memset(b, 0, sizeof(*b));
}

/* Caller holds the write lock (or owns x alone). */
static void
bucket_add(struct bucket *b, size_t pos)
{
	if (b->n == b->alloc) {
		/* Grown by hand rather than realloc'd, so that no freed
		 * block keeps which phones end in these digits. */
		size_t alloc = b->alloc ? st_mult(b->alloc, 2) : 8, n = b->n;
		size_t *at = xmalloc(st_mult(alloc, sizeof(*at)));

		if (n)
			memcpy(at, b->at, n * sizeof(*at));
		bucket_wipe(b);
		b->at = at;
		b->n = n;
		b->alloc = alloc;
	}
	b->at[b->n++] = pos;
}

/* The keyed hash is uniform already: its first bytes pick the chain. */
static size_t
hash_slot(const uint8_t h[HASH_BYTES], size_t nheads)
{
	uint64_t v;

	memcpy(&v, h, sizeof(v));
	return (size_t)(v & (uint64_t)(nheads - 1));
}

static void
heads_wipe(struct index *x)
{
	if (x->heads != NULL)
		sodium_memzero(x->heads, x->nheads * sizeof(*x->heads));
	free(x->heads);
	x->heads = NULL;
	x->nheads = 0;
}

/* Make the chains again over nheads heads; caller holds the write lock
 * (or owns x alone). Grown by hand, like the buckets. */
static void
rehash(struct index *x, size_t nheads)
{
	size_t i, k;

	heads_wipe(x);
	x->heads = xcalloc(nheads, sizeof(*x->heads));
	x->nheads = nheads;
	for (i = 0; i < x->n; i++) {
		if (x->e[i].kind == 0)
			continue;
		k = hash_slot(x->e[i].hash, nheads);
		x->e[i].hnext = x->heads[k];
		x->heads[k] = i + 1;
	}
}

/* Caller holds the write lock (or owns x alone). norm may be NULL. */
static void
add_to(struct index *x, enum ident_kind kind, const char *norm,
    const uint8_t hash[HASH_BYTES], int64_t alert_id)
{
	struct entry *e;
	size_t k;
	int key;

	if (x->n == x->alloc) {
		x->alloc = x->alloc ? st_mult(x->alloc, 2) : 1024;
		x->e = xrealloc(x->e, st_mult(x->alloc, sizeof(*x->e)));
	}
	e = &x->e[x->n];
	memset(e, 0, sizeof(*e));
	memcpy(e->hash, hash, HASH_BYTES);
	e->alert_id = alert_id;
	e->kind = kind;
	e->value = norm != NULL ? xstrdup(norm) : NULL;
	if (kind == IDENT_PHONE && norm != NULL) {
		/* A normalised phone ends in digits (E.164); one that does
		 * not would be missed by the buckets, so it turns them off. */
		if ((key = suffix_key(norm)) < 0) {
			x->stray++;
		} else {
			if (x->sfx == NULL)
				x->sfx = xcalloc(SUFFIX_BUCKETS,
				    sizeof(*x->sfx));
			bucket_add(&x->sfx[key], x->n);
		}
	}
	x->n++;
	if (x->n > x->nheads) {
		rehash(x, x->nheads ? st_mult(x->nheads, 2) : 1024);
	} else {
		k = hash_slot(e->hash, x->nheads);
		e->hnext = x->heads[k];
		x->heads[k] = x->n;
	}
}

static void
alert_free(struct cached_alert *ca)
{
	size_t i;

	if (ca == NULL || ca == TOMB)
		return;
	if (ca->summary != NULL)
		sodium_memzero(ca->summary, strlen(ca->summary));
	free(ca->summary);
	free(ca->severity);
	free(ca->issued_on);
	for (i = 0; i < ca->ncodes; i++)
		free(ca->codes[i]);
	free(ca->codes);
	free(ca);
}

static size_t
id_slot(int64_t id, size_t cap)
{
	return (size_t)(((uint64_t)id * UINT64_C(0x9e3779b97f4a7c15)) >> 17) &
	    (cap - 1);
}

static struct cached_alert *
alert_find(const struct index *x, int64_t id)
{
	size_t i;

	if (x->cap == 0)
		return NULL;
	for (i = id_slot(id, x->cap); x->slot[i] != NULL;
	    i = (i + 1) & (x->cap - 1))
		if (x->slot[i] != TOMB && x->slot[i]->id == id)
			return x->slot[i];
	return NULL;
}

static void
alerts_resize(struct index *x, size_t cap)
{
	struct cached_alert **old = x->slot;
	size_t oldcap = x->cap, i, k;

	x->slot = xcalloc(cap, sizeof(*x->slot));
	x->cap = cap;
	x->used = x->live;
	for (i = 0; i < oldcap; i++) {
		if (old[i] == NULL || old[i] == TOMB)
			continue;
		for (k = id_slot(old[i]->id, cap); x->slot[k] != NULL;
		    k = (k + 1) & (cap - 1))
			;
		x->slot[k] = old[i];
	}
	free(old);
}

/* Put ca in the table, in place of the alert's older version if any;
 * caller holds the write lock (or owns x alone). */
static void
alert_put(struct index *x, struct cached_alert *ca)
{
	size_t i, cap;

	if (st_mult(x->used + 1, 2) > x->cap) {
		for (cap = 1024; cap < st_mult(x->live + 1, 4); cap *= 2)
			;
		alerts_resize(x, cap);
	}
	for (i = id_slot(ca->id, x->cap); x->slot[i] != NULL;
	    i = (i + 1) & (x->cap - 1)) {
		if (x->slot[i] != TOMB && x->slot[i]->id == ca->id) {
			alert_free(x->slot[i]);
			x->slot[i] = ca;
			return;
		}
	}
	x->slot[i] = ca;
	x->live++;
	x->used++;
}

static void
alert_drop(struct index *x, int64_t id)
{
	size_t i;

	if (x->cap == 0)
		return;
	for (i = id_slot(id, x->cap); x->slot[i] != NULL;
	    i = (i + 1) & (x->cap - 1)) {
		if (x->slot[i] != TOMB && x->slot[i]->id == id) {
			alert_free(x->slot[i]);
			x->slot[i] = TOMB;
			x->live--;
			return;
		}
	}
}

static void
alert_add_code(struct cached_alert *ca, const char *code)
{
	ca->codes = xrealloc(ca->codes, st_mult(ca->ncodes + 1,
	    sizeof(*ca->codes)));
	ca->codes[ca->ncodes++] = xstrdup(code);
}

static uint64_t
next_stamp(void)
{
	static atomic_uint_fast64_t last;

	return (uint64_t)atomic_fetch_add(&last, 1) + 1;
}

static struct cached_alert *
alert_new(const struct store_alert *sa)
{
	struct cached_alert *ca = xcalloc(1, sizeof(*ca));

	ca->stamp = next_stamp();
	ca->id = sa->id;
	ca->types = sa->types;
	ca->created_at = sa->created_at;
	ca->summary = xstrdup(sa->summary != NULL ? sa->summary : "");
	ca->severity = xstrdup(sa->severity != NULL ? sa->severity : "");
	ca->issued_on = xstrdup(sa->issued_on != NULL ? sa->issued_on : "");
	return ca;
}

static void
index_release(struct index *x)
{
	size_t i;

	for (i = 0; i < x->n; i++) {
		if (x->e[i].value != NULL) {
			sodium_memzero(x->e[i].value, strlen(x->e[i].value));
			free(x->e[i].value);
		}
	}
	if (x->e != NULL)
		sodium_memzero(x->e, x->n * sizeof(*x->e));
	free(x->e);
	if (x->sfx != NULL) {
		for (i = 0; i < SUFFIX_BUCKETS; i++)
			bucket_wipe(&x->sfx[i]);
		free(x->sfx);
	}
	heads_wipe(x);
	for (i = 0; i < x->cap; i++)
		alert_free(x->slot[i]);
	free(x->slot);
	memset(x, 0, sizeof(*x));
}

/* Whether the live index holds alert_id; caller holds follow. */
static int
has_alert(int64_t alert_id)
{
	int found;

	pthread_rwlock_rdlock(&lock);
	found = alert_find(&idx, alert_id) != NULL;
	pthread_rwlock_unlock(&lock);
	return found;
}

static int
indexed_kind(enum ident_kind kind)
{
	/* Only phones and plates have partial forms. */
	return kind == IDENT_PHONE || kind == IDENT_PLATE;
}

static int
by_code_cmp(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

void
screen_index_add(struct app *app, const struct store_alert *al,
    const char *const *codes, size_t ncodes, const enum ident_kind *kinds,
    char (*norm)[IDENT_NORM_MAX], size_t n)
{
	struct cached_alert *ca;
	const char **sorted;
	uint8_t h[HASH_BYTES];
	size_t i;

	pthread_mutex_lock(&follow);
	/* The listener may have added it from the database already. */
	if (!has_alert(al->id)) {
		/* Its codes as store_alert_regions() gives them: in order,
		 * each once. */
		ca = alert_new(al);
		sorted = xcalloc(ncodes ? ncodes : 1, sizeof(*sorted));
		for (i = 0; i < ncodes; i++)
			sorted[i] = codes[i];
		qsort(sorted, ncodes, sizeof(*sorted), by_code_cmp);
		for (i = 0; i < ncodes; i++)
			if (i == 0 || strcmp(sorted[i], sorted[i - 1]) != 0)
				alert_add_code(ca, sorted[i]);
		free(sorted);
		pthread_rwlock_wrlock(&lock);
		for (i = 0; i < n; i++) {
			hash_ident(&app->keys, ident_kind_name(kinds[i]),
			    norm[i], h);
			add_to(&idx, kinds[i], norm[i], h, al->id);
		}
		alert_put(&idx, ca);
		pthread_rwlock_unlock(&lock);
		sodium_memzero(h, sizeof(h));
	}
	pthread_mutex_unlock(&follow);
}

void
screen_index_types(int64_t alert_id, int64_t types)
{
	struct cached_alert *ca;

	pthread_mutex_lock(&follow);
	pthread_rwlock_wrlock(&lock);
	if ((ca = alert_find(&idx, alert_id)) != NULL) {
		ca->types = types;
		ca->stamp = next_stamp();
	}
	pthread_rwlock_unlock(&lock);
	pthread_mutex_unlock(&follow);
}

/* Turn alert_id's entries into tombstones and drop the alert; caller
 * holds follow. */
static void
remove_alert(int64_t alert_id)
{
	struct entry *e;
	size_t i;

	pthread_rwlock_wrlock(&lock);
	for (i = 0; i < idx.n; i++) {
		e = &idx.e[i];
		if (e->alert_id != alert_id || e->kind == 0)
			continue;
		if (e->value != NULL) {
			if (e->kind == IDENT_PHONE && suffix_key(e->value) < 0)
				idx.stray--;
			sodium_memzero(e->value, strlen(e->value));
			free(e->value);
			e->value = NULL;
		}
		sodium_memzero(e->hash, sizeof(e->hash));
		e->kind = 0;
	}
	alert_drop(&idx, alert_id);
	pthread_rwlock_unlock(&lock);
}

void
screen_index_remove(int64_t alert_id)
{
	pthread_mutex_lock(&follow);
	remove_alert(alert_id);
	pthread_mutex_unlock(&follow);
}

static void
regions_free(void)
{
	size_t i;

	for (i = 0; i < nregions; i++)
		free(by_code[i].code);
	free(by_code);
	free(by_id);
	by_code = by_id = NULL;
	nregions = 0;
}

void
screen_index_free(void)
{
	pthread_mutex_lock(&follow);
	pthread_rwlock_wrlock(&lock);
	index_release(&idx);
	pthread_rwlock_unlock(&lock);
	pthread_mutex_unlock(&follow);
	pthread_rwlock_wrlock(&rlock);
	regions_free();
	pthread_rwlock_unlock(&rlock);
}

static int
rnode_code_cmp(const void *x, const void *y)
{
	return strcmp(((const struct rnode *)x)->code,
	    ((const struct rnode *)y)->code);
}

static int
rnode_id_cmp(const void *x, const void *y)
{
	int64_t p = ((const struct rnode *)x)->id;
	int64_t q = ((const struct rnode *)y)->id;

	return p < q ? -1 : p > q;
}

/* Read the region tree again. */
static int
regions_load(struct store *s)
{
	struct region *all;
	struct arena a;
	size_t n, i;
	int rc;

	arena_init(&a);
	if ((rc = store_region_list(s, &a, &all, &n)) != 0)
		goto out;
	pthread_rwlock_wrlock(&rlock);
	regions_free();
	by_code = xcalloc(n ? n : 1, sizeof(*by_code));
	by_id = xcalloc(n ? n : 1, sizeof(*by_id));
	for (i = 0; i < n; i++) {
		by_code[i].id = all[i].id;
		by_code[i].parent_id = all[i].parent_id;
		by_code[i].code = xstrdup(all[i].code);
	}
	qsort(by_code, n, sizeof(*by_code), rnode_code_cmp);
	memcpy(by_id, by_code, n * sizeof(*by_id));
	qsort(by_id, n, sizeof(*by_id), rnode_id_cmp);
	nregions = n;
	pthread_rwlock_unlock(&rlock);
out:
	arena_release(&a);
	return rc;
}

/* Caller holds rlock. */
static const struct rnode *
region_of_code(const char *code)
{
	struct rnode key;

	key.code = (char *)code;
	return nregions ? bsearch(&key, by_code, nregions, sizeof(*by_code),
	    rnode_code_cmp) : NULL;
}

static const struct rnode *
region_of_id(int64_t id)
{
	struct rnode key;

	key.id = id;
	return nregions ? bsearch(&key, by_id, nregions, sizeof(*by_id),
	    rnode_id_cmp) : NULL;
}

static int
in_set(const int64_t *set, size_t n, int64_t v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (set[i] == v)
			return 1;
	return 0;
}

/*
 * Whether the region called code is one of mine or under one of them,
 * as store_region_subtree() would say: its own chain of parents, which
 * is as long as the tree at most (a cycle ends there, as the query's
 * UNION ends it). *missing is set when the tree lacks code or a parent.
 * Caller holds rlock.
 */
static int
region_mine(const char *code, const int64_t *mine, size_t nmine,
    int *missing)
{
	const struct rnode *r = region_of_code(code);
	size_t steps;

	if (r == NULL) {
		*missing = 1;
		return 0;
	}
	for (steps = 0; steps <= nregions; steps++) {
		if (in_set(mine, nmine, r->id))
			return 1;
		if (r->parent_id == 0)
			return 0;
		if ((r = region_of_id(r->parent_id)) == NULL) {
			*missing = 1;
			return 0;
		}
	}
	return 0;
}

struct build {
	struct app	*app;
	struct index	*into;
	size_t		 count;
	int		 failed;
	struct cached_alert *cur;	/* the alert whose codes come in */
};

static int
build_one(const struct store_ident *si, void *arg)
{
	struct build *b = arg;
	enum ident_kind k = ident_kind_parse(si->kind);
	struct buf v;

	if (k == 0)
		return 0;
	if (si->value_sealed == NULL || !indexed_kind(k)) {
		/* Whole matches need the hash only. */
		add_to(b->into, k, NULL, si->hash, si->owner_id);
		b->count++;
		return 0;
	}
	buf_init(&v, IDENT_NORM_MAX);
	if (seal_open(&b->app->keys, "alert_idents", "value",
	    loop_ident_row(si->owner_id, si->seq), si->value_sealed,
	    si->value_sealed_len, &v) == -1) {
		b->failed++;
		/* Its hash still answers a whole identifier. */
		add_to(b->into, k, NULL, si->hash, si->owner_id);
	} else {
		add_to(b->into, k, v.buf, si->hash, si->owner_id);
		b->count++;
	}
	buf_wipe(&v);
	return 0;
}

static int
build_alert(const struct store_alert *sa, const char *code, void *arg)
{
	struct build *b = arg;

	if (b->cur == NULL || b->cur->id != sa->id) {
		b->cur = alert_new(sa);
		alert_put(b->into, b->cur);
	}
	if (code != NULL)
		alert_add_code(b->cur, code);
	return 0;
}

/*
 * Build a whole new index from the database and put it in place of the
 * live one, which screens go on using until then. Caller holds follow.
 * Alerts are read before identifiers: an alert published in between
 * has its identifiers read too, and is not added again when its event
 * comes (has_alert()).
 */
static int
rebuild(struct app *app, struct store *s, const char *why)
{
	struct index fresh;
	struct build b;
	char detail[64];
	int rc;

	memset(&fresh, 0, sizeof(fresh));
	memset(&b, 0, sizeof(b));
	b.app = app;
	b.into = &fresh;
	if ((rc = store_alert_screen_each(s, 0, build_alert, &b)) != 0 ||
	    (rc = store_alert_idents_each(s, build_one, &b)) != 0 ||
	    (rc = regions_load(s)) != 0) {
		index_release(&fresh);
		return loop_rc(rc);
	}
	pthread_rwlock_wrlock(&lock);
	index_release(&idx);
	idx = fresh;
	pthread_rwlock_unlock(&lock);
	if (b.failed)
		log_error("screening index: %d identifiers do not open "
		    "(wrong key or tampered data)", b.failed);
	snprintf(detail, sizeof(detail), "%zu identifiers%s", b.count, why);
	log_info("screening index: %s", detail);
	return loop_rc(audit_log(app, s, 0, "screen.index", "", detail));
}

int
screen_index_build(struct app *app, struct store *s)
{
	int rc;

	pthread_mutex_lock(&follow);
	rc = rebuild(app, s, "");
	pthread_mutex_unlock(&follow);
	return rc;
}

/* Read one alert as screening shows it into *one (empty when it is not
 * active); caller holds follow. */
static int
load_alert(struct app *app, struct store *s, int64_t id, struct index *one,
    int idents)
{
	struct build b;
	int rc;

	memset(&b, 0, sizeof(b));
	b.app = app;
	b.into = one;
	if ((rc = store_alert_screen_each(s, id, build_alert, &b)) != 0)
		return rc;
	if (idents && (rc = store_alert_idents_of(s, id, build_one, &b)) != 0)
		return rc;
	return 0;
}

/* Move what *one holds into the live index; caller holds follow. */
static void
merge(struct index *one, int idents)
{
	struct cached_alert *ca;
	size_t i;

	pthread_rwlock_wrlock(&lock);
	if (idents)
		for (i = 0; i < one->n; i++)
			add_to(&idx, one->e[i].kind, one->e[i].value,
			    one->e[i].hash, one->e[i].alert_id);
	for (i = 0; i < one->cap; i++) {
		ca = one->slot[i];
		if (ca == NULL || ca == TOMB)
			continue;
		alert_put(&idx, ca);
		one->slot[i] = NULL;
	}
	pthread_rwlock_unlock(&lock);
}

/*
 * Another node (or this one) published, changed or withdrew an alert,
 * changed an account, or the listener's connection came back: bring the
 * caches in step. Runs on the listener's thread; non-zero asks it for a
 * resync later.
 */
static int
follow_event(enum store_event ev, int64_t id, void *arg)
{
	struct app *app = arg;
	struct index one;
	struct store *s;
	char obj[64];
	int rc = 0, published = ev == STORE_EVENT_ALERT_PUBLISHED;

	if (ev == STORE_EVENT_ALERT_WITHDRAWN) {
		screen_index_remove(id);
		return 0;
	}
	if (ev == STORE_EVENT_USER_CHANGED) {
		account_cache_forget(id);
		return 0;
	}
	if (ev == STORE_EVENT_LOST) {
		/* Until the resync, a session ended elsewhere would go
		 * unheard: every request asks the database meanwhile. */
		account_cache_enable(0);
		return 0;
	}
	memset(&one, 0, sizeof(one));
	s = store_acquire(app->pool);
	pthread_mutex_lock(&follow);
	if (ev == STORE_EVENT_RESYNC) {
		/* Listening again: whatever changes from now on is heard. */
		account_cache_enable(1);
		rc = rebuild(app, s, " (resynchronised)");
	} else if (published != has_alert(id)) {
		/* Published elsewhere and not here yet, or changed and
		 * here: read it from the database (nothing, if it was
		 * withdrawn since). */
		rc = load_alert(app, s, id, &one, published);
		if (rc == 0 && one.live > 0) {
			merge(&one, published);
			if (published) {
				snprintf(obj, sizeof(obj), "alert:%lld",
				    (long long)id);
				rc = audit_log(app, s, 0, "screen.follow", obj,
				    "");
			}
		}
		rc = loop_rc(rc);
	}
	index_release(&one);
	pthread_mutex_unlock(&follow);
	store_release(app->pool, s);
	if (rc != 0)
		log_warn("screening index: cannot follow %s; will "
		    "resynchronise", ev == STORE_EVENT_RESYNC ?
		    "the database" : "an alert");
	return rc;
}

int
screen_follow_open(struct app *app)
{
	char err[256];

	if (store_listener_open(app->cfg.db, follow_event, app, &listener,
	    err, sizeof(err)) != 0) {
		log_error("screening index: %s", err);
		return -1;
	}
	return 0;
}

int
screen_follow_start(void)
{
	return store_listener_start(listener) != 0 ? -1 : 0;
}

void
screen_follow_stop(void)
{
	store_listener_close(listener);
	listener = NULL;
}

/* Alert ids in the index matching the pattern, without repeats; caller
 * holds the read lock. */
static size_t
index_match(struct arena *a, enum ident_kind kind, const char *pattern,
    int64_t **out)
{
	int64_t *ids = NULL;
	const size_t *only = NULL;
	size_t n = 0, alloc = 0, i, j, k, count;
	int key;

	count = idx.n;
	if (kind == IDENT_PHONE && pattern[0] == '*' && idx.stray == 0 &&
	    (key = suffix_key(pattern)) >= 0) {
		only = idx.sfx != NULL ? idx.sfx[key].at : NULL;
		count = idx.sfx != NULL ? idx.sfx[key].n : 0;
	}
	for (j = 0; j < count; j++) {
		i = only != NULL ? only[j] : j;
		if (idx.e[i].kind != kind || idx.e[i].value == NULL ||
		    !ident_match(pattern, idx.e[i].value))
			continue;
		for (k = 0; k < n && ids[k] != idx.e[i].alert_id; k++)
			;
		if (k < n)
			continue;
		if (n == alloc) {
			int64_t *grown;

			if (alloc == 100)	/* enough to say "red" */
				break;
			alloc = alloc ? alloc * 2 : 8;
			if (alloc > 100)
				alloc = 100;
			grown = arena_alloc(a, sizeof(*grown) * alloc);
			if (n)
				memcpy(grown, ids, sizeof(*grown) * n);
			ids = grown;
		}
		ids[n++] = idx.e[i].alert_id;
	}
	*out = ids;
	return n;
}

static int
id_cmp(const void *x, const void *y)
{
	int64_t p = *(const int64_t *)x, q = *(const int64_t *)y;

	return p < q ? -1 : p > q;
}

/* Alert ids with an identifier of this hash, in increasing order, each
 * once; caller holds the read lock. */
static size_t
hash_match(struct arena *a, const uint8_t h[HASH_BYTES], int64_t **out)
{
	int64_t *ids = NULL, *grown;
	size_t n = 0, alloc = 0, at, k;

	*out = NULL;
	if (idx.nheads == 0)
		return 0;
	for (at = idx.heads[hash_slot(h, idx.nheads)]; at != 0;
	    at = idx.e[at - 1].hnext) {
		const struct entry *e = &idx.e[at - 1];

		if (e->kind == 0 || sodium_memcmp(e->hash, h, HASH_BYTES) != 0)
			continue;
		for (k = 0; k < n && ids[k] != e->alert_id; k++)
			;
		if (k < n)
			continue;
		if (n == alloc) {
			alloc = alloc ? st_mult(alloc, 2) : 8;
			grown = arena_alloc(a, st_mult(alloc, sizeof(*grown)));
			if (n)
				memcpy(grown, ids, sizeof(*grown) * n);
			ids = grown;
		}
		ids[n++] = e->alert_id;
	}
	if (n > 1)
		qsort(ids, n, sizeof(*ids), id_cmp);
	*out = ids;
	return n;
}

/* ASCII letters folded, as lower() does in both databases. */
static char
fold(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static int
contains_folded(const char *hay, const char *needle)
{
	size_t i;

	for (; *hay != '\0'; hay++) {
		for (i = 0; needle[i] != '\0' && hay[i] != '\0' &&
		    fold(hay[i]) == fold(needle[i]); i++)
			;
		if (needle[i] == '\0')
			return 1;
		if (hay[i] == '\0')
			return 0;
	}
	return *needle == '\0';
}

/* Newest first, as store_alert_search() orders them. */
static int
newest_first(const void *x, const void *y)
{
	const struct cached_alert *p = *(const struct cached_alert *const *)x;
	const struct cached_alert *q = *(const struct cached_alert *const *)y;

	if (p->created_at != q->created_at)
		return p->created_at > q->created_at ? -1 : 1;
	return p->id > q->id ? -1 : p->id < q->id;
}

/* Active alerts whose summary contains word, newest first, at most
 * limit; caller holds the read lock. */
static size_t
keyword_match(const char *word, size_t limit, struct cached_alert ***out)
{
	struct cached_alert **v = NULL, *ca;
	size_t n = 0, alloc = 0, i;

	for (i = 0; i < idx.cap; i++) {
		ca = idx.slot[i];
		if (ca == NULL || ca == TOMB ||
		    !contains_folded(ca->summary, word))
			continue;
		if (n == alloc) {
			alloc = alloc ? st_mult(alloc, 2) : 16;
			v = xrealloc(v, st_mult(alloc, sizeof(*v)));
		}
		v[n++] = ca;
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), newest_first);
	*out = v;
	return n < limit ? n : limit;
}

/* Copy what the answer shows of ca into the request's arena, so that
 * the lock can go. */
static void
copy_alert(struct arena *a, const struct cached_alert *ca, struct alert *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	out->id = ca->id;
	out->summary = arena_strdup(a, ca->summary);
	out->severity = arena_strdup(a, ca->severity);
	out->types = ca->types;
	out->issued_on = arena_strdup(a, ca->issued_on);
	out->created_at = ca->created_at;
	out->stamp = ca->stamp;
	out->regions = arena_alloc(a, sizeof(*out->regions) *
	    (ca->ncodes ? ca->ncodes : 1));
	for (i = 0; i < ca->ncodes; i++)
		out->regions[i] = arena_strdup(a, ca->codes[i]);
	out->nregions = ca->ncodes;
}

/*
 * Whether each match is elsewhere: none of its regions is one the
 * account follows or under one of them. Reads the tree again, once, if
 * it lacks a region (one added since).
 */
static int
mark_elsewhere(struct store *s, struct screen_result *out,
    const int64_t *mine, size_t nmine)
{
	size_t i, k;
	int missing, tries, here, rc;

	for (tries = 0; tries < 2; tries++) {
		missing = 0;
		pthread_rwlock_rdlock(&rlock);
		for (i = 0; i < out->n; i++) {
			const struct alert *al = &out->matches[i].alert;

			here = nmine == 0;
			for (k = 0; k < al->nregions && !here; k++)
				here = region_mine(al->regions[k], mine, nmine,
				    &missing);
			out->matches[i].elsewhere = !here;
		}
		for (k = 0; k < nmine && !missing; k++)
			if (region_of_id(mine[k]) == NULL)
				missing = 1;
		pthread_rwlock_unlock(&rlock);
		if (!missing || tries > 0)
			break;
		if ((rc = regions_load(s)) != 0)
			return loop_rc(rc);
	}
	return 0;
}

int
screen(struct app *app, struct store *s, struct arena *a,
    const struct auth *who, const char *kind, const char *value,
    struct screen_result *out, struct report_err *err)
{
	char norm[IDENT_NORM_MAX];
	uint8_t h[HASH_BYTES];
	struct cached_alert **found = NULL, *ca;
	int64_t *ids = NULL, *mine;
	size_t nids = 0, nmine, i, n = 0;
	const char *why;
	enum ident_kind k_id;
	int partial, rc;

	memset(out, 0, sizeof(*out));
	if (value == NULL || *value == '\0')
		return loop_invalid(err, "value", "type what you want to check");
	if (kind != NULL && strcmp(kind, "keyword") == 0) {
		if (strlen(value) < 3)
			return loop_invalid(err, "value",
			    "a keyword needs at least 3 characters");
		pthread_rwlock_rdlock(&lock);
		n = keyword_match(value, 100, &found);
		out->matches = arena_alloc(a, sizeof(*out->matches) *
		    (n ? n : 1));
		for (i = 0; i < n; i++)
			copy_alert(a, found[i], &out->matches[i].alert);
		pthread_rwlock_unlock(&lock);
		free(found);
	} else {
		if ((k_id = ident_kind_parse(kind)) == 0 || k_id == IDENT_NAME)
			return loop_invalid(err, "kind", "kind must be phone, "
			    "email, plate, handle or keyword");
		if (ident_normalize(k_id, value, app->cfg.default_country, 1,
		    norm, &partial, &why) == -1)
			return loop_invalid(err, "value", why);
		if (!partial)
			hash_ident(&app->keys, ident_kind_name(k_id), norm, h);
		pthread_rwlock_rdlock(&lock);
		if (partial)
			nids = index_match(a, k_id, norm, &ids);
		else
			nids = hash_match(a, h, &ids);
		out->matches = arena_alloc(a, sizeof(*out->matches) *
		    (nids ? nids : 1));
		for (i = 0; i < nids; i++)
			if ((ca = alert_find(&idx, ids[i])) != NULL)
				copy_alert(a, ca, &out->matches[n++].alert);
		pthread_rwlock_unlock(&lock);
		sodium_memzero(norm, sizeof(norm));
		sodium_memzero(h, sizeof(h));
	}
	out->n = n;
	out->level = n ? SCREEN_AMBER : SCREEN_GREEN;
	for (i = 0; i < n; i++)
		if (out->matches[i].alert.types & INC_RED)
			out->level = SCREEN_RED;
	/* The account's regions only tell whether a match is elsewhere; a
	 * miss, the usual answer, needs no look at them. */
	if (n == 0)
		return 0;
	if ((rc = account_followed(app, s, a, who->user_id, &mine,
	    &nmine)) != 0)
		return loop_rc(rc);
	return mark_elsewhere(s, out, mine, nmine);
}
