/*
 * test_i18n.c: dates, digit grouping and sorting in the reader's
 * language (util/i18n.h), and region_sort() on top of them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/account.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/i18n.h"
#include "util/banned.h"

/* The catalogs' own words, so that the test follows po/, not a copy. */
static void
test_date_in_each_language(void **state)
{
	struct arena a;

	(void)state;
	arena_init(&a);
	assert_string_equal(lang_date(&a, "en", "2026-11-05"),
	    "November 5, 2026");
	assert_string_equal(lang_date(&a, "fr", "2026-11-05"),
	    "5 novembre 2026");
	assert_string_equal(lang_date(&a, "zh-Hans", "2026-11-05"),
	    "2026\xe5\xb9\xb4" "11\xe6\x9c\x88" "5\xe6\x97\xa5");
	assert_string_equal(lang_date(&a, "fr", "2027-02-01"),
	    "1 f\xc3\xa9vrier 2027");
	assert_string_equal(lang_date(&a, "en", "2024-02-29"),
	    "February 29, 2024");
	/* Not a date, or not a real one: as it came. */
	assert_string_equal(lang_date(&a, "fr", "2026-02-30"), "2026-02-30");
	assert_string_equal(lang_date(&a, "en", "2026-11-5"), "2026-11-5");
	assert_string_equal(lang_date(&a, "en", ""), "");
	assert_null(lang_date(&a, "en", NULL));
	/* A language we do not speak reads English. */
	assert_string_equal(lang_date(&a, "de", "2026-12-24"),
	    "December 24, 2026");
	arena_release(&a);
}

static void
test_date_buf_appends_or_leaves_alone(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, BUF_CAP_SMALL);
	buf_adds(&b, "Issued ");
	assert_int_equal(lang_date_buf(&b, "fr", "2026-01-09"), 0);
	assert_string_equal(b.buf, "Issued 9 janvier 2026");
	assert_int_equal(lang_date_buf(&b, "fr", "09/01/2026"), -1);
	assert_string_equal(b.buf, "Issued 9 janvier 2026");
	buf_release(&b);

	/* Too small for the whole date: nothing of it is written. */
	buf_init(&b, 10);
	buf_adds(&b, "Issued ");
	assert_int_equal(lang_date_buf(&b, "en", "2026-09-30"), -1);
	assert_string_equal(b.buf, "Issued ");
	assert_int_equal(b.overflow, 0);
	buf_release(&b);
}

static void
test_count_grouping(void **state)
{
	struct arena a;

	(void)state;
	arena_init(&a);
	assert_string_equal(lang_count(&a, "en", "1234567"), "1,234,567");
	assert_string_equal(lang_count(&a, "fr", "1234567"),
	    "1\xe2\x80\xaf" "234\xe2\x80\xaf" "567");
	assert_string_equal(lang_count(&a, "zh-Hans", "10000"), "10,000");
	assert_string_equal(lang_count(&a, "en", "1000"), "1,000");
	assert_string_equal(lang_count(&a, "en", "999"), "999");
	assert_string_equal(lang_count(&a, "fr", "<5"), "<5");
	assert_string_equal(lang_count(&a, "fr", "12a45"), "12a45");
	assert_string_equal(lang_count(&a, "en", ""), "");
	arena_release(&a);
}

static int
sign(int c)
{
	return c < 0 ? -1 : c > 0;
}

