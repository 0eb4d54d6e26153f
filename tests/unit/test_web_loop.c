/*
 * test_web_loop.c: the pieces of the core loop's pages that render
 * without a server or a store: form widgets, labels, the mapping of the
 * core's error fields to form controls, the pages that need no data, and
 * the translation of every message the core hands the pages.
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
#include "core/ident.h"
#include "core/report.h"
#include "http/http.h"
#include "util/arena.h"
#include "util/buf.h"
#include "web/web.h"
#include "web/web_internal.h"

#include "web_fixture.h"

/* web_report_field() */

static void
test_report_field(void **state)
{
	static const struct {
		const char *core, *web;
	} cases[] = {
		{ "types", "types" },
		{ "occurred_on", "occurred_on" },
		{ "time_window", "time_window" },
		{ "region", "region" },
		{ "source", "source" },
		{ "consent.police", "police" },
		{ "vehicle.plate", "plate" },
		{ "summary", "summary" },
		{ "regions", "regions" },
		/* identifier 0 came from row 2 (rows 0 and 1 were empty),
		 * identifier 1 from row 3 */
		{ "identifiers[0].value", "iv3" },
		{ "identifiers[0].kind", "ik3" },
		{ "identifiers[1].value", "iv4" },
	};
	static const char *const bad[] = {
		NULL, "", "nope", "identifiers[2].value", "identifiers[].value",
		"identifiers[-1].value", "identifiers[0].colour",
		"identifiers[0]", "identifiers[x].value",
		"identifiers[99999999999].value",
	};
	const size_t row_of[] = { 2, 3 };
	char out[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(web_report_field(cases[i].core, row_of, 2, out,
		    sizeof(out)), 0);
		assert_string_equal(out, cases[i].web);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(web_report_field(bad[i], row_of, 2, out,
		    sizeof(out)), -1);
	/* No identifiers were sent: no index is valid. */
	assert_int_equal(web_report_field("identifiers[0].value", row_of, 0,
	    out, sizeof(out)), -1);
	/* Too small a buffer is a refusal, not a cut name. */
	assert_int_equal(web_report_field("occurred_on", row_of, 2, out, 4),
	    -1);
}

/* Widgets */

static void
test_input_escapes_and_marks_errors(void **state)
{
	struct input in = {
		"area", N_("Area"), "text", "off", "maxlength=10",
		"\"><script>x</script>", N_("All optional."),
		"the date is in the future", 1,
	};
	struct buf b;

	(void)state;
	buf_init(&b, BUF_CAP_SMALL);
	web_input(&b, "fr", &in);
	assert_non_null(strstr(b.buf, "<label for=area>Lieu</label>"));
	assert_non_null(strstr(b.buf,
	    "value=\"&quot;&gt;&lt;script&gt;x&lt;/script&gt;\""));
	assert_null(strstr(b.buf, "<script>"));
	assert_non_null(strstr(b.buf, "<p class=error id=area-error>Cette date "
	    "est dans le futur</p>"));
	assert_non_null(strstr(b.buf, "aria-invalid=true aria-describedby="
	    "\"area-hint area-error\""));
	/* Optional: no "required"; attributes spaced once. */
	assert_null(strstr(b.buf, "required"));
	assert_non_null(strstr(b.buf, "autocomplete=off maxlength=10 value="));
	buf_reset(&b);

	in.optional = 0;
	in.attrs = NULL;
	in.value = NULL;
	in.hint = NULL;
	in.error = NULL;
	web_input_named(&b, "en", &in, "ident_value");
	assert_non_null(strstr(b.buf, "<input id=area name=ident_value "
	    "type=text autocomplete=off required>"));
	buf_release(&b);
}

static void
test_textarea_keeps_leading_newline(void **state)
{
	struct textarea t = {
		"narrative", N_("What happened, in your words"), NULL, NULL,
		"\nfirst line was empty & <b>", 6, 100, 0,
	};
	struct buf b;

	(void)state;
	buf_init(&b, BUF_CAP_SMALL);
	web_textarea(&b, "en", &t);
	/* The parser drops one newline after <textarea>: ours, not hers. */
	assert_non_null(strstr(b.buf, "maxlength=100>\n\nfirst line was empty "
	    "&amp; &lt;b&gt;</textarea>"));
	buf_release(&b);
}

static void
test_check_select_group(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, BUF_CAP_SMALL);
	web_group_begin(&b, "en", "types", N_("What happened?"), NULL,
	    "choose at least one kind of incident");
	web_check(&b, "zh-Hans", "checkbox", "types", "type-robbery",
	    "robbery", "Robbery", 1);
	web_check_text(&b, "en", "checkbox", "regions", "reg-x", "x\"",
	    "Other", 0);
	web_group_end(&b);
	assert_non_null(strstr(b.buf, "<fieldset class=field id=types "
	    "aria-invalid=true aria-describedby=types-error>"));
	assert_non_null(strstr(b.buf, "<input type=checkbox id=type-robbery "
	    "name=types value=\"robbery\" checked><label for=type-robbery>"
	    "抢劫</label>"));
	/* A region's name is not a msgid: "Other" stays as it is. */
	assert_non_null(strstr(b.buf, "value=\"x&quot;\"><label for=reg-x>"
	    "Other</label>"));
	buf_reset(&b);

	web_select_begin(&b, "en", "ik1", "ident_kind", N_("Kind"), NULL,
	    NULL);
	web_option(&b, "en", "a<", "A & B", 1);
	web_option(&b, "en", "b", "B", 0);
	web_select_end(&b);
	assert_string_equal(b.buf, "<div class=field>\n<label for=ik1>Kind"
	    "</label>\n<select id=ik1 name=ident_kind><option value=\"a&lt;\" "
	    "selected>A &amp; B</option><option value=\"b\">B</option>"
	    "</select>\n</div>\n");
	buf_release(&b);
}

