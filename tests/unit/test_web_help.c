/*
 * test_web_help.c: the pieces of the help loop's pages that render
 * without a server or a store: CSV fields and tables, the SVG bar chart
 * (escaping, and that a cell below k draws the same whatever its true
 * count), the words for statuses, priorities, needs and outcomes, the
 * pages that need no data, and the translation of every message the
 * help loop shows, the core's included.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "core/account.h"
#include "core/app.h"
#include "core/help.h"
#include "core/report.h"
#include "http/http.h"
#include "util/arena.h"
#include "util/buf.h"
#include "web/web.h"
#include "web/web_internal.h"

#include "web_fixture.h"

static size_t
count(const char *h, const char *needle)
{
	size_t n = 0;

	for (h = strstr(h, needle); h != NULL; h = strstr(h + 1, needle))
		n++;
	return n;
}

/* CSV */

static void
test_csv_field(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "", "" },
		{ "ca-bc-van", "ca-bc-van" },
		{ "<5", "<5" },
		{ "a,b", "\"a,b\"" },
		{ "say \"hi\"", "\"say \"\"hi\"\"\"" },
		{ "two\nlines", "\"two\nlines\"" },
		{ "cr\rhere", "\"cr\rhere\"" },
		{ "\"", "\"\"\"\"" },
		{ "中文, 2026", "\"中文, 2026\"" },
		/* What a spreadsheet would run is made text. */
		{ "=1+1", "'=1+1" },
		{ "+33", "'+33" },
		{ "-2", "'-2" },
		{ "@SUM(A1)", "'@SUM(A1)" },
		{ "\tx", "'\tx" },
		{ "=HYPERLINK(\"x\",\"y\")",
		  "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"" },
		{ "a=b", "a=b" },
	};
	struct buf b;
	size_t i;

	(void)state;
	buf_init(&b, BUF_CAP_SMALL);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_reset(&b);
		web_csv_field(&b, cases[i].in);
		assert_string_equal(b.buf, cases[i].out);
	}
	buf_reset(&b);
	web_csv_field(&b, NULL);
	assert_string_equal(b.buf, "");
	buf_release(&b);
}

static void
test_stats_csv_rows(void **state)
{
	const struct stat_cell cells[] = {
		{ "violence", "", 12, "12" },
		{ "threats", "", 3, "<5" },
		{ "odd,\"row\"\n", "", 0, "<5" },
	};
	struct buf b;

	(void)state;
	buf_init(&b, BUF_CAP_SMALL);
	web_stats_csv_rows(&b, "type", "incidents", cells, 3);
	assert_string_equal(b.buf, "type,incidents\r\n"
	    "violence,12\r\n"
	    "threats,<5\r\n"
	    "\"odd,\"\"row\"\"\n\",<5\r\n");
	/* The true count of a small cell is nowhere. */
	assert_null(strstr(b.buf, ",3"));
	buf_reset(&b);
	web_stats_csv_rows(&b, "month", "incidents", cells, 0);
	assert_string_equal(b.buf, "month,incidents\r\n");
	buf_release(&b);
}

/* The chart */

static const char *
label_as_is(const char *lang, const char *row)
{
	(void)lang;
	return row;
}

