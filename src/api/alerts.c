/*
 * alerts.c: moderating a report (publish an alert, decide not to, or
 * attach it to an existing alert), the alerts of a region, and the
 * secret token of a member's Atom feed.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "api/api.h"
#include "core/report.h"
#include "util/banned.h"

int
api_alert_publish(struct http_req *r, struct http_resp *w)
{
	struct report_err err;
	struct alert_in in;
	int64_t id = req_param_id(r, 0), alert_id;
	int rc;

	if (id <= 0)
		return api_report_error(w, REPORT_NOTFOUND, NULL);
	memset(&err, 0, sizeof(err));
	memset(&in, 0, sizeof(in));
	in.summary = api_str(r, "summary");
	in.severity = api_str(r, "severity");
	in.nregions = api_strings(json_object_get(r->json, "regions"),
	    in.regions, LIMIT_LIST_ITEMS);
	in.nidents = api_idents(json_object_get(r->json, "identifiers"),
	    in.idents, LIMIT_LIST_ITEMS);
	rc = report_publish(r->app, r->store, &r->auth, id, &in, &alert_id,
	    &err);
	if (rc != 0)
		return api_report_error(w, rc, &err);
	return resp_json(w, 201, json_pack("{s:I}", "alert_id",
	    (json_int_t)alert_id));
}

int
api_alert_none(struct http_req *r, struct http_resp *w)
{
	struct report_err err;
	int64_t id = req_param_id(r, 0);
	int rc;

	if (id <= 0)
		return api_report_error(w, REPORT_NOTFOUND, NULL);
	memset(&err, 0, sizeof(err));
	rc = report_no_alert(r->app, r->store, &r->auth, id,
	    api_str(r, "reason"), &err);
	if (rc != 0)
		return api_report_error(w, rc, &err);
	return resp_json(w, 200, json_pack("{s:I, s:s}", "id", (json_int_t)id,
	    "status", "no_alert"));
}

int
api_alert_attach(struct http_req *r, struct http_resp *w)
{
	struct report_err err;
	json_int_t alert_id;
	int64_t id = req_param_id(r, 0);
	int rc;

	if (id <= 0)
		return api_report_error(w, REPORT_NOTFOUND, NULL);
	alert_id = json_integer_value(json_object_get(r->json, "alert_id"));
	if (alert_id <= 0)
		return resp_error(w, 400, "'alert_id' must be a positive "
		    "integer", "alert_id");
	memset(&err, 0, sizeof(err));
	rc = report_attach(r->app, r->store, &r->auth, id, (int64_t)alert_id,
	    &err);
	if (rc != 0)
		return api_report_error(w, rc, &err);
	return resp_json(w, 200, json_pack("{s:I, s:s, s:I}", "id",
	    (json_int_t)id, "status", "attached", "alert_id", alert_id));
}

int
api_alert_withdraw(struct http_req *r, struct http_resp *w)
{
	int64_t id = req_param_id(r, 0);
	int rc;

	if (id <= 0)
		return api_report_error(w, REPORT_NOTFOUND, NULL);
	if ((rc = alert_withdraw(r->app, r->store, &r->auth, id)) != 0)
		return api_report_error(w, rc, NULL);
	return resp_json(w, 200, json_pack("{s:I, s:s}", "id", (json_int_t)id,
	    "status", "withdrawn"));
}

int
api_alert_list(struct http_req *r, struct http_resp *w)
{
	struct report_err err;
	struct alert *al;
	json_t *list;
	size_t n, i;
	int rc;

	memset(&err, 0, sizeof(err));
	rc = alert_list(r->app, r->store, r->arena, &r->auth,
	    req_query(r, "region"), &al, &n, &err);
	if (rc != 0)
		return api_report_error(w, rc, &err);
	if ((list = json_array()) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (json_array_append_new(list, api_alert(&al[i])) == -1) {
			json_decref(list);
			return -1;
		}
	return resp_json(w, 200, json_pack("{s:o}", "alerts", list));
}

int
api_feed_token_new(struct http_req *r, struct http_resp *w)
{
	char token[TOKEN_CHARS + 1], url[TOKEN_CHARS + 16];
	int rc;

	if ((rc = feed_token_new(r->app, r->store, &r->auth, token)) != 0)
		return api_report_error(w, rc, NULL);
	snprintf(url, sizeof(url), "/feed/%s.atom", token);
	rc = resp_json(w, 201, json_pack("{s:s, s:s}", "token", token, "url",
	    url));
	sodium_memzero(token, sizeof(token));
	sodium_memzero(url, sizeof(url));
	return rc;
}

int
api_feed_token_revoke(struct http_req *r, struct http_resp *w)
{
	int rc;

	if ((rc = feed_token_revoke(r->app, r->store, &r->auth)) != 0)
		return api_report_error(w, rc, NULL);
	w->status = 204;
	return 0;
}
