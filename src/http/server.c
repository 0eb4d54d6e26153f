/*
 * server.c: the libmicrohttpd daemon and the request pipeline.
 *
 * Every request walks the same steps, and any of them may answer
 * instead of the handler: size limits, path, query, route, method,
 * store, authentication, role, body, CSRF, validation, handler. The
 * pipeline owns the exchange's memory (one arena, one body buffer);
 * the handler only fills struct http_resp.
 *
 * The client's address is never kept: a request sees only a keyed
 * digest of it (for rate limits), under a key that lives in this
 * process's memory and dies with it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <sodium.h>

#include "core/account.h"
#include "crypto/seal.h"
#include "http/header.h"
#include "http/http.h"
#include "http/http_int.h"
#include "store/store.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/parse.h"
#include "util/xalloc.h"
#include "web/web.h"
#include "util/banned.h"

/* libmicrohttpd keeps the request line, the headers and its read buffer
 * in one pool per connection; headers past it are answered 431 by
 * libmicrohttpd itself, and we check LIMIT_HEADER_BYTES exactly. It
 * zeroes the whole pool for every request on a connection, a cost that
 * grows with its size: twice the largest request head leaves room for
 * the header list and the response's head (a 16 KB pool still takes the
 * largest one; tests/integration/test_http_basics.py). */
#define CONN_MEMORY	(2 * (LIMIT_HEADER_BYTES + LIMIT_URL_BYTES))
#define RESP_BODY_CAP	BUF_CAP_LARGE
/* A body without a Content-Length that passes LIMIT_BODY_BYTES is read
 * and dropped up to this much more, so the client can still get its 413;
 * past it the connection is closed. */
#define DROP_BODY_BYTES	(4 * LIMIT_BODY_BYTES)

struct http_server {
	struct MHD_Daemon	*mhd;
	struct app		*app;
	int			 fd;
	int			 port;
};

/* One request and its answer, from the URI callback to the completion
 * callback. */
struct exchange {
	struct arena	 arena;
	struct buf	 body;
	const char	*uri;		/* raw target, cut at LIMIT_URL_BYTES */
	int		 uri_too_long;
	int		 started;	/* the handler saw the headers */
	int		 too_large;	/* the body passed LIMIT_BODY_BYTES */
	size_t		 dropped;	/* body bytes read past it */
	int		 answered;
	int		 status;
	const char	*route;		/* metrics and log label */
	const char	*method;	/* log label */
	json_t		*json;
	struct timespec	 t0;
};

static uint8_t client_key[crypto_generichash_KEYBYTES];
static pthread_once_t client_key_once = PTHREAD_ONCE_INIT;

static void
client_key_init(void)
{
	randombytes_buf(client_key, sizeof(client_key));
}

static void
client_digest(struct MHD_Connection *conn, uint8_t out[16])
{
	const union MHD_ConnectionInfo *ci;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	const void *p = "";
	size_t n = 0;

	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci != NULL && ci->client_addr != NULL) {
		if (ci->client_addr->sa_family == AF_INET) {
			memcpy(&sin, ci->client_addr, sizeof(sin));
			p = &sin.sin_addr;
			n = sizeof(sin.sin_addr);
		} else if (ci->client_addr->sa_family == AF_INET6) {
			memcpy(&sin6, ci->client_addr, sizeof(sin6));
			p = &sin6.sin6_addr;
			n = sizeof(sin6.sin6_addr);
		}
	}
	crypto_generichash(out, 16, p, n, client_key, sizeof(client_key));
	sodium_memzero(&sin, sizeof(sin));
	sodium_memzero(&sin6, sizeof(sin6));
}

static const struct {
	const char	*name;
	unsigned	 bit;
} methods[] = {
	{ "GET", HTTP_GET }, { "HEAD", HTTP_HEAD }, { "POST", HTTP_POST },
	{ "PUT", HTTP_PUT }, { "PATCH", HTTP_PATCH },
	{ "DELETE", HTTP_DELETE },
};

static unsigned
method_bit(const char *m, const char **label)
{
	size_t i;

	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		if (strcmp(m, methods[i].name) == 0) {
			*label = methods[i].name;
			return methods[i].bit;
		}
	}
	*label = "other";
	return 0;
}