/* Labels */

static void
test_labels(void **state)
{
	struct buf b;
	char day[11];
	const char *codes[] = { "ca-bc", "<x>" };
	size_t i;

	(void)state;
	assert_string_equal(web_status_label("new"), "Waiting for review");
	assert_string_equal(web_status_label("withdrawn"), "Withdrawn");
	assert_string_equal(web_status_label("something-new"),
	    "something-new");
	assert_string_equal(web_status_label(NULL), "");
	assert_string_equal(web_severity_label("high"), "High");
	assert_string_equal(web_kind_label("plate"), "Licence plate");
	assert_string_equal(web_source_label("dropin"), "Drop-in");
	assert_string_equal(web_police_label("anonymous"),
	    "Only the anonymous alert");
	for (i = 0; web_ident_kinds[i] != NULL; i++)
		assert_translated(web_kind_label(web_ident_kinds[i]));
	for (i = 0; web_screen_kinds[i] != NULL; i++)
		assert_translated(web_kind_label(web_screen_kinds[i]));
	for (i = 0; web_sources[i] != NULL; i++)
		assert_translated(web_source_label(web_sources[i]));
	for (i = 0; web_severities[i] != NULL; i++)
		assert_translated(web_severity_label(web_severities[i]));
	for (i = 0; web_polices[i] != NULL; i++) {
		assert_translated(web_police_label(web_polices[i]));
		assert_translated(web_police_choices[i]);
	}
	assert_null(web_police_choices[i]);

	buf_init(&b, BUF_CAP_SMALL);
	web_types(&b, "fr", INC_VIOLENCE | INC_THREATS | INC_OTHER);
	assert_string_equal(b.buf, "Violence, Menaces, Autre");
	buf_reset(&b);
	web_types(&b, "zh-Hans", INC_VIOLENCE | INC_THREATS | INC_OTHER);
	assert_string_equal(b.buf, "暴力、威胁、其他");
	buf_reset(&b);
	web_types(&b, "en", 0);
	assert_string_equal(b.buf, "");
	web_codes(&b, "en", codes, 2);
	assert_string_equal(b.buf, "ca-bc, &lt;x&gt;");
	buf_release(&b);

	web_date(0, day);
	assert_string_equal(day, "1970-01-01");
	web_date(1795000000, day);
	assert_string_equal(day, "2026-11-18");
	assert_true(web_checked("yes"));
	assert_true(web_checked("on"));
	assert_false(web_checked("no"));
	assert_false(web_checked(""));
	assert_false(web_checked(NULL));
}

/* Every message the core gives the pages is translated. */

