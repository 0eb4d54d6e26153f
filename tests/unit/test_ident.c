/*
 * test_ident.c: identifier normalisation and matching.
 *
 * Screening is only as good as the match, so the table in DESIGN.md
 * ("Identifier normalisation") is copied here verbatim first; then come
 * the ways a hurried worker on any keyboard actually types identifiers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/ident.h"
#include "util/limits.h"
#include "util/parse.h"
#include "util/banned.h"

static const char *
kname(enum ident_kind k)
{
	return ident_kind_name(k) ? ident_kind_name(k) : "(bad kind)";
}

/*
 * The helpers take the caller's line so that a failure names the case,
 * not the helper.
 */
static void
norm_ok(int line, enum ident_kind k, const char *value, const char *country,
    int allow_partial, const char *want, int want_partial)
{
	char out[IDENT_NORM_MAX];
	const char *why = NULL;
	int partial = -1, rc;

	memset(out, 'x', sizeof(out));
	rc = ident_normalize(k, value, country, allow_partial, out, &partial,
	    &why);
	if (rc != 0)
		fail_msg("line %d: %s '%s' (%s): refused: %s", line,
		    kname(k), value, country ? country : "-",
		    why ? why : "(no reason)");
	if (memchr(out, '\0', sizeof(out)) == NULL)
		fail_msg("line %d: output not NUL-terminated", line);
	if (strcmp(out, want) != 0)
		fail_msg("line %d: %s '%s' (%s): got '%s', want '%s'", line,
		    kname(k), value, country ? country : "-", out,
		    want);
	if (partial != want_partial)
		fail_msg("line %d: '%s': partial %d, want %d", line, value,
		    partial, want_partial);
	if (!utf8_valid(out, strlen(out)))
		fail_msg("line %d: '%s': output is not UTF-8", line, value);
}

static void
norm_err(int line, enum ident_kind k, const char *value, const char *country,
    int allow_partial, const char *why_has)
{
	char out[IDENT_NORM_MAX];
	const char *why = NULL;
	int partial = -1, rc;

	rc = ident_normalize(k, value, country, allow_partial, out, &partial,
	    &why);
	if (rc != -1)
		fail_msg("line %d: %s '%s' (%s): accepted as '%s', want an "
		    "error", line, ident_kind_name(k), value,
		    country ? country : "-", out);
	if (why == NULL || why[0] == '\0')
		fail_msg("line %d: '%s': error without a reason", line, value);
	if (why_has != NULL && strstr(why, why_has) == NULL)
		fail_msg("line %d: '%s': reason '%s' lacks '%s'", line, value,
		    why, why_has);
	if (partial != 0)
		fail_msg("line %d: '%s': partial %d on error", line, value,
		    partial);
}

#define OK(k, v, c, ap, want, p)	norm_ok(__LINE__, k, v, c, ap, want, p)
#define ERR(k, v, c, ap, has)		norm_err(__LINE__, k, v, c, ap, has)

/* A whole value: the same with or without allow_partial. */
#define WHOLE(k, v, c, want) do {			\
	OK(k, v, c, 0, want, 0);			\
	OK(k, v, c, 1, want, 0);			\
} while (0)

/* A pattern: accepted only to screen, and refused with a reason else. */
#define PARTIAL(k, v, c, want) do {			\
	OK(k, v, c, 1, want, 1);			\
	ERR(k, v, c, 0, NULL);				\
} while (0)

#define PHONE(v, c, want)	WHOLE(IDENT_PHONE, v, c, want)
#define PHONE_ERR(v, c)		ERR(IDENT_PHONE, v, c, 1, NULL)
#define EMAIL(v, want)		WHOLE(IDENT_EMAIL, v, "CA", want)
#define EMAIL_ERR(v)		ERR(IDENT_EMAIL, v, "CA", 1, NULL)
#define PLATE(v, want)		WHOLE(IDENT_PLATE, v, "CA", want)
#define PLATE_ERR(v)		ERR(IDENT_PLATE, v, "CA", 1, NULL)
#define HANDLE(v, want)		WHOLE(IDENT_HANDLE, v, "CA", want)
#define HANDLE_ERR(v)		ERR(IDENT_HANDLE, v, "CA", 1, NULL)
#define NAME(v, want)		WHOLE(IDENT_NAME, v, "CA", want)
#define NAME_ERR(v)		ERR(IDENT_NAME, v, "CA", 1, NULL)

/* A string of n copies of c followed by tail. The buffers rotate so
 * that one case can use two of them. */
static const char *
rep(char c, size_t n, const char *tail)
{
	static char b[4][1024];
	static size_t next;
	char *p = b[next++ % 4];

	assert_true(n + strlen(tail) < sizeof(b[0]));
	memset(p, c, n);
	memcpy(p + n, tail, strlen(tail) + 1);
	return p;
}

/* ---- DESIGN.md, "Identifier normalisation", verbatim ---- */

