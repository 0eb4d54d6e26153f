/*
 * test_outbox.c: the outbox: retry backoff, the messages rendered for an
 * alert in each language, their sealed form, the email as it goes on
 * the wire (headers, RFC 2047 subjects, header injection refused, MIME
 * parts), the claim-and-settle rules of the store over SQLite, and the
 * fan-out of an alert: small queued rows, rendered when claimed, and
 * never sent once the alert is withdrawn.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/account.h"
#include "core/app.h"
#include "core/config.h"
#include "core/outbox.h"
#include "core/subscription.h"
#include "crypto/seal.h"
#include "core/smscmd.h"
#include "notify/notify.h"
#include "store/db.h"
#include "store/store.h"
#include "store/store_loop.h"
#include "store/store_notify.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/i18n.h"
#include "util/banned.h"

#include "store_fixture.h"

/* Backoff */

static void
test_backoff(void **state)
{
	int64_t f, prev = 0;

	assert_int_equal(outbox_backoff(1), 30);
	assert_int_equal(outbox_backoff(2), 60);
	assert_int_equal(outbox_backoff(3), 120);
	assert_int_equal(outbox_backoff(0), 30);	/* never below base */
	for (f = 1; f < 64; f++) {
		int64_t d = outbox_backoff(f);

		assert_true(d >= prev);
		assert_true(d <= OUTBOX_RETRY_MAX);
		prev = d;
	}
	assert_int_equal(outbox_backoff(20), OUTBOX_RETRY_MAX);
	assert_int_equal(outbox_backoff(INT64_MAX), OUTBOX_RETRY_MAX);
	/* The attempts at a message add up to hours, not minutes. */
	for (prev = 0, f = 1; f < OUTBOX_MAX_ATTEMPTS; f++)
		prev += outbox_backoff(f);
	assert_true(prev > 3 * 3600);
}

/* Rendering */

static const char *regions[] = { "ca-bc-van", "ca-on" };

static void
fill_alert(struct alert *al)
{
	memset(al, 0, sizeof(*al));
	al->id = 42;
	al->summary = "tall man, grey <Civic> & a knife";
	al->severity = "high";
	al->types = INC_VIOLENCE | INC_THREATS;
	al->issued_on = "2026-11-20";
	al->regions = regions;
	al->nregions = 2;
}

static void
test_render_email(void **state)
{
	struct outbox_msg m;
	struct alert al;
	struct arena a;

	arena_init(&a);
	fill_alert(&al);
	assert_int_equal(outbox_render_email(&a, "en", &al,
	    "https://lookout.test/", "TOKEN", &m), 0);
	assert_string_equal(m.subject, "New safety alert");
	assert_string_equal(m.unsubscribe,
	    "https://lookout.test/unsubscribe?lang=en&t=TOKEN");
	assert_non_null(strstr(m.text, "tall man, grey <Civic> & a knife"));
	assert_non_null(strstr(m.text, "Severity: High"));
	assert_non_null(strstr(m.text, "Violence, Threats"));
	assert_non_null(strstr(m.text, "ca-bc-van, ca-on"));
	/* The date as she reads it, in each language. */
	assert_non_null(strstr(m.text, "November 20, 2026"));
	assert_non_null(strstr(m.html, "November 20, 2026"));
	assert_non_null(strstr(m.text, "https://lookout.test/alerts"));
	assert_non_null(strstr(m.text, m.unsubscribe));
	/* The HTML escapes what staff wrote. */
	assert_non_null(strstr(m.html,
	    "tall man, grey &lt;Civic&gt; &amp; a knife"));
	assert_null(strstr(m.html, "<Civic>"));
	assert_non_null(strstr(m.html, "<html lang=\"en\">"));
	assert_non_null(strstr(m.html,
	    "href=\"https://lookout.test/unsubscribe?lang=en&amp;t=TOKEN\""));

	assert_int_equal(outbox_render_email(&a, "fr", &al,
	    "https://lookout.test", "T", &m), 0);
	assert_string_equal(m.subject, "Nouvelle alerte de sécurité");
	assert_non_null(strstr(m.text, "Gravité: Élevée"));
	assert_non_null(strstr(m.text, "Pour ne plus recevoir ces courriels"));
	assert_non_null(strstr(m.text, "20 novembre 2026"));
	assert_non_null(strstr(m.html, "<html lang=\"fr\">"));
	assert_non_null(strstr(m.unsubscribe, "?lang=fr&t=T"));

	assert_int_equal(outbox_render_email(&a, "zh-Hans", &al,
	    "https://lookout.test", "T", &m), 0);
	assert_string_equal(m.subject, "新的安全提醒");
	assert_non_null(strstr(m.text, "严重程度: 高"));
	assert_non_null(strstr(m.text, "暴力"));
	/* Chinese lists words with the enumeration comma. */
	assert_non_null(strstr(m.text, "暴力、威胁"));
	assert_null(strstr(m.text, "暴力, "));
	assert_non_null(strstr(m.text, "2026年11月20日"));
	arena_release(&a);
}

