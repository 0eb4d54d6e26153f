/*
 * report_view.c: a member's own reports (GET /reports/mine), one report
 * (GET /reports/{id}), and what its owner may do with it: lower her
 * choices, withdraw it or delete it.
 *
 * Who may see a report is the core's decision: report_get() answers
 * REPORT_NOTFOUND for anyone else, and so does this page, with no hint
 * that the report exists. Staff get the moderation forms of moderate.c
 * under the report.
 */
#include <stdio.h>
#include <string.h>

#include "core/report.h"
#include "util/limits.h"
#include "web/web.h"
#include "web/web_internal.h"
#include "util/banned.h"

const struct field_spec web_f_consent[] = {
	{ "consent_alert", F_STRING, 0, 8, NULL, NULL },
	{ "police", F_STRING, 0, 16, NULL, NULL },
	{ "share_orgs", F_STRING, 0, 8, NULL, NULL },
	END_FIELD
};

const struct field_spec web_f_none[] = { END_FIELD };

static int
is_staff(const struct http_req *r)
{
	return (r->auth.role & ROLES_STAFF) != 0;
}

int
web_report_fail(struct http_req *r, struct http_resp *w, int rc)
{
	switch (rc) {
	case REPORT_NOTFOUND:
		return web_error(r, w, 404, WEB_MSG_NOT_FOUND);
	case REPORT_GONE:
		return web_error(r, w, 410,
		    N_("This report was withdrawn by the person who made it."));
	case REPORT_FORBIDDEN:
		return web_error(r, w, 403, WEB_MSG_FORBIDDEN);
	case REPORT_CONFLICT:
		return web_error(r, w, 409, N_("This cannot be done now: the "
		    "report has changed. Please open it again."));
	case REPORT_INVALID:
		return web_error(r, w, 400, WEB_MSG_BAD_REQUEST);
	case REPORT_UNAVAILABLE:
		resp_header(w, "Retry-After", "5");
		return web_error(r, w, 503, WEB_MSG_BUSY);
	default:
		return -1;
	}
}

/* GET /reports/mine */

int
web_reports_mine(struct http_req *r, struct http_resp *w)
{
	struct buf *b = &w->body;
	struct report_line *l;
	char day[11];
	size_t n, i;
	int rc;

	if ((rc = report_mine(r->app, r->store, r->arena, &r->auth, &l,
	    &n)) != 0)
		return web_report_fail(r, w, rc);
	page_begin(r, w, N_("My reports"));
	html_printf(b, r->lang, "<h1>%t</h1>\n"
	    "<p><a class=button href=/report>%t</a></p>\n",
	    N_("My reports"), N_("Report a bad date"));
	if (n == 0)
		html_printf(b, r->lang, "<p>%t</p>\n",
		    N_("You have not sent any reports."));
	else
		buf_adds(b, "<ul class=rows>\n");
	for (i = 0; i < n; i++) {
		web_date(l[i].created_at, day);
		html_printf(b, r->lang, "<li><a href=/reports/%lld>%s · ",
		    (long long)l[i].id, web_day(r->arena, r->lang, day));
		web_types(b, r->lang, l[i].types);
		html_printf(b, r->lang, "</a> <span class=\"status status-%s\">"
		    "%t</span></li>\n", l[i].status,
		    web_status_label(l[i].status));
	}
	if (n > 0)
		buf_adds(b, "</ul>\n");
	return web_finish(r, w);
}

/* GET /reports/{id} */

static void
row_text(struct buf *b, const char *lang, const char *label,
    const char *value)
{
	if (value != NULL && *value != '\0')
		html_printf(b, lang, "<dt>%t</dt><dd>%s</dd>\n", label, value);
}

static void
sub_item(struct buf *b, const char *lang, const char *label,
    const char *value)
{
	if (value != NULL && *value != '\0')
		html_printf(b, lang, "<li>%t: %s</li>", label, value);
}

static int
any(const char *const *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] != NULL && *v[i] != '\0')
			return 1;
	return 0;
}

