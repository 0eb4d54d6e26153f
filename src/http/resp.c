/*
 * resp.c: building responses: headers, JSON bodies and errors,
 * redirects, 429s, and the security headers every response carries.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <sodium.h>

#include "http/http.h"
#include "http/http_int.h"
#include "util/log.h"
#include "web/web.h"
#include "util/banned.h"

const struct sec_header http_sec_headers[] = {
	{ "Content-Security-Policy", "default-src 'self'; script-src 'self'; "
	    "style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
	    "form-action 'self'; base-uri 'none'" },
	{ "Referrer-Policy", "no-referrer" },
	{ "X-Content-Type-Options", "nosniff" },
	{ "X-Frame-Options", "DENY" },
	/* Pages hold reports and names: never keep them in a cache. A
	 * handler that serves something public (static assets) sets its
	 * own Cache-Control, which replaces this one. */
	{ "Cache-Control", "no-store" },
	{ NULL, NULL },
};

int
req_is_api(const struct http_req *r)
{
	if (r->route != NULL)
		return r->route->kind == ROUTE_API;
	return r->path != NULL && (strcmp(r->path, "/api") == 0 ||
	    strncmp(r->path, "/api/", 5) == 0);
}

void
resp_header(struct http_resp *w, const char *name, const char *value)
{
	size_t i;

	/* Set-Cookie may repeat; any other header is replaced. */
	if (strcasecmp(name, "Set-Cookie") != 0) {
		for (i = 0; i < w->nheaders; i++) {
			if (strcasecmp(w->headers[i].key, name) == 0) {
				w->headers[i].value = value;
				return;
			}
		}
	}
	if (w->nheaders == RESP_MAX_HEADERS) {
		log_error("response header '%s' dropped: a response holds at "
		    "most %d headers (raise RESP_MAX_HEADERS)", name,
		    RESP_MAX_HEADERS);
		return;
	}
	w->headers[w->nheaders].key = name;
	w->headers[w->nheaders].value = value;
	w->nheaders++;
}

int
resp_json(struct http_resp *w, int status, json_t *j)
{
	char *s;
	size_t n;
	int rc = -1;

	if (j == NULL)
		return -1;
	s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (s == NULL)
		return -1;
	n = strlen(s);
	buf_reset(&w->body);
	if (buf_add(&w->body, s, n) == 0 && buf_addch(&w->body, '\n') == 0)
		rc = 0;
	/* Bodies routinely hold unsealed fields. */
	sodium_memzero(s, n);
	free(s);
	w->status = status;
	w->content_type = "application/json";
	return rc;
}

int
resp_error(struct http_resp *w, int status, const char *msg,
    const char *field)
{
	json_t *j;

	j = json_object();
	if (j == NULL)
		return -1;
	/* json_string() refuses text that is not UTF-8; the messages are
	 * ours and field names come from validated input, but an error
	 * answer must never fail. */
	if (json_object_set_new(j, "error", json_string(msg)) == -1)
		json_object_set_new(j, "error", json_string("bad request"));
	if (field != NULL)
		json_object_set_new(j, "field", json_string(field));
	return resp_json(w, status, j);
}

void
resp_redirect(struct http_resp *w, const char *location)
{
	w->status = 303;
	buf_reset(&w->body);
	resp_header(w, "Location", location);
}

void
resp_cookie(struct http_req *r, struct http_resp *w, const char *name,
    const char *value, long max_age)
{
	int secure = r->app != NULL && r->app->cfg.tls;

	resp_header(w, "Set-Cookie", arena_printf(r->arena,
	    "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%ld%s", name,
	    max_age > 0 ? value : "", max_age > 0 ? max_age : 0,
	    secure ? "; Secure" : ""));
}

int
resp_too_many(struct http_req *r, struct http_resp *w, int retry_after)
{
	int rc;

	if (retry_after < 1)
		retry_after = 1;
	if (req_is_api(r))
		rc = resp_error(w, 429, arena_printf(r->arena, "too many "
		    "attempts; try again in %d seconds", retry_after), NULL);
	else
		rc = web_error(r, w, 429, WEB_MSG_TOO_MANY);
	w->status = 429;
	resp_header(w, "Retry-After", arena_printf(r->arena, "%d",
	    retry_after));
	return rc;
}
