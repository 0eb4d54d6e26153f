/*
 * help.c: public help requests (create, status and withdraw by
 * reference) and case work by staff (the queue, a case, assign, notes,
 * close, and a case opened from a report).
 *
 * A help request's contact, safe times and code word are never logged
 * or echoed: they go to the core and come back only in a staff member's
 * audited read of the case. The limiter keys on the client's digest,
 * which lives in memory only.
 */
#include <string.h>

#include <jansson.h>

#include "api/api.h"
#include "core/help.h"
#include "util/banned.h"

#define S(x)	((x) != NULL ? (x) : "")

/* One limiter, two budgets: creating requests ('c') and looking
 * references up ('l'), per client. */
static void
limit_key(const struct http_req *r, char what,
    uint8_t key[1 + sizeof(r->client)])
{
	key[0] = (uint8_t)what;
	memcpy(key + 1, r->client, sizeof(r->client));
}

/* 1 when the client has no budget left (and the 429 is written), 0 when
 * it may go on, -1 when the answer cannot be written. */
static int
limited(struct http_req *r, struct http_resp *w, char what)
{
	uint8_t key[1 + sizeof(r->client)];
	int retry;

	limit_key(r, what, key);
	if (ratelimit_check(rl_help, key, sizeof(key), &retry) == 0)
		return 0;
	return resp_too_many(r, w, retry) == 0 ? 1 : -1;
}

static void
spend(const struct http_req *r, char what)
{
	uint8_t key[1 + sizeof(r->client)];
	int retry;

	limit_key(r, what, key);
	(void)ratelimit_hit(rl_help, key, sizeof(key), &retry);
}

int
api_help_create(struct http_req *r, struct http_resp *w)
{
	json_t *contact = json_object_get(r->json, "contact");
	json_t *scr = json_object_get(r->json, "screening");
	struct report_err err;
	struct help_in in;
	char ref[16];
	int rc;

	/* Only a request that is stored spends budget: a frightened
	 * person's typos must never lock her out. */
	if ((rc = limited(r, w, 'c')) != 0)
		return rc == 1 ? 0 : -1;
	memset(&in, 0, sizeof(in));
	memset(&err, 0, sizeof(err));
	in.method = api_member(contact, "method");
	in.contact = api_member(contact, "value");
	in.safe_times = api_str(r, "safe_times");
	in.language = api_str(r, "language");
	in.code_word = api_str(r, "code_word");
	/* The route allows at most NEED_COUNT needs. */
	in.nneeds = api_strings(json_object_get(r->json, "needs"), in.needs,
	    NEED_COUNT);
	in.danger_now = api_bool(r->json, "danger_now", 0);
	in.forced = api_bool(scr, "forced", 0);
	in.id_or_money_held = api_bool(scr, "id_or_money_held", 0);
	in.under_18 = api_bool(scr, "under_18", 0);
	rc = help_create(r->app, r->store, &in, ref, &err);
	if (rc != 0)
		return api_report_error(w, rc, &err);
	spend(r, 'c');
	return resp_json(w, 201, json_pack("{s:s}", "reference", ref));
}

/*
 * Lookups by reference spend budget only when they miss: reading one's
 * own request costs nothing, guessing other people's references is
 * slowed down.
 */
static int
lookup_miss(struct http_req *r, struct http_resp *w)
{
	spend(r, 'l');
	return api_report_error(w, REPORT_NOTFOUND, NULL);
}

int
api_help_status(struct http_req *r, struct http_resp *w)
{
	const char *status;
	int rc;

	if ((rc = limited(r, w, 'l')) != 0)
		return rc == 1 ? 0 : -1;
	rc = help_status(r->app, r->store, r->arena, r->params[0], &status);
	if (rc == REPORT_NOTFOUND)
		return lookup_miss(r, w);
	if (rc != 0)
		return api_report_error(w, rc, NULL);
	return resp_json(w, 200, json_pack("{s:s}", "status", status));
}

int
api_help_withdraw(struct http_req *r, struct http_resp *w)
{
	int rc;

	if ((rc = limited(r, w, 'l')) != 0)
		return rc == 1 ? 0 : -1;
	rc = help_withdraw(r->app, r->store, r->params[0]);
	if (rc == REPORT_NOTFOUND)
		return lookup_miss(r, w);
	if (rc != 0)
		return api_report_error(w, rc, NULL);
	w->status = 204;
	return 0;
}

