/*
 * cases.c: staff work support requests (GET /cases, GET /cases/{id}) —
 * claim one, keep notes, close it with an outcome — and open a case from
 * a report whose reporter asked for follow-up (POST /reports/{id}/case).
 *
 * The queue is the core's order, most urgent first, and each row says
 * why in words, not only by its place. Opening a case is an audited read
 * of sealed data; the code word is shown first and large, because it is
 * the first thing a worker says when she calls.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/help.h"
#include "util/limits.h"
#include "web/web.h"
#include "web/web_internal.h"
#include "util/banned.h"

const struct field_spec web_q_cases[] = {
	{ "status", F_STRING, 0, 16, NULL, NULL },
	END_FIELD
};

const struct field_spec web_f_case_note[] = {
	{ "text", F_TEXT, 0, LIMIT_TEXT_BYTES, NULL, NULL },
	END_FIELD
};

const struct field_spec web_f_case_close[] = {
	{ "outcome", F_STRING, 0, 32, NULL, NULL },
	{ "detail", F_TEXT, 0, LIMIT_TEXT_BYTES, NULL, NULL },
	END_FIELD
};

/* What a re-rendered case page shows besides the case: the form that
 * failed ("note" or "close"), the field and message, what was typed. */
struct case_form {
	const char	*form;
	const char	*field;
	const char	*msg;
	const char	*text;
	const char	*outcome;
	const char	*detail;
};

static int
case_fail(struct http_req *r, struct http_resp *w, int rc)
{
	switch (rc) {
	case REPORT_GONE:
		return web_error(r, w, 410, N_("The person withdrew this "
		    "request. Its details have been erased."));
	case REPORT_CONFLICT:
		return web_error(r, w, 409, N_("This case is closed."));
	default:
		return web_report_fail(r, w, rc);
	}
}

static const char *
err_at(const struct case_form *f, const char *form, const char *field)
{
	if (f == NULL || f->form == NULL || f->field == NULL ||
	    strcmp(f->form, form) != 0 || strcmp(f->field, field) != 0)
		return NULL;
	return f->msg;
}

static void
priority_badge(struct buf *b, const char *lang, int priority)
{
	html_printf(b, lang, "<span class=\"badge prio prio-%d\">%t</span>",
	    priority >= 1 && priority <= 4 ? priority : 4,
	    web_priority_label(priority));
}

static const char *
kind_label(const char *kind)
{
	return kind != NULL && strcmp(kind, "report") == 0 ?
	    N_("From a report") : N_("Help request");
}

static void
assigned(struct http_req *r, struct buf *b, int64_t to)
{
	if (to == 0)
		html_printf(b, r->lang, "%t", N_("Nobody yet"));
	else if (to == r->auth.user_id)
		html_printf(b, r->lang, "%t", N_("You"));
	else
		html_printf(b, r->lang, "%t %lld", N_("Staff account"),
		    (long long)to);
}

static int64_t
age(int64_t created_at)
{
	int64_t now = (int64_t)time(NULL);

	return now > created_at ? now - created_at : 0;
}

/* GET /cases */

int
web_cases(struct http_req *r, struct http_resp *w)
{
	const char *status = req_query(r, "status");
	struct buf *b = &w->body;
	struct case_line *l;
	size_t n, i;
	int rc, all = status != NULL && strcmp(status, "all") == 0;

	if ((rc = case_queue(r->app, r->store, r->arena, &r->auth, status, &l,
	    &n)) != 0)
		return case_fail(r, w, rc);
	page_begin(r, w, N_("Cases"));
	html_printf(b, r->lang, "<h1>%t</h1>\n<p class=hint>%t</p>\n"
	    "<p><a href=/cases%R>%t</a> · <a href=\"/cases?status=all\"%R>%t"
	    "</a></p>\n",
	    N_("Cases"),
	    N_("Most urgent first: in danger now, under 18, coercion, then "
	    "the others; the oldest first within each."),
	    all ? "" : " aria-current=page", N_("Open cases"),
	    all ? " aria-current=page" : "", N_("All cases"));
	if (n == 0)
		html_printf(b, r->lang, "<p>%t</p>\n",
		    N_("No case is waiting."));
	else
		buf_adds(b, "<ul class=rows id=cases>\n");
	for (i = 0; i < n; i++) {
		html_printf(b, r->lang, "<li><a href=/cases/%lld>",
		    (long long)l[i].id);
		priority_badge(b, r->lang, l[i].priority);
		html_printf(b, r->lang, " %t</a> <span>",
		    kind_label(l[i].kind));
		if (l[i].needs != 0) {
			web_needs(b, r->lang, l[i].needs);
			buf_adds(b, " · ");
		}
		if (l[i].language != NULL && *l[i].language != '\0')
			html_printf(b, r->lang, "%s · ", web_help_lang_text(
			    r->lang, l[i].language));
		html_printf(b, r->lang, "%t ", N_("Waiting:"));
		web_waiting(b, r->lang, age(l[i].created_at));
		html_printf(b, r->lang, " · %t ", N_("Taken by:"));
		assigned(r, b, l[i].assigned_to);
		html_printf(b, r->lang, "</span> <span class=\"status "
		    "status-%s\">%t</span></li>\n", l[i].status,
		    web_case_status_label(l[i].status));
	}
	if (n > 0)
		buf_adds(b, "</ul>\n");
	return web_finish(r, w);
}