static void
test_render_sms(void **state)
{
	struct outbox_msg m;
	struct alert al;
	struct arena a;

	arena_init(&a);
	fill_alert(&al);
	assert_int_equal(outbox_render_sms(&a, "fr", &al,
	    "https://lookout.test/", &m), 0);
	assert_string_equal(m.subject, "");
	assert_string_equal(m.html, "");
	assert_non_null(strstr(m.text, "Nouvelle alerte de sécurité"));
	assert_non_null(strstr(m.text, al.summary));
	assert_non_null(strstr(m.text, "https://lookout.test/alerts"));
	assert_non_null(strstr(m.text, "STOP"));
	arena_release(&a);
}

/* A summary too long for the parts a gateway sends is cut; the way to
 * stop still arrives, in every language. */
static void
test_render_sms_long(void **state)
{
	static const char *const stop[] = { "Reply STOP", "Répondez STOP",
	    "回复 STOP" };
	char summary[1500];
	struct outbox_msg m;
	struct alert al;
	struct arena a;
	size_t i, units;
	int gsm;

	memset(summary, 'x', sizeof(summary) - 1);
	summary[sizeof(summary) - 1] = '\0';
	for (i = 0; langs[i] != NULL; i++) {
		arena_init(&a);
		fill_alert(&al);
		al.summary = summary;
		assert_int_equal(outbox_render_sms(&a, langs[i], &al,
		    "https://lookout.test/", &m), 0);
		gsm = sms_gsm7(m.text);
		units = sms_units(m.text, gsm);
		assert_true(units <= SMS_ALERT_PARTS * (gsm ? SMS_PART_GSM7 :
		    SMS_PART_UCS2));
		assert_true(units > (SMS_ALERT_PARTS - 1) * (gsm ?
		    SMS_PART_GSM7 : SMS_PART_UCS2));
		assert_non_null(strstr(m.text, "xxx..."));
		assert_non_null(strstr(m.text, stop[i]));
		assert_non_null(strstr(m.text, "https://lookout.test/alerts"));
		arena_release(&a);
	}
	/* A short one is left whole. */
	arena_init(&a);
	fill_alert(&al);
	assert_int_equal(outbox_render_sms(&a, "zh-Hans", &al,
	    "https://lookout.test/", &m), 0);
	assert_null(strstr(m.text, "..."));
	assert_non_null(strstr(m.text, al.summary));
	arena_release(&a);
}

static void
test_msg_roundtrip(void **state)
{
	struct outbox_msg m = { "Sujet é", "texte\nligne", "<p>x</p>",
	    "https://x/unsubscribe?t=a" }, back;
	const char *extra = "{\"subject\":\"\",\"text\":\"\",\"html\":\"\","
	    "\"unsubscribe\":\"\",\"x\":1}";
	struct arena a;
	struct buf b;

	arena_init(&a);
	buf_init(&b, BUF_CAP_PAGE);
	assert_int_equal(outbox_msg_encode(&m, &b), 0);
	assert_int_equal(outbox_msg_decode(&a, b.buf, b.len, &back), 0);
	assert_string_equal(back.subject, m.subject);
	assert_string_equal(back.text, m.text);
	assert_string_equal(back.html, m.html);
	assert_string_equal(back.unsubscribe, m.unsubscribe);
	/* Anything else is refused. */
	assert_int_equal(outbox_msg_decode(&a, "{}", 2, &back), -1);
	assert_int_equal(outbox_msg_decode(&a, "nope", 4, &back), -1);
	assert_int_equal(outbox_msg_decode(&a, extra, strlen(extra), &back),
	    -1);
	buf_release(&b);
	arena_release(&a);
}

/* The email on the wire */

static void
parts(struct email_parts *p)
{
	memset(p, 0, sizeof(*p));
	p->from = "Lookout <alerts@lookout.test>";
	p->to = "mia@example.org";
	p->subject = "New safety alert";
	p->text = "text part é";
	p->html = "<p>html part</p>";
	p->unsubscribe = "https://lookout.test/unsubscribe?t=abc";
	p->message_id = "<1.2@lookout.test>";
	p->boundary = "=_b";
	p->date = 1795989421;	/* 2026-11-29 21:57:01 UTC, a Sunday */
}

