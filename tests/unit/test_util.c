/*
 * test_util.c: buf, arena, xalloc and the parsers of untrusted text.
 */
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/parse.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* The invariants buf.h promises, checked after every step. */
static void
check_buf(const struct buf *b)
{
	assert_non_null(b->buf);
	assert_true(b->len <= b->cap);
	assert_int_equal(b->buf[b->len], '\0');
	if (b->alloc)
		assert_true(b->len < b->alloc);
	else
		assert_int_equal(b->len, 0);
}

static void
test_buf_init(void **state)
{
	struct buf b;

	buf_init(&b, 16);
	check_buf(&b);
	assert_string_equal(b.buf, "");
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 16);
	assert_int_equal(b.overflow, 0);
	buf_release(&b);
	check_buf(&b);
	/* release keeps the cap so the buffer can be reused */
	assert_int_equal(b.cap, 16);
}

static void
test_buf_append(void **state)
{
	struct buf b;

	buf_init(&b, BUF_CAP_SMALL);
	assert_int_equal(buf_adds(&b, "hello"), 0);
	check_buf(&b);
	assert_int_equal(buf_addch(&b, ','), 0);
	assert_int_equal(buf_printf(&b, " %s %d", "world", 42), 0);
	check_buf(&b);
	assert_string_equal(b.buf, "hello, world 42");
	assert_int_equal(b.len, strlen("hello, world 42"));
	/* binary data with an embedded NUL is kept whole */
	assert_int_equal(buf_add(&b, "a\0b", 3), 0);
	check_buf(&b);
	assert_int_equal(b.len, strlen("hello, world 42") + 3);
	assert_memory_equal(b.buf + b.len - 3, "a\0b", 3);
	/* an empty append changes nothing */
	assert_int_equal(buf_add(&b, "", 0), 0);
	assert_int_equal(buf_printf(&b, "%s", ""), 0);
	assert_int_equal(b.len, strlen("hello, world 42") + 3);
	assert_int_equal(b.overflow, 0);
	buf_release(&b);
	check_buf(&b);
	assert_int_equal(b.len, 0);
}

static void
test_buf_grow(void **state)
{
	struct buf b;
	char chunk[1000];
	size_t i, j;

	buf_init(&b, BUF_CAP_PAGE);
	for (i = 0; i < 300; i++) {
		memset(chunk, 'a' + (int)(i % 26), sizeof(chunk));
		assert_int_equal(buf_add(&b, chunk, sizeof(chunk)), 0);
		check_buf(&b);
	}
	assert_int_equal(b.len, 300 * sizeof(chunk));
	/* reallocation kept every byte in place */
	for (i = 0; i < 300; i++)
		for (j = 0; j < sizeof(chunk); j++)
			assert_int_equal(b.buf[i * sizeof(chunk) + j],
			    'a' + (int)(i % 26));
	buf_release(&b);
}

static void
test_buf_cap(void **state)
{
	struct buf b;

	buf_init(&b, 8);
	assert_int_equal(buf_adds(&b, "12345678"), 0);	/* exactly the cap */
	check_buf(&b);
	assert_int_equal(b.overflow, 0);
	assert_int_equal(buf_addch(&b, '9'), -1);
	assert_int_equal(b.overflow, 1);
	check_buf(&b);
	/* a refused append appends nothing */
	assert_string_equal(b.buf, "12345678");
	assert_int_equal(b.len, 8);
	assert_int_equal(buf_printf(&b, "%d", 1), -1);
	assert_int_equal(buf_addhex(&b, (const uint8_t *)"x", 1), -1);
	assert_string_equal(b.buf, "12345678");
	buf_release(&b);

	/* one append larger than the cap, into an empty buffer */
	buf_init(&b, 4);
	assert_int_equal(buf_adds(&b, "12345"), -1);
	assert_int_equal(b.overflow, 1);
	check_buf(&b);
	assert_string_equal(b.buf, "");
	/* reset clears the overflow flag */
	buf_reset(&b);
	assert_int_equal(b.overflow, 0);
	assert_int_equal(buf_adds(&b, "1234"), 0);
	assert_string_equal(b.buf, "1234");
	buf_release(&b);

	/* a printf that would pass the cap */
	buf_init(&b, 10);
	assert_int_equal(buf_adds(&b, "abc"), 0);
	assert_int_equal(buf_printf(&b, "%s", "12345678"), -1);
	assert_int_equal(b.overflow, 1);
	assert_string_equal(b.buf, "abc");
	check_buf(&b);
	buf_release(&b);

	/* a cap of zero refuses everything but nothing */
	buf_init(&b, 0);
	assert_int_equal(buf_addch(&b, 'x'), -1);
	check_buf(&b);
	assert_string_equal(b.buf, "");
	buf_release(&b);
}

