/*
 * csv.c: the RFC 4180 reader of csv.h.
 *
 * A byte-at-a-time state machine. After the first fault in a record it
 * keeps parsing with the same states, storing nothing and forgiving
 * stray quotes, so that it stops at the same record end a spreadsheet
 * would (a quoted multi-line field after the fault is skipped whole).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/csv.h"
#include "util/parse.h"
#include "util/banned.h"

static const unsigned char bom[3] = { 0xef, 0xbb, 0xbf };

static void
init(struct csv *c)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	c->line = 1;
	c->err_field = -1;
	for (i = 0; i < LIMIT_CSV_COLUMNS; i++)
		c->limit[i] = LIMIT_TEXT_BYTES;
	/* Stored bytes never exceed bytes read, give or take the LF of a
	 * CRLF; the NULs are extra. */
	buf_init(&c->rec, LIMIT_CSV_RECORD_BYTES + LIMIT_CSV_COLUMNS + 2);
}

void
csv_init_mem(struct csv *c, const void *data, size_t len)
{
	init(c);
	c->p = data;
	c->end = c->p + (data != NULL ? len : 0);
}

void
csv_init_file(struct csv *c, FILE *fp)
{
	init(c);
	c->fp = fp;
}

void
csv_set_limit(struct csv *c, size_t col, size_t max)
{
	if (col < LIMIT_CSV_COLUMNS)
		c->limit[col] = max;
}

static void
clear_record(struct csv *c)
{
	if (c->rec.alloc)
		sodium_memzero(c->rec.buf, c->rec.len);
	buf_reset(&c->rec);
	c->nfields = 0;
	memset(c->field, 0, sizeof(c->field));
	memset(c->len, 0, sizeof(c->len));
}

void
csv_release(struct csv *c)
{
	clear_record(c);
	buf_wipe(&c->rec);
}

/* Make input available; 0, or -1 at the end or on a read error. */
static int
fill(struct csv *c)
{
	size_t n;

	if (c->fp == NULL || c->eof)
		return -1;
	n = fread(c->in, 1, sizeof(c->in), c->fp);
	if (n == 0) {
		c->eof = 1;
		if (ferror(c->fp))
			c->ioerr = errno != 0 ? errno : EIO;
		return -1;
	}
	c->p = c->in;
	c->end = c->in + n;
	return 0;
}

static int
getb(struct csv *c)
{
	if (c->p == c->end && fill(c) == -1)
		return -1;
	return *c->p++;
}

static int
peekb(struct csv *c)
{
	if (c->p == c->end && fill(c) == -1)
		return -1;
	return *c->p;
}

/* The state of one record being read. */
struct rd {
	size_t	 raw;		/* bytes read */
	size_t	 nf;		/* fields completed */
	size_t	 flen;		/* bytes of the current field */
	size_t	 qline;		/* where the open quote is */
	int	 bad;		/* a fault was recorded: store nothing */
};

/* Record the record's first fault; later ones add nothing. */
static void
fault(struct csv *c, struct rd *r, int field, const char *msg)
{
	if (r->bad)
		return;
	r->bad = 1;
	c->err = msg;
	c->err_line = c->line;
	c->err_field = field;
}

static void
field_begin(struct csv *c, struct rd *r)
{
	r->flen = 0;
	if (r->nf == LIMIT_CSV_COLUMNS) {
		snprintf(c->errbuf, sizeof(c->errbuf),
		    "the row has more than %d fields", LIMIT_CSV_COLUMNS);
		fault(c, r, -1, c->errbuf);
	}
	if (!r->bad)
		c->off[r->nf] = c->rec.len;
}

static void
field_add(struct csv *c, struct rd *r, int ch)
{
	if (r->bad)
		return;
	if (r->flen + 1 > c->limit[r->nf]) {
		snprintf(c->errbuf, sizeof(c->errbuf),
		    "longer than %zu bytes", c->limit[r->nf]);
		fault(c, r, (int)r->nf, c->errbuf);
		return;
	}
	r->flen++;
	/* The record's byte bound keeps this under the cap. */
	(void)buf_addch(&c->rec, ch);
}

static void
field_end(struct csv *c, struct rd *r)
{
	if (!r->bad) {
		(void)buf_addch(&c->rec, '\0');
		c->len[r->nf] = r->flen;
	}
	r->nf++;
}

/* A line break outside quotes: CRLF is one. */
static void
line_break(struct csv *c, struct rd *r, int ch)
{
	if (ch == '\r' && peekb(c) == '\n') {
		c->p++;
		r->raw++;
	}
	c->line++;
}