/* The decoded body of the part after "Content-Type: type". */
static char *
part_body(const char *msg, const char *type)
{
	const char *p = strstr(msg, type), *start, *end;
	unsigned char *bin;
	char *b64, *o;
	size_t n, binlen;

	assert_non_null(p);
	start = strstr(p, "\r\n\r\n");
	assert_non_null(start);
	start += 4;
	end = strstr(start, "--=_b");
	assert_non_null(end);
	b64 = calloc(1, (size_t)(end - start) + 1);
	for (o = b64; start < end; start++)
		if (*start != '\r' && *start != '\n')
			*o++ = *start;
	n = strlen(b64);
	bin = calloc(1, n + 1);
	assert_int_equal(sodium_base642bin(bin, n, b64, n, NULL, &binlen,
	    NULL, sodium_base64_VARIANT_ORIGINAL), 0);
	free(b64);
	return (char *)bin;
}

static void
test_email_format(void **state)
{
	struct email_parts p;
	struct buf b;
	char *body;

	buf_init(&b, BUF_CAP_PAGE);
	parts(&p);
	assert_int_equal(email_format(&b, &p), 0);
	assert_non_null(strstr(b.buf,
	    "Date: Sun, 29 Nov 2026 21:57:01 +0000\r\n"));
	assert_non_null(strstr(b.buf,
	    "\r\nFrom: Lookout <alerts@lookout.test>\r\n"));
	assert_non_null(strstr(b.buf, "\r\nTo: <mia@example.org>\r\n"));
	assert_non_null(strstr(b.buf, "\r\nSubject: New safety alert\r\n"));
	assert_non_null(strstr(b.buf, "\r\nMessage-ID: <1.2@lookout.test>\r\n"));
	assert_non_null(strstr(b.buf, "\r\nMIME-Version: 1.0\r\n"));
	assert_non_null(strstr(b.buf, "\r\nList-Unsubscribe: "
	    "<https://lookout.test/unsubscribe?t=abc>\r\n"));
	assert_non_null(strstr(b.buf, "\r\nContent-Type: multipart/"
	    "alternative; boundary=\"=_b\"\r\n"));
	assert_non_null(strstr(b.buf, "Content-Type: text/plain; "
	    "charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n"));
	assert_non_null(strstr(b.buf, "\r\n--=_b--\r\n"));
	/* Every line ends CRLF: no bare LF. */
	{
		const char *c;

		for (c = b.buf; (c = strchr(c, '\n')) != NULL; c++)
			assert_true(c > b.buf && c[-1] == '\r');
	}
	body = part_body(b.buf, "text/plain");
	assert_string_equal(body, "text part é");
	free(body);
	body = part_body(b.buf, "text/html");
	assert_string_equal(body, "<p>html part</p>");
	free(body);
	buf_release(&b);
}

static void
test_email_injection(void **state)
{
	static const char *const bad[] = { "a@b.c\r\nBcc: x@y.z",
	    "a@b.c\nBcc: x@y.z", "a@b.c\r", "x <a@b.c>", "ü@b.c", "a b@c.d",
	    "", "nobody" };
	struct email_parts p;
	struct buf b;
	size_t i;

	buf_init(&b, BUF_CAP_PAGE);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		parts(&p);
		p.to = bad[i];
		buf_reset(&b);
		assert_int_equal(email_format(&b, &p), -1);
	}
	parts(&p);
	p.subject = "hi\r\nBcc: x@y.z";
	assert_int_equal(email_format(&b, &p), -1);
	parts(&p);
	p.from = "Lookout <alerts@lookout.test>\r\nBcc: x@y.z";
	assert_int_equal(email_format(&b, &p), -1);
	parts(&p);
	p.unsubscribe = "https://x/\r\nBcc: x@y.z";
	assert_int_equal(email_format(&b, &p), -1);
	parts(&p);
	p.message_id = "<a@b>\nX: y";
	assert_int_equal(email_format(&b, &p), -1);
	buf_release(&b);
}

