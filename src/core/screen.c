/*
 * screen.c: red, amber or green for an identifier, before a booking.
 *
 * Whole identifiers are looked up by keyed hash in the store. Partial
 * ones ("***-0142", "AB?12?") cannot be hashed, so they are matched
 * against an in-memory index of every active alert's identifiers, opened
 * from their sealed values once at start-up and kept in step as alerts
 * are published and withdrawn, here or, on PostgreSQL, on any other node
 * (through the store's listener, docs/multinode.md). The index lives
 * only in this process's memory and is wiped when it is freed.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/audit.h"
#include "core/loop_int.h"
#include "core/report.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

const char *const screen_level_names[3] = { "green", "amber", "red" };

struct entry {
	int64_t		 alert_id;
	enum ident_kind	 kind;
	char		*value;
};

/*
 * Phones by their last four digits. The usual partial phone, "***-0142",
 * is a suffix of at least four digits: it can only match entries of its
 * own bucket, so it looks at about one in ten thousand phones instead of
 * every entry (bench/screen, docs/BENCHMARKS.md). A bucket lists entry
 * positions in increasing order, so the answer is the full scan's. Entries
 * are only ever appended: a withdrawn alert's entries stay in place as
 * tombstones (kind 0, value wiped), so no bucket is renumbered.
 */
#define SUFFIX_BUCKETS	10000

struct bucket {
	size_t	*at;
	size_t	 n, alloc;
};

struct index {
	struct entry	*e;
	size_t		 n, alloc;
	struct bucket	*sfx;		/* SUFFIX_BUCKETS of them, or NULL */
	size_t		 stray;		/* phones in no bucket */
};

/*
 * lock guards the index's contents. follow orders the changes that keep
 * it in step with the database: a build, the identifiers of a published
 * alert (here or on another node) and a withdrawal, so that a rebuild
 * cannot swallow an alert added meanwhile and one alert is not added
 * twice. Whoever takes follow holds any store connection it needs
 * already (and takes no other), so it cannot starve the pool.
 */
static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t follow = PTHREAD_MUTEX_INITIALIZER;
static struct index idx;

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

/* Caller holds the write lock (or owns x alone). */
static void
add_to(struct index *x, enum ident_kind kind, const char *norm,
    int64_t alert_id)
{
	int key;

	if (x->n == x->alloc) {
		x->alloc = x->alloc ? st_mult(x->alloc, 2) : 1024;
		x->e = xrealloc(x->e, st_mult(x->alloc, sizeof(*x->e)));
	}
	x->e[x->n].alert_id = alert_id;
	x->e[x->n].kind = kind;
	x->e[x->n].value = xstrdup(norm);
	if (kind == IDENT_PHONE) {
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
}

static void
index_release(struct index *x)
{
	size_t i;

	for (i = 0; i < x->n; i++) {
		if (x->e[i].value == NULL)
			continue;
		sodium_memzero(x->e[i].value, strlen(x->e[i].value));
		free(x->e[i].value);
	}
	free(x->e);
	if (x->sfx != NULL) {
		for (i = 0; i < SUFFIX_BUCKETS; i++)
			bucket_wipe(&x->sfx[i]);
		free(x->sfx);
	}
	memset(x, 0, sizeof(*x));
}

/* Whether the live index holds an entry of alert_id; caller holds
 * follow. */
static int
has_alert(int64_t alert_id)
{
	size_t i;
	int found = 0;

	pthread_rwlock_rdlock(&lock);
	for (i = idx.n; i-- > 0 && !found;)
		found = idx.e[i].alert_id == alert_id && idx.e[i].kind != 0;
	pthread_rwlock_unlock(&lock);
	return found;
}

static int
indexed_kind(enum ident_kind kind)
{
	/* Only phones and plates have partial forms worth indexing. */
	return kind == IDENT_PHONE || kind == IDENT_PLATE;
}

void
screen_index_add(int64_t alert_id, const enum ident_kind *kinds,
    char (*norm)[IDENT_NORM_MAX], size_t n)
{
	size_t i;

	pthread_mutex_lock(&follow);
	/* The listener may have added it from the database already. */
	if (!has_alert(alert_id)) {
		pthread_rwlock_wrlock(&lock);
		for (i = 0; i < n; i++)
			if (indexed_kind(kinds[i]))
				add_to(&idx, kinds[i], norm[i], alert_id);
		pthread_rwlock_unlock(&lock);
	}
	pthread_mutex_unlock(&follow);
}

/* Turn alert_id's entries into tombstones; caller holds follow. */
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
		if (e->kind == IDENT_PHONE && suffix_key(e->value) < 0)
			idx.stray--;
		sodium_memzero(e->value, strlen(e->value));
		free(e->value);
		e->value = NULL;
		e->kind = 0;
	}
	pthread_rwlock_unlock(&lock);
}