static void
test_collate_folds_case_and_accents(void **state)
{
	(void)state;
	/* Émilie with the E's, before Emma, after Eagle. */
	assert_int_equal(lang_collate("fr", "\xc3\x89milie", "Emma"), -1);
	assert_int_equal(lang_collate("fr", "Eagle", "\xc3\x89milie"), -1);
	/* île with the I's, before Iqaluit and after Hope. */
	assert_int_equal(lang_collate("fr", "\xc3\xaele", "Iqaluit"), -1);
	assert_int_equal(lang_collate("en", "Hope", "\xc3\xaele"), -1);
	/* Case does not put the lower-case ones after Z. */
	assert_int_equal(lang_collate("en", "abbotsford", "Zeballos"), -1);
	assert_int_equal(lang_collate("en", "Zeballos", "abbotsford"), 1);
	/* Ligatures and ß spell their letters out. */
	assert_int_equal(lang_collate("fr", "\xc5\x92uvre", "Ottawa"), -1);
	assert_int_equal(lang_collate("fr", "Odessa", "\xc5\x92uvre"), -1);
	assert_int_equal(lang_collate("en", "Stra\xc3\x9f" "e", "Strasse"),
	    1);
	assert_int_equal(lang_collate("en", "Strasbourg",
	    "Stra\xc3\x9f" "e"), -1);
	/* Latin Extended-A: Łódź with the L's, Š with the S's, Romanian
	 * Ș with the S's too. */
	assert_int_equal(lang_collate("en", "\xc5\x81\xc3\xb3" "d\xc5\xba",
	    "Lyon"), -1);
	assert_int_equal(lang_collate("en", "Kyiv", "\xc5\x81\xc3\xb3"
	    "d\xc5\xba"), -1);
	assert_int_equal(lang_collate("en", "\xc5\xa0ibenik", "Sydney"), -1);
	assert_int_equal(lang_collate("en", "\xc8\x98" "tef\xc4\x83"
	    "ne\xc8\x99ti", "Sydney"), -1);
	/* A prefix first. */
	assert_int_equal(lang_collate("fr", "Val", "Val-d'Or"), -1);
	assert_int_equal(lang_collate("fr", "Val-d'Or", "Val"), 1);
}

static void
test_collate_is_a_total_order(void **state)
{
	(void)state;
	/* Equal once folded: still ordered, never 0 for different names,
	 * and the same both ways. */
	assert_int_equal(lang_collate("fr", "Emilie", "\xc3\x89milie"), -1);
	assert_int_equal(lang_collate("fr", "\xc3\x89milie", "Emilie"), 1);
	assert_int_equal(lang_collate("fr", "\xc3\x89milie", "\xc3\x89milie"),
	    0);
	assert_int_equal(sign(lang_collate("en", "Montreal", "montreal")),
	    -sign(lang_collate("en", "montreal", "Montreal")));
	assert_int_not_equal(lang_collate("en", "Montreal", "montreal"), 0);
	assert_int_equal(lang_collate("en", NULL, ""), 0);
	assert_int_equal(lang_collate("en", NULL, "a"), -1);
	/* A malformed byte has a fixed place after every character. */
	assert_int_equal(lang_collate("en", "\xe6\xb8\xa9", "\xff"), -1);
	assert_int_equal(lang_collate("en", "a\xc3", "a\xc3\xa9"), 1);
	assert_int_equal(lang_collate("en", "a\xc3", "a\xc3"), 0);
}

/* Over a mixed set of names: antisymmetric, 0 only for the same bytes,
 * and transitive, as qsort needs. */
static void
test_collate_is_consistent(void **state)
{
	static const char *const names[] = {
		"", "a", "A", "\xc3\xa0", "\xc3\x80", "ae", "\xc3\xa6",
		"\xc3\x86", "Af", "e", "\xc3\xa9", "\xc3\x89", "E", "ss",
		"\xc3\x9f", "st", "\xc5\x93", "oe", "of", "z", "\xc5\xbd",
		"\xe5\x8c\x97", "\xe4\xb8\x8a", "\xff", "a\xc3", "1",
		"Val-d'Or", "Val d'Or", "val",
	};
	size_t n = sizeof(names) / sizeof(names[0]), i, j, k;

	(void)state;
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++) {
			int c = lang_collate("fr", names[i], names[j]);

			assert_int_equal(sign(c),
			    -sign(lang_collate("fr", names[j], names[i])));
			assert_int_equal(c == 0,
			    strcmp(names[i], names[j]) == 0);
			for (k = 0; k < n; k++)
				if (c < 0 && lang_collate("fr", names[j],
				    names[k]) < 0)
					assert_int_equal(lang_collate("fr",
					    names[i], names[k]), -1);
		}
}