static void
test_buf_reset(void **state)
{
	struct buf b;
	char *before;

	buf_init(&b, 64);
	assert_int_equal(buf_adds(&b, "some text"), 0);
	before = b.buf;
	buf_reset(&b);
	check_buf(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.buf, "");
	/* storage is kept */
	assert_ptr_equal(b.buf, before);
	assert_true(b.alloc > 0);
	assert_int_equal(buf_adds(&b, "more"), 0);
	assert_string_equal(b.buf, "more");
	buf_release(&b);

	/* reset of a never-written buffer keeps the shared "" intact */
	buf_init(&b, 64);
	buf_reset(&b);
	check_buf(&b);
	assert_string_equal(b.buf, "");
}

static void
test_buf_detach(void **state)
{
	struct buf b;
	size_t len = 99;
	char *p;

	buf_init(&b, 64);
	assert_int_equal(buf_adds(&b, "owned"), 0);
	p = buf_detach(&b, &len);
	assert_string_equal(p, "owned");
	assert_int_equal(len, 5);
	/* the buffer is empty and usable again, and no longer owns p */
	check_buf(&b);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.alloc, 0);
	assert_int_equal(b.cap, 64);
	assert_ptr_not_equal(b.buf, p);
	assert_int_equal(buf_adds(&b, "next"), 0);
	assert_string_equal(p, "owned");
	free(p);
	buf_release(&b);

	/* detaching an empty buffer still gives a string the caller frees */
	buf_init(&b, 64);
	p = buf_detach(&b, &len);
	assert_non_null(p);
	assert_string_equal(p, "");
	assert_int_equal(len, 0);
	free(p);
	check_buf(&b);

	/* len may be NULL */
	assert_int_equal(buf_adds(&b, "x"), 0);
	p = buf_detach(&b, NULL);
	assert_string_equal(p, "x");
	free(p);
}

static void
test_buf_wipe(void **state)
{
	struct buf b;

	buf_init(&b, 64);
	assert_int_equal(buf_adds(&b, "secret"), 0);
	buf_wipe(&b);
	check_buf(&b);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.alloc, 0);
	assert_string_equal(b.buf, "");
	assert_int_equal(b.cap, 64);
}

static void
test_buf_hex(void **state)
{
	static const uint8_t data[] = { 0x00, 0xff, 0x10, 0xab, 0x7f, 0x09 };
	struct buf b;

	buf_init(&b, 64);
	assert_int_equal(buf_addhex(&b, data, sizeof(data)), 0);
	check_buf(&b);
	assert_string_equal(b.buf, "00ff10ab7f09");
	assert_int_equal(b.len, 12);
	assert_int_equal(buf_addhex(&b, data, 0), 0);
	assert_int_equal(b.len, 12);
	buf_release(&b);

	/* hex needs two bytes per input byte against the cap */
	buf_init(&b, 5);
	assert_int_equal(buf_addhex(&b, data, 3), -1);
	assert_int_equal(b.overflow, 1);
	assert_string_equal(b.buf, "");
	assert_int_equal(buf_addhex(&b, data, 2), 0);
	assert_string_equal(b.buf, "00ff");
	buf_release(&b);
}