static void
test_bar_chart(void **state)
{
	struct stat_cell cells[] = {
		{ "<b>a & b</b>", "", 10, "10" },
		{ "half", "", 5, "5" },
		{ "small", "", 3, "<5" },
	};
	struct buf b, b2;
	const char *h;

	(void)state;
	buf_init(&b, BUF_CAP_SMALL * 4);
	buf_init(&b2, BUF_CAP_SMALL * 4);
	web_bar_chart(&b, "en", "type", cells, 3, 5, label_as_is);
	h = b.buf;
	assert_true(strncmp(h, "<svg class=chart viewBox=\"0 0 400 120\" "
	    "width=\"100%\" aria-hidden=\"true\"", 60) == 0);
	assert_non_null(strstr(h, "</svg>\n"));
	/* Labels and values are escaped; "<5" is text, not a tag. */
	assert_non_null(strstr(h, ">&lt;b&gt;a &amp; b&lt;/b&gt;</text>"));
	assert_null(strstr(h, "<b>"));
	assert_non_null(strstr(h, ">&lt;5</text>"));
	/* Presentation attributes only: the CSP forbids style. */
	assert_null(strstr(h, "style"));
	assert_null(strstr(h, "<script"));
	/* The largest published count fills the bar; 5 of 10 is half. */
	assert_non_null(strstr(h, "width=\"320\" height=\"16\" "
	    "fill=\"#1b4f9c\""));
	assert_non_null(strstr(h, "width=\"160\" height=\"16\" "
	    "fill=\"#1b4f9c\""));
	/* Below k: a hatched bar as long as k, its pattern named for this
	 * chart. */
	assert_non_null(strstr(h, "<pattern id=\"hatch-type\""));
	assert_non_null(strstr(h, "width=\"160\" height=\"16\" "
	    "fill=\"url(#hatch-type)\""));
	assert_int_equal(count(h, "fill=\"#1b4f9c\""), 2);
	assert_int_equal(count(h, "fill=\"url(#hatch-type)\""), 1);

	/* Whatever the true count below k is, the chart is the same. */
	cells[2].count = 0;
	web_bar_chart(&b2, "en", "type", cells, 3, 5, label_as_is);
	assert_string_equal(b.buf, b2.buf);
	buf_reset(&b2);
	cells[2].count = 4;
	web_bar_chart(&b2, "en", "type", cells, 3, 5, label_as_is);
	assert_string_equal(b.buf, b2.buf);

	/* Every cell below k: the scale is k, never a hidden count. */
	buf_reset(&b);
	cells[0].count = 1;
	cells[0].shown = "<5";
	cells[1].count = 4;
	cells[1].shown = "<5";
	web_bar_chart(&b, "en", "m", cells, 3, 5, label_as_is);
	assert_int_equal(count(b.buf, "width=\"320\" height=\"16\" "
	    "fill=\"url(#hatch-m)\""), 3);
	assert_int_equal(count(b.buf, "fill=\"#1b4f9c\""), 0);

	/* A large count is grouped as the reader's language does. */
	buf_reset(&b);
	cells[0].count = 12345;
	cells[0].shown = "12345";
	web_bar_chart(&b, "fr", "g", cells, 1, 5, label_as_is);
	assert_non_null(strstr(b.buf, ">12\xe2\x80\xaf" "345</text>"));

	/* Nothing to draw: nothing written. */
	buf_reset(&b);
	web_bar_chart(&b, "en", "x", cells, 0, 5, label_as_is);
	assert_string_equal(b.buf, "");
	buf_release(&b);
	buf_release(&b2);
}

/* Labels */

static void
test_help_labels(void **state)
{
	static const char *const statuses[] = { "open", "claimed", "closed",
	    "withdrawn" };
	struct buf b;
	size_t i;

	(void)state;
	assert_string_equal(web_priority_label(1), "In danger now");
	assert_string_equal(web_priority_label(2), "Under 18");
	assert_string_equal(web_priority_label(3), "Coercion");
	assert_string_equal(web_priority_label(4), "Other");
	assert_string_equal(web_priority_label(99), "Other");
	assert_string_equal(web_case_status_label("claimed"), "Taken");
	assert_string_equal(web_case_status_label("bogus"), "bogus");
	assert_string_equal(web_method_label("dropin"), "Drop-in");
	assert_string_equal(web_tier_label("full"), "Shared in full");
	assert_string_equal(web_outcome_label("referred"), "Referred");
	assert_string_equal(web_outcome_label("new-one"), "new-one");
	assert_string_equal(web_outcome_label(NULL), "");
	for (i = 0; i < 4; i++) {
		assert_translated(web_help_status_text(statuses[i]));
		assert_translated(web_case_status_label(statuses[i]));
		assert_translated(web_priority_label((int)i + 1));
		assert_translated(web_method_label(help_methods[i]));
	}
	assert_translated(web_tier_label("anonymous"));
	assert_translated(web_tier_label("full"));
	for (i = 0; i < NEED_COUNT; i++)
		assert_translated(help_need_labels[i]);
	for (i = 0; i < OUTCOME_COUNT; i++)
		assert_translated(web_outcome_label(case_outcome_names[i]));

	/* Languages by their own names; "other" in the page's language. */
	assert_string_equal(web_help_lang_text("fr", "zh-Hans"), "中文");
	assert_string_equal(web_help_lang_text("en", "vi"), "Tiếng Việt");
	assert_string_equal(web_help_lang_text("fr", "other"),
	    "Une autre langue");
	assert_string_equal(web_help_lang_text("en", "pt-BR"), "pt-BR");
	for (i = 0; web_help_langs[i] != NULL; i++)
		assert_non_null(web_help_lang_text("en", web_help_langs[i]));
	assert_int_equal(i, 8);

	buf_init(&b, BUF_CAP_SMALL);
	web_needs(&b, "fr", NEED_SAFETY_PLANNING | NEED_HOUSING);
	assert_string_equal(b.buf, "Plan de sécurité, Logement");
	buf_reset(&b);
	web_needs(&b, "en", 0);
	assert_string_equal(b.buf, "");
	web_waiting(&b, "en", 59);
	assert_string_equal(b.buf, "less than an hour");
	buf_reset(&b);
	web_waiting(&b, "en", 3600);
	assert_string_equal(b.buf, "about an hour");
	buf_reset(&b);
	web_waiting(&b, "en", 5 * 3600 + 59);
	assert_string_equal(b.buf, "5 hours");
	buf_reset(&b);
	web_waiting(&b, "zh-Hans", 3 * 86400);
	assert_string_equal(b.buf, "3 天");
	buf_release(&b);
}

