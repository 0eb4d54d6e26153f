/*
 * router.c: matching a request to a route, the routes the HTTP layer
 * owns itself (/healthz, /metrics), and the request accessors.
 */
#include <stdint.h>
#include <string.h>

#include <microhttpd.h>

#include "http/http.h"
#include "http/http_int.h"
#include "util/parse.h"
#include "util/banned.h"

/* Set by a unit test only; see http_routes_set(). */
static const struct route *api_override;
static const struct route *web_override;

void
http_routes_set(const struct route *api, const struct route *web)
{
	api_override = api;
	web_override = web;
}

static int
healthz(struct http_req *r, struct http_resp *w)
{
	w->status = 200;
	w->content_type = "text/plain; charset=utf-8";
	return buf_adds(&w->body, "ok\n");
}

static int
metrics(struct http_req *r, struct http_resp *w)
{
	w->status = 200;
	w->content_type = "text/plain; version=0.0.4; charset=utf-8";
	return metrics_render(&w->body);
}

static const struct route builtin_routes[] = {
	{ HTTP_GET | HTTP_HEAD, "/healthz", ROUTE_PLAIN, 0, NULL, NULL,
	    healthz, "healthz" },
	{ HTTP_GET | HTTP_HEAD, "/metrics", ROUTE_PLAIN, 0, NULL, NULL,
	    metrics, "metrics" },
	{ 0, NULL, ROUTE_PLAIN, 0, NULL, NULL, NULL, NULL },
};

/* Match path against pattern; {x} takes one non-empty segment. Params
 * are copied only once the whole path matched. */
static int
match(struct arena *a, const char *pattern, const char *path,
    const char **params, size_t *nparams)
{
	const char *p = pattern, *s = path, *pe, *se;
	const char *start[ROUTE_MAX_PARAMS];
	size_t len[ROUTE_MAX_PARAMS], n = 0, i;

	while (*p != '\0' && *s != '\0') {
		if (*p == '{') {
			pe = strchr(p, '}');
			se = strchr(s, '/');
			if (se == NULL)
				se = s + strlen(s);
			if (pe == NULL || se == s || n == ROUTE_MAX_PARAMS)
				return 0;
			start[n] = s;
			len[n++] = (size_t)(se - s);
			p = pe + 1;
			s = se;
		} else if (*p++ != *s++) {
			return 0;
		}
	}
	if (*p != '\0' || *s != '\0')
		return 0;
	for (i = 0; i < n; i++)
		params[i] = arena_strndup(a, start[i], len[i]);
	*nparams = n;
	return 1;
}

static unsigned
accepted(unsigned methods)
{
	/* HEAD is GET without the body. */
	return (methods & HTTP_GET) ? methods | HTTP_HEAD : methods;
}

const struct route *
router_match(struct arena *a, unsigned method, const char *path,
    const char **params, size_t *nparams, unsigned *allowed)
{
	const struct route *tables[3];
	const struct route *rt;
	size_t t;

	tables[0] = builtin_routes;
	tables[1] = api_override != NULL ? api_override : api_routes;
	tables[2] = web_override != NULL ? web_override : web_routes;
	*allowed = 0;
	*nparams = 0;
	for (t = 0; t < 3; t++) {
		for (rt = tables[t]; rt->pattern != NULL; rt++) {
			if (!match(a, rt->pattern, path, params, nparams))
				continue;
			if (accepted(rt->methods) & method)
				return rt;
			*allowed |= accepted(rt->methods);
			*nparams = 0;
		}
	}
	return NULL;
}

const char *
router_allow(struct arena *a, unsigned methods)
{
	static const struct {
		unsigned	 bit;
		const char	*name;
	} names[] = {
		{ HTTP_GET, "GET" }, { HTTP_HEAD, "HEAD" },
		{ HTTP_POST, "POST" }, { HTTP_PUT, "PUT" },
		{ HTTP_PATCH, "PATCH" }, { HTTP_DELETE, "DELETE" },
	};
	struct buf b;
	const char *out;
	size_t i;

	buf_init(&b, 64);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(accepted(methods) & names[i].bit))
			continue;
		if (b.len)
			buf_adds(&b, ", ");
		buf_adds(&b, names[i].name);
	}
	out = arena_strdup(a, b.buf);
	buf_release(&b);
	return out;
}

const char *
req_query(const struct http_req *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nquery; i++)
		if (strcmp(r->query[i].key, name) == 0)
			return r->query[i].value;
	return NULL;
}

const char *
req_form(const struct http_req *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nform; i++)
		if (strcmp(r->form[i].key, name) == 0)
			return r->form[i].value;
	return NULL;
}

size_t
req_form_all(const struct http_req *r, const char *name, const char **out,
    size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < r->nform && n < max; i++)
		if (strcmp(r->form[i].key, name) == 0)
			out[n++] = r->form[i].value;
	return n;
}

const char *
req_header(const struct http_req *r, const char *name)
{
	if (r->conn == NULL)
		return NULL;
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *
req_cookie(const struct http_req *r, const char *name)
{
	if (r->conn == NULL)
		return NULL;
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

int64_t
req_param_id(const struct http_req *r, size_t i)
{
	const char *err;
	long long v;

	if (i >= r->nparams || r->params[i] == NULL)
		return -1;
	if (parse_int(r->params[i], 1, INT64_MAX, &v, &err) == -1)
		return -1;
	return (int64_t)v;
}
