/*
 * test_http.c: the HTTP layer: form and JSON decoding and validation,
 * rate limits, metrics, and a real server on loopback driven over a
 * plain socket.
 *
 * The server test runs on route tables made for it, so it exercises the
 * whole pipeline (routing, query and body checks, roles, CSRF, headers)
 * without a database: the app has no store pool, so everyone is
 * anonymous.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <zlib.h>

#include "core/account.h"
#include "core/app.h"
#include "crypto/seal.h"
#include "http/header.h"
#include "http/http.h"
#include "http/http_int.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* ---- forms -------------------------------------------------------- */

static void
test_form_decode(void **state)
{
	struct arena a;
	struct kv *kv;
	const char *s;
	int n;

	arena_init(&a);
	s = "a=1&b=hello+world&c=%41%42%e2%82%AC&d&e=";
	n = form_decode(&a, s, strlen(s), &kv);
	assert_int_equal(n, 5);
	assert_string_equal(kv[0].key, "a");
	assert_string_equal(kv[0].value, "1");
	assert_string_equal(kv[1].value, "hello world");
	assert_string_equal(kv[2].value, "AB\xe2\x82\xac");
	assert_string_equal(kv[3].key, "d");
	assert_string_equal(kv[3].value, "");
	assert_string_equal(kv[4].value, "");

	/* escaped separators stay data */
	s = "k%3D=v%26w%2Bx";
	assert_int_equal(form_decode(&a, s, strlen(s), &kv), 1);
	assert_string_equal(kv[0].key, "k=");
	assert_string_equal(kv[0].value, "v&w+x");

	/* empty pairs are skipped; empty input is no pairs */
	s = "&a=1&&b=2&";
	assert_int_equal(form_decode(&a, s, strlen(s), &kv), 2);
	assert_string_equal(kv[1].key, "b");
	assert_int_equal(form_decode(&a, "", 0, &kv), 0);
	assert_null(kv);

	/* length is respected, not the NUL */
	assert_int_equal(form_decode(&a, "a=1&b=2", 3, &kv), 1);
	assert_string_equal(kv[0].value, "1");

	/* malformed: bad or cut escapes, invalid UTF-8, NUL, no name */
	assert_int_equal(form_decode(&a, "a=%zz", 5, &kv), -1);
	assert_int_equal(form_decode(&a, "a=%4", 4, &kv), -1);
	assert_int_equal(form_decode(&a, "a=%", 3, &kv), -1);
	assert_int_equal(form_decode(&a, "a=%ff%fe", 8, &kv), -1);
	assert_int_equal(form_decode(&a, "a=%c0%af", 8, &kv), -1);
	assert_int_equal(form_decode(&a, "a=%00", 5, &kv), -1);
	assert_int_equal(form_decode(&a, "a=x\0y", 5, &kv), -1);
	assert_int_equal(form_decode(&a, "%ff=1", 5, &kv), -1);
	assert_int_equal(form_decode(&a, "=1", 2, &kv), -1);
	assert_int_equal(form_decode(&a, "a=1&=2", 6, &kv), -1);
	arena_release(&a);
}

/* The raw query of /sms/inbound: bytes, NULs included. */
static void
test_form_get_bytes(void **state)
{
	struct arena a;
	size_t len;
	char *v;

	arena_init(&a);
	assert_int_equal(form_get_bytes(&a, "secret=s&text=%00H%00I+x&t=%ff",
	    "text", &v, &len), 1);
	assert_int_equal(len, 6);
	assert_memory_equal(v, "\0H\0I x", 6);
	assert_int_equal(form_get_bytes(&a, "secret=s&text=a&t=%ff", "t", &v,
	    &len), 1);
	assert_int_equal(len, 1);
	assert_int_equal((unsigned char)v[0], 0xff);
	/* The first of repeated names; absent; a name is matched whole. */
	assert_int_equal(form_get_bytes(&a, "a=1&a=2", "a", &v, &len), 1);
	assert_string_equal(v, "1");
	assert_int_equal(form_get_bytes(&a, "ab=1&b", "a", &v, &len), 0);
	assert_null(v);
	assert_int_equal(form_get_bytes(&a, "", "a", &v, &len), 0);
	assert_int_equal(form_get_bytes(&a, "a=", "a", &v, &len), 1);
	assert_int_equal(len, 0);
	/* Malformed escapes. */
	assert_int_equal(form_get_bytes(&a, "a=%4", "a", &v, &len), -1);
	assert_int_equal(form_get_bytes(&a, "a=%zz", "a", &v, &len), -1);
	arena_release(&a);
}

static void
test_form_decode_limit(void **state)
{
	struct arena a;
	struct kv *kv;
	struct buf b;
	int i;

	arena_init(&a);
	buf_init(&b, BUF_CAP_SMALL);
	for (i = 0; i < LIMIT_FORM_FIELDS; i++)
		buf_printf(&b, "%sf%d=%d", i ? "&" : "", i, i);
	assert_int_equal(form_decode(&a, b.buf, b.len, &kv),
	    LIMIT_FORM_FIELDS);
	assert_string_equal(kv[LIMIT_FORM_FIELDS - 1].key, "f63");
	buf_adds(&b, "&one=more");
	assert_int_equal(form_decode(&a, b.buf, b.len, &kv), -1);
	buf_release(&b);
	arena_release(&a);
}

static const char *
only_abc(const char *v)
{
	return strcmp(v, "abc") == 0 ? NULL : "'code' must be abc";
}

static const struct field_spec form_spec[] = {
	{ "name", F_STRING, 1, 8, NULL, NULL },
	{ "note", F_TEXT, 0, 0, NULL, NULL },
	{ "n", F_INT, 0, 0, NULL, NULL },
	{ "ok", F_BOOL, 0, 0, NULL, NULL },
	{ "types", F_LIST, 0, 2, NULL, NULL },
	{ "code", F_STRING, 0, 0, NULL, only_abc },
	{ NULL, 0, 0, 0, NULL, NULL },
};

static int
validate(const char *body, const char **field, const char **msg)
{
	struct arena a;
	struct kv *kv;
	int n, rc;

	arena_init(&a);
	n = form_decode(&a, body, strlen(body), &kv);
	assert_true(n >= 0);
	rc = form_validate(kv, (size_t)n, form_spec, field, msg);
	arena_release(&a);	/* the messages outlive the arena */
	return rc;
}

static void
test_form_validate(void **state)
{
	const char *field, *msg;

	assert_int_equal(validate("name=mia&note=two%0Alines&n=-3&ok=on&"
	    "types=a&types=b&code=abc", &field, &msg), 0);
	assert_int_equal(validate("name=", &field, &msg), 0);

	assert_int_equal(validate("name=mia&evil=1", &field, &msg), 400);
	assert_string_equal(field, "evil");
	assert_string_equal(msg, "unknown field 'evil'");

	assert_int_equal(validate("note=x", &field, &msg), 400);
	assert_string_equal(field, "name");
	assert_string_equal(msg, "'name' is required");

	assert_int_equal(validate("name=a&name=b", &field, &msg), 400);
	assert_string_equal(field, "name");
	assert_non_null(strstr(msg, "more than once"));

	assert_int_equal(validate("name=a&types=1&types=2&types=3", &field,
	    &msg), 400);
	assert_string_equal(field, "types");
	assert_non_null(strstr(msg, "more than 2 items"));

	assert_int_equal(validate("name=123456789", &field, &msg), 400);
	assert_string_equal(msg, "'name' is longer than 8 bytes");

	/* one-line fields refuse control characters; text takes lines */
	assert_int_equal(validate("name=a%0Ab", &field, &msg), 400);
	assert_string_equal(field, "name");
	assert_int_equal(validate("name=a&note=a%0D%0A%09b", &field, &msg),
	    0);
	assert_int_equal(validate("name=a&note=a%07b", &field, &msg), 400);
	assert_string_equal(field, "note");

	assert_int_equal(validate("name=a&n=1.5", &field, &msg), 400);
	assert_string_equal(field, "n");
	assert_int_equal(validate("name=a&n=99999999999999999999", &field,
	    &msg), 400);
	assert_int_equal(validate("name=a&ok=maybe", &field, &msg), 400);
	assert_string_equal(field, "ok");

	assert_int_equal(validate("name=a&code=abd", &field, &msg), 400);
	assert_string_equal(field, "code");
	assert_string_equal(msg, "'code' must be abc");

	/* no spec: nothing is allowed, nothing is required */
	{
		struct kv kv = { "x", "1" };

		assert_int_equal(form_validate(NULL, 0, NULL, &field, &msg), 0);
		assert_int_equal(form_validate(&kv, 1, NULL, &field, &msg),
		    400);
		assert_string_equal(field, "x");
	}
}

