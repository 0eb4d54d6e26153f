/*
 * render.c: drawing the printed bad-date sheet (render.h), in the
 * lookout-sheet process only: lookout itself never maps cairo, pango or
 * the fonts.
 *
 * Layout is done twice with the same code: a first pass only measures,
 * to learn the page count for "1 / 3" in the footers; the second draws.
 * Text is laid out one pango line at a time, so a page breaks between
 * any two lines, even inside a summary longer than a page. A severity
 * heading is kept with the start of its first alert and repeated atop
 * each page its group goes on to, and an alert that fits on a page is
 * never split.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#include "core/account.h"
#include "print/render.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/sanitizer.h"
#include "util/banned.h"

/* Points: 1/72 inch. */
static const struct {
	double	w, h;
} papers[] = {
	[SHEET_A4] = { 595.28, 841.89 },
	[SHEET_LETTER] = { 612.0, 792.0 },
};

#define MARGIN		40.0	/* all round, about 14 mm */
#define QR_SIZE		76.0	/* with its quiet zone; about 27 mm */
#define QR_QUIET	4	/* modules of white around the code */
#define FOOTER_GAP	14.0	/* between the body and the footer rule */
#define INDENT		12.0	/* an alert's text, right of its bar */
#define BAR_WIDTH	3.0
#define BLOCK_GAP	12.0	/* between two alerts */

/* Latin text in Noto Sans, Chinese in Noto Sans CJK SC; a Chinese
 * sheet takes even its punctuation from the CJK face. */
#define FONT_LATIN	"Noto Sans,Noto Sans CJK SC"
#define FONT_CJK	"Noto Sans CJK SC,Noto Sans"
#define PT_TITLE	20.0
#define PT_HEADING	13.0
#define PT_BODY		10.5
#define PT_SMALL	9.0

struct rgb {
	double	r, g, b;
};

static const struct rgb ink = { 0.10, 0.10, 0.10 };
static const struct rgb grey = { 0.38, 0.38, 0.38 };

static const struct {
	const char	*severity;
	const char	*heading;	/* msgid */
	struct rgb	 colour;
} groups[] = {
	{ "high", N_("High severity"), { 0.72, 0.09, 0.09 } },
	{ "medium", N_("Medium severity"), { 0.78, 0.40, 0.00 } },
	{ "low", N_("Low severity"), { 0.30, 0.38, 0.46 } },
};

#define NGROUPS (sizeof(groups) / sizeof(groups[0]))

/* Where layout is: the cursor, the page, and whether to draw at all. */
struct pen {
	const struct sheet	*sh;
	cairo_t			*cr;
	PangoContext		*pc;
	QRcode			*qr;
	int			 draw;	/* 0 while measuring */
	int			 page;	/* 1-based */
	int			 pages;	/* the total, once measured */
	double			 w, h;	/* the paper */
	double			 x, width;	/* the body column */
	double			 y, bottom;	/* the cursor, the body's end */
	double			 top;	/* where this page's body starts */
	int			 group;	/* groups[] being laid out, or -1 */
};

static const char *
T(const struct pen *p, const char *msgid)
{
	return tr(p->sh->lang, msgid);
}

/* A "YYYY-MM-DD" date as the sheet's readers write it ("5 novembre
 * 2026"), or as it is when it is not one; g_free() it. */
static char *
date_text(const struct pen *p, const char *iso)
{
	struct buf b;
	char *out;

	if (iso == NULL)
		return g_strdup("");
	buf_init(&b, BUF_CAP_SMALL);
	out = g_strdup(lang_date_buf(&b, p->sh->lang, iso) == 0 ? b.buf :
	    iso);
	buf_release(&b);
	return out;
}

static void
colour(cairo_t *cr, const struct rgb *c)
{
	cairo_set_source_rgb(cr, c->r, c->g, c->b);
}

/* A layout of text (never markup: summaries are staff-written text) in
 * the faces of family, wrapped to width points. */
static PangoLayout *
layout_in(struct pen *p, const char *family, const char *text,
    double size, int bold, double width)
{
	PangoFontDescription *fd;
	PangoLayout *l;

	l = pango_layout_new(p->pc);
	fd = pango_font_description_new();
	pango_font_description_set_family(fd, family);
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD :
	    PANGO_WEIGHT_NORMAL);
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_text(l, text, -1);
	return l;
}

