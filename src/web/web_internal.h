/*
 * web_internal.h: helpers shared by the page files of src/web. Nothing
 * outside src/web includes this.
 *
 * Form widgets write one field each: its <label for>, an optional hint
 * and error (msgids, translated as they are written), and the control.
 * Values are whatever the visitor typed, escaped; a page that re-renders
 * after an error passes them back so nothing typed is lost (never a
 * password). Every string goes through html_printf, so every value is
 * escaped unless it is program-built markup.
 */
#ifndef LOOKOUT_WEB_INTERNAL_H
#define LOOKOUT_WEB_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/report.h"
#include "http/http.h"
#include "util/buf.h"

/* How long the lk_lang cookie remembers a language picked with ?lang=. */
#define LANG_COOKIE_SECONDS	(365L * 24 * 3600)

/* GET /static/{name}: the embedded assets of src/web/static. */
int	web_static(struct http_req *r, struct http_resp *w);

/* Field declarations end with this. The HTTP layer itself allows and
 * checks "csrf" in every web form and "lang" in every web GET. */
#define END_FIELD	{ NULL, 0, 0, 0, NULL, NULL }

/* widgets.c */

struct input {
	const char	*name;		/* also the id */
	const char	*label;		/* msgid */
	const char	*type;
	const char	*autocomplete;
	const char	*attrs;		/* more attributes, program-built */
	const char	*value;		/* NULL: empty (always, for passwords) */
	const char	*hint;		/* msgid or NULL */
	const char	*error;		/* msgid or NULL */
	int		 optional;	/* no "required" */
};
void	web_input(struct buf *b, const char *lang, const struct input *in);
/* The same with a field name other than the id (rows that repeat). */
void	web_input_named(struct buf *b, const char *lang,
	    const struct input *in, const char *name);

struct textarea {
	const char	*name;		/* also the id */
	const char	*label;
	const char	*hint;
	const char	*error;
	const char	*value;
	int		 rows;
	size_t		 maxlength;
	int		 required;
};
void	web_textarea(struct buf *b, const char *lang,
	    const struct textarea *t);

/* <div class=field> with its label, hint and error, then an open
 * <select>; add options with web_option() and close with
 * web_select_end(). */
void	web_select_begin(struct buf *b, const char *lang, const char *id,
	    const char *name, const char *label, const char *hint,
	    const char *error);
/* text is written escaped as it is: translate it first if it is one. */
void	web_option(struct buf *b, const char *lang, const char *value,
	    const char *text, int selected);
void	web_select_end(struct buf *b);

/* A group of checkboxes or radios: <fieldset class=field id=id> with a
 * legend, hint and error; web_check() adds one box, web_group_end()
 * closes it. */
void	web_group_begin(struct buf *b, const char *lang, const char *id,
	    const char *legend, const char *hint, const char *error);
void	web_check(struct buf *b, const char *lang, const char *type,
	    const char *name, const char *id, const char *value,
	    const char *label_msgid, int checked);
/* The same with a label that is not a msgid (a region's name). */
void	web_check_text(struct buf *b, const char *lang, const char *type,
	    const char *name, const char *id, const char *value,
	    const char *text, int checked);
void	web_group_end(struct buf *b);

/* <form method=post action=...> with the CSRF field; error (a msgid) is
 * shown first as an alert. web_form_open() is the same without the
 * stacked layout or error, for one-button forms. */
void	web_form_begin(struct http_req *r, struct buf *b, const char *action,
	    const char *error);
void	web_form_open(struct http_req *r, struct buf *b, const char *action,
	    const char *cls);
void	web_form_end(struct http_req *r, struct buf *b, const char *button);

/* page_end(), and -1 (so the server answers 500) if the page did not
 * fit its buffer. */
int	web_finish(struct http_req *r, struct http_resp *w);

/* labels.c: the words for the core's wire values. Each returns a msgid
 * (for %t), never NULL: an unknown value is shown as itself. */
