/*
 * screen.c: check a phone, email, plate, handle or word before a booking
 * (GET and POST /screen), and see red, amber or green.
 *
 * The value is the most sensitive thing a member types here: it says who
 * she is about to meet. It travels only by POST, reaches only the core,
 * is never logged, and is written back only into her own form.
 */
#include <string.h>

#include "core/report.h"
#include "util/limits.h"
#include "web/web.h"
#include "web/web_internal.h"
#include "util/banned.h"

const struct field_spec web_f_screen[] = {
	{ "kind", F_STRING, 0, 16, NULL, NULL },
	{ "value", F_STRING, 0, 1024, NULL, NULL },
	END_FIELD
};

static void
screen_form(struct http_req *r, struct buf *b, const char *kind,
    const char *value, const char *field, const char *msg)
{
	struct input in = {
		"value", N_("Number, email, plate, handle or word"), "text",
		"off", "autocapitalize=none spellcheck=false maxlength=256",
		value,
		N_("Part of a number or plate works too: ***-0142, AB?12?"),
		field != NULL && strcmp(field, "value") == 0 ? msg : NULL, 0,
	};
	size_t k;

	web_form_begin(r, b, "/screen", field != NULL && strcmp(field,
	    "value") != 0 && strcmp(field, "kind") != 0 ? msg : NULL);
	web_select_begin(b, r->lang, "kind", "kind", N_("What to check"), NULL,
	    field != NULL && strcmp(field, "kind") == 0 ? msg : NULL);
	for (k = 0; web_screen_kinds[k] != NULL; k++)
		web_option(b, r->lang, web_screen_kinds[k], tr(r->lang,
		    web_kind_label(web_screen_kinds[k])),
		    strcmp(kind, web_screen_kinds[k]) == 0);
	web_select_end(b);
	web_input(b, r->lang, &in);
	web_form_end(r, b, N_("Check"));
}

static void
matches(struct http_req *r, struct buf *b, const struct screen_result *res)
{
	const char *lang = r->lang;
	size_t i;

	buf_adds(b, "<ul class=matches>\n");
	for (i = 0; i < res->n; i++) {
		const struct alert *al = &res->matches[i].alert;

		html_printf(b, lang, "<li>\n<p class=summary>%s</p>\n"
		    "<p class=meta><span class=\"sev sev-%s\">%t: %t</span>"
		    " · %t %s · ", al->summary, al->severity, N_("Severity"),
		    web_severity_label(al->severity), N_("Issued"),
		    web_day(r->arena, lang, al->issued_on));
		html_printf(b, lang, "%t ", res->matches[i].elsewhere ?
		    N_("Also reported in") : N_("Regions:"));
		web_codes(b, lang, al->regions, al->nregions);
		buf_adds(b, "</p>\n</li>\n");
	}
	buf_adds(b, "</ul>\n");
}

static void
result(struct http_req *r, struct buf *b, const struct screen_result *res)
{
	static const struct {
		const char	*cls, *heading, *text;
	} levels[] = {
		[SCREEN_GREEN] = { "result-green",
		    N_("Green: no reports found"),
		    N_("No report is not a guarantee of safety.") },
		[SCREEN_AMBER] = { "result-amber",
		    N_("Amber: reported for other problems"),
		    N_("Other workers reported problems like not paying or "
		    "refusing a condom. Take care, and tell someone you trust "
		    "where you are going.") },
		[SCREEN_RED] = { "result-red",
		    N_("Red: reported for violence or threats"),
		    N_("Other workers reported violence, robbery, threats or "
		    "stalking. Please think about not seeing this client. "
		    "Outreach workers can help you stay safe.") },
	};
	enum screen_level l = res->level;

	if (l != SCREEN_RED && l != SCREEN_AMBER)
		l = SCREEN_GREEN;
	html_printf(b, r->lang, "<section id=\"result\" class=\"result %s\" "
	    "role=status>\n<h2>%t</h2>\n<p>%t</p>\n", levels[l].cls,
	    levels[l].heading, levels[l].text);
	if (res->n > 0)
		matches(r, b, res);
	buf_adds(b, "</section>\n");
}

static void
screen_page(struct http_req *r, struct http_resp *w, const char *kind,
    const char *value, const char *field, const char *msg,
    const struct screen_result *res)
{
	struct buf *b = &w->body;

	page_begin(r, w, N_("Screen a number"));
	html_printf(b, r->lang, "<h1>%t</h1>\n<p>%t</p>\n",
	    N_("Screen a number"),
	    N_("Check a client before a booking. Nobody is told that you "
	    "checked."));
	if (res != NULL)
		result(r, b, res);
	screen_form(r, b, kind, value, field, msg);
}

int
web_screen(struct http_req *r, struct http_resp *w)
{
	screen_page(r, w, "phone", NULL, NULL, NULL, NULL);
	return web_finish(r, w);
}

int
web_screen_post(struct http_req *r, struct http_resp *w)
{
	const char *kind = web_form(r, "kind"), *value = web_form(r, "value");
	struct screen_result res;
	struct report_err err;
	int rc, retry;

	/* Per account, as the API, so one account cannot walk the alert
	 * list from anywhere; the two share the budget. */
	if (ratelimit_hit(rl_screen, &r->auth.user_id,
	    sizeof(r->auth.user_id), &retry) == -1)
		return resp_too_many(r, w, retry);
	memset(&err, 0, sizeof(err));
	rc = screen(r->app, r->store, r->arena, &r->auth, kind, value, &res,
	    &err);
	if (rc == REPORT_OK)
		screen_page(r, w, kind, value, NULL, NULL, &res);
	else if (rc == REPORT_INVALID)
		screen_page(r, w, kind, value, err.field != NULL ? err.field :
		    "", err.msg != NULL ? err.msg : WEB_MSG_BAD_REQUEST, NULL);
	else
		return web_report_fail(r, w, rc);
	return web_finish(r, w);
}