static void
test_form_validate_implicit(void **state)
{
	struct arena a;
	struct kv kv[2] = { { "csrf", "t" }, { "name", "x" } };
	const char *field, *msg;

	arena_init(&a);
	assert_int_equal(form_validate_as(&a, kv, 2, form_spec, "field",
	    "csrf", &field, &msg), 0);
	assert_int_equal(form_validate_as(&a, kv, 2, form_spec, "query "
	    "parameter", NULL, &field, &msg), 400);
	assert_string_equal(msg, "unknown query parameter 'csrf'");
	arena_release(&a);
}

/* ---- JSON bodies --------------------------------------------------- */

static const struct field_spec offender_spec[] = {
	{ "gender", F_STRING, 0, 16, NULL, NULL },
	{ "marks", F_TEXT, 0, 0, NULL, NULL },
	{ NULL, 0, 0, 0, NULL, NULL },
};

static const struct field_spec ident_spec[] = {
	{ "kind", F_STRING, 1, 16, NULL, NULL },
	{ "value", F_STRING, 1, LIMIT_IDENT_BYTES, NULL, NULL },
	{ NULL, 0, 0, 0, NULL, NULL },
};

static const struct field_spec report_spec[] = {
	{ "types", F_LIST, 1, 4, NULL, NULL },
	{ "occurred_on", F_STRING, 1, 10, NULL, NULL },
	{ "narrative", F_TEXT, 0, 64, NULL, NULL },
	{ "offender", F_OBJECT, 0, 0, offender_spec, NULL },
	{ "identifiers", F_OBJECT_LIST, 0, 3, ident_spec, NULL },
	{ "hold", F_BOOL, 0, 0, NULL, NULL },
	{ "count", F_INT, 0, 0, NULL, NULL },
	{ NULL, 0, 0, 0, NULL, NULL },
};

struct jres {
	int		 rc;
	const char	*field;
	const char	*msg;
	json_t		*j;
};

static struct jres
jdecode(struct arena *a, const char *body)
{
	struct jres r;

	r.rc = json_decode_body(a, body, strlen(body), report_spec, &r.j,
	    &r.field, &r.msg);
	if (r.rc != 0)
		assert_null(r.j);
	else
		assert_non_null(r.j);
	return r;
}

#define BASE "\"types\":[\"violence\"],\"occurred_on\":\"2026-11-20\""

static void
expect_error(struct arena *a, const char *body, const char *field,
    const char *msg)
{
	struct jres r = jdecode(a, body);

	assert_int_equal(r.rc, 400);
	if (field == NULL)
		assert_null(r.field);
	else
		assert_string_equal(r.field, field);
	if (msg != NULL)
		assert_string_equal(r.msg, msg);
}

static void
test_json_valid(void **state)
{
	struct arena a;
	struct jres r;

	arena_init(&a);
	r = jdecode(&a, "{" BASE ",\"narrative\":\"line 1\\nline 2\","
	    "\"offender\":{\"gender\":\"man\",\"marks\":null},"
	    "\"identifiers\":[{\"kind\":\"phone\",\"value\":\"604\"}],"
	    "\"hold\":false,\"count\":3}");
	assert_int_equal(r.rc, 0);
	assert_string_equal(json_string_value(json_object_get(r.j,
	    "occurred_on")), "2026-11-20");
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    r.j, "offender"), "gender")), "man");
	json_decref(r.j);
	/* trailing whitespace is fine */
	r = jdecode(&a, "{" BASE "}\n  ");
	assert_int_equal(r.rc, 0);
	json_decref(r.j);
	arena_release(&a);
}

static void
test_json_errors(void **state)
{
	struct arena a;
	struct jres r;
	char *big;

	arena_init(&a);
	expect_error(&a, "{" BASE ",\"x\":1}", "x", "unknown field 'x'");
	expect_error(&a, "{\"types\":[]}", "occurred_on",
	    "'occurred_on' is required");
	expect_error(&a, "{" BASE ",\"offender\":{\"hair\":\"grey\"}}",
	    "offender.hair", "unknown field 'offender.hair'");
	expect_error(&a, "{" BASE ",\"offender\":{\"marks\":7}}",
	    "offender.marks", "'offender.marks' must be a string");
	expect_error(&a, "{" BASE ",\"identifiers\":[{\"kind\":\"a\","
	    "\"value\":\"b\"},{\"kind\":\"a\",\"value\":\"b\"},{\"kind\":"
	    "\"a\",\"value\":5}]}", "identifiers[2].value",
	    "'identifiers[2].value' must be a string");
	expect_error(&a, "{" BASE ",\"identifiers\":[{\"kind\":\"a\"}]}",
	    "identifiers[0].value", "'identifiers[0].value' is required");
	expect_error(&a, "{" BASE ",\"identifiers\":[1]}", "identifiers[0]",
	    NULL);
	expect_error(&a, "{" BASE ",\"identifiers\":[{},{},{},{}]}",
	    "identifiers", "'identifiers' has more than 3 items");
	expect_error(&a, "{" BASE ",\"identifiers\":{}}", "identifiers",
	    NULL);
	expect_error(&a, "{\"types\":\"violence\",\"occurred_on\":\"x\"}",
	    "types", "'types' must be a list of strings");
	expect_error(&a, "{\"types\":[1],\"occurred_on\":\"x\"}", "types[0]",
	    "'types[0]' must be a string");
	expect_error(&a, "{\"types\":[\"a\",\"b\",\"c\",\"d\",\"e\"],"
	    "\"occurred_on\":\"x\"}", "types", NULL);
	expect_error(&a, "{\"types\":[],\"occurred_on\":12}", "occurred_on",
	    "'occurred_on' must be a string");
	expect_error(&a, "{\"types\":[],\"occurred_on\":null}", "occurred_on",
	    "'occurred_on' is required");
	expect_error(&a, "{" BASE ",\"hold\":\"yes\"}", "hold",
	    "'hold' must be true or false");
	expect_error(&a, "{" BASE ",\"count\":1.5}", "count",
	    "'count' must be an integer");
	expect_error(&a, "{" BASE ",\"offender\":[]}", "offender",
	    "'offender' must be an object");
	expect_error(&a, "{\"types\":[],\"occurred_on\":\"2026-11-20x\"}",
	    "occurred_on", "'occurred_on' is longer than 10 bytes");
	/* control characters: none in one-line strings; text takes \n */
	expect_error(&a, "{\"types\":[],\"occurred_on\":\"a\\nb\"}",
	    "occurred_on", NULL);
	expect_error(&a, "{" BASE ",\"narrative\":\"a\\u0007\"}", "narrative",
	    NULL);
	expect_error(&a, "{\"types\":[\"\\u202e\\u0001\"],\"occurred_on\":"
	    "\"x\"}", "types[0]", NULL);

	/* the body itself */
	expect_error(&a, "[]", NULL, "request body must be a JSON object");
	expect_error(&a, "\"str\"", NULL, "request body must be a JSON object");
	expect_error(&a, "{\"types\":[],\"types\":[]}", NULL, NULL);
	expect_error(&a, "{\"types\":[], \"occurred_on\":\"\xff\"}", NULL,
	    "request body is not valid UTF-8 JSON");
	expect_error(&a, "{\"types\":[], \"occurred_on\":\"\xed\xa0\x80\"}",
	    NULL, "request body is not valid UTF-8 JSON");
	expect_error(&a, "{\"occurred_on\":\"a\\u0000b\"}", NULL, NULL);
	expect_error(&a, "{" BASE "} {}", NULL, NULL);
	expect_error(&a, "{" BASE ",\"count\":123456789012345678901234567890}",
	    NULL, NULL);
	expect_error(&a, "{" BASE ",\"count\":1e999999}", NULL, NULL);
	expect_error(&a, "{", NULL, NULL);
	expect_error(&a, "{\"offender\":{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":"
	    "{\"f\":{\"g\":{\"h\":1}}}}}}}}}", NULL,
	    "request body is nested deeper than 8 levels");
	r = jdecode(&a, "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]"
	    "]]]]]]]]]]]]]]]]]]]]]]]]]]]");
	assert_int_equal(r.rc, 400);

	/* an empty body is an empty object */
	r.rc = json_decode_body(&a, "", 0, report_spec, &r.j, &r.field,
	    &r.msg);
	assert_int_equal(r.rc, 400);
	assert_string_equal(r.msg, "'types' is required");
	r.rc = json_decode_body(&a, "", 0, offender_spec, &r.j, &r.field,
	    &r.msg);
	assert_int_equal(r.rc, 0);
	assert_true(json_is_object(r.j));
	json_decref(r.j);

	/* too large is 413, whatever it holds */
	big = xcalloc(1, LIMIT_BODY_BYTES + 2);
	memset(big, ' ', LIMIT_BODY_BYTES + 1);
	r.rc = json_decode_body(&a, big, LIMIT_BODY_BYTES + 1, report_spec,
	    &r.j, &r.field, &r.msg);
	assert_int_equal(r.rc, 413);
	assert_string_equal(r.msg, "request body is larger than 262144 bytes");
	free(big);
	arena_release(&a);
}

