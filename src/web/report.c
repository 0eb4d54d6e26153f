/*
 * report.c: the report form (GET and POST /report), for members and for
 * staff entering a report on someone's behalf.
 *
 * The form is long and is often filled in by someone shaken, on a phone:
 * when the core refuses it, the same form comes back with the message
 * next to the field it is about and everything typed still in place —
 * text, ticked boxes, the radio, the selects and every identifier row.
 * The form reads its values from the request itself, so a GET renders it
 * empty and a refused POST renders it as sent.
 */
#include <stdio.h>
#include <string.h>

#include "core/report.h"
#include "util/limits.h"
#include "util/parse.h"
#include "web/web.h"
#include "web/web_internal.h"
#include "util/banned.h"

/* The identifier rows the empty form offers. */
#define IDENT_ROWS	4
/* The description fields' bytes, as the API allows. */
#define DESC_BYTES	256

/* Parse limits are generous where the core checks the real rule, so its
 * message can go next to the field instead of a bare 400 page. */
const struct field_spec web_f_report[] = {
	{ "types", F_LIST, 0, LIMIT_LIST_ITEMS, NULL, NULL },
	{ "occurred_on", F_STRING, 0, 64, NULL, NULL },
	{ "time_window", F_STRING, 0, 64, NULL, NULL },
	{ "region", F_STRING, 0, LIMIT_CODE_BYTES, NULL, NULL },
	{ "area", F_TEXT, 0, LIMIT_TEXT_BYTES, NULL, NULL },
	{ "age_range", F_STRING, 0, DESC_BYTES, NULL, NULL },
	{ "gender", F_STRING, 0, DESC_BYTES, NULL, NULL },
	{ "height", F_STRING, 0, DESC_BYTES, NULL, NULL },
	{ "build", F_STRING, 0, DESC_BYTES, NULL, NULL },
	{ "hair", F_STRING, 0, DESC_BYTES, NULL, NULL },
	{ "skin", F_STRING, 0, DESC_BYTES, NULL, NULL },
	{ "marks", F_STRING, 0, DESC_BYTES, NULL, NULL },
	{ "language", F_STRING, 0, DESC_BYTES, NULL, NULL },
	{ "make", F_STRING, 0, DESC_BYTES, NULL, NULL },
	{ "model", F_STRING, 0, DESC_BYTES, NULL, NULL },
	{ "colour", F_STRING, 0, DESC_BYTES, NULL, NULL },
	{ "plate", F_STRING, 0, DESC_BYTES, NULL, NULL },
	{ "ident_kind", F_LIST, 0, LIMIT_LIST_ITEMS, NULL, NULL },
	{ "ident_value", F_LIST, 0, LIMIT_LIST_ITEMS, NULL, NULL },
	{ "narrative", F_TEXT, 0, LIMIT_NARRATIVE_BYTES, NULL, NULL },
	{ "consent_alert", F_STRING, 0, 8, NULL, NULL },
	{ "police", F_STRING, 0, 16, NULL, NULL },
	{ "share_orgs", F_STRING, 0, 8, NULL, NULL },
	{ "hold", F_STRING, 0, 8, NULL, NULL },
	{ "contact", F_TEXT, 0, LIMIT_TEXT_BYTES, NULL, NULL },
	{ "source", F_STRING, 0, 16, NULL, NULL },
	END_FIELD
};

int
web_report_field(const char *core_field, const size_t *row_of, size_t n,
    char *out, size_t outlen)
{
	static const struct {
		const char	*core, *web;
	} same[] = {
		{ "types", "types" }, { "occurred_on", "occurred_on" },
		{ "time_window", "time_window" }, { "region", "region" },
		{ "area", "area" }, { "source", "source" },
		{ "consent.police", "police" }, { "consent", "consent" },
		{ "vehicle.plate", "plate" }, { "narrative", "narrative" },
		{ "contact", "contact" },
		/* the moderation forms */
		{ "summary", "summary" }, { "severity", "severity" },
		{ "regions", "regions" }, { "reason", "reason" },
	};
	const char *p, *err;
	long long i;
	size_t k;

	if (core_field == NULL)
		return -1;
	for (k = 0; k < sizeof(same) / sizeof(same[0]); k++)
		if (strcmp(core_field, same[k].core) == 0)
			return snprintf(out, outlen, "%s", same[k].web) <
			    (int)outlen ? 0 : -1;
	/* "identifiers[2].value": the third identifier sent, which is the
	 * row row_of[2] of the form (empty rows are not sent). */
	if (strncmp(core_field, "identifiers[", 12) != 0 ||
	    (p = strchr(core_field, ']')) == NULL)
		return -1;
	{
		char num[8];
		size_t len = (size_t)(p - core_field - 12);

		if (len == 0 || len >= sizeof(num))
			return -1;
		memcpy(num, core_field + 12, len);
		num[len] = '\0';
		if (parse_int(num, 0, (long long)n - 1, &i, &err) == -1)
			return -1;
	}
	if (strcmp(p, "].kind") == 0)
		k = (size_t)snprintf(out, outlen, "ik%zu", row_of[i] + 1);
	else if (strcmp(p, "].value") == 0)
		k = (size_t)snprintf(out, outlen, "iv%zu", row_of[i] + 1);
	else
		return -1;
	return k < outlen ? 0 : -1;
}