static void
test_arena(void **state)
{
	struct arena a;
	unsigned char *p, *q;
	char *s;
	size_t i;

	arena_init(&a);
	assert_null(a.head);
	assert_int_equal(a.total, 0);

	p = arena_alloc(&a, 10);
	assert_non_null(p);
	assert_int_equal((uintptr_t)p % 16, 0);
	for (i = 0; i < 10; i++)
		assert_int_equal(p[i], 0);
	memset(p, 0xaa, 10);
	q = arena_alloc(&a, 1);
	assert_int_equal((uintptr_t)q % 16, 0);
	/* distinct, non-overlapping */
	assert_true(q >= p + 10 || q + 1 <= p);
	assert_int_equal(q[0], 0);
	assert_int_equal(a.total, 32);	/* rounded up to 16 each */

	/* zero-byte allocations still give distinct pointers */
	p = arena_alloc(&a, 0);
	q = arena_alloc(&a, 0);
	assert_non_null(p);
	assert_non_null(q);
	assert_ptr_not_equal(p, q);

	/* many small allocations cross block boundaries */
	for (i = 0; i < 5000; i++) {
		p = arena_alloc(&a, 24);
		assert_int_equal((uintptr_t)p % 16, 0);
		assert_int_equal(p[0], 0);
		assert_int_equal(p[23], 0);
		memset(p, 0x55, 24);
	}

	/* a block bigger than ARENA_BLOCK_SIZE, then small ones again */
	p = arena_alloc(&a, 3 * ARENA_BLOCK_SIZE + 5);
	assert_int_equal((uintptr_t)p % 16, 0);
	assert_int_equal(p[0], 0);
	assert_int_equal(p[3 * ARENA_BLOCK_SIZE + 4], 0);
	memset(p, 0x77, 3 * ARENA_BLOCK_SIZE + 5);
	q = arena_alloc(&a, 8);
	assert_int_equal(q[0], 0);
	assert_true(q + 8 <= p || q >= p + 3 * ARENA_BLOCK_SIZE + 5);

	s = arena_strdup(&a, "hello");
	assert_string_equal(s, "hello");
	s = arena_strndup(&a, "hello world", 5);
	assert_string_equal(s, "hello");
	s = arena_strndup(&a, "hi", 10);
	assert_string_equal(s, "hi");
	s = arena_memdup(&a, "a\0b", 3);
	assert_memory_equal(s, "a\0b", 3);
	s = arena_printf(&a, "%s-%d-%03u", "x", -3, 7u);
	assert_string_equal(s, "x--3-007");
	assert_true(a.total > 3 * ARENA_BLOCK_SIZE);

	arena_release(&a);
	assert_null(a.head);
	assert_int_equal(a.total, 0);
	/* usable again after release */
	s = arena_strdup(&a, "again");
	assert_string_equal(s, "again");
	arena_release(&a);
}

