/*
 * test_smscmd.c: the SMS command parser and SMS text rules
 * (core/smscmd.h), and the sendsms request of the SMS channel.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/smscmd.h"
#include "notify/notify.h"
#include "util/buf.h"
#include "util/i18n.h"
#include "util/banned.h"

static void
expect_cmd(const char *text, enum sms_cmd cmd, const char *lang,
    const char *arg, int line)
{
	struct sms_command c;

	smscmd_parse(text, strlen(text), &c);
	if (c.cmd != cmd || (lang == NULL) != (c.lang == NULL) ||
	    (lang != NULL && strcmp(lang, c.lang) != 0) ||
	    c.arglen != strlen(arg) || memcmp(c.arg, arg, c.arglen) != 0)
		fail_msg("line %d: '%s' gave command %d lang %s arg '%.*s'",
		    line, text, (int)c.cmd, c.lang ? c.lang : "(none)",
		    (int)c.arglen, c.arg);
}
#define CMD(t, c, l, a) expect_cmd(t, c, l, a, __LINE__)

static void
test_english(void **state)
{
	CMD("CHECK 604 555 0142", SMS_CMD_CHECK, "en", "604 555 0142");
	CMD("check abc-123", SMS_CMD_CHECK, "en", "abc-123");
	CMD("  Check\tJ.Smith@gmail.com  \r\n", SMS_CMD_CHECK, "en",
	    "J.Smith@gmail.com");
	CMD("HELP", SMS_CMD_HELP, "en", "");
	CMD("help I am scared", SMS_CMD_HELP, "en", "I am scared");
	CMD("Stop", SMS_CMD_STOP, NULL, "");
	CMD("STOP please", SMS_CMD_STOP, NULL, "please");
	CMD("start", SMS_CMD_START, "en", "");
	CMD("REPORT grey civic, hit me\nlast night", SMS_CMD_REPORT, "en",
	    "grey civic, hit me\nlast night");
}

static void
test_french(void **state)
{
	CMD("VERIFIER 604 555 0142", SMS_CMD_CHECK, "fr", "604 555 0142");
	CMD("vérifier 604 555 0142", SMS_CMD_CHECK, "fr", "604 555 0142");
	CMD("VÉRIFIER ab?12?", SMS_CMD_CHECK, "fr", "ab?12?");
	CMD("Vèrifier x", SMS_CMD_CHECK, "fr", "x");
	CMD("aide", SMS_CMD_HELP, "fr", "");
	CMD("Aide j'ai peur", SMS_CMD_HELP, "fr", "j'ai peur");
	CMD("arret", SMS_CMD_STOP, "fr", "");
	CMD("ARRÊT", SMS_CMD_STOP, "fr", "");
	CMD("arrêt", SMS_CMD_STOP, "fr", "");
	CMD("début", SMS_CMD_START, "fr", "");
	CMD("DEBUT", SMS_CMD_START, "fr", "");
	CMD("Signaler il m'a frappée", SMS_CMD_REPORT, "fr",
	    "il m'a frappée");
}

static void
test_unknown(void **state)
{
	CMD("", SMS_CMD_UNKNOWN, NULL, "");
	CMD("   \n", SMS_CMD_UNKNOWN, NULL, "");
	CMD("hello", SMS_CMD_UNKNOWN, NULL, "");
	/* A keyword must be a whole word. */
	CMD("CHECKS 604", SMS_CMD_UNKNOWN, NULL, "");
	CMD("STOPPED", SMS_CMD_UNKNOWN, NULL, "");
	CMD("HEL", SMS_CMD_UNKNOWN, NULL, "");
	CMD("HELPME", SMS_CMD_UNKNOWN, NULL, "");
	CMD("CHE\xc3\x89" "CK", SMS_CMD_UNKNOWN, NULL, "");
	/* Only E takes accents. */
	CMD("\xc3\x80" "IDE", SMS_CMD_UNKNOWN, NULL, "");
	CMD("检查 604", SMS_CMD_UNKNOWN, NULL, "");
}

