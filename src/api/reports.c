/*
 * reports.c: filing a report, the moderation queue, a member's own
 * reports, reading one unsealed, lowering its consent, withdrawing and
 * deleting it.
 */
#include <string.h>

#include <jansson.h>

#include "api/api.h"
#include "core/report.h"
#include "util/banned.h"

/* The reporter's consent as given; anything left out takes the choice
 * that shares least. */
static void
consent_in(json_t *c, struct consent *out)
{
	const char *police = api_member(c, "police");

	out->alert = api_bool(c, "alert", 0);
	out->police = *police != '\0' ? police : "none";
	out->share_orgs = api_bool(c, "share_orgs", 0);
}

static void
report_in(const struct http_req *r, struct report_in *in)
{
	json_t *o = json_object_get(r->json, "offender");
	json_t *v = json_object_get(r->json, "vehicle");

	memset(in, 0, sizeof(*in));
	in->ntypes = api_strings(json_object_get(r->json, "types"), in->types,
	    LIMIT_LIST_ITEMS);
	in->occurred_on = api_str(r, "occurred_on");
	in->time_window = api_str(r, "time_window");
	in->region = api_str(r, "region");
	in->area = api_str(r, "area");
	in->offender.age_range = api_member(o, "age_range");
	in->offender.gender = api_member(o, "gender");
	in->offender.height = api_member(o, "height");
	in->offender.build = api_member(o, "build");
	in->offender.hair = api_member(o, "hair");
	in->offender.skin = api_member(o, "skin");
	in->offender.marks = api_member(o, "marks");
	in->offender.language = api_member(o, "language");
	in->vehicle.make = api_member(v, "make");
	in->vehicle.model = api_member(v, "model");
	in->vehicle.colour = api_member(v, "colour");
	in->vehicle.plate = api_member(v, "plate");
	in->nidents = api_idents(json_object_get(r->json, "identifiers"),
	    in->idents, LIMIT_LIST_ITEMS);
	in->narrative = api_str(r, "narrative");
	consent_in(json_object_get(r->json, "consent"), &in->consent);
	in->hold = api_bool(r->json, "hold_until_matched", 0);
	in->contact = api_str(r, "contact");
	in->source = api_str(r, "source");
}

