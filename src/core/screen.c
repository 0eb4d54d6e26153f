/*
 * screen.c: red, amber or green for an identifier, before a booking.
 *
 * Whole identifiers are looked up by keyed hash in the store. Partial
 * ones ("***-0142", "AB?12?") cannot be hashed, so they are matched
 * against an in-memory index of every active alert's identifiers, opened
 * from their sealed values once at start-up and extended as alerts are
 * published. The index lives only in this process's memory and is wiped
 * when it is freed.
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
 * are only ever appended; removing one would have to renumber buckets.
 */
#define SUFFIX_BUCKETS	10000

struct bucket {
	size_t	*at;
	size_t	 n, alloc;
};

static struct {
	pthread_rwlock_t lock;
	struct entry	*e;
	size_t		 n, alloc;
	struct bucket	*sfx;		/* SUFFIX_BUCKETS of them, or NULL */
	size_t		 stray;		/* phones in no bucket */
} idx = { PTHREAD_RWLOCK_INITIALIZER, NULL, 0, 0, NULL, 0 };

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

/* Caller holds the write lock. */
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

/* Caller holds the write lock. */
static void
add_locked(enum ident_kind kind, const char *norm, int64_t alert_id)
{
	int key;

	if (idx.n == idx.alloc) {
		idx.alloc = idx.alloc ? st_mult(idx.alloc, 2) : 1024;
		idx.e = xrealloc(idx.e, st_mult(idx.alloc, sizeof(*idx.e)));
	}
	idx.e[idx.n].alert_id = alert_id;
	idx.e[idx.n].kind = kind;
	idx.e[idx.n].value = xstrdup(norm);
	if (kind == IDENT_PHONE) {
		/* A normalised phone ends in digits (E.164); one that does
		 * not would be missed by the buckets, so it turns them off. */
		if ((key = suffix_key(norm)) < 0) {
			idx.stray++;
		} else {
			if (idx.sfx == NULL)
				idx.sfx = xcalloc(SUFFIX_BUCKETS,
				    sizeof(*idx.sfx));
			bucket_add(&idx.sfx[key], idx.n);
		}
	}
	idx.n++;
}

void
screen_index_add(enum ident_kind kind, const char *norm, int64_t alert_id)
{
	/* Only phones and plates have partial forms worth indexing. */
	if (kind != IDENT_PHONE && kind != IDENT_PLATE)
		return;
	pthread_rwlock_wrlock(&idx.lock);
	add_locked(kind, norm, alert_id);
	pthread_rwlock_unlock(&idx.lock);
}

void
screen_index_free(void)
{
	size_t i;

	pthread_rwlock_wrlock(&idx.lock);
	for (i = 0; i < idx.n; i++) {
		sodium_memzero(idx.e[i].value, strlen(idx.e[i].value));
		free(idx.e[i].value);
	}
	free(idx.e);
	idx.e = NULL;
	idx.n = idx.alloc = 0;
	if (idx.sfx != NULL) {
		for (i = 0; i < SUFFIX_BUCKETS; i++)
			bucket_wipe(&idx.sfx[i]);
		free(idx.sfx);
		idx.sfx = NULL;
	}
	idx.stray = 0;
	pthread_rwlock_unlock(&idx.lock);
}

struct build {
	struct app	*app;
	size_t		 count;
	int		 failed;
};

static int
build_one(const struct store_ident *si, void *arg)
{
	struct build *b = arg;
	enum ident_kind k = ident_kind_parse(si->kind);
	struct buf v;

	if (k != IDENT_PHONE && k != IDENT_PLATE)
		return 0;
	buf_init(&v, IDENT_NORM_MAX);
	if (seal_open(&b->app->keys, "alert_idents", "value",
	    loop_ident_row(si->owner_id, si->seq), si->value_sealed,
	    si->value_sealed_len, &v) == -1) {
		b->failed++;
	} else {
		add_locked(k, v.buf, si->owner_id);
		b->count++;
	}
	buf_wipe(&v);
	return 0;
}

int
screen_index_build(struct app *app, struct store *s)
{
	struct build b = { app, 0, 0 };
	char detail[64];
	int rc;

	screen_index_free();
	pthread_rwlock_wrlock(&idx.lock);
	rc = store_alert_idents_each(s, build_one, &b);
	pthread_rwlock_unlock(&idx.lock);
	if (rc != 0)
		return loop_rc(rc);
	if (b.failed)
		log_error("screening index: %d identifiers do not open "
		    "(wrong key or tampered data)", b.failed);
	snprintf(detail, sizeof(detail), "%zu identifiers", b.count);
	log_info("screening index: %s", detail);
	return loop_rc(audit_log(app, s, 0, "screen.index", "", detail));
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

	pthread_rwlock_rdlock(&idx.lock);
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
	pthread_rwlock_unlock(&idx.lock);
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