/* The same in the sheet's language's faces. */
static PangoLayout *
layout(struct pen *p, const char *text, double size, int bold,
    double width)
{
	return layout_in(p, p->sh->lang != NULL &&
	    strcmp(p->sh->lang, "zh-Hans") == 0 ? FONT_CJK : FONT_LATIN,
	    text, size, bold, width);
}

static double
layout_height(PangoLayout *l)
{
	PangoRectangle log;

	pango_layout_get_extents(l, NULL, &log);
	return (double)log.height / PANGO_SCALE;
}

/* The height of the first n lines of l. */
static double
lines_height(PangoLayout *l, int n)
{
	PangoLayoutIter *it;
	PangoRectangle log;
	double h = 0;

	it = pango_layout_get_iter(l);
	do {
		pango_layout_iter_get_line_extents(it, NULL, &log);
		h += (double)log.height / PANGO_SCALE;
	} while (--n > 0 && pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	return h;
}

/* Draw l whole with its top left at (x, y). */
static void
show(struct pen *p, PangoLayout *l, double x, double y,
    const struct rgb *c)
{
	if (!p->draw)
		return;
	colour(p->cr, c);
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, l);
}

/* The QR code as filled squares, one path; runs of dark modules in a
 * row make one rectangle each. */
static void
draw_qr(struct pen *p, double x, double y)
{
	const QRcode *q = p->qr;
	double m = QR_SIZE / (q->width + 2 * QR_QUIET);
	int row, col, run;

	cairo_set_source_rgb(p->cr, 1, 1, 1);
	cairo_rectangle(p->cr, x, y, QR_SIZE, QR_SIZE);
	cairo_fill(p->cr);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	x += QR_QUIET * m;
	y += QR_QUIET * m;
	for (row = 0; row < q->width; row++) {
		for (col = 0; col < q->width; col += run) {
			run = 0;
			while (col + run < q->width &&
			    (q->data[row * q->width + col + run] & 1))
				run++;
			if (run == 0) {
				run = 1;
				continue;
			}
			cairo_rectangle(p->cr, x + col * m, y + row * m,
			    run * m, m);
		}
	}
	cairo_fill(p->cr);
}

static void
rule(struct pen *p, double y, const struct rgb *c, double width)
{
	if (!p->draw)
		return;
	colour(p->cr, c);
	cairo_set_line_width(p->cr, width);
	cairo_move_to(p->cr, MARGIN, y);
	cairo_line_to(p->cr, p->w - MARGIN, y);
	cairo_stroke(p->cr);
}

/* The footer of every page: the QR code, what it is for, the safety
 * note and the page number. */
static void
footer(struct pen *p)
{
	const struct sheet *sh = p->sh;
	double top = p->h - MARGIN - QR_SIZE, tx = MARGIN + QR_SIZE + 12;
	double tw = p->w - MARGIN - tx - 48, y = top + 2;
	PangoLayout *l;
	char num[32];

	if (!p->draw)
		return;
	rule(p, top - 8, &grey, 0.5);
	draw_qr(p, MARGIN, top);
	l = layout(p, T(p, N_("Report a bad date")), PT_HEADING, 1, tw);
	show(p, l, tx, y, &ink);
	y += layout_height(l) + 2;
	g_object_unref(l);
	/* A relative address is no use on paper: ask people to ask. An
	 * address is Latin text, whatever the sheet's language. */
	if (sh->url_relative)
		l = layout(p, T(p, N_("Ask us for the web address of the "
		    "report form.")), PT_SMALL, 0, tw);
	else
		l = layout_in(p, FONT_LATIN, sh->report_url, PT_SMALL, 0, tw);
	show(p, l, tx, y, &ink);
	y += layout_height(l) + 4;
	g_object_unref(l);
	l = layout(p, T(p, N_("No report is not a guarantee of safety.")),
	    PT_BODY, 1, tw);
	show(p, l, tx, y, &ink);
	g_object_unref(l);
	snprintf(num, sizeof(num), "%d / %d", p->page, p->pages);
	l = layout(p, num, PT_SMALL, 0, 48);
	pango_layout_set_alignment(l, PANGO_ALIGN_RIGHT);
	show(p, l, p->w - MARGIN - 48, p->h - MARGIN - layout_height(l),
	    &grey);
	g_object_unref(l);
}

/* The title, region and dates; big on the first page, one small line
 * on the others. */
