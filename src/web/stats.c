/*
 * stats.c: the public statistics (GET /stats), each table as CSV (GET
 * /stats.csv?table=...), and the transparency report (GET
 * /transparency).
 *
 * Only published values leave this file: a count below k is its "<k"
 * string, and its true count is never drawn, written or even scaled
 * against (a hatched bar as long as k stands for "fewer than k", so the
 * picture is the same whatever the count is). The charts are inline SVG
 * with presentation attributes: the CSP forbids style attributes and
 * scripts, not SVG's own fill= and width=.
 */
#include <stdio.h>
#include <string.h>

#include "core/help.h"
#include "web/web.h"
#include "web/web_internal.h"
#include "util/banned.h"

/* The chart's geometry, in viewBox units: a label line, then the bar. */
#define CHART_W		400
#define CHART_BAR_MAX	320
#define CHART_ROW	40
#define CHART_FONT	14

/* Row labels: the text a row is shown with. */

static const char *
row_as_is(const char *lang, const char *row)
{
	(void)lang;
	return row;
}

static const char *
row_type(const char *lang, const char *row)
{
	int i;

	for (i = 0; i < INC_COUNT; i++)
		if (strcmp(row, incident_names[i]) == 0)
			return tr(lang, incident_labels[i]);
	return row;
}

static const char *
row_outcome(const char *lang, const char *row)
{
	return tr(lang, web_outcome_label(row));
}

static const struct table {
	const char	*name;		/* ?table= */
	const char	*title;		/* msgids */
	const char	*head;
	const char	*count_head;
	const char	*csv_head;	/* CSV column names */
	const char	*csv_count;
	web_row_label	 label;
} tables[] = {
	{ "month", N_("Incidents by month"), N_("Month"), N_("Incidents"),
	    "month", "incidents", row_as_is },
	{ "type", N_("Incidents by type"), N_("Type"), N_("Incidents"),
	    "type", "incidents", row_type },
	{ "region", N_("Incidents by region"), N_("Region"), N_("Incidents"),
	    "region", "incidents", row_as_is },
	{ "outcome", N_("Help requests by outcome"), N_("Outcome"),
	    N_("Help requests"), "outcome", "help_requests", row_outcome },
};
#define NTABLES	(sizeof(tables) / sizeof(tables[0]))

static const char *
table_valid(const char *v)
{
	size_t i;

	for (i = 0; i < NTABLES; i++)
		if (strcmp(v, tables[i].name) == 0)
			return NULL;
	return "table must be month, type, region or outcome";
}

const struct field_spec web_q_stats_csv[] = {
	{ "table", F_STRING, 1, 16, NULL, table_valid },
	END_FIELD
};

static void
cells_of(const struct stats *st, size_t t, const struct stat_cell **c,
    size_t *n)
{
	switch (t) {
	case 0:	*c = st->by_month; *n = st->nmonth; break;
	case 1:	*c = st->by_type; *n = st->ntype; break;
	case 2:	*c = st->by_region; *n = st->nregion; break;
	default: *c = st->by_outcome; *n = st->noutcome; break;
	}
}

/* Rendering */

