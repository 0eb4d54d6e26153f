/*
 * fuzz_csv.c: the CSV reader of the import on arbitrary bytes.
 *
 * The input is read twice, from memory and through a FILE (whose reads
 * cut records at the reader's buffer boundary), and both must yield the
 * same records and faults. Beyond "no crash", each record must keep
 * csv.h's promises: 1 to LIMIT_CSV_COLUMNS fields, each NUL-terminated at
 * its length with no NUL inside, valid UTF-8, within its limit; start
 * lines that only grow; a fault that says why. And a record read is a
 * fixed point: written back out with every field quoted, it reads back
 * as the same fields.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/parse.h"
#include "util/banned.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
broken(const char *what)
{
	fprintf(stderr, "fuzz_csv: %s\n", what);
	abort();
}

/* Column 0 takes a narrative, as the import may set; the rest keep the
 * default. */
static void
limits(struct csv *c)
{
	csv_set_limit(c, 0, LIMIT_NARRATIVE_BYTES);
}

static void
check_row(const struct csv *c)
{
	size_t i;

	if (c->nfields == 0 || c->nfields > LIMIT_CSV_COLUMNS)
		broken("field count out of range");
	for (i = 0; i < c->nfields; i++) {
		if (c->field[i] == NULL)
			broken("NULL field");
		if (c->field[i][c->len[i]] != '\0')
			broken("field not NUL-terminated at its length");
		if (memchr(c->field[i], '\0', c->len[i]) != NULL)
			broken("NUL inside a field");
		if (!utf8_valid(c->field[i], c->len[i]))
			broken("field not UTF-8");
		if (c->len[i] > (i == 0 ? LIMIT_NARRATIVE_BYTES :
		    LIMIT_TEXT_BYTES))
			broken("field over its limit");
	}
}

/* Write the record back with every field quoted; read it again. */
static void
check_fixed_point(const struct csv *c)
{
	struct csv again;
	struct buf b;
	size_t i, k;

	buf_init(&b, BUF_CAP_LARGE);
	for (i = 0; i < c->nfields; i++) {
		if (i)
			buf_addch(&b, ',');
		buf_addch(&b, '"');
		for (k = 0; k < c->len[i]; k++) {
			if (c->field[i][k] == '"')
				buf_addch(&b, '"');
			buf_addch(&b, c->field[i][k]);
		}
		buf_addch(&b, '"');
	}
	buf_adds(&b, "\r\n");
	/* Quoting adds bytes: past the record bound the copy may fairly be
	 * refused. */
	if (b.len > LIMIT_CSV_RECORD_BYTES) {
		buf_release(&b);
		return;
	}
	csv_init_mem(&again, b.buf, b.len);
	limits(&again);
	if (csv_next(&again) != CSV_ROW)
		broken("a record written back does not read back");
	if (again.nfields != c->nfields)
		broken("a record written back has other fields");
	for (i = 0; i < c->nfields; i++)
		if (again.len[i] != c->len[i] || memcmp(again.field[i],
		    c->field[i], c->len[i]) != 0)
			broken("a field written back reads back otherwise");
	if (csv_next(&again) != CSV_EOF)
		broken("a record written back reads as more than one");
	csv_release(&again);
	buf_release(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv m, f;
	size_t calls = 0, last_line = 0, i;
	FILE *fp = NULL;
	int rm, rf;

	csv_init_mem(&m, data, size);
	limits(&m);
	if (size > 0) {
		if ((fp = fmemopen((void *)data, size, "rb")) == NULL)
			abort();
		csv_init_file(&f, fp);
	} else {
		csv_init_mem(&f, data, size);
	}
	limits(&f);
	for (;;) {
		/* Each call consumes a byte or ends the input. */
		if (++calls > size + 2)
			broken("the reader does not advance");
		rm = csv_next(&m);
		rf = csv_next(&f);
		if (rm != rf)
			broken("memory and FILE readers disagree");
		if (rm == CSV_EOF)
			break;
		if (rm == CSV_ERR)
			broken("a read error from memory");
		if (m.rec_line != f.rec_line)
			broken("memory and FILE readers disagree on lines");
		if (m.rec_line <= last_line)
			broken("start lines do not grow");
		last_line = m.rec_line;
		if (rm == CSV_BAD) {
			if (m.err == NULL || m.err[0] == '\0')
				broken("a fault without a reason");
			if (strcmp(m.err, f.err) != 0 ||
			    m.err_field != f.err_field ||
			    m.err_line != f.err_line)
				broken("memory and FILE readers disagree on a "
				    "fault");
			if (m.err_line < m.rec_line)
				broken("a fault before its record");
			if (m.err_field < -1 ||
			    m.err_field >= LIMIT_CSV_COLUMNS)
				broken("a fault in no field");
			if (m.nfields != 0)
				broken("a refused record left fields");
			continue;
		}
		check_row(&m);
		if (m.nfields != f.nfields)
			broken("memory and FILE readers disagree on fields");
		for (i = 0; i < m.nfields; i++)
			if (m.len[i] != f.len[i] || memcmp(m.field[i],
			    f.field[i], m.len[i]) != 0)
				broken("memory and FILE readers disagree on "
				    "a field");
		check_fixed_point(&m);
	}
	csv_release(&m);
	csv_release(&f);
	if (fp != NULL)
		fclose(fp);
	return 0;
}