/* The core's messages for the help loop, from the core itself: each
 * call fails before it touches a store. */
static void
test_core_help_messages_translated(void **state)
{
	const char *bad_needs[] = { "bogus" };
	char long_contact[300], long_text[LIMIT_TEXT_BYTES + 2], ref[16];
	struct report_err err;
	struct help_in in;
	struct auth who;
	struct app app;

	(void)state;
	memset(&app, 0, sizeof(app));
	snprintf(app.cfg.default_country, sizeof(app.cfg.default_country),
	    "%s", "CA");
	app.cfg.k_anonymity = 5;
	memset(&who, 0, sizeof(who));
	who.user_id = 1;
	who.role = ROLE_OUTREACH;
	memset(long_contact, '1', sizeof(long_contact) - 1);
	long_contact[sizeof(long_contact) - 1] = '\0';
	memset(long_text, 'x', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';

#define EXPECT_INVALID(call, fld) do {					\
		memset(&err, 0, sizeof(err));				\
		assert_int_equal((call), REPORT_INVALID);		\
		assert_string_equal(err.field, (fld));			\
		assert_translated(err.msg);				\
	} while (0)

	memset(&in, 0, sizeof(in));
	EXPECT_INVALID(help_create(&app, NULL, &in, ref, &err),
	    "contact.method");
	in.method = "dropin";
	in.contact = "6045550123";
	EXPECT_INVALID(help_create(&app, NULL, &in, ref, &err),
	    "contact.value");
	in.method = "email";
	in.contact = "";
	EXPECT_INVALID(help_create(&app, NULL, &in, ref, &err),
	    "contact.value");
	in.contact = "not an address";
	EXPECT_INVALID(help_create(&app, NULL, &in, ref, &err),
	    "contact.value");
	in.method = "phone";
	in.contact = "";
	EXPECT_INVALID(help_create(&app, NULL, &in, ref, &err),
	    "contact.value");
	in.contact = "call me";
	EXPECT_INVALID(help_create(&app, NULL, &in, ref, &err),
	    "contact.value");
	in.contact = long_contact;
	EXPECT_INVALID(help_create(&app, NULL, &in, ref, &err),
	    "contact.value");
	in.method = "dropin";
	in.contact = "";
	in.safe_times = "bell\a";
	EXPECT_INVALID(help_create(&app, NULL, &in, ref, &err),
	    "safe_times");
	in.safe_times = "";
	in.code_word = "two\nlines";
	EXPECT_INVALID(help_create(&app, NULL, &in, ref, &err),
	    "code_word");
	in.code_word = "";
	in.language = "x";
	EXPECT_INVALID(help_create(&app, NULL, &in, ref, &err), "language");
	in.language = "fr";
	in.needs[0] = bad_needs[0];
	in.nneeds = 1;
	EXPECT_INVALID(help_create(&app, NULL, &in, ref, &err), "needs");
	in.nneeds = NEED_COUNT + 1;
	EXPECT_INVALID(help_create(&app, NULL, &in, ref, &err), "needs");

	EXPECT_INVALID(case_note_add(&app, NULL, &who, 1, "", &err), "text");
	EXPECT_INVALID(case_note_add(&app, NULL, &who, 1, long_text, &err),
	    "text");
	EXPECT_INVALID(case_close(&app, NULL, &who, 1, "solved", "", &err),
	    "outcome");
	EXPECT_INVALID(case_close(&app, NULL, &who, 1, "referred", "", &err),
	    "detail");
	EXPECT_INVALID(case_close(&app, NULL, &who, 1, "contacted",
	    long_text, &err), "detail");
#undef EXPECT_INVALID
	assert_translated(account_strerror(ACCOUNT_BAD_REGION));
}

