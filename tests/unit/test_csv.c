/*
 * test_csv.c: the RFC 4180 reader of the CSV import (core/csv.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/csv.h"
#include "util/limits.h"
#include "util/banned.h"

/* Expect a record of n fields starting on line, with the given values. */
static void
expect_row(struct csv *c, size_t line, size_t n, ...)
{
	va_list ap;
	size_t i;

	assert_int_equal(csv_next(c), CSV_ROW);
	assert_int_equal(c->rec_line, line);
	assert_int_equal(c->nfields, n);
	va_start(ap, n);
	for (i = 0; i < n; i++) {
		const char *want = va_arg(ap, const char *);

		assert_string_equal(c->field[i], want);
		assert_int_equal(c->len[i], strlen(want));
	}
	va_end(ap);
}

/* Expect a refused record starting on line, faulting field (or -1). */
static void
expect_bad(struct csv *c, size_t line, int field)
{
	assert_int_equal(csv_next(c), CSV_BAD);
	assert_int_equal(c->rec_line, line);
	assert_int_equal(c->err_field, field);
	assert_non_null(c->err);
	assert_true(c->err[0] != '\0');
	/* A refused record leaves nothing behind. */
	assert_int_equal(c->nfields, 0);
}

static void
read_str(struct csv *c, const char *s)
{
	csv_init_mem(c, s, strlen(s));
}

static void
test_plain(void **state)
{
	struct csv c;

	read_str(&c, "a,b,c\n1,2,3\n,,\nx,\n");
	expect_row(&c, 1, 3, "a", "b", "c");
	expect_row(&c, 2, 3, "1", "2", "3");
	expect_row(&c, 3, 3, "", "", "");
	expect_row(&c, 4, 2, "x", "");
	assert_int_equal(csv_next(&c), CSV_EOF);
	/* EOF is sticky. */
	assert_int_equal(csv_next(&c), CSV_EOF);
	csv_release(&c);

	/* No final line break; spaces are data. */
	read_str(&c, "a , b\n c,d ");
	expect_row(&c, 1, 2, "a ", " b");
	expect_row(&c, 2, 2, " c", "d ");
	assert_int_equal(csv_next(&c), CSV_EOF);
	csv_release(&c);
}

static void
test_empty_input(void **state)
{
	struct csv c;

	csv_init_mem(&c, NULL, 0);
	assert_int_equal(csv_next(&c), CSV_EOF);
	csv_release(&c);
	read_str(&c, "\xef\xbb\xbf");
	assert_int_equal(csv_next(&c), CSV_EOF);
	csv_release(&c);
	/* A blank line is a record of one empty field. */
	read_str(&c, "a\n\nb\n");
	expect_row(&c, 1, 1, "a");
	expect_row(&c, 2, 1, "");
	expect_row(&c, 3, 1, "b");
	assert_int_equal(csv_next(&c), CSV_EOF);
	csv_release(&c);
}

static void
test_quoting(void **state)
{
	struct csv c;

	read_str(&c, "\"a,b\",\"say \"\"hi\"\"\",\"\",\"\"\"\"\n"
	    "\"x\",y,\"\"\n");
	expect_row(&c, 1, 4, "a,b", "say \"hi\"", "", "\"");
	expect_row(&c, 2, 3, "x", "y", "");
	assert_int_equal(csv_next(&c), CSV_EOF);
	csv_release(&c);
}

static void
test_crlf(void **state)
{
	struct csv c;

	read_str(&c, "a,b\r\n1,\"2\"\r\n\r\nlast\r\n");
	expect_row(&c, 1, 2, "a", "b");
	expect_row(&c, 2, 2, "1", "2");
	expect_row(&c, 3, 1, "");
	expect_row(&c, 4, 1, "last");
	assert_int_equal(csv_next(&c), CSV_EOF);
	csv_release(&c);

	/* A lone CR (old Mac spreadsheets) ends a line too. */
	read_str(&c, "a\rb\r\nc\n");
	expect_row(&c, 1, 1, "a");
	expect_row(&c, 2, 1, "b");
	expect_row(&c, 3, 1, "c");
	assert_int_equal(csv_next(&c), CSV_EOF);
	csv_release(&c);
}

