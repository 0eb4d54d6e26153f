/*
 * web.h: HTML pages, escape-by-default output, and translations.
 *
 * html_printf() is the only way pages write markup. Its conversions:
 *   %s   a string, HTML-escaped (& < > " ' become entities)
 *   %R   a string written raw: only for markup the program itself built
 *   %t   a message id, translated into the request's language, escaped
 *   %d %u %lld %zu   numbers
 *   %%   a percent sign
 * There is no other way to write an unescaped string into a page.
 *
 * Translations come from po/LANG.po, compiled to .mo and embedded in the
 * binary at build time (util/i18n.h, which this header includes). tr() returns the message for lang, or msgid when
 * the catalog has none. Mark strings for xgettext with tr() or N_().
 *
 * Every page is built by page_begin()/page_end(), which write the
 * document head, the quick-exit link (first in the body), the language
 * switch and the navigation for the signed-in role.
 */
#ifndef LOOKOUT_WEB_H
#define LOOKOUT_WEB_H

#include <stddef.h>

#include "http/http.h"
#include "util/buf.h"
/* langs[], lang_negotiate(), tr() and N_(): the catalogs live in util. */
#include "util/i18n.h"

int	html_printf(struct buf *b, const char *lang, const char *fmt, ...);
int	html_escape(struct buf *b, const char *s);

/* Start and finish a page in w->body, status 200, text/html. */
void	page_begin(struct http_req *r, struct http_resp *w,
	    const char *title_msgid);
void	page_end(struct http_req *r, struct http_resp *w);

/* A complete HTML error page with status and a translated message. Used
 * by the HTTP layer for web routes. */
int	web_error(struct http_req *r, struct http_resp *w, int status,
	    const char *msgid);

/*
 * The messages the HTTP layer shows on web routes. They are msgids: pass
 * them to web_error() as they are, it translates them. A refused CSRF
 * token is a 403 too, but it needs its own message, so the server passes
 * WEB_MSG_CSRF itself rather than web_status_msgid(403).
 */
#define WEB_MSG_BAD_REQUEST	N_("Something in the form was not right. " \
	"Please go back, check it and try again.")
#define WEB_MSG_SIGN_IN		N_("Please sign in to see this page.")
#define WEB_MSG_CSRF		N_("This form has expired. Please go back, " \
	"reload the page and try again.")
#define WEB_MSG_FORBIDDEN	N_("This action is not allowed for your " \
	"account.")
#define WEB_MSG_NOT_FOUND	N_("Page not found.")
#define WEB_MSG_METHOD		N_("This page cannot be used that way.")
#define WEB_MSG_TOO_LARGE	N_("The request was too large.")
#define WEB_MSG_TOO_MANY	N_("Too many attempts. Please wait a minute " \
	"and try again.")
#define WEB_MSG_INTERNAL	N_("Something went wrong on our side. " \
	"Nothing you sent was lost; please try again.")
#define WEB_MSG_BUSY		N_("The service is busy. Please try again " \
	"in a moment.")

/* The message for an error status, for web_error(r, w, status,
 * web_status_msgid(status)): 400, 401, 403, 404, 405, 413, 429 and 503
 * have their own; any other status has WEB_MSG_INTERNAL (5xx) or
 * WEB_MSG_BAD_REQUEST (4xx). Never NULL. */
const char	*web_status_msgid(int status);

#endif