static void
test_core_messages_translated(void **state)
{
	static const struct {
		enum ident_kind	 k;
		const char	*v;
		int		 partial;
	} idents[] = {
		{ IDENT_PHONE, "", 0 }, { IDENT_PHONE, "abc", 0 },
		{ IDENT_PHONE, "1234567890123456789", 0 },
		{ IDENT_PHONE, "0142", 0 }, { IDENT_PHONE, "01", 1 },
		{ IDENT_PHONE, "+0 123 4567", 0 }, { IDENT_PHONE, "12", 0 },
		{ IDENT_PHONE, "+1 123 456 789", 0 },
		{ IDENT_PHONE, "+1 123 456 7890", 0 },
		{ IDENT_EMAIL, "a@b@c.d", 0 }, { IDENT_EMAIL, "a b@c.d", 0 },
		{ IDENT_EMAIL, "abc", 0 }, { IDENT_EMAIL, "a@b", 0 },
		{ IDENT_EMAIL, "@b.c", 0 }, { IDENT_PLATE, "AB!", 0 },
		{ IDENT_PLATE, "ABCDEFGHIJKL", 0 }, { IDENT_PLATE, "A", 0 },
		{ IDENT_PLATE, "AB?12", 0 }, { IDENT_HANDLE, "", 0 },
		{ IDENT_HANDLE, "a b", 0 }, { IDENT_NAME, "", 0 },
		{ (enum ident_kind)99, "x", 0 },
	};
	static const enum account_rc rcs[] = { ACCOUNT_ERR, ACCOUNT_BAD_NAME,
	    ACCOUNT_BAD_PASSWORD, ACCOUNT_EXISTS, ACCOUNT_DENIED,
	    ACCOUNT_BAD_REGION, ACCOUNT_UNAVAILABLE };
	char out[IDENT_NORM_MAX];
	const char *why;
	size_t i;
	int partial;

	(void)state;
	for (i = 0; web_core_msgids[i] != NULL; i++)
		assert_translated(web_core_msgids[i]);
	for (i = 0; i < INC_COUNT; i++)
		assert_translated(incident_labels[i]);
	for (i = 0; i < sizeof(rcs) / sizeof(rcs[0]); i++)
		assert_translated(account_strerror(rcs[i]));
	for (i = 0; i < sizeof(idents) / sizeof(idents[0]); i++) {
		why = NULL;
		if (ident_normalize(idents[i].k, idents[i].v, "CA",
		    idents[i].partial, out, &partial, &why) == 0)
			continue;	/* the core accepts more now */
		assert_translated(why);
	}
}

/* The core's validation messages, from the core itself: each call fails
 * before it touches a store. */
static void
test_core_validation_translated(void **state)
{
	struct app app;
	struct auth who;
	struct report_err err;
	struct report_in in;
	struct alert_in al;
	struct consent c;
	struct screen_result res;
	struct arena a;
	char token[TOKEN_CHARS + 1];
	int64_t id;

	(void)state;
	memset(&app, 0, sizeof(app));
	memset(&who, 0, sizeof(who));
	who.user_id = 1;
	who.role = ROLE_OUTREACH;
	arena_init(&a);

#define EXPECT_INVALID(call) do {					\
		memset(&err, 0, sizeof(err));				\
		assert_int_equal((call), REPORT_INVALID);		\
		assert_translated(err.msg);				\
	} while (0)

	memset(&in, 0, sizeof(in));
	EXPECT_INVALID(report_create(&app, NULL, &who, &in, &id, &err));
	in.types[0] = "bogus";
	in.ntypes = 1;
	EXPECT_INVALID(report_create(&app, NULL, &who, &in, &id, &err));
	in.types[0] = "violence";
	in.occurred_on = "20/11/2026";
	EXPECT_INVALID(report_create(&app, NULL, &who, &in, &id, &err));
	assert_string_equal(err.field, "occurred_on");
	in.occurred_on = "2999-01-01";
	EXPECT_INVALID(report_create(&app, NULL, &who, &in, &id, &err));
	in.occurred_on = "2026-01-01";
	in.time_window = "8pm";
	EXPECT_INVALID(report_create(&app, NULL, &who, &in, &id, &err));
	in.time_window = "";
	in.region = "";
	EXPECT_INVALID(report_create(&app, NULL, &who, &in, &id, &err));

	memset(&al, 0, sizeof(al));
	al.summary = "";
	EXPECT_INVALID(report_publish(&app, NULL, &who, 1, &al, &id, &err));
	al.summary = "s";
	al.severity = "urgent";
	EXPECT_INVALID(report_publish(&app, NULL, &who, 1, &al, &id, &err));
	al.severity = "high";
	EXPECT_INVALID(report_publish(&app, NULL, &who, 1, &al, &id, &err));
	al.regions[0] = "ca";
	al.nregions = 1;
	al.idents[0].kind = "fax";
	al.idents[0].value = "1";
	al.nidents = 1;
	EXPECT_INVALID(report_publish(&app, NULL, &who, 1, &al, &id, &err));
	EXPECT_INVALID(report_no_alert(&app, NULL, &who, 1, "", &err));

	c.alert = 0;
	c.police = "sometimes";
	c.share_orgs = 0;
	EXPECT_INVALID(report_lower_consent(&app, NULL, &who, 1, &c, &err));

	EXPECT_INVALID(screen(&app, NULL, &a, &who, "phone", "", &res,
	    &err));
	EXPECT_INVALID(screen(&app, NULL, &a, &who, "keyword", "ab", &res,
	    &err));
	EXPECT_INVALID(screen(&app, NULL, &a, &who, "fax", "123", &res,
	    &err));

	EXPECT_INVALID(account_register(&app, NULL, "nope", "n",
	    "longpassword", "web", token, &who, &err));
	EXPECT_INVALID(account_register(&app, NULL, "AAAA-AAAA", "",
	    "longpassword", "web", token, &who, &err));
	EXPECT_INVALID(account_register(&app, NULL, "AAAA-AAAA", "ana",
	    "short", "web", token, &who, &err));