const char	*web_status_label(const char *status);
const char	*web_severity_label(const char *severity);
const char	*web_kind_label(const char *kind);
const char	*web_source_label(const char *source);
const char	*web_police_label(const char *police);

/* Value lists, each ending with NULL. */
extern const char *const web_ident_kinds[];	/* phone email plate ... */
extern const char *const web_screen_kinds[];	/* ... and keyword */
extern const char *const web_sources[];
extern const char *const web_severities[];
extern const char *const web_polices[];
/* What each police choice means, for the radios, in web_polices order. */
extern const char *const web_police_choices[];

/* The consent boxes, on the report form and on the owner's page. */
#define WEB_MSG_CONSENT_ALERT	N_("Yes, staff may send an alert to warn " \
	"other workers. An alert never says who reported.")
#define WEB_MSG_CONSENT_SHARE	N_("Yes, other support organisations in " \
	"the network may see this report")

/*
 * Messages the core returns in English and the pages translate, but that
 * xgettext cannot find where they are written (array initialisers,
 * assignments to *why, account_strerror's returns); listing them here
 * puts them in the catalogs. The core's loop_invalid() messages are
 * extracted from src/core/ directly (po/update.sh). Ends with NULL.
 */
extern const char *const web_core_msgids[];

/* "Violence, Threats": the translated names of the bits of types,
 * escaped, into b. */
/* 1 when v is one of the n strings of list. */
int	web_listed(const char *const *list, size_t n, const char *v);
void	web_types(struct buf *b, const char *lang, int64_t types);
/* "a, b, c": codes escaped and comma-separated into b. */
void	web_codes(struct buf *b, const char *lang, const char *const *codes,
	    size_t n);
/* The UTC date of a Unix time, "2026-11-20". */
void	web_date(int64_t t, char out[11]);
/* A "YYYY-MM-DD" date as people read it in lang ("November 27, 2026",
 * "27 novembre 2026", "2026年11月27日"), from the pattern and month names
 * in the catalogs, allocated in a; anything that is not such a date
 * comes back as it is. (util/i18n.h lang_date(), for the pages.) */
const char	*web_day(struct arena *a, const char *lang, const char *iso);
/* A published count ("1234", or "<5") with lang's digit grouping
 * ("1,234", "1 234"); anything but plain digits comes back as it is.
 * (util/i18n.h lang_count().) */
const char	*web_count(struct arena *a, const char *lang, const char *n);
/* Was the checkbox ticked? ("yes", as our forms send, or "on".) */
int	web_checked(const char *v);
/* Is s empty or only blanks? (An identifier row left empty.) */
int	web_blank(const char *s);
/* The value of a field, or "" when absent. */
const char	*web_form(const struct http_req *r, const char *name);

/* Route handlers and their field declarations, by file. */

/* register.c */
extern const struct field_spec web_f_register[];
extern const struct field_spec web_f_invite[];
int	web_register(struct http_req *r, struct http_resp *w);
int	web_register_post(struct http_req *r, struct http_resp *w);
int	web_invites(struct http_req *r, struct http_resp *w);
int	web_invites_post(struct http_req *r, struct http_resp *w);

/* report.c */
extern const struct field_spec web_f_report[];
int	web_report_form(struct http_req *r, struct http_resp *w);
int	web_report_post(struct http_req *r, struct http_resp *w);
/*
 * The id of the form control a core error field is about: "occurred_on"
 * is itself, "consent.police" is "police", "vehicle.plate" is "plate",
 * and "identifiers[i].value" is "iv" and the 1-based form row that
 * identifier i came from, row_of[i] (rows left empty are not sent, so
 * the two differ). Returns 0, or -1 when no control matches.
 */
int	web_report_field(const char *core_field, const size_t *row_of,
	    size_t n, char *out, size_t outlen);