static void
details(struct http_req *r, struct buf *b, const struct report *rp)
{
	const char *lang = r->lang;
	const struct offender *o = &rp->offender;
	const struct vehicle *v = &rp->vehicle;
	const char *ov[] = { o->age_range, o->gender, o->height, o->build,
	    o->hair, o->skin, o->marks, o->language };
	const char *vv[] = { v->make, v->model, v->colour, v->plate };
	char day[11];
	size_t i;

	buf_adds(b, "<dl class=report>\n");
	html_printf(b, lang, "<dt>%t</dt><dd>", N_("Incident"));
	web_types(b, lang, rp->types);
	buf_adds(b, "</dd>\n");
	row_text(b, lang, N_("Date"), web_day(r->arena, lang,
	    rp->occurred_on));
	row_text(b, lang, N_("Time"), rp->time_window);
	row_text(b, lang, N_("Region"), rp->region);
	row_text(b, lang, N_("Area"), rp->area);
	if (any(ov, sizeof(ov) / sizeof(ov[0]))) {
		html_printf(b, lang, "<dt>%t</dt><dd><ul>",
		    N_("About the person"));
		sub_item(b, lang, N_("Age (about)"), o->age_range);
		sub_item(b, lang, N_("Gender"), o->gender);
		sub_item(b, lang, N_("Height"), o->height);
		sub_item(b, lang, N_("Build"), o->build);
		sub_item(b, lang, N_("Hair"), o->hair);
		sub_item(b, lang, N_("Skin"), o->skin);
		sub_item(b, lang, N_("Tattoos, scars or other marks"),
		    o->marks);
		sub_item(b, lang, N_("Language spoken"), o->language);
		buf_adds(b, "</ul></dd>\n");
	}
	if (any(vv, sizeof(vv) / sizeof(vv[0]))) {
		html_printf(b, lang, "<dt>%t</dt><dd><ul>", N_("Vehicle"));
		sub_item(b, lang, N_("Make"), v->make);
		sub_item(b, lang, N_("Model"), v->model);
		sub_item(b, lang, N_("Colour"), v->colour);
		sub_item(b, lang, N_("Licence plate"), v->plate);
		buf_adds(b, "</ul></dd>\n");
	}
	if (rp->nidents > 0) {
		html_printf(b, lang, "<dt>%t</dt><dd><ul>",
		    N_("Phone, email, plate, handle or name"));
		for (i = 0; i < rp->nidents; i++)
			sub_item(b, lang, web_kind_label(rp->idents[i].kind),
			    rp->idents[i].value);
		buf_adds(b, "</ul></dd>\n");
	}
	if (rp->narrative != NULL && *rp->narrative != '\0')
		html_printf(b, lang, "<dt>%t</dt><dd class=story>%s</dd>\n",
		    N_("What happened, in your words"), rp->narrative);
	html_printf(b, lang, "<dt>%t</dt><dd><ul><li>%t: %t</li>"
	    "<li>%t: %t</li><li>%t: %t</li></ul></dd>\n",
	    N_("Choices"),
	    N_("Alert"), rp->consent.alert ? N_("Yes") : N_("No"),
	    N_("Police"), web_police_label(rp->consent.police),
	    N_("Other organisations"), rp->consent.share_orgs ? N_("Yes") :
	    N_("No"));
	row_text(b, lang, N_("Contact"), rp->contact);
	web_date(rp->created_at, day);
	row_text(b, lang, N_("Received"), web_day(r->arena, lang, day));
	if (is_staff(r)) {
		row_text(b, lang, N_("Source"), tr(lang,
		    web_source_label(rp->source)));
		row_text(b, lang, N_("Reason for no alert"), rp->decision);
	}
	if (rp->alert_id != 0)
		html_printf(b, lang, "<dt>%t</dt><dd>"
		    "<a href=/alerts#alert-%lld>%t %lld</a></dd>\n", N_("Alert"), (long long)rp->alert_id,
		    N_("Alert"), (long long)rp->alert_id);
	buf_adds(b, "</dl>\n");
}