/* Decode the encoded-words of a Subject value and check the folding. */
static void
check_words(const char *v, const char *want)
{
	char out[1024], b64[128];
	const char *p = v, *q, *end;
	unsigned char bin[128];
	size_t o = 0, binlen, linelen;

	while (*p != '\0') {
		assert_memory_equal(p, "=?UTF-8?B?", 10);
		q = p + 10;
		end = strstr(q, "?=");
		assert_non_null(end);
		/* An encoded-word is at most 75 characters. */
		assert_true((size_t)(end + 2 - p) <= 75);
		linelen = (size_t)(end - q);
		memcpy(b64, q, linelen);
		b64[linelen] = '\0';
		assert_int_equal(sodium_base642bin(bin, sizeof(bin), b64,
		    linelen, NULL, &binlen, NULL,
		    sodium_base64_VARIANT_ORIGINAL), 0);
		memcpy(out + o, bin, binlen);
		o += binlen;
		p = end + 2;
		if (*p != '\0') {
			assert_memory_equal(p, "\r\n ", 3);
			p += 3;
		}
	}
	out[o] = '\0';
	assert_string_equal(out, want);
}

static void
test_header_value(void **state)
{
	const char *zh = "新的安全提醒：温哥华市中心一名高个子男子开着灰色汽车，"
	    "带着刀，请大家小心";
	struct buf b;

	buf_init(&b, BUF_CAP_PAGE);
	assert_int_equal(email_header_value(&b, 7, "Plain ASCII"), 0);
	assert_string_equal(b.buf, "Plain ASCII");
	buf_reset(&b);
	assert_int_equal(email_header_value(&b, 7,
	    "Nouvelle alerte de sécurité"), 0);
	check_words(b.buf, "Nouvelle alerte de sécurité");
	buf_reset(&b);
	/* Long: several words, none splitting a character. */
	assert_int_equal(email_header_value(&b, 7, zh), 0);
	assert_non_null(strstr(b.buf, "\r\n "));
	check_words(b.buf, zh);
	buf_reset(&b);
	assert_int_equal(email_header_value(&b, 7, "a\r\nb"), -1);
	assert_int_equal(email_header_value(&b, 7, "a\nb"), -1);
	buf_release(&b);
}

static void
test_address(void **state)
{
	char a[64];

	assert_int_equal(email_address("alerts@x.org", a, sizeof(a)), 0);
	assert_string_equal(a, "alerts@x.org");
	assert_int_equal(email_address("Lookout <alerts@x.org>", a,
	    sizeof(a)), 0);
	assert_string_equal(a, "alerts@x.org");
	assert_int_equal(email_address("<alerts@x.org>", a, sizeof(a)), 0);
	assert_int_equal(email_address("a <b@c> d", a, sizeof(a)), -1);
	assert_int_equal(email_address("a@b@c", a, sizeof(a)), -1);
	assert_int_equal(email_address("@x.org", a, sizeof(a)), -1);
	assert_int_equal(email_address("a@x.org\r\n", a, sizeof(a)), -1);
	assert_int_equal(email_address("é@x.org", a, sizeof(a)), -1);
}

/* The store: claim and settle */

static void
queue(struct store *s, int64_t id, const char *channel, int64_t due)
{
	struct store_outbox m;

	memset(&m, 0, sizeof(m));
	m.id = id;
	m.channel = (char *)channel;
	m.recipient_sealed = (uint8_t *)"r";
	m.recipient_sealed_len = 1;
	m.body_sealed = (uint8_t *)"b";
	m.body_sealed_len = 1;
	m.next_attempt_at = due;
	m.created_at = 100;
	assert_int_equal(store_outbox_insert(s, &m), 0);
}