static double
elapsed(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	    (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static const char *
default_type(const struct http_req *r)
{
	if (req_is_api(r))
		return "application/json";
	if (r->route != NULL && r->route->kind == ROUTE_PLAIN)
		return "text/plain; charset=utf-8";
	return "text/html; charset=utf-8";
}

/*
 * Answer an error in the request's kind: JSON {"error","field"} for the
 * API, an HTML page for the web (web_msg is its msgid), text for the
 * built-in routes. Headers already set (cookies, Allow) stay.
 */
static void
fail2(struct http_req *r, struct http_resp *w, int status,
    const char *api_msg, const char *web_msg, const char *field)
{
	buf_reset(&w->body);
	w->content_type = NULL;
	if (req_is_api(r)) {
		if (resp_error(w, status, api_msg, field) == 0)
			return;
	} else if (r->route == NULL || r->route->kind == ROUTE_WEB) {
		if (web_error(r, w, status, web_msg) == 0 && !w->body.overflow) {
			w->status = status;
			return;
		}
	}
	buf_reset(&w->body);
	w->status = status;
	w->content_type = "text/plain; charset=utf-8";
	buf_adds(&w->body, api_msg);
	buf_addch(&w->body, '\n');
}

/* The API answers msg; a web page, the general message for status. */
static void
fail(struct http_req *r, struct http_resp *w, int status, const char *msg,
    const char *field)
{
	fail2(r, w, status, msg, web_status_msgid(status), field);
}

static void
fail_status(struct http_req *r, struct http_resp *w, int status)
{
	switch (status) {
	case 413:
		fail(r, w, 413, arena_printf(r->arena, "request body is larger "
		    "than %d bytes", LIMIT_BODY_BYTES), NULL);
		break;
	case 414:
		fail(r, w, 414, arena_printf(r->arena, "request target is "
		    "longer than %d bytes", LIMIT_URL_BYTES), NULL);
		break;
	case 431:
		fail(r, w, 431, arena_printf(r->arena, "request headers are "
		    "larger than %d bytes", LIMIT_HEADER_BYTES), NULL);
		break;
	case 503:
		fail(r, w, 503, "the service is busy; try again in a minute",
		    NULL);
		break;
	default:
		fail(r, w, 500, MSG_INTERNAL, NULL);
		break;
	}
}

static int
has_header(const struct http_resp *w, const char *name)
{
	size_t i;

	for (i = 0; i < w->nheaders; i++)
		if (strcasecmp(w->headers[i].key, name) == 0)
			return 1;
	return 0;
}

static enum MHD_Result
queue(struct MHD_Connection *conn, struct exchange *x, struct http_req *r,
    struct http_resp *w)
{
	static char empty[1];
	const struct sec_header *h;
	struct MHD_Response *resp;
	enum MHD_Result rc;
	size_t i;

	if (w->status < 100 || w->status > 599)
		w->status = 200;
	http_gzip_resp(r, w, default_type(r));
	resp = MHD_create_response_from_buffer(w->body.len,
	    w->body.len ? w->body.buf : empty, MHD_RESPMEM_MUST_COPY);
	buf_wipe(&w->body);
	if (resp == NULL) {
		log_error("cannot allocate a response: out of memory");
		return MHD_NO;
	}
	if (!has_header(w, "Content-Type"))
		MHD_add_response_header(resp, "Content-Type",
		    w->content_type ? w->content_type : default_type(r));
	for (h = http_sec_headers; h->name != NULL; h++)
		if (!has_header(w, h->name))
			MHD_add_response_header(resp, h->name, h->value);
	for (i = 0; i < w->nheaders; i++)
		if (MHD_add_response_header(resp, w->headers[i].key,
		    w->headers[i].value) == MHD_NO)
			log_warn("route %s: header '%s' refused by "
			    "libmicrohttpd", x->route, w->headers[i].key);
	rc = MHD_queue_response(conn, (unsigned)w->status, resp);
	MHD_destroy_response(resp);
	x->answered = 1;
	x->status = w->status;
	return rc;
}

static void
req_init(struct http_req *r, struct http_server *srv,
    struct MHD_Connection *conn, struct exchange *x)
{
	const char *q;

	memset(r, 0, sizeof(*r));
	r->arena = &x->arena;
	r->app = srv->app;
	r->conn = conn;
	r->path = x->uri;
	if (x->uri != NULL && (q = strchr(x->uri, '?')) != NULL)
		r->path = arena_strndup(&x->arena, x->uri,
		    (size_t)(q - x->uri));
	client_digest(conn, r->client);
	r->lang = lang_negotiate(NULL, req_cookie(r, COOKIE_LANG),
	    req_header(r, "Accept-Language"));
}

static void
resp_init(struct http_resp *w)
{
	memset(w, 0, sizeof(*w));
	buf_init(&w->body, RESP_BODY_CAP);
}

/* Answer before the body is read (or instead of reading the rest). */
static enum MHD_Result
answer_early(struct http_server *srv, struct MHD_Connection *conn,
    struct exchange *x, int status)
{
	struct http_req r;
	struct http_resp w;

	req_init(&r, srv, conn, x);
	resp_init(&w);
	fail_status(&r, &w, status);
	return queue(conn, x, &r, &w);
}

/* The body through CSRF and validation, by the route's kind. */
static void
check_body(struct http_req *r, struct http_resp *w, struct exchange *x)
{
	const struct route *rt = r->route;
	const char *field, *msg, *csrf;
	int st, n;

	/* A route's body declaration is for the methods that carry one: a
	 * GET of a GET|POST route brings none and needs none. */
	if (r->method == HTTP_GET && x->body.len == 0)
		return;
	if (rt->kind == ROUTE_API && rt->body != NULL) {
		if (x->body.len && !http_media_is(req_header(r, "Content-Type"),
		    "application/json")) {
			fail(r, w, 415, "Content-Type must be application/json",
			    NULL);
			return;
		}
		st = json_decode_body(r->arena, x->body.buf, x->body.len,
		    rt->body, &r->json, &field, &msg);
		x->json = r->json;
		if (st != 0)
			fail(r, w, st, msg, field);
		return;
	}
	if (rt->kind != ROUTE_WEB) {
		if (x->body.len)
			fail(r, w, 400, "this request takes no body", NULL);
		return;
	}
	if (x->body.len) {
		if (!http_media_is(req_header(r, "Content-Type"),
		    "application/x-www-form-urlencoded")) {
			fail(r, w, 415, "Content-Type must be "
			    "application/x-www-form-urlencoded", NULL);
			return;
		}
		n = form_decode(r->arena, x->body.buf, x->body.len, &r->form);
		if (n < 0) {
			fail(r, w, 400, "the form data is malformed", NULL);
			return;
		}
		r->nform = (size_t)n;
	}
	/* A web route only changes anything by POST (or the other
	 * unsafe methods), and only from our own forms. */
	if (r->method != HTTP_GET) {
		csrf = req_form(r, "csrf");
		if (csrf == NULL || r->csrf[0] == '\0' ||
		    !token_equal(csrf, r->csrf)) {
			fail2(r, w, 403, MSG_CSRF_API, WEB_MSG_CSRF, NULL);
			return;
		}
	}
	st = form_validate_as(r->arena, r->form, r->nform, rt->body, "field",
	    "csrf", &field, &msg);
	if (st != 0)
		fail(r, w, st, msg, field);
}

static void
serve(struct http_server *srv, struct MHD_Connection *conn,
    struct exchange *x, const char *method, struct http_req *r,
    struct http_resp *w)
{
	struct store_pool *pool = srv->app ? srv->app->pool : NULL;
	const struct route *rt;
	const char *qs, *field, *msg, *lang, *label;
	unsigned bit, allowed;
	size_t keep;
	int st, n, web_get;

	bit = method_bit(method, &label);
	if (r->path == NULL || r->path[0] != '/') {
		fail(r, w, 400, "the request target must be a path", NULL);
		return;
	}
	if (strchr(r->path, '%') != NULL) {
		fail(r, w, 400, "percent-escapes are not accepted in paths",
		    NULL);
		return;
	}
	if (!text_valid(r->path, strlen(r->path), 0)) {
		fail(r, w, 400, "the path is not valid UTF-8 text", NULL);
		return;
	}
	qs = strchr(x->uri, '?');
	rt = router_match(r->arena, bit, r->path, r->params, &r->nparams,
	    &allowed);
	if (qs != NULL && rt != NULL && rt->query == http_query_raw) {
		r->raw_query = qs + 1;
	} else if (qs != NULL) {
		n = form_decode(r->arena, qs + 1, strlen(qs + 1), &r->query);
		if (n < 0) {
			fail(r, w, 400, "the query string is malformed", NULL);
			return;
		}
		r->nquery = (size_t)n;
	}
	if (rt == NULL) {
		if (allowed) {
			resp_header(w, "Allow", router_allow(r->arena,
			    allowed));
			fail(r, w, 405, arena_printf(r->arena, "%s is not "
			    "allowed here; use %s", bit ? label : "this method",
			    router_allow(r->arena, allowed)), NULL);
		} else {
			fail(r, w, 404, "no such resource", NULL);
		}
		return;
	}
	r->route = rt;
	x->route = rt->name != NULL ? rt->name : rt->pattern;
	r->method = bit == HTTP_HEAD ? HTTP_GET : bit;

	web_get = rt->kind == ROUTE_WEB && r->method == HTTP_GET;
	if (web_get && (lang = req_query(r, "lang")) != NULL) {
		r->lang = lang_negotiate(lang, req_cookie(r, COOKIE_LANG),
		    req_header(r, "Accept-Language"));
		resp_cookie(r, w, COOKIE_LANG, r->lang, LANG_COOKIE_AGE);
	}
	st = form_validate_as(r->arena, r->query, r->nquery, rt->query,
	    "query parameter", web_get ? "lang" : NULL, &field, &msg);
	if (st != 0) {
		fail(r, w, st, msg, field);
		return;
	}

	if (rt->kind != ROUTE_PLAIN && pool != NULL)
		r->store = store_acquire(pool);
	if ((st = http_authenticate(r, w)) != 0) {
		fail_status(r, w, st);
		goto out;
	}
	if (rt->roles != 0 && r->auth.user_id == 0) {
		if (rt->kind == ROUTE_WEB)
			resp_redirect(w, "/login");
		else
			fail(r, w, 401, MSG_SIGN_IN, NULL);
		goto out;
	}
	if (rt->roles != 0 && (rt->roles & (unsigned)r->auth.role) == 0) {
		fail(r, w, 403, MSG_ROLE_API, NULL);
		goto out;
	}
	check_body(r, w, x);
	if (w->status != 0)
		goto out;

	keep = w->nheaders;
	w->status = 200;
	if (rt->handler(r, w) == -1 || w->body.overflow) {
		log_error("route %s: the handler failed; answered 500",
		    x->route);
		/* Keep the pipeline's cookies, drop the handler's work. */
		w->nheaders = keep;
		fail_status(r, w, 500);
	}
out:
	if (r->store != NULL) {
		store_release(pool, r->store);
		r->store = NULL;
	}
}

static enum MHD_Result
count_header(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	size_t *total = cls;

	*total += strlen(key) + (value ? strlen(value) : 0) + 4;
	return MHD_YES;
}

static int
early_status(struct MHD_Connection *conn, struct exchange *x)
{
	const char *cl, *err = NULL;
	size_t total = 0;
	long long v;

	if (x->uri_too_long)
		return 414;
	MHD_get_connection_values(conn, MHD_HEADER_KIND, count_header,
	    &total);
	if (total > LIMIT_HEADER_BYTES)
		return 431;
	cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl != NULL && ((parse_int(cl, 0, LLONG_MAX, &v, &err) == 0 &&
	    v > LIMIT_BODY_BYTES) || (err != NULL &&
	    strcmp(err, "too large") == 0)))
		return 413;
	return 0;
}

static struct exchange *
exchange_new(const char *uri)
{
	struct exchange *x = xcalloc(1, sizeof(*x));

	clock_gettime(CLOCK_MONOTONIC, &x->t0);
	arena_init(&x->arena);
	buf_init(&x->body, LIMIT_BODY_BYTES);
	x->route = "unmatched";
	x->method = "other";
	x->uri_too_long = strlen(uri) > LIMIT_URL_BYTES;
	x->uri = arena_strndup(&x->arena, uri, LIMIT_URL_BYTES);
	return x;
}

static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	/* The raw target, before libmicrohttpd decodes it: the path keeps
	 * its '%' (which we refuse) and the query is decoded by us. */
	return exchange_new(uri);
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct http_server *srv = cls;
	struct exchange *x = *con_cls;
	struct http_req r;
	struct http_resp w;
	enum MHD_Result rc;
	int st;

	if (x == NULL) {
		x = exchange_new(url);
		*con_cls = x;
	}
	if (!x->started) {
		x->started = 1;
		method_bit(method, &x->method);
		if ((st = early_status(conn, x)) != 0)
			return answer_early(srv, conn, x, st);
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		if (!x->too_large && buf_add(&x->body, upload_data,
		    *upload_data_size) == -1) {
			/* Stop buffering. libmicrohttpd 0.9.75 cannot queue
			 * an answer while a body is arriving, so the rest is
			 * read and dropped and the 413 goes out at its end;
			 * a body that will not end is cut off. */
			x->too_large = 1;
			buf_wipe(&x->body);
		}
		if (x->too_large) {
			x->dropped += *upload_data_size;
			if (x->dropped > DROP_BODY_BYTES) {
				log_debug("%s: a body past %d bytes; connection "
				    "closed", x->method, DROP_BODY_BYTES);
				return MHD_NO;
			}
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (x->answered)
		return MHD_YES;
	if (x->too_large)
		return answer_early(srv, conn, x, 413);

	req_init(&r, srv, conn, x);
	resp_init(&w);
	serve(srv, conn, x, method, &r, &w);
	rc = queue(conn, x, &r, &w);
	return rc;
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct exchange *x = *con_cls;
	double t;

	if (x == NULL)
		return;
	if (x->answered) {
		t = elapsed(&x->t0);
		metrics_observe(x->route, x->status, t);
		/* Never the target, the query, a token or an address. */
		log_debug("%s %s %d %.3fs", x->method, x->route, x->status, t);
	}
	json_decref(x->json);
	buf_wipe(&x->body);
	arena_release(&x->arena);
	free(x);
	*con_cls = NULL;
}

static void
on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	/* Only the format: its arguments can hold a request's path. */
	log_debug("libmicrohttpd: %s", fmt);
}

static int
bind_listen(const char *host, int port, int *bound)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	const char *ip = host, *hint = "";
	int fd = -1, one = 1;

	if (port < 0 || port > 65535) {
		fprintf(stderr, "lookout: cannot listen on %s:%d: the port "
		    "must be between 0 and 65535\n", host, port);
		return -1;
	}
	if (strcmp(host, "localhost") == 0)
		ip = "127.0.0.1";
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, ip, &sin.sin_addr) != 1) {
		fprintf(stderr, "lookout: cannot listen on %s:%d: '%s' is not "
		    "an IPv4 address (use for example 127.0.0.1, or 0.0.0.0 "
		    "for every interface)\n", host, port, host);
		return -1;
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1) {
		fprintf(stderr, "lookout: cannot listen on %s:%d: %s\n", host,
		    port, strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, SOMAXCONN) == -1) {
		if (errno == EADDRINUSE)
			hint = " (is another lookout running? choose another "
			    "port with --listen)";
		else if (errno == EACCES)
			hint = " (ports below 1024 need privileges; choose "
			    "another port with --listen)";
		else if (errno == EADDRNOTAVAIL)
			hint = " (no interface has that address; try "
			    "127.0.0.1 or 0.0.0.0)";
		fprintf(stderr, "lookout: cannot listen on %s:%d: %s%s\n",
		    host, port, strerror(errno), hint);
		close(fd);
		return -1;
	}
	if (getsockname(fd, (struct sockaddr *)&sin, &len) == -1) {
		fprintf(stderr, "lookout: cannot listen on %s:%d: %s\n", host,
		    port, strerror(errno));
		close(fd);
		return -1;
	}
	*bound = ntohs(sin.sin_port);
	return fd;
}