void
screen_index_remove(int64_t alert_id)
{
	pthread_mutex_lock(&follow);
	remove_alert(alert_id);
	pthread_mutex_unlock(&follow);
}

void
screen_index_free(void)
{
	pthread_mutex_lock(&follow);
	pthread_rwlock_wrlock(&lock);
	index_release(&idx);
	pthread_rwlock_unlock(&lock);
	pthread_mutex_unlock(&follow);
}

struct build {
	struct app	*app;
	struct index	*into;
	size_t		 count;
	int		 failed;
};

static int
build_one(const struct store_ident *si, void *arg)
{
	struct build *b = arg;
	enum ident_kind k = ident_kind_parse(si->kind);
	struct buf v;

	if (!indexed_kind(k))
		return 0;
	buf_init(&v, IDENT_NORM_MAX);
	if (seal_open(&b->app->keys, "alert_idents", "value",
	    loop_ident_row(si->owner_id, si->seq), si->value_sealed,
	    si->value_sealed_len, &v) == -1) {
		b->failed++;
	} else {
		add_to(b->into, k, v.buf, si->owner_id);
		b->count++;
	}
	buf_wipe(&v);
	return 0;
}

/*
 * Build a whole new index from the database and put it in place of the
 * live one, which screens go on using until then. Caller holds follow.
 */
