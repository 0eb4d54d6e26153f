/*
 * common.c: what the /api/v1 handlers share: reading the validated body,
 * turning core outcomes into statuses, and rendering the pieces of the
 * JSON shapes that several routes return (types, region codes, times).
 */
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "api/api.h"
#include "core/account.h"
#include "core/report.h"
#include "util/banned.h"

const char *
api_str(const struct http_req *r, const char *name)
{
	return api_member(r->json, name);
}

const char *
api_member(json_t *obj, const char *name)
{
	const char *v = NULL;

	if (obj != NULL)
		v = json_string_value(json_object_get(obj, name));
	return v != NULL ? v : "";
}

int
api_bool(json_t *obj, const char *name, int dflt)
{
	json_t *v = obj != NULL ? json_object_get(obj, name) : NULL;

	if (!json_is_boolean(v))
		return dflt;
	return json_is_true(v);
}

int
api_account_error(struct http_resp *w, int rc, const char *field)
{
	switch (rc) {
	case ACCOUNT_BAD_NAME:
		return resp_error(w, 400, account_strerror(rc),
		    field ? field : "name");
	case ACCOUNT_BAD_PASSWORD:
		return resp_error(w, 400, account_strerror(rc),
		    field ? field : "password");
	case ACCOUNT_BAD_REGION:
		return resp_error(w, 400, account_strerror(rc), "regions");
	case ACCOUNT_EXISTS:
		return resp_error(w, 409, account_strerror(rc), "name");
	case ACCOUNT_DENIED:
		return resp_error(w, 401, account_strerror(rc), NULL);
	case ACCOUNT_UNAVAILABLE:
		return resp_error(w, 503, account_strerror(rc), NULL);
	default:
		return -1;
	}
}

/* The core's message when it gave one, else the status's own. */
static int
report_fail(struct http_resp *w, int status, const struct report_err *err,
    const char *dflt)
{
	if (err != NULL && err->msg != NULL)
		return resp_error(w, status, err->msg, err->field);
	return resp_error(w, status, dflt, NULL);
}

int
api_report_error(struct http_resp *w, int rc, const struct report_err *err)
{
	switch (rc) {
	case REPORT_INVALID:
		return report_fail(w, 400, err, "the request is not valid");
	case REPORT_NOTFOUND:
		/* Never a hint that something exists but is not yours. */
		return resp_error(w, 404, "not found", NULL);
	case REPORT_CONFLICT:
		return report_fail(w, 409, err, "this cannot be done in the "
		    "current state");
	case REPORT_FORBIDDEN:
		return report_fail(w, 403, err, "your account cannot do this");
	case REPORT_UNAVAILABLE:
		/* A full disk says so (err->msg); otherwise it is busy. */
		resp_header(w, "Retry-After", err != NULL && err->msg != NULL ?
		    "60" : "5");
		return report_fail(w, 503, err, "the service is busy; try "
		    "again in a few seconds");
	case REPORT_GONE:
		return report_fail(w, 410, err, "this is no longer available");
	default:
		return -1;
	}
}

size_t
api_idents(json_t *list, struct ident_in *out, size_t max)
{
	json_t *v;
	size_t i, n = 0;

	json_array_foreach(list, i, v) {
		if (n == max)
			break;
		out[n].kind = api_member(v, "kind");
		out[n].value = api_member(v, "value");
		n++;
	}
	return n;
}

size_t
api_strings(json_t *list, const char **out, size_t max)
{
	json_t *v;
	size_t i, n = 0;

	json_array_foreach(list, i, v) {
		if (n == max)
			break;
		out[n++] = json_string_value(v) ? json_string_value(v) : "";
	}
	return n;
}

json_t *
api_types(int64_t types)
{
	json_t *a = json_array();
	int i;

	if (a == NULL)
		return NULL;
	for (i = 0; i < INC_COUNT; i++)
		if ((types & ((int64_t)1 << i)) &&
		    json_array_append_new(a, json_string(incident_names[i])))
			goto fail;
	return a;
fail:
	json_decref(a);
	return NULL;
}

json_t *
api_codes(const char *const *codes, size_t n)
{
	json_t *a = json_array();
	size_t i;

	if (a == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (json_array_append_new(a, json_string(codes[i] ? codes[i] :
		    "")) == -1) {
			json_decref(a);
			return NULL;
		}
	return a;
}

json_t *
api_time(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char s[32];

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return NULL;
	return json_string(s);
}

json_t *
api_alert(const struct alert *al)
{
	return json_pack("{s:I, s:s, s:s, s:o, s:o, s:s}",
	    "id", (json_int_t)al->id,
	    "summary", al->summary ? al->summary : "",
	    "severity", al->severity ? al->severity : "",
	    "types", api_types(al->types),
	    "regions", api_codes(al->regions, al->nregions),
	    "issued_on", al->issued_on ? al->issued_on : "");
}