static void
test_collate_chinese_by_code_point(void **state)
{
	(void)state;
	/* 上海 U+4E0A, 北京 U+5317, 广州 U+5E7F, 温哥华 U+6E29. */
	assert_int_equal(lang_collate("zh-Hans", "\xe4\xb8\x8a\xe6\xb5\xb7",
	    "\xe5\x8c\x97\xe4\xba\xac"), -1);
	assert_int_equal(lang_collate("zh-Hans", "\xe6\xb8\xa9\xe5\x93\xa5"
	    "\xe5\x8d\x8e", "\xe5\xb9\xbf\xe5\xb7\x9e"), 1);
	/* Latin names before Chinese ones, accents folded as elsewhere. */
	assert_int_equal(lang_collate("zh-Hans", "\xc3\x89" "dimbourg",
	    "\xe5\x8c\x97\xe4\xba\xac"), -1);
	assert_int_equal(lang_collate("zh-Hans", "\xc3\x89" "dimbourg",
	    "Fort Nelson"), -1);
}

static void
test_list_separator(void **state)
{
	(void)state;
	assert_string_equal(lang_list_sep("zh-Hans"), "、");
	assert_string_equal(lang_list_sep("fr"), ", ");
	assert_string_equal(lang_list_sep("en"), ", ");
	assert_string_equal(lang_list_sep(NULL), ", ");
}

static void
test_region_sort(void **state)
{
	struct region r[] = {
		{ 1, "ca-qc-ile", "\xc3\x8ele-Perrot", 0 },
		{ 2, "ca-bc-van", "Vancouver", 0 },
		{ 3, "ca-qc-est", "\xc3\x89" "vain", 0 },
		{ 4, "ca-ab-edm", "Edmonton", 0 },
		{ 5, "ca-bc-abb", "abbotsford", 0 },
		{ 6, "ca-on-ham", "Hamilton", 0 },
		{ 7, "ca-qc-ile2", "\xc3\x8ele-Perrot", 0 },
		{ 8, "ca-on-iqa", "Iqaluit", 0 },
	};
	const char *want[] = { "ca-bc-abb", "ca-ab-edm", "ca-qc-est",
	    "ca-on-ham", "ca-qc-ile", "ca-qc-ile2", "ca-on-iqa", "ca-bc-van" };
	struct region zh[] = {
		{ 1, "cn-gz", "\xe5\xb9\xbf\xe5\xb7\x9e", 0 },
		{ 2, "cn-bj", "\xe5\x8c\x97\xe4\xba\xac", 0 },
		{ 3, "cn-sh", "\xe4\xb8\x8a\xe6\xb5\xb7", 0 },
	};
	size_t i, n = sizeof(r) / sizeof(r[0]);

	(void)state;
	region_sort("fr", r, n);
	for (i = 0; i < n; i++)
		assert_string_equal(r[i].code, want[i]);
	/* The whole struct moves with its name. */
	assert_int_equal(r[0].id, 5);
	assert_string_equal(r[0].name, "abbotsford");
	/* Sorting again changes nothing. */
	region_sort("fr", r, n);
	for (i = 0; i < n; i++)
		assert_string_equal(r[i].code, want[i]);

	region_sort("zh-Hans", zh, 3);
	assert_string_equal(zh[0].code, "cn-sh");
	assert_string_equal(zh[1].code, "cn-bj");
	assert_string_equal(zh[2].code, "cn-gz");
	region_sort("en", zh, 0);
	region_sort("en", NULL, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_date_in_each_language),
		cmocka_unit_test(test_date_buf_appends_or_leaves_alone),
		cmocka_unit_test(test_count_grouping),
		cmocka_unit_test(test_collate_folds_case_and_accents),
		cmocka_unit_test(test_collate_is_a_total_order),
		cmocka_unit_test(test_collate_is_consistent),
		cmocka_unit_test(test_collate_chinese_by_code_point),
		cmocka_unit_test(test_list_separator),
		cmocka_unit_test(test_region_sort),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