static void
test_parse_int(void **state)
{
	const char *errstr = "unset";
	long long v = 0;

	assert_int_equal(parse_int("0", 0, 10, &v, &errstr), 0);
	assert_int_equal(v, 0);
	assert_null(errstr);
	assert_int_equal(parse_int("42", 0, 100, &v, &errstr), 0);
	assert_int_equal(v, 42);
	assert_int_equal(parse_int("-17", -20, 0, &v, &errstr), 0);
	assert_int_equal(v, -17);
	assert_int_equal(parse_int("007", 0, 10, &v, &errstr), 0);
	assert_int_equal(v, 7);
	/* bounds are inclusive */
	assert_int_equal(parse_int("10", 1, 10, &v, &errstr), 0);
	assert_int_equal(v, 10);
	assert_int_equal(parse_int("1", 1, 10, &v, &errstr), 0);
	assert_int_equal(v, 1);
	assert_int_equal(parse_int("9223372036854775807", 0, LLONG_MAX, &v,
	    &errstr), 0);
	assert_true(v == LLONG_MAX);
	assert_int_equal(parse_int("-9223372036854775808", LLONG_MIN, 0, &v,
	    &errstr), 0);
	assert_true(v == LLONG_MIN);

	/* failures leave *out alone and say why */
	v = 1234;
	assert_int_equal(parse_int("11", 1, 10, &v, &errstr), -1);
	assert_string_equal(errstr, "too large");
	assert_int_equal(parse_int("0", 1, 10, &v, &errstr), -1);
	assert_string_equal(errstr, "too small");
	assert_int_equal(parse_int("-1", 0, 10, &v, &errstr), -1);
	assert_string_equal(errstr, "too small");
	assert_int_equal(parse_int("9223372036854775808", 0, LLONG_MAX, &v,
	    &errstr), -1);
	assert_string_equal(errstr, "too large");
	assert_int_equal(parse_int("99999999999999999999999", 0, LLONG_MAX,
	    &v, &errstr), -1);
	assert_string_equal(errstr, "too large");
	assert_int_equal(parse_int("-9223372036854775809", LLONG_MIN, 0, &v,
	    &errstr), -1);
	assert_string_equal(errstr, "too small");
	assert_int_equal(v, 1234);

	{
		static const char *bad[] = { "", "abc", "12a", "1.5", " 1",
		    "1 ", "\t1", "1\n", "+1", "-", "--1", "- 1", "0x10",
		    "1e3", "١٢" };
		size_t i;

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			errstr = NULL;
			v = 1234;
			assert_int_equal(parse_int(bad[i], LLONG_MIN,
			    LLONG_MAX, &v, &errstr), -1);
			assert_string_equal(errstr, "invalid");
			assert_int_equal(v, 1234);
		}
	}
	assert_int_equal(parse_int(NULL, 0, 10, &v, &errstr), -1);
	assert_string_equal(errstr, "invalid");
	/* strtonum: min > max is invalid whatever the input */
	assert_int_equal(parse_int("5", 10, 1, &v, &errstr), -1);
	assert_string_equal(errstr, "invalid");
	assert_int_equal(v, 1234);
}

#define U8(lit)	(lit), (sizeof(lit) - 1)

static void
test_utf8_valid(void **state)
{
	/* valid: ASCII, 2-, 3- and 4-byte forms and the range edges */
	assert_true(utf8_valid(U8("")));
	assert_true(utf8_valid(U8("plain ascii ~")));
	assert_true(utf8_valid(U8("caf\xc3\xa9")));		/* é */
	assert_true(utf8_valid(U8("\xc2\x80")));		/* U+0080 */
	assert_true(utf8_valid(U8("\xdf\xbf")));		/* U+07FF */
	assert_true(utf8_valid(U8("\xe0\xa0\x80")));		/* U+0800 */
	assert_true(utf8_valid(U8("\xe2\x82\xac")));		/* € */
	assert_true(utf8_valid(U8("\xed\x9f\xbf")));		/* U+D7FF */
	assert_true(utf8_valid(U8("\xee\x80\x80")));		/* U+E000 */
	assert_true(utf8_valid(U8("\xef\xbf\xbf")));		/* U+FFFF */
	assert_true(utf8_valid(U8("\xf0\x90\x80\x80")));	/* U+10000 */
	assert_true(utf8_valid(U8("\xf0\x9f\x98\x80")));	/* emoji */
	assert_true(utf8_valid(U8("\xf4\x8f\xbf\xbf")));	/* U+10FFFF */
	assert_true(utf8_valid(U8("\xef\xbc\x96\xef\xbc\x90")));	/* ６０ */

	/* overlong forms */
	assert_false(utf8_valid(U8("\xc0\x80")));		/* NUL */
	assert_false(utf8_valid(U8("\xc0\xaf")));		/* '/' */
	assert_false(utf8_valid(U8("\xc1\xbf")));
	assert_false(utf8_valid(U8("\xe0\x80\x80")));
	assert_false(utf8_valid(U8("\xe0\x80\xaf")));
	assert_false(utf8_valid(U8("\xe0\x9f\xbf")));
	assert_false(utf8_valid(U8("\xf0\x80\x80\x80")));
	assert_false(utf8_valid(U8("\xf0\x80\x80\xaf")));
	assert_false(utf8_valid(U8("\xf0\x8f\xbf\xbf")));

	/* UTF-16 surrogates, alone or paired (CESU-8) */
	assert_false(utf8_valid(U8("\xed\xa0\x80")));		/* U+D800 */
	assert_false(utf8_valid(U8("\xed\xbf\xbf")));		/* U+DFFF */
	assert_false(utf8_valid(U8("\xed\xa0\xbd\xed\xb8\x80")));

	/* beyond U+10FFFF, and bytes that never start a sequence */
	assert_false(utf8_valid(U8("\xf4\x90\x80\x80")));
	assert_false(utf8_valid(U8("\xf5\x80\x80\x80")));
	assert_false(utf8_valid(U8("\xf8\x88\x80\x80\x80")));
	assert_false(utf8_valid(U8("\xfc\x84\x80\x80\x80\x80")));
	assert_false(utf8_valid(U8("\xfe")));
	assert_false(utf8_valid(U8("\xff")));
	assert_false(utf8_valid(U8("\x80")));			/* lone cont. */
	assert_false(utf8_valid(U8("a\xbf" "b")));

	/* truncated sequences, at the end and before more text */
	assert_false(utf8_valid(U8("\xc3")));
	assert_false(utf8_valid(U8("abc\xe2\x82")));
	assert_false(utf8_valid(U8("\xf0\x9f\x98")));
	assert_false(utf8_valid(U8("\xe2\x82" "A")));
	assert_false(utf8_valid(U8("\xf0\x9f\x98" "A")));
	assert_false(utf8_valid(U8("\xc3" "A")));
	/* len is honoured: a valid string cut mid-character is invalid */
	assert_false(utf8_valid("caf\xc3\xa9", 4));
	assert_true(utf8_valid("caf\xc3\xa9", 3));

	/* NUL, raw or inside the given length */
	assert_false(utf8_valid(U8("\0")));
	assert_false(utf8_valid(U8("ab\0cd")));
	assert_false(utf8_valid(U8("\xc3\xa9\0")));
	assert_false(utf8_valid(U8("\xc3\0")));
}

