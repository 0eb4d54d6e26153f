/*
 * moderate.c: the moderation queue (GET /queue) and what staff decide
 * about a report: publish an alert, no alert, or add it to an existing
 * alert. The forms sit on the report's own page (report_view.c), so
 * staff read the report while they write the alert; a refused form comes
 * back on that page with what was typed.
 */
#include <stdio.h>
#include <string.h>

#include "core/report.h"
#include "util/limits.h"
#include "util/parse.h"
#include "web/web.h"
#include "web/web_internal.h"
#include "util/banned.h"

/* Empty identifier rows offered under the report's own. */
#define EXTRA_ROWS	2

const struct field_spec web_f_alert[] = {
	{ "summary", F_TEXT, 0, LIMIT_TEXT_BYTES, NULL, NULL },
	{ "severity", F_STRING, 0, 16, NULL, NULL },
	{ "regions", F_LIST, 0, LIMIT_LIST_ITEMS, NULL, NULL },
	{ "ident_kind", F_LIST, 0, LIMIT_LIST_ITEMS, NULL, NULL },
	{ "ident_value", F_LIST, 0, LIMIT_LIST_ITEMS, NULL, NULL },
	END_FIELD
};

const struct field_spec web_f_no_alert[] = {
	{ "reason", F_TEXT, 0, LIMIT_TEXT_BYTES, NULL, NULL },
	END_FIELD
};

const struct field_spec web_f_attach[] = {
	{ "alert_id", F_STRING, 0, 32, NULL, NULL },
	END_FIELD
};

/* GET /queue */

int
web_queue(struct http_req *r, struct http_resp *w)
{
	struct buf *b = &w->body;
	struct report_line *l;
	char day[11];
	size_t n, i;
	int rc;

	if ((rc = report_queue(r->app, r->store, r->arena, &r->auth, NULL, &l,
	    &n)) != 0)
		return web_report_fail(r, w, rc);
	page_begin(r, w, N_("Moderation queue"));
	html_printf(b, r->lang, "<h1>%t</h1>\n<p class=hint>%t</p>\n",
	    N_("Moderation queue"),
	    N_("Urgent reports come first: violence, sexual assault, robbery, "
	    "threats and stalking."));
	if (n == 0)
		html_printf(b, r->lang, "<p>%t</p>\n",
		    N_("No report is waiting."));
	else
		buf_adds(b, "<ul class=rows>\n");
	for (i = 0; i < n; i++) {
		web_date(l[i].created_at, day);
		html_printf(b, r->lang, "<li><a href=/reports/%lld>",
		    (long long)l[i].id);
		if (l[i].types & INC_RED)
			html_printf(b, r->lang, "<span class=\"badge urgent\">"
			    "%t</span> ", N_("Urgent"));
		web_types(b, r->lang, l[i].types);
		html_printf(b, r->lang, "</a> <span>%s · %s</span>",
		    l[i].region, web_day(r->arena, r->lang, day));
		if (l[i].matched)
			html_printf(b, r->lang, " <span class=\"badge "
			    "matched\">%t</span>", N_("Matched"));
		buf_adds(b, "</li>\n");
	}
	if (n > 0)
		buf_adds(b, "</ul>\n");
	return web_finish(r, w);
}

/* The moderation forms */

/* Is the error of v about this form and this control? */
static const char *
err_at(const struct report_view *v, const char *form, const char *field)
{
	if (v == NULL || v->form == NULL || v->field == NULL ||
	    strcmp(v->form, form) != 0 || strcmp(v->field, field) != 0)
		return NULL;
	return v->msg;
}

static void
ident_row(struct http_req *r, struct buf *b, size_t row, const char *kind,
    const char *value, const struct report_view *v)
{
	char ik[24], iv[24];
	size_t k;

	snprintf(ik, sizeof(ik), "ik%zu", row + 1);
	snprintf(iv, sizeof(iv), "iv%zu", row + 1);
	buf_adds(b, "<div class=ident>\n");
	web_select_begin(b, r->lang, ik, "ident_kind", N_("Kind"), NULL,
	    err_at(v, "alert", ik));
	for (k = 0; web_ident_kinds[k] != NULL; k++)
		web_option(b, r->lang, web_ident_kinds[k], tr(r->lang,
		    web_kind_label(web_ident_kinds[k])),
		    strcmp(kind, web_ident_kinds[k]) == 0);
	web_select_end(b);
	{
		struct input in = {
			iv, N_("What they used"), "text", "off",
			"autocapitalize=none spellcheck=false maxlength=256",
			value, NULL, err_at(v, "alert", iv), 1,
		};

		web_input_named(b, r->lang, &in, "ident_value");
	}
	buf_adds(b, "</div>\n");
}