static void
test_json_depth_limit(void **state)
{
	static const struct field_spec inner[] = {
		{ "x", F_OBJECT, 0, 0, NULL, NULL },
		{ NULL, 0, 0, 0, NULL, NULL },
	};
	struct arena a;
	struct buf b;
	json_t *j;
	const char *field, *msg;
	int i;

	/* Exactly LIMIT_JSON_DEPTH objects deep passes the depth check
	 * (and then fails on the spec, which is shallower); one more is
	 * refused as too deep. */
	arena_init(&a);
	buf_init(&b, BUF_CAP_SMALL);
	for (i = 0; i < LIMIT_JSON_DEPTH - 1; i++)
		buf_adds(&b, "{\"x\":");
	buf_adds(&b, "{}");
	for (i = 0; i < LIMIT_JSON_DEPTH - 1; i++)
		buf_adds(&b, "}");
	assert_int_equal(json_decode_body(&a, b.buf, b.len, inner, &j, &field,
	    &msg), 400);
	assert_null(strstr(msg, "deeper"));
	buf_reset(&b);
	for (i = 0; i < LIMIT_JSON_DEPTH; i++)
		buf_adds(&b, "{\"x\":");
	buf_adds(&b, "{}");
	for (i = 0; i < LIMIT_JSON_DEPTH; i++)
		buf_adds(&b, "}");
	assert_int_equal(json_decode_body(&a, b.buf, b.len, inner, &j, &field,
	    &msg), 400);
	assert_non_null(strstr(msg, "deeper"));
	buf_release(&b);
	arena_release(&a);
}

/* ---- rate limits --------------------------------------------------- */

static void
test_ratelimit(void **state)
{
	struct ratelimit *rl = ratelimit_new(3);
	int retry, i;

	for (i = 0; i < 3; i++) {
		assert_int_equal(ratelimit_hit(rl, "mia", 3, &retry), 0);
		assert_int_equal(retry, 0);
	}
	assert_int_equal(ratelimit_hit(rl, "mia", 3, &retry), -1);
	assert_true(retry > 0 && retry <= 60);
	assert_int_equal(ratelimit_check(rl, "mia", 3, &retry), -1);
	assert_true(retry > 0 && retry <= 60);
	/* other keys are untouched */
	assert_int_equal(ratelimit_check(rl, "ana", 3, &retry), 0);
	assert_int_equal(ratelimit_hit(rl, "ana", 3, &retry), 0);
	assert_int_equal(ratelimit_hit(rl, "mi", 2, &retry), 0);
	/* binary keys, as the client digest is */
	assert_int_equal(ratelimit_hit(rl, "a\0b", 3, &retry), 0);
	assert_int_equal(ratelimit_hit(rl, "a\0c", 3, &retry), 0);
	ratelimit_free(rl);
}

static void
test_ratelimit_check_does_not_spend(void **state)
{
	struct ratelimit *rl = ratelimit_new(2);
	int retry, i;

	for (i = 0; i < 10; i++)
		assert_int_equal(ratelimit_check(rl, "k", 1, &retry), 0);
	assert_int_equal(ratelimit_hit(rl, "k", 1, &retry), 0);
	assert_int_equal(ratelimit_check(rl, "k", 1, &retry), 0);
	assert_int_equal(ratelimit_hit(rl, "k", 1, &retry), 0);
	assert_int_equal(ratelimit_check(rl, "k", 1, &retry), -1);
	assert_true(retry > 0);
	ratelimit_free(rl);

	rl = ratelimit_new(0);
	assert_int_equal(ratelimit_check(rl, "k", 1, &retry), -1);
	assert_int_equal(ratelimit_hit(rl, "k", 1, &retry), -1);
	ratelimit_free(rl);
}

static void
test_ratelimit_full_table(void **state)
{
	struct ratelimit *rl = ratelimit_new_cap(1, 8);
	char key[16];
	int retry, i;

	/* Past capacity, old windows are evicted rather than new keys
	 * refused or the table grown. */
	for (i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		assert_int_equal(ratelimit_hit(rl, key, strlen(key), &retry),
		    0);
		assert_true(ratelimit_count(rl) <= 8);
		/* the key just counted is still limited */
		assert_int_equal(ratelimit_hit(rl, key, strlen(key), &retry),
		    -1);
	}
	assert_int_equal(ratelimit_count(rl), 8);
	/* Every key still held is findable: deletion kept the probe
	 * sequences whole. */
	for (i = 992; i < 1000; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		if (ratelimit_check(rl, key, strlen(key), &retry) == -1)
			continue;
		/* evicted by a later insert: fine, but then it was one of
		 * the older ones */
		assert_true(i < 999);
	}
	ratelimit_free(rl);
}

static void
test_limits_shared(void **state)
{
	http_limits_init();
	assert_non_null(rl_login_account);
	assert_non_null(rl_login_client);
	assert_non_null(rl_screen);
	http_limits_init();
	http_limits_free();
	assert_non_null(rl_screen);	/* still referenced */
	http_limits_free();
	assert_null(rl_screen);
}

/* ---- metrics ------------------------------------------------------- */

static void
test_metrics(void **state)
{
	struct buf b;

	metrics_observe("unit_route", 201, 0.003);
	metrics_observe("unit_route", 201, 0.2);
	metrics_observe("unit_route", 400, 7);
	buf_init(&b, BUF_CAP_PAGE);
	assert_int_equal(metrics_render(&b), 0);
	assert_non_null(strstr(b.buf,
	    "# TYPE lookout_http_requests_total counter\n"));
	assert_non_null(strstr(b.buf, "lookout_http_requests_total{route="
	    "\"unit_route\",status=\"201\"} 2\n"));
	assert_non_null(strstr(b.buf, "lookout_http_requests_total{route="
	    "\"unit_route\",status=\"400\"} 1\n"));
	assert_non_null(strstr(b.buf, "# TYPE lookout_http_request_duration_"
	    "seconds histogram\n"));
	assert_non_null(strstr(b.buf, "lookout_http_request_duration_seconds_"
	    "bucket{route=\"unit_route\",le=\"0.001\"} 0\n"));
	assert_non_null(strstr(b.buf, "lookout_http_request_duration_seconds_"
	    "bucket{route=\"unit_route\",le=\"0.005\"} 1\n"));
	assert_non_null(strstr(b.buf, "lookout_http_request_duration_seconds_"
	    "bucket{route=\"unit_route\",le=\"0.5\"} 2\n"));
	assert_non_null(strstr(b.buf, "lookout_http_request_duration_seconds_"
	    "bucket{route=\"unit_route\",le=\"5\"} 2\n"));
	assert_non_null(strstr(b.buf, "lookout_http_request_duration_seconds_"
	    "bucket{route=\"unit_route\",le=\"+Inf\"} 3\n"));
	assert_non_null(strstr(b.buf, "lookout_http_request_duration_seconds_"
	    "count{route=\"unit_route\"} 3\n"));
	assert_non_null(strstr(b.buf, "lookout_http_request_duration_seconds_"
	    "sum{route=\"unit_route\"} 7.203"));
	buf_release(&b);
}