void
web_bar_chart(struct buf *b, const char *lang, const char *id,
    const struct stat_cell *c, size_t n, int k, web_row_label label)
{
	long long max = k > 0 ? k : 1, width, y;
	struct arena a;
	size_t i;

	if (n == 0)
		return;
	arena_init(&a);
	for (i = 0; i < n; i++)
		if (c[i].count >= k && c[i].count > max)
			max = c[i].count;
	html_printf(b, lang, "<svg class=chart viewBox=\"0 0 %d %lld\" "
	    "width=\"100%%\" aria-hidden=\"true\" focusable=\"false\">\n"
	    "<defs><pattern id=\"hatch-%s\" width=\"8\" height=\"8\" "
	    "patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
	    "<rect width=\"3\" height=\"8\" fill=\"#767676\"/></pattern>"
	    "</defs>\n", CHART_W, (long long)n * CHART_ROW, id);
	for (i = 0; i < n; i++) {
		int published = c[i].count >= k;

		y = (long long)i * CHART_ROW;
		/* A suppressed cell is drawn as k: the most it can be. */
		width = (published ? c[i].count : (k > 0 ? k : 0)) *
		    CHART_BAR_MAX / max;
		if (width == 0 && (!published || c[i].count > 0))
			width = 1;
		html_printf(b, lang, "<text x=\"0\" y=\"%lld\" "
		    "font-size=\"%d\" fill=\"#1a1a1a\">%s</text>\n",
		    y + CHART_FONT, CHART_FONT, label(lang, c[i].row));
		if (published)
			html_printf(b, lang, "<rect x=\"0\" y=\"%lld\" "
			    "width=\"%lld\" height=\"16\" fill=\"#1b4f9c\"/>\n",
			    y + 19, width);
		else
			html_printf(b, lang, "<rect x=\"0\" y=\"%lld\" "
			    "width=\"%lld\" height=\"16\" "
			    "fill=\"url(#hatch-%s)\" stroke=\"#555555\" "
			    "stroke-width=\"1\"/>\n", y + 19, width, id);
		html_printf(b, lang, "<text x=\"%lld\" y=\"%lld\" "
		    "font-size=\"%d\" fill=\"#1a1a1a\">%s</text>\n", width + 6,
		    y + 32, CHART_FONT, web_count(&a, lang, c[i].shown));
	}
	buf_adds(b, "</svg>\n");
	arena_release(&a);
}

void
web_csv_field(struct buf *b, const char *s)
{
	const char *p;
	int quote = 0;

	if (s == NULL)
		s = "";
	for (p = s; *p != '\0'; p++)
		if (*p == ',' || *p == '"' || *p == '\r' || *p == '\n')
			quote = 1;
	if (quote)
		buf_addch(b, '"');
	/* A spreadsheet would run it as a formula. */
	if (*s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' ||
	    *s == '\r')
		buf_addch(b, '\'');
	for (p = s; *p != '\0'; p++) {
		if (*p == '"')
			buf_addch(b, '"');
		buf_addch(b, *p);
	}
	if (quote)
		buf_addch(b, '"');
}

void
web_stats_csv_rows(struct buf *b, const char *head, const char *count_col,
    const struct stat_cell *c, size_t n)
{
	size_t i;

	web_csv_field(b, head);
	buf_addch(b, ',');
	web_csv_field(b, count_col);
	buf_adds(b, "\r\n");
	for (i = 0; i < n; i++) {
		web_csv_field(b, c[i].row);
		buf_addch(b, ',');
		web_csv_field(b, c[i].shown);
		buf_adds(b, "\r\n");
	}
}

static void
stats_table(struct buf *b, struct arena *a, const char *lang,
    const struct table *t, const struct stat_cell *c, size_t n, int k)
{
	size_t i;

	html_printf(b, lang, "<section class=stats id=\"stats-%s\">\n"
	    "<h2>%t</h2>\n", t->name, t->title);
	web_bar_chart(b, lang, t->name, c, n, k, t->label);
	html_printf(b, lang, "<table>\n<thead><tr><th scope=col>%t</th>"
	    "<th scope=col class=num>%t</th></tr></thead>\n<tbody>\n",
	    t->head, t->count_head);
	for (i = 0; i < n; i++)
		html_printf(b, lang, "<tr><th scope=row>%s</th>"
		    "<td class=num>%s</td></tr>\n", t->label(lang, c[i].row),
		    web_count(a, lang, c[i].shown));
	html_printf(b, lang, "</tbody>\n</table>\n"
	    "<p><a href=\"/stats.csv?table=%s\" download>%t</a></p>\n"
	    "</section>\n", t->name, N_("Download this table (CSV)"));
}

/* GET /stats */

int
web_stats(struct http_req *r, struct http_resp *w)
{
	struct buf *b = &w->body;
	const struct stat_cell *c;
	struct stats st;
	size_t t, n;
	int rc;

	if ((rc = stats_get(r->app, r->store, r->arena, &st)) != 0)
		return web_report_fail(r, w, rc);
	page_begin(r, w, N_("Statistics"));
	html_printf(b, r->lang, "<h1>%t</h1>\n<p>%t</p>\n"
	    "<p>%t <strong>&lt;%d</strong></p>\n",
	    N_("Statistics"),
	    N_("How many bad dates were reported, and what came of the "
	    "requests for support. These are counts only: nothing in them "
	    "says who reported or who asked."),
	    N_("So that nobody can be recognised, a count that is too small "
	    "is shown as"), st.k);
	for (t = 0; t < NTABLES; t++) {
		cells_of(&st, t, &c, &n);
		stats_table(b, r->arena, r->lang, &tables[t], c, n, st.k);
	}
	return web_finish(r, w);
}