/* report_view.c */
extern const struct field_spec web_f_consent[];
extern const struct field_spec web_f_none[];
int	web_reports_mine(struct http_req *r, struct http_resp *w);
int	web_report_view(struct http_req *r, struct http_resp *w);
int	web_report_consent(struct http_req *r, struct http_resp *w);
int	web_report_withdraw(struct http_req *r, struct http_resp *w);
int	web_report_delete(struct http_req *r, struct http_resp *w);

/*
 * What a re-rendered report page shows besides the report: the form that
 * failed (by name: "consent", "alert", "no-alert", "attach"), the field
 * and message of the error, and what staff typed into the moderation
 * forms. All may be NULL or zero.
 */
struct report_view {
	const char	*form;
	const char	*field;
	const char	*msg;
	/* the alert form */
	const char	*summary;
	const char	*severity;
	const char	*regions[LIMIT_LIST_ITEMS];
	size_t		 nregions;
	const char	*kinds[LIMIT_LIST_ITEMS];
	const char	*values[LIMIT_LIST_ITEMS];
	size_t		 nrows;
	int		 posted;	/* the alert form's fields are set */
	const char	*reason;
	const char	*alert_id;
};
/* Read report id (audited) and render its page with v, answering status;
 * a report who may not see is a 404 page. */
int	web_report_page(struct http_req *r, struct http_resp *w, int64_t id,
	    const struct report_view *v, int status);
/* The answer for a core failure that no form can show: 404, 410, 503 or
 * -1 for the server's 500. */
int	web_report_fail(struct http_req *r, struct http_resp *w, int rc);

/* moderate.c */
extern const struct field_spec web_f_alert[];
extern const struct field_spec web_f_no_alert[];
extern const struct field_spec web_f_attach[];
int	web_queue(struct http_req *r, struct http_resp *w);
int	web_alert_publish(struct http_req *r, struct http_resp *w);
int	web_alert_none(struct http_req *r, struct http_resp *w);
int	web_alert_attach(struct http_req *r, struct http_resp *w);
/* The moderation forms of a report's page, for staff. */
void	web_moderation_forms(struct http_req *r, struct buf *b,
	    const struct report *rp, struct region *regs, size_t nregs,
	    const struct report_view *v);

/* alerts.c */
extern const struct field_spec web_q_alerts[];
int	web_alerts(struct http_req *r, struct http_resp *w);
int	web_feed_new(struct http_req *r, struct http_resp *w);
int	web_feed_revoke(struct http_req *r, struct http_resp *w);
int	web_feed(struct http_req *r, struct http_resp *w);

/* sheet.c: the printed sheet, as a PDF download for staff. */
extern const struct field_spec web_q_sheet[];
int	web_alerts_sheet(struct http_req *r, struct http_resp *w);

/* screen.c */
extern const struct field_spec web_f_screen[];
int	web_screen(struct http_req *r, struct http_resp *w);
int	web_screen_post(struct http_req *r, struct http_resp *w);

/* The words of the help loop (labels.c). Each returns a msgid, never
 * NULL; an unknown value is shown as itself. The status of a help
 * request is told to her in a sentence, and to staff in a word. */
const char	*web_help_status_text(const char *status);
const char	*web_case_status_label(const char *status);
const char	*web_priority_label(int priority);
const char	*web_method_label(const char *method);
const char	*web_tier_label(const char *tier);
const char	*web_outcome_label(const char *outcome);
/* The languages a help request offers, ending with NULL, and the text
 * for one (its own name, "Another language" translated, or the code as
 * it is): text, not a msgid. */
extern const char *const web_help_langs[];
const char	*web_help_lang_text(const char *lang, const char *code);
/* "Safety planning, Housing": the translated names of the bits of
 * needs, escaped, into b. */
void	web_needs(struct buf *b, const char *lang, int64_t needs);
/* How long something has waited, in words ("3 days"), into b. */
void	web_waiting(struct buf *b, const char *lang, int64_t seconds);