static void
test_text_valid(void **state)
{
	assert_true(text_valid(U8("a plain line"), 0));
	assert_true(text_valid(U8("caf\xc3\xa9 \xe2\x82\xac"), 0));
	assert_true(text_valid(U8(""), 0));
	assert_true(text_valid(U8("\xc2\xa0nbsp"), 0));		/* U+00A0 */

	/* newlines and tabs only when allowed */
	assert_false(text_valid(U8("two\nlines"), 0));
	assert_false(text_valid(U8("crlf\r\n"), 0));
	assert_false(text_valid(U8("tab\there"), 0));
	assert_true(text_valid(U8("two\nlines"), 1));
	assert_true(text_valid(U8("crlf\r\n"), 1));
	assert_true(text_valid(U8("tab\there"), 1));

	/* other controls never */
	assert_false(text_valid(U8("esc\x1b[31m"), 1));
	assert_false(text_valid(U8("bell\x07"), 1));
	assert_false(text_valid(U8("\x01"), 1));
	assert_false(text_valid(U8("\x1f"), 1));
	assert_false(text_valid(U8("del\x7f"), 1));
	assert_false(text_valid(U8("\x0b"), 1));		/* VT */
	assert_false(text_valid(U8("\x0c"), 1));		/* FF */
	assert_false(text_valid(U8("nul\0x"), 1));
	/* C1 controls U+0080..U+009F, e.g. NEL and CSI */
	assert_false(text_valid(U8("nel\xc2\x85"), 1));
	assert_false(text_valid(U8("\xc2\x80"), 1));
	assert_false(text_valid(U8("\xc2\x9b" "31m"), 1));
	assert_false(text_valid(U8("\xc2\x9f"), 1));

	/* invalid UTF-8 is never text */
	assert_false(text_valid(U8("bad \xff"), 1));
	assert_false(text_valid(U8("\xc0\x80"), 1));
	assert_false(text_valid(U8("\xed\xa0\x80"), 1));
}

static void
check_date(const char *s, int ey, int em, int ed)
{
	int y = 0, m = 0, d = 0;

	assert_int_equal(parse_date(s, &y, &m, &d), 0);
	assert_int_equal(y, ey);
	assert_int_equal(m, em);
	assert_int_equal(d, ed);
}