/* GET /cases/{id} */

static void
row(struct buf *b, const char *lang, const char *label, const char *value)
{
	if (value != NULL && *value != '\0')
		html_printf(b, lang, "<dt>%t</dt><dd class=story>%s</dd>\n",
		    label, value);
}

static void
yes_no(struct buf *b, const char *lang, const char *label, int v)
{
	html_printf(b, lang, "<li>%t: <strong>%t</strong></li>", label,
	    v ? N_("Yes") : N_("No"));
}

static void
details(struct http_req *r, struct buf *b, const struct case_view *v)
{
	const char *lang = r->lang;
	char day[11];

	buf_adds(b, "<dl class=report>\n");
	html_printf(b, lang, "<dt>%t</dt><dd>%t", N_("Contact"),
	    web_method_label(v->method));
	if (v->contact != NULL && *v->contact != '\0')
		html_printf(b, lang, ": <strong>%s</strong>", v->contact);
	buf_adds(b, "</dd>\n");
	row(b, lang, N_("Safe times"), v->safe_times);
	if (v->line.language != NULL && *v->line.language != '\0')
		html_printf(b, lang, "<dt>%t</dt><dd>%s</dd>\n",
		    N_("Language"), web_help_lang_text(lang, v->line.language));
	if (v->line.needs != 0) {
		html_printf(b, lang, "<dt>%t</dt><dd>", N_("Needs"));
		web_needs(b, lang, v->line.needs);
		buf_adds(b, "</dd>\n");
	}
	if (v->report_id == 0) {
		html_printf(b, lang, "<dt>%t</dt><dd><ul>", N_("Answers"));
		yes_no(b, lang, N_("In danger now"), v->danger_now);
		yes_no(b, lang, N_("Forced to work"), v->forced);
		yes_no(b, lang, N_("Someone holds their ID or money"),
		    v->id_or_money_held);
		yes_no(b, lang, N_("Under 18"), v->under_18);
		buf_adds(b, "</ul></dd>\n");
	} else {
		html_printf(b, lang, "<dt>%t</dt><dd><a href=/reports/%lld>"
		    "%t %lld</a></dd>\n", N_("From a report"),
		    (long long)v->report_id, N_("Report"),
		    (long long)v->report_id);
	}
	web_date(v->line.created_at, day);
	html_printf(b, lang, "<dt>%t</dt><dd>%s (", N_("Received"),
	    web_day(r->arena, lang, day));
	web_waiting(b, lang, age(v->line.created_at));
	html_printf(b, lang, ")</dd>\n<dt>%t</dt><dd>", N_("Taken by:"));
	assigned(r, b, v->line.assigned_to);
	buf_adds(b, "</dd>\n");
	if (v->outcome != NULL && *v->outcome != '\0') {
		html_printf(b, lang, "<dt>%t</dt><dd>%t</dd>\n", N_("Outcome"),
		    web_outcome_label(v->outcome));
		row(b, lang, N_("About the outcome"), v->outcome_detail);
	}
	buf_adds(b, "</dl>\n");
}