static void
test_design_phone(void **state)
{
	static const char *const same[] = {
		"+1 (604) 555-0142",
		"604.555.0142",
		"1-604-555-0142",
		"\uff16\uff10\uff14\uff15\uff15\uff15\uff10\uff11\uff14\uff12",
	};
	size_t i;

	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		PHONE(same[i], "CA", "+16045550142");
}

static void
test_design_email(void **state)
{
	EMAIL("J.Smith+x@GMail.com", "jsmith@gmail.com");
	EMAIL("jsmith@googlemail.com", "jsmith@gmail.com");
}

static void
test_design_plate(void **state)
{
	PLATE("abc-123", "ABC123");
	PLATE("ABC 123", "ABC123");
	PARTIAL(IDENT_PLATE, "AB?12?", "CA", "AB?12?");
	assert_true(ident_match("AB?12?", "ABC123"));
}

static void
test_design_handle(void **state)
{
	HANDLE("@Johnny_B", "johnny_b");
	HANDLE("johnny_b", "johnny_b");
}

/* The DESIGN.md screening examples: "AB?1?3" and "***-0142". */
static void
test_design_screening(void **state)
{
	PARTIAL(IDENT_PLATE, "AB?1?3", "CA", "AB?1?3");
	assert_true(ident_match("AB?1?3", "ABC123"));
	PARTIAL(IDENT_PHONE, "***-0142", "CA", "*0142");
	assert_true(ident_match("*0142", "+16045550142"));
}

/* ---- phones ---- */

static void
test_phone_scripts(void **state)
{
	/* Arabic-Indic */
	PHONE("\u0666\u0660\u0664\u0665\u0665\u0665\u0660\u0661\u0664\u0662",
	    "CA", "+16045550142");
	/* Extended Arabic-Indic (Persian, Urdu) */
	PHONE("\u06f6\u06f0\u06f4\u06f5\u06f5\u06f5\u06f0\u06f1\u06f4\u06f2",
	    "CA", "+16045550142");
	/* Devanagari */
	PHONE("\u096c\u0966\u096a\u096b\u096b\u096b\u0966\u0967\u096a\u0968",
	    "CA", "+16045550142");
	/* Thai */
	PHONE("\u0e56\u0e50\u0e54\u0e55\u0e55\u0e55\u0e50\u0e51\u0e54\u0e52",
	    "CA", "+16045550142");
	/* Bengali */
	PHONE("\u09ec\u09e6\u09ea\u09eb\u09eb\u09eb\u09e6\u09e7\u09ea\u09e8",
	    "CA", "+16045550142");
	/* Mathematical bold, double-struck and monospace digits */
	PHONE("\U0001d7d4\U0001d7ce\U0001d7d2\U0001d7d3\U0001d7d3\U0001d7d3"
	    "\U0001d7ce\U0001d7cf\U0001d7d2\U0001d7d0", "CA", "+16045550142");
	PHONE("\U0001d7de\U0001d7d8\U0001d7dc\U0001d7dd\U0001d7dd\U0001d7dd"
	    "\U0001d7d8\U0001d7d9\U0001d7dc\U0001d7da", "CA", "+16045550142");
	PHONE("\U0001d7fc\U0001d7f6\U0001d7fa\U0001d7fb\U0001d7fb\U0001d7fb"
	    "\U0001d7f6\U0001d7f7\U0001d7fa\U0001d7f8", "CA", "+16045550142");
	/* Every script at once, as a copy-paste from three messages. */
	PHONE("+\u0661 \uff16\u0660\u096a-\u0e55\U0001d7d3\u06f5-0\u0661\u096a"
	    "\uff12", "CA", "+16045550142");
	/* Digits only at 0..9 of each run: U+0E5A is Thai punctuation. */
	PHONE_ERR("604555014\u0e5a", "CA");
	/* Superscripts and circled digits are not decimal digits. */
	PHONE_ERR("604555014\u00b2", "CA");
	PHONE_ERR("604555014\u2461", "CA");
	/* Roman numerals are letters for this purpose. */
	PHONE_ERR("604555014\u2160", "CA");
}

static void
test_phone_separators(void **state)
{
	PHONE("604\u00a0555\u00a00142", "CA", "+16045550142");	/* NBSP */
	PHONE("604\u3000555\u30000142", "CA", "+16045550142");	/* ideographic */
	PHONE("604\u2009555\u202f0142", "CA", "+16045550142");	/* thin */
	PHONE("604\u2013555\u20130142", "CA", "+16045550142");	/* en dash */
	PHONE("604\u2014555\u20140142", "CA", "+16045550142");	/* em dash */
	PHONE("604\u2212555\u20110142", "CA", "+16045550142");	/* minus */
	PHONE("\uff0b1 \uff08604\uff09 555-0142", "CA", "+16045550142");
	PHONE("\uff0b\uff11\uff08\uff16\uff10\uff14\uff09\uff15\uff15\uff15"
	    "\uff0d\uff10\uff11\uff14\uff12", "CA", "+16045550142");
	PHONE("604/555/0142", "CA", "+16045550142");
	PHONE("(604)5550142", "CA", "+16045550142");
	PHONE("  604 555 0142  ", "CA", "+16045550142");
	PHONE("604\uff0e555\u30020142", "CA", "+16045550142");
	PHONE("+1.604.555.0142", "CA", "+16045550142");
	/* Not separators: they are how a number is mangled. */
	PHONE_ERR("604_555_0142", "CA");
	PHONE_ERR("604,555,0142", "CA");
	PHONE_ERR("604:555:0142", "CA");
}

