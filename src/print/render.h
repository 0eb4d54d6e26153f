/*
 * render.h: the lookout-sheet program, which draws the printed sheet
 * (sheet.h) with cairo and pango, and what it shares with lookout: the
 * request it reads and the answer it writes.
 *
 * lookout sends a struct sheet as one JSON object (sheet_encode) on the
 * renderer's standard input and closes it; the renderer answers on its
 * standard output with the line
 *
 *	lookout-sheet PAGES LENGTH\n
 *
 * followed by exactly LENGTH bytes of PDF, or with nothing at all when
 * it fails (the reason goes to its standard error, lookout's log). The
 * renderer draws the whole PDF before it writes any of it, so a reader
 * that receives the line and LENGTH bytes has the whole sheet.
 *
 * Only render.c and the renderer link cairo, pango and libqrencode.
 */
#ifndef LOOKOUT_RENDER_H
#define LOOKOUT_RENDER_H

#include <stddef.h>

#include "print/sheet.h"
#include "util/arena.h"
#include "util/buf.h"

#define SHEET_ANSWER_TAG	"lookout-sheet"
/* The request: a sheet's alerts, summaries at most a few kilobytes
 * each. The answer: a PDF. */
#define SHEET_REQUEST_MAX	BUF_CAP_LARGE
#define SHEET_PDF_MAX		BUF_CAP_LARGE

/* Takes the next len bytes of the PDF; 0, or -1 to stop. */
typedef int (*sheet_write_fn)(void *arg, const unsigned char *data,
    size_t len);

/* Draw sh as a PDF, handing the bytes to fn as they come. Returns 0 and
 * the page count in *pages (pages may be NULL), or -1 when cairo fails
 * or fn does (logged). */
int	sheet_render(const struct sheet *sh, sheet_write_fn fn, void *arg,
	    int *pages);
/* The same, appending the PDF to out. */
int	sheet_render_buf(const struct sheet *sh, struct buf *out, int *pages);

/* sh as the renderer's request, appended to out. Returns 0, or -1 when
 * out is full. */
int	sheet_encode(const struct sheet *sh, struct buf *out);
/* The request in json (len bytes) back into sh, its strings in a.
 * Returns 0, or -1 (logged) when it is not a well-formed request. */
int	sheet_decode(const char *json, size_t len, struct arena *a,
	    struct sheet *sh);

#endif
