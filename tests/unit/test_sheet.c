/*
 * test_sheet.c: the printed sheet's rendering (print/sheet.c), without a
 * store: pagination with many alerts and with one summary longer than a
 * page, the paper size, an empty sheet, and a writer that fails. Each
 * sheet is rendered to a temporary file and read back.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/report.h"
#include "print/render.h"
#include "util/buf.h"
#include "util/sanitizer.h"
#include "util/banned.h"

#define NALERTS	60

/* AddressSanitizer's leak checker is on. */
#define LEAK_CHECKED	ASAN_BUILD

#if LEAK_CHECKED
/*
 * Full stacks for every allocation (slow, but this test is small), so
 * that the suppressions can name cairo's one leaking call rather than
 * all of libcairo, as print/sheet.c's default list must: a surface,
 * context or layout this module forgets to free is reported here.
 */
const char *__asan_default_options(void);
const char *__lsan_default_suppressions(void);

const char *
__asan_default_options(void)
{
	return "fast_unwind_on_malloc=0";
}

const char *
__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n"
	    "leak:cairo_surface_finish\n";
}
#endif

static const char *region_names[] = { "Vancouver" };

struct file {
	char	path[64];
	int	fd;
};

static int
write_fd(void *arg, const unsigned char *data, size_t len)
{
	struct file *f = arg;
	ssize_t n;

	while (len > 0) {
		if ((n = write(f->fd, data, len)) <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
fail_after_some(void *arg, const unsigned char *data, size_t len)
{
	size_t *left = arg;

	(void)data;
	if (len > *left)
		return -1;
	*left -= len;
	return 0;
}

static void
sheet_init(struct sheet *sh, const struct alert *al, size_t n)
{
	memset(sh, 0, sizeof(*sh));
	sh->lang = "en";
	sh->region_code = "ca-bc-van";
	sh->region_name = "Vancouver";
	sh->since = "2026-11-01";
	sh->until = "2026-11-08";
	sh->alerts = al;
	sh->n = n;
	sh->report_url = "https://lookout.example.org/report";
	sh->paper = SHEET_A4;
}

static void
alert_init(struct alert *al, int64_t id, const char *severity,
    const char *summary)
{
	memset(al, 0, sizeof(*al));
	al->id = id;
	al->severity = severity;
	al->summary = summary;
	al->types = INC_VIOLENCE | INC_THREATS;
	al->issued_on = "2026-11-05";
	al->regions = region_names;
	al->nregions = 1;
}

/* Render sh to a temporary file; returns its bytes (caller frees) and
 * the page count sheet_render reported. */
static char *
render_file(const struct sheet *sh, size_t *len, int *pages)
{
	struct file f;
	struct stat st;
	char *data;

	snprintf(f.path, sizeof(f.path), "/tmp/test_sheet.XXXXXX");
	f.fd = mkstemp(f.path);
	assert_true(f.fd >= 0);
	assert_int_equal(sheet_render(sh, write_fd, &f, pages), 0);
	assert_int_equal(fstat(f.fd, &st), 0);
	*len = (size_t)st.st_size;
	data = malloc(*len + 1);
	assert_non_null(data);
	assert_int_equal(pread(f.fd, data, *len, 0), (ssize_t)*len);
	data[*len] = '\0';
	close(f.fd);
	unlink(f.path);
	return data;
}

/* The page count the PDF itself declares: "/Type /Pages" ... "/Count N". */
static int
pdf_pages(const char *pdf, size_t len)
{
	const char *p = memmem(pdf, len, "/Type /Pages", 12), *c;

	assert_non_null(p);
	c = strstr(p, "/Count ");
	assert_non_null(c);
	return (int)strtol(c + 7, NULL, 10);
}

static void
assert_pdf(const char *pdf, size_t len)
{
	assert_true(len > 1000);
	assert_memory_equal(pdf, "%PDF-", 5);
	assert_non_null(memmem(pdf, len, "%%EOF", 5));
}

static void
test_many_alerts_paginate(void **state)
{
	static const char *const sev[] = { "high", "medium", "low" };
	struct alert al[NALERTS];
	char summaries[NALERTS][160];
	struct sheet sh;
	size_t len, i;
	char *pdf;
	int pages = 0;

	(void)state;
	for (i = 0; i < NALERTS; i++) {
		snprintf(summaries[i], sizeof(summaries[i]), "Alert %zu: "
		    "grey sedan, tall man, asked for no condom and became "
		    "violent when refused; très dangereux 危险", i);
		alert_init(&al[i], (int64_t)i + 1, sev[i % 3], summaries[i]);
	}
	sheet_init(&sh, al, NALERTS);
	pdf = render_file(&sh, &len, &pages);
	assert_pdf(pdf, len);
	assert_true(pages > 1);
	assert_int_equal(pdf_pages(pdf, len), pages);
	free(pdf);
}

static void
test_long_summary_splits(void **state)
{
	struct alert al;
	struct sheet sh;
	struct buf b;
	size_t len, i;
	char *pdf;
	int pages = 0;

	(void)state;
	/* One summary of some 900 lines: longer than any page, so it must
	 * break between its own lines rather than overflow the footer. */
	buf_init(&b, BUF_CAP_PAGE);
	for (i = 0; i < 900; i++)
		buf_printf(&b, "line %zu of a very long summary\n", i);
	assert_false(b.overflow);
	alert_init(&al, 1, "high", b.buf);
	sheet_init(&sh, &al, 1);
	pdf = render_file(&sh, &len, &pages);
	assert_pdf(pdf, len);
	assert_true(pages >= 10);
	assert_int_equal(pdf_pages(pdf, len), pages);
	free(pdf);
	buf_release(&b);
}

static void
test_paper_and_empty(void **state)
{
	struct sheet sh;
	size_t len;
	char *pdf;
	int pages = 0;

	(void)state;
	sheet_init(&sh, NULL, 0);
	pdf = render_file(&sh, &len, &pages);
	assert_pdf(pdf, len);
	assert_int_equal(pages, 1);
	assert_non_null(memmem(pdf, len, "/MediaBox [ 0 0 595.28", 22));
	free(pdf);

	sh.paper = SHEET_LETTER;
	sh.lang = "zh-Hans";
	sh.region_name = NULL;		/* every region */
	sh.report_url = "/report";
	sh.url_relative = 1;
	pdf = render_file(&sh, &len, &pages);
	assert_pdf(pdf, len);
	assert_int_equal(pages, 1);
	assert_non_null(memmem(pdf, len, "/MediaBox [ 0 0 612 792 ]", 25));
	free(pdf);
}

static void
test_write_failure(void **state)
{
	struct alert al;
	struct sheet sh;
	size_t left = 100;

	(void)state;
	alert_init(&al, 1, "low", "a summary");
	sheet_init(&sh, &al, 1);
	assert_int_equal(sheet_render(&sh, fail_after_some, &left, NULL), -1);
}

static void
test_render_buf_cap(void **state)
{
	struct alert al;
	struct sheet sh;
	struct buf b;

	(void)state;
	alert_init(&al, 1, "low", "a summary");
	sheet_init(&sh, &al, 1);
	buf_init(&b, BUF_CAP_SMALL);	/* far too small for a PDF */
	assert_int_equal(sheet_render_buf(&sh, &b, NULL), -1);
	assert_true(b.overflow);
	buf_release(&b);
	buf_init(&b, BUF_CAP_LARGE);
	assert_int_equal(sheet_render_buf(&sh, &b, NULL), 0);
	assert_memory_equal(b.buf, "%PDF-", 5);
	buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many_alerts_paginate),
		cmocka_unit_test(test_long_summary_splits),
		cmocka_unit_test(test_paper_and_empty),
		cmocka_unit_test(test_write_failure),
		cmocka_unit_test(test_render_buf_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