/* ---- a real server ------------------------------------------------- */

static const struct field_spec echo_body[] = {
	{ "name", F_STRING, 1, 16, NULL, NULL },
	{ "n", F_INT, 0, 0, NULL, NULL },
	{ "tags", F_LIST, 0, 0, NULL, NULL },
	{ NULL, 0, 0, 0, NULL, NULL },
};

static const struct field_spec status_query[] = {
	{ "status", F_STRING, 0, 8, NULL, NULL },
	{ NULL, 0, 0, 0, NULL, NULL },
};

static const struct field_spec web_form[] = {
	{ "name", F_STRING, 1, 16, NULL, NULL },
	{ "types", F_LIST, 0, 0, NULL, NULL },
	{ NULL, 0, 0, 0, NULL, NULL },
};

static int
h_echo(struct http_req *r, struct http_resp *w)
{
	return resp_json(w, 201, json_deep_copy(r->json));
}

static int
h_item(struct http_req *r, struct http_resp *w)
{
	int64_t id = req_param_id(r, 0);

	if (id == -1)
		return resp_error(w, 404, "no such item", "id");
	return resp_json(w, 200, json_pack("{s:I, s:s}", "id", (json_int_t)id,
	    "sub", r->nparams > 1 ? r->params[1] : ""));
}

static int
h_query(struct http_req *r, struct http_resp *w)
{
	const char *s = req_query(r, "status");

	return resp_json(w, 200, json_pack("{s:s}", "status", s ? s : ""));
}

static int
h_fail(struct http_req *r, struct http_resp *w)
{
	resp_header(w, "X-Half", "done");
	buf_adds(&w->body, "half a page");
	return -1;
}

static int
h_headers(struct http_req *r, struct http_resp *w)
{
	resp_header(w, "Cache-Control", "public, max-age=60");
	resp_cookie(r, w, "a", "1", 60);
	resp_cookie(r, w, "b", "", 0);
	return resp_json(w, 200, json_object());
}

static int
h_limited(struct http_req *r, struct http_resp *w)
{
	return resp_too_many(r, w, 7);
}

static int
h_ok(struct http_req *r, struct http_resp *w)
{
	return resp_json(w, 200, json_pack("{s:s}", "ok", "yes"));
}

/* Shows what the pipeline gave the handler: the CSRF token, the
 * language, and the form. */
static int
h_form(struct http_req *r, struct http_resp *w)
{
	const char *types[4];
	size_t n = req_form_all(r, "types", types, 4);

	w->content_type = "text/plain; charset=utf-8";
	buf_printf(&w->body, "csrf=%s\nlang=%s\nname=%s\ntypes=%zu\n",
	    r->csrf, r->lang, req_form(r, "name") ? req_form(r, "name") : "-",
	    n);
	return 0;
}

static const struct route test_api_routes[] = {
	{ HTTP_POST, "/api/t/echo", ROUTE_API, 0, NULL, echo_body, h_echo,
	    "t_echo" },
	{ HTTP_GET, "/api/t/items/{id}", ROUTE_API, 0, NULL, NULL, h_item,
	    "t_item" },
	{ HTTP_GET, "/api/t/items/{id}/{sub}", ROUTE_API, 0, NULL, NULL,
	    h_item, "t_item_sub" },
	{ HTTP_GET, "/api/t/query", ROUTE_API, 0, status_query, NULL, h_query,
	    "t_query" },
	{ HTTP_GET, "/api/t/fail", ROUTE_API, 0, NULL, NULL, h_fail,
	    "t_fail" },
	{ HTTP_GET, "/api/t/headers", ROUTE_API, 0, NULL, NULL, h_headers,
	    "t_headers" },
	{ HTTP_GET, "/api/t/limited", ROUTE_API, 0, NULL, NULL, h_limited,
	    "t_limited" },
	{ HTTP_GET, "/api/t/private", ROUTE_API, ROLE_ADMIN, NULL, NULL, h_ok,
	    "t_private" },
	{ HTTP_GET, "/api/t/ok", ROUTE_API, 0, NULL, NULL, h_ok, "t_ok" },
	{ HTTP_DELETE, "/api/t/ok", ROUTE_API, 0, NULL, NULL, h_ok,
	    "t_ok_delete" },
	{ 0, NULL, 0, 0, NULL, NULL, NULL, NULL },
};

static const struct route test_web_routes[] = {
	{ HTTP_GET | HTTP_POST, "/t/form", ROUTE_WEB, 0, NULL, web_form,
	    h_form, "t_form" },
	{ HTTP_POST, "/t/bare", ROUTE_WEB, 0, NULL, NULL, h_form, "t_bare" },
	{ HTTP_GET, "/t/private", ROUTE_WEB, ROLES_STAFF, NULL, NULL, h_form,
	    "t_web_private" },
	{ HTTP_GET, "/t/limited", ROUTE_WEB, 0, NULL, NULL, h_limited,
	    "t_web_limited" },
	{ 0, NULL, 0, 0, NULL, NULL, NULL, NULL },
};

/*
 * The server links against api_routes[] and web_routes[]. Their real
 * definitions (src/api/routes.c, src/web/pages.c) hold nothing this test
 * needs, so they are only linked if something else pulls them in; these
 * weak empty ones stand in otherwise. Either way the server matches the
 * tables above, installed with http_routes_set().
 */
__attribute__((weak)) const struct route api_routes[] = {
	{ 0, NULL, 0, 0, NULL, NULL, NULL, NULL },
};
__attribute__((weak)) const struct route web_routes[] = {
	{ 0, NULL, 0, 0, NULL, NULL, NULL, NULL },
};

struct reply {
	int	 status;
	char	*head;		/* status line and headers, NUL-terminated */
	char	*body;
	size_t	 bodylen;
	char	*raw;
};

static void
reply_free(struct reply *r)
{
	free(r->raw);
	memset(r, 0, sizeof(*r));
}

/* The value of the i-th header called name, or NULL. */
static const char *
header_n(const struct reply *r, const char *name, int i)
{
	static char value[1024];
	const char *p = r->head;
	size_t n = strlen(name), len;
	const char *eol;

	while ((p = strstr(p, "\r\n")) != NULL) {
		p += 2;
		if (strncasecmp(p, name, n) != 0 || p[n] != ':')
			continue;
		if (i-- > 0)
			continue;
		p += n + 1;
		while (*p == ' ')
			p++;
		eol = strstr(p, "\r\n");
		len = eol ? (size_t)(eol - p) : strlen(p);
		if (len >= sizeof(value))
			len = sizeof(value) - 1;
		memcpy(value, p, len);
		value[len] = '\0';
		return value;
	}
	return NULL;
}

static const char *
header(const struct reply *r, const char *name)
{
	return header_n(r, name, 0);
}

static int
connect_to(int port)
{
	struct sockaddr_in sin;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)),
	    0);
	return fd;
}

static void
send_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	ssize_t k;

	while (n > 0) {
		k = send(fd, c, n, MSG_NOSIGNAL);
		if (k <= 0)
			return;		/* the server may close early */
		c += k;
		n -= (size_t)k;
	}
}