#undef EXPECT_INVALID
	arena_release(&a);
}

/* Pages that need no store */

static void
render(struct page *p, const char *pattern, const char *lang, int role)
{
	page_init(p, pattern, lang, role);
	page_render(p, pattern);
}

/* An event handler attribute: " on" and letters, then "=". */
static int
has_event_attr(const char *h)
{
	const char *p;

	for (p = strstr(h, " on"); p != NULL; p = strstr(p + 1, " on")) {
		const char *q = p + 3;

		while (*q >= 'a' && *q <= 'z')
			q++;
		if (q > p + 3 && *q == '=')
			return 1;
	}
	return 0;
}

static void
check_page(const struct page *p)
{
	const char *h = p->w.body.buf;

	assert_true(strncmp(h, "<!doctype html>\n", 16) == 0);
	assert_non_null(strstr(h, "<body>\n<a id=quick-exit class=quick-exit"));
	assert_null(strstr(h, "<style"));
	assert_null(strstr(h, " style="));
	assert_null(strstr(h, "<script>"));
	assert_false(has_event_attr(h));
	assert_true(p->w.body.len < 14 * 1024);
	assert_non_null(strstr(h, "</html>\n"));
}

static void
test_pages_without_store(void **state)
{
	static const char *const langs3[] = { "en", "fr", "zh-Hans" };
	size_t l;

	(void)state;
	for (l = 0; l < 3; l++) {
		struct page p;
		const char *h;

		render(&p, "/register", langs3[l], 0);
		assert_int_equal(p.w.status, 200);
		check_page(&p);
		h = p.w.body.buf;
		assert_non_null(strstr(h, "<form method=post action=/register "));
		assert_non_null(strstr(h, "<input type=hidden name=csrf "
		    "value=\"csrf-token-0123456789-abcdefghijklmnopqrstu\">"));
		assert_non_null(strstr(h, "<label for=code>"));
		assert_non_null(strstr(h, "<input id=code name=code "));
		assert_non_null(strstr(h, "<input id=name name=name "));
		assert_non_null(strstr(h, "<input id=password name=password "
		    "type=password autocomplete=new-password"));
		assert_non_null(strstr(h, "<input id=password2 name=password2 "
		    "type=password"));
		page_release(&p);

		render(&p, "/invites", langs3[l], ROLE_OUTREACH);
		assert_int_equal(p.w.status, 200);
		check_page(&p);
		assert_non_null(strstr(p.w.body.buf,
		    "<form method=post action=/invites "));
		assert_null(strstr(p.w.body.buf, "invite-code"));
		page_release(&p);

		render(&p, "/screen", langs3[l], ROLE_MEMBER);
		assert_int_equal(p.w.status, 200);
		check_page(&p);
		h = p.w.body.buf;
		assert_non_null(strstr(h, "<form method=post action=/screen "));
		assert_non_null(strstr(h, "<select id=kind name=kind>"
		    "<option value=\"phone\" selected>"));
		assert_non_null(strstr(h, "<option value=\"keyword\">"));
		assert_non_null(strstr(h, "<input id=value name=value "));
		/* No result until she asks. */
		assert_null(strstr(h, "id=\"result\""));
		page_release(&p);
	}
}