static void
test_phone_countries(void **state)
{
	/* Three ways to dial London from Canada. */
	PHONE("+44 20 7946 0000", "CA", "+442079460000");
	PHONE("0044 20 7946 0000", "CA", "+442079460000");
	PHONE("011 44 20 7946 0000", "CA", "+442079460000");
	PHONE("011-44-20-7946-0000", "US", "+442079460000");
	/* And from inside Britain. */
	PHONE("020 7946 0000", "GB", "+442079460000");
	PHONE("(020) 7946 0000", "GB", "+442079460000");
	PHONE("+44 20 7946 0000", "GB", "+442079460000");
	PHONE("0044 20 7946 0000", "GB", "+442079460000");
	/* 011 is the North American exit code only. */
	PHONE_ERR("011 44 20 7946 0000", "GB");
	/* A French mobile. */
	PHONE("06 12 34 56 78", "FR", "+33612345678");
	PHONE("06.12.34.56.78", "FR", "+33612345678");
	PHONE("+33 6 12 34 56 78", "FR", "+33612345678");
	PHONE("+33 6 12 34 56 78", "CA", "+33612345678");
	PHONE("0033 6 12 34 56 78", "GB", "+33612345678");
	/* A Canadian number dialled from Europe, and back home. */
	PHONE("001 604 555 0142", "GB", "+16045550142");
	PHONE("+1 604 555 0142", "GB", "+16045550142");
	PHONE("+1 604 555 0142", "FR", "+16045550142");
	/* Countries without a trunk 0 keep a leading digit. */
	PHONE("612 345 678", "ES", "+34612345678");
	PHONE("(55) 1234 5678", "MX", "+525512345678");
	/* An international number needs no default country at all. */
	PHONE("+44 20 7946 0000", NULL, "+442079460000");
	PHONE("+44 20 7946 0000", "ZZ", "+442079460000");
	PHONE("0044 20 7946 0000", NULL, "+442079460000");
	/* A national one does, and says so. */
	ERR(IDENT_PHONE, "604 555 0142", NULL, 0, "default_country");
	ERR(IDENT_PHONE, "604 555 0142", "ZZ", 0, "default_country");
	ERR(IDENT_PHONE, "604 555 0142", "ca", 0, "default_country");
	ERR(IDENT_PHONE, "604 555 0142", "", 0, "default_country");
	/* No country code starts with 0. */
	PHONE_ERR("+0 604 555 0142", "CA");
	PHONE_ERR("+044 20 7946 0000", "CA");
	PHONE_ERR("000 44 20 7946 0000", "CA");

	assert_string_equal(ident_country_code("CA"), "1");
	assert_string_equal(ident_country_code("US"), "1");
	assert_string_equal(ident_country_code("GB"), "44");
	assert_string_equal(ident_country_code("FR"), "33");
	assert_string_equal(ident_country_code("IE"), "353");
	assert_null(ident_country_code("ZZ"));
	assert_null(ident_country_code("gb"));
	assert_null(ident_country_code(""));
	assert_null(ident_country_code("CAN"));
	assert_null(ident_country_code(NULL));
}

static void
test_phone_lengths(void **state)
{
	/* North American numbers have exactly ten digits after the 1. */
	PHONE("16045550142", "CA", "+16045550142");
	ERR(IDENT_PHONE, "604 555 014", "CA", 1, "10 digits");
	ERR(IDENT_PHONE, "604 555 01423", "CA", 1, "10 digits");
	ERR(IDENT_PHONE, "1 604 555 014", "CA", 1, "10 digits");
	ERR(IDENT_PHONE, "1 604 555 01423", "CA", 1, "10 digits");
	ERR(IDENT_PHONE, "+1 604 555 014", "CA", 1, "10 digits");
	ERR(IDENT_PHONE, "+1 604 555 01423", "GB", 1, "10 digits");
	ERR(IDENT_PHONE, "001 604 555 014", "GB", 1, "10 digits");
	ERR(IDENT_PHONE, "26045550142", "CA", 1, "10 digits");
	/* No area code starts with 0 or 1, so a digit short is caught. */
	ERR(IDENT_PHONE, "1604555014", "CA", 1, "10 digits");
	ERR(IDENT_PHONE, "+1 160 455 5014", "GB", 1, "area code");
	ERR(IDENT_PHONE, "+1 060 455 5014", "GB", 1, "area code");
	PHONE("+1 800 555 0142", "GB", "+18005550142");
	PARTIAL(IDENT_PHONE, "+1 ??? 555 0142", "GB", "+1???5550142");
	/* E.164 caps a number at 15 digits. */
	PHONE("+491234567890123", "CA", "+491234567890123");
	PHONE_ERR("+4912345678901234", "CA");
	PHONE("+44 1234 5678 9012 3", "CA", "+441234567890123");
	PHONE_ERR("+44 1234 5678 9012 34", "CA");
	PHONE_ERR("0044 1234 5678 9012 34", "CA");
	ERR(IDENT_PHONE, rep('9', 100, ""), "CA", 1, "15 digits");
	ERR(IDENT_PHONE, rep('9', 63, ""), "CA", 1, "15 digits");
	ERR(IDENT_PHONE, rep('9', 64, ""), "CA", 1, "15 digits");
	/* and the shortest real numbers have 8. */
	PHONE("+44 1234 567", "CA", "+441234567");
	PHONE("+44 1234 56", "CA", "+44123456");
	ERR(IDENT_PHONE, "+44 1234 5", "CA", 1, "too short");
	PHONE_ERR("+44", "CA");
	PHONE_ERR("+1", "CA");
	PHONE_ERR("00", "CA");
	PHONE_ERR("011", "CA");
	PHONE_ERR("0", "GB");
	/* Nothing to dial. */
	ERR(IDENT_PHONE, "+", "CA", 1, "empty");
	ERR(IDENT_PHONE, " - ( ) . ", "CA", 1, "empty");
	ERR(IDENT_PHONE, "\u3000", "CA", 1, "empty");
}