/* The message for a control, if the error is about it. */
static const char *
err_for(const char *field, const char *msg, const char *id)
{
	return field != NULL && strcmp(field, id) == 0 ? msg : NULL;
}

static int
is_staff(const struct http_req *r)
{
	return (r->auth.role & ROLES_STAFF) != 0;
}

/*
 * A browser counts maxlength in characters, the parser limits bytes: a
 * character is at most 3 bytes per UTF-16 unit, so these bounds never
 * let a browser send more than the field allows (which would lose the
 * whole form to a 400 page).
 */
#define ML_DESC		"maxlength=85"		/* DESC_BYTES / 3 */
#define ML_TEXT		"maxlength=1365"	/* LIMIT_TEXT_BYTES / 3 */
_Static_assert(DESC_BYTES / 3 == 85 && LIMIT_TEXT_BYTES / 3 == 1365 &&
    LIMIT_NARRATIVE_BYTES / 3 == 10922, "update the maxlength attributes");

/* One optional one-line text field, with the value sent. */
static void
text(struct http_req *r, struct buf *b, const char *name, const char *label,
    const char *hint, const char *attrs, const char *field, const char *msg)
{
	struct input in = {
		name, label, "text", "off", attrs, req_form(r, name), hint,
		err_for(field, msg, name), 1,
	};

	web_input(b, r->lang, &in);
}

static void
types_group(struct http_req *r, struct buf *b, const char *field,
    const char *msg)
{
	const char *sent[LIMIT_LIST_ITEMS];
	size_t n = req_form_all(r, "types", sent, LIMIT_LIST_ITEMS);
	char id[32];
	int i;

	web_group_begin(b, r->lang, "types", N_("What happened?"),
	    N_("Tick all that apply."), err_for(field, msg, "types"));
	for (i = 0; i < INC_COUNT; i++) {
		snprintf(id, sizeof(id), "type-%s", incident_names[i]);
		web_check(b, r->lang, "checkbox", "types", id,
		    incident_names[i], incident_labels[i],
		    web_listed(sent, n, incident_names[i]));
	}
	web_group_end(b);
}

static void
region_select(struct http_req *r, struct buf *b, struct region *regs,
    size_t nregs, const char *field, const char *msg)
{
	const char *sent = web_form(r, "region");
	size_t i;

	web_select_begin(b, r->lang, "region", "region", N_("Region"), NULL,
	    err_for(field, msg, "region"));
	web_option(b, r->lang, "", tr(r->lang, N_("Choose a region")),
	    *sent == '\0');
	for (i = 0; i < nregs; i++)
		web_option(b, r->lang, regs[i].code, regs[i].name,
		    strcmp(sent, regs[i].code) == 0);
	web_select_end(b);
}