/* Read to EOF and split the answer. */
static void
read_reply(int fd, struct reply *out)
{
	size_t cap = 4096, len = 0;
	char *buf = xmalloc(cap);
	char *sep;
	ssize_t k;

	memset(out, 0, sizeof(*out));
	for (;;) {
		if (cap - len < 2048) {
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		k = recv(fd, buf + len, cap - len - 1, 0);
		if (k <= 0)
			break;
		len += (size_t)k;
	}
	buf[len] = '\0';
	close(fd);
	out->raw = buf;
	sep = strstr(buf, "\r\n\r\n");
	assert_non_null(sep);
	*sep = '\0';
	out->head = buf;
	out->body = sep + 4;
	out->bodylen = len - (size_t)(out->body - buf);
	assert_int_equal(strncmp(buf, "HTTP/1.1 ", 9), 0);
	out->status = (int)strtol(buf + 9, NULL, 10);
}

static int server_port;
static struct app test_app;

static void
request(struct reply *out, const char *method, const char *target,
    const char *headers, const char *body)
{
	int fd = connect_to(server_port);
	struct buf b;

	buf_init(&b, BUF_CAP_LARGE);
	buf_printf(&b, "%s %s HTTP/1.1\r\nHost: t\r\nConnection: close\r\n%s",
	    method, target, headers ? headers : "");
	if (body != NULL)
		buf_printf(&b, "Content-Length: %zu\r\n\r\n%s", strlen(body),
		    body);
	else
		buf_adds(&b, "\r\n");
	send_all(fd, b.buf, b.len);
	buf_release(&b);
	read_reply(fd, out);
}

static void
check_security_headers(const struct reply *r)
{
	const struct sec_header *h;
	const char *v;

	for (h = http_sec_headers; h->name != NULL; h++) {
		if (strcmp(h->name, "Cache-Control") == 0)
			continue;
		v = header(r, h->name);
		assert_non_null(v);
		assert_string_equal(v, h->value);
	}
	assert_non_null(strstr(header(r, "Content-Security-Policy"),
	    "frame-ancestors 'none'"));
	assert_string_equal(header(r, "X-Frame-Options"), "DENY");
	assert_string_equal(header(r, "Referrer-Policy"), "no-referrer");
	assert_string_equal(header(r, "X-Content-Type-Options"), "nosniff");
}

static int
server_setup(void **state)
{
	struct http_server *srv;
	uint8_t master[KEY_BYTES];

	memset(&test_app, 0, sizeof(test_app));
	config_defaults(&test_app.cfg);
	random_bytes(master, sizeof(master));
	keys_from_master(&test_app.keys, master);
	test_app.pool = NULL;
	http_routes_set(test_api_routes, test_web_routes);
	srv = http_server_start(&test_app, "127.0.0.1", 0);
	assert_non_null(srv);
	server_port = http_server_port(srv);
	assert_true(server_port > 0);
	*state = srv;
	return 0;
}

static int
server_teardown(void **state)
{
	http_server_stop(*state);
	http_routes_set(NULL, NULL);
	keys_wipe(&test_app.keys);
	return 0;
}

static void
test_server_port_in_use(void **state)
{
	/* The port is taken by the server of this group. */
	assert_null(http_server_start(&test_app, "127.0.0.1", server_port));
	assert_null(http_server_start(&test_app, "not-an-address", 0));
	assert_null(http_server_start(&test_app, "127.0.0.1", 70000));
}

static void
test_server_localhost(void **state)
{
	struct http_server *srv = http_server_start(&test_app, "localhost", 0);

	assert_non_null(srv);
	assert_true(http_server_port(srv) > 0);
	assert_int_not_equal(http_server_port(srv), server_port);
	http_server_stop(srv);
}

static void
test_server_healthz(void **state)
{
	struct reply r;

	request(&r, "GET", "/healthz", NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "ok\n");
	assert_true(strncmp(header(&r, "Content-Type"), "text/plain", 10) ==
	    0);
	assert_string_equal(header(&r, "Cache-Control"), "no-store");
	check_security_headers(&r);
	reply_free(&r);

	request(&r, "HEAD", "/healthz", NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.bodylen, 0);
	assert_string_equal(header(&r, "Content-Length"), "3");
	check_security_headers(&r);
	reply_free(&r);
}

static void
test_server_metrics(void **state)
{
	struct reply r;

	request(&r, "GET", "/healthz", NULL, NULL);
	reply_free(&r);
	request(&r, "GET", "/metrics", NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_true(strncmp(header(&r, "Content-Type"), "text/plain", 10) ==
	    0);
	assert_non_null(strstr(r.body, "lookout_http_requests_total{route="
	    "\"healthz\",status=\"200\"} "));
	assert_non_null(strstr(r.body, "lookout_http_request_duration_seconds"
	    "_bucket{route=\"healthz\",le=\"+Inf\"} "));
	check_security_headers(&r);
	reply_free(&r);
}

static void
test_server_not_found(void **state)
{
	struct reply r;

	request(&r, "GET", "/api/v1/nope", NULL, NULL);
	assert_int_equal(r.status, 404);
	assert_string_equal(header(&r, "Content-Type"), "application/json");
	assert_non_null(strstr(r.body, "\"error\""));
	check_security_headers(&r);
	reply_free(&r);

	request(&r, "GET", "/nope", NULL, NULL);
	assert_int_equal(r.status, 404);
	assert_true(strncmp(header(&r, "Content-Type"), "text/html", 9) == 0);
	assert_non_null(strstr(r.body, "<html"));
	check_security_headers(&r);
	reply_free(&r);

	/* a trailing slash or an extra segment is another path */
	request(&r, "GET", "/healthz/", NULL, NULL);
	assert_int_equal(r.status, 404);
	reply_free(&r);
	request(&r, "GET", "/api/t/items/", NULL, NULL);
	assert_int_equal(r.status, 404);
	reply_free(&r);
	request(&r, "GET", "/api/t/items/1/2/3", NULL, NULL);
	assert_int_equal(r.status, 404);
	reply_free(&r);

	/* no percent-decoding of paths: refused outright */
	request(&r, "GET", "/%2e%2e/etc/passwd", NULL, NULL);
	assert_int_equal(r.status, 400);
	assert_true(strncmp(header(&r, "Content-Type"), "text/html", 9) == 0);
	reply_free(&r);
	request(&r, "GET", "/api/t/items/%31", NULL, NULL);
	assert_int_equal(r.status, 400);
	assert_string_equal(header(&r, "Content-Type"), "application/json");
	reply_free(&r);
}

static void
test_server_method(void **state)
{
	struct reply r;

	request(&r, "POST", "/healthz", NULL, "");
	assert_int_equal(r.status, 405);
	assert_string_equal(header(&r, "Allow"), "GET, HEAD");
	check_security_headers(&r);
	reply_free(&r);

	/* two routes on one path: the Allow header lists both */
	request(&r, "PUT", "/api/t/ok", NULL, "{}");
	assert_int_equal(r.status, 405);
	assert_string_equal(header(&r, "Allow"), "GET, HEAD, DELETE");
	assert_string_equal(header(&r, "Content-Type"), "application/json");
	reply_free(&r);
	request(&r, "DELETE", "/api/t/ok", NULL, NULL);
	assert_int_equal(r.status, 200);
	reply_free(&r);

	request(&r, "OPTIONS", "/api/t/ok", NULL, NULL);
	assert_int_equal(r.status, 405);
	reply_free(&r);
}

static void
test_server_params(void **state)
{
	struct reply r;

	request(&r, "GET", "/api/t/items/42", NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "\"id\":42"));
	reply_free(&r);
	request(&r, "GET", "/api/t/items/7/notes", NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "\"sub\":\"notes\""));
	reply_free(&r);
	request(&r, "GET", "/api/t/items/abc", NULL, NULL);
	assert_int_equal(r.status, 404);
	reply_free(&r);
	request(&r, "GET", "/api/t/items/-1", NULL, NULL);
	assert_int_equal(r.status, 404);
	reply_free(&r);
}

static void
test_server_query(void **state)
{
	struct reply r;

	request(&r, "GET", "/api/t/query?status=new", NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "{\"status\":\"new\"}\n");
	reply_free(&r);
	request(&r, "GET", "/api/t/query?status=a+b%21", NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "{\"status\":\"a b!\"}\n");
	reply_free(&r);
	request(&r, "GET", "/api/t/query?bogus=1", NULL, NULL);
	assert_int_equal(r.status, 400);
	assert_string_equal(r.body, "{\"error\":\"unknown query parameter "
	    "'bogus'\",\"field\":\"bogus\"}\n");
	reply_free(&r);
	request(&r, "GET", "/api/t/query?status=%zz", NULL, NULL);
	assert_int_equal(r.status, 400);
	reply_free(&r);
	request(&r, "GET", "/api/t/ok?x=1", NULL, NULL);
	assert_int_equal(r.status, 400);
	reply_free(&r);
	/* "lang" is allowed implicitly on web pages only */
	request(&r, "GET", "/api/t/ok?lang=fr", NULL, NULL);
	assert_int_equal(r.status, 400);
	reply_free(&r);
	request(&r, "GET", "/healthz?x=1", NULL, NULL);
	assert_int_equal(r.status, 400);
	assert_true(strncmp(header(&r, "Content-Type"), "text/plain", 10) ==
	    0);
	check_security_headers(&r);
	reply_free(&r);
}