static void
test_phone_not_digits(void **state)
{
	PHONE_ERR("604-555-CALL", "CA");
	PHONE_ERR("604 555 O142", "CA");		/* Latin O */
	PHONE_ERR("604 555 \u041e142", "CA");		/* Cyrillic O */
	PHONE_ERR("604 555 \u039f142", "CA");		/* Greek Omicron */
	PHONE_ERR("604 555 l142", "CA");		/* small L */
	PHONE_ERR("tel:+16045550142", "CA");
	PHONE_ERR("+1 604 555 0142 ext 5", "CA");
	PHONE_ERR("+1 604 555 0142#", "CA");
	PHONE_ERR("+1 604 555 0142;", "CA");
	PHONE_ERR("\uff21\uff22", "CA");		/* full-width AB */
	PHONE_ERR("\U0001f4de 6045550142", "CA");	/* emoji */
	/* '+' only at the start, once. */
	PHONE_ERR("604+5550142", "CA");
	PHONE_ERR("++16045550142", "CA");
	PHONE_ERR("+1 604 555 0142+", "CA");
	/* '*' only as a prefix. */
	PHONE_ERR("*+16045550142", "CA");
	PHONE_ERR("0142*", "CA");
	PHONE_ERR("01*42", "CA");
}

static void
test_phone_partial(void **state)
{
	/* The last digits: any number that ends so. */
	PARTIAL(IDENT_PHONE, "***-0142", "CA", "*0142");
	PARTIAL(IDENT_PHONE, "*0142", "CA", "*0142");
	PARTIAL(IDENT_PHONE, "* * * - 0142", "CA", "*0142");
	PARTIAL(IDENT_PHONE, "\u2217\u2217\u2217-0142", "CA", "*0142");
	PARTIAL(IDENT_PHONE, "0142", "CA", "*0142");
	PARTIAL(IDENT_PHONE, "0142", "GB", "*0142");
	PARTIAL(IDENT_PHONE, "555-0142", "CA", "*5550142");
	PARTIAL(IDENT_PHONE, "\u0665\u0665\u0665-\u0660\u0661\u0664\u0662",
	    "CA", "*5550142");
	PARTIAL(IDENT_PHONE, "***-555-0142", "CA", "*5550142");
	PARTIAL(IDENT_PHONE, "***-01?2", "CA", "*01?2");
	/* "+" then stars: still only the last digits are known. */
	PARTIAL(IDENT_PHONE, "+***-0142", "CA", "*0142");
	/* Unknown digits in place. */
	PARTIAL(IDENT_PHONE, "604555??42", "CA", "+1604555??42");
	PARTIAL(IDENT_PHONE, "604-555-??42", "CA", "+1604555??42");
	PARTIAL(IDENT_PHONE, "+1 (604) 555-\uff1f\uff1f42", "CA",
	    "+1604555??42");
	PARTIAL(IDENT_PHONE, "1 604 555 ??42", "CA", "+1604555??42");
	PARTIAL(IDENT_PHONE, "020 7946 ????", "GB", "+44207946????");
	PARTIAL(IDENT_PHONE, "+44 20 7946 ????", "CA", "+44207946????");
	PARTIAL(IDENT_PHONE, "??????????", "CA", "+1??????????");
	/* Refused with a reason the form can show. */
	ERR(IDENT_PHONE, "***-0142", "CA", 0, "whole phone number");
	ERR(IDENT_PHONE, "0142", "CA", 0, "whole phone number");
	ERR(IDENT_PHONE, "555-0142", "CA", 0, "whole phone number");
	ERR(IDENT_PHONE, "604555??42", "CA", 0, "whole phone number");
	/* Too little to screen on. */
	ERR(IDENT_PHONE, "***-142", "CA", 1, "last 4 digits");
	ERR(IDENT_PHONE, "*", "CA", 1, NULL);
	ERR(IDENT_PHONE, "***", "CA", 1, NULL);
	PHONE_ERR("142", "CA");
	/* A '?' never stands for the country code. */
	PHONE_ERR("+?4 20 7946 0000", "CA");
	PHONE_ERR("00?4 20 7946 0000", "CA");
	/* Partial, yet not a North American length. */
	PHONE_ERR("604555?42", "CA");
	/* Eight digits with '+' are a whole (short) number, not a suffix. */
	PHONE_ERR("+5550142", "CA");
}

