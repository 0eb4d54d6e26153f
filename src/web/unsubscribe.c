/*
 * unsubscribe.c: the way to stop that every alert email carries. GET
 * /unsubscribe?t=TOKEN asks to confirm (a link opened by a mail
 * scanner must not unsubscribe anyone); POST /unsubscribe stops email
 * alerts. No account is needed: the token is the key, and it names
 * nobody on the page.
 */
#include <string.h>

#include "core/subscription.h"
#include "crypto/seal.h"
#include "web/web.h"
#include "web/web_internal.h"
#include "util/banned.h"

const struct field_spec web_q_unsubscribe[] = {
	{ "t", F_STRING, 0, TOKEN_CHARS, NULL, NULL },
	END_FIELD
};

const struct field_spec web_f_unsubscribe[] = {
	{ "t", F_STRING, 0, TOKEN_CHARS, NULL, NULL },
	END_FIELD
};

#define MSG_TITLE	N_("Stop email alerts")
#define MSG_ASK		N_("Do you want to stop getting alerts by email?")
#define MSG_KEEP	N_("You can still read the alerts when you sign " \
	"in, and choose email again at any time.")
#define MSG_STOPPED	N_("You will no longer get alerts by email.")
#define MSG_ALREADY	N_("Email alerts are already stopped.")
#define MSG_BAD_LINK	N_("This link does not work. It may be " \
	"incomplete: open it again from the email, or sign in to change " \
	"your alerts.")

static int
done_page(struct http_req *r, struct http_resp *w, const char *msgid,
    int status)
{
	page_begin(r, w, MSG_TITLE);
	w->status = status;
	html_printf(&w->body, r->lang, "<h1>%t</h1>\n"
	    "<p id=unsubscribed class=%s role=status>%t</p>\n<p>%t</p>\n",
	    MSG_TITLE, status == 200 ? "ok" : "error", msgid, MSG_KEEP);
	return web_finish(r, w);
}

int
web_unsubscribe(struct http_req *r, struct http_resp *w)
{
	const char *t = req_query(r, "t");
	struct buf *b = &w->body;
	int rc, has_email;

	rc = subscription_token_check(r->app, r->store, t != NULL ? t : "",
	    &has_email);
	if (rc == REPORT_NOTFOUND)
		return done_page(r, w, MSG_BAD_LINK, 404);
	if (rc != REPORT_OK)
		return web_report_fail(r, w, rc);
	if (!has_email)
		return done_page(r, w, MSG_ALREADY, 200);
	page_begin(r, w, MSG_TITLE);
	html_printf(b, r->lang, "<h1>%t</h1>\n<p>%t</p>\n", MSG_TITLE,
	    MSG_ASK);
	web_form_open(r, b, "/unsubscribe", "stack");
	html_printf(b, r->lang, "<input type=hidden name=t value=\"%s\">\n",
	    t);
	web_form_end(r, b, MSG_TITLE);
	html_printf(b, r->lang, "<p>%t</p>\n", MSG_KEEP);
	return web_finish(r, w);
}

int
web_unsubscribe_post(struct http_req *r, struct http_resp *w)
{
	int rc;

	rc = subscription_unsubscribe(r->app, r->store, web_form(r, "t"));
	if (rc == REPORT_NOTFOUND)
		return done_page(r, w, MSG_BAD_LINK, 404);
	if (rc != REPORT_OK)
		return web_report_fail(r, w, rc);
	return done_page(r, w, MSG_STOPPED, 200);
}