static void
test_length_is_respected(void **state)
{
	struct sms_command c;
	const char buf[] = "HELPxxxx";

	/* Only the first 4 bytes are the message: a whole keyword. */
	smscmd_parse(buf, 4, &c);
	assert_int_equal(c.cmd, SMS_CMD_HELP);
	assert_int_equal(c.arglen, 0);
	/* A cut in the middle of an accent is no keyword. */
	smscmd_parse("V\xc3\x89RIFIER", 2, &c);
	assert_int_equal(c.cmd, SMS_CMD_UNKNOWN);
	smscmd_parse(NULL, 0, &c);
	assert_int_equal(c.cmd, SMS_CMD_UNKNOWN);
}

static void
test_gsm7(void **state)
{
	assert_true(sms_gsm7(""));
	assert_true(sms_gsm7("CHECK +1 (604) 555-0142 @home_$5!"));
	assert_true(sms_gsm7("Vérifié à l'école: è ù ì ò Ç Ø ø Å å Ñ ü ß"));
	assert_true(sms_gsm7("{[~]} ^ | \\ €"));
	assert_true(sms_gsm7("ΔΦΓΛΩΠΨΣΘΞ"));
	assert_false(sms_gsm7("ça va"));		/* only Ç is GSM */
	assert_false(sms_gsm7("fenêtre"));
	assert_false(sms_gsm7("新的安全提醒"));
	assert_false(sms_gsm7("back`tick"));
	assert_false(sms_gsm7("\xc3"));		/* cut UTF-8 */
	assert_false(sms_gsm7("\xed\xa0\x80"));	/* a surrogate */
	assert_false(sms_gsm7("tab\there"));
}

/* n copies of unit into s (large enough). */
static void
repeat(char *s, const char *unit, size_t n)
{
	size_t i, u = strlen(unit);

	for (i = 0; i < n; i++)
		memcpy(s + i * u, unit, u);
	s[n * u] = '\0';
}

static void
test_fit(void **state)
{
	char s[400];

	memset(s, 'a', 200);
	s[200] = '\0';
	assert_int_equal(sms_fit(s, 1), SMS_GSM7_CHARS);
	assert_int_equal(sms_fit(s, 0), SMS_UCS2_CHARS);
	/* Extension characters take two septets. */
	memset(s, '{', 100);
	s[100] = '\0';
	assert_int_equal(sms_fit(s, 1), 80);
	/* Never inside a character: 3 bytes each. */
	repeat(s, "中", 100);
	assert_int_equal(sms_fit(s, 0), 70 * 3);
	assert_int_equal(sms_fit("short", 0), 5);
	/* Outside the BMP: two UTF-16 units. */
	repeat(s, "\xf0\x9f\x98\x80", 50);
	assert_int_equal(sms_fit(s, 0), 35 * 4);
}

static void
test_utf16(void **state)
{
	/* "HELP 我" as UTF-16BE, as Kannel passes UCS-2. */
	static const unsigned char help[] = { 0, 'H', 0, 'E', 0, 'L', 0, 'P',
	    0, ' ', 0x62, 0x11 };
	static const unsigned char pair[] = { 0xd8, 0x3d, 0xde, 0x00 };
	static const unsigned char lone_hi[] = { 0, 'a', 0xd8, 0x3d };
	static const unsigned char lone_lo[] = { 0xde, 0x00, 0, 'a' };
	static const unsigned char hi_hi[] = { 0xd8, 0x3d, 0xd8, 0x3d };
	static const unsigned char nul[] = { 0, 'a', 0, 0 };
	char out[64];
	size_t n;

	assert_int_equal(sms_utf16be_to_utf8(help, sizeof(help), out,
	    sizeof(out), &n), 0);
	assert_string_equal(out, "HELP 我");
	assert_int_equal(n, strlen("HELP 我"));
	assert_int_equal(sms_utf16be_to_utf8(pair, sizeof(pair), out,
	    sizeof(out), &n), 0);
	assert_string_equal(out, "\xf0\x9f\x98\x80");
	assert_int_equal(sms_utf16be_to_utf8(help, 3, out, sizeof(out), &n),
	    -1);
	assert_int_equal(sms_utf16be_to_utf8(lone_hi, sizeof(lone_hi), out,
	    sizeof(out), &n), -1);
	assert_int_equal(sms_utf16be_to_utf8(lone_lo, sizeof(lone_lo), out,
	    sizeof(out), &n), -1);
	assert_int_equal(sms_utf16be_to_utf8(hi_hi, sizeof(hi_hi), out,
	    sizeof(out), &n), -1);
	assert_int_equal(sms_utf16be_to_utf8(nul, sizeof(nul), out,
	    sizeof(out), &n), -1);
	/* Bounded: "HELP 我" needs 8 bytes and the NUL. */
	assert_int_equal(sms_utf16be_to_utf8(help, sizeof(help), out, 8, &n),
	    -1);
	assert_int_equal(sms_utf16be_to_utf8(help, sizeof(help), out, 9, &n),
	    0);
	assert_int_equal(sms_utf16be_to_utf8(help, 0, out, 1, &n), 0);
	assert_string_equal(out, "");
	assert_int_equal(sms_utf16be_to_utf8(help, 0, out, 0, &n), -1);
}

