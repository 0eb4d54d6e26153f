/*
 * test_web.c: the escape-by-default formatter, translations, language
 * negotiation and the .mo parser's handling of hostile catalogs.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/account.h"
#include "http/http.h"
#include "util/arena.h"
#include "util/buf.h"
#include "web/i18n_internal.h"
#include "web/web.h"

#include "web_fixture.h"

extern const unsigned char mo_fr[];
extern const size_t mo_fr_len;
extern const unsigned char mo_zh_Hans[];
extern const size_t mo_zh_Hans_len;

/* html_escape and html_printf */

static void
test_escape_each_char(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "&", "&amp;" },
		{ "<", "&lt;" },
		{ ">", "&gt;" },
		{ "\"", "&quot;" },
		{ "'", "&#39;" },
		{ "", "" },
		{ "plain text", "plain text" },
		{ "a<b>&c\"d'e", "a&lt;b&gt;&amp;c&quot;d&#39;e" },
		{ "<script>alert('x')</script>",
		  "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" },
		{ "&amp;", "&amp;amp;" },
		{ "Français 中文 ✓", "Français 中文 ✓" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf b;

		buf_init(&b, BUF_CAP_SMALL);
		assert_int_equal(html_escape(&b, cases[i].in), 0);
		assert_string_equal(b.buf, cases[i].out);
		assert_int_equal(b.len, strlen(cases[i].out));
		buf_release(&b);
	}
}

static void
test_escape_null_writes_nothing(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, BUF_CAP_SMALL);
	assert_int_equal(html_escape(&b, NULL), 0);
	assert_string_equal(b.buf, "");
	buf_release(&b);
}

static void
test_printf_s_escapes(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, BUF_CAP_SMALL);
	assert_int_equal(html_printf(&b, "en", "<p title=\"%s\">%s</p>",
	    "\" onmouseover=\"x", "<b>&'"), 0);
	assert_string_equal(b.buf, "<p title=\"&quot; onmouseover=&quot;x\">"
	    "&lt;b&gt;&amp;&#39;</p>");
	buf_release(&b);
}

static void
test_printf_raw(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, BUF_CAP_SMALL);
	assert_int_equal(html_printf(&b, "en", "<div>%R|%s</div>",
	    "<em>it's</em>", "<em>"), 0);
	assert_string_equal(b.buf, "<div><em>it's</em>|&lt;em&gt;</div>");
	buf_release(&b);
}

static void
test_printf_translated_and_escaped(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, BUF_CAP_SMALL);
	/* The French has an apostrophe, which must come out escaped. */
	assert_int_equal(html_printf(&b, "fr", "<a>%t</a>",
	    "Go to the start page"), 0);
	assert_string_equal(b.buf, "<a>Aller à la page d&#39;accueil</a>");
	buf_reset(&b);
	assert_int_equal(html_printf(&b, "zh-Hans", "%t", "Sign in"), 0);
	assert_string_equal(b.buf, "登录");
	buf_reset(&b);
	/* No translation: the msgid, still escaped. */
	assert_int_equal(html_printf(&b, "fr", "%t", "<no such msgid>"), 0);
	assert_string_equal(b.buf, "&lt;no such msgid&gt;");
	buf_reset(&b);
	assert_int_equal(html_printf(&b, "en", "%t", "Wrong name or "
	    "password."), 0);
	assert_string_equal(b.buf, "Wrong name or password.");
	buf_release(&b);
}

static void
test_printf_numbers_and_percent(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, BUF_CAP_SMALL);
	assert_int_equal(html_printf(&b, "en", "%d %u %lld %zu 100%% %d",
	    -42, 4000000000U, -9007199254740993LL, (size_t)SIZE_MAX,
	    0), 0);
	assert_string_equal(b.buf, "-42 4000000000 -9007199254740993 "
	    "18446744073709551615 100% 0");
	buf_release(&b);
}

static void
test_printf_overflow_reports(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 16);
	assert_int_equal(html_printf(&b, "en", "%s", "<<<<<<<<"), -1);
	assert_true(b.overflow);
	assert_true(b.len <= 16);
	buf_release(&b);
}