/* Pages that need no store */

static void
check_page(const struct page *p, const char *lang)
{
	const char *h = p->w.body.buf;
	char want[48];

	snprintf(want, sizeof(want), "<html lang=\"%s\">", lang);
	assert_true(strncmp(h, "<!doctype html>\n", 16) == 0);
	assert_non_null(strstr(h, want));
	assert_non_null(strstr(h, "<body>\n<a id=quick-exit class=quick-exit"));
	assert_null(strstr(h, "<style"));
	assert_null(strstr(h, " style="));
	assert_null(strstr(h, "<script>"));
	assert_null(strstr(h, " onclick"));
	assert_true(p->w.body.len < 14 * 1024);
	/* Help and what we publish, from every page. */
	assert_non_null(strstr(h, "<a href=/help>"));
	assert_non_null(strstr(h, "<a href=/stats>"));
	assert_non_null(strstr(h, "<a href=/transparency>"));
	assert_non_null(strstr(h, "</html>\n"));
}

/* Is msgid on the page, translated into lang and escaped? */
static void
assert_shown(const char *h, const char *lang, const char *msgid)
{
	struct buf b;

	assert_translated(msgid);
	buf_init(&b, BUF_CAP_SMALL);
	html_escape(&b, tr(lang, msgid));
	if (strstr(h, b.buf) == NULL)
		fail_msg("not on the %s page: \"%s\"", lang, b.buf);
	buf_release(&b);
}

static void
test_help_form(void **state)
{
	static const char *const langs3[] = { "en", "fr", "zh-Hans" };
	size_t l, i;

	(void)state;
	for (l = 0; l < 3; l++) {
		struct page p;
		const char *h;
		char want[64];

		page_init(&p, "/help", langs3[l], 0);
		page_render(&p, "/help");
		assert_int_equal(p.w.status, 200);
		check_page(&p, langs3[l]);
		h = p.w.body.buf;
		assert_non_null(strstr(h, "<form method=post action=/help "));
		assert_non_null(strstr(h, "<input type=hidden name=csrf "));
		for (i = 0; i < 4; i++) {
			snprintf(want, sizeof(want), "<input type=radio "
			    "id=method-%s name=method value=\"%s\">",
			    help_methods[i], help_methods[i]);
			assert_non_null(strstr(h, want));
		}
		/* Nothing is ticked for her. */
		assert_null(strstr(h, " checked"));
		assert_non_null(strstr(h, "<input id=contact name=contact "
		    "type=text autocomplete=off"));
		assert_non_null(strstr(h, "<textarea id=safe_times "
		    "name=safe_times"));
		assert_non_null(strstr(h, "<input id=code_word "
		    "name=code_word "));
		for (i = 0; i < NEED_COUNT; i++) {
			snprintf(want, sizeof(want), "name=needs value=\"%s\"",
			    help_need_names[i]);
			assert_non_null(strstr(h, want));
		}
		assert_non_null(strstr(h, "id=danger_now name=danger_now "
		    "value=\"yes\""));
		assert_non_null(strstr(h, "id=forced name=forced "
		    "value=\"yes\""));
		assert_non_null(strstr(h, "id=id_or_money_held "
		    "name=id_or_money_held value=\"yes\""));
		assert_non_null(strstr(h, "id=under_18 name=under_18 "
		    "value=\"yes\""));
		/* The page's language is the one offered first. */
		snprintf(want, sizeof(want), "<option value=\"%s\" selected>",
		    langs3[l]);
		assert_non_null(strstr(h, want));
		assert_int_equal(count(h, " selected>"), 1);
		for (i = 0; web_help_langs[i] != NULL; i++) {
			snprintf(want, sizeof(want), "<option value=\"%s\"",
			    web_help_langs[i]);
			assert_non_null(strstr(h, want));
		}
		/* The promises, in her language. */
		assert_shown(h, langs3[l], N_("Nobody will call the police or "
		    "immigration. Nothing you write here is ever passed to "
		    "them."));
		assert_shown(h, langs3[l], N_("You can withdraw your request "
		    "at any time. Then what you wrote is erased."));
		page_release(&p);

		page_init(&p, "/help/status", langs3[l], 0);
		page_render(&p, "/help/status");
		assert_int_equal(p.w.status, 200);
		check_page(&p, langs3[l]);
		assert_non_null(strstr(p.w.body.buf,
		    "<form method=post action=/help/status "));
		assert_non_null(strstr(p.w.body.buf, "<input id=reference "
		    "name=reference "));
		assert_null(strstr(p.w.body.buf, "help-status"));
		page_release(&p);

		page_init(&p, "/me/delete", langs3[l], ROLE_MEMBER);
		page_render(&p, "/me/delete");
		assert_int_equal(p.w.status, 200);
		check_page(&p, langs3[l]);
		assert_non_null(strstr(p.w.body.buf,
		    "<form method=post action=/me/delete "));
		assert_non_null(strstr(p.w.body.buf, "<input type=checkbox "
		    "id=confirm name=confirm value=\"yes\"><label"));
		page_release(&p);

		page_init(&p, "/", langs3[l], 0);
		page_render(&p, "/");
		check_page(&p, langs3[l]);
		assert_non_null(strstr(p.w.body.buf,
		    "<a class=button href=/help>"));
		page_release(&p);
	}
}