/* GET /stats.csv?table=... */

int
web_stats_csv(struct http_req *r, struct http_resp *w)
{
	const char *name = req_query(r, "table");
	const struct stat_cell *c;
	struct stats st;
	size_t t, n;
	int rc;

	for (t = 0; t < NTABLES; t++)
		if (name != NULL && strcmp(name, tables[t].name) == 0)
			break;
	if (t == NTABLES)
		return web_error(r, w, 400, WEB_MSG_BAD_REQUEST);
	if ((rc = stats_get(r->app, r->store, r->arena, &st)) != 0)
		return web_report_fail(r, w, rc);
	cells_of(&st, t, &c, &n);
	buf_reset(&w->body);
	w->status = 200;
	w->content_type = "text/csv; charset=utf-8";
	resp_header(w, "Content-Disposition", arena_printf(r->arena,
	    "attachment; filename=\"lookout-stats-%s.csv\"", tables[t].name));
	web_stats_csv_rows(&w->body, tables[t].csv_head, tables[t].csv_count,
	    c, n);
	return w->body.overflow ? -1 : 0;
}

/* GET /transparency */

int
web_transparency(struct http_req *r, struct http_resp *w)
{
	static const char *const terms[][2] = {
		{ N_("Liaison views"), N_("How many times a police or "
		    "partner-agency liaison opened the list of reports shared "
		    "with them.") },
		{ N_("Shared anonymously"), N_("Reports a liaison saw with "
		    "only the sanitised alert: no story, no contact, nothing "
		    "that says who reported.") },
		{ N_("Shared in full"), N_("Reports a liaison saw with the "
		    "reporter's own words and contact, because she chose to "
		    "make a police report with a support worker.") },
		{ N_("Reports of police incidents"), N_("Reports of an "
		    "incident that involved the police.") },
	};
	struct buf *b = &w->body;
	struct transparency_row *t;
	size_t n, i;
	int k, rc;

	if ((rc = transparency_get(r->app, r->store, r->arena, &t, &n,
	    &k)) != 0)
		return web_report_fail(r, w, rc);
	page_begin(r, w, N_("Transparency"));
	html_printf(b, r->lang, "<h1>%t</h1>\n<p>%t</p>\n<dl class=report>\n",
	    N_("Transparency"),
	    N_("A report is shared with the police only when the person who "
	    "made it chose so, and only as far as she chose. Here is every "
	    "time it happened, by quarter."));
	for (i = 0; i < sizeof(terms) / sizeof(terms[0]); i++)
		html_printf(b, r->lang, "<dt>%t</dt><dd>%t</dd>\n", terms[i][0],
		    terms[i][1]);
	html_printf(b, r->lang, "</dl>\n<p>%t <strong>&lt;%d</strong></p>\n",
	    N_("So that nobody can be recognised, a count that is too small "
	    "is shown as"), k);
	if (n == 0) {
		html_printf(b, r->lang, "<p>%t</p>\n",
		    N_("Nothing to show yet: no report has been shared."));
		return web_finish(r, w);
	}
	html_printf(b, r->lang, "<table id=transparency>\n<thead><tr>"
	    "<th scope=col>%t</th><th scope=col class=num>%t</th>"
	    "<th scope=col class=num>%t</th><th scope=col class=num>%t</th>"
	    "<th scope=col class=num>%t</th></tr></thead>\n<tbody>\n",
	    N_("Quarter"), terms[0][0], terms[1][0], terms[2][0], terms[3][0]);
	for (i = 0; i < n; i++)
		html_printf(b, r->lang, "<tr><th scope=row>%s</th>"
		    "<td class=num>%s</td><td class=num>%s</td>"
		    "<td class=num>%s</td><td class=num>%s</td></tr>\n",
		    t[i].quarter, t[i].views_shown, t[i].anonymous_shown,
		    t[i].full_shown, t[i].police_incidents_shown);
	buf_adds(b, "</tbody>\n</table>\n");
	return web_finish(r, w);
}