/* Run fmt in a child; it must die of SIGABRT. */
static void
expect_abort(const char *fmt)
{
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct buf b;

		/* Keep the expected message out of the test output. */
		if (freopen("/dev/null", "w", stderr) == NULL)
			_exit(3);
		buf_init(&b, BUF_CAP_SMALL);
		html_printf(&b, "en", fmt, "x");
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
}

static void
test_printf_unknown_conversion_aborts(void **state)
{
	(void)state;
	expect_abort("%x");
	expect_abort("%ld");
	expect_abort("%zd");
	expect_abort("trailing %");
	expect_abort("%S");
}

/* tr() */

static void
test_tr(void **state)
{
	const char *id = "Sign in";
	const char *unknown = "this msgid is in no catalog";

	(void)state;
	assert_string_equal(tr("fr", id), "Se connecter");
	assert_string_equal(tr("zh-Hans", id), "登录");
	assert_string_equal(tr("fr", "Quick exit"), "Sortie rapide");
	assert_string_equal(tr("zh-Hans", "Quick exit"), "快速离开");
	assert_string_equal(tr("fr", "Wrong name or password."),
	    "Nom ou mot de passe incorrect.");
	assert_string_equal(tr("zh-Hans", "Page not found."),
	    "找不到这个页面。");
	/* English and unknown languages are the msgid itself. */
	assert_ptr_equal(tr("en", id), id);
	assert_ptr_equal(tr(NULL, id), id);
	assert_ptr_equal(tr("de", id), id);
	assert_ptr_equal(tr("fr", unknown), unknown);
	assert_ptr_equal(tr("zh-Hans", unknown), unknown);
	/* The header entry is not a message. */
	assert_string_equal(tr("fr", ""), "");
	assert_string_equal(tr("fr", NULL), "");
}

static void
test_http_messages_translated(void **state)
{
	static const int statuses[] = { 400, 401, 403, 404, 405, 413, 429, 500,
	    503, 418, 502 };
	size_t i;

	(void)state;
	assert_string_equal(web_status_msgid(403),
	    "This action is not allowed for your account.");
	assert_string_equal(web_status_msgid(404), "Page not found.");
	assert_string_equal(web_status_msgid(413),
	    "The request was too large.");
	assert_string_equal(web_status_msgid(429),
	    "Too many attempts. Please wait a minute and try again.");
	assert_string_equal(web_status_msgid(500), "Something went wrong on "
	    "our side. Nothing you sent was lost; please try again.");
	assert_string_equal(web_status_msgid(503),
	    "The service is busy. Please try again in a moment.");
	assert_string_equal(web_status_msgid(502), web_status_msgid(500));
	assert_string_equal(WEB_MSG_CSRF, "This form has expired. Please go "
	    "back, reload the page and try again.");
	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		const char *m = web_status_msgid(statuses[i]);

		assert_non_null(m);
		assert_string_not_equal(tr("fr", m), m);
		assert_string_not_equal(tr("zh-Hans", m), m);
	}
	assert_string_not_equal(tr("fr", WEB_MSG_CSRF), WEB_MSG_CSRF);
	assert_string_not_equal(tr("zh-Hans", WEB_MSG_CSRF), WEB_MSG_CSRF);
}

/* lang_negotiate() */

static void
test_negotiate_order(void **state)
{
	(void)state;
	assert_string_equal(lang_negotiate(NULL, NULL, NULL), "en");
	assert_string_equal(lang_negotiate("fr", "zh-Hans", "en"), "fr");
	assert_string_equal(lang_negotiate(NULL, "zh-Hans", "fr"), "zh-Hans");
	assert_string_equal(lang_negotiate(NULL, NULL, "fr"), "fr");
	/* A bad query or cookie falls through to the next source. */
	assert_string_equal(lang_negotiate("klingon", "fr", "zh"), "fr");
	assert_string_equal(lang_negotiate("", "<script>", "zh"), "zh-Hans");
	assert_string_equal(lang_negotiate("de", "xx", "de"), "en");
	assert_string_equal(lang_negotiate("en", "fr", NULL), "en");
	/* Always one of langs[], never the caller's string. */
	assert_ptr_equal(lang_negotiate("FR", NULL, NULL), langs[1]);
}

