/*
 * police.c: the liaison's reports, the public statistics and
 * transparency report, and a member deleting her account.
 *
 * A published count is a JSON integer only when it is at least k;
 * below k it is the string the core made of it ("<5"), so the true count
 * of a small cell never reaches the wire.
 */
#include <string.h>

#include <jansson.h>

#include "api/api.h"
#include "core/help.h"
#include "util/banned.h"

#define S(x)	((x) != NULL ? (x) : "")

static json_t *
count_json(int64_t count, const char *shown, int k)
{
	if (count >= k)
		return json_integer((json_int_t)count);
	return json_string(S(shown));
}

static json_t *
police_json(const struct police_report *p)
{
	json_t *o, *alert;

	if (p->alert_id != 0)
		alert = json_pack("{s:s, s:s}", "summary", S(p->summary),
		    "severity", S(p->severity));
	else
		alert = json_null();
	o = json_pack("{s:I, s:s, s:o, s:s, s:s, s:o}",
	    "id", (json_int_t)p->id,
	    "tier", S(p->tier),
	    "types", api_types(p->types),
	    "occurred_on", S(p->occurred_on),
	    "region", S(p->region),
	    "alert", alert);
	if (o == NULL || strcmp(S(p->tier), "full") != 0)
		return o;
	if (json_object_set_new(o, "narrative", json_string(S(p->narrative)))
	    == -1 ||
	    json_object_set_new(o, "contact", json_string(S(p->contact)))
	    == -1) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int
api_police_reports(struct http_req *r, struct http_resp *w)
{
	struct police_report *p;
	json_t *list;
	size_t n, i;
	int rc;

	rc = police_reports(r->app, r->store, r->arena, &r->auth, &p, &n);
	if (rc != 0)
		return api_report_error(w, rc, NULL);
	if ((list = json_array()) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (json_array_append_new(list, police_json(&p[i])) == -1) {
			json_decref(list);
			return -1;
		}
	return resp_json(w, 200, json_pack("{s:o}", "reports", list));
}

/* [{name: row, "count": …}, …] */
static json_t *
cells_json(const char *name, const struct stat_cell *c, size_t n, int k)
{
	json_t *a = json_array();
	size_t i;

	if (a == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (json_array_append_new(a, json_pack("{s:s, s:o}", name,
		    S(c[i].row), "count", count_json(c[i].count, c[i].shown,
		    k))) == -1) {
			json_decref(a);
			return NULL;
		}
	return a;
}

int
api_stats(struct http_req *r, struct http_resp *w)
{
	struct stats st;
	int rc;

	if ((rc = stats_get(r->app, r->store, r->arena, &st)) != 0)
		return api_report_error(w, rc, NULL);
	return resp_json(w, 200, json_pack("{s:i, s:o, s:o, s:o, s:o}",
	    "k", st.k,
	    "incidents_by_month", cells_json("month", st.by_month, st.nmonth,
	    st.k),
	    "incidents_by_type", cells_json("type", st.by_type, st.ntype,
	    st.k),
	    "incidents_by_region", cells_json("region", st.by_region,
	    st.nregion, st.k),
	    "help_requests_by_outcome", cells_json("outcome", st.by_outcome,
	    st.noutcome, st.k)));
}

int
api_transparency(struct http_req *r, struct http_resp *w)
{
	struct transparency_row *t;
	json_t *list;
	size_t n, i;
	int k, rc;

	rc = transparency_get(r->app, r->store, r->arena, &t, &n, &k);
	if (rc != 0)
		return api_report_error(w, rc, NULL);
	if ((list = json_array()) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (json_array_append_new(list, json_pack(
		    "{s:s, s:o, s:o, s:o, s:o}",
		    "quarter", S(t[i].quarter),
		    "liaison_views", count_json(t[i].views, t[i].views_shown,
		    k),
		    "shared_anonymous", count_json(t[i].anonymous,
		    t[i].anonymous_shown, k),
		    "shared_full", count_json(t[i].full, t[i].full_shown, k),
		    "police_incidents", count_json(t[i].police_incidents,
		    t[i].police_incidents_shown, k))) == -1) {
			json_decref(list);
			return -1;
		}
	return resp_json(w, 200, json_pack("{s:i, s:o}", "k", k, "quarters",
	    list));
}

int
api_me_delete(struct http_req *r, struct http_resp *w)
{
	int rc;

	if ((rc = account_delete(r->app, r->store, &r->auth)) != 0)
		return api_report_error(w, rc, NULL);
	w->status = 204;
	return 0;
}