int
csv_next(struct csv *c)
{
	enum { F_START, F_PLAIN, F_QUOTED, F_QUOTE } st = F_START;
	struct rd r;
	size_t i;
	int ch;

	memset(&r, 0, sizeof(r));
	clear_record(c);
	c->err = NULL;
	c->err_line = 0;
	c->err_field = -1;
	if (!c->started) {
		c->started = 1;
		if (peekb(c) != -1 && c->end - c->p >= 3 &&
		    memcmp(c->p, bom, sizeof(bom)) == 0)
			c->p += sizeof(bom);
	}
	c->rec_line = c->line;
	for (;;) {
		ch = getb(c);
		if (ch == -1 && c->ioerr) {
			snprintf(c->errbuf, sizeof(c->errbuf),
			    "cannot read the file: %s", strerror(c->ioerr));
			c->err = c->errbuf;
			c->err_line = c->line;
			clear_record(c);
			return CSV_ERR;
		}
		if (ch != -1 && ++r.raw > LIMIT_CSV_RECORD_BYTES) {
			snprintf(c->errbuf, sizeof(c->errbuf),
			    "the row is longer than %d bytes",
			    LIMIT_CSV_RECORD_BYTES);
			fault(c, &r, -1, c->errbuf);
		}
		switch (st) {
		case F_START:
			if (ch == -1 && r.nf == 0)
				return CSV_EOF;
			field_begin(c, &r);
			if (ch == -1) {
				field_end(c, &r);
				goto done;
			} else if (ch == '"') {
				r.qline = c->line;
				st = F_QUOTED;
			} else if (ch == ',') {
				field_end(c, &r);
			} else if (ch == '\r' || ch == '\n') {
				line_break(c, &r, ch);
				field_end(c, &r);
				goto done;
			} else {
				field_add(c, &r, ch);
				st = F_PLAIN;
			}
			break;
		case F_PLAIN:
			if (ch == -1) {
				field_end(c, &r);
				goto done;
			} else if (ch == ',') {
				field_end(c, &r);
				st = F_START;
			} else if (ch == '\r' || ch == '\n') {
				line_break(c, &r, ch);
				field_end(c, &r);
				goto done;
			} else {
				if (ch == '"')
					fault(c, &r, (int)r.nf, "a quote "
					    "inside an unquoted field (quote "
					    "the whole field and double the "
					    "quote)");
				field_add(c, &r, ch);
			}
			break;
		case F_QUOTED:
			if (ch == -1) {
				/* This outranks a bound broken on the way:
				 * it is why the row ran on. Past the last
				 * column it is in no field. */
				r.bad = 0;
				fault(c, &r, r.nf < LIMIT_CSV_COLUMNS ?
				    (int)r.nf : -1, "a quote is never "
				    "closed, so the rest of the file was read "
				    "as this field");
				c->err_line = r.qline;
				field_end(c, &r);
				goto done;
			} else if (ch == '"') {
				st = F_QUOTE;
			} else {
				field_add(c, &r, ch);
				if (ch == '\r' && peekb(c) == '\n') {
					ch = getb(c);
					r.raw++;
					field_add(c, &r, ch);
				}
				if (ch == '\r' || ch == '\n')
					c->line++;
			}
			break;
		case F_QUOTE:
			if (ch == '"') {
				field_add(c, &r, ch);
				st = F_QUOTED;
			} else if (ch == ',') {
				field_end(c, &r);
				st = F_START;
			} else if (ch == -1) {
				field_end(c, &r);
				goto done;
			} else if (ch == '\r' || ch == '\n') {
				line_break(c, &r, ch);
				field_end(c, &r);
				goto done;
			} else {
				fault(c, &r, (int)r.nf, "text after a closing "
				    "quote (double a quote inside a quoted "
				    "field)");
				field_add(c, &r, ch);
				st = F_PLAIN;
			}
			break;
		}
	}
done:
	if (c->rec.overflow && !r.bad) {
		snprintf(c->errbuf, sizeof(c->errbuf),
		    "the row is longer than %d bytes", LIMIT_CSV_RECORD_BYTES);
		fault(c, &r, -1, c->errbuf);
	}
	if (r.bad) {
		clear_record(c);
		return CSV_BAD;
	}
	c->nfields = r.nf;
	for (i = 0; i < r.nf; i++) {
		c->field[i] = c->rec.buf + c->off[i];
		if (!utf8_valid(c->field[i], c->len[i])) {
			c->err = "not valid UTF-8 text (save the file as "
			    "UTF-8)";
			c->err_line = c->rec_line;
			c->err_field = (int)i;
			clear_record(c);
			return CSV_BAD;
		}
	}
	return CSV_ROW;
}