static void
test_negotiate_variants(void **state)
{
	(void)state;
	assert_string_equal(lang_negotiate("zh-Hans", NULL, NULL), "zh-Hans");
	assert_string_equal(lang_negotiate("zh", NULL, NULL), "zh-Hans");
	assert_string_equal(lang_negotiate("zh-CN", NULL, NULL), "zh-Hans");
	assert_string_equal(lang_negotiate("zh-Hans-CN", NULL, NULL),
	    "zh-Hans");
	assert_string_equal(lang_negotiate("zh_CN", NULL, NULL), "zh-Hans");
	assert_string_equal(lang_negotiate("ZH-hans", NULL, NULL), "zh-Hans");
	assert_string_equal(lang_negotiate("fr-CA", NULL, NULL), "fr");
	assert_string_equal(lang_negotiate(NULL, "fr-CA", NULL), "fr");
	assert_string_equal(lang_negotiate("en-GB", "fr", NULL), "en");
	/* Not tags: a prefix is not a language. */
	assert_string_equal(lang_negotiate("french", NULL, NULL), "en");
	assert_string_equal(lang_negotiate("f", NULL, NULL), "en");
	assert_string_equal(lang_negotiate("fr-", "zh", NULL), "fr");
	assert_string_equal(lang_negotiate("fr;q=1", NULL, NULL), "en");
	assert_string_equal(lang_negotiate("fr fr", NULL, NULL), "en");
	assert_string_equal(lang_negotiate(
	    "frxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	    NULL, NULL), "en");
}

static void
test_negotiate_accept_language(void **state)
{
	(void)state;
	assert_string_equal(lang_negotiate(NULL, NULL,
	    "fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5"), "fr");
	assert_string_equal(lang_negotiate(NULL, NULL,
	    "de-DE,de;q=0.9,zh-CN;q=0.8,en;q=0.5"), "zh-Hans");
	/* q-values decide, not the order. */
	assert_string_equal(lang_negotiate(NULL, NULL,
	    "en;q=0.1, fr;q=0.5, zh;q=0.9"), "zh-Hans");
	assert_string_equal(lang_negotiate(NULL, NULL,
	    "en;q=0.5,fr;q=1.0"), "fr");
	assert_string_equal(lang_negotiate(NULL, NULL,
	    "en;q=0.333,fr;q=0.334"), "fr");
	/* On a tie, the first listed wins. */
	assert_string_equal(lang_negotiate(NULL, NULL, "fr;q=0.8,zh;q=0.8"),
	    "fr");
	/* q=0 means "not this one". */
	assert_string_equal(lang_negotiate(NULL, NULL, "fr;q=0, zh;q=0.1"),
	    "zh-Hans");
	assert_string_equal(lang_negotiate(NULL, NULL, "fr;q=0.000"), "en");
	/* Malformed q-values drop their item, not the header. */
	assert_string_equal(lang_negotiate(NULL, NULL,
	    "fr;q=2, zh;q=0.5"), "zh-Hans");
	assert_string_equal(lang_negotiate(NULL, NULL,
	    "fr;q=0.5555, zh;q=0.1"), "zh-Hans");
	assert_string_equal(lang_negotiate(NULL, NULL,
	    "fr;q=abc, zh;q=0.1"), "zh-Hans");
	assert_string_equal(lang_negotiate(NULL, NULL,
	    "fr;q=1.001, zh;q=0.1"), "zh-Hans");
	assert_string_equal(lang_negotiate(NULL, NULL,
	    "fr;q=-1, zh;q=0.1"), "zh-Hans");
	assert_string_equal(lang_negotiate(NULL, NULL,
	    "fr;q=, zh;q=0.1"), "zh-Hans");
	/* Whitespace, case and other parameters are tolerated. */
	assert_string_equal(lang_negotiate(NULL, NULL,
	    "  FR-ca ;  Q=0.7 ,\ten ; q=0.3"), "fr");
	assert_string_equal(lang_negotiate(NULL, NULL,
	    "fr;level=1;q=0.9"), "fr");
	assert_string_equal(lang_negotiate(NULL, NULL, "de, *"), "en");
}

static void
test_negotiate_garbage(void **state)
{
	static const char *const headers[] = {
		"", ",", ",,,,;;;;", ";q=1", "=", "q=1", ";;;fr",
		"fr fr fr", "\xff\xfe", "zh\x01", "\"fr\"", "fr;q", "fr;q=",
		"fr;;;;q=0.5;;;", "*", "-", "--fr", "fr--", "1fr", "中文",
	};
	char big[9000];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
		const char *l = lang_negotiate(NULL, NULL, headers[i]);
		size_t j;
		int found = 0;

		for (j = 0; langs[j] != NULL; j++)
			if (l == langs[j])
				found = 1;
		assert_true(found);
	}
	/* Malformed items in between do not hide good ones. */
	assert_string_equal(lang_negotiate(NULL, NULL,
	    "\"x\", ;;;, 中文, zh-Hant;q=0.4"), "zh-Hans");
	/* Huge headers end in bounded time: only the first items count. */
	for (i = 0; i + 3 < sizeof(big); i += 3)
		memcpy(big + i, "de,", 3);
	big[i] = '\0';
	assert_string_equal(lang_negotiate(NULL, NULL, big), "en");
	/* ...so a match after the 32nd item is not seen. */
	big[0] = '\0';
	for (i = 0; i < 40; i++)
		memcpy(big + 3 * i, "de,", 4);
	memcpy(big + 3 * i, "fr", 3);
	assert_string_equal(lang_negotiate(NULL, NULL, big), "en");
	memcpy(big + 3 * 20, "fr,", 3);
	assert_string_equal(lang_negotiate(NULL, NULL, big), "fr");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_string_equal(lang_negotiate(big, big, big), "en");
}

/* .mo parsing */

struct mo_entry {
	const char *id, *str;
	size_t idlen, strlen;	/* 0: strlen() */
};

/* Build a .mo image of the entries (in their order), big- or little-
 * endian, into out; returns its length. */
static size_t
mo_build(unsigned char *out, size_t cap, const struct mo_entry *e,
    size_t n, int big)
{
	size_t off = 28 + 16 * n, i;

	memset(out, 0, cap);
#define PUT32(p, v) do {						\
	uint32_t v_ = (uint32_t)(v);					\
	unsigned char *p_ = (p);					\
	if (big) {							\
		p_[0] = v_ >> 24; p_[1] = v_ >> 16;			\
		p_[2] = v_ >> 8; p_[3] = v_;				\
	} else {							\
		p_[3] = v_ >> 24; p_[2] = v_ >> 16;			\
		p_[1] = v_ >> 8; p_[0] = v_;				\
	}								\
} while (0)
	PUT32(out, 0x950412de);
	PUT32(out + 4, 0);
	PUT32(out + 8, n);
	PUT32(out + 12, 28);
	PUT32(out + 16, 28 + 8 * n);
	PUT32(out + 20, 0);
	PUT32(out + 24, 0);
	for (i = 0; i < n; i++) {
		size_t il = e[i].idlen ? e[i].idlen : strlen(e[i].id);
		size_t sl = e[i].strlen ? e[i].strlen : strlen(e[i].str);

		assert_true(off + il + sl + 2 <= cap);
		PUT32(out + 28 + 8 * i, il);
		PUT32(out + 28 + 8 * i + 4, off);
		memcpy(out + off, e[i].id, il);
		off += il + 1;
		PUT32(out + 28 + 8 * n + 8 * i, sl);
		PUT32(out + 28 + 8 * n + 8 * i + 4, off);
		memcpy(out + off, e[i].str, sl);
		off += sl + 1;
	}
#undef PUT32
	return off;
}