/* ---- email ---- */

static void
test_email(void **state)
{
	/* gmail: dots and +tag go, the domain is unified, case folds. */
	EMAIL("J.Smith@GMAIL.COM", "jsmith@gmail.com");
	EMAIL("j.s.m.i.t.h@gmail.com", "jsmith@gmail.com");
	EMAIL("jsmith+work+late@gmail.com", "jsmith@gmail.com");
	EMAIL("j.smith+a.b@GoogleMail.Com", "jsmith@gmail.com");
	EMAIL("JSMITH@GOOGLEMAIL.COM", "jsmith@gmail.com");
	EMAIL("jsmith@gmail.com", "jsmith@gmail.com");
	/* Other domains keep dots and +tags: they may be different people. */
	EMAIL("J.Smith+x@Example.ORG", "j.smith+x@example.org");
	EMAIL("j.smith@gmail.co.uk", "j.smith@gmail.co.uk");
	EMAIL("j.smith@mail.gmail.com", "j.smith@mail.gmail.com");
	EMAIL("j.smith@gmail.com.example", "j.smith@gmail.com.example");
	EMAIL("j.smith@notgmail.com", "j.smith@notgmail.com");
	EMAIL("Jo@Proton.Me", "jo@proton.me");
	/* Trimmed. */
	EMAIL("   Jo@Example.com   ", "jo@example.com");
	EMAIL(" J.Smith+x@GMail.com ", "jsmith@gmail.com");
	/* Non-ASCII is kept as written, and stays UTF-8. */
	EMAIL("Zo\u00eb@Example.com", "zo\u00eb@example.com");
	EMAIL("\u7528\u6237@\u4f8b\u5b50.\u4e2d\u56fd",
	    "\u7528\u6237@\u4f8b\u5b50.\u4e2d\u56fd");

	ERR(IDENT_EMAIL, "a@b@example.com", "CA", 1, "one @");
	ERR(IDENT_EMAIL, "a@@example.com", "CA", 1, "one @");
	ERR(IDENT_EMAIL, "jsmith@localhost", "CA", 1, "dot");
	ERR(IDENT_EMAIL, "jsmith@.com", "CA", 1, "dot");
	ERR(IDENT_EMAIL, "jsmith@example.", "CA", 1, "dot");
	ERR(IDENT_EMAIL, "j smith@example.com", "CA", 1, "spaces");
	ERR(IDENT_EMAIL, "jsmith@exa mple.com", "CA", 1, "spaces");
	ERR(IDENT_EMAIL, "jsmith @example.com", "CA", 1, "spaces");
	EMAIL_ERR("<jsmith@example.com>");
	EMAIL_ERR("John <jsmith@example.com>");
	EMAIL_ERR("a@example.com,b@example.com");
	EMAIL_ERR("a@example.com;b@example.com");
	EMAIL_ERR("\"a\"@example.com");
	EMAIL_ERR("jsmith");
	EMAIL_ERR("jsmith.example.com");
	EMAIL_ERR("@example.com");
	EMAIL_ERR("jsmith@");
	EMAIL_ERR("@");
	EMAIL_ERR("   ");
	EMAIL_ERR("   @   ");
	/* Nothing left of the local part once gmail's +tag and dots go. */
	ERR(IDENT_EMAIL, "+x@gmail.com", "CA", 1, "nothing before the @");
	ERR(IDENT_EMAIL, "+x@googlemail.com", "CA", 1, "nothing before");
	ERR(IDENT_EMAIL, "...@gmail.com", "CA", 1, "nothing before the @");
	ERR(IDENT_EMAIL, ".+x@gmail.com", "CA", 1, "nothing before the @");
	/* Length: the raw limit and the normalised one. */
	EMAIL(rep('a', 240, "@Example.com"), rep('a', 240, "@example.com"));
	EMAIL(rep('a', 243, "@example.com"), rep('a', 243, "@example.com"));
	EMAIL(rep('a', 240, "@googlemail.com"), rep('a', 240, "@gmail.com"));
	ERR(IDENT_EMAIL, rep('a', 241, "@googlemail.com"), "CA", 1,
	    "too long");
	ERR(IDENT_EMAIL, rep('a', 244, "@example.com"), "CA", 1, "too long");
	ERR(IDENT_EMAIL, rep('a', 245, "@example.com"), "CA", 1, "256 bytes");
}

/* ---- plates ---- */

