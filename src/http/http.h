/*
 * http.h: lookout's HTTP layer over libmicrohttpd.
 *
 * The server buffers each request body (up to LIMIT_BODY_BYTES, else 413),
 * finds the route, authenticates, checks the role, decodes and validates
 * every parameter against the route's declarations, and only then calls
 * the handler. Nothing undeclared reaches a handler: an unknown query
 * parameter, form field or JSON member is refused with 400 naming it.
 *
 * Two kinds of route:
 *  - ROUTE_API: JSON in and out; errors are {"error","field"}; callers
 *    authenticate with "Authorization: Bearer TOKEN".
 *  - ROUTE_WEB: HTML forms in, HTML out; callers authenticate with the
 *    session cookie; every POST must carry the form field "csrf" equal to
 *    csrf_token(cookie), else 403. Anonymous visitors get a pre-session
 *    cookie so the login form has a CSRF token too.
 *
 * A handler fills struct http_resp and returns 0, or returns -1 for an
 * internal failure (the server answers 500 and logs the route). Handlers
 * allocate only from req->arena, which dies with the request.
 */
#ifndef LOOKOUT_HTTP_H
#define LOOKOUT_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/account.h"
#include "core/app.h"
#include "util/arena.h"
#include "util/buf.h"

enum http_method {
	HTTP_GET	= 1 << 0,
	HTTP_HEAD	= 1 << 1,
	HTTP_POST	= 1 << 2,
	HTTP_PUT	= 1 << 3,
	HTTP_PATCH	= 1 << 4,
	HTTP_DELETE	= 1 << 5,
};

enum route_kind { ROUTE_API, ROUTE_WEB, ROUTE_PLAIN };

/*
 * Parameter declarations. For ROUTE_API bodies the spec describes the
 * JSON object; for ROUTE_WEB bodies and for query strings it describes
 * form fields (all strings; F_LIST allows the field to repeat, as
 * checkboxes do). maxlen bounds a string's bytes (0: LIMIT_TEXT_BYTES);
 * for lists it bounds the item count (0: LIMIT_LIST_ITEMS). Strings must
 * be valid UTF-8 without control characters, except F_TEXT, which allows
 * newlines and tabs.
 *
 * validate, when set, is called on each present string value and returns
 * NULL when it is fine or an English message for the 400.
 */
enum field_type {
	F_STRING,	/* one-line text */
	F_TEXT,		/* multi-line text */
	F_INT,
	F_BOOL,
	F_LIST,		/* list of one-line strings */
	F_OBJECT,	/* nested object, described by sub */
	F_OBJECT_LIST,	/* list of objects, each described by sub */
};

struct field_spec {
	const char		*name;
	enum field_type		 type;
	int			 required;
	size_t			 maxlen;
	const struct field_spec	*sub;	/* F_OBJECT, F_OBJECT_LIST */
	const char		*(*validate)(const char *value);
};
/* Arrays of field_spec end with an entry whose name is NULL. */

struct kv {
	const char	*key;
	const char	*value;
};

#define ROUTE_MAX_PARAMS 4

struct http_req {
	struct arena		*arena;
	struct app		*app;
	struct store		*store;		/* held for the request */
	const struct route	*route;
	enum http_method	 method;
	const char		*path;
	const char		*params[ROUTE_MAX_PARAMS];	/* {x} in path */
	size_t			 nparams;
	struct kv		*query;
	size_t			 nquery;
	struct kv		*form;
	size_t			 nform;
	json_t			*json;		/* validated API body, or NULL;
						   the server's reference:
						   json_incref() it before
						   handing it to resp_json() */
	const char		*lang;		/* "en", "fr" or "zh-Hans" */
	struct auth		 auth;		/* user_id 0: anonymous */
	char			 csrf[TOKEN_CHARS + 1];	/* for forms */
	uint8_t			 client[16];	/* keyed digest of the peer
						   address: memory only */
	void			*conn;		/* MHD connection */
	const char		*raw_query;	/* as sent, for a route whose
						   query is http_query_raw;
						   NULL otherwise */
};

#define RESP_MAX_HEADERS 12

struct http_resp {
	int		 status;
	const char	*content_type;
	struct buf	 body;
	struct kv	 headers[RESP_MAX_HEADERS];
	size_t		 nheaders;
};

typedef int (*http_handler)(struct http_req *, struct http_resp *);

struct route {
	unsigned		 methods;	/* enum http_method bits */
	const char		*pattern;	/* "/api/v1/reports/{id}" */
	enum route_kind		 kind;
	unsigned		 roles;		/* enum role bits; 0: public */
	const struct field_spec	*query;		/* NULL: none allowed */
	const struct field_spec	*body;		/* NULL: no body allowed */
	http_handler		 handler;
	const char		*name;		/* metrics label */
};
/* Route tables end with an entry whose pattern is NULL. */
extern const struct route api_routes[];
extern const struct route web_routes[];

/* Request accessors; NULL when absent. */
const char	*req_query(const struct http_req *r, const char *name);
const char	*req_form(const struct http_req *r, const char *name);
/* All values of a repeated form field; returns the count. */
size_t		 req_form_all(const struct http_req *r, const char *name,
		    const char **out, size_t max);
