/*
 * alerts.c: the alerts of a region (GET /alerts), and a member's Atom
 * feed: its secret address (POST /feed/new, POST /feed/revoke) and the
 * feed itself (GET /feed/TOKEN.atom), which a feed reader fetches with
 * no session at all.
 *
 * The feed token is a password: it is shown once, on the page that makes
 * it, never logged (the server logs the route's name, not its path), and
 * wiped with the request's memory.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/report.h"
#include "print/sheet.h"
#include "util/limits.h"
#include "web/web.h"
#include "web/web_internal.h"
#include "util/banned.h"

#define FEED_SUFFIX	".atom"

const struct field_spec web_q_alerts[] = {
	{ "region", F_STRING, 0, LIMIT_CODE_BYTES, NULL, NULL },
	END_FIELD
};

/* public_url without its trailing slashes; "" when unset, so that the
 * links are relative. */
static const char *
base_url(struct http_req *r)
{
	const char *base = r->app != NULL ? r->app->cfg.public_url : "";
	size_t n = strlen(base);

	while (n > 0 && base[n - 1] == '/')
		n--;
	return arena_strndup(r->arena, base, n);
}

static void
alert_article(struct http_req *r, struct buf *b, const struct alert *al)
{
	const char *lang = r->lang;

	html_printf(b, lang, "<article class=\"alert\" id=\"alert-%lld\">\n"
	    "<h2>", (long long)al->id);
	web_types(b, lang, al->types);
	html_printf(b, lang, "</h2>\n<p class=meta><span class=\"sev sev-%s\">"
	    "%t: %t</span> · %t %s · %t ", al->severity, N_("Severity"),
	    web_severity_label(al->severity), N_("Issued"),
	    web_day(r->arena, lang, al->issued_on), N_("Regions:"));
	web_codes(b, lang, al->regions, al->nregions);
	html_printf(b, lang, "</p>\n<p class=summary>%s</p>\n"
	    "<p class=meta>%t %lld</p>\n</article>\n", al->summary,
	    N_("Alert number:"), (long long)al->id);
}

static void
feed_forms(struct http_req *r, struct buf *b)
{
	html_printf(b, r->lang, "<h2 id=feed>%t</h2>\n<p>%t</p>\n",
	    N_("Feed"),
	    N_("Follow these alerts in a feed reader app. The feed address is "
	    "secret: anyone who has it can read your alerts. A new address "
	    "turns the old one off."));
	web_form_open(r, b, "/feed/new", "inline");
	html_printf(b, r->lang, "<button type=submit class=primary>%t"
	    "</button>\n</form>\n", N_("Get a new feed address"));
	web_form_open(r, b, "/feed/revoke", "inline");
	html_printf(b, r->lang, "<button type=submit class=secondary>%t"
	    "</button>\n</form>\n", N_("Turn off my feed"));
}

/* The printed sheet (sheet.c), for staff to download and print. */
static void
sheet_form(struct http_req *r, struct buf *b, const struct region *regs,
    size_t nregs, const char *region)
{
	struct input since = { "since", N_("Alerts issued since"), "date",
	    "off", NULL, NULL, NULL, NULL, 1 };
	char day[11];
	size_t i;

	web_date((int64_t)time(NULL) - (int64_t)SHEET_DEFAULT_DAYS * 86400,
	    day);
	since.value = day;
	html_printf(b, r->lang, "<h2 id=sheet>%t</h2>\n<p>%t</p>\n"
	    "<form method=get action=/alerts/sheet.pdf class=filter>\n",
	    N_("Printed sheet"),
	    N_("A PDF of the alerts to print for drop-ins and outreach, in "
	    "the language of the people who will read it."));
	web_select_begin(b, r->lang, "sheet-region", "region", N_("Region"),
	    NULL, NULL);
	web_option(b, r->lang, "", tr(r->lang, N_("All regions")),
	    *region == '\0');
	for (i = 0; i < nregs; i++)
		web_option(b, r->lang, regs[i].code, regs[i].name,
		    strcmp(region, regs[i].code) == 0);
	web_select_end(b);
	web_input(b, r->lang, &since);
	web_select_begin(b, r->lang, "sheet-language", "language",
	    N_("Language of the sheet"), NULL, NULL);
	for (i = 0; langs[i] != NULL; i++)
		web_option(b, r->lang, langs[i],
		    web_help_lang_text(r->lang, langs[i]),
		    strcmp(langs[i], r->lang) == 0);
	web_select_end(b);
	html_printf(b, r->lang, "<button type=submit class=secondary>%t"
	    "</button>\n</form>\n", N_("Download the sheet (PDF)"));
}