static void
test_latin1(void **state)
{
	static const unsigned char in[] = { 0xe7, 'a', ' ', 0xe9 };
	char out[16];
	size_t n;

	assert_int_equal(sms_latin1_to_utf8(in, sizeof(in), out, sizeof(out),
	    &n), 0);
	assert_string_equal(out, "ça é");
	assert_int_equal(sms_latin1_to_utf8(in, sizeof(in), out, 6, &n), -1);
	assert_int_equal(sms_latin1_to_utf8((const unsigned char *)"a\0b", 3,
	    out, sizeof(out), &n), -1);
}

static void
test_sendsms_query(void **state)
{
	struct buf q;

	buf_init(&q, BUF_CAP_LARGE);
	assert_int_equal(sms_query("lk", "p&w", "+16045550142",
	    "New alert: grey Civic", &q), 0);
	assert_string_equal(q.buf, "username=lk&password=p%26w&to=%2B16045550142"
	    "&text=New%20alert%3A%20grey%20Civic&charset=UTF-8");
	buf_release(&q);
	buf_init(&q, BUF_CAP_LARGE);
	assert_int_equal(sms_query("lk", "pw", "+16045550142", "新的安全提醒",
	    &q), 0);
	assert_non_null(strstr(q.buf, "&text=%E6%96%B0%E7%9A%84"));
	assert_non_null(strstr(q.buf, "&coding=2&charset=UTF-8"));
	buf_release(&q);
	/* French that GSM 7-bit cannot carry goes as UCS-2 too. */
	buf_init(&q, BUF_CAP_LARGE);
	assert_int_equal(sms_query("lk", "pw", "1", "fenêtre", &q), 0);
	assert_non_null(strstr(q.buf, "&coding=2&charset=UTF-8"));
	buf_release(&q);
}

/* Every reply lookout sends by text fits one SMS, in every language. */
static void
test_replies_fit_one_sms(void **state)
{
	static const char *const ids[] = {
		"Text CHECK and a number, plate or email to check it; HELP "
		"to ask for support; REPORT and what happened; STOP or START "
		"for alerts.",
		"Text HELP and a few words to ask a support worker to contact "
		"you, or STOP to get no more texts.",
		"This number is not a member's. Text HELP to ask a support "
		"worker to contact you.",
		"Send CHECK and a phone number, plate or email, for example "
		"CHECK 604 555 0142.",
		"Too many checks at once. Try again in a minute.",
		"GREEN: no alert matches. No report is not a guarantee of "
		"safety.",
		"You will get no more alerts by text. Text START to get them "
		"again.",
		"Alerts by text are on again. Text STOP to stop them.",
		"Send REPORT and a few words on what happened.",
		"Thank you. Your report is saved. A support worker will "
		"contact you to complete it.",
		"Choose your region on the website first, then send REPORT "
		"again.",
		"The service is busy. Try again in a few minutes.",
		"Your phone number could not be read. Call or visit your "
		"support organisation.",
	};
	size_t i, k;

	for (k = 0; langs[k] != NULL; k++) {
		for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
			const char *t = tr(langs[k], ids[i]);

			if (k > 0 && t == ids[i])
				fail_msg("%s: no translation of '%s'",
				    langs[k], ids[i]);
			if (sms_fit(t, sms_gsm7(t)) != strlen(t))
				fail_msg("%s: '%s' does not fit one SMS",
				    langs[k], t);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_english),
		cmocka_unit_test(test_french),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_length_is_respected),
		cmocka_unit_test(test_gsm7),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_utf16),
		cmocka_unit_test(test_latin1),
		cmocka_unit_test(test_sendsms_query),
		cmocka_unit_test(test_replies_fit_one_sms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