static void
test_parse_date(void **state)
{
	static const char *bad[] = {
		"2023-02-29",	/* not a leap year */
		"1900-02-29",	/* century, not divisible by 400 */
		"2100-02-29",
		"2024-02-30",
		"2024-04-31", "2024-06-31", "2024-09-31", "2024-11-31",
		"2024-01-32", "2024-01-00", "2024-00-10", "2024-13-01",
		"1899-12-31",	/* before 1900 */
		"0000-01-01",
		"2024-1-01", "2024-01-1", "24-01-01", "2024-01-011",
		"2024/01/01", "2024.01.01", "20240101", "2024-01-0a",
		" 2024-01-01", "2024-01-01 ", "2024-01-01T00:00",
		"+024-01-01", "2024--1-01", "", "2024-01-",
		("\xef\xbc\x92" "024-01-01"),	/* full-width 2 */
	};
	size_t i;
	int y, m, d;

	check_date("2024-01-15", 2024, 1, 15);
	check_date("1900-01-01", 1900, 1, 1);
	check_date("9999-12-31", 9999, 12, 31);
	check_date("2024-02-29", 2024, 2, 29);	/* leap year */
	check_date("2000-02-29", 2000, 2, 29);	/* divisible by 400 */
	check_date("1996-02-29", 1996, 2, 29);
	check_date("2023-02-28", 2023, 2, 28);
	check_date("2024-04-30", 2024, 4, 30);
	check_date("2024-12-31", 2024, 12, 31);
	check_date("2024-03-31", 2024, 3, 31);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		y = m = d = -7;
		if (parse_date(bad[i], &y, &m, &d) != -1)
			fail_msg("parse_date accepted '%s'", bad[i]);
		/* outputs untouched on failure */
		assert_int_equal(y, -7);
		assert_int_equal(m, -7);
		assert_int_equal(d, -7);
	}
}

/* Run fn in a child and report whether it aborted. */
static int
aborts(void (*fn)(void))
{
	pid_t pid;
	int status;

	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		/* keep the child's "size overflow" message out of the log */
		if (freopen("/dev/null", "w", stderr) == NULL)
			_exit(2);
		fn();
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

static void
add_overflows(void)
{
	volatile size_t r = st_add(SIZE_MAX, 1);

	(void)r;
}

static void
mult_overflows(void)
{
	volatile size_t r = st_mult(SIZE_MAX / 2 + 1, 2);

	(void)r;
}

static void
add_fits(void)
{
	volatile size_t r = st_add(SIZE_MAX - 1, 1);

	(void)r;
}

static void
test_xalloc(void **state)
{
	char *s;

	assert_int_equal(st_add(2, 3), 5);
	assert_true(st_add(SIZE_MAX - 1, 1) == SIZE_MAX);
	assert_int_equal(st_mult(6, 7), 42);
	assert_int_equal(st_mult(0, SIZE_MAX), 0);
	assert_true(st_mult(SIZE_MAX, 1) == SIZE_MAX);
	assert_true(aborts(add_overflows));
	assert_true(aborts(mult_overflows));
	assert_false(aborts(add_fits));

	s = xstrndup("abcdef", 3);
	assert_string_equal(s, "abc");
	free(s);
	s = xstrdup("");
	assert_string_equal(s, "");
	free(s);
	s = xcalloc(4, 8);
	assert_int_equal(s[31], 0);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_init),
		cmocka_unit_test(test_buf_append),
		cmocka_unit_test(test_buf_grow),
		cmocka_unit_test(test_buf_cap),
		cmocka_unit_test(test_buf_reset),
		cmocka_unit_test(test_buf_detach),
		cmocka_unit_test(test_buf_wipe),
		cmocka_unit_test(test_buf_hex),
		cmocka_unit_test(test_arena),
		cmocka_unit_test(test_parse_int),
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_text_valid),
		cmocka_unit_test(test_parse_date),
		cmocka_unit_test(test_xalloc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