static json_t *
needs_json(int64_t needs)
{
	json_t *a = json_array();
	int i;

	if (a == NULL)
		return NULL;
	for (i = 0; i < NEED_COUNT; i++)
		if ((needs & ((int64_t)1 << i)) &&
		    json_array_append_new(a, json_string(help_need_names[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *
opt_id(int64_t id)
{
	return id != 0 ? json_integer((json_int_t)id) : json_null();
}

static json_t *
line_json(const struct case_line *l)
{
	return json_pack("{s:I, s:i, s:s, s:o, s:s, s:o, s:s, s:o}",
	    "id", (json_int_t)l->id,
	    "priority", l->priority,
	    "status", S(l->status),
	    "created_at", api_time(l->created_at),
	    "kind", S(l->kind),
	    "needs", needs_json(l->needs),
	    "language", S(l->language),
	    "assigned_to", opt_id(l->assigned_to));
}

int
api_case_queue(struct http_req *r, struct http_resp *w)
{
	struct case_line *l;
	json_t *list;
	size_t n, i;
	int rc;

	rc = case_queue(r->app, r->store, r->arena, &r->auth,
	    req_query(r, "status"), &l, &n);
	if (rc != 0)
		return api_report_error(w, rc, NULL);
	if ((list = json_array()) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (json_array_append_new(list, line_json(&l[i])) == -1) {
			json_decref(list);
			return -1;
		}
	return resp_json(w, 200, json_pack("{s:o}", "cases", list));
}

static json_t *
notes_json(const struct case_note *notes, size_t n)
{
	json_t *a = json_array();
	size_t i;

	if (a == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (json_array_append_new(a, json_pack("{s:I, s:o, s:s}",
		    "author_id", (json_int_t)notes[i].author_id,
		    "created_at", api_time(notes[i].created_at),
		    "text", S(notes[i].text))) == -1) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *
case_json(const struct case_view *v)
{
	json_t *j = line_json(&v->line);

	if (j == NULL)
		return NULL;
	if (json_object_update_new(j, json_pack("{s:{s:s, s:s}, s:s, s:s,"
	    " s:b, s:{s:b, s:b, s:b}, s:o, s:s, s:s, s:o}",
	    "contact", "method", S(v->method), "value", S(v->contact),
	    "safe_times", S(v->safe_times),
	    "code_word", S(v->code_word),
	    "danger_now", v->danger_now != 0,
	    "screening", "forced", v->forced != 0,
	    "id_or_money_held", v->id_or_money_held != 0,
	    "under_18", v->under_18 != 0,
	    "notes", notes_json(v->notes, v->nnotes),
	    "outcome", S(v->outcome),
	    "outcome_detail", S(v->outcome_detail),
	    "report_id", opt_id(v->report_id))) == -1) {
		json_decref(j);
		return NULL;
	}
	return j;
}

int
api_case_get(struct http_req *r, struct http_resp *w)
{
	struct case_view v;
	int64_t id = req_param_id(r, 0);
	int rc;

	if (id <= 0)
		return api_report_error(w, REPORT_NOTFOUND, NULL);
	rc = case_get(r->app, r->store, r->arena, &r->auth, id, &v);
	if (rc != 0)
		return api_report_error(w, rc, NULL);
	return resp_json(w, 200, case_json(&v));
}

int
api_case_assign(struct http_req *r, struct http_resp *w)
{
	static const struct report_err bad_user = { "user_id",
	    "assign the case to an active outreach or admin account of your "
	    "organisation", { 0 } };
	json_int_t user_id;
	int64_t id = req_param_id(r, 0);
	int rc;

	if (id <= 0)
		return api_report_error(w, REPORT_NOTFOUND, NULL);
	user_id = json_integer_value(json_object_get(r->json, "user_id"));
	if (user_id < 0)
		return api_report_error(w, REPORT_INVALID, &bad_user);
	if (user_id == 0)
		user_id = r->auth.user_id;
	rc = case_assign(r->app, r->store, &r->auth, id, (int64_t)user_id);
	if (rc != 0)
		return api_report_error(w, rc, rc == REPORT_INVALID ?
		    &bad_user : NULL);
	return resp_json(w, 200, json_pack("{s:I, s:s, s:I}", "id",
	    (json_int_t)id, "status", "claimed", "assigned_to", user_id));
}

int
api_case_note(struct http_req *r, struct http_resp *w)
{
	struct report_err err;
	int64_t id = req_param_id(r, 0);
	int rc;

	if (id <= 0)
		return api_report_error(w, REPORT_NOTFOUND, NULL);
	memset(&err, 0, sizeof(err));
	rc = case_note_add(r->app, r->store, &r->auth, id, api_str(r, "text"),
	    &err);
	if (rc != 0)
		return api_report_error(w, rc, &err);
	return resp_json(w, 201, json_pack("{s:I}", "case_id",
	    (json_int_t)id));
}

int
api_case_close(struct http_req *r, struct http_resp *w)
{
	struct report_err err;
	int64_t id = req_param_id(r, 0);
	int rc;

	if (id <= 0)
		return api_report_error(w, REPORT_NOTFOUND, NULL);
	memset(&err, 0, sizeof(err));
	rc = case_close(r->app, r->store, &r->auth, id, api_str(r, "outcome"),
	    api_str(r, "detail"), &err);
	if (rc != 0)
		return api_report_error(w, rc, &err);
	return resp_json(w, 200, json_pack("{s:I, s:s, s:s}", "id",
	    (json_int_t)id, "status", "closed", "outcome",
	    api_str(r, "outcome")));
}

int
api_case_from_report(struct http_req *r, struct http_resp *w)
{
	static const struct report_err no_contact = { "contact",
	    "this report has no contact for follow-up, or already has a case",
	    { 0 } };
	int64_t id = req_param_id(r, 0), case_id;
	int rc;

	if (id <= 0)
		return api_report_error(w, REPORT_NOTFOUND, NULL);
	rc = case_from_report(r->app, r->store, &r->auth, id, &case_id);
	if (rc != 0)
		return api_report_error(w, rc, rc == REPORT_CONFLICT ?
		    &no_contact : NULL);
	return resp_json(w, 201, json_pack("{s:I}", "case_id",
	    (json_int_t)case_id));
}