static void
notes(struct http_req *r, struct buf *b, const struct case_view *v)
{
	char day[11];
	size_t i;

	html_printf(b, r->lang, "<h2>%t</h2>\n", N_("Notes"));
	if (v->nnotes == 0) {
		html_printf(b, r->lang, "<p>%t</p>\n", N_("No notes yet."));
		return;
	}
	buf_adds(b, "<ul class=notes id=notes>\n");
	for (i = 0; i < v->nnotes; i++) {
		web_date(v->notes[i].created_at, day);
		html_printf(b, r->lang, "<li><p class=meta>%s · ",
		    web_day(r->arena, r->lang, day));
		assigned(r, b, v->notes[i].author_id);
		html_printf(b, r->lang, "</p><p class=story>%s</p></li>\n",
		    v->notes[i].text);
	}
	buf_adds(b, "</ul>\n");
}

static void
forms(struct http_req *r, struct buf *b, const struct case_view *v,
    const struct case_form *f)
{
	const char *lang = r->lang, *status = v->line.status;
	int workable = strcmp(status, "open") == 0 ||
	    strcmp(status, "claimed") == 0;
	const char *outcome = f != NULL && f->outcome != NULL ? f->outcome : "";
	struct textarea ta_note = {
		"text", N_("Add a note"),
		N_("Only staff of your organisation read notes. They are kept "
		"sealed."), err_at(f, "note", "text"),
		f != NULL ? f->text : NULL, 3, LIMIT_TEXT_BYTES / 3, 1,
	};
	struct textarea ta_detail = {
		"detail", N_("About the outcome (optional)"),
		N_("Needed for Referred: say to whom."),
		err_at(f, "close", "detail"), f != NULL ? f->detail : NULL, 2,
		LIMIT_TEXT_BYTES / 3, 0,
	};
	char action[48];
	size_t k;

	if (strcmp(status, "withdrawn") == 0)
		return;
	if (workable && v->line.assigned_to != r->auth.user_id) {
		snprintf(action, sizeof(action), "/cases/%lld/claim",
		    (long long)v->line.id);
		web_form_open(r, b, action, "stack");
		html_printf(b, lang, "<button type=submit class=primary>%t"
		    "</button>\n</form>\n", v->line.assigned_to == 0 ?
		    N_("Take this case") : N_("Take this case over"));
	}
	snprintf(action, sizeof(action), "/cases/%lld/note",
	    (long long)v->line.id);
	web_form_begin(r, b, action, NULL);
	web_textarea(b, lang, &ta_note);
	web_form_end(r, b, N_("Save the note"));
	if (!workable)
		return;
	snprintf(action, sizeof(action), "/cases/%lld/close",
	    (long long)v->line.id);
	html_printf(b, lang, "<h2>%t</h2>\n", N_("Close the case"));
	web_form_begin(r, b, action, NULL);
	web_select_begin(b, lang, "outcome", "outcome", N_("Outcome"), NULL,
	    err_at(f, "close", "outcome"));
	web_option(b, lang, "", tr(lang, N_("Choose an outcome")),
	    *outcome == '\0');
	for (k = 0; k < OUTCOME_COUNT; k++)
		web_option(b, lang, case_outcome_names[k], tr(lang,
		    case_outcome_labels[k]),
		    strcmp(outcome, case_outcome_names[k]) == 0);
	web_select_end(b);
	web_textarea(b, lang, &ta_detail);
	web_form_end(r, b, N_("Close the case"));
}

static int
case_page(struct http_req *r, struct http_resp *w, int64_t id,
    const struct case_form *f)
{
	struct buf *b = &w->body;
	struct case_view v;
	int rc;

	if (id <= 0)
		return case_fail(r, w, REPORT_NOTFOUND);
	if ((rc = case_get(r->app, r->store, r->arena, &r->auth, id, &v)) != 0)
		return case_fail(r, w, rc);
	page_begin(r, w, N_("Case"));
	html_printf(b, r->lang, "<h1>%t ", kind_label(v.line.kind));
	priority_badge(b, r->lang, v.line.priority);
	buf_adds(b, "</h1>\n");
	if (f != NULL && f->msg != NULL)
		html_printf(b, r->lang, "<p class=error role=alert>%t</p>\n",
		    f->field != NULL && *f->field != '\0' ?
		    N_("Please correct the marked fields.") : f->msg);
	html_printf(b, r->lang, "<p class=status>%t <strong>%t</strong></p>\n",
	    N_("Status:"), web_case_status_label(v.line.status));
	if (strcmp(v.line.status, "withdrawn") == 0) {
		html_printf(b, r->lang, "<p class=note>%t</p>\n",
		    N_("The person withdrew this request. Its details have "
		    "been erased."));
	} else {
		html_printf(b, r->lang, "<section class=codeword>\n"
		    "<h2>%t</h2>\n", N_("Say this first"));
		if (v.code_word != NULL && *v.code_word != '\0')
			html_printf(b, r->lang, "<p><output id=\"code-word\">"
			    "%s</output></p>\n", v.code_word);
		else
			html_printf(b, r->lang, "<p>%t</p>\n",
			    N_("No code word was given. Say who you are and "
			    "where you work before anything else."));
		buf_adds(b, "</section>\n");
	}
	details(r, b, &v);
	notes(r, b, &v);
	forms(r, b, &v, f);
	return web_finish(r, w);
}