static void
alert_form(struct http_req *r, struct buf *b, const struct report *rp,
    struct region *regs, size_t nregs, const struct report_view *v)
{
	const char *lang = r->lang;
	const struct report_view *sent = v != NULL && v->posted ? v : NULL;
	const char *severity = sent != NULL ? sent->severity :
	    (rp->types & INC_RED) ? "high" : "medium";
	struct textarea ta = {
		"summary", N_("Alert summary"),
		N_("What other workers need to know. Nothing that could tell "
		"who reported: no names of workers, no places or times that "
		"point to them."), err_at(v, "alert", "summary"),
		sent != NULL ? sent->summary : NULL, 4, LIMIT_TEXT_BYTES / 3, 1,
	};
	char action[48], id[48];
	size_t i, k;

	snprintf(action, sizeof(action), "/reports/%lld/alert",
	    (long long)rp->id);
	html_printf(b, lang, "<h3>%t</h3>\n", N_("Publish an alert"));
	web_form_begin(r, b, action, NULL);
	web_textarea(b, lang, &ta);
	web_select_begin(b, lang, "severity", "severity", N_("Severity"),
	    NULL, err_at(v, "alert", "severity"));
	for (k = 0; web_severities[k] != NULL; k++)
		web_option(b, lang, web_severities[k], tr(lang,
		    web_severity_label(web_severities[k])),
		    strcmp(severity, web_severities[k]) == 0);
	web_select_end(b);
	web_group_begin(b, lang, "regions", N_("Regions to alert"), NULL,
	    err_at(v, "alert", "regions"));
	for (i = 0; i < nregs; i++) {
		snprintf(id, sizeof(id), "reg-%s", regs[i].code);
		web_check_text(b, lang, "checkbox", "regions", id,
		    regs[i].code, regs[i].name, sent != NULL ?
		    web_listed(sent->regions, sent->nregions, regs[i].code) :
		    strcmp(regs[i].code, rp->region) == 0);
	}
	web_group_end(b);
	html_printf(b, lang, "<p class=hint>%t</p>\n",
	    N_("Identifiers to match when workers screen. Leave a row empty "
	    "to leave it out."));
	if (sent != NULL) {
		for (i = 0; i < sent->nrows; i++)
			ident_row(r, b, i, sent->kinds[i], sent->values[i], v);
	} else {
		for (i = 0; i < rp->nidents; i++)
			ident_row(r, b, i, rp->idents[i].kind,
			    rp->idents[i].value, v);
		for (k = 0; k < EXTRA_ROWS; k++)
			ident_row(r, b, i + k, "phone", NULL, v);
	}
	web_form_end(r, b, N_("Publish the alert"));
}

void
web_moderation_forms(struct http_req *r, struct buf *b,
    const struct report *rp, struct region *regs, size_t nregs,
    const struct report_view *v)
{
	const char *lang = r->lang;
	char action[48];
	struct textarea ta = {
		"reason", N_("Why no alert?"),
		N_("For staff only. For example: not enough to go on."),
		err_at(v, "no-alert", "reason"),
		v != NULL ? v->reason : NULL, 3, LIMIT_TEXT_BYTES / 3, 1,
	};
	struct input in = {
		"alert_id", N_("Alert number"), "text", "off",
		"inputmode=numeric maxlength=20",
		v != NULL ? v->alert_id : NULL,
		N_("The number shown with the alert on the Alerts page."),
		err_at(v, "attach", "alert_id"), 0,
	};

	html_printf(b, lang, "<h2>%t</h2>\n", N_("Moderate"));
	if (strcmp(rp->status, "new") != 0) {
		html_printf(b, lang, "<p class=note>%t</p>\n",
		    N_("This report has already been moderated."));
		return;
	}
	if (rp->consent.alert)
		alert_form(r, b, rp, regs, nregs, v);
	else
		html_printf(b, lang, "<p class=note>%t</p>\n",
		    N_("The reporter did not agree to an alert. You can still "
		    "record that there is no alert."));

	snprintf(action, sizeof(action), "/reports/%lld/no-alert",
	    (long long)rp->id);
	html_printf(b, lang, "<h3>%t</h3>\n", N_("No alert"));
	web_form_begin(r, b, action, NULL);
	web_textarea(b, lang, &ta);
	web_form_end(r, b, N_("Decide: no alert"));

	if (!rp->consent.alert)
		return;
	snprintf(action, sizeof(action), "/reports/%lld/attach",
	    (long long)rp->id);
	html_printf(b, lang, "<h3>%t</h3>\n", N_("Add to an existing alert"));
	web_form_begin(r, b, action, NULL);
	web_input(b, lang, &in);
	web_form_end(r, b, N_("Add to this alert"));
}

/* POST /reports/{id}/alert */