static void
test_bom(void **state)
{
	struct csv c;

	read_str(&c, "\xef\xbb\xbfoccurred_on,types\n1,2\n");
	expect_row(&c, 1, 2, "occurred_on", "types");
	expect_row(&c, 2, 2, "1", "2");
	csv_release(&c);

	/* Only at the very start: elsewhere it is data (valid UTF-8). */
	read_str(&c, "a\n\xef\xbb\xbf" "b\n");
	expect_row(&c, 1, 1, "a");
	expect_row(&c, 2, 1, "\xef\xbb\xbf" "b");
	csv_release(&c);
}

static void
test_embedded_newlines(void **state)
{
	struct csv c;

	read_str(&c, "h1,h2\n"
	    "\"line one\nline two\nline three\",x\n"
	    "next,row\n"
	    "\"crlf\r\ninside\",y\r\n"
	    "after,crlf\n");
	expect_row(&c, 1, 2, "h1", "h2");
	expect_row(&c, 2, 2, "line one\nline two\nline three", "x");
	/* The record above took lines 2 to 4. */
	expect_row(&c, 5, 2, "next", "row");
	expect_row(&c, 6, 2, "crlf\r\ninside", "y");
	expect_row(&c, 8, 2, "after", "crlf");
	assert_int_equal(csv_next(&c), CSV_EOF);
	csv_release(&c);
}

static void
test_malformed_quotes(void **state)
{
	struct csv c;

	read_str(&c, "a,b\n"
	    "x,he said \"no\"\n"		/* quote in an unquoted field */
	    "ok,1\n"
	    "\"closed\"junk,2\n"		/* text after a closing quote */
	    "ok,3\n"
	    "\"bad\"x,\"spans\ntwo lines\"\n"	/* skipped whole */
	    "ok,4\n");
	expect_row(&c, 1, 2, "a", "b");
	expect_bad(&c, 2, 1);
	assert_int_equal(c.err_line, 2);
	expect_row(&c, 3, 2, "ok", "1");
	expect_bad(&c, 4, 0);
	expect_row(&c, 5, 2, "ok", "3");
	expect_bad(&c, 6, 0);
	expect_row(&c, 8, 2, "ok", "4");
	assert_int_equal(csv_next(&c), CSV_EOF);
	csv_release(&c);

	/* A quote never closed swallows the rest of the file: one bad
	 * record, named by the line the quote opened on, then the end. */
	read_str(&c, "a,b\nok,1\nx,\"never\nclosed,2\nok,3\n");
	expect_row(&c, 1, 2, "a", "b");
	expect_row(&c, 2, 2, "ok", "1");
	expect_bad(&c, 3, 1);
	assert_int_equal(c.err_line, 3);
	assert_non_null(strstr(c.err, "never closed"));
	assert_int_equal(csv_next(&c), CSV_EOF);
	csv_release(&c);
}