/* GnuTLS priorities: its defaults, without anything older than TLS 1.2. */
#define TLS_PRIORITIES	"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

struct http_server *
http_server_start(struct app *app, const char *host, int port)
{
	return http_server_start_tls(app, host, port, NULL);
}

struct http_server *
http_server_start_tls(struct app *app, const char *host, int port,
    const struct http_tls *tls)
{
	struct http_server *srv;

	if ((srv = http_server_open(app, host, port)) == NULL)
		return NULL;
	if (http_server_run(srv, tls) == -1) {
		http_server_stop(srv);
		return NULL;
	}
	return srv;
}

struct http_server *
http_server_open(struct app *app, const char *host, int port)
{
	struct http_server *srv;
	int fd, bound = 0;

	if (sodium_init() < 0) {
		fprintf(stderr, "lookout: libsodium cannot start\n");
		return NULL;
	}
	pthread_once(&client_key_once, client_key_init);
	if ((fd = bind_listen(host, port, &bound)) == -1)
		return NULL;
	srv = xcalloc(1, sizeof(*srv));
	srv->app = app;
	srv->fd = fd;
	srv->port = bound;
	http_limits_init();
	if (app->cfg.screen_per_minute > 0)
		ratelimit_set_rate(rl_screen, app->cfg.screen_per_minute);
	return srv;
}