const char	*req_header(const struct http_req *r, const char *name);
const char	*req_cookie(const struct http_req *r, const char *name);
/* The {x} path parameter i as a positive id; -1 when it is not one. */
int64_t		 req_param_id(const struct http_req *r, size_t i);

/* Response helpers. */
void	resp_header(struct http_resp *w, const char *name, const char *value);
/* Serialises j (and decrefs it) as the body. */
int	resp_json(struct http_resp *w, int status, json_t *j);
/* {"error": msg, "field": field} with status; field may be NULL. */
int	resp_error(struct http_resp *w, int status, const char *msg,
	    const char *field);
void	resp_redirect(struct http_resp *w, const char *location);	/* 303 */
/* Set-Cookie with HttpOnly; SameSite=Strict; Path=/ and Secure when TLS
 * is on. max_age 0 deletes the cookie. */
void	resp_cookie(struct http_req *r, struct http_resp *w, const char *name,
	    const char *value, long max_age);

/*
 * In-memory rate limiting: a fixed window of one minute per key. Keys are
 * hashed before they are kept, so even memory never holds a raw address
 * or name. Returns 0 when allowed, else -1 with *retry_after seconds.
 */
struct ratelimit;
struct ratelimit	*ratelimit_new(int per_minute);
void			 ratelimit_free(struct ratelimit *rl);
int			 ratelimit_hit(struct ratelimit *rl, const void *key,
			    size_t keylen, int *retry_after);
/* Does the key currently have budget left, without spending any? */
int			 ratelimit_check(struct ratelimit *rl, const void *key,
			    size_t keylen, int *retry_after);
/* Answer 429 with Retry-After (JSON or HTML by route kind). */
int			 resp_too_many(struct http_req *r, struct http_resp *w,
			    int retry_after);

/* Limiters shared by the handlers, created by http_server_open. */
extern struct ratelimit *rl_login_account;
extern struct ratelimit *rl_login_client;
extern struct ratelimit *rl_screen;
extern struct ratelimit *rl_help;	/* public help requests, per client */

/* Prometheus metrics: requests by route and status, latency histogram. */
void	metrics_observe(const char *route, int status, double seconds);
int	metrics_render(struct buf *out);
/* Add a source of further metrics: render appends complete families
 * (HELP, TYPE, samples) and is called, from any thread, on every
 * scrape. At most METRIC_SOURCES; set up at start, before serving. */
#define METRIC_SOURCES	8
int	metrics_add_source(int (*render)(struct buf *out));

/* Form and query decoding (application/x-www-form-urlencoded). Returns
 * the number of pairs, or -1 when malformed (bad escape, invalid UTF-8,
 * more than LIMIT_FORM_FIELDS). Decoded strings come from a. */
int	form_decode(struct arena *a, const char *s, size_t len,
	    struct kv **out);
/* A route whose query spec is this one is handed its query string undecoded,
 * in r->raw_query, and reads it with form_get_bytes(): an SMS gateway's
 * get-url sends bytes that are not UTF-8 (UCS-2 text). */
extern const struct field_spec http_query_raw[];
/* The first value of name in the query string qs, percent-decoded as
 * bytes (NUL-terminated, and possibly holding NULs) into *out from a:
 * 1 when found, 0 when absent, -1 when the string is malformed. At
 * most LIMIT_URL_BYTES are read. */
int	form_get_bytes(struct arena *a, const char *qs, const char *name,
	    char **out, size_t *len);
/* Validate decoded pairs against spec: 0, or an HTTP status with *field
 * and *msg set. */
int	form_validate(const struct kv *kv, size_t n,
	    const struct field_spec *spec, const char **field,
	    const char **msg);
/* Parse and validate a JSON body against spec: 0 with *out, or an HTTP
 * status (400 or 413) with *field (may be NULL) and *msg. */
int	json_decode_body(struct arena *a, const char *body, size_t len,
	    const struct field_spec *spec, json_t **out, const char **field,
	    const char **msg);

/* Server lifecycle. http_server_start() returns -1 with a message on
 * stderr when the address cannot be bound (for example already in use).
 * http_server_stop() stops accepting, finishes the requests in flight
 * and returns. */
struct http_server;
struct http_server	*http_server_start(struct app *app, const char *host,
			    int port);
/* HTTPS instead of HTTP: the certificate chain and the private key as
 * PEM text (NUL-terminated). Only TLS 1.2 and 1.3 are offered. Both
 * strings must stay valid until http_server_stop(); the caller wipes the
 * key after. */
struct http_tls {
	const char	*cert_pem;
	const char	*key_pem;
};
struct http_server	*http_server_start_tls(struct app *app,
			    const char *host, int port,
			    const struct http_tls *tls);
/* The same in two steps, for a server that sandboxes itself in between:
 * http_server_open() binds the socket (as root, for a low port) and
 * starts nothing, so no connection is accepted; the kernel queues them
 * until http_server_run() starts serving. http_server_stop() undoes
 * either. */
struct http_server	*http_server_open(struct app *app, const char *host,
			    int port);
int			 http_server_run(struct http_server *srv,
			    const struct http_tls *tls);
void			 http_server_stop(struct http_server *srv);
/* The port actually bound (useful when 0 was asked for). */
int			 http_server_port(const struct http_server *srv);

#endif