static void
test_field_limit(void **state)
{
	size_t n = LIMIT_TEXT_BYTES + 1, i;
	char *s = malloc(3 * n + 64), *p = s;
	struct csv c;

	assert_non_null(s);
	/* Line 1: a field of exactly the limit; line 2: one byte more;
	 * line 3: the same in quotes over two lines; line 5: fine. */
	for (i = 0; i < n - 1; i++)
		*p++ = 'a';
	p += snprintf(p, 16, ",x\ny,");
	for (i = 0; i < n; i++)
		*p++ = 'b';
	p += snprintf(p, 16, "\n\"");
	for (i = 0; i < n - 3; i++)
		*p++ = 'c';
	p += snprintf(p, 32, "\nxy\",z\nok,1\n");
	csv_init_mem(&c, s, (size_t)(p - s));
	assert_int_equal(csv_next(&c), CSV_ROW);
	assert_int_equal(c.len[0], LIMIT_TEXT_BYTES);
	expect_bad(&c, 2, 1);
	assert_non_null(strstr(c.err, "longer than 4096 bytes"));
	expect_bad(&c, 3, 0);
	expect_row(&c, 5, 2, "ok", "1");
	assert_int_equal(csv_next(&c), CSV_EOF);
	csv_release(&c);

	/* A column given a larger limit takes the long field. */
	csv_init_mem(&c, s, (size_t)(p - s));
	csv_set_limit(&c, 0, LIMIT_NARRATIVE_BYTES);
	csv_set_limit(&c, 1, LIMIT_NARRATIVE_BYTES);
	assert_int_equal(csv_next(&c), CSV_ROW);
	assert_int_equal(csv_next(&c), CSV_ROW);
	assert_int_equal(c.len[1], n);
	assert_int_equal(csv_next(&c), CSV_ROW);
	assert_int_equal(c.rec_line, 3);
	assert_int_equal(c.len[0], n);
	expect_row(&c, 5, 2, "ok", "1");
	csv_release(&c);

	/* A limit of 0 refuses anything but an empty field. */
	read_str(&c, ",a\nb,\n");
	csv_set_limit(&c, 1, 0);
	assert_int_equal(csv_next(&c), CSV_BAD);
	expect_row(&c, 2, 2, "b", "");
	csv_release(&c);
	free(s);
}

static void
test_column_limit(void **state)
{
	char s[4 * LIMIT_CSV_COLUMNS + 64], *p = s;
	struct csv c;
	size_t i;

	for (i = 0; i < LIMIT_CSV_COLUMNS; i++)
		*p++ = i ? ',' : 'x';
	*p++ = '\n';
	for (i = 0; i <= LIMIT_CSV_COLUMNS; i++)
		*p++ = i ? ',' : 'y';
	p += snprintf(p, 16, "\nok\n");
	csv_init_mem(&c, s, (size_t)(p - s));
	assert_int_equal(csv_next(&c), CSV_ROW);
	assert_int_equal(c.nfields, LIMIT_CSV_COLUMNS);
	expect_bad(&c, 2, -1);
	assert_non_null(strstr(c.err, "more than 64 fields"));
	expect_row(&c, 3, 1, "ok");
	csv_release(&c);

	/* A quote never closed past the last column outranks the count,
	 * and is in no field (a fuzzer found it naming field 64). */
	p = s;
	for (i = 0; i <= LIMIT_CSV_COLUMNS; i++)
		*p++ = ',';
	p += snprintf(p, 16, "\"open\n");
	csv_init_mem(&c, s, (size_t)(p - s));
	expect_bad(&c, 1, -1);
	assert_non_null(strstr(c.err, "never closed"));
	assert_int_equal(csv_next(&c), CSV_EOF);
	csv_release(&c);
}

static void
test_record_limit(void **state)
{
	size_t per = LIMIT_NARRATIVE_BYTES, nf = 5, i, k;
	char *s = malloc(nf * (per + 1) + 64), *p = s;
	struct csv c;

	assert_non_null(s);
	/* Five fields, each within its column's limit, and only five: the
	 * row as a whole is what is too long. */
	assert_true(nf * per > LIMIT_CSV_RECORD_BYTES);
	for (k = 0; k < nf; k++) {
		for (i = 0; i < per; i++)
			*p++ = 'a';
		*p++ = k + 1 < nf ? ',' : '\n';
	}
	p += snprintf(p, 16, "ok\n");
	csv_init_mem(&c, s, (size_t)(p - s));
	for (k = 0; k < nf; k++)
		csv_set_limit(&c, k, LIMIT_NARRATIVE_BYTES);
	expect_bad(&c, 1, -1);
	assert_non_null(strstr(c.err, "row is longer"));
	expect_row(&c, 2, 1, "ok");
	assert_int_equal(csv_next(&c), CSV_EOF);
	csv_release(&c);

	/* Three such fields are fine. */
	csv_init_mem(&c, s + 2 * (per + 1), (size_t)(p - s) - 2 * (per + 1));
	for (k = 0; k < nf; k++)
		csv_set_limit(&c, k, LIMIT_NARRATIVE_BYTES);
	assert_int_equal(csv_next(&c), CSV_ROW);
	assert_int_equal(c.nfields, 3);
	assert_int_equal(c.len[2], per);
	expect_row(&c, 2, 1, "ok");
	csv_release(&c);
	free(s);
}

