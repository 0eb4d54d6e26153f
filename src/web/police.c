/*
 * police.c: the reports shared with a police or partner-agency liaison
 * (GET /police).
 *
 * What a liaison may see is the core's decision, made afresh on every
 * request: only reports whose reporter chose police sharing, each at the
 * tier she chose. The page adds a second guard of its own: a narrative
 * or a contact is written only under the full tier. Every view is
 * recorded before anything is shown, and the page says so.
 */
#include <string.h>

#include "core/help.h"
#include "web/web.h"
#include "web/web_internal.h"
#include "util/banned.h"

static void
shared_report(struct http_req *r, struct buf *b, const struct police_report *p)
{
	const char *lang = r->lang;
	int full = p->tier != NULL && strcmp(p->tier, "full") == 0;

	html_printf(b, lang, "<article class=\"alert shared tier-%s\" "
	    "id=\"shared-%lld\">\n<h2>", full ? "full" : "anonymous",
	    (long long)p->id);
	web_types(b, lang, p->types);
	html_printf(b, lang, "</h2>\n<p class=meta><strong>%t</strong> · "
	    "%t %s · %t %s</p>\n", web_tier_label(p->tier), N_("Date"),
	    p->occurred_on, N_("Region"), p->region);
	if (p->alert_id != 0)
		html_printf(b, lang, "<p class=meta><span class=\"sev sev-%s\">"
		    "%t: %t</span></p>\n<p class=summary>%s</p>\n",
		    p->severity, N_("Severity"),
		    web_severity_label(p->severity), p->summary);
	else
		html_printf(b, lang, "<p class=note>%t</p>\n",
		    N_("No alert has been published for this report yet."));
	if (full) {
		if (p->narrative != NULL && *p->narrative != '\0')
			html_printf(b, lang, "<h3>%t</h3>\n<p class=story>%s"
			    "</p>\n", N_("In her words"), p->narrative);
		if (p->contact != NULL && *p->contact != '\0')
			html_printf(b, lang, "<h3>%t</h3>\n<p class=story>%s"
			    "</p>\n", N_("Contact, through her support worker"),
			    p->contact);
	}
	buf_adds(b, "</article>\n");
}

int
web_police(struct http_req *r, struct http_resp *w)
{
	struct buf *b = &w->body;
	struct police_report *p;
	size_t n, i;
	int rc;

	if ((rc = police_reports(r->app, r->store, r->arena, &r->auth, &p,
	    &n)) != 0)
		return web_report_fail(r, w, rc);
	page_begin(r, w, N_("Shared reports"));
	html_printf(b, r->lang, "<h1>%t</h1>\n"
	    "<p class=note id=audit-note>%t</p>\n<p>%t</p>\n",
	    N_("Shared reports"),
	    N_("Every view of this page is recorded in the audit log and "
	    "counted in the public transparency report."),
	    N_("You see only the reports whose authors chose to share them "
	    "with you. Anonymous reports hold only the sanitised alert; a "
	    "full report adds her own words and a contact."));
	if (n == 0)
		html_printf(b, r->lang, "<p>%t</p>\n",
		    N_("No report is shared with you right now."));
	for (i = 0; i < n; i++)
		shared_report(r, b, &p[i]);
	html_printf(b, r->lang, "<p><a href=/transparency>%t</a></p>\n",
	    N_("Transparency"));
	return web_finish(r, w);
}
