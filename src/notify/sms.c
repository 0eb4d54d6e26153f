/*
 * sms.c: the SMS channel: each message goes to Kannel's sendsms HTTP
 * interface (sms_gateway_url, with sms_gateway_user and
 * sms_gateway_password), over one kept-alive connection.
 *
 * Text that GSM 7-bit cannot carry (Chinese, and French's ç or ê) goes
 * as UCS-2: coding=2 with charset=UTF-8, the text itself staying UTF-8
 * on the wire; Kannel converts it.
 *
 * Kannel answers 202 (or 200) when it has taken the message. A 4xx
 * other than a refused login is this message's fault and final; a
 * refused login, a 5xx, or no answer at all passes once the settings or
 * the gateway are fixed, so the message is retried. Nothing logged names
 * a recipient, the gateway's address or what curl says about it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "core/smscmd.h"
#include "notify/curl_int.h"
#include "notify/notify.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define SEND_CONNECT_TIMEOUT	10	/* seconds */
#define SEND_TIMEOUT		30	/* seconds, the whole exchange */
#define REPLY_MAX		1024	/* bytes of Kannel's answer kept */

struct sms {
	char	 url[CONFIG_STR];
	char	 user[CONFIG_STR];
	char	 password[CONFIG_STR];
	CURL	*h;
};

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

/* Kannel's answer is a short status line; it is read and dropped. */
static size_t
write_cb(char *p, size_t size, size_t nmemb, void *arg)
{
	return size * nmemb;
}

/* Append "&name=value", value URL-escaped; -1 when out of memory. */
static int
add_param(struct buf *b, CURL *h, const char *name, const char *value)
{
	char *e = curl_easy_escape(h, value, 0);

	if (e == NULL)
		return -1;
	buf_printf(b, "%s%s=%s", b->len > 0 ? "&" : "", name, e);
	sodium_memzero(e, strlen(e));
	curl_free(e);
	return 0;
}

/*
 * The sendsms request line's query. Exposed through sms_query() for the
 * unit tests, which check the coding without a gateway.
 */
static int
make_query(CURL *h, const char *user, const char *password, const char *to,
    const char *text, struct buf *q)
{
	if (add_param(q, h, "username", user) == -1 ||
	    add_param(q, h, "password", password) == -1 ||
	    add_param(q, h, "to", to) == -1 ||
	    add_param(q, h, "text", text) == -1)
		return -1;
	if (!sms_gsm7(text))
		buf_adds(q, "&coding=2&charset=UTF-8");
	else
		buf_adds(q, "&charset=UTF-8");
	return q->overflow ? -1 : 0;
}

int
sms_query(const char *user, const char *password, const char *to,
    const char *text, struct buf *q)
{
	CURL *h;
	int rc;

	if (notify_curl_load() != 0 || (h = curl_easy_init()) == NULL)
		return -1;
	rc = make_query(h, user, password, to, text, q);
	curl_easy_cleanup(h);
	return rc;
}

static enum outbox_result
sms_send(void *ctx, const struct outbox_item *it, int (*cancel)(void *),
    void *cancel_arg)
{
	struct sms *g = ctx;
	struct cancel c = { cancel, cancel_arg };
	enum outbox_result res = OUTBOX_TRY_LATER;
	struct buf url;
	CURLcode cc;
	long code = 0;

	buf_init(&url, BUF_CAP_LARGE);
	if (g->h == NULL && (notify_curl_load() != 0 ||
	    (g->h = curl_easy_init()) == NULL)) {
		log_error("sms: cannot start libcurl; message %lld waits",
		    (long long)it->id);
		goto out;
	}
	if (it->recipient == NULL || *it->recipient == '\0' ||
	    it->msg.text == NULL || *it->msg.text == '\0') {
		log_error("sms: message %lld has no number or no text; "
		    "refused", (long long)it->id);
		res = OUTBOX_REFUSED;
		goto out;
	}
	buf_printf(&url, "%s%s", g->url, strchr(g->url, '?') ? "&" : "?");
	{
		struct buf q;

		buf_init(&q, BUF_CAP_LARGE);
		if (make_query(g->h, g->user, g->password, it->recipient,
		    it->msg.text, &q) == -1) {
			buf_wipe(&q);
			log_error("sms: message %lld is too large; refused",
			    (long long)it->id);
			res = OUTBOX_REFUSED;
			goto out;
		}
		buf_add(&url, q.buf, q.len);
		buf_wipe(&q);
	}
	/* A reset keeps the connection cache: the next message reuses the
	 * connection (keep-alive). */
	curl_easy_reset(g->h);
	curl_easy_setopt(g->h, CURLOPT_URL, url.buf);
	curl_easy_setopt(g->h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(g->h, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(g->h, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(g->h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(g->h, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(g->h, CURLOPT_CONNECTTIMEOUT,
	    (long)SEND_CONNECT_TIMEOUT);
	curl_easy_setopt(g->h, CURLOPT_TIMEOUT, (long)SEND_TIMEOUT);
	curl_easy_setopt(g->h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(g->h, CURLOPT_XFERINFOFUNCTION, progress_cb);
	curl_easy_setopt(g->h, CURLOPT_XFERINFODATA, &c);

	cc = curl_easy_perform(g->h);
	curl_easy_getinfo(g->h, CURLINFO_RESPONSE_CODE, &code);
	/* The URL holds the number, the text and the password. */
	curl_easy_setopt(g->h, CURLOPT_URL, "");
	if (cc == CURLE_OK && (code == 200 || code == 202)) {
		res = OUTBOX_DELIVERED;
		goto out;
	}
	if (cc == CURLE_OK && code >= 400 && code < 500 && code != 401 &&
	    code != 403)
		res = OUTBOX_REFUSED;
	log_warn("sms: message %lld %s: %s (gateway status %ld)",
	    (long long)it->id, res == OUTBOX_REFUSED ? "refused" :
	    "not sent, will retry", curl_easy_strerror(cc), code);
out:
	buf_wipe(&url);
	return res;
}

static void
sms_free(void *ctx)
{
	struct sms *g = ctx;

	if (g == NULL)
		return;
	if (g->h != NULL)
		curl_easy_cleanup(g->h);
	sodium_memzero(g, sizeof(*g));
	free(g);
}

int
sms_channel_open(const struct config *cfg, struct notify_channel *ch,
    char *err, size_t errlen)
{
	struct sms *g;

	memset(ch, 0, sizeof(*ch));
	if (cfg->sms_gateway_url[0] == '\0')
		return 1;
	if (strncasecmp(cfg->sms_gateway_url, "http://", 7) != 0 &&
	    strncasecmp(cfg->sms_gateway_url, "https://", 8) != 0) {
		snprintf(err, errlen, "sms_gateway_url must start with "
		    "http:// or https:// (Kannel's sendsms address, such as "
		    "http://127.0.0.1:13013/cgi-bin/sendsms)");
		return -1;
	}
	if (cfg->sms_gateway_user[0] == '\0') {
		snprintf(err, errlen, "sms_gateway_url is set but "
		    "sms_gateway_user is not; set it to the username of "
		    "Kannel's sendsms-user group");
		return -1;
	}
	g = xcalloc(1, sizeof(*g));
	snprintf(g->url, sizeof(g->url), "%s", cfg->sms_gateway_url);
	snprintf(g->user, sizeof(g->user), "%s", cfg->sms_gateway_user);
	snprintf(g->password, sizeof(g->password), "%s",
	    cfg->sms_gateway_password);
	ch->name = "sms";
	ch->ctx = g;
	ch->send = sms_send;
	ch->free = sms_free;
	return 0;
}