static const struct mo_entry sample[] = {
	{ "", "Content-Type: text/plain; charset=UTF-8\n", 0, 0 },
	{ "zebra", "zèbre", 0, 0 },
	{ "apple", "pomme", 0, 0 },
	{ "untranslated", "", 0, 0 },
	{ "one file\0%d files", "un fichier\0%d fichiers", 17, 22 },
	{ "moon", "月亮", 0, 0 },
};
#define NSAMPLE (sizeof(sample) / sizeof(sample[0]))

static void
test_mo_parse_both_byte_orders(void **state)
{
	unsigned char img[1024];
	int big;

	(void)state;
	for (big = 0; big <= 1; big++) {
		struct catalog c;
		size_t len = mo_build(img, sizeof(img), sample, NSAMPLE, big);

		assert_int_equal(mo_parse(img, len, &c), 0);
		/* header and untranslated entries are not indexed */
		assert_int_equal(c.n, 4);
		assert_string_equal(catalog_lookup(&c, "apple"), "pomme");
		assert_string_equal(catalog_lookup(&c, "zebra"), "zèbre");
		assert_string_equal(catalog_lookup(&c, "moon"), "月亮");
		assert_string_equal(catalog_lookup(&c, "one file"),
		    "un fichier");
		assert_null(catalog_lookup(&c, "untranslated"));
		assert_null(catalog_lookup(&c, ""));
		assert_null(catalog_lookup(&c, "pear"));
		assert_null(catalog_lookup(&c, NULL));
		catalog_release(&c);
		assert_null(c.msgs);
		assert_int_equal(c.n, 0);
	}
}

