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

#include "api/api.h"
#include "core/report.h"
#include "util/banned.h"

static json_t *
match_json(const struct screen_match *m)
{
	const struct alert *al = &m->alert;

	return json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:b}",
	    "alert_id", (json_int_t)al->id,
	    "severity", al->severity ? al->severity : "",
	    "issued_on", al->issued_on ? al->issued_on : "",
	    "summary", al->summary ? al->summary : "",
	    "regions", api_codes(al->regions, al->nregions),
	    "types", api_types(al->types),
	    "elsewhere", m->elsewhere != 0);
}

/*
 * "green" is the same answer for every miss, about half of all screens:
 * rendered once, by jansson like every other answer, and copied.
 */
static char *green;
static pthread_once_t green_once = PTHREAD_ONCE_INIT;

static void
render_green(void)
{
	json_t *j = json_pack("{s:s, s:[], s:s}", "level",
	    screen_level_names[SCREEN_GREEN], "matches", "note", SCREEN_NOTE);

	if (j != NULL)
		green = json_dumps(j, JSON_COMPACT);
	json_decref(j);
}

int
api_screen(struct http_req *r, struct http_resp *w)
{
	struct screen_result res;
	struct report_err err;
	json_t *list;
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
	if (res.n == 0) {
		pthread_once(&green_once, render_green);
		if (green != NULL) {
			buf_reset(&w->body);
			w->status = 200;
			w->content_type = "application/json";
			if (buf_adds(&w->body, green) == -1 ||
			    buf_addch(&w->body, '\n') == -1)
				return -1;
			return 0;
		}
	}
	if ((list = json_array()) == NULL)
		return -1;
	for (i = 0; i < res.n; i++)
		if (json_array_append_new(list,
		    match_json(&res.matches[i])) == -1) {
			json_decref(list);
			return -1;
		}
	return resp_json(w, 200, json_pack("{s:s, s:o, s:s}",
	    "level", screen_level_names[res.level], "matches", list,
	    "note", SCREEN_NOTE));
}
