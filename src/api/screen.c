/*
 * screen.c: red, amber or green for a phone, email, plate, handle or
 * keyword, before a booking.
 *
 * The value screened is the most sensitive thing a member sends: it says
 * who she is about to meet. It is never logged, never put in a message,
 * and only ever reaches the core; it is POST so that it never appears in
 * a URL either.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "api/api.h"
#include "core/report.h"
#include "util/xalloc.h"
#include "util/banned.h"

/*
 * The answers are rendered by jansson, and what varies little is
 * rendered once:
 * - "green" is the same answer for every miss, about half of all screens;
 * - a match is the same for everyone but for its last member,
 *   "elsewhere": each alert's is kept rendered without it, by the
 *   version of what screening shows of it (struct alert's stamp), so
 *   that a change of the alert is never answered from an old rendering.
 *   Past FRAG_MAX renderings the cache starts again.
 */
#define FRAG_BUCKETS	65536		/* a power of two */
#define FRAG_MAX	262144

struct frag {
	struct frag	*next;
	int64_t		 id;
	uint64_t	 stamp;
	size_t		 len;
	char		 text[];
};

static pthread_rwlock_t frag_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct frag *frags[FRAG_BUCKETS];
static size_t nfrags;
static char *green, *note_tail;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void
render_once(void)
{
	json_t *j = json_pack("{s:s, s:[], s:s}", "level",
	    screen_level_names[SCREEN_GREEN], "matches", "note", SCREEN_NOTE);
	json_t *n = json_pack("{s:s}", "note", SCREEN_NOTE);
	char *t;

	if (j != NULL)
		green = json_dumps(j, JSON_COMPACT);
	/* {"note":"..."} becomes ,"note":"..."} */
	if (n != NULL && (t = json_dumps(n, JSON_COMPACT)) != NULL) {
		t[0] = ',';
		note_tail = t;
	}
	json_decref(j);
	json_decref(n);
}

static size_t
frag_bucket(int64_t id)
{
	return (size_t)((((uint64_t)id * UINT64_C(0x9e3779b97f4a7c15)) >>
	    40) & (FRAG_BUCKETS - 1));
}

static void
frags_clear(void)
{
	struct frag *f, *next;
	size_t i;

	for (i = 0; i < FRAG_BUCKETS; i++) {
		for (f = frags[i]; f != NULL; f = next) {
			next = f->next;
			sodium_memzero(f, sizeof(*f) + f->len);
			free(f);
		}
		frags[i] = NULL;
	}
	nfrags = 0;
}

/* Keep text (n bytes) as the rendering of version stamp of alert id, in
 * place of any older one. */
static void
frag_keep(int64_t id, uint64_t stamp, const char *text, size_t n)
{
	struct frag **fp, *f;
	size_t k = frag_bucket(id);

	pthread_rwlock_wrlock(&frag_lock);
	for (fp = &frags[k]; (f = *fp) != NULL;) {
		if (f->id == id) {
			*fp = f->next;
			sodium_memzero(f, sizeof(*f) + f->len);
			free(f);
			nfrags--;
		} else {
			fp = &f->next;
		}
	}
	if (nfrags >= FRAG_MAX)
		frags_clear();
	f = xmalloc(st_add(sizeof(*f), n));
	f->id = id;
	f->stamp = stamp;
	f->len = n;
	memcpy(f->text, text, n);
	f->next = frags[k];
	frags[k] = f;
	nfrags++;
	pthread_rwlock_unlock(&frag_lock);
}

/* Append one match to b: the alert's rendering, then "elsewhere". */
static int
add_match(struct buf *b, const struct screen_match *m)
{
	const struct alert *al = &m->alert;
	const struct frag *f;
	json_t *j;
	char *s;
	size_t n;
	int rc = 0, found = 0;

	if (al->stamp != 0) {
		pthread_rwlock_rdlock(&frag_lock);
		for (f = frags[frag_bucket(al->id)]; f != NULL; f = f->next)
			if (f->id == al->id && f->stamp == al->stamp)
				break;
		if (f != NULL) {
			found = 1;
			rc = buf_add(b, f->text, f->len);
		}
		pthread_rwlock_unlock(&frag_lock);
	}
	if (!found) {
		j = json_pack("{s:I, s:s, s:s, s:s, s:o, s:o}",
		    "alert_id", (json_int_t)al->id,
		    "severity", al->severity ? al->severity : "",
		    "issued_on", al->issued_on ? al->issued_on : "",
		    "summary", al->summary ? al->summary : "",
		    "regions", api_codes(al->regions, al->nregions),
		    "types", api_types(al->types));
		s = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
		json_decref(j);
		if (s == NULL)
			return -1;
		/* {...} becomes {..., to take "elsewhere" after it. */
		n = strlen(s);
		s[n - 1] = ',';
		rc = buf_add(b, s, n);
		if (al->stamp != 0)
			frag_keep(al->id, al->stamp, s, n);
		sodium_memzero(s, n);
		free(s);
	}
	if (rc == 0)
		rc = buf_adds(b, m->elsewhere ? "\"elsewhere\":true}" :
		    "\"elsewhere\":false}");
	return rc;
}

int
api_screen(struct http_req *r, struct http_resp *w)
{
	struct screen_result res;
	struct report_err err;
	size_t i;
	int rc, retry;

	/* Per account, so that one account cannot walk the alert list,
	 * wherever it connects from. */
	if (ratelimit_hit(rl_screen, &r->auth.user_id,
	    sizeof(r->auth.user_id), &retry) == -1)
		return resp_too_many(r, w, retry);
	memset(&err, 0, sizeof(err));
	rc = screen(r->app, r->store, r->arena, &r->auth, api_str(r, "kind"),
	    api_str(r, "value"), &res, &err);
	if (rc != 0)
		return api_report_error(w, rc, &err);
	pthread_once(&once, render_once);
	if (green == NULL || note_tail == NULL)
		return -1;
	buf_reset(&w->body);
	w->status = 200;
	w->content_type = "application/json";
	if (res.n == 0)
		return buf_adds(&w->body, green) == -1 ||
		    buf_addch(&w->body, '\n') == -1 ? -1 : 0;
	/* As jansson renders {"level", "matches", "note"}, compact. */
	if (buf_adds(&w->body, "{\"level\":\"") == -1 ||
	    buf_adds(&w->body, screen_level_names[res.level]) == -1 ||
	    buf_adds(&w->body, "\",\"matches\":[") == -1)
		return -1;
	for (i = 0; i < res.n; i++)
		if ((i > 0 && buf_addch(&w->body, ',') == -1) ||
		    add_match(&w->body, &res.matches[i]) == -1)
			return -1;
	if (buf_addch(&w->body, ']') == -1 ||
	    buf_adds(&w->body, note_tail) == -1 ||
	    buf_addch(&w->body, '\n') == -1)
		return -1;
	return 0;
}