static void
test_plate(void **state)
{
	PLATE("abc123", "ABC123");
	PLATE("  abc  123  ", "ABC123");
	PLATE("a-b-c-1-2-3", "ABC123");
	PLATE("ABC.123", "ABC123");
	PLATE("ABC\u00a0123", "ABC123");		/* NBSP */
	PLATE("ABC\u3000123", "ABC123");		/* ideographic space */
	PLATE("ABC\u2013123", "ABC123");		/* en dash */
	PLATE("ABC\u2014123", "ABC123");		/* em dash */
	PLATE("\uff41\uff42\uff43\uff11\uff12\uff13", "ABC123");
	PLATE("\uff21\uff22\uff23\uff0d\uff11\uff12\uff13", "ABC123");
	PLATE("ABC \u0661\u0662\u0663", "ABC123");	/* Arabic-Indic */
	PLATE("ab", "AB");
	PLATE("abcdefghij", "ABCDEFGHIJ");
	PLATE("a b c d e f g h i j", "ABCDEFGHIJ");

	PARTIAL(IDENT_PLATE, "ab?12?", "CA", "AB?12?");
	PARTIAL(IDENT_PLATE, "AB\uff1f12\uff1f", "CA", "AB?12?");
	PARTIAL(IDENT_PLATE, "ab?-12?", "CA", "AB?12?");
	PARTIAL(IDENT_PLATE, "??????", "CA", "??????");
	ERR(IDENT_PLATE, "AB?12?", "CA", 0, "whole plate");

	/* Look-alikes from other scripts are not the Latin letters. */
	PLATE_ERR("AB\u041e123");	/* Cyrillic O */
	PLATE_ERR("\u0410\u0412\u0421123");	/* Cyrillic A, Ve, Es */
	PLATE_ERR("AB\u039f123");	/* Greek Omicron */
	PLATE_ERR("\u00c5BC123");	/* A with ring */
	PLATE_ERR("ABC_123");
	PLATE_ERR("ABC/123");
	PLATE_ERR("AB*123");
	PLATE_ERR("\U0001f697ABC123");	/* emoji */
	ERR(IDENT_PLATE, "A", "CA", 1, "at least 2");
	ERR(IDENT_PLATE, "?", "CA", 1, "at least 2");
	ERR(IDENT_PLATE, " - ", "CA", 1, "at least 2");
	ERR(IDENT_PLATE, "ABCDEFGHIJK", "CA", 1, "at most 10");
	ERR(IDENT_PLATE, "ABCDE-FGHIJ-K", "CA", 1, "at most 10");
	ERR(IDENT_PLATE, rep('A', 256, ""), "CA", 1, "at most 10");
}

/* ---- handles and names ---- */

static void
test_handle(void **state)
{
	HANDLE("  @Johnny_B  ", "johnny_b");
	HANDLE("JOHNNY_B", "johnny_b");
	HANDLE("johnny.b-99", "johnny.b-99");
	HANDLE("@zo\u00eb", "zo\u00eb");
	HANDLE("\u5c0f\u660e", "\u5c0f\u660e");
	HANDLE(rep('a', 255, ""), rep('a', 255, ""));
	HANDLE(rep('A', 255, ""), rep('a', 255, ""));

	ERR(IDENT_HANDLE, "johnny b", "CA", 1, "spaces");
	ERR(IDENT_HANDLE, "@johnny b", "CA", 1, "spaces");
	ERR(IDENT_HANDLE, "@@johnny", "CA", 1, "second @");
	ERR(IDENT_HANDLE, "johnny@b", "CA", 1, "second @");
	ERR(IDENT_HANDLE, "@ johnny", "CA", 1, "spaces");
	ERR(IDENT_HANDLE, "@", "CA", 1, "empty");
	ERR(IDENT_HANDLE, "  @  ", "CA", 1, "empty");
	ERR(IDENT_HANDLE, "   ", "CA", 1, "empty");
	ERR(IDENT_HANDLE, rep('a', 256, ""), "CA", 1, "too long");
	ERR(IDENT_HANDLE, rep('a', 257, ""), "CA", 1, "256 bytes");
	HANDLE_ERR("johnny\tb");
	HANDLE_ERR("johnny\nb");
}

static void
test_name(void **state)
{
	NAME("  John   SMITH ", "john smith");
	NAME("John Smith", "john smith");
	NAME("JOHN", "john");
	NAME("j", "j");
	NAME(" a  b   c    d ", "a b c d");
	NAME("Zo\u00eb  Martin", "zo\u00eb martin");
	NAME(rep('a', 200, ""), rep('a', 200, ""));

	ERR(IDENT_NAME, "     ", "CA", 1, "empty");
	ERR(IDENT_NAME, rep('a', 256, ""), "CA", 1, "too long");
	ERR(IDENT_NAME, rep('a', 300, ""), "CA", 1, "256 bytes");
	NAME_ERR("John\tSmith");
	NAME_ERR("John\nSmith");
}

/* ---- input every kind refuses ---- */