static void
ident_rows(struct http_req *r, struct buf *b, const char *field,
    const char *msg)
{
	const char *kinds[LIMIT_LIST_ITEMS], *values[LIMIT_LIST_ITEMS];
	size_t nk = req_form_all(r, "ident_kind", kinds, LIMIT_LIST_ITEMS);
	size_t nv = req_form_all(r, "ident_value", values, LIMIT_LIST_ITEMS);
	size_t rows = nk > nv ? nk : nv, i, k;
	char ik[24], iv[24];

	if (rows < IDENT_ROWS)
		rows = IDENT_ROWS;
	html_printf(b, r->lang, "<h2>%t</h2>\n<p class=hint>%t</p>\n",
	    N_("Phone, email, plate, handle or name"),
	    N_("What they used to book or contact you. Each one helps other "
	    "workers check before a booking."));
	for (i = 0; i < rows; i++) {
		const char *kind = i < nk ? kinds[i] : "phone";
		const char *val = i < nv ? values[i] : NULL;
		const char *ek, *ev;

		snprintf(ik, sizeof(ik), "ik%zu", i + 1);
		snprintf(iv, sizeof(iv), "iv%zu", i + 1);
		ek = err_for(field, msg, ik);
		ev = err_for(field, msg, iv);
		buf_adds(b, "<div class=ident>\n");
		web_select_begin(b, r->lang, ik, "ident_kind", N_("Kind"),
		    NULL, ek);
		for (k = 0; web_ident_kinds[k] != NULL; k++)
			web_option(b, r->lang, web_ident_kinds[k],
			    tr(r->lang, web_kind_label(web_ident_kinds[k])),
			    strcmp(kind, web_ident_kinds[k]) == 0);
		web_select_end(b);
		{
			struct input in = {
				iv, N_("What they used"), "text", "off",
				"autocapitalize=none spellcheck=false "
				"maxlength=256", val, NULL, ev, 1,
			};

			/* The rows share one field name. */
			web_input_named(b, r->lang, &in, "ident_value");
		}
		buf_adds(b, "</div>\n");
	}
}

static void
consent_part(struct http_req *r, struct buf *b, const char *field,
    const char *msg)
{
	const char *police = web_form(r, "police");
	size_t k;

	if (*police == '\0')
		police = "none";
	html_printf(b, r->lang, "<h2>%t</h2>\n<p id=consent>%t</p>\n",
	    N_("Your choices"),
	    N_("You decide what is shared. You can lower these choices later "
	    "but never raise them, and an alert already sent cannot be "
	    "unsent."));
	if (err_for(field, msg, "consent") != NULL)
		html_printf(b, r->lang, "<p class=error>%t</p>\n", msg);
	web_group_begin(b, r->lang, "alert-choice", N_("Alert"), NULL, NULL);
	web_check(b, r->lang, "checkbox", "consent_alert", "consent_alert",
	    "yes", WEB_MSG_CONSENT_ALERT,
	    web_checked(req_form(r, "consent_alert")));
	web_group_end(b);
	web_group_begin(b, r->lang, "police", N_("Police"), NULL,
	    err_for(field, msg, "police"));
	for (k = 0; web_polices[k] != NULL; k++) {
		char id[24];

		snprintf(id, sizeof(id), "police-%s", web_polices[k]);
		web_check(b, r->lang, "radio", "police", id, web_polices[k],
		    web_police_choices[k], strcmp(police, web_polices[k]) == 0);
	}
	web_group_end(b);
	web_group_begin(b, r->lang, "sharing", N_("Other organisations"),
	    NULL, NULL);
	web_check(b, r->lang, "checkbox", "share_orgs", "share_orgs", "yes",
	    WEB_MSG_CONSENT_SHARE, web_checked(req_form(r, "share_orgs")));
	web_group_end(b);
	/* The hint explains the box's "until": it follows the box, and
	 * the box names it as its description. */
	web_group_begin(b, r->lang, "holding", N_("Hold"), NULL, NULL);
	html_printf(b, r->lang, "<div class=check><input type=checkbox id=hold "
	    "name=hold value=yes%R aria-describedby=hold-hint><label for=hold>"
	    "%t</label></div>\n<p class=\"hint check-hint\" id=hold-hint>%t"
	    "</p>\n", web_checked(req_form(r, "hold")) ? " checked" : "",
	    N_("Hold my report until someone else reports the same person"),
	    N_("Until then, only you can see it."));
	web_group_end(b);
}