int
web_alert_publish(struct http_req *r, struct http_resp *w)
{
	size_t row_of[LIMIT_LIST_ITEMS], nk, nv, i, n;
	struct report_view v;
	struct report_err err;
	struct alert_in in;
	char field[32];
	int64_t id = req_param_id(r, 0), alert_id;
	int rc;

	if (id <= 0)
		return web_report_fail(r, w, REPORT_NOTFOUND);
	memset(&v, 0, sizeof(v));
	memset(&in, 0, sizeof(in));
	v.form = "alert";
	v.posted = 1;
	v.summary = web_form(r, "summary");
	v.severity = web_form(r, "severity");
	v.nregions = req_form_all(r, "regions", v.regions, LIMIT_LIST_ITEMS);
	nk = req_form_all(r, "ident_kind", v.kinds, LIMIT_LIST_ITEMS);
	nv = req_form_all(r, "ident_value", v.values, LIMIT_LIST_ITEMS);
	v.nrows = nk > nv ? nk : nv;
	for (i = nk; i < v.nrows; i++)
		v.kinds[i] = "";
	for (i = nv; i < v.nrows; i++)
		v.values[i] = "";

	in.summary = v.summary;
	in.severity = v.severity;
	memcpy(in.regions, v.regions, sizeof(in.regions));
	in.nregions = v.nregions;
	for (i = n = 0; i < v.nrows; i++) {
		if (web_blank(v.values[i]))
			continue;
		in.idents[n].kind = v.kinds[i];
		in.idents[n].value = v.values[i];
		row_of[n++] = i;
	}
	in.nidents = n;

	memset(&err, 0, sizeof(err));
	rc = report_publish(r->app, r->store, &r->auth, id, &in, &alert_id,
	    &err);
	switch (rc) {
	case REPORT_OK:
		resp_redirect(w, "/alerts");
		return 0;
	case REPORT_INVALID:
		v.msg = err.msg != NULL ? err.msg : WEB_MSG_BAD_REQUEST;
		v.field = web_report_field(err.field, row_of, n, field,
		    sizeof(field)) == 0 ? field : "";
		return web_report_page(r, w, id, &v, 200);
	case REPORT_CONFLICT:
		/* Consent says no alert, or someone moderated it first. */
		v.msg = err.msg != NULL ? err.msg :
		    N_("the reporter did not agree to an alert");
		v.field = "";
		return web_report_page(r, w, id, &v, 409);
	default:
		return web_report_fail(r, w, rc);
	}
}

/* POST /reports/{id}/no-alert */

int
web_alert_none(struct http_req *r, struct http_resp *w)
{
	struct report_view v;
	struct report_err err;
	int64_t id = req_param_id(r, 0);
	int rc;

	if (id <= 0)
		return web_report_fail(r, w, REPORT_NOTFOUND);
	memset(&v, 0, sizeof(v));
	memset(&err, 0, sizeof(err));
	v.reason = web_form(r, "reason");
	rc = report_no_alert(r->app, r->store, &r->auth, id, v.reason, &err);
	if (rc == REPORT_OK) {
		resp_redirect(w, "/queue");
		return 0;
	}
	if (rc == REPORT_CONFLICT) {
		/* Someone moderated it first. */
		v.field = "";
		v.msg = err.msg;
		return web_report_page(r, w, id, &v, 409);
	}
	if (rc != REPORT_INVALID)
		return web_report_fail(r, w, rc);
	v.form = "no-alert";
	v.field = "reason";
	v.msg = err.msg != NULL ? err.msg : WEB_MSG_BAD_REQUEST;
	return web_report_page(r, w, id, &v, 200);
}

/* POST /reports/{id}/attach */

int
web_alert_attach(struct http_req *r, struct http_resp *w)
{
	struct report_view v;
	struct report_err err;
	const char *e;
	long long alert_id;
	int64_t id = req_param_id(r, 0);
	int rc;

	if (id <= 0)
		return web_report_fail(r, w, REPORT_NOTFOUND);
	memset(&v, 0, sizeof(v));
	v.form = "attach";
	v.field = "alert_id";
	v.alert_id = web_form(r, "alert_id");
	if (parse_int(v.alert_id, 1, INT64_MAX, &alert_id, &e) == -1) {
		v.msg = N_("give the number of an alert, as shown on the "
		    "Alerts page");
		return web_report_page(r, w, id, &v, 200);
	}
	memset(&err, 0, sizeof(err));
	rc = report_attach(r->app, r->store, &r->auth, id, (int64_t)alert_id,
	    &err);
	switch (rc) {
	case REPORT_OK:
		resp_redirect(w, "/queue");
		return 0;
	case REPORT_NOTFOUND:
		/* The report or the alert. If it is the report, the page
		 * below is a 404 too. */
		v.msg = N_("there is no active alert with this number");
		return web_report_page(r, w, id, &v, 200);
	case REPORT_CONFLICT:
		/* No consent to an alert, or moderated already. */
		v.field = "";
		v.msg = err.msg != NULL ? err.msg :
		    N_("the reporter did not agree to an alert");
		return web_report_page(r, w, id, &v, 409);
	default:
		return web_report_fail(r, w, rc);
	}
}