static void
test_bad_input(void **state)
{
	static const char *const bad[] = {
		"",
		"6045550142\x01",
		"\x1b[2J6045550142",
		"6045550142\x7f",
		"6045550142\r",
		"60455\t50142",
		"604\xc2\x85" "5550142",		/* C1 control NEL */
		"604\xc0\xaf" "5550142",		/* overlong '/' */
		"604\xe0\x80\xaf" "5550142",		/* overlong '/' */
		"604\x80" "5550142",			/* lone continuation */
		"6045550142\xe2\x82",			/* truncated */
		"6045550142\xf0\x9f\x98",		/* truncated */
		"604\xed\xa0\x80" "5550142",		/* surrogate */
		"604\xf4\x90\x80\x80" "5550142",	/* above U+10FFFF */
		"604\xff" "5550142",
		"604\xf8\x88\x80\x80\x80" "5550142",	/* 5-byte form */
	};
	enum ident_kind k;
	size_t i;

	for (k = IDENT_PHONE; k <= IDENT_NAME; k++) {
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			ERR(k, bad[i], "CA", 1, NULL);
			ERR(k, bad[i], "CA", 0, NULL);
		}
		ERR(k, "", "CA", 1, "empty");
		ERR(k, "604\xc0\xaf", "CA", 1, "UTF-8");
		ERR(k, "604\x01", "CA", 1, "control");
		/* The raw limit counts bytes, padding included. */
		ERR(k, rep(' ', LIMIT_IDENT_BYTES - 9, "x@abc.com "), "CA", 1,
		    "256 bytes");
		ERR(k, rep(' ', 1000, ""), "CA", 1, "256 bytes");
	}
	/* Exactly 256 bytes is allowed: padding around a value is trimmed. */
	PHONE(rep(' ', LIMIT_IDENT_BYTES - 10, "6045550142"), "CA",
	    "+16045550142");
	EMAIL(rep(' ', LIMIT_IDENT_BYTES - 9, "x@abc.com"), "x@abc.com");
	NAME(rep(' ', LIMIT_IDENT_BYTES - 4, "john"), "john");
	HANDLE(rep(' ', LIMIT_IDENT_BYTES - 4, "john"), "john");
	PLATE(rep(' ', LIMIT_IDENT_BYTES - 6, "abc123"), "ABC123");
	/* 16 four-byte digits are 64 bytes but still 16 digits. */
	ERR(IDENT_PHONE, ("\U0001d7d7\U0001d7d7\U0001d7d7\U0001d7d7"
	    "\U0001d7d7\U0001d7d7\U0001d7d7\U0001d7d7\U0001d7d7\U0001d7d7"
	    "\U0001d7d7\U0001d7d7\U0001d7d7\U0001d7d7\U0001d7d7\U0001d7d7"),
	    "CA", 1, "15 digits");

	/* Kinds that do not exist. */
	ERR(0, "6045550142", "CA", 1, "unknown kind");
	ERR(6, "6045550142", "CA", 1, "unknown kind");
	ERR(99, "6045550142", "CA", 1, "unknown kind");
}

/* ---- matching ---- */

static void
test_match(void **state)
{
	/* Whole values: equal, nothing else. */
	assert_true(ident_match("+16045550142", "+16045550142"));
	assert_false(ident_match("+16045550142", "+16045550143"));
	assert_false(ident_match("+16045550142", "+160455501420"));
	assert_false(ident_match("+16045550142", "+1604555014"));
	assert_false(ident_match("ABC123", "ABC12"));
	assert_false(ident_match("ABC12", "ABC123"));
	assert_true(ident_match("", ""));
	assert_false(ident_match("", "A"));
	assert_false(ident_match("A", ""));

	/* '?' is exactly one character, and lengths must agree. */
	assert_true(ident_match("AB?12?", "ABC123"));
	assert_true(ident_match("AB?12?", "AB0129"));
	assert_true(ident_match("??????", "ABC123"));
	assert_false(ident_match("AB?12?", "ABC1234"));
	assert_false(ident_match("AB?12?", "ABC12"));
	assert_false(ident_match("AB?12?", "ABCC123"));
	assert_false(ident_match("AB?12?", "XBC123"));
	assert_false(ident_match("AB?12?", "ABC133"));
	assert_false(ident_match("?", ""));
	assert_true(ident_match("+1604555??42", "+16045550142"));
	assert_true(ident_match("+1604555??42", "+16045559942"));
	assert_false(ident_match("+1604555??42", "+16045550143"));
	assert_false(ident_match("+1604555??42", "+160455501422"));
	assert_false(ident_match("+1604555??42", "+442079460000"));

	/* A leading '*' is any prefix, including none. */
	assert_true(ident_match("*0142", "+16045550142"));
	assert_true(ident_match("*0142", "+442079460142"));
	assert_true(ident_match("*0142", "0142"));
	assert_true(ident_match("*5550142", "+16045550142"));
	assert_true(ident_match("*01?2", "+16045550142"));
	assert_false(ident_match("*0142", "+16045550143"));
	assert_false(ident_match("*0142", "+16045551420"));
	assert_false(ident_match("*0142", "142"));
	assert_false(ident_match("*0142", ""));
	assert_false(ident_match("*6045550142999", "+16045550142"));
	assert_true(ident_match("*", ""));
	assert_true(ident_match("*", "+16045550142"));
	/* Only a leading '*' is special. */
	assert_false(ident_match("0142*", "01420"));
	assert_false(ident_match("+1*", "+16045550142"));

	/* What the normaliser makes of DESIGN.md's own screening examples
	 * matches what it makes of the reported number. */
	{
		char pat[IDENT_NORM_MAX], val[IDENT_NORM_MAX];
		const char *why;
		int p;

		assert_int_equal(ident_normalize(IDENT_PHONE,
		    "\u0666\u0660\u0664 555 0142", "CA", 0, val, &p, &why), 0);
		assert_int_equal(ident_normalize(IDENT_PHONE, "***-0142", "CA",
		    1, pat, &p, &why), 0);
		assert_int_equal(p, 1);
		assert_true(ident_match(pat, val));
		assert_int_equal(ident_normalize(IDENT_PHONE, "604-555-\uff1f"
		    "\uff1f42", "CA", 1, pat, &p, &why), 0);
		assert_int_equal(p, 1);
		assert_true(ident_match(pat, val));
		assert_int_equal(ident_normalize(IDENT_PLATE, "ab?-1?3", "CA",
		    1, pat, &p, &why), 0);
		assert_int_equal(ident_normalize(IDENT_PLATE, "\uff41bc 123",
		    "CA", 0, val, &p, &why), 0);
		assert_true(ident_match(pat, val));
	}
}