static void
report_page(struct http_req *r, struct http_resp *w, struct region *regs,
    size_t nregs, const char *field, const char *msg)
{
	struct buf *b = &w->body;
	const char *title = is_staff(r) ? N_("Enter a report") :
	    N_("Report a bad date");
	struct input in_date = {
		"occurred_on", N_("Date"), "date", "off", "",
		req_form(r, "occurred_on"), NULL,
		err_for(field, msg, "occurred_on"), 0,
	};
	struct textarea ta_story = {
		"narrative", N_("What happened, in your words"),
		N_("Write as much or as little as you want. Staff never "
		"publish it as it is."), err_for(field, msg, "narrative"),
		req_form(r, "narrative"), 6, LIMIT_NARRATIVE_BYTES / 3, 0,
	};
	size_t k;

	page_begin(r, w, title);
	html_printf(b, r->lang, "<h1>%t</h1>\n<p>%t</p>\n", title,
	    N_("Only support staff read this report. Fill in what you can: "
	    "only what happened, the date and the region are needed."));
	/* An error about no field of the form is shown on top; one about a
	 * field is shown there, and the top says to look for it. */
	web_form_begin(r, b, "/report", field == NULL ? NULL : *field == '\0' ?
	    msg : N_("Please correct the marked fields."));
	types_group(r, b, field, msg);
	web_input(b, r->lang, &in_date);
	text(r, b, "time_window", N_("Time (optional)"),
	    N_("For example 20:00-23:00."), "maxlength=20", field, msg);
	region_select(r, b, regs, nregs, field, msg);
	text(r, b, "area", N_("Area or place (optional)"),
	    N_("For example: near the park on 5th. Not your own address."),
	    ML_TEXT, field, msg);

	html_printf(b, r->lang, "<h2>%t</h2>\n<p class=hint>%t</p>\n",
	    N_("About the person"), N_("All optional."));
	text(r, b, "age_range", N_("Age (about)"), NULL, ML_DESC, field, msg);
	text(r, b, "gender", N_("Gender"), NULL, ML_DESC, field, msg);
	text(r, b, "height", N_("Height"), NULL, ML_DESC, field, msg);
	text(r, b, "build", N_("Build"), NULL, ML_DESC, field, msg);
	text(r, b, "hair", N_("Hair"), NULL, ML_DESC, field, msg);
	text(r, b, "skin", N_("Skin"), NULL, ML_DESC, field, msg);
	text(r, b, "marks", N_("Tattoos, scars or other marks"), NULL, ML_DESC,
	    field, msg);
	text(r, b, "language", N_("Language spoken"), NULL, ML_DESC, field,
	    msg);

	html_printf(b, r->lang, "<h2>%t</h2>\n", N_("Vehicle"));
	text(r, b, "make", N_("Make"), NULL, ML_DESC, field, msg);
	text(r, b, "model", N_("Model"), NULL, ML_DESC, field, msg);
	text(r, b, "colour", N_("Colour"), NULL, ML_DESC, field, msg);
	text(r, b, "plate", N_("Licence plate"),
	    N_("Part of a plate helps too: write ? for each character you do "
	    "not know, like AB?12?."), ML_DESC, field, msg);

	ident_rows(r, b, field, msg);
	web_textarea(b, r->lang, &ta_story);
	consent_part(r, b, field, msg);
	text(r, b, "contact", N_("How can we reach you? (optional)"),
	    N_("Only if you want a support worker to follow up: a safe way "
	    "and a safe time."), ML_TEXT, field, msg);
	if (is_staff(r)) {
		const char *src = web_form(r, "source");

		web_select_begin(b, r->lang, "source", "source",
		    N_("How did this report come in?"), NULL,
		    err_for(field, msg, "source"));
		for (k = 0; web_sources[k] != NULL; k++)
			web_option(b, r->lang, web_sources[k], tr(r->lang,
			    web_source_label(web_sources[k])),
			    strcmp(src, web_sources[k]) == 0);
		web_select_end(b);
	}
	web_form_end(r, b, N_("Send the report"));
}

#define MSG_NOT_SAVED_FULL	N_("Your report was not saved: the server's " \
	"disk is full. Everything you wrote is still below. Please try " \
	"again later, or keep a copy and give it to outreach staff.")
#define MSG_NOT_SAVED_BUSY	N_("Your report was not saved: the service " \
	"is busy. Everything you wrote is still below. Please send it " \
	"again in a moment.")

/* The regions for the picker: 0, or 1 when a busy store has been
 * answered already, or -1 for the server's 500. */
static int
regions(struct http_req *r, struct http_resp *w, struct region **regs,
    size_t *n)
{
	int rc = region_list(r->app, r->store, r->arena, regs, n);

	if (rc == ACCOUNT_OK) {
		region_sort(r->lang, *regs, *n);
		return 0;
	}
	if (rc == ACCOUNT_UNAVAILABLE)
		return web_report_fail(r, w, REPORT_UNAVAILABLE) == 0 ? 1 : -1;
	return -1;
}

