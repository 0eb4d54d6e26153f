/*
 * sheet.h: the printed bad-date sheet. Outreach staff hand it out at
 * drop-ins and from the van, so that workers without a phone or an
 * account still get the alerts.
 *
 * A sheet is a PDF of a region's active alerts issued since a date,
 * grouped by severity (high, then medium, then low), on A4 or Letter
 * (paper_size in lookout.conf). Every page carries a footer: a QR code
 * to the report form (public_url + "/report"), "Report a bad date" and
 * "No report is not a guarantee of safety.".
 *
 * sheet_load() gathers what a sheet shows through the core, never the
 * store; sheet_print() has it drawn, with cairo and pango, by another
 * program, lookout-sheet (render.h), installed next to lookout: a
 * process started for one sheet, which exits when it is drawn, so that
 * lookout serve never maps cairo, pango, their libraries or the fonts.
 * Pango shapes and wraps every string, so French accents and Chinese
 * come out right, in Noto Sans and Noto Sans CJK SC found through
 * fontconfig (fonts-noto-core, fonts-noto-cjk).
 *
 * Words come from the same catalogs as the pages (util/i18n.h), in the
 * language the sheet is for, which need not be the reader's of a page;
 * so do the dates ("5 novembre 2026", lang_date()).
 *
 * Ownership: whatever a struct sheet points at belongs to the caller
 * (sheet_load takes it from the arena it is given); sheet_print keeps
 * nothing. Any thread may print; lookout serve's sheets are drawn one at
 * a time.
 *
 * lookout serve may not start programs once its system-call filter is
 * in (cli/sandbox.h), so it starts a small one first, lookout-spawn,
 * which starts a renderer each time it is handed a socket for one, and
 * nothing else (sheet_spawner_start).
 */
#ifndef LOOKOUT_SHEET_H
#define LOOKOUT_SHEET_H

#include <stddef.h>

#include "core/report.h"
#include "util/arena.h"
#include "util/buf.h"

/* Without a date, a sheet covers the last week: it is a weekly sheet. */
#define SHEET_DEFAULT_DAYS	7

enum sheet_paper { SHEET_A4, SHEET_LETTER };

struct sheet {
	const char		*lang;		/* "en", "fr", "zh-Hans" */
	const char		*region_code;	/* "" for every region */
	const char		*region_name;	/* NULL: "All regions" */
	const char		*since;		/* "YYYY-MM-DD" */
	const char		*until;		/* "YYYY-MM-DD", today */
	const struct alert	*alerts;	/* regions hold names */
	size_t			 n;
	const char		*report_url;	/* what the QR code holds */
	int			 url_relative;	/* no public_url: say so */
	enum sheet_paper	 paper;
};

/*
 * Fill sh with the alerts of region (and the regions under it; NULL or
 * "" for every region) issued on or after since (NULL or "" for
 * SHEET_DEFAULT_DAYS ago), with their region codes replaced by names,
 * and the paper and report address from app's configuration, in
 * English; set sh->lang for another language. Returns a REPORT_* code:
 * REPORT_INVALID with err set for an unknown region or a bad date.
 */
int	sheet_load(struct app *app, struct store *s, struct arena *a,
	    const struct auth *who, const char *region, const char *since,
	    struct sheet *sh, struct report_err *err);

/*
 * Have lookout-sheet draw sh as a PDF, appended to out. Returns 0 and the
 * page count in *pages (pages may be NULL), or -1 (logged) when the
 * renderer cannot be started, fails or says nothing whole within
 * SHEET_TIMEOUT seconds.
 */
#define SHEET_TIMEOUT	60
int	sheet_print(const struct sheet *sh, struct buf *out, int *pages);

/*
 * lookout serve, before its filter goes in: start lookout-spawn, through
 * which sheet_print starts renderers from then on. Returns 0, or -1
 * (logged) when no sheet can be made (lookout-sheet or lookout-spawn is
 * missing); serving goes on either way. sheet_spawner_stop() ends it.
 */
int	sheet_spawner_start(void);
void	sheet_spawner_stop(void);

#endif