static void
test_mo_parse_embedded(void **state)
{
	struct catalog c;

	(void)state;
	assert_int_equal(mo_parse(mo_fr, mo_fr_len, &c), 0);
	assert_true(c.n >= 50);
	assert_string_equal(catalog_lookup(&c, "Home"), "Accueil");
	catalog_release(&c);
	assert_int_equal(mo_parse(mo_zh_Hans, mo_zh_Hans_len, &c), 0);
	assert_true(c.n >= 50);
	assert_string_equal(catalog_lookup(&c, "Home"), "主页");
	catalog_release(&c);
}

static void
expect_reject(const unsigned char *img, size_t len)
{
	struct catalog c;

	c.msgs = (void *)&c;	/* must be reset even on failure */
	c.n = 99;
	assert_int_equal(mo_parse(img, len, &c), -1);
	assert_null(c.msgs);
	assert_int_equal(c.n, 0);
}

static void
set32le(unsigned char *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static void
test_mo_parse_rejects_corrupt(void **state)
{
	unsigned char img[1024], bad[1024];
	size_t len, i;
	struct catalog c;

	(void)state;
	len = mo_build(img, sizeof(img), sample, NSAMPLE, 0);

	expect_reject(NULL, 0);
	expect_reject(img, 0);
	expect_reject(img, 27);

	/* Every truncation cuts a string or its NUL. */
	for (i = 0; i < len; i++) {
		memcpy(bad, img, len);
		expect_reject(bad, i);
	}

	/* Bad magic, unknown revision. */
	memcpy(bad, img, len);
	bad[0] ^= 1;
	expect_reject(bad, len);
	memcpy(bad, img, len);
	set32le(bad + 4, 2u << 16);
	expect_reject(bad, len);

	/* Counts and table offsets that point outside. */
	memcpy(bad, img, len);
	set32le(bad + 8, 0xffffffffu);
	expect_reject(bad, len);
	memcpy(bad, img, len);
	set32le(bad + 8, MO_MAX_MESSAGES + 1);
	expect_reject(bad, len);
	memcpy(bad, img, len);
	set32le(bad + 12, 0xfffffff8u);
	expect_reject(bad, len);
	memcpy(bad, img, len);
	set32le(bad + 16, (uint32_t)len);
	expect_reject(bad, len);

	/* A string's offset or length past the end, or wrapping. */
	memcpy(bad, img, len);
	set32le(bad + 28 + 8 + 4, (uint32_t)len);
	expect_reject(bad, len);
	memcpy(bad, img, len);
	set32le(bad + 28 + 8, 0xffffffffu);
	expect_reject(bad, len);
	memcpy(bad, img, len);
	set32le(bad + 28 + 8 * NSAMPLE + 8, 0xfffffff0u);
	set32le(bad + 28 + 8 * NSAMPLE + 12, 0x20u);
	expect_reject(bad, len);

	/* A string without its NUL. */
	memcpy(bad, img, len);
	set32le(bad + 28 + 8, 4);	/* "zebra" said to be 4 bytes */
	expect_reject(bad, len);

	/* An empty catalog is fine; a count of zero with junk too. */
	memcpy(bad, img, len);
	set32le(bad + 8, 0);
	assert_int_equal(mo_parse(bad, len, &c), 0);
	assert_int_equal(c.n, 0);
	assert_null(catalog_lookup(&c, "apple"));
	catalog_release(&c);
}

static void
test_mo_parse_rejects_bad_text(void **state)
{
	static const struct mo_entry latin1[] = {
		{ "", "Content-Type: text/plain; charset=ISO-8859-1\n", 0, 0 },
		{ "apple", "pomme", 0, 0 },
	};
	static const struct mo_entry invalid_utf8[] = {
		{ "apple", "z\xe8" "bre", 0, 0 },
	};
	static const struct mo_entry overlong[] = {
		{ "\xc0\xbc" "script", "x", 0, 0 },
	};
	unsigned char img[512];
	size_t len;

	(void)state;
	len = mo_build(img, sizeof(img), latin1, 2, 1);
	expect_reject(img, len);
	len = mo_build(img, sizeof(img), invalid_utf8, 1, 0);
	expect_reject(img, len);
	len = mo_build(img, sizeof(img), overlong, 1, 0);
	expect_reject(img, len);
}

/* Random damage to a real catalog must never crash or read outside it
 * (ASan watches the reads); what it accepts must be well-formed. */
static void
test_mo_parse_random_damage(void **state)
{
	unsigned char *img;
	uint32_t seed = 12345;
	int round;

	(void)state;
	img = malloc(mo_fr_len);
	assert_non_null(img);
	for (round = 0; round < 3000; round++) {
		struct catalog c;
		size_t len = mo_fr_len, i, flips;

		memcpy(img, mo_fr, mo_fr_len);
		seed = seed * 1103515245u + 12345u;
		flips = 1 + (seed >> 16) % 4;
		for (i = 0; i < flips; i++) {
			seed = seed * 1103515245u + 12345u;
			/* Aim at the header and tables most of the time:
			 * that is where the offsets live. */
			size_t at = (seed >> 8) % (round % 2 ? 28 + 16 * 64 :
			    mo_fr_len);

			if (at >= mo_fr_len)
				at %= mo_fr_len;
			seed = seed * 1103515245u + 12345u;
			img[at] ^= (unsigned char)(1u << ((seed >> 16) % 8));
		}
		if (round % 3 == 0) {
			seed = seed * 1103515245u + 12345u;
			len = (seed >> 4) % mo_fr_len;
		}
		if (mo_parse(img, len, &c) == 0) {
			for (i = 0; i < c.n; i++) {
				const char *id = c.msgs[i].id;
				const char *s = c.msgs[i].str;

				assert_true(id >= (const char *)img &&
				    id < (const char *)img + len);
				assert_true(s >= (const char *)img &&
				    s < (const char *)img + len);
				assert_true(strlen(id) < len);
				assert_true(strlen(s) < len);
			}
			catalog_release(&c);
		}
	}
	free(img);
}

/* Pages, rendered without a server: a request as the HTTP layer would
 * hand it to a handler. */

static const char *
header_value(const struct http_resp *w, const char *name)
{
	size_t i;

	for (i = 0; i < w->nheaders; i++)
		if (strcasecmp(w->headers[i].key, name) == 0)
			return w->headers[i].value;
	return NULL;
}

/* What every page must be: complete, small, no inline code or style, and
 * the quick exit first in the body. */
static void
check_frame(const struct page *p, const char *lang)
{
	const char *html = p->w.body.buf, *body, *quick;
	char want[64];

	assert_true(strncmp(html, "<!doctype html>\n", 16) == 0);
	snprintf(want, sizeof(want), "<html lang=\"%s\">", lang);
	assert_non_null(strstr(html, want));
	assert_non_null(strstr(html, "<meta charset=utf-8>"));
	assert_non_null(strstr(html, "<meta name=viewport content=\""
	    "width=device-width,initial-scale=1\">"));
	assert_non_null(strstr(html, "<title>"));
	assert_non_null(strstr(html,
	    "<link rel=stylesheet href=/static/lookout.css>"));
	assert_non_null(strstr(html,
	    "<script src=/static/lookout.js defer></script>"));
	body = strstr(html, "<body>\n");
	assert_non_null(body);
	quick = "<a id=quick-exit class=quick-exit "
	    "href=\"https://www.google.com/search?q=weather\" "
	    "rel=\"noreferrer\">";
	assert_true(strncmp(body + 7, quick, strlen(quick)) == 0);
	assert_non_null(strstr(html, "<main id=main>"));
	assert_non_null(strstr(html, "</main>"));
	assert_non_null(strstr(html, "</html>\n"));
	assert_null(strstr(html, "<style"));
	assert_null(strstr(html, " style="));
	assert_null(strstr(html, "<script>"));
	assert_null(strstr(html, " onclick"));
	assert_null(strstr(html, "javascript:"));
	assert_true(p->w.body.len < 14 * 1024);
	assert_string_equal(p->w.content_type, "text/html; charset=utf-8");
}

static void
test_pages_frame(void **state)
{
	static const struct {
		const char *pattern;
		int role;
	} pages[] = {
		{ "/", 0 }, { "/login", 0 }, { "/home", ROLE_MEMBER },
		{ "/home", ROLE_OUTREACH }, { "/home", ROLE_ADMIN },
		{ "/home", ROLE_LIAISON }, { "/password", ROLE_MEMBER },
	};
	size_t i, l;

	(void)state;
	for (l = 0; langs[l] != NULL; l++) {
		for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
			struct page p;

			page_init(&p, pages[i].pattern, langs[l],
			    pages[i].role);
			page_render(&p, pages[i].pattern);
			assert_int_equal(p.w.status, 200);
			check_frame(&p, langs[l]);
			page_release(&p);
		}
	}
}

