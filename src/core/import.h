/*
 * import.h: reports from a CSV file (DESIGN.md, "CSV import"), for the
 * paper sheets, phone lines and spreadsheets that organisations kept
 * before lookout.
 *
 * The header row names the columns, in any order; an unknown or repeated
 * column refuses the whole file before any row is read. Each row is then
 * filed as its own report, in its own transaction, by the organisation's
 * staff (who): a bad row is reported through the note callback and
 * skipped, and never costs a good one. A row with a summary is also
 * published as an alert, in the same transaction as its report.
 *
 * Imported reports have source "paper" and the consent that shares
 * least: no police sharing, no sharing with other organisations, and an
 * alert only when the row carries a summary (staff wrote one, so staff
 * judged the alert agreed).
 *
 * Free text the report has no whole field for (the "offender" and
 * "vehicle" columns) is kept verbatim at the top of the sealed narrative,
 * under "Offender:" and "Vehicle:", rather than squeezed into one of the
 * short structured fields. A partial plate ("AB?12?") becomes the
 * report's vehicle plate, as reports cannot carry partial identifiers.
 */
#ifndef LOOKOUT_IMPORT_H
#define LOOKOUT_IMPORT_H

#include <stddef.h>

#include "core/account.h"
#include "core/app.h"
#include "core/csv.h"

enum import_rc {
	IMPORT_OK = 0,		/* the file was read (rows may be skipped) */
	IMPORT_BAD_FILE = -1,	/* unreadable, or a bad header: nothing done */
	IMPORT_STOPPED = -2,	/* the database failed part way: rows before
				 * stop_line are in, the rest are not */
};

struct import_result {
	size_t	 imported;	/* rows filed as reports */
	size_t	 skipped;	/* bad rows, each reported through note */
	size_t	 alerts;	/* alerts published from rows */
	size_t	 stop_line;	/* IMPORT_STOPPED: the row not imported */
	char	 err[256];	/* IMPORT_BAD_FILE, IMPORT_STOPPED: why */
};

/* Called once per skipped row with the line it starts on and what is
 * wrong with it ("occurred_on: give the date as YYYY-MM-DD"). The
 * message names columns, never their contents. */
typedef void	(*import_note_fn)(void *arg, size_t line, const char *msg);

/* The column names, in the order docs/import.md lists them. */
extern const char *const import_columns[];

/*
 * Import every row c yields. region is the region code for rows without
 * one of their own (may be NULL). who must be staff; their organisation
 * owns the reports.
 */
int	import_csv(struct app *app, struct store *s, const struct auth *who,
	    struct csv *c, const char *region, import_note_fn note, void *arg,
	    struct import_result *res);

#endif
