/*
 * web_fixture.h: pages rendered without a server, for the web unit
 * tests: a request as the HTTP layer would hand it to a handler, and
 * the response the handler writes.
 *
 * Every function fails the running cmocka test rather than return an
 * error. The names are linked only into the unit tests.
 */
#ifndef LOOKOUT_TESTS_WEB_FIXTURE_H
#define LOOKOUT_TESTS_WEB_FIXTURE_H

#include "http/http.h"
#include "util/arena.h"

/* A request and its response; q is room for a test's query string. */
struct page {
	struct arena		a;
	struct http_req		r;
	struct http_resp	w;
	struct kv		q[2];
};

/* The web route for pattern that takes method. */
const struct route	*page_route(const char *pattern, unsigned method);
/* A request for path in lang with no method, CSRF token or user: only
 * what a handler called directly reads. page_release frees it. */
void	page_init_bare(struct page *p, const char *path, const char *lang);
/* A GET of path in lang with a CSRF token, signed in as user 42 with
 * role unless role is 0. page_release frees what it holds. */
void	page_init(struct page *p, const char *path, const char *lang,
	    int role);
/* Hand the request to pattern's GET handler, which must succeed. */
void	page_render(struct page *p, const char *pattern);
void	page_release(struct page *p);

/* Fail the test unless msgid has a French and a Simplified Chinese
 * translation. */
void	assert_translated(const char *msgid);

#endif
