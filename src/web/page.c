/*
 * page.c: the frame around every HTML page.
 *
 * The quick-exit link comes first in the body so it is the first thing a
 * keyboard, a screen reader or a hurried thumb reaches. Pages carry no
 * inline script or style (the CSP forbids both): behaviour and looks come
 * from /static/lookout.js and /static/lookout.css only, and the pages
 * work without the script.
 */
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "web/i18n_internal.h"
#include "web/web.h"
#include "web/web_internal.h"
#include "util/banned.h"

/* Where "Quick exit" goes: a neutral page that looks like an everyday
 * search, and that leaves the site without a referrer. */
#define QUICK_EXIT_URL	"https://www.google.com/search?q=weather"

#define PATH_SAFE_MAX	256

/*
 * The path the language links point back to. On a 404 the path is
 * whatever the visitor sent, so anything that is not a plain local path
 * ("//elsewhere", odd characters) becomes "/": a page of ours must never
 * link off-site.
 */
static const char *
safe_path(const char *p)
{
	size_t i;

	if (p == NULL || p[0] != '/' || p[1] == '/')
		return "/";
	for (i = 0; p[i] != '\0'; i++) {
		char c = p[i];

		if (i >= PATH_SAFE_MAX)
			return "/";
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '/' || c == '-' ||
		    c == '_' || c == '.'))
			return "/";
	}
	return p;
}

static void
lang_switch(struct buf *b, const char *lang, const char *path)
{
	size_t i;

	html_printf(b, lang, "<nav class=langs aria-label=\"%t\"><ul>",
	    N_("Language"));
	for (i = 0; langs[i] != NULL; i++) {
		const char *code = langs[i];

		/* Each name is tagged with its own language so a screen
		 * reader pronounces it right. */
		html_printf(b, lang, "<li><a href=\"%s?lang=%s\" lang=\"%s\" "
		    "hreflang=\"%s\"%R>%s</a></li>", path, code, code, code,
		    strcmp(code, lang) == 0 ? " aria-current=true" : "",
		    lang_native_name(code));
	}
	buf_adds(b, "</ul></nav>\n");
}

static void
menu(struct http_req *r, struct buf *b, const char *lang)
{
	html_printf(b, lang, "<nav class=menu aria-label=\"%t\"><ul>",
	    N_("Menu"));
	if (r->auth.user_id != 0) {
		html_printf(b, lang, "<li><a href=/home>%t</a></li>"
		    "<li><form method=post action=/logout>"
		    "<input type=hidden name=csrf value=\"%s\">"
		    "<button type=submit class=link>%t</button>"
		    "</form></li>", N_("Home"), r->csrf, N_("Sign out"));
	} else {
		html_printf(b, lang, "<li><a href=/help>%t</a></li>"
		    "<li><a href=/login>%t</a></li>", N_("Get help"),
		    N_("Sign in"));
	}
	buf_adds(b, "</ul></nav>\n");
}

static int
lang_cookie_set(const struct http_resp *w)
{
	size_t i;

	for (i = 0; i < w->nheaders; i++)
		if (strcasecmp(w->headers[i].key, "Set-Cookie") == 0 &&
		    strncmp(w->headers[i].value, "lk_lang=", 8) == 0)
			return 1;
	return 0;
}

void
page_begin(struct http_req *r, struct http_resp *w, const char *title_msgid)
{
	struct buf *b = &w->body;
	const char *lang = r->lang != NULL ? r->lang : langs[0];
	const char *picked;

	if (b->alloc == 0)
		buf_init(b, BUF_CAP_PAGE);
	else
		buf_reset(b);
	w->status = 200;
	w->content_type = "text/html; charset=utf-8";

	/* A language picked from the switch is remembered for next time,
	 * unless the HTTP layer has already set the cookie. */
	picked = req_query(r, "lang");
	if (picked != NULL && !lang_cookie_set(w) &&
	    (picked = lang_match(picked, strnlen(picked, 64))) != NULL)
		resp_cookie(r, w, "lk_lang", picked, LANG_COOKIE_SECONDS);

	html_printf(b, lang, "<!doctype html>\n<html lang=\"%s\">\n<head>\n"
	    "<meta charset=utf-8>\n"
	    "<meta name=viewport content=\"width=device-width,"
	    "initial-scale=1\">\n"
	    "<meta name=referrer content=no-referrer>\n", lang);
	if (title_msgid != NULL)
		html_printf(b, lang, "<title>%t · lookout</title>\n",
		    title_msgid);
	else
		buf_adds(b, "<title>lookout</title>\n");
	html_printf(b, lang,
	    "<link rel=stylesheet href=/static/lookout.css>\n"
	    "<script src=/static/lookout.js defer></script>\n"
	    "</head>\n<body>\n"
	    "<a id=quick-exit class=quick-exit href=\"%R\" "
	    "rel=\"noreferrer\">%t</a>\n"
	    "<a class=skip href=#main>%t</a>\n"
	    "<header class=top>\n<a class=brand href=/>lookout</a>\n",
	    QUICK_EXIT_URL,
	    /* TRANSLATORS: the red button that leaves the site at once for
	     * a neutral page; keep it short so it fits on a phone. */
	    N_("Quick exit"),
	    N_("Skip to content"));
	lang_switch(b, lang, safe_path(r->path));
	menu(r, b, lang);
	buf_adds(b, "</header>\n<main id=main>\n");
}

void
page_end(struct http_req *r, struct http_resp *w)
{
	/* Help, and what we publish, are a tap away from any page. */
	html_printf(&w->body, r->lang, "</main>\n<footer>\n"
	    "<nav class=more aria-label=\"%t\"><ul>"
	    "<li><a href=/help>%t</a></li><li><a href=/stats>%t</a></li>"
	    "<li><a href=/transparency>%t</a></li></ul></nav>\n"
	    "<p>%t</p></footer>\n</body>\n</html>\n",
	    N_("More"), N_("Get help"), N_("Statistics"), N_("Transparency"),
	    N_("Press Esc or use Quick exit to leave this site fast."));
}