/* help.c: the public help request, its status and withdrawal. */
extern const struct field_spec web_f_help[];
extern const struct field_spec web_f_help_ref[];
int	web_help(struct http_req *r, struct http_resp *w);
int	web_help_post(struct http_req *r, struct http_resp *w);
int	web_help_status(struct http_req *r, struct http_resp *w);
int	web_help_status_post(struct http_req *r, struct http_resp *w);
int	web_help_withdraw(struct http_req *r, struct http_resp *w);

/* cases.c: staff work the cases; a case from a report. */
extern const struct field_spec web_q_cases[];
extern const struct field_spec web_f_case_note[];
extern const struct field_spec web_f_case_close[];
int	web_cases(struct http_req *r, struct http_resp *w);
int	web_case_view(struct http_req *r, struct http_resp *w);
int	web_case_claim(struct http_req *r, struct http_resp *w);
int	web_case_note(struct http_req *r, struct http_resp *w);
int	web_case_close(struct http_req *r, struct http_resp *w);
int	web_case_from_report(struct http_req *r, struct http_resp *w);

/* police.c: what a liaison sees. */
int	web_police(struct http_req *r, struct http_resp *w);

/* stats.c: the public statistics, their CSV, the transparency page. */
extern const struct field_spec web_q_stats_csv[];
int	web_stats(struct http_req *r, struct http_resp *w);
int	web_stats_csv(struct http_req *r, struct http_resp *w);
int	web_transparency(struct http_req *r, struct http_resp *w);

/*
 * The pieces of the statistics that are pure rendering, for the tests.
 * A count is drawn or written only as its published form: a cell below
 * k is "<k" (c->shown), and its true count is never read, so the output
 * is the same whatever it is. label(lang, row) gives the text of a row.
 */
struct stat_cell;
typedef const char *(*web_row_label)(const char *lang, const char *row);
/* An inline SVG bar chart (presentation attributes only: the CSP
 * forbids style attributes); id makes its pattern's id unique on the
 * page. A cell below k is a hatched bar as long as k, labelled "<k". */
void	web_bar_chart(struct buf *b, const char *lang, const char *id,
	    const struct stat_cell *c, size_t n, int k, web_row_label label);
/* The same cells as CSV (RFC 4180, CRLF): a header row "head,count_col",
 * then one row per cell with its code and published value. */
void	web_stats_csv_rows(struct buf *b, const char *head,
	    const char *count_col, const struct stat_cell *c, size_t n);
/* One CSV field: quoted when it holds a comma, quote, CR or LF (quotes
 * doubled); a field that a spreadsheet would run as a formula (= + - @
 * tab CR first) is given a leading apostrophe. */
void	web_csv_field(struct buf *b, const char *s);

/* A new feed address for her (the old one stops working): 0 with *url,
 * or an enum report_rc. The URL holds the secret: show it once. */
int	web_feed_make(struct http_req *r, const char **url);

/* subscriptions.c: her regions and how alerts reach her. */
extern const struct field_spec web_f_me_subscriptions[];
int	web_me_subscriptions(struct http_req *r, struct http_resp *w);
int	web_me_subscriptions_post(struct http_req *r, struct http_resp *w);

/* me.c: a member's regions, and deleting her account. */
extern const struct field_spec web_f_me_regions[];
extern const struct field_spec web_f_me_delete[];
int	web_me_regions(struct http_req *r, struct http_resp *w);
int	web_me_regions_post(struct http_req *r, struct http_resp *w);
int	web_me_delete(struct http_req *r, struct http_resp *w);
int	web_me_delete_post(struct http_req *r, struct http_resp *w);

/* unsubscribe.c: the stop link of alert emails (public, the token is the
 * key). */
extern const struct field_spec web_q_unsubscribe[];
extern const struct field_spec web_f_unsubscribe[];
int	web_unsubscribe(struct http_req *r, struct http_resp *w);
int	web_unsubscribe_post(struct http_req *r, struct http_resp *w);

#endif
