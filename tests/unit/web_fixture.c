/*
 * web_fixture.c: pages rendered without a server (web_fixture.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "http/http.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/i18n.h"
#include "util/banned.h"

#include "web_fixture.h"

static const char *const other_langs[] = { "fr", "zh-Hans", NULL };

const struct route *
page_route(const char *pattern, unsigned method)
{
	const struct route *rt;

	for (rt = web_routes; rt->pattern != NULL; rt++)
		if (strcmp(rt->pattern, pattern) == 0 && (rt->methods & method))
			return rt;
	fail_msg("no web route %s", pattern);
	return NULL;
}

void
page_init_bare(struct page *p, const char *path, const char *lang)
{
	memset(p, 0, sizeof(*p));
	arena_init(&p->a);
	buf_init(&p->w.body, BUF_CAP_PAGE);
	p->r.arena = &p->a;
	p->r.path = path;
	p->r.lang = lang;
}

void
page_init(struct page *p, const char *path, const char *lang, int role)
{
	page_init_bare(p, path, lang);
	p->r.method = HTTP_GET;
	snprintf(p->r.csrf, sizeof(p->r.csrf), "%s",
	    "csrf-token-0123456789-abcdefghijklmnopqrstu");
	if (role != 0) {
		p->r.auth.user_id = 42;
		p->r.auth.role = role;
	}
}

void
page_render(struct page *p, const char *pattern)
{
	p->r.route = page_route(pattern, HTTP_GET);
	assert_int_equal(p->r.route->handler(&p->r, &p->w), 0);
}

void
page_release(struct page *p)
{
	buf_release(&p->w.body);
	arena_release(&p->a);
}

/* tr() hands back msgid itself when a catalog has no entry, and a
 * pointer into the catalog when it has one, even one spelled the same
 * ("Violence"). */
void
assert_translated(const char *msgid)
{
	size_t i;

	assert_non_null(msgid);
	for (i = 0; other_langs[i] != NULL; i++)
		if (tr(other_langs[i], msgid) == msgid)
			fail_msg("no %s translation of \"%s\" (run po/update.sh "
			    "and translate it)", other_langs[i], msgid);
}