static void
header(struct pen *p)
{
	const struct sheet *sh = p->sh;
	const char *region = sh->region_name != NULL ? sh->region_name :
	    T(p, N_("All regions"));
	char *since = date_text(p, sh->since);
	char *until = date_text(p, sh->until);
	PangoLayout *l;
	char *text;

	if (p->page > 1) {
		text = g_strdup_printf("%s · %s · %s – %s", T(p,
		    N_("Bad date sheet")), region, since, until);
		l = layout(p, text, PT_SMALL, 0, p->width);
		show(p, l, p->x, p->y, &grey);
		p->y += layout_height(l) + 4;
		g_object_unref(l);
		g_free(text);
		rule(p, p->y, &grey, 0.5);
		p->y += 12;
		goto out;
	}
	l = layout(p, T(p, N_("Bad date sheet")), PT_TITLE, 1, p->width);
	show(p, l, p->x, p->y, &ink);
	p->y += layout_height(l) + 2;
	g_object_unref(l);
	l = layout(p, region, PT_HEADING, 1, p->width);
	show(p, l, p->x, p->y, &ink);
	p->y += layout_height(l) + 2;
	g_object_unref(l);
	text = g_strdup_printf("%s %s – %s", T(p, N_("Alerts issued:")),
	    since, until);
	l = layout(p, text, PT_BODY, 0, p->width);
	show(p, l, p->x, p->y, &ink);
	p->y += layout_height(l) + 8;
	g_object_unref(l);
	g_free(text);
	rule(p, p->y, &ink, 1.0);
	p->y += 14;
out:
	g_free(since);
	g_free(until);
}

static PangoLayout *
heading_layout(struct pen *p, int g)
{
	return layout(p, T(p, groups[g].heading), PT_HEADING, 1, p->width);
}

/* A severity group's heading and its rule, at the cursor. */
static void
heading(struct pen *p, int g)
{
	PangoLayout *l = heading_layout(p, g);

	show(p, l, p->x, p->y, &groups[g].colour);
	p->y += layout_height(l) + 2;
	g_object_unref(l);
	if (p->draw) {
		colour(p->cr, &groups[g].colour);
		cairo_set_line_width(p->cr, 1.2);
		cairo_move_to(p->cr, p->x, p->y);
		cairo_line_to(p->cr, p->x + p->width, p->y);
		cairo_stroke(p->cr);
	}
	p->y += 6;
}

static void
page_begin(struct pen *p)
{
	p->y = MARGIN;
	p->bottom = p->h - MARGIN - QR_SIZE - FOOTER_GAP;
	footer(p);
	header(p);
	/* A group that goes on from the page before says again which it
	 * is: a sheet is often read one page at a time. */
	if (p->group >= 0)
		heading(p, p->group);
	p->top = p->y;
}

static void
page_next(struct pen *p)
{
	if (p->draw)
		cairo_show_page(p->cr);
	p->page++;
	page_begin(p);
}

/* Make room for h points: a new page unless they fit, or unless the
 * page is still empty (then nothing would fit better). */
static void
need(struct pen *p, double h)
{
	if (p->y + h > p->bottom && p->y > p->top)
		page_next(p);
}

/* Lay out l's lines from the cursor down, breaking the page between
 * lines; with bar set, a bar of that colour runs left of them. */