int
web_report_form(struct http_req *r, struct http_resp *w)
{
	struct region *regs;
	size_t n;
	int rc;

	if ((rc = regions(r, w, &regs, &n)) != 0)
		return rc > 0 ? 0 : -1;
	report_page(r, w, regs, n, NULL, NULL);
	return web_finish(r, w);
}

int
web_report_post(struct http_req *r, struct http_resp *w)
{
	const char *kinds[LIMIT_LIST_ITEMS], *values[LIMIT_LIST_ITEMS];
	size_t row_of[LIMIT_LIST_ITEMS], nk, nv, i, rows, n;
	const char *police = web_form(r, "police");
	struct report_err err;
	struct report_in in;
	struct region *regs;
	char field[32];
	int64_t id;
	int rc;

	memset(&in, 0, sizeof(in));
	in.ntypes = req_form_all(r, "types", in.types, LIMIT_LIST_ITEMS);
	in.occurred_on = web_form(r, "occurred_on");
	in.time_window = web_form(r, "time_window");
	in.region = web_form(r, "region");
	in.area = web_form(r, "area");
	in.offender.age_range = web_form(r, "age_range");
	in.offender.gender = web_form(r, "gender");
	in.offender.height = web_form(r, "height");
	in.offender.build = web_form(r, "build");
	in.offender.hair = web_form(r, "hair");
	in.offender.skin = web_form(r, "skin");
	in.offender.marks = web_form(r, "marks");
	in.offender.language = web_form(r, "language");
	in.vehicle.make = web_form(r, "make");
	in.vehicle.model = web_form(r, "model");
	in.vehicle.colour = web_form(r, "colour");
	in.vehicle.plate = web_form(r, "plate");
	/* The rows pair kinds and values by order; a row left empty is
	 * not an identifier. */
	nk = req_form_all(r, "ident_kind", kinds, LIMIT_LIST_ITEMS);
	nv = req_form_all(r, "ident_value", values, LIMIT_LIST_ITEMS);
	rows = nk > nv ? nk : nv;
	for (i = n = 0; i < rows; i++) {
		if (i >= nv || web_blank(values[i]))
			continue;
		in.idents[n].kind = i < nk ? kinds[i] : "";
		in.idents[n].value = values[i];
		row_of[n++] = i;
	}
	in.nidents = n;
	in.narrative = web_form(r, "narrative");
	in.consent.alert = web_checked(req_form(r, "consent_alert"));
	in.consent.police = *police != '\0' ? police : "none";
	in.consent.share_orgs = web_checked(req_form(r, "share_orgs"));
	in.hold = web_checked(req_form(r, "hold"));
	in.contact = web_form(r, "contact");
	/* Members always report through the web; staff say how the report
	 * reached them. */
	in.source = is_staff(r) ? web_form(r, "source") : "web";

	memset(&err, 0, sizeof(err));
	rc = report_create(r->app, r->store, &r->auth, &in, &id, &err);
	if (rc == REPORT_OK) {
		resp_redirect(w, arena_printf(r->arena, "/reports/%lld",
		    (long long)id));
		return 0;
	}
	if (rc == REPORT_UNAVAILABLE) {
		/* Nothing was saved, but nothing she wrote is lost either:
		 * the form comes back as she filled it, saying why. */
		if ((rc = regions(r, w, &regs, &n)) != 0)
			return rc > 0 ? 0 : -1;
		report_page(r, w, regs, n, "", err.msg != NULL ?
		    MSG_NOT_SAVED_FULL : MSG_NOT_SAVED_BUSY);
		w->status = 503;
		resp_header(w, "Retry-After", err.msg != NULL ? "60" : "5");
		return web_finish(r, w);
	}
	if (rc != REPORT_INVALID)
		return web_report_fail(r, w, rc);
	if ((rc = regions(r, w, &regs, &n)) != 0)
		return rc > 0 ? 0 : -1;
	if (web_report_field(err.field, row_of, in.nidents, field,
	    sizeof(field)) == 0)
		report_page(r, w, regs, n, field, err.msg);
	else
		report_page(r, w, regs, n, "", err.msg != NULL ? err.msg :
		    WEB_MSG_BAD_REQUEST);
	return web_finish(r, w);
}