static void
test_stats_csv_needs_table(void **state)
{
	static const char *const bad[] = { "bogus", "", "MONTH" };
	static const char *const good[] = { "month", "type", "region",
	    "outcome" };
	const char *field, *msg;
	struct kv kv[1];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct page p;

		kv[0].key = "table";
		kv[0].value = bad[i];
		assert_int_equal(form_validate(kv, 1, web_q_stats_csv, &field,
		    &msg), 400);
		/* The handler refuses it too, before it asks for data. */
		page_init(&p, "/stats.csv", "en", 0);
		p.q[0] = kv[0];
		p.r.query = p.q;
		p.r.nquery = 1;
		page_render(&p, "/stats.csv");
		assert_int_equal(p.w.status, 400);
		page_release(&p);
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		kv[0].key = "table";
		kv[0].value = good[i];
		assert_int_equal(form_validate(kv, 1, web_q_stats_csv, &field,
		    &msg), 0);
	}
	assert_int_equal(form_validate(kv, 0, web_q_stats_csv, &field, &msg),
	    400);
}

static void
test_home_links(void **state)
{
	static const struct {
		int		 role;
		const char	*has[4];
	} cases[] = {
		{ ROLE_MEMBER, { "<a href=/me/regions>", "<a href=/me/delete>",
		    NULL } },
		{ ROLE_OUTREACH, { "<a href=/cases>Cases</a>", NULL } },
		{ ROLE_ADMIN, { "<a href=/cases>Cases</a>", NULL } },
		{ ROLE_LIAISON, { "<a href=/police>Shared reports</a>",
		    NULL } },
	};
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct page p;

		page_init(&p, "/home", "en", cases[i].role);
		page_render(&p, "/home");
		for (k = 0; cases[i].has[k] != NULL; k++)
			assert_non_null(strstr(p.w.body.buf, cases[i].has[k]));
		if (cases[i].role != ROLE_MEMBER)
			assert_null(strstr(p.w.body.buf, "/me/delete"));
		assert_null(strstr(p.w.body.buf, "<li class=soon>Cases"));
		assert_null(strstr(p.w.body.buf,
		    "<li class=soon>Shared reports"));
		page_release(&p);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_field),
		cmocka_unit_test(test_stats_csv_rows),
		cmocka_unit_test(test_bar_chart),
		cmocka_unit_test(test_help_labels),
		cmocka_unit_test(test_core_help_messages_translated),
		cmocka_unit_test(test_help_form),
		cmocka_unit_test(test_stats_csv_needs_table),
		cmocka_unit_test(test_home_links),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