int
web_case_view(struct http_req *r, struct http_resp *w)
{
	return case_page(r, w, req_param_id(r, 0), NULL);
}

static void
back_to(struct http_req *r, struct http_resp *w, int64_t id)
{
	resp_redirect(w, arena_printf(r->arena, "/cases/%lld", (long long)id));
}

/* POST /cases/{id}/claim */

int
web_case_claim(struct http_req *r, struct http_resp *w)
{
	int64_t id = req_param_id(r, 0);
	int rc;

	if (id <= 0)
		return case_fail(r, w, REPORT_NOTFOUND);
	/* 0: for oneself. */
	if ((rc = case_assign(r->app, r->store, &r->auth, id, 0)) != 0)
		return case_fail(r, w, rc);
	back_to(r, w, id);
	return 0;
}

/* POST /cases/{id}/note */

int
web_case_note(struct http_req *r, struct http_resp *w)
{
	struct report_err err;
	struct case_form f;
	int64_t id = req_param_id(r, 0);
	int rc;

	if (id <= 0)
		return case_fail(r, w, REPORT_NOTFOUND);
	memset(&f, 0, sizeof(f));
	memset(&err, 0, sizeof(err));
	f.text = web_form(r, "text");
	rc = case_note_add(r->app, r->store, &r->auth, id, f.text, &err);
	if (rc == REPORT_OK) {
		back_to(r, w, id);
		return 0;
	}
	if (rc != REPORT_INVALID)
		return case_fail(r, w, rc);
	f.form = "note";
	f.field = "text";
	f.msg = err.msg != NULL ? err.msg : WEB_MSG_BAD_REQUEST;
	return case_page(r, w, id, &f);
}

/* POST /cases/{id}/close */

int
web_case_close(struct http_req *r, struct http_resp *w)
{
	struct report_err err;
	struct case_form f;
	int64_t id = req_param_id(r, 0);
	int rc;

	if (id <= 0)
		return case_fail(r, w, REPORT_NOTFOUND);
	memset(&f, 0, sizeof(f));
	memset(&err, 0, sizeof(err));
	f.outcome = web_form(r, "outcome");
	f.detail = web_form(r, "detail");
	rc = case_close(r->app, r->store, &r->auth, id, f.outcome, f.detail,
	    &err);
	if (rc == REPORT_OK) {
		back_to(r, w, id);
		return 0;
	}
	if (rc != REPORT_INVALID)
		return case_fail(r, w, rc);
	f.form = "close";
	f.field = err.field != NULL && strcmp(err.field, "detail") == 0 ?
	    "detail" : err.field != NULL && strcmp(err.field, "outcome") ==
	    0 ? "outcome" : "";
	f.msg = err.msg != NULL ? err.msg : WEB_MSG_BAD_REQUEST;
	return case_page(r, w, id, &f);
}

/* POST /reports/{id}/case */

int
web_case_from_report(struct http_req *r, struct http_resp *w)
{
	struct report_view v;
	int64_t id = req_param_id(r, 0), case_id = 0;
	int rc;

	if (id <= 0)
		return web_report_fail(r, w, REPORT_NOTFOUND);
	rc = case_from_report(r->app, r->store, &r->auth, id, &case_id);
	if (rc == REPORT_OK) {
		back_to(r, w, case_id);
		return 0;
	}
	if (rc != REPORT_CONFLICT)
		return web_report_fail(r, w, rc);
	memset(&v, 0, sizeof(v));
	v.form = "case";
	v.field = "";
	v.msg = N_("this report has no contact for follow-up, or already has "
	    "a case");
	return web_report_page(r, w, id, &v, 409);
}