/* ---- kinds ---- */

static void
test_kind(void **state)
{
	static const char *const names[] = {
		"phone", "email", "plate", "handle", "name",
	};
	enum ident_kind k;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		k = ident_kind_parse(names[i]);
		assert_int_not_equal(k, 0);
		assert_string_equal(ident_kind_name(k), names[i]);
	}
	for (k = IDENT_PHONE; k <= IDENT_NAME; k++)
		assert_int_equal(ident_kind_parse(ident_kind_name(k)), k);
	assert_int_equal(ident_kind_parse("phone"), IDENT_PHONE);
	assert_int_equal(ident_kind_parse("email"), IDENT_EMAIL);
	assert_int_equal(ident_kind_parse("plate"), IDENT_PLATE);
	assert_int_equal(ident_kind_parse("handle"), IDENT_HANDLE);
	assert_int_equal(ident_kind_parse("name"), IDENT_NAME);

	assert_int_equal(ident_kind_parse("Phone"), 0);
	assert_int_equal(ident_kind_parse("phone "), 0);
	assert_int_equal(ident_kind_parse("phon"), 0);
	assert_int_equal(ident_kind_parse("keyword"), 0);
	assert_int_equal(ident_kind_parse(""), 0);
	assert_int_equal(ident_kind_parse(NULL), 0);
	assert_null(ident_kind_name(0));
	assert_null(ident_kind_name(6));
	assert_null(ident_kind_name(-1));
}

/* What pasting from a phone's contacts or a CJK keyboard carries along. */
static void
test_pasted(void **state)
{
	(void)state;
	/* UK numbers written with the trunk 0 in brackets. */
	norm_ok(__LINE__, IDENT_PHONE, "+44 (0)20 7946 0000", "CA", 0,
	    "+442079460000", 0);
	/* Bidi isolation marks around a copied number, a zero-width space
	 * inside it. */
	norm_ok(__LINE__, IDENT_PHONE,
	    "\xe2\x80\xaa+1 604 555 0142\xe2\x80\xac", "CA", 0,
	    "+16045550142", 0);
	norm_ok(__LINE__, IDENT_PHONE, "604\xe2\x80\x8b" "555 0142", "CA", 0,
	    "+16045550142", 0);
	/* Full-width @ of CJK keyboards, in handles and emails. */
	norm_ok(__LINE__, IDENT_HANDLE, "\xef\xbc\xa0Johnny_B", "CA", 0,
	    "johnny_b", 0);
	norm_ok(__LINE__, IDENT_EMAIL, "jo\xef\xbc\xa0" "Example.com", "CA", 0,
	    "jo@example.com", 0);
	/* No-break and ideographic spaces are trimmed and collapsed. */
	norm_ok(__LINE__, IDENT_EMAIL, "\xc2\xa0jo@example.com\xe3\x80\x80",
	    "CA", 0, "jo@example.com", 0);
	norm_ok(__LINE__, IDENT_NAME, "John\xc2\xa0 Smith", "CA", 0,
	    "john smith", 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_design_phone),
		cmocka_unit_test(test_design_email),
		cmocka_unit_test(test_design_plate),
		cmocka_unit_test(test_design_handle),
		cmocka_unit_test(test_design_screening),
		cmocka_unit_test(test_phone_scripts),
		cmocka_unit_test(test_phone_separators),
		cmocka_unit_test(test_phone_countries),
		cmocka_unit_test(test_phone_lengths),
		cmocka_unit_test(test_phone_not_digits),
		cmocka_unit_test(test_phone_partial),
		cmocka_unit_test(test_email),
		cmocka_unit_test(test_plate),
		cmocka_unit_test(test_handle),
		cmocka_unit_test(test_name),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_kind),
		cmocka_unit_test(test_pasted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
