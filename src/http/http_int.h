/*
 * http_int.h: what the files of src/http share with each other and with
 * tests/unit/test_http.c, and nothing above this layer should use.
 */
#ifndef LOOKOUT_HTTP_INT_H
#define LOOKOUT_HTTP_INT_H

#include <stddef.h>

#include "http/http.h"

/* Messages of the API's security-relevant refusals, shared by the
 * pipeline and the tests. Web pages show web.h's WEB_MSG_* instead. */
#define MSG_CSRF_API	"the form's csrf field is missing or out of date"
#define MSG_SIGN_IN	"sign in first: send Authorization: Bearer TOKEN " \
			"from POST /api/v1/login"
#define MSG_ROLE_API	"your account's role cannot do this"
#define MSG_INTERNAL	"internal error; the request was not completed"

#define COOKIE_SESSION	"lk_session"
#define COOKIE_PRE	"lk_pre"
#define COOKIE_LANG	"lk_lang"
#define LANG_COOKIE_AGE	(365L * 24 * 3600)

/*
 * The server matches the built-in routes (/healthz, /metrics), then
 * api_routes[], then web_routes[]. router_match() finds the route for
 * (method, path) and fills params (copied into a); without one it
 * returns NULL with *allowed set to the methods the path does accept
 * (0: unknown path, answer 404).
 */
const struct route *router_match(struct arena *a, unsigned method,
		    const char *path, const char **params, size_t *nparams,
		    unsigned *allowed);
/* "GET, HEAD, POST" for an Allow header, from method bits. */
const char	*router_allow(struct arena *a, unsigned methods);
/* For tests/unit/test_http.c: match these tables instead of api_routes[]
 * and web_routes[] (NULL: the real one). Set before a server starts. */
void		 http_routes_set(const struct route *api,
		    const struct route *web);

/*
 * Check one string value against its declaration: length, UTF-8, control
 * characters and the route's validator. name is the field's full name for
 * the message. Returns NULL when fine, else the message (from a).
 */
const char	*field_check_string(struct arena *a, const struct field_spec *f,
		    const char *name, const char *s, size_t len, size_t maxlen);

/*
 * form_validate() with the noun used in messages ("field" or "query
 * parameter") and a name the caller allows implicitly (the web layer's
 * "csrf" and "lang"), which is neither checked nor reported as unknown.
 */
int	form_validate_as(struct arena *a, const struct kv *kv, size_t n,
	    const struct field_spec *spec, const char *noun,
	    const char *implicit, const char **field, const char **msg);

/* Does the request get JSON errors? Its route's kind decides; without a
 * route, a path under /api/ does. */
int	req_is_api(const struct http_req *r);

/* Authenticate r by its route's kind (bearer token or session cookie),
 * fill r->auth and r->csrf, and set any cookie the visitor needs on w.
 * Returns 0, or the status to answer (503 when the store is busy). */
int	http_authenticate(struct http_req *r, struct http_resp *w);

/* The security headers every response carries, for the server and the
 * tests. */
struct sec_header {
	const char	*name;
	const char	*value;
};
extern const struct sec_header http_sec_headers[];

/* A limiter holding at most max_keys keys (ratelimit_new() holds
 * LIMIT_RATE_KEYS), and how many it holds now: for the tests. */
struct ratelimit *ratelimit_new_cap(int per_minute, size_t max_keys);
size_t		 ratelimit_count(struct ratelimit *rl);

/* Lazily create the shared limiters; http_limits_free() drops them. */
void	http_limits_init(void);
void	http_limits_free(void);
/* Change a limiter's budget (the config's screen_per_minute, applied to
 * rl_screen when the server starts). */
void	ratelimit_set_rate(struct ratelimit *rl, int per_minute);

/*
 * gzip.c. http_gzip_resp() compresses w's body in place, when its type
 * is text (http_gzip_type) and it is over GZIP_MIN_BYTES, if r's
 * Accept-Encoding takes gzip; it adds Vary: Accept-Encoding to every such
 * response and Content-Encoding: gzip when it compressed. default_type is
 * the type the server sends when w sets none. The server calls it once,
 * right before the response goes to libmicrohttpd.
 */
#define GZIP_MIN_BYTES	512
void	http_gzip_resp(struct http_req *r, struct http_resp *w,
	    const char *default_type);
/* Does an Accept-Encoding value take gzip (q > 0)? NULL: no. */
int	http_gzip_accepted(const char *accept_encoding);
/* Is a Content-Type one of the text types worth compressing? */
int	http_gzip_type(const char *content_type);
/* Append in, gzipped, to out; -1 when zlib fails or out's cap is hit. */
int	http_gzip(const void *in, size_t len, struct buf *out);

#endif
