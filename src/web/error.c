/*
 * error.c: the HTML error page, for the handlers and the HTTP layer.
 */
#include "web/web.h"
#include "util/banned.h"

int
web_error(struct http_req *r, struct http_resp *w, int status,
    const char *msgid)
{
	if (msgid == NULL)
		msgid = web_status_msgid(status);
	page_begin(r, w, msgid);
	html_printf(&w->body, r->lang, "<h1>%t</h1>\n"
	    "<p><a class=button href=/>%t</a></p>\n",
	    msgid, N_("Go to the start page"));
	page_end(r, w);
	w->status = status;
	return 0;
}