static void
test_pages_translated(void **state)
{
	struct page p;

	(void)state;
	page_init(&p, "/login", "fr", 0);
	page_render(&p, "/login");
	assert_non_null(strstr(p.w.body.buf, ">Sortie rapide</a>"));
	assert_non_null(strstr(p.w.body.buf, "<h1>Se connecter</h1>"));
	assert_non_null(strstr(p.w.body.buf, "Mot de passe"));
	page_release(&p);

	page_init(&p, "/login", "zh-Hans", 0);
	page_render(&p, "/login");
	assert_non_null(strstr(p.w.body.buf, ">快速离开</a>"));
	assert_non_null(strstr(p.w.body.buf, "<h1>登录</h1>"));
	/* The language names are in their own script whatever the page's
	 * language, and the current one is marked. */
	assert_non_null(strstr(p.w.body.buf, ">English</a>"));
	assert_non_null(strstr(p.w.body.buf, ">Français</a>"));
	assert_non_null(strstr(p.w.body.buf, "<a href=\"/login?lang=zh-Hans\" "
	    "lang=\"zh-Hans\" hreflang=\"zh-Hans\" aria-current=true>中文</a>"));
	page_release(&p);
}

static void
test_login_form(void **state)
{
	struct page p;
	const char *h;

	(void)state;
	page_init(&p, "/login", "en", 0);
	page_render(&p, "/login");
	h = p.w.body.buf;
	assert_non_null(strstr(h, "<form method=post action=/login"));
	assert_non_null(strstr(h, "<input type=hidden name=csrf value=\""
	    "csrf-token-0123456789-abcdefghijklmnopqrstu\">"));
	assert_non_null(strstr(h, "<label for=name>"));
	assert_non_null(strstr(h, "<label for=password>"));
	assert_non_null(strstr(h, "autocomplete=username"));
	assert_non_null(strstr(h, "type=password autocomplete=current-password"));
	/* Anonymous: a sign-in link, no sign-out form. */
	assert_non_null(strstr(h, "<a href=/login>Sign in</a>"));
	assert_null(strstr(h, "action=/logout"));
	page_release(&p);

	/* Signed in, /login and / go home. */
	page_init(&p, "/login", "en", ROLE_MEMBER);
	page_render(&p, "/login");
	assert_int_equal(p.w.status, 303);
	assert_string_equal(header_value(&p.w, "Location"), "/home");
	page_release(&p);
	page_init(&p, "/", "en", ROLE_ADMIN);
	page_render(&p, "/");
	assert_int_equal(p.w.status, 303);
	assert_string_equal(header_value(&p.w, "Location"), "/home");
	page_release(&p);
}

