/*
 * email.c: the email channel: a message as RFC 5322 and MIME, sent over
 * SMTP with libcurl to the relay of smtp_url.
 *
 * smtp:// upgrades with STARTTLS when the relay offers it (and goes on
 * in the clear when it does not: a relay on the same machine or network
 * often has no certificate); smtps:// is TLS from the first byte. The
 * relay's certificate is verified against the system's CAs.
 *
 * Nothing logged names a recipient, a relay address or what curl says
 * about the connection (its messages quote IP addresses): only the
 * message id, curl's generic error and the relay's reply code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "notify/curl_int.h"
#include "notify/notify.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define SEND_CONNECT_TIMEOUT	15	/* seconds */
#define SEND_TIMEOUT		60	/* seconds, the whole exchange */
#define LINE_MAX_OUT		78	/* RFC 5322's recommended limit */
#define B64_LINE		76	/* RFC 2045 */
#define WORD_BYTES		45	/* raw bytes per encoded-word: 60
					   base64 characters, 72 with the
					   =?UTF-8?B? ?= around them */

static int
has_crlf(const char *s)
{
	return s == NULL || strpbrk(s, "\r\n") != NULL;
}

static int
printable_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

int
email_address(const char *from, char *out, size_t outlen)
{
	const char *p = from, *lt, *gt, *at;
	size_t n;

	if (has_crlf(from) || !printable_ascii(from))
		return -1;
	if ((lt = strchr(p, '<')) != NULL) {
		if ((gt = strchr(lt, '>')) == NULL || gt[1] != '\0' ||
		    strchr(lt + 1, '<') != NULL)
			return -1;
		p = lt + 1;
		n = (size_t)(gt - p);
	} else {
		while (*p == ' ')
			p++;
		n = strlen(p);
		while (n > 0 && p[n - 1] == ' ')
			n--;
	}
	if (n == 0 || n >= outlen)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	at = strchr(out, '@');
	if (at == NULL || at == out || at[1] == '\0' ||
	    strchr(at + 1, '@') != NULL || strpbrk(out, " <>,;\"()") != NULL)
		return -1;
	return 0;
}

/* Append base64 of p[0..n) to out. */
static void
add_base64(struct buf *out, const void *p, size_t n)
{
	size_t len = sodium_base64_encoded_len(n,
	    sodium_base64_VARIANT_ORIGINAL);
	char *b = xmalloc(len);

	sodium_bin2base64(b, len, p, n, sodium_base64_VARIANT_ORIGINAL);
	buf_adds(out, b);
	free(b);
}

/* The length of the longest prefix of s, at most max bytes, that does not
 * end inside a UTF-8 sequence. */
static size_t
utf8_prefix(const char *s, size_t len, size_t max)
{
	size_t n;

	if (len <= max)
		return len;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n > 0 ? n : max;
}

int
email_header_value(struct buf *out, size_t name_len, const char *value)
{
	size_t len, n;
	const char *p;
	int first = 1;

	if (has_crlf(value))
		return -1;
	len = strlen(value);
	if (printable_ascii(value) && name_len + 2 + len <= LINE_MAX_OUT) {
		buf_adds(out, value);
		return 0;
	}
	/* RFC 2047 encoded-words, each on its own folded line. */
	for (p = value; len > 0 || first; p += n, len -= n) {
		n = utf8_prefix(p, len, WORD_BYTES);
		if (!first)
			buf_adds(out, "\r\n ");
		buf_adds(out, "=?UTF-8?B?");
		add_base64(out, p, n);
		buf_adds(out, "?=");
		first = 0;
		if (n == 0)
			break;
	}
	return 0;
}

/* A body part: base64 in lines of B64_LINE. */
static void
add_part(struct buf *out, const char *boundary, const char *type,
    const char *body)
{
	struct buf b;
	size_t i;

	buf_printf(out, "--%s\r\nContent-Type: %s; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n", boundary, type);
	buf_init(&b, BUF_CAP_LARGE);
	add_base64(&b, body, strlen(body));
	for (i = 0; i < b.len; i += B64_LINE) {
		buf_add(out, b.buf + i, b.len - i < B64_LINE ? b.len - i :
		    B64_LINE);
		buf_adds(out, "\r\n");
	}
	buf_wipe(&b);
}