static int
police_rank(const char *p)
{
	size_t i;

	for (i = 0; p != NULL && web_polices[i] != NULL; i++)
		if (strcmp(p, web_polices[i]) == 0)
			return (int)i;
	return 0;
}

/* The owner's forms: only ever lower a choice, withdraw, delete. */
static void
owner_forms(struct http_req *r, struct buf *b, const struct report *rp,
    const struct report_view *v)
{
	const char *lang = r->lang;
	const char *perr = v != NULL && v->form != NULL &&
	    strcmp(v->form, "consent") == 0 && v->field != NULL &&
	    strcmp(v->field, "police") == 0 ? v->msg : NULL;
	char action[48];
	int i, rank = police_rank(rp->consent.police);

	if (strcmp(rp->status, "withdrawn") != 0) {
		snprintf(action, sizeof(action), "/reports/%lld/consent",
		    (long long)rp->id);
		html_printf(b, lang, "<h2>%t</h2>\n<p>%t</p>\n",
		    N_("Change your choices"),
		    N_("You can lower your choices at any time, but not raise "
		    "them. An alert already sent cannot be unsent."));
		web_form_begin(r, b, action, NULL);
		if (rp->consent.alert)
			web_check(b, lang, "checkbox", "consent_alert",
			    "consent_alert", "yes", WEB_MSG_CONSENT_ALERT, 1);
		web_group_begin(b, lang, "police", N_("Police"), NULL, perr);
		for (i = 0; i <= rank; i++) {
			char id[24];

			snprintf(id, sizeof(id), "police-%s", web_polices[i]);
			web_check(b, lang, "radio", "police", id,
			    web_polices[i], web_police_choices[i], i == rank);
		}
		web_group_end(b);
		if (rp->consent.share_orgs)
			web_check(b, lang, "checkbox", "share_orgs",
			    "share_orgs", "yes", WEB_MSG_CONSENT_SHARE, 1);
		web_form_end(r, b, N_("Save my choices"));

		snprintf(action, sizeof(action), "/reports/%lld/withdraw",
		    (long long)rp->id);
		html_printf(b, lang, "<h2>%t</h2>\n<p>%t</p>\n",
		    N_("Withdraw this report"),
		    N_("Staff stop using it and its details are erased. It "
		    "stays in your list as withdrawn."));
		web_form_open(r, b, action, "stack");
		html_printf(b, lang, "<button type=submit class=secondary>%t"
		    "</button>\n</form>\n", N_("Withdraw the report"));
	}
	snprintf(action, sizeof(action), "/reports/%lld/delete",
	    (long long)rp->id);
	html_printf(b, lang, "<h2>%t</h2>\n<p>%t</p>\n",
	    N_("Delete this report"),
	    N_("Everything in it is erased and it leaves your list. This "
	    "cannot be undone."));
	web_form_open(r, b, action, "stack");
	html_printf(b, lang, "<button type=submit class=danger>%t</button>\n"
	    "</form>\n", N_("Delete the report for good"));
}