int
http_server_run(struct http_server *srv, const struct http_tls *tls)
{
	unsigned threads = LIMIT_THREADS < 2 ? 2 : LIMIT_THREADS;
	/* TURBO: read, write and accept before asking epoll, which saves
	 * a wake-up and a system call on most keep-alive requests. */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	    MHD_USE_TURBO | MHD_USE_ITC | MHD_USE_ERROR_LOG;
	struct MHD_OptionItem no_opts[] = {
		{ MHD_OPTION_END, 0, NULL },
	};
	struct MHD_OptionItem tls_opts[] = {
		{ MHD_OPTION_HTTPS_MEM_CERT, 0,
		    tls != NULL ? (void *)tls->cert_pem : NULL },
		{ MHD_OPTION_HTTPS_MEM_KEY, 0,
		    tls != NULL ? (void *)tls->key_pem : NULL },
		{ MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)TLS_PRIORITIES },
		{ MHD_OPTION_END, 0, NULL },
	};

	if (tls != NULL) {
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
			fprintf(stderr, "lookout: cannot serve TLS: this "
			    "libmicrohttpd is built without it (serve plain "
			    "HTTP behind a reverse proxy instead)\n");
			return -1;
		}
		flags |= MHD_USE_TLS;
	}
	srv->mhd = MHD_start_daemon(flags, 0, NULL, NULL,
	    on_request, srv,
	    MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
	    MHD_OPTION_LISTEN_SOCKET, srv->fd,
	    MHD_OPTION_THREAD_POOL_SIZE, threads,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)LIMIT_CONNECTIONS,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)LIMIT_CONN_TIMEOUT,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY,
	    MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
	    MHD_OPTION_ARRAY, tls != NULL ? tls_opts : no_opts,
	    MHD_OPTION_END);
	if (srv->mhd == NULL) {
		if (tls != NULL)
			fprintf(stderr, "lookout: cannot start the HTTPS "
			    "server on port %d: check that --tls-cert and "
			    "--tls-key are PEM files and that the key "
			    "belongs to the certificate\n", srv->port);
		else
			fprintf(stderr, "lookout: cannot start the HTTP server "
			    "on port %d (out of memory or threads?)\n",
			    srv->port);
		return -1;
	}
	return 0;
}

int
http_server_port(const struct http_server *srv)
{
	return srv->port;
}

void
http_server_stop(struct http_server *srv)
{
	if (srv == NULL)
		return;
	/*
	 * libmicrohttpd stops accepting, lets the handlers running finish,
	 * and closes the listening socket it was given. No quiesce first:
	 * in 0.9.75 quiescing a thread pool races each worker to take the
	 * socket out of its epoll set, and the loser aborts the process.
	 */
	if (srv->mhd != NULL)
		MHD_stop_daemon(srv->mhd);
	else
		close(srv->fd);
	http_limits_free();
	free(srv);
}