static void
add_date(struct buf *out, int64_t t)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	buf_printf(out, "%s, %02d %s %04d %02d:%02d:%02d +0000",
	    days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

int
email_format(struct buf *out, const struct email_parts *p)
{
	char addr[320];

	/* Every header value is checked before anything is written. */
	if (has_crlf(p->from) || has_crlf(p->to) || has_crlf(p->subject) ||
	    has_crlf(p->unsubscribe) || has_crlf(p->message_id) ||
	    has_crlf(p->boundary) || p->text == NULL || p->html == NULL)
		return -1;
	if (email_address(p->from, addr, sizeof(addr)) == -1 ||
	    email_address(p->to, addr, sizeof(addr)) == -1 ||
	    strcmp(addr, p->to) != 0 || !printable_ascii(p->unsubscribe) ||
	    !printable_ascii(p->message_id) || !printable_ascii(p->boundary))
		return -1;

	buf_adds(out, "Date: ");
	add_date(out, p->date);
	buf_printf(out, "\r\nFrom: %s\r\nTo: <%s>\r\nSubject: ", p->from,
	    p->to);
	email_header_value(out, strlen("Subject"), p->subject);
	buf_printf(out, "\r\nMessage-ID: %s\r\nMIME-Version: 1.0\r\n",
	    p->message_id);
	if (*p->unsubscribe != '\0')
		buf_printf(out, "List-Unsubscribe: <%s>\r\n", p->unsubscribe);
	buf_printf(out, "Auto-Submitted: auto-generated\r\n"
	    "Content-Type: multipart/alternative; boundary=\"%s\"\r\n"
	    "\r\n", p->boundary);
	add_part(out, p->boundary, "text/plain", p->text);
	add_part(out, p->boundary, "text/html", p->html);
	buf_printf(out, "--%s--\r\n", p->boundary);
	return out->overflow ? -1 : 0;
}

/* The channel */

struct email {
	char	 url[CONFIG_STR];
	char	 user[CONFIG_STR];
	char	 password[CONFIG_STR];
	char	 from[CONFIG_STR];
	char	 from_addr[CONFIG_STR];
	char	 domain[CONFIG_STR];	/* for Message-IDs */
	CURL	*h;
};

struct upload {
	const char	*p;
	size_t		 left;
};

static size_t
read_cb(char *dst, size_t size, size_t nmemb, void *arg)
{
	struct upload *u = arg;
	size_t n = size * nmemb;

	if (n > u->left)
		n = u->left;
	memcpy(dst, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

struct cancel {
	int	(*fn)(void *);
	void	*arg;
};

static int
progress_cb(void *arg, curl_off_t dlt, curl_off_t dln, curl_off_t ult,
    curl_off_t uln)
{
	struct cancel *c = arg;

	return c->fn != NULL && c->fn(c->arg) ? 1 : 0;
}

static void
hex_random(char *out, size_t bytes)
{
	uint8_t r[16];

	if (bytes > sizeof(r))
		bytes = sizeof(r);
	random_bytes(r, bytes);
	sodium_bin2hex(out, bytes * 2 + 1, r, bytes);
}

static enum outbox_result
email_send(void *ctx, const struct outbox_item *it, int (*cancel)(void *),
    void *cancel_arg)
{
	struct email *e = ctx;
	struct email_parts p;
	struct curl_slist *rcpt = NULL;
	struct upload up;
	struct cancel c = { cancel, cancel_arg };
	struct buf msg;
	char mid[128 + CONFIG_STR], boundary[64], rnd[33], who[400];
	enum outbox_result res = OUTBOX_TRY_LATER;
	CURLcode cc;
	long code = 0;

	buf_init(&msg, BUF_CAP_LARGE);
	if (e->h == NULL && (notify_curl_load() != 0 ||
	    (e->h = curl_easy_init()) == NULL)) {
		log_error("email: cannot start libcurl; message %lld waits",
		    (long long)it->id);
		goto out;
	}
	hex_random(rnd, 8);
	snprintf(mid, sizeof(mid), "<%lld.%s@%s>", (long long)it->id, rnd,
	    e->domain);
	hex_random(rnd, 12);
	snprintf(boundary, sizeof(boundary), "=_lookout_%s", rnd);
	memset(&p, 0, sizeof(p));
	p.from = e->from;
	p.to = it->recipient;
	p.subject = it->msg.subject;
	p.text = it->msg.text;
	p.html = it->msg.html;
	p.unsubscribe = it->msg.unsubscribe;
	p.message_id = mid;
	p.boundary = boundary;
	p.date = (int64_t)time(NULL);
	if (email_format(&msg, &p) == -1) {
		/* It was checked when queued; only tampering leads here. */
		log_error("email: message %lld refused: a header would hold a "
		    "line break, or an address is not plain ASCII",
		    (long long)it->id);
		res = OUTBOX_REFUSED;
		goto out;
	}
	snprintf(who, sizeof(who), "<%s>", it->recipient);
	if ((rcpt = curl_slist_append(NULL, who)) == NULL)
		goto out;
	up.p = msg.buf;
	up.left = msg.len;

	curl_easy_reset(e->h);
	curl_easy_setopt(e->h, CURLOPT_URL, e->url);
	curl_easy_setopt(e->h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	if (strncasecmp(e->url, "smtp://", 7) == 0)
		curl_easy_setopt(e->h, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	if (e->user[0] != '\0') {
		curl_easy_setopt(e->h, CURLOPT_USERNAME, e->user);
		curl_easy_setopt(e->h, CURLOPT_PASSWORD, e->password);
	}
	snprintf(who, sizeof(who), "<%s>", e->from_addr);
	curl_easy_setopt(e->h, CURLOPT_MAIL_FROM, who);
	curl_easy_setopt(e->h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(e->h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(e->h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg.len);
	curl_easy_setopt(e->h, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(e->h, CURLOPT_READDATA, &up);
	curl_easy_setopt(e->h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e->h, CURLOPT_CONNECTTIMEOUT, (long)SEND_CONNECT_TIMEOUT);
	curl_easy_setopt(e->h, CURLOPT_TIMEOUT, (long)SEND_TIMEOUT);
	curl_easy_setopt(e->h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(e->h, CURLOPT_XFERINFOFUNCTION, progress_cb);
	curl_easy_setopt(e->h, CURLOPT_XFERINFODATA, &c);

	cc = curl_easy_perform(e->h);
	curl_easy_getinfo(e->h, CURLINFO_RESPONSE_CODE, &code);
	if (cc == CURLE_OK) {
		res = OUTBOX_DELIVERED;
		goto out;
	}
	/* A 5xx reply is the relay refusing this message for good, except
	 * for a refused login, which is our settings' fault and passes when
	 * they are fixed. */
	if (code >= 500 && code < 600 && cc != CURLE_LOGIN_DENIED)
		res = OUTBOX_REFUSED;
	log_warn("email: message %lld %s: %s (relay reply %ld)",
	    (long long)it->id, res == OUTBOX_REFUSED ? "refused" :
	    "not sent, will retry", curl_easy_strerror(cc), code);
out:
	if (e->h != NULL)
		curl_easy_setopt(e->h, CURLOPT_MAIL_RCPT, NULL);
	curl_slist_free_all(rcpt);
	sodium_memzero(who, sizeof(who));
	buf_wipe(&msg);
	return res;
}

static void
email_free(void *ctx)
{
	struct email *e = ctx;

	if (e == NULL)
		return;
	if (e->h != NULL)
		curl_easy_cleanup(e->h);
	sodium_memzero(e, sizeof(*e));
	free(e);
}

int
email_channel_open(const struct config *cfg, struct notify_channel *ch,
    char *err, size_t errlen)
{
	struct email *e;
	const char *at;

	memset(ch, 0, sizeof(*ch));
	if (cfg->smtp_url[0] == '\0')
		return 1;
	if (strncasecmp(cfg->smtp_url, "smtp://", 7) != 0 &&
	    strncasecmp(cfg->smtp_url, "smtps://", 8) != 0) {
		snprintf(err, errlen, "smtp_url must start with smtp:// or "
		    "smtps://");
		return -1;
	}
	if (cfg->smtp_from[0] == '\0') {
		snprintf(err, errlen, "smtp_url is set but smtp_from is not; "
		    "set smtp_from to the address alerts come from");
		return -1;
	}
	e = xcalloc(1, sizeof(*e));
	if (email_address(cfg->smtp_from, e->from_addr,
	    sizeof(e->from_addr)) == -1) {
		snprintf(err, errlen, "smtp_from must be one plain ASCII "
		    "address, like alerts@example.org or "
		    "Lookout <alerts@example.org>");
		free(e);
		return -1;
	}
	if (cfg->smtp_password[0] != '\0' && cfg->smtp_user[0] == '\0') {
		snprintf(err, errlen, "smtp_password is set but smtp_user is "
		    "not");
		free(e);
		return -1;
	}
	snprintf(e->url, sizeof(e->url), "%s", cfg->smtp_url);
	snprintf(e->from, sizeof(e->from), "%s", cfg->smtp_from);
	snprintf(e->user, sizeof(e->user), "%s", cfg->smtp_user);
	snprintf(e->password, sizeof(e->password), "%s", cfg->smtp_password);
	at = strchr(e->from_addr, '@');
	snprintf(e->domain, sizeof(e->domain), "%s", at + 1);
	ch->name = "email";
	ch->ctx = e;
	ch->send = email_send;
	ch->free = email_free;
	return 0;
}