static void
test_utf8(void **state)
{
	struct csv c;
	static const char nul[] = "a,b\nx\0y,z\nok,1\n";

	read_str(&c, "caf\xc3\xa9,\xe2\x82\xac\n"
	    "ok,\xff\xfe\n"			/* not UTF-8 */
	    "\xc0\xaf,x\n"			/* overlong '/' */
	    "\"\xed\xa0\x80\",x\n"		/* a surrogate */
	    "\xe2\x82,x\n"			/* truncated */
	    "fine,1\n");
	expect_row(&c, 1, 2, "caf\xc3\xa9", "\xe2\x82\xac");
	expect_bad(&c, 2, 1);
	expect_bad(&c, 3, 0);
	expect_bad(&c, 4, 0);
	expect_bad(&c, 5, 0);
	expect_row(&c, 6, 2, "fine", "1");
	csv_release(&c);

	/* A NUL byte would cut the field short in C: refused. */
	csv_init_mem(&c, nul, sizeof(nul) - 1);
	expect_row(&c, 1, 2, "a", "b");
	expect_bad(&c, 2, 0);
	expect_row(&c, 3, 2, "ok", "1");
	csv_release(&c);
}

static void
test_file(void **state)
{
	size_t i, big = 3 * 8192;
	struct csv c;
	FILE *fp = tmpfile();

	assert_non_null(fp);
	/* Records that straddle the reader's input buffer, a CRLF split
	 * across it, and an escaped quote split across it. */
	fputs("\xef\xbb\xbfh1,h2\r\n", fp);
	fputc('"', fp);
	for (i = 0; i < 8192 - 12; i++)
		fputc(i % 100 == 99 ? '\n' : 'q', fp);
	fputs("\"\"\",x\r\n", fp);
	for (i = 0; i < big; i++)
		fputc('z', fp);
	fputs(",y\r\nend,1\r\n", fp);
	rewind(fp);
	csv_init_file(&c, fp);
	csv_set_limit(&c, 0, LIMIT_NARRATIVE_BYTES);
	expect_row(&c, 1, 2, "h1", "h2");
	assert_int_equal(csv_next(&c), CSV_ROW);
	assert_int_equal(c.rec_line, 2);
	assert_int_equal(c.len[0], 8192 - 12 + 1);
	assert_int_equal(c.field[0][c.len[0] - 1], '"');
	assert_string_equal(c.field[1], "x");
	assert_int_equal(csv_next(&c), CSV_ROW);
	assert_int_equal(c.rec_line, 2 + (8192 - 12) / 100 + 1);
	assert_int_equal(c.len[0], big);
	expect_row(&c, c.rec_line + 1, 2, "end", "1");
	assert_int_equal(csv_next(&c), CSV_EOF);
	csv_release(&c);
	fclose(fp);
}

static void
test_read_error(void **state)
{
	struct csv c;
	FILE *fp = fopen("/", "rb");

	/* Reading a directory fails with EISDIR: an error, not an EOF. */
	if (fp == NULL)
		skip();
	csv_init_file(&c, fp);
	assert_int_equal(csv_next(&c), CSV_ERR);
	assert_non_null(strstr(c.err, "cannot read"));
	assert_int_equal(csv_next(&c), CSV_ERR);
	csv_release(&c);
	fclose(fp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_embedded_newlines),
		cmocka_unit_test(test_malformed_quotes),
		cmocka_unit_test(test_field_limit),
		cmocka_unit_test(test_column_limit),
		cmocka_unit_test(test_record_limit),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_read_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