static void
flow(struct pen *p, PangoLayout *l, double x, const struct rgb *c,
    const struct rgb *bar)
{
	PangoLayoutIter *it;
	PangoRectangle log;
	double h, base;

	it = pango_layout_get_iter(l);
	do {
		pango_layout_iter_get_line_extents(it, NULL, &log);
		h = (double)log.height / PANGO_SCALE;
		base = (double)(pango_layout_iter_get_baseline(it) - log.y) /
		    PANGO_SCALE;
		if (p->y + h > p->bottom)
			page_next(p);
		if (p->draw) {
			if (bar != NULL) {
				colour(p->cr, bar);
				cairo_rectangle(p->cr, p->x, p->y, BAR_WIDTH,
				    h);
				cairo_fill(p->cr);
			}
			colour(p->cr, c);
			cairo_move_to(p->cr, x + (double)log.x / PANGO_SCALE,
			    p->y + base);
			pango_cairo_show_layout_line(p->cr,
			    pango_layout_iter_get_line_readonly(it));
		}
		p->y += h;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
}

static char *
types_text(struct pen *p, int64_t types)
{
	GString *s = g_string_new(NULL);
	int i;

	for (i = 0; i < INC_COUNT; i++) {
		if (!(types & ((int64_t)1 << i)))
			continue;
		if (s->len > 0)
			g_string_append(s, lang_list_sep(p->sh->lang));
		g_string_append(s, T(p, incident_labels[i]));
	}
	return g_string_free(s, FALSE);
}

static char *
regions_text(struct pen *p, const struct alert *al)
{
	GString *s = g_string_new(T(p, N_("Regions:")));
	size_t i;

	for (i = 0; i < al->nregions; i++)
		g_string_append_printf(s, "%s%s", i ? ", " : " ",
		    al->regions[i]);
	return g_string_free(s, FALSE);
}

/* One alert of group g: issued date and types, regions, summary. The
 * group's first alert brings its heading, kept on the same page. */
static void
alert_block(struct pen *p, const struct alert *al, int g, int first_of)
{
	const struct rgb *c = &groups[g].colour;
	double tw = p->width - INDENT, gap = 0, first, whole;
	PangoLayout *head, *regs, *sum;
	char *types, *text, *issued;

	types = types_text(p, al->types);
	issued = date_text(p, al->issued_on);
	text = g_strdup_printf("%s %s%s%s", T(p, N_("Issued")), issued,
	    *types != '\0' ? " · " : "", types);
	head = layout(p, text, PT_BODY, 1, tw);
	g_free(text);
	g_free(issued);
	g_free(types);
	text = regions_text(p, al);
	regs = layout(p, text, PT_SMALL, 0, tw);
	g_free(text);
	sum = layout(p, al->summary != NULL ? al->summary : "", PT_BODY, 0,
	    tw);

	if (first_of) {
		PangoLayout *l = heading_layout(p, g);

		gap = layout_height(l) + 8;
		g_object_unref(l);
	}
	first = layout_height(head) + layout_height(regs) + 3 +
	    lines_height(sum, 2);
	whole = layout_height(head) + layout_height(regs) + 3 +
	    layout_height(sum);
	/* The whole alert on one page when a page can hold it; else at
	 * least its start with the heading. */
	if (gap + whole <= p->bottom - p->top)
		need(p, gap + whole);
	else
		need(p, gap + first);
	if (first_of) {
		heading(p, g);
		p->group = g;
	}
	flow(p, head, p->x + INDENT, &ink, c);
	flow(p, regs, p->x + INDENT, &grey, c);
	p->y += 3;
	flow(p, sum, p->x + INDENT, &ink, c);
	p->y += BLOCK_GAP;
	g_object_unref(head);
	g_object_unref(regs);
	g_object_unref(sum);
}

/* The whole sheet, from page 1; returns the page count. */
static int
layout_sheet(struct pen *p)
{
	const struct sheet *sh = p->sh;
	PangoLayout *l;
	size_t i, shown = 0;
	int g, first;

	p->page = 1;
	p->group = -1;
	page_begin(p);
	for (g = 0; g < (int)NGROUPS; g++) {
		first = 1;
		for (i = 0; i < sh->n; i++) {
			if (sh->alerts[i].severity == NULL ||
			    strcmp(sh->alerts[i].severity,
			    groups[g].severity) != 0)
				continue;
			alert_block(p, &sh->alerts[i], g, first);
			first = 0;
			shown++;
		}
		p->group = -1;
		if (!first)
			p->y += 6;
	}
	if (shown == 0) {
		l = layout(p, T(p, N_("No alerts for this region in this "
		    "period.")), PT_BODY, 0, p->width);
		flow(p, l, p->x, &ink, NULL);
		g_object_unref(l);
	}
	return p->page;
}

/* cairo's stream callback, on to the caller's. */
struct stream {
	sheet_write_fn	 fn;
	void		*arg;
	int		 failed;
};

static cairo_status_t
stream_write(void *closure, const unsigned char *data, unsigned int len)
{
	struct stream *st = closure;

	if (st->failed || st->fn(st->arg, data, len) != 0) {
		st->failed = 1;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

/* Pango picks glyph forms by language: Simplified Chinese ones for
 * zh-Hans, not Japanese or Traditional ones. */
static const char *
pango_lang(const char *lang)
{
	if (lang != NULL && strcmp(lang, "zh-Hans") == 0)
		return "zh-cn";
	return lang != NULL ? lang : "en";
}

/*
 * One font map for the process, made once and kept: each pango font map
 * starts a thread of its own for fontconfig, and pango's default map
 * would be one per thread. A font map is not safe to share between
 * threads at once, so sheets are drawn one at a time.
 */
static PangoFontMap *font_map;
static pthread_once_t font_map_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t font_map_lock = PTHREAD_MUTEX_INITIALIZER;

static void
font_map_init(void)
{
	font_map = pango_cairo_font_map_new();
}

int
sheet_render(const struct sheet *sh, sheet_write_fn fn, void *arg,
    int *pages)
{
	struct stream st = { fn, arg, 0 };
	cairo_surface_t *surf = NULL;
	cairo_status_t cs;
	struct pen p;
	int rc = -1;

	memset(&p, 0, sizeof(p));
	p.sh = sh;
	p.w = papers[sh->paper == SHEET_LETTER ? SHEET_LETTER : SHEET_A4].w;
	p.h = papers[sh->paper == SHEET_LETTER ? SHEET_LETTER : SHEET_A4].h;
	p.x = MARGIN;
	p.width = p.w - 2 * MARGIN;
	p.qr = QRcode_encodeString(sh->report_url, 0, QR_ECLEVEL_M,
	    QR_MODE_8, 1);
	if (p.qr == NULL) {
		log_error("sheet: cannot make the QR code of '%s'",
		    sh->report_url);
		return -1;
	}
	pthread_once(&font_map_once, font_map_init);
	pthread_mutex_lock(&font_map_lock);
	surf = cairo_pdf_surface_create_for_stream(stream_write, &st, p.w,
	    p.h);
	p.cr = cairo_create(surf);
	if ((cs = cairo_status(p.cr)) != CAIRO_STATUS_SUCCESS) {
		log_error("sheet: cannot start the PDF: %s",
		    cairo_status_to_string(cs));
		goto out;
	}
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE,
	    T(&p, N_("Bad date sheet")));
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR,
	    "lookout");
	p.pc = pango_font_map_create_context(font_map);
	pango_cairo_update_context(p.cr, p.pc);
	pango_context_set_language(p.pc,
	    pango_language_from_string(pango_lang(sh->lang)));

	p.draw = 0;
	p.pages = layout_sheet(&p);
	p.draw = 1;
	layout_sheet(&p);
	cairo_show_page(p.cr);
	cairo_surface_finish(surf);
	/* cairo may drop a write error made while finishing: check both. */
	if ((cs = cairo_surface_status(surf)) != CAIRO_STATUS_SUCCESS ||
	    st.failed) {
		log_error("sheet: cannot write the PDF: %s",
		    cairo_status_to_string(st.failed ?
		    CAIRO_STATUS_WRITE_ERROR : cs));
		goto out;
	}
	if (pages != NULL)
		*pages = p.pages;
	rc = 0;
out:
	if (p.pc != NULL)
		g_object_unref(p.pc);
	cairo_destroy(p.cr);
	cairo_surface_destroy(surf);
	pthread_mutex_unlock(&font_map_lock);
	QRcode_free(p.qr);
	return rc;
}

static int
buf_write(void *arg, const unsigned char *data, size_t len)
{
	return buf_add(arg, data, len);
}

int
sheet_render_buf(const struct sheet *sh, struct buf *out, int *pages)
{
	if (sheet_render(sh, buf_write, out, pages) != 0) {
		if (out->overflow)
			log_error("sheet: the PDF is larger than its buffer");
		return -1;
	}
	return 0;
}

/* AddressSanitizer's leak checker is on. */
#define LEAK_CHECKED	ASAN_BUILD

#if LEAK_CHECKED
/*
 * LeakSanitizer reads its built-in suppressions from this hook. What the
 * libraries keep for the life of the process, LeakSanitizer cannot see
 * as reachable: fontconfig's patterns, cached by cairo and pango, which
 * stay the same size after one sheet or a thousand. cairo 1.16 also
 * loses 768 bytes each time it finishes a PDF holding a CID-keyed CFF
 * font (Noto Sans CJK), inside cairo_surface_finish. The sanitizer's
 * fast unwinder stops inside libcairo, so here that means all of
 * libcairo; tests/unit/test_sheet.c unwinds fully and replaces this
 * (weak) list with a narrower one, so that our own cairo objects stay
 * checked there.
 */
const char *__lsan_default_suppressions(void);

__attribute__((weak)) const char *
__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n"
	    "leak:libcairo.so\n";
}
#endif