static void
test_server_json_body(void **state)
{
	static const char *json = "Content-Type: application/json\r\n";
	struct reply r;

	request(&r, "POST", "/api/t/echo", json,
	    "{\"name\":\"mia\",\"tags\":[\"a\"]}");
	assert_int_equal(r.status, 201);
	assert_string_equal(r.body, "{\"name\":\"mia\",\"tags\":[\"a\"]}\n");
	reply_free(&r);

	request(&r, "POST", "/api/t/echo", "Content-Type: application/json; "
	    "charset=utf-8\r\n", "{\"name\":\"mia\"}");
	assert_int_equal(r.status, 201);
	reply_free(&r);

	request(&r, "POST", "/api/t/echo", "Content-Type: text/plain\r\n",
	    "{\"name\":\"mia\"}");
	assert_int_equal(r.status, 415);
	assert_non_null(strstr(r.body, "application/json"));
	reply_free(&r);
	request(&r, "POST", "/api/t/echo", NULL, "{\"name\":\"mia\"}");
	assert_int_equal(r.status, 415);
	reply_free(&r);

	request(&r, "POST", "/api/t/echo", json,
	    "{\"name\":\"mia\",\"zz\":1}");
	assert_int_equal(r.status, 400);
	assert_string_equal(r.body, "{\"error\":\"unknown field 'zz'\","
	    "\"field\":\"zz\"}\n");
	reply_free(&r);

	request(&r, "POST", "/api/t/echo", json, "{\"n\":1}");
	assert_int_equal(r.status, 400);
	assert_string_equal(r.body, "{\"error\":\"'name' is required\","
	    "\"field\":\"name\"}\n");
	reply_free(&r);

	request(&r, "POST", "/api/t/echo", json, "");
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "'name' is required"));
	reply_free(&r);

	request(&r, "POST", "/api/t/echo", json, "{\"name\":\"\xff\"}");
	assert_int_equal(r.status, 400);
	assert_string_equal(r.body, "{\"error\":\"request body is not valid "
	    "UTF-8 JSON\"}\n");
	reply_free(&r);

	request(&r, "POST", "/api/t/echo", json, "[1]");
	assert_int_equal(r.status, 400);
	reply_free(&r);

	/* a body where none is declared */
	request(&r, "GET", "/api/t/ok", json, "{}");
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "takes no body"));
	reply_free(&r);
	request(&r, "GET", "/healthz", NULL, "x");
	assert_int_equal(r.status, 400);
	reply_free(&r);
}

static void
test_server_handler_failure(void **state)
{
	struct reply r;

	request(&r, "GET", "/api/t/fail", NULL, NULL);
	assert_int_equal(r.status, 500);
	assert_string_equal(r.body, "{\"error\":\"" MSG_INTERNAL "\"}\n");
	/* the handler's half-made answer is gone */
	assert_null(header(&r, "X-Half"));
	check_security_headers(&r);
	reply_free(&r);
}

static void
test_server_handler_headers(void **state)
{
	struct reply r;

	request(&r, "GET", "/api/t/headers", NULL, NULL);
	assert_int_equal(r.status, 200);
	/* the handler's Cache-Control replaces the default one */
	assert_string_equal(header(&r, "Cache-Control"), "public, max-age=60");
	assert_null(header_n(&r, "Cache-Control", 1));
	assert_string_equal(header_n(&r, "Set-Cookie", 0),
	    "a=1; Path=/; HttpOnly; SameSite=Strict; Max-Age=60");
	assert_string_equal(header_n(&r, "Set-Cookie", 1),
	    "b=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	check_security_headers(&r);
	reply_free(&r);
}

static void
test_server_too_many(void **state)
{
	struct reply r;

	request(&r, "GET", "/api/t/limited", NULL, NULL);
	assert_int_equal(r.status, 429);
	assert_string_equal(header(&r, "Retry-After"), "7");
	assert_string_equal(r.body, "{\"error\":\"too many attempts; try "
	    "again in 7 seconds\"}\n");
	reply_free(&r);
	request(&r, "GET", "/t/limited", NULL, NULL);
	assert_int_equal(r.status, 429);
	assert_string_equal(header(&r, "Retry-After"), "7");
	assert_true(strncmp(header(&r, "Content-Type"), "text/html", 9) == 0);
	reply_free(&r);
}

static void
test_server_roles(void **state)
{
	struct reply r;

	request(&r, "GET", "/api/t/private", NULL, NULL);
	assert_int_equal(r.status, 401);
	assert_string_equal(r.body, "{\"error\":\"" MSG_SIGN_IN "\"}\n");
	reply_free(&r);
	/* a token that is not one of ours is nobody */
	request(&r, "GET", "/api/t/private", "Authorization: Bearer "
	    "\x01\x02\r\n", NULL);
	assert_int_equal(r.status, 401);
	reply_free(&r);

	request(&r, "GET", "/t/private", NULL, NULL);
	assert_int_equal(r.status, 303);
	assert_string_equal(header(&r, "Location"), "/login");
	check_security_headers(&r);
	reply_free(&r);
}

/* The lk_pre cookie's value from a reply, into out. */
static void
pre_cookie(const struct reply *r, char out[TOKEN_CHARS + 1])
{
	const char *v;
	int i;

	for (i = 0; (v = header_n(r, "Set-Cookie", i)) != NULL; i++)
		if (strncmp(v, "lk_pre=", 7) == 0)
			break;
	assert_non_null(v);
	assert_non_null(strstr(v, "; HttpOnly; SameSite=Strict"));
	assert_null(strstr(v, "Secure"));
	assert_true(strlen(v) > 7 + TOKEN_CHARS);
	memcpy(out, v + 7, TOKEN_CHARS);
	out[TOKEN_CHARS] = '\0';
}

static void
test_server_web_forms(void **state)
{
	static const char *form = "Content-Type: application/"
	    "x-www-form-urlencoded\r\n";
	char pre[TOKEN_CHARS + 1], csrf[TOKEN_CHARS + 1], hdr[256];
	char body[256];
	struct reply r;

	/* A first visit is given a pre-session cookie and a CSRF token bound
	 * to it. */
	request(&r, "GET", "/t/form", NULL, NULL);
	assert_int_equal(r.status, 200);
	check_security_headers(&r);
	assert_string_equal(header(&r, "Cache-Control"), "no-store");
	pre_cookie(&r, pre);
	csrf_token(&test_app.keys, pre, csrf);
	snprintf(body, sizeof(body), "csrf=%s\nlang=en\nname=-\ntypes=0\n",
	    csrf);
	assert_string_equal(r.body, body);
	reply_free(&r);

	/* Coming back with it: no new cookie, the same token. */
	snprintf(hdr, sizeof(hdr), "Cookie: lk_pre=%s\r\n%s", pre, form);
	request(&r, "GET", "/t/form", hdr, NULL);
	assert_int_equal(r.status, 200);
	assert_null(header(&r, "Set-Cookie"));
	assert_string_equal(r.body, body);
	reply_free(&r);

	/* POST with the token: accepted, the form reaches the handler */
	snprintf(body, sizeof(body), "csrf=%s&name=mia+b&types=a&types=b",
	    csrf);
	request(&r, "POST", "/t/form", hdr, body);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "name=mia b\ntypes=2\n"));
	reply_free(&r);

	/* a route without a form still takes its csrf field */
	snprintf(body, sizeof(body), "csrf=%s", csrf);
	request(&r, "POST", "/t/bare", hdr, body);
	assert_int_equal(r.status, 200);
	reply_free(&r);

	/* without the token, with another, or with another cookie: 403 */
	request(&r, "POST", "/t/form", hdr, "name=mia");
	assert_int_equal(r.status, 403);
	assert_true(strncmp(header(&r, "Content-Type"), "text/html", 9) == 0);
	check_security_headers(&r);
	reply_free(&r);
	request(&r, "POST", "/t/bare", hdr, NULL);
	assert_int_equal(r.status, 403);
	reply_free(&r);
	snprintf(body, sizeof(body), "csrf=%s&name=mia", pre);
	request(&r, "POST", "/t/form", hdr, body);
	assert_int_equal(r.status, 403);
	reply_free(&r);
	snprintf(body, sizeof(body), "csrf=%s&name=mia", csrf);
	request(&r, "POST", "/t/form", form, body);
	assert_int_equal(r.status, 403);
	reply_free(&r);

	/* with the token, but an undeclared field, or broken encoding */
	snprintf(body, sizeof(body), "csrf=%s&name=mia&is_admin=1", csrf);
	request(&r, "POST", "/t/form", hdr, body);
	assert_int_equal(r.status, 400);
	assert_true(strncmp(header(&r, "Content-Type"), "text/html", 9) == 0);
	reply_free(&r);
	snprintf(body, sizeof(body), "csrf=%s&name=%%zz", csrf);
	request(&r, "POST", "/t/form", hdr, body);
	assert_int_equal(r.status, 400);
	reply_free(&r);
	snprintf(body, sizeof(body), "csrf=%s", csrf);
	request(&r, "POST", "/t/form", hdr, body);
	assert_int_equal(r.status, 400);		/* name is required */
	reply_free(&r);

	/* forms must be urlencoded */
	snprintf(hdr, sizeof(hdr), "Cookie: lk_pre=%s\r\nContent-Type: "
	    "multipart/form-data; boundary=x\r\n", pre);
	snprintf(body, sizeof(body), "csrf=%s&name=mia", csrf);
	request(&r, "POST", "/t/form", hdr, body);
	assert_int_equal(r.status, 415);
	reply_free(&r);
}