static void
test_feed_needs_token_shape(void **state)
{
	static const char *const segs[] = { "new", "x.atom",
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.xml",
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.atom", "" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
		struct page p;

		page_init_bare(&p, "/feed/x", "en");
		p.r.params[0] = segs[i];
		p.r.nparams = 1;
		p.r.route = page_route("/feed/{token}", HTTP_GET);
		assert_int_equal(p.r.route->handler(&p.r, &p.w), 0);
		assert_int_equal(p.w.status, 404);
		page_release(&p);
	}
}

static void
test_home_links(void **state)
{
	static const struct {
		int		 role;
		const char	*has[6];
		const char	*not;
	} cases[] = {
		{ ROLE_MEMBER, { "<a href=/report>Report a bad date</a>",
		    "<a href=/screen>", "<a href=/alerts>",
		    "<a href=/reports/mine>", NULL }, "/queue" },
		{ ROLE_OUTREACH, { "<a href=/queue>", "<a href=/invites>",
		    "<a href=/report>Enter a report</a>", "<a href=/alerts>",
		    NULL }, "/reports/mine" },
		{ ROLE_ADMIN, { "<a href=/queue>", "<a href=/invites>", NULL },
		    "/reports/mine" },
		{ ROLE_LIAISON, { "<a href=/police>Shared reports</a>", NULL },
		    "/report" },
	};
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct page p;

		render(&p, "/home", "en", cases[i].role);
		for (k = 0; cases[i].has[k] != NULL; k++)
			assert_non_null(strstr(p.w.body.buf, cases[i].has[k]));
		assert_null(strstr(p.w.body.buf, cases[i].not));
		page_release(&p);
	}
}

static void
test_fail_statuses(void **state)
{
	static const struct {
		int rc, status;
	} cases[] = {
		{ REPORT_NOTFOUND, 404 }, { REPORT_GONE, 410 },
		{ REPORT_FORBIDDEN, 403 }, { REPORT_CONFLICT, 409 },
		{ REPORT_INVALID, 400 }, { REPORT_UNAVAILABLE, 503 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct page p;

		page_init_bare(&p, "/reports/1", "fr");
		assert_int_equal(web_report_fail(&p.r, &p.w, cases[i].rc), 0);
		assert_int_equal(p.w.status, cases[i].status);
		check_page(&p);
		page_release(&p);
	}
	{
		struct page p;

		page_init_bare(&p, NULL, NULL);
		assert_int_equal(web_report_fail(&p.r, &p.w, REPORT_ERR), -1);
		page_release(&p);
	}
}

/* Dates and counts are written the way each language writes them. */
static void
test_dates_and_counts(void **state)
{
	struct arena a;

	(void)state;
	arena_init(&a);
	assert_string_equal(web_day(&a, "en", "2026-11-05"),
	    "November 5, 2026");
	assert_string_equal(web_day(&a, "fr", "2026-11-05"),
	    "5 novembre 2026");
	assert_string_equal(web_day(&a, "zh-Hans", "2026-02-28"),
	    "2026\xe5\xb9\xb4" "2\xe6\x9c\x88" "28\xe6\x97\xa5");
	assert_string_equal(web_day(&a, "fr", "2027-08-01"),
	    "1 ao\xc3\xbbt 2027");
	/* Not a date: as it came. */
	assert_string_equal(web_day(&a, "fr", "2026-13-01"), "2026-13-01");
	assert_string_equal(web_day(&a, "en", "?"), "?");

	assert_string_equal(web_count(&a, "en", "1234567"), "1,234,567");
	/* A narrow no-break space between the groups. */
	assert_string_equal(web_count(&a, "fr", "12345"),
	    "12\xe2\x80\xaf" "345");
	assert_string_equal(web_count(&a, "zh-Hans", "1000"), "1,000");
	assert_string_equal(web_count(&a, "fr", "999"), "999");
	assert_string_equal(web_count(&a, "fr", "<5"), "<5");
	assert_string_equal(web_count(&a, "en", "0"), "0");
	arena_release(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_field),
		cmocka_unit_test(test_input_escapes_and_marks_errors),
		cmocka_unit_test(test_textarea_keeps_leading_newline),
		cmocka_unit_test(test_check_select_group),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_core_messages_translated),
		cmocka_unit_test(test_core_validation_translated),
		cmocka_unit_test(test_pages_without_store),
		cmocka_unit_test(test_feed_needs_token_shape),
		cmocka_unit_test(test_home_links),
		cmocka_unit_test(test_fail_statuses),
		cmocka_unit_test(test_dates_and_counts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