/* GET /alerts?region=CODE */

int
web_alerts(struct http_req *r, struct http_resp *w)
{
	struct buf *b = &w->body;
	const char *region = req_query(r, "region"), *rerr = NULL;
	struct report_err err;
	struct region *regs;
	struct alert *al = NULL;
	size_t n = 0, nregs, i;
	int rc;

	memset(&err, 0, sizeof(err));
	rc = alert_list(r->app, r->store, r->arena, &r->auth, region, &al, &n,
	    &err);
	if (rc == REPORT_INVALID)
		rerr = err.msg != NULL ? err.msg : WEB_MSG_BAD_REQUEST;
	else if (rc != REPORT_OK)
		return web_report_fail(r, w, rc);
	rc = region_list(r->app, r->store, r->arena, &regs, &nregs);
	if (rc == ACCOUNT_UNAVAILABLE)
		return web_report_fail(r, w, REPORT_UNAVAILABLE);
	if (rc != ACCOUNT_OK)
		return -1;
	region_sort(r->lang, regs, nregs);
	if (region == NULL)
		region = "";

	page_begin(r, w, N_("Alerts"));
	html_printf(b, r->lang, "<h1>%t</h1>\n"
	    "<form method=get action=/alerts class=filter>\n", N_("Alerts"));
	web_select_begin(b, r->lang, "region", "region", N_("Region"), NULL,
	    rerr);
	web_option(b, r->lang, "", tr(r->lang, r->auth.role == ROLE_MEMBER ?
	    N_("All my regions") : N_("All regions")), *region == '\0');
	for (i = 0; i < nregs; i++)
		web_option(b, r->lang, regs[i].code, regs[i].name,
		    strcmp(region, regs[i].code) == 0);
	web_select_end(b);
	html_printf(b, r->lang, "<button type=submit class=secondary>%t"
	    "</button>\n</form>\n", N_("Show"));
	if (rerr == NULL && n == 0)
		html_printf(b, r->lang, "<p>%t</p>\n",
		    N_("No alerts here right now."));
	for (i = 0; i < n; i++)
		alert_article(r, b, &al[i]);
	if (r->auth.role == ROLE_MEMBER)
		feed_forms(r, b);
	else
		sheet_form(r, b, regs, nregs, region);
	return web_finish(r, w);
}

/* POST /feed/new and /feed/revoke */

int
web_feed_make(struct http_req *r, const char **url)
{
	char token[TOKEN_CHARS + 1];
	int rc;

	if ((rc = feed_token_new(r->app, r->store, &r->auth, token)) != 0)
		return rc;
	/* The arena is wiped when the request ends. */
	*url = arena_printf(r->arena, "%s/feed/%s%s", base_url(r), token,
	    FEED_SUFFIX);
	sodium_memzero(token, sizeof(token));
	return 0;
}

int
web_feed_new(struct http_req *r, struct http_resp *w)
{
	struct buf *b = &w->body;
	const char *url;
	int rc;

	if ((rc = web_feed_make(r, &url)) != 0)
		return web_report_fail(r, w, rc);
	page_begin(r, w, N_("Your feed address"));
	html_printf(b, r->lang, "<h1>%t</h1>\n"
	    "<p><output id=\"feed-url\">%s</output></p>\n"
	    "<p>%t</p>\n<p><a href=/alerts>%t</a></p>\n",
	    N_("Your feed address"), url,
	    N_("Copy it into your feed reader. Keep it secret: anyone who has "
	    "it can read your alerts. It is shown only this once."),
	    N_("Back to the alerts"));
	web_form_open(r, b, "/feed/revoke", "inline");
	html_printf(b, r->lang, "<button type=submit class=secondary>%t"
	    "</button>\n</form>\n", N_("Turn off my feed"));
	return web_finish(r, w);
}

