/*
 * csv.h: a small RFC 4180 reader, for importing paper and spreadsheet
 * bad-date lists.
 *
 * Fields are separated by ',' and records end at CRLF, LF or a lone CR.
 * A field may be quoted with '"': inside quotes a doubled quote is one
 * quote, and commas and line breaks are data (kept as they are). A UTF-8
 * byte order mark at the very start is skipped.
 *
 * Every record is bounded: at most LIMIT_CSV_COLUMNS fields, at most
 * LIMIT_CSV_RECORD_BYTES bytes read, and each field at most its column's
 * limit (LIMIT_TEXT_BYTES unless csv_set_limit() says otherwise). A
 * record that breaks a bound, is malformed (a quote inside an unquoted
 * field, text after a closing quote, a quote never closed) or holds a
 * field that is not UTF-8 (a NUL byte counts as not UTF-8) is refused on
 * its own: csv_next() returns CSV_BAD with the reason, having read past
 * the record, and the next call reads the record after it. One bad row
 * never costs a good one, and memory stays bounded whatever the input.
 *
 * Line numbers count physical lines from 1, line breaks inside quoted
 * fields included, so they are the numbers a text editor shows.
 *
 * Memory: the reader owns the current record's fields; they are valid
 * until the next csv_next() or csv_release(), and both wipe them, since
 * rows hold narratives. The reader does not own the FILE or the memory
 * it reads from.
 */
#ifndef LOOKOUT_CSV_H
#define LOOKOUT_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "util/buf.h"
#include "util/limits.h"

enum csv_rc {
	CSV_EOF = 0,	/* no more records */
	CSV_ROW = 1,	/* a record: nfields, field[], len[], rec_line */
	CSV_BAD = -1,	/* this record is refused: err, err_line, err_field */
	CSV_ERR = -2,	/* the input cannot be read: err; stop */
};

struct csv {
	/* The record just read. Fields are NUL-terminated; a field never
	 * holds a NUL of its own (that is CSV_BAD). */
	size_t		 rec_line;	/* the line it starts on */
	size_t		 nfields;
	const char	*field[LIMIT_CSV_COLUMNS];
	size_t		 len[LIMIT_CSV_COLUMNS];

	/* Why the last call returned CSV_BAD or CSV_ERR: a lower-case
	 * English reason that names no data, the line where the fault is,
	 * and the field's index (from 0), or -1 for the record as a whole. */
	const char	*err;
	size_t		 err_line;
	int		 err_field;

	/* Private. */
	FILE			*fp;
	const unsigned char	*p, *end;	/* unread input */
	unsigned char		 in[8192];
	int			 started, eof, ioerr;
	size_t			 line;		/* the line being read */
	size_t			 limit[LIMIT_CSV_COLUMNS];
	size_t			 off[LIMIT_CSV_COLUMNS];
	struct buf		 rec;
	char			 errbuf[128];
};

/* Read from len bytes at data (the caller keeps them alive). */
void	csv_init_mem(struct csv *c, const void *data, size_t len);
/* Read from fp, which the caller opened and closes. */
void	csv_init_file(struct csv *c, FILE *fp);
/* The most bytes field col may hold (after unquoting). */
void	csv_set_limit(struct csv *c, size_t col, size_t max);
/* Read the next record; see enum csv_rc. */
int	csv_next(struct csv *c);
/* Wipe and free the current record. */
void	csv_release(struct csv *c);

#endif