int
api_report_create(struct http_req *r, struct http_resp *w)
{
	struct report_err err;
	struct report_in in;
	int64_t id;
	int rc;

	memset(&err, 0, sizeof(err));
	report_in(r, &in);
	rc = report_create(r->app, r->store, &r->auth, &in, &id, &err);
	if (rc != 0)
		return api_report_error(w, rc, &err);
	return resp_json(w, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

static json_t *
consent_json(const struct consent *c)
{
	return json_pack("{s:b, s:s, s:b}", "alert", c->alert != 0,
	    "police", c->police ? c->police : "none", "share_orgs",
	    c->share_orgs != 0);
}

static int
lines(struct http_resp *w, const struct report_line *l, size_t n)
{
	json_t *list = json_array(), *e;
	size_t i;

	if (list == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		e = json_pack("{s:I, s:o, s:s, s:o, s:s, s:b}",
		    "id", (json_int_t)l[i].id,
		    "types", api_types(l[i].types),
		    "region", l[i].region ? l[i].region : "",
		    "created_at", api_time(l[i].created_at),
		    "status", l[i].status ? l[i].status : "",
		    "matched", l[i].matched != 0);
		if (json_array_append_new(list, e) == -1) {
			json_decref(list);
			return -1;
		}
	}
	return resp_json(w, 200, json_pack("{s:o}", "reports", list));
}

int
api_report_queue(struct http_req *r, struct http_resp *w)
{
	struct report_line *l;
	size_t n;
	int rc;

	rc = report_queue(r->app, r->store, r->arena, &r->auth,
	    req_query(r, "status"), &l, &n);
	if (rc != 0)
		return api_report_error(w, rc, NULL);
	return lines(w, l, n);
}

int
api_report_mine(struct http_req *r, struct http_resp *w)
{
	struct report_line *l;
	size_t n;
	int rc;

	rc = report_mine(r->app, r->store, r->arena, &r->auth, &l, &n);
	if (rc != 0)
		return api_report_error(w, rc, NULL);
	return lines(w, l, n);
}

static json_t *
idents_json(const struct ident_in *ids, size_t n)
{
	json_t *a = json_array();
	size_t i;

	if (a == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (json_array_append_new(a, json_pack("{s:s, s:s}", "kind",
		    ids[i].kind ? ids[i].kind : "", "value",
		    ids[i].value ? ids[i].value : "")) == -1) {
			json_decref(a);
			return NULL;
		}
	return a;
}

#define S(x)	((x) != NULL ? (x) : "")

static json_t *
report_json(const struct report *rp)
{
	const struct offender *o = &rp->offender;
	const struct vehicle *v = &rp->vehicle;

	return json_pack("{s:I, s:o, s:s, s:s, s:s, s:s,"
	    " s:{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s},"
	    " s:{s:s, s:s, s:s, s:s}, s:o, s:s, s:o, s:s, s:s, s:s, s:b,"
	    " s:o, s:o}",
	    "id", (json_int_t)rp->id,
	    "types", api_types(rp->types),
	    "occurred_on", S(rp->occurred_on),
	    "time_window", S(rp->time_window),
	    "region", S(rp->region),
	    "area", S(rp->area),
	    "offender",
	    "age_range", S(o->age_range), "gender", S(o->gender),
	    "height", S(o->height), "build", S(o->build), "hair", S(o->hair),
	    "skin", S(o->skin), "marks", S(o->marks),
	    "language", S(o->language),
	    "vehicle",
	    "make", S(v->make), "model", S(v->model), "colour", S(v->colour),
	    "plate", S(v->plate),
	    "identifiers", idents_json(rp->idents, rp->nidents),
	    "narrative", S(rp->narrative),
	    "consent", consent_json(&rp->consent),
	    "contact", S(rp->contact),
	    "source", S(rp->source),
	    "status", S(rp->status),
	    "matched", rp->matched != 0,
	    "created_at", api_time(rp->created_at),
	    "alert_id", rp->alert_id != 0 ?
	    json_integer((json_int_t)rp->alert_id) : json_null());
}

int
api_report_get(struct http_req *r, struct http_resp *w)
{
	struct report rp;
	int64_t id = req_param_id(r, 0);
	int rc;

	if (id <= 0)
		return api_report_error(w, REPORT_NOTFOUND, NULL);
	rc = report_get(r->app, r->store, r->arena, &r->auth, id, &rp);
	if (rc != 0)
		return api_report_error(w, rc, NULL);
	return resp_json(w, 200, report_json(&rp));
}

int
api_report_consent(struct http_req *r, struct http_resp *w)
{
	struct report_err err;
	struct consent c;
	int64_t id = req_param_id(r, 0);
	int rc;

	if (id <= 0)
		return api_report_error(w, REPORT_NOTFOUND, NULL);
	memset(&err, 0, sizeof(err));
	consent_in(json_object_get(r->json, "consent"), &c);
	rc = report_lower_consent(r->app, r->store, &r->auth, id, &c, &err);
	if (rc != 0)
		return api_report_error(w, rc, &err);
	return resp_json(w, 200, json_pack("{s:o}", "consent",
	    consent_json(&c)));
}

int
api_report_withdraw(struct http_req *r, struct http_resp *w)
{
	int64_t id = req_param_id(r, 0);
	int rc;

	if (id <= 0)
		return api_report_error(w, REPORT_NOTFOUND, NULL);
	if ((rc = report_withdraw(r->app, r->store, &r->auth, id)) != 0)
		return api_report_error(w, rc, NULL);
	return resp_json(w, 200, json_pack("{s:I, s:s}", "id", (json_int_t)id,
	    "status", "withdrawn"));
}

int
api_report_delete(struct http_req *r, struct http_resp *w)
{
	int64_t id = req_param_id(r, 0);
	int rc;

	if (id <= 0)
		return api_report_error(w, REPORT_NOTFOUND, NULL);
	if ((rc = report_delete(r->app, r->store, &r->auth, id)) != 0)
		return api_report_error(w, rc, NULL);
	w->status = 204;
	return 0;
}
