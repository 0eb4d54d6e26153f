/*
 * sms.c: GET /sms/inbound, Kannel's get-url (docs/sms.md):
 *
 *   /sms/inbound?secret=S&from=%p&to=%P&text=%a&coding=%c&charset=%C
 *
 * The gateway passes each text message it receives, and sends the body
 * of the answer back to the sender as one SMS. The shared secret is the
 * gateway's only credential. The text arrives in the charset the
 * gateway names: UCS-2 as UTF-16BE bytes, which hold NULs, so this
 * route reads its query string itself (http_query_raw).
 *
 * The sender's number goes to the core only: it is never logged.
 */
#include <pthread.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "api/api.h"
#include "core/sms.h"
#include "core/smscmd.h"
#include "util/limits.h"
#include "util/parse.h"
#include "util/banned.h"

#define SMS_FROM_MAX	64	/* bytes of a sender's number */

/* Constant-time, whatever the lengths: compare digests. */
static int
secret_ok(const char *want, const char *got, size_t gotlen)
{
	unsigned char a[32], b[32];
	int ok;

	if (want[0] == '\0' || got == NULL)
		return 0;
	crypto_generichash(a, sizeof(a), (const unsigned char *)want,
	    strlen(want), NULL, 0);
	crypto_generichash(b, sizeof(b), (const unsigned char *)got, gotlen,
	    NULL, 0);
	ok = sodium_memcmp(a, b, sizeof(a)) == 0;
	sodium_memzero(a, sizeof(a));
	sodium_memzero(b, sizeof(b));
	return ok;
}

static int
plain(struct http_resp *w, int status, const char *msg)
{
	w->status = status;
	w->content_type = "text/plain; charset=UTF-8";
	/* No line end: the body is the whole SMS. */
	return buf_adds(&w->body, msg);
}

/* The text as UTF-8 (from a), or NULL when it is not text in charset. */
static const char *
to_utf8(struct http_req *r, const char *raw, size_t len, const char *charset)
{
	char *out = arena_alloc(r->arena, SMS_TEXT_MAX + 1);
	size_t n;

	if (charset != NULL && (strcasecmp(charset, "UTF-16BE") == 0 ||
	    strcasecmp(charset, "UCS-2") == 0 ||
	    strcasecmp(charset, "UCS-2BE") == 0 ||
	    strcasecmp(charset, "UTF-16") == 0)) {
		if (sms_utf16be_to_utf8((const unsigned char *)raw, len, out,
		    SMS_TEXT_MAX + 1, &n) == -1)
			return NULL;
		return out;
	}
	if (charset != NULL && (strcasecmp(charset, "ISO-8859-1") == 0 ||
	    strcasecmp(charset, "latin1") == 0)) {
		if (sms_latin1_to_utf8((const unsigned char *)raw, len, out,
		    SMS_TEXT_MAX + 1, &n) == -1)
			return NULL;
		return out;
	}
	if (charset != NULL && *charset != '\0' &&
	    strcasecmp(charset, "UTF-8") != 0)
		return NULL;
	if (len > SMS_TEXT_MAX || memchr(raw, '\0', len) != NULL ||
	    !utf8_valid(raw, len))
		return NULL;
	return raw;
}

static int
screen_ok(int64_t user_id, void *arg)
{
	int retry;

	(void)arg;
	return ratelimit_hit(rl_screen, &user_id, sizeof(user_id),
	    &retry) == 0;
}

/* The limiter knows a number by a hash under a key of this process's
 * own, so that its table holds no phone number. */
static unsigned char number_key[crypto_generichash_KEYBYTES];
static pthread_once_t number_key_once = PTHREAD_ONCE_INIT;

static void
number_key_init(void)
{
	randombytes_buf(number_key, sizeof(number_key));
}

/* The public help form's budget (rl_help), for each number. */
static int
write_ok(const char *number, void *arg)
{
	unsigned char key[1 + 16];
	int retry;

	(void)arg;
	pthread_once(&number_key_once, number_key_init);
	key[0] = 'T';
	crypto_generichash(key + 1, 16, (const unsigned char *)number,
	    strlen(number), number_key, sizeof(number_key));
	return ratelimit_hit(rl_help, key, sizeof(key), &retry) == 0;
}

int
api_sms_inbound(struct http_req *r, struct http_resp *w)
{
	const char *qs = r->raw_query != NULL ? r->raw_query : "";
	char *secret, *from, *text, *charset;
	size_t slen, flen, tlen, clen;
	const struct sms_limits limits = { screen_ok, write_ok, NULL };
	const char *utf8, *reply = NULL;
	int rc;

	if (form_get_bytes(r->arena, qs, "secret", &secret, &slen) != 1 ||
	    !secret_ok(r->app->cfg.sms_inbound_secret, secret, slen))
		return resp_error(w, 403, "wrong or missing secret: set the "
		    "get-url's secret to sms_inbound_secret", "secret");
	if (form_get_bytes(r->arena, qs, "from", &from, &flen) != 1 ||
	    flen == 0 || flen > SMS_FROM_MAX ||
	    memchr(from, '\0', flen) != NULL || !utf8_valid(from, flen))
		return plain(w, 400, "from must be the sender's number "
		    "(the get-url's from=%p)");
	rc = form_get_bytes(r->arena, qs, "text", &text, &tlen);
	if (rc == -1)
		return plain(w, 400, "text is malformed");
	if (rc == 0) {
		text = "";
		tlen = 0;
	}
	if (form_get_bytes(r->arena, qs, "charset", &charset, &clen) == -1 ||
	    (charset != NULL && memchr(charset, '\0', clen) != NULL))
		return plain(w, 400, "charset is malformed");
	if ((utf8 = to_utf8(r, text, tlen, charset)) == NULL)
		return plain(w, 400, "text is not valid in its charset "
		    "(the get-url's text=%a&charset=%C)");
	rc = sms_inbound(r->app, r->store, r->arena, from, utf8, &limits,
	    &reply);
	sodium_memzero(from, flen);
	if (rc == REPORT_UNAVAILABLE)
		return plain(w, 503, "the service is busy; try again later");
	if (rc != 0)
		return -1;
	/* Kannel sends the body back; with accept-x-kannel-headers it
	 * honours the coding, so that UCS-2 text arrives intact. */
	if (!sms_gsm7(reply))
		resp_header(w, "X-Kannel-Coding", "2");
	return plain(w, 200, reply);
}