static void
test_home_per_role(void **state)
{
	static const struct {
		int role;
		const char *has, *label, *not;
	} cases[] = {
		{ ROLE_MEMBER, "Report a bad date", "Member",
		  "Moderation queue" },
		{ ROLE_OUTREACH, "Moderation queue", "Outreach worker",
		  "Report a bad date" },
		{ ROLE_ADMIN, "Regions", "Administrator", "Shared reports" },
		{ ROLE_LIAISON, "Shared reports", "Liaison", "Accounts" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct page p;
		const char *h;

		page_init(&p, "/home", "en", cases[i].role);
		page_render(&p, "/home");
		h = p.w.body.buf;
		assert_non_null(strstr(h, cases[i].has));
		assert_non_null(strstr(h, cases[i].label));
		assert_null(strstr(h, cases[i].not));
		/* Signed in: the sign-out form posts the CSRF token. */
		assert_non_null(strstr(h, "<form method=post action=/logout>"
		    "<input type=hidden name=csrf value=\"csrf-token-"));
		assert_non_null(strstr(h, "<a href=/password>"));
		page_release(&p);
	}
}

static void
test_error_page(void **state)
{
	struct page p;
	const char *h;

	(void)state;
	/* A hostile path must not turn the language links into links to
	 * another site or break out of the attribute. */
	page_init(&p, "//evil.example/\"><script>x</script>", "fr", 0);
	assert_int_equal(web_error(&p.r, &p.w, 404, web_status_msgid(404)),
	    0);
	h = p.w.body.buf;
	assert_int_equal(p.w.status, 404);
	check_frame(&p, "fr");
	assert_non_null(strstr(h, "<h1>Page introuvable.</h1>"));
	assert_non_null(strstr(h, "href=\"/?lang=en\""));
	assert_null(strstr(h, "evil"));
	assert_null(strstr(h, "<script>x"));
	page_release(&p);

	page_init(&p, "/home", "zh-Hans", ROLE_MEMBER);
	assert_int_equal(web_error(&p.r, &p.w, 503, NULL), 0);
	assert_int_equal(p.w.status, 503);
	assert_non_null(strstr(p.w.body.buf, "服务正忙"));
	assert_non_null(strstr(p.w.body.buf, "href=\"/home?lang=fr\""));
	page_release(&p);
}

static void
test_static_assets(void **state)
{
	static const struct {
		const char *name, *type;
		int status;
	} cases[] = {
		{ "lookout.css", "text/css; charset=utf-8", 200 },
		{ "lookout.js", "text/javascript; charset=utf-8", 200 },
		{ "nope.css", NULL, 404 },
		{ "../CMakeLists.txt", NULL, 404 },
		{ "", NULL, 404 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct page p;

		page_init(&p, "/static/x", "en", 0);
		p.r.params[0] = cases[i].name;
		p.r.nparams = 1;
		page_render(&p, "/static/{name}");
		assert_int_equal(p.w.status, cases[i].status);
		if (cases[i].status == 200) {
			assert_string_equal(p.w.content_type, cases[i].type);
			assert_string_equal(header_value(&p.w,
			    "Cache-Control"), "public, max-age=86400");
			assert_true(p.w.body.len > 100);
		} else {
			assert_null(header_value(&p.w, "Cache-Control"));
		}
		page_release(&p);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_each_char),
		cmocka_unit_test(test_escape_null_writes_nothing),
		cmocka_unit_test(test_printf_s_escapes),
		cmocka_unit_test(test_printf_raw),
		cmocka_unit_test(test_printf_translated_and_escaped),
		cmocka_unit_test(test_printf_numbers_and_percent),
		cmocka_unit_test(test_printf_overflow_reports),
		cmocka_unit_test(test_printf_unknown_conversion_aborts),
		cmocka_unit_test(test_tr),
		cmocka_unit_test(test_http_messages_translated),
		cmocka_unit_test(test_negotiate_order),
		cmocka_unit_test(test_negotiate_variants),
		cmocka_unit_test(test_negotiate_accept_language),
		cmocka_unit_test(test_negotiate_garbage),
		cmocka_unit_test(test_mo_parse_both_byte_orders),
		cmocka_unit_test(test_mo_parse_embedded),
		cmocka_unit_test(test_mo_parse_rejects_corrupt),
		cmocka_unit_test(test_mo_parse_rejects_bad_text),
		cmocka_unit_test(test_mo_parse_random_damage),
		cmocka_unit_test(test_pages_frame),
		cmocka_unit_test(test_pages_translated),
		cmocka_unit_test(test_login_form),
		cmocka_unit_test(test_home_per_role),
		cmocka_unit_test(test_error_page),
		cmocka_unit_test(test_static_assets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