static void
test_server_lang(void **state)
{
	struct reply r;
	const char *v;
	int i;

	request(&r, "GET", "/t/form?lang=fr", NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "lang=fr\n"));
	for (i = 0; (v = header_n(&r, "Set-Cookie", i)) != NULL; i++)
		if (strncmp(v, "lk_lang=", 8) == 0)
			break;
	assert_non_null(v);
	assert_string_equal(v, "lk_lang=fr; Path=/; HttpOnly; "
	    "SameSite=Strict; Max-Age=31536000");
	reply_free(&r);

	request(&r, "GET", "/t/form", "Cookie: lk_lang=zh-Hans\r\n", NULL);
	assert_non_null(strstr(r.body, "lang=zh-Hans\n"));
	reply_free(&r);
	request(&r, "GET", "/t/form", "Accept-Language: fr-CA, en;q=0.5\r\n",
	    NULL);
	assert_non_null(strstr(r.body, "lang=fr\n"));
	reply_free(&r);
	/* an unknown language is not an error */
	request(&r, "GET", "/t/form?lang=xx", NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "lang=en\n"));
	reply_free(&r);
}

static void
test_server_too_large(void **state)
{
	struct reply r;
	struct buf b;
	char *big;
	int fd;

	/* Declared too large: answered from the headers alone, before the
	 * body is sent. */
	fd = connect_to(server_port);
	buf_init(&b, BUF_CAP_SMALL);
	buf_printf(&b, "POST /api/t/echo HTTP/1.1\r\nHost: t\r\nContent-Type: "
	    "application/json\r\nContent-Length: %d\r\nConnection: close\r\n"
	    "\r\n", LIMIT_BODY_BYTES + 1);
	send_all(fd, b.buf, b.len);
	read_reply(fd, &r);
	assert_int_equal(r.status, 413);
	assert_string_equal(r.body, "{\"error\":\"request body is larger than "
	    "262144 bytes\"}\n");
	check_security_headers(&r);
	reply_free(&r);

	/* The same on a web page: an HTML page. */
	fd = connect_to(server_port);
	buf_reset(&b);
	buf_printf(&b, "POST /t/form HTTP/1.1\r\nHost: t\r\nContent-Length: "
	    "%d\r\nConnection: close\r\n\r\n", LIMIT_BODY_BYTES * 2);
	send_all(fd, b.buf, b.len);
	read_reply(fd, &r);
	assert_int_equal(r.status, 413);
	assert_true(strncmp(header(&r, "Content-Type"), "text/html", 9) == 0);
	reply_free(&r);

	/* Chunked, so no length up front: refused once it passes the
	 * limit, whole request sent. */
	big = xmalloc(300 * 1024);
	memset(big, 'x', 300 * 1024);
	fd = connect_to(server_port);
	buf_reset(&b);
	buf_printf(&b, "POST /api/t/echo HTTP/1.1\r\nHost: t\r\nContent-Type: "
	    "application/json\r\nTransfer-Encoding: chunked\r\nConnection: "
	    "close\r\n\r\n%x\r\n", 300 * 1024);
	send_all(fd, b.buf, b.len);
	send_all(fd, big, 300 * 1024);
	send_all(fd, "\r\n0\r\n\r\n", 7);
	read_reply(fd, &r);
	assert_int_equal(r.status, 413);
	assert_non_null(strstr(r.body, "larger than 262144 bytes"));
	reply_free(&r);
	free(big);

	/* A chunked body that goes on and on: read and dropped for a
	 * while, then the connection is closed without an answer. */
	{
		char chunk[16 * 1024 + 16], got[256];
		size_t sent = 0;
		ssize_t k = 0;
		int n;

		fd = connect_to(server_port);
		buf_reset(&b);
		buf_adds(&b, "POST /api/t/echo HTTP/1.1\r\nHost: t\r\n"
		    "Content-Type: application/json\r\nTransfer-Encoding: "
		    "chunked\r\n\r\n");
		send_all(fd, b.buf, b.len);
		n = snprintf(chunk, sizeof(chunk), "%x\r\n", 16 * 1024);
		memset(chunk + n, 'x', 16 * 1024);
		memcpy(chunk + n + 16 * 1024, "\r\n", 2);
		while (sent < 8 * LIMIT_BODY_BYTES) {
			k = send(fd, chunk, (size_t)n + 16 * 1024 + 2,
			    MSG_NOSIGNAL);
			if (k <= 0)
				break;
			sent += (size_t)k;
		}
		/* The server hung up without a word (a broken server
		 * would leave this recv waiting: 10 s, then fail). */
		{
			struct timeval tv = { 10, 0 };

			setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
			    sizeof(tv));
		}
		k = recv(fd, got, sizeof(got), 0);
		assert_true(k == 0 || (k == -1 && errno == ECONNRESET));
		close(fd);
	}

	/* Exactly the limit is fine (and then fails validation). */
	big = xmalloc(LIMIT_BODY_BYTES + 1);
	memset(big, ' ', LIMIT_BODY_BYTES);
	big[0] = '{';
	big[LIMIT_BODY_BYTES - 1] = '}';
	big[LIMIT_BODY_BYTES] = '\0';
	request(&r, "POST", "/api/t/echo", "Content-Type: application/json\r\n",
	    big);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "'name' is required"));
	reply_free(&r);
	free(big);
	buf_release(&b);
}

static void
test_server_big_headers(void **state)
{
	struct reply r;
	struct buf b;
	int fd;

	/* Over LIMIT_HEADER_BYTES but inside libmicrohttpd's pool: ours. */
	buf_init(&b, BUF_CAP_PAGE);
	buf_adds(&b, "X-Big: ");
	while (b.len < LIMIT_HEADER_BYTES + 100)
		buf_addch(&b, 'a');
	buf_adds(&b, "\r\n");
	request(&r, "GET", "/api/t/ok", b.buf, NULL);
	assert_int_equal(r.status, 431);
	check_security_headers(&r);
	reply_free(&r);

	/* Far over it: libmicrohttpd answers by itself; the server lives
	 * on and frees what it had started for the request. */
	buf_reset(&b);
	buf_adds(&b, "GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: ");
	while (b.len < 100000)
		buf_addch(&b, 'a');
	buf_adds(&b, "\r\nConnection: close\r\n\r\n");
	fd = connect_to(server_port);
	send_all(fd, b.buf, b.len);
	read_reply(fd, &r);
	assert_true(r.status == 431 || r.status == 413 || r.status == 400);
	reply_free(&r);

	/* A target over LIMIT_URL_BYTES. */
	buf_reset(&b);
	buf_adds(&b, "/api/t/query?status=");
	while (b.len < LIMIT_URL_BYTES + 10)
		buf_addch(&b, 'a');
	request(&r, "GET", b.buf, NULL, NULL);
	assert_int_equal(r.status, 414);
	reply_free(&r);
	buf_release(&b);

	/* Headers and target both just under their limits: libmicrohttpd's
	 * pool per connection (CONN_MEMORY) holds them and the response
	 * headers, and the request reaches us (400: pad is not a known
	 * query parameter). */
	buf_reset(&b);
	buf_adds(&b, "X-Big: ");
	while (b.len < LIMIT_HEADER_BYTES - 300)
		buf_addch(&b, 'a');
	buf_adds(&b, "\r\n");
	{
		struct buf u;

		buf_init(&u, BUF_CAP_PAGE);
		buf_adds(&u, "/api/t/ok?pad=");
		while (u.len < LIMIT_URL_BYTES - 10)
			buf_addch(&u, 'a');
		request(&r, "GET", u.buf, b.buf, NULL);
		buf_release(&u);
	}
	assert_true(r.status == 200 || r.status == 400);
	check_security_headers(&r);
	reply_free(&r);
	buf_release(&b);

	request(&r, "GET", "/healthz", NULL, NULL);
	assert_int_equal(r.status, 200);
	reply_free(&r);
}