int
web_report_page(struct http_req *r, struct http_resp *w, int64_t id,
    const struct report_view *v, int status)
{
	struct buf *b = &w->body;
	struct region *regs = NULL;
	struct report rp;
	size_t nregs = 0;
	int rc;

	if (id <= 0)
		return web_report_fail(r, w, REPORT_NOTFOUND);
	if ((rc = report_get(r->app, r->store, r->arena, &r->auth, id,
	    &rp)) != 0)
		return web_report_fail(r, w, rc);
	if (is_staff(r)) {
		rc = region_list(r->app, r->store, r->arena, &regs, &nregs);
		if (rc == ACCOUNT_UNAVAILABLE)
			return web_report_fail(r, w, REPORT_UNAVAILABLE);
		if (rc != ACCOUNT_OK)
			return -1;
		region_sort(r->lang, regs, nregs);
	}
	page_begin(r, w, N_("Report"));
	html_printf(b, r->lang, "<h1>%t</h1>\n", N_("Report"));
	/* An error about a field is shown there; any other on top. */
	if (v != NULL && v->msg != NULL)
		html_printf(b, r->lang, "<p class=error role=alert>%t</p>\n",
		    v->field != NULL && *v->field != '\0' ?
		    N_("Please correct the marked fields.") : v->msg);
	html_printf(b, r->lang, "<p class=status>%t <strong>%t</strong>",
	    N_("Status:"), web_status_label(rp.status));
	if (rp.matched)
		html_printf(b, r->lang, " <span class=\"badge matched\">%t"
		    "</span>", N_("Matched"));
	buf_adds(b, "</p>\n");
	if (strcmp(rp.status, "withdrawn") == 0)
		html_printf(b, r->lang, "<p class=note>%t</p>\n",
		    N_("This report was withdrawn. Its details have been "
		    "erased."));
	details(r, b, &rp);
	/* She asked for follow-up: staff can make it a case. */
	if (is_staff(r) && rp.contact != NULL && *rp.contact != '\0' &&
	    strcmp(rp.status, "withdrawn") != 0) {
		char action[48];

		snprintf(action, sizeof(action), "/reports/%lld/case",
		    (long long)rp.id);
		web_form_open(r, b, action, "stack");
		html_printf(b, r->lang, "<button type=submit class=secondary>"
		    "%t</button>\n</form>\n", N_("Open a case to follow up"));
	}
	if (is_staff(r))
		web_moderation_forms(r, b, &rp, regs, nregs, v);
	else
		owner_forms(r, b, &rp, v);
	if (web_finish(r, w) == -1)
		return -1;
	w->status = status;
	return 0;
}

int
web_report_view(struct http_req *r, struct http_resp *w)
{
	return web_report_page(r, w, req_param_id(r, 0), NULL, 200);
}

/* Where the owner goes after a change: her list (staff have none). */
static const char *
after_owner_change(const struct http_req *r)
{
	return is_staff(r) ? "/queue" : "/reports/mine";
}

int
web_report_consent(struct http_req *r, struct http_resp *w)
{
	const char *police = web_form(r, "police");
	struct report_view v;
	struct report_err err;
	struct consent c;
	int64_t id = req_param_id(r, 0);
	int rc;

	if (id <= 0)
		return web_report_fail(r, w, REPORT_NOTFOUND);
	c.alert = web_checked(req_form(r, "consent_alert"));
	c.police = *police != '\0' ? police : "none";
	c.share_orgs = web_checked(req_form(r, "share_orgs"));
	memset(&err, 0, sizeof(err));
	rc = report_lower_consent(r->app, r->store, &r->auth, id, &c, &err);
	if (rc == REPORT_OK) {
		resp_redirect(w, after_owner_change(r));
		return 0;
	}
	if ((rc != REPORT_INVALID && rc != REPORT_FORBIDDEN) ||
	    err.msg == NULL)
		return web_report_fail(r, w, rc);
	memset(&v, 0, sizeof(v));
	v.form = "consent";
	v.field = err.field != NULL && strcmp(err.field,
	    "consent.police") == 0 ? "police" : "";
	v.msg = err.msg;
	return web_report_page(r, w, id, &v, 200);
}

static int
owner_change(struct http_req *r, struct http_resp *w, int delete)
{
	int64_t id = req_param_id(r, 0);
	int rc;

	if (id <= 0)
		return web_report_fail(r, w, REPORT_NOTFOUND);
	rc = delete ? report_delete(r->app, r->store, &r->auth, id) :
	    report_withdraw(r->app, r->store, &r->auth, id);
	if (rc != REPORT_OK)
		return web_report_fail(r, w, rc);
	resp_redirect(w, after_owner_change(r));
	return 0;
}

int
web_report_withdraw(struct http_req *r, struct http_resp *w)
{
	return owner_change(r, w, 0);
}

int
web_report_delete(struct http_req *r, struct http_resp *w)
{
	return owner_change(r, w, 1);
}