int
web_feed_revoke(struct http_req *r, struct http_resp *w)
{
	int rc;

	if ((rc = feed_token_revoke(r->app, r->store, &r->auth)) != 0)
		return web_report_fail(r, w, rc);
	resp_redirect(w, "/alerts");
	return 0;
}

/* GET /feed/TOKEN.atom */

static void
atom_time(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, 32, "%s", "1970-01-01T00:00:00Z");
}

static void
atom_entry(struct http_req *r, struct buf *b, const char *base,
    const struct alert *al)
{
	const char *lang = r->lang;
	char t[32];
	int i;

	atom_time(al->created_at, t);
	html_printf(b, lang, "<entry>\n<id>urn:lookout:alert:%lld</id>\n"
	    "<title>%t: ", (long long)al->id,
	    web_severity_label(al->severity));
	web_types(b, lang, al->types);
	html_printf(b, lang, "</title>\n<updated>%s</updated>\n"
	    "<published>%s</published>\n"
	    "<link rel=\"alternate\" type=\"text/html\" "
	    "href=\"%s/alerts#alert-%lld\"/>\n", t, t, base,
	    (long long)al->id);
	for (i = 0; i < INC_COUNT; i++)
		if (al->types & ((int64_t)1 << i))
			html_printf(b, lang, "<category term=\"%s\" "
			    "label=\"%t\"/>\n", incident_names[i],
			    incident_labels[i]);
	html_printf(b, lang, "<content type=\"text\">%s\n\n%t %s · %t ",
	    al->summary, N_("Issued"), al->issued_on, N_("Regions:"));
	web_codes(b, lang, al->regions, al->nregions);
	buf_adds(b, "</content>\n</entry>\n");
}

int
web_feed(struct http_req *r, struct http_resp *w)
{
	const char *seg = r->nparams > 0 ? r->params[0] : "";
	const char *base = base_url(r);
	char token[TOKEN_CHARS + 1], t[32];
	struct report_err err;
	struct alert *al;
	struct auth who;
	struct buf *b = &w->body;
	int64_t latest = 0;
	size_t n, i;
	int rc;

	if (strlen(seg) != TOKEN_CHARS + strlen(FEED_SUFFIX) ||
	    strcmp(seg + TOKEN_CHARS, FEED_SUFFIX) != 0)
		return web_error(r, w, 404, WEB_MSG_NOT_FOUND);
	memcpy(token, seg, TOKEN_CHARS);
	token[TOKEN_CHARS] = '\0';
	rc = feed_token_auth(r->app, r->store, token, &who);
	sodium_memzero(token, sizeof(token));
	if (rc != 0)
		return web_report_fail(r, w, rc);
	memset(&err, 0, sizeof(err));
	rc = alert_list(r->app, r->store, r->arena, &who, NULL, &al, &n, &err);
	sodium_memzero(&who, sizeof(who));
	if (rc != 0)
		return web_report_fail(r, w, rc);

	for (i = 0; i < n; i++)
		if (al[i].created_at > latest)
			latest = al[i].created_at;
	atom_time(latest != 0 ? latest : (int64_t)time(NULL), t);
	buf_reset(b);
	w->status = 200;
	w->content_type = "application/atom+xml; charset=utf-8";
	html_printf(b, r->lang, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"%s\">\n"
	    "<title>%t · lookout</title>\n"
	    "<id>urn:lookout:alerts</id>\n<updated>%s</updated>\n"
	    "<author><name>lookout</name></author>\n"
	    "<link rel=\"alternate\" type=\"text/html\" href=\"%s/alerts\"/>\n",
	    r->lang, N_("Alerts"), t, base);
	for (i = 0; i < n; i++)
		atom_entry(r, b, base, &al[i]);
	buf_adds(b, "</feed>\n");
	return b->overflow ? -1 : 0;
}