static void
test_server_keepalive(void **state)
{
	static const char two[] = "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"
	    "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
	struct reply r;
	int fd = connect_to(server_port);

	send_all(fd, two, sizeof(two) - 1);
	read_reply(fd, &r);
	assert_int_equal(r.status, 200);
	/* both answers arrived on the one connection */
	assert_non_null(strstr(r.body, "HTTP/1.1 200"));
	reply_free(&r);
}

/* gzip.c: which clients get gzip, which types, and that it inflates back
 * to the same bytes. */
/* The header values read by http/header.c (fuzzed by fuzz_header and
 * fuzz_cookie): what is accepted, and where the token starts. */
static void
test_header_values(void **state)
{
	static const char tok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ-_01234";
	char v[128];
	const char *t;

	assert_int_equal(strlen(tok), TOKEN_CHARS);
	assert_true(http_media_is("application/json", "application/json"));
	assert_true(http_media_is("Application/JSON; charset=utf-8",
	    "application/json"));
	assert_false(http_media_is("application/jsonp", "application/json"));
	assert_false(http_media_is("application/jso", "application/json"));
	assert_false(http_media_is("", "application/json"));
	assert_false(http_media_is(NULL, "application/json"));

	assert_true(http_token_shape_ok(tok));
	assert_false(http_token_shape_ok(NULL));
	assert_false(http_token_shape_ok(""));
	snprintf(v, sizeof(v), "%sA", tok);
	assert_false(http_token_shape_ok(v));		/* one too long */
	snprintf(v, sizeof(v), "%.*s", TOKEN_CHARS - 1, tok);
	assert_false(http_token_shape_ok(v));		/* one too short */
	snprintf(v, sizeof(v), "%.*s+", TOKEN_CHARS - 1, tok);
	assert_false(http_token_shape_ok(v));		/* not base64url */

	snprintf(v, sizeof(v), "Bearer %s", tok);
	t = http_bearer_token(v);
	assert_non_null(t);
	assert_ptr_equal(t, v + 7);
	snprintf(v, sizeof(v), "bEaReR    %s", tok);
	t = http_bearer_token(v);
	assert_non_null(t);
	assert_string_equal(t, tok);
	snprintf(v, sizeof(v), "Basic %s", tok);
	assert_null(http_bearer_token(v));
	snprintf(v, sizeof(v), "Bearer %s ", tok);
	assert_null(http_bearer_token(v));		/* trailing space */
	snprintf(v, sizeof(v), "Bearer\t%s", tok);
	assert_null(http_bearer_token(v));
	assert_null(http_bearer_token("Bearer "));
	assert_null(http_bearer_token("Bearer"));
	assert_null(http_bearer_token(""));
	assert_null(http_bearer_token(NULL));
}

static void
test_gzip(void **state)
{
	static const char *const yes[] = {
		"gzip", "GZIP", "deflate, gzip", "gzip;q=0.5", "gzip; q=1",
		"br;q=1.0, gzip;q=0.001", "x-gzip", "*", "identity, *;q=0.1",
		"gzip;level=1;q=0.3",
	};
	static const char *const no[] = {
		"", "identity", "deflate, br", "gzip;q=0", "gzip;q=0.000",
		"gzip; q=0.0", "*;q=0", "gzip;q=0, *", "gzipx", "gzi",
		"gzip;q=bad", "gzip;q=0.0001",
	};
	char text[4096], back[4096];
	struct buf out;
	z_stream z;
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!http_gzip_accepted(yes[i]))
			fail_msg("Accept-Encoding '%s' should take gzip", yes[i]);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (http_gzip_accepted(no[i]))
			fail_msg("Accept-Encoding '%s' should not", no[i]);
	assert_false(http_gzip_accepted(NULL));

	assert_true(http_gzip_type("text/html; charset=utf-8"));
	assert_true(http_gzip_type("application/json"));
	assert_true(http_gzip_type("application/atom+xml; charset=utf-8"));
	assert_true(http_gzip_type("text/csv"));
	assert_true(http_gzip_type("image/svg+xml"));
	assert_true(http_gzip_type("text/css; charset=utf-8"));
	assert_true(http_gzip_type("text/javascript; charset=utf-8"));
	assert_false(http_gzip_type("application/pdf"));
	assert_false(http_gzip_type("image/png"));
	assert_false(http_gzip_type("text/htmlx"));
	assert_false(http_gzip_type(NULL));

	for (i = 0; i < sizeof(text); i++)
		text[i] = "<p>lookout </p>\n"[i % 16];
	buf_init(&out, sizeof(text));
	assert_int_equal(http_gzip(text, sizeof(text), &out), 0);
	assert_true(out.len > 10 && out.len < sizeof(text) / 4);
	/* the gzip magic, and deflate */
	assert_int_equal((unsigned char)out.buf[0], 0x1f);
	assert_int_equal((unsigned char)out.buf[1], 0x8b);
	assert_int_equal(out.buf[2], 8);
	memset(&z, 0, sizeof(z));
	assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = (Bytef *)out.buf;
	z.avail_in = (uInt)out.len;
	z.next_out = (Bytef *)back;
	z.avail_out = sizeof(back);
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	assert_int_equal(z.total_out, sizeof(text));
	inflateEnd(&z);
	assert_memory_equal(back, text, sizeof(text));
	buf_release(&out);

	/* A cap it cannot fit under: -1, so the body goes as it is. */
	buf_init(&out, 8);
	assert_int_equal(http_gzip(text, sizeof(text), &out), -1);
	buf_release(&out);
}

int
main(void)
{
	const struct CMUnitTest units[] = {
		cmocka_unit_test(test_form_decode),
		cmocka_unit_test(test_form_get_bytes),
		cmocka_unit_test(test_form_decode_limit),
		cmocka_unit_test(test_form_validate),
		cmocka_unit_test(test_form_validate_implicit),
		cmocka_unit_test(test_json_valid),
		cmocka_unit_test(test_json_errors),
		cmocka_unit_test(test_json_depth_limit),
		cmocka_unit_test(test_ratelimit),
		cmocka_unit_test(test_ratelimit_check_does_not_spend),
		cmocka_unit_test(test_ratelimit_full_table),
		cmocka_unit_test(test_limits_shared),
		cmocka_unit_test(test_metrics),
		cmocka_unit_test(test_gzip),
		cmocka_unit_test(test_header_values),
	};
	const struct CMUnitTest server[] = {
		cmocka_unit_test(test_server_port_in_use),
		cmocka_unit_test(test_server_localhost),
		cmocka_unit_test(test_server_healthz),
		cmocka_unit_test(test_server_metrics),
		cmocka_unit_test(test_server_not_found),
		cmocka_unit_test(test_server_method),
		cmocka_unit_test(test_server_params),
		cmocka_unit_test(test_server_query),
		cmocka_unit_test(test_server_json_body),
		cmocka_unit_test(test_server_handler_failure),
		cmocka_unit_test(test_server_handler_headers),
		cmocka_unit_test(test_server_too_many),
		cmocka_unit_test(test_server_roles),
		cmocka_unit_test(test_server_web_forms),
		cmocka_unit_test(test_server_lang),
		cmocka_unit_test(test_server_too_large),
		cmocka_unit_test(test_server_big_headers),
		cmocka_unit_test(test_server_keepalive),
	};
	int failed;

	failed = cmocka_run_group_tests_name("http", units, NULL, NULL);
	failed += cmocka_run_group_tests_name("http_server", server,
	    server_setup, server_teardown);
	return failed ? 1 : 0;
}