static void
test_claim_settle(void **state)
{
	struct store_fixture *f = *state;
	struct store_outbox *got;
	int64_t n64;
	size_t n;

	queue(f->s, 1, "email", 100);
	queue(f->s, 2, "email", 100);
	queue(f->s, 3, "email", 5000);	/* not due yet */
	queue(f->s, 4, "sms", 100);	/* another channel */

	/* Claimer 7 takes the two due emails. */
	assert_int_equal(store_outbox_claim(f->s, &f->a, "email", 1000, 7,
	    1600, 10, &got, &n), 0);
	assert_int_equal(n, 2);
	assert_true((got[0].id == 1 && got[1].id == 2) ||
	    (got[0].id == 2 && got[1].id == 1));
	assert_string_equal(got[0].state, "queued");
	/* Nobody else claims them while the claim lasts. */
	assert_int_equal(store_outbox_claim(f->s, &f->a, "email", 1000, 8,
	    1600, 10, &got, &n), 0);
	assert_int_equal(n, 0);

	/* Settled once: the second try, or another claimer's, is refused. */
	assert_int_equal(store_outbox_sent(f->s, 1, 8, 1001), STORE_NOTFOUND);
	assert_int_equal(store_outbox_sent(f->s, 1, 7, 1001), 0);
	assert_int_equal(store_outbox_sent(f->s, 1, 7, 1002), STORE_NOTFOUND);
	assert_int_equal(store_outbox_retry(f->s, 1, 7, 2000), STORE_NOTFOUND);
	assert_int_equal(store_outbox_fail(f->s, 1, 7), STORE_NOTFOUND);

	/* A retry releases the claim and moves the due time. */
	assert_int_equal(store_outbox_retry(f->s, 2, 7, 1500), 0);
	assert_int_equal(store_outbox_claim(f->s, &f->a, "email", 1400, 8,
	    2000, 10, &got, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_outbox_claim(f->s, &f->a, "email", 1500, 8,
	    2100, 10, &got, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(got[0].id, 2);
	assert_int_equal(got[0].attempts, 1);

	/* A claimer that died: its claim expires and 9 takes over; 8 can
	 * no longer settle it. */
	assert_int_equal(store_outbox_claim(f->s, &f->a, "email", 2100, 9,
	    2700, 10, &got, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_outbox_sent(f->s, 2, 8, 2101), STORE_NOTFOUND);
	assert_int_equal(store_outbox_fail(f->s, 2, 9), 0);

	/* The limit holds; a clean stop gives claims back. */
	queue(f->s, 5, "email", 100);
	queue(f->s, 6, "email", 100);
	assert_int_equal(store_outbox_claim(f->s, &f->a, "email", 3000, 10,
	    3600, 1, &got, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_outbox_release(f->s, 10, &n64), 0);
	assert_int_equal(n64, 1);
	assert_int_equal(store_outbox_claim(f->s, &f->a, "email", 3000, 11,
	    3600, 10, &got, &n), 0);
	assert_int_equal(n, 2);

	assert_int_equal(store_outbox_count(f->s, "sent", &n64), 0);
	assert_int_equal(n64, 1);
	assert_int_equal(store_outbox_count(f->s, "failed", &n64), 0);
	assert_int_equal(n64, 1);
	assert_int_equal(store_outbox_count(f->s, "queued", &n64), 0);
	assert_int_equal(n64, 4);
	/* Old sent and failed messages go; queued ones stay. */
	assert_int_equal(store_outbox_purge(f->s, 101, &n64), 0);
	assert_int_equal(n64, 2);
	assert_int_equal(store_outbox_count(f->s, NULL, &n64), 0);
	assert_int_equal(n64, 4);
	/* A bad channel is refused before SQL. */
	assert_int_equal(store_outbox_claim(f->s, &f->a, "fax", 3000, 11,
	    3600, 10, &got, &n), STORE_ERR);
}

/* Fan-out */

#define FANOUT_MEMBERS	2000
#define FANOUT_SMS_EVERY 10	/* one member in ten also by SMS */
/* What a queued message may take, in column bytes: it used to be about
 * 3 KB (the rendered email, sealed, and the sealed address). */
#define FANOUT_ROW_MAX	96

static int64_t
count_state(struct store *s, const char *state)
{
	int64_t n = -1;

	assert_int_equal(store_outbox_count(s, state, &n), 0);
	return n;
}

/* An instance with one region, FANOUT_MEMBERS members following it and
 * one active alert (id 1) there. */
static void
fanout_world(struct store_fixture *f, struct app *app)
{
	uint8_t master[KEY_BYTES];
	const char *codes[1] = { "ca-bc-van" };
	struct org o = { 1, (char *)"org", 100 };
	struct region r = { 1, (char *)"ca-bc-van", (char *)"Vancouver", 0 };
	struct store_alert al;
	char name[32], email[48], phone[24];
	int i;

	memset(app, 0, sizeof(*app));
	config_defaults(&app->cfg);
	snprintf(app->cfg.public_url, sizeof(app->cfg.public_url),
	    "https://lookout.example");
	randombytes_buf(master, sizeof(master));
	keys_from_master(&app->keys, master);
	app->data_dir = f->dir;

	assert_int_equal(store_begin(f->s), 0);
	assert_int_equal(store_org_insert(f->s, &o), 0);
	assert_int_equal(store_region_insert(f->s, &r), 0);
	for (i = 0; i < FANOUT_MEMBERS; i++) {
		struct subscription_in in;
		struct report_err err;
		struct auth who;
		struct user u;

		snprintf(name, sizeof(name), "m%d", i);
		snprintf(email, sizeof(email), "m%d@example.net", i);
		snprintf(phone, sizeof(phone), "+1604555%04d", i);
		memset(&u, 0, sizeof(u));
		u.id = i + 1;
		u.org_id = 1;
		u.role = (char *)"member";
		u.status = (char *)"active";
		u.pw_hash = (char *)"x";
		u.name_sealed = (uint8_t *)"n";
		u.name_sealed_len = 1;
		u.created_at = 100;
		hash_name(&app->keys, name, u.name_hash);
		assert_int_equal(store_user_insert(f->s, &u), 0);
		memset(&who, 0, sizeof(who));
		who.user_id = u.id;
		who.org_id = 1;
		who.role = ROLE_MEMBER;
		memset(&in, 0, sizeof(in));
		in.regions = codes;
		in.nregions = 1;
		in.email = email;
		if (i % FANOUT_SMS_EVERY == 0)
			in.sms = phone;
		in.lang = i % 2 ? "fr" : "en";
		memset(&err, 0, sizeof(err));
		assert_int_equal(subscription_set(app, f->s, &who, &in, "en",
		    &err), 0);
	}
	memset(&al, 0, sizeof(al));
	al.id = 1;
	al.org_id = 1;
	al.summary = (char *)"Tall man, silver sedan, refused to pay.";
	al.severity = (char *)"high";
	al.types = 1;
	al.issued_on = (char *)"2026-11-20";
	al.status = (char *)"active";
	al.created_at = 100;
	assert_int_equal(store_alert_insert(f->s, &al), 0);
	assert_int_equal(store_alert_region_add(f->s, 1, 1), 0);
	assert_int_equal(store_commit(f->s), 0);
}

static void
test_fanout_small_rows(void **state)
{
	struct store_fixture *f = *state;
	size_t queued = 0, n, want;
	struct outbox_item *items;
	struct app app;

	fanout_world(f, &app);
	want = FANOUT_MEMBERS + FANOUT_MEMBERS / FANOUT_SMS_EVERY;
	assert_int_equal(store_begin(f->s), 0);
	assert_int_equal(outbox_enqueue_alert(&app, f->s, 1, &queued), 0);
	assert_int_equal(store_commit(f->s), 0);
	assert_int_equal(queued, want);
	assert_int_equal(count_state(f->s, "queued"), (int64_t)want);

	/* Every row is small, holds no sealed copy of anything, and the
	 * ids run in order with no gap. */
	assert_true(query_int(f->s, "SELECT MAX(8 * 8 + length(channel) + "
	    "length(state) + COALESCE(length(lang), 0) + "
	    "COALESCE(length(recipient_sealed), 0) + "
	    "COALESCE(length(body_sealed), 0)) FROM outbox") <=
	    FANOUT_ROW_MAX);
	assert_int_equal(query_int(f->s, "SELECT COUNT(*) FROM outbox WHERE "
	    "recipient_sealed IS NOT NULL OR body_sealed IS NOT NULL"), 0);
	assert_int_equal(query_int(f->s, "SELECT MAX(id) - MIN(id) + 1 "
	    "FROM outbox"), (int64_t)want);
	assert_int_equal(query_int(f->s, "SELECT COUNT(*) FROM outbox "
	    "WHERE lang = 'fr' AND channel = 'email'"), FANOUT_MEMBERS / 2);

	/* Claimed, a message is rendered for its member, in her language,
	 * to her own address, with her own way to stop. */
	assert_int_equal(outbox_claim(&app, f->s, &f->a, "email", 7, 60, 2,
	    &items, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(items[0].recipient, "m0@example.net");
	assert_string_equal(items[1].recipient, "m1@example.net");
	assert_non_null(strstr(items[0].msg.text, "silver sedan"));
	assert_non_null(strstr(items[0].msg.html, "lang=\"en\""));
	assert_non_null(strstr(items[1].msg.html, "lang=\"fr\""));
	assert_non_null(strstr(items[0].msg.unsubscribe,
	    "https://lookout.example/unsubscribe?lang=en&t="));
	assert_string_not_equal(items[0].msg.unsubscribe,
	    items[1].msg.unsubscribe);
	assert_int_equal(outbox_claim(&app, f->s, &f->a, "sms", 7, 60, 1,
	    &items, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(items[0].recipient, "+16045550000");
	assert_non_null(strstr(items[0].msg.text, "STOP"));
	keys_wipe(&app.keys);
}

static void
test_fanout_withdrawn(void **state)
{
	struct store_fixture *f = *state;
	struct outbox_item *items;
	size_t queued = 0, n, i;
	struct app app;

	fanout_world(f, &app);
	assert_int_equal(store_begin(f->s), 0);
	assert_int_equal(outbox_enqueue_alert(&app, f->s, 1, &queued), 0);
	assert_int_equal(store_commit(f->s), 0);
	/* One goes before the alert is withdrawn... */
	assert_int_equal(outbox_claim(&app, f->s, &f->a, "email", 7, 60, 1,
	    &items, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(outbox_settle(&app, f->s, &items[0], 7,
	    OUTBOX_DELIVERED), 0);
	assert_int_equal(store_alert_withdraw(f->s, 1), 0);
	/* ...and nothing after: every other message is marked withdrawn
	 * as it is claimed, and none is handed to a channel. */
	for (i = 0; i < 4; i++) {
		assert_int_equal(outbox_claim(&app, f->s, &f->a, "email", 8,
		    60, 1000, &items, &n), 0);
		assert_int_equal(n, 0);
		assert_int_equal(outbox_claim(&app, f->s, &f->a, "sms", 8,
		    60, 1000, &items, &n), 0);
		assert_int_equal(n, 0);
	}
	assert_int_equal(count_state(f->s, "sent"), 1);
	assert_int_equal(count_state(f->s, "queued"), 0);
	assert_int_equal(count_state(f->s, "failed"), 0);
	assert_int_equal(count_state(f->s, "withdrawn"), (int64_t)queued - 1);
	keys_wipe(&app.keys);
}

static int64_t
state_of(struct store *s, int64_t id, const char *state)
{
	char sql[128];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM outbox WHERE id = "
	    "%lld AND state = '%s' AND claimed_by IS NULL", (long long)id,
	    state);
	return query_int(s, sql);
}

/* A batch is settled in one go, each message as its send went; one whose
 * claim was lost meanwhile is left alone and does not undo the rest. */
static void
test_settle_batch(void **state)
{
	struct store_fixture *f = *state;
	struct outbox_item *items;
	enum outbox_result res[4] = { OUTBOX_DELIVERED, OUTBOX_TRY_LATER,
	    OUTBOX_REFUSED, OUTBOX_DELIVERED };
	uint64_t sent, retried, failed;
	size_t queued = 0, n;
	struct app app;

	fanout_world(f, &app);
	assert_int_equal(store_begin(f->s), 0);
	assert_int_equal(outbox_enqueue_alert(&app, f->s, 1, &queued), 0);
	assert_int_equal(store_commit(f->s), 0);
	assert_int_equal(outbox_claim(&app, f->s, &f->a, "email", 7, 60, 4,
	    &items, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(outbox_settle_all(&app, f->s, items, res, 0, 7), 0);
	/* The last one is settled by itself first, as if it had been lost. */
	assert_int_equal(store_outbox_sent(f->s, items[3].id, 7, 1000), 0);
	sent = outbox_counter(OUTBOX_EV_SENT);
	retried = outbox_counter(OUTBOX_EV_RETRIED);
	failed = outbox_counter(OUTBOX_EV_FAILED);
	assert_int_equal(outbox_settle_all(&app, f->s, items, res, 4, 7), 0);
	assert_int_equal(state_of(f->s, items[0].id, "sent"), 1);
	assert_int_equal(state_of(f->s, items[1].id, "queued"), 1);
	assert_int_equal(query_int(f->s, "SELECT count(*) FROM outbox "
	    "WHERE attempts = 1 AND state = 'queued'"), 1);
	assert_int_equal(state_of(f->s, items[2].id, "failed"), 1);
	assert_int_equal(state_of(f->s, items[3].id, "sent"), 1);
	assert_int_equal(outbox_counter(OUTBOX_EV_SENT), sent + 1);
	assert_int_equal(outbox_counter(OUTBOX_EV_RETRIED), retried + 1);
	assert_int_equal(outbox_counter(OUTBOX_EV_FAILED), failed + 1);
	/* Settled once: a second settlement finds nothing of 7's. */
	assert_int_equal(outbox_settle_all(&app, f->s, items, res, 4, 7), 0);
	assert_int_equal(outbox_counter(OUTBOX_EV_SENT), sent + 1);
	assert_int_equal(count_state(f->s, "sent"), 2);
	assert_int_equal(count_state(f->s, "failed"), 1);
	assert_int_equal(count_state(f->s, "queued"), (int64_t)queued - 3);
	keys_wipe(&app.keys);
}

/* The outbox of schema version 4, whose rows held the rendered message. */
static const char outbox_v4[] =
	"DROP TABLE outbox;"
	"CREATE TABLE outbox ("
	"id INTEGER PRIMARY KEY CHECK (id > 0),"
	"channel TEXT NOT NULL CHECK (channel IN ('email', 'sms')),"
	"user_id INTEGER REFERENCES users (id) ON DELETE CASCADE,"
	"alert_id INTEGER REFERENCES alerts (id) ON DELETE SET NULL,"
	"recipient_sealed BLOB NOT NULL, body_sealed BLOB NOT NULL,"
	"state TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'failed')),"
	"attempts INTEGER NOT NULL CHECK (attempts >= 0),"
	"next_attempt_at INTEGER NOT NULL, created_at INTEGER NOT NULL,"
	"sent_at INTEGER, claimed_by INTEGER, claimed_until INTEGER);"
	"DELETE FROM schema_version WHERE version >= 5";

/* A message queued, rendered and sealed, before migration 5 is sent as
 * it was after it. */
static void
test_queued_before_migration(void **state)
{
	struct store_fixture *f = *state;
	struct outbox_msg m = { "Sujet", "texte", "<p>x</p>",
	    "https://lookout.example/unsubscribe?t=abc" };
	const char *to = "old@example.net";
	struct outbox_item *items;
	struct buf plain, rcpt, body;
	struct db_stmt *st = NULL;
	uint8_t master[KEY_BYTES];
	struct app app;
	size_t n;
	int v = 0;

	memset(&app, 0, sizeof(app));
	config_defaults(&app.cfg);
	randombytes_buf(master, sizeof(master));
	keys_from_master(&app.keys, master);
	assert_int_equal(db_exec(store_debug_db(f->s), outbox_v4), 0);
	buf_init(&plain, BUF_CAP_LARGE);
	buf_init(&rcpt, BUF_CAP_SMALL);
	buf_init(&body, BUF_CAP_LARGE);
	assert_int_equal(outbox_msg_encode(&m, &plain), 0);
	assert_int_equal(seal_value(&app.keys, "outbox", "recipient",
	    987654321, to, strlen(to), &rcpt), 0);
	assert_int_equal(seal_value(&app.keys, "outbox", "body", 987654321,
	    plain.buf, plain.len, &body), 0);
	assert_int_equal(db_prepare(store_debug_db(f->s), "INSERT INTO outbox "
	    "(id, channel, recipient_sealed, body_sealed, state, attempts, "
	    "next_attempt_at, created_at) VALUES (987654321, 'email', $1, "
	    "$2, 'queued', 0, 100, 100)", &st), 0);
	db_bind_blob(st, 1, rcpt.buf, rcpt.len);
	db_bind_blob(st, 2, body.buf, body.len);
	assert_int_equal(db_step(st), 0);
	db_finalize(st);
	buf_release(&plain);
	buf_release(&rcpt);
	buf_release(&body);
	reopen(f);
	assert_int_equal(store_schema_version(f->s, &v), 0);
	assert_int_equal(v, store_migration_latest());
	assert_int_equal(store_check(f->s), 0);
	assert_int_equal(count_state(f->s, "queued"), 1);
	assert_int_equal(outbox_claim(&app, f->s, &f->a, "email", 7, 60, 10,
	    &items, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(items[0].id, 987654321);
	assert_string_equal(items[0].recipient, to);
	assert_string_equal(items[0].msg.text, "texte");
	assert_string_equal(items[0].msg.unsubscribe, m.unsubscribe);
	assert_int_equal(outbox_settle(&app, f->s, &items[0], 7,
	    OUTBOX_DELIVERED), 0);
	assert_int_equal(count_state(f->s, "sent"), 1);
	/* New messages take ids above it, in order. */
	{
		int64_t next = 0;

		assert_int_equal(store_begin(f->s), 0);
		assert_int_equal(store_outbox_next_id(f->s, &next), 0);
		assert_int_equal(store_commit(f->s), 0);
		assert_int_equal(next, 987654322);
	}
	keys_wipe(&app.keys);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_render_email),
		cmocka_unit_test(test_render_sms),
		cmocka_unit_test(test_render_sms_long),
		cmocka_unit_test(test_msg_roundtrip),
		cmocka_unit_test(test_email_format),
		cmocka_unit_test(test_email_injection),
		cmocka_unit_test(test_header_value),
		cmocka_unit_test(test_address),
		cmocka_unit_test_setup_teardown(test_claim_settle,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_fanout_small_rows,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_fanout_withdrawn,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_settle_batch,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_queued_before_migration,
		    fixture_setup, fixture_teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