static int
rebuild(struct app *app, struct store *s, const char *why)
{
	struct index fresh;
	struct build b = { app, &fresh, 0, 0 };
	char detail[64];
	int rc;

	memset(&fresh, 0, sizeof(fresh));
	if ((rc = store_alert_idents_each(s, build_one, &b)) != 0) {
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

/*
 * Another node (or this one) published or withdrew an alert, or the
 * listener's connection came back: bring the index in step. Runs on the
 * listener's thread; non-zero asks it for a resync later.
 */
static int
follow_event(enum store_event ev, int64_t id, void *arg)
{
	struct app *app = arg;
	struct index one;
	struct build b = { app, &one, 0, 0 };
	struct store *s;
	char obj[64];
	size_t i;
	int rc = 0;

	if (ev == STORE_EVENT_ALERT_WITHDRAWN) {
		screen_index_remove(id);
		return 0;
	}
	memset(&one, 0, sizeof(one));
	s = store_acquire(app->pool);
	pthread_mutex_lock(&follow);
	if (ev == STORE_EVENT_RESYNC) {
		rc = rebuild(app, s, " (resynchronised)");
	} else if (!has_alert(id)) {
		/* Published elsewhere: its identifiers are sealed in the
		 * database (or there is nothing to add, if it has no phone
		 * or plate, or was withdrawn since). */
		rc = store_alert_idents_of(s, id, build_one, &b);
		if (rc == 0 && b.count > 0) {
			pthread_rwlock_wrlock(&lock);
			for (i = 0; i < one.n; i++)
				add_to(&idx, one.e[i].kind, one.e[i].value,
				    id);
			pthread_rwlock_unlock(&lock);
			snprintf(obj, sizeof(obj), "alert:%lld",
			    (long long)id);
			rc = audit_log(app, s, 0, "screen.follow", obj, "");
		}
		rc = loop_rc(rc);
		index_release(&one);
	}
	pthread_mutex_unlock(&follow);
	store_release(app->pool, s);
	if (rc != 0)
		log_warn("screening index: cannot follow %s; will "
		    "resynchronise", ev == STORE_EVENT_RESYNC ?
		    "the database" : "a new alert");
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

/* Alert ids in the index matching the pattern, without repeats. */
static size_t
index_match(struct arena *a, enum ident_kind kind, const char *pattern,
    int64_t **out)
{
	int64_t *ids = NULL;
	const size_t *only = NULL;
	size_t n = 0, alloc = 0, i, j, k, count;
	int key;

	pthread_rwlock_rdlock(&lock);
	count = idx.n;
	if (kind == IDENT_PHONE && pattern[0] == '*' && idx.stray == 0 &&
	    (key = suffix_key(pattern)) >= 0) {
		only = idx.sfx != NULL ? idx.sfx[key].at : NULL;
		count = idx.sfx != NULL ? idx.sfx[key].n : 0;
	}
	for (j = 0; j < count; j++) {
		i = only != NULL ? only[j] : j;
		if (idx.e[i].kind != kind ||
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
	pthread_rwlock_unlock(&lock);
	*out = ids;
	return n;
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

int
screen(struct app *app, struct store *s, struct arena *a,
    const struct auth *who, const char *kind, const char *value,
    struct screen_result *out, struct report_err *err)
{
	char norm[IDENT_NORM_MAX];
	uint8_t h[HASH_BYTES];
	struct store_alert *sa = NULL;
	struct region reg;
	int64_t *ids = NULL, *mine;
	size_t nids = 0, nmine, i, k, n = 0;
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
		if ((rc = store_alert_search(s, a, value, 100, &sa, &n)) != 0)
			return loop_rc(rc);
	} else {
		if ((k_id = ident_kind_parse(kind)) == 0 || k_id == IDENT_NAME)
			return loop_invalid(err, "kind", "kind must be phone, "
			    "email, plate, handle or keyword");
		if (ident_normalize(k_id, value, app->cfg.default_country, 1,
		    norm, &partial, &why) == -1)
			return loop_invalid(err, "value", why);
		if (partial) {
			nids = index_match(a, k_id, norm, &ids);
		} else {
			hash_ident(&app->keys, ident_kind_name(k_id), norm, h);
			if ((rc = store_alert_ids_by_hash(s, a, h, &ids,
			    &nids)) != 0)
				return loop_rc(rc);
		}
		sodium_memzero(norm, sizeof(norm));
		sa = arena_alloc(a, sizeof(*sa) * (nids ? nids : 1));
		for (i = 0; i < nids; i++) {
			rc = store_alert_get(s, a, ids[i], &sa[n]);
			if (rc == STORE_NOTFOUND)
				continue;
			if (rc != 0)
				return loop_rc(rc);
			if (strcmp(sa[n].status, "active") == 0)
				n++;
		}
	}
	/* The account's regions only tell whether a match is elsewhere; a
	 * miss, the usual answer, needs no look at them. */
	mine = NULL;
	nmine = 0;
	if (n > 0 && (rc = loop_followed(s, a, who, &mine, &nmine)) != 0)
		return rc;
	out->matches = arena_alloc(a, sizeof(*out->matches) * (n ? n : 1));
	out->level = n ? SCREEN_AMBER : SCREEN_GREEN;
	for (i = 0; i < n; i++) {
		struct screen_match *m = &out->matches[i];
		int here = nmine == 0;

		memset(m, 0, sizeof(*m));
		m->alert.id = sa[i].id;
		m->alert.summary = sa[i].summary;
		m->alert.severity = sa[i].severity;
		m->alert.types = sa[i].types;
		m->alert.issued_on = sa[i].issued_on;
		m->alert.created_at = sa[i].created_at;
		{
			char **codes;
			size_t nc;

			if ((rc = store_alert_regions(s, a, sa[i].id, &codes,
			    &nc)) != 0)
				return loop_rc(rc);
			m->alert.regions = (const char **)codes;
			m->alert.nregions = nc;
			for (k = 0; k < nc && !here; k++)
				if (store_region_by_code(s, a, codes[k],
				    &reg) == 0 && in_set(mine, nmine, reg.id))
					here = 1;
		}
		m->elsewhere = !here;
		if (sa[i].types & INC_RED)
			out->level = SCREEN_RED;
	}
	out->n = n;
	return 0;
}
