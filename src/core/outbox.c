/*
 * outbox.c: alerts into queued messages, and the settling of messages
 * that senders claim (outbox.h).
 *
 * The words of a message come from the same catalogs as the web pages
 * (util/i18n.h); the ones only messages use are marked here with N_()
 * so that po/update.sh finds them.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>

#include <jansson.h>
#include <sodium.h>

#include "core/audit.h"
#include "core/loop_int.h"
#include "core/outbox.h"
#include "core/smscmd.h"
#include "store/store_notify.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define MSG_NEW_ALERT	N_("New safety alert")
#define MSG_TYPES	N_("Type of incident")
#define MSG_SEE_ALL	N_("See every alert, or screen a number before a " \
	"date:")
#define MSG_WHY		N_("You get this email because you asked for " \
	"alerts by email.")
#define MSG_TO_STOP	N_("To stop these emails, open this link:")
#define MSG_STOP_LINK	N_("Stop email alerts")
#define MSG_SMS_STOP	N_("Reply STOP to stop these texts.")
/* Shared with the web pages, which translate them already. */
#define MSG_SEVERITY	N_("Severity")
#define MSG_REGIONS	N_("Regions")
#define MSG_ISSUED	N_("Issued")

/* A sealed body is at most this large: far above any real message. */
#define BODY_MAX	(256 * 1024)

int64_t
outbox_backoff(int64_t failures)
{
	int64_t d = OUTBOX_RETRY_BASE;

	if (failures < 1)
		failures = 1;
	while (--failures > 0 && d < OUTBOX_RETRY_MAX)
		d *= 2;
	return d < OUTBOX_RETRY_MAX ? d : OUTBOX_RETRY_MAX;
}

/* Rendering */

static const char *
severity_msgid(const char *severity)
{
	if (strcmp(severity, "high") == 0)
		return N_("High");
	if (strcmp(severity, "medium") == 0)
		return N_("Medium");
	if (strcmp(severity, "low") == 0)
		return N_("Low");
	return severity;
}

static void
add_types(struct buf *b, const char *lang, int64_t types)
{
	int i, first = 1;

	for (i = 0; i < INC_COUNT; i++) {
		if (!(types & ((int64_t)1 << i)))
			continue;
		if (!first)
			buf_adds(b, lang_list_sep(lang));
		buf_adds(b, tr(lang, incident_labels[i]));
		first = 0;
	}
}

static void
add_regions(struct buf *b, const struct alert *al)
{
	size_t i;

	for (i = 0; i < al->nregions; i++) {
		if (i > 0)
			buf_adds(b, ", ");
		buf_adds(b, al->regions[i]);
	}
}

/* Text as HTML character data or attribute value; newlines as <br>. */
static void
add_html(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			buf_adds(b, "&amp;");
			break;
		case '<':
			buf_adds(b, "&lt;");
			break;
		case '>':
			buf_adds(b, "&gt;");
			break;
		case '"':
			buf_adds(b, "&quot;");
			break;
		case '\'':
			buf_adds(b, "&#39;");
			break;
		case '\n':
			buf_adds(b, "<br>\n");
			break;
		case '\r':
			break;
		default:
			buf_addch(b, *s);
			break;
		}
	}
}

/* The service's address without a trailing slash. */
static size_t
base_len(const char *base_url)
{
	size_t n = strlen(base_url);

	while (n > 0 && base_url[n - 1] == '/')
		n--;
	return n;
}

static const char *
detach(struct arena *a, struct buf *b)
{
	const char *s;

	if (b->overflow) {
		buf_release(b);
		return NULL;
	}
	s = arena_strndup(a, b->buf, b->len);
	buf_wipe(b);
	return s;
}

int
outbox_render_email(struct arena *a, const char *lang,
    const struct alert *al, const char *base_url, const char *unsub_token,
    struct outbox_msg *out)
{
	struct buf t, h, sev;
	size_t bl = base_len(base_url);
	const char *unsub, *alerts, *types, *issued;

	memset(out, 0, sizeof(*out));
	/* The page opens in the language of the message she is reading,
	 * whatever her browser says. */
	unsub = arena_printf(a, "%.*s/unsubscribe?lang=%s&t=%s", (int)bl,
	    base_url, lang, unsub_token);
	alerts = arena_printf(a, "%.*s/alerts", (int)bl, base_url);
	buf_init(&sev, BUF_CAP_SMALL);
	add_types(&sev, lang, al->types);
	types = detach(a, &sev);
	issued = lang_date(a, lang, al->issued_on);

	buf_init(&t, BUF_CAP_PAGE);
	buf_printf(&t, "%s\n\n%s\n\n", tr(lang, MSG_NEW_ALERT), al->summary);
	buf_printf(&t, "%s: %s\n", tr(lang, MSG_SEVERITY),
	    tr(lang, severity_msgid(al->severity)));
	if (types != NULL && *types != '\0')
		buf_printf(&t, "%s: %s\n", tr(lang, MSG_TYPES), types);
	buf_printf(&t, "%s: ", tr(lang, MSG_REGIONS));
	add_regions(&t, al);
	buf_printf(&t, "\n%s: %s\n\n", tr(lang, MSG_ISSUED), issued);
	buf_printf(&t, "%s\n%s\n\n-- \n%s\n%s\n%s\n", tr(lang, MSG_SEE_ALL),
	    alerts, tr(lang, MSG_WHY), tr(lang, MSG_TO_STOP), unsub);

	buf_init(&h, BUF_CAP_PAGE);
	buf_adds(&h, "<!DOCTYPE html>\n<html lang=\"");
	add_html(&h, lang);
	buf_adds(&h, "\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
	add_html(&h, tr(lang, MSG_NEW_ALERT));
	buf_adds(&h, "</title>\n</head>\n<body>\n<h1>");
	add_html(&h, tr(lang, MSG_NEW_ALERT));
	buf_adds(&h, "</h1>\n<p>");
	add_html(&h, al->summary);
	buf_adds(&h, "</p>\n<table>\n<tr><th align=\"left\">");
	add_html(&h, tr(lang, MSG_SEVERITY));
	buf_adds(&h, "</th><td>");
	add_html(&h, tr(lang, severity_msgid(al->severity)));
	buf_adds(&h, "</td></tr>\n");
	if (types != NULL && *types != '\0') {
		buf_adds(&h, "<tr><th align=\"left\">");
		add_html(&h, tr(lang, MSG_TYPES));
		buf_adds(&h, "</th><td>");
		add_html(&h, types);
		buf_adds(&h, "</td></tr>\n");
	}
	buf_adds(&h, "<tr><th align=\"left\">");
	add_html(&h, tr(lang, MSG_REGIONS));
	buf_adds(&h, "</th><td>");
	{
		struct buf r;

		buf_init(&r, BUF_CAP_SMALL);
		add_regions(&r, al);
		add_html(&h, r.buf);
		buf_release(&r);
	}
	buf_adds(&h, "</td></tr>\n<tr><th align=\"left\">");
	add_html(&h, tr(lang, MSG_ISSUED));
	buf_adds(&h, "</th><td>");
	add_html(&h, issued);
	buf_adds(&h, "</td></tr>\n</table>\n<p>");
	add_html(&h, tr(lang, MSG_SEE_ALL));
	buf_adds(&h, " <a href=\"");
	add_html(&h, alerts);
	buf_adds(&h, "\">");
	add_html(&h, alerts);
	buf_adds(&h, "</a></p>\n<hr>\n<p><small>");
	add_html(&h, tr(lang, MSG_WHY));
	buf_adds(&h, " <a href=\"");
	add_html(&h, unsub);
	buf_adds(&h, "\">");
	add_html(&h, tr(lang, MSG_STOP_LINK));
	buf_adds(&h, "</a></small></p>\n</body>\n</html>\n");

	out->subject = tr(lang, MSG_NEW_ALERT);
	out->text = detach(a, &t);
	out->html = detach(a, &h);
	out->unsubscribe = unsub;
	if (out->text == NULL || out->html == NULL || types == NULL) {
		log_error("outbox: the message for alert %lld is too large",
		    (long long)al->id);
		return REPORT_ERR;
	}
	return 0;
}

int
outbox_render_sms(struct arena *a, const char *lang, const struct alert *al,
    const char *base_url, struct outbox_msg *out)
{
	struct buf head, tail, t;
	size_t max, fixed, n;
	int gsm;

	memset(out, 0, sizeof(*out));
	buf_init(&head, BUF_CAP_SMALL);
	buf_init(&tail, BUF_CAP_SMALL);
	buf_init(&t, BUF_CAP_SMALL);
	buf_printf(&head, "%s (%s, ", tr(lang, MSG_NEW_ALERT),
	    tr(lang, severity_msgid(al->severity)));
	add_regions(&head, al);
	buf_adds(&head, "): ");
	buf_printf(&tail, " %.*s/alerts %s", (int)base_len(base_url),
	    base_url, tr(lang, MSG_SMS_STOP));
	buf_printf(&t, "%s%s%s", head.buf, al->summary, tail.buf);
	/* The way to stop must arrive: a summary too long for the parts a
	 * gateway sends is cut, not the end of the message. */
	gsm = sms_gsm7(t.buf);
	max = SMS_ALERT_PARTS * (gsm ? SMS_PART_GSM7 : SMS_PART_UCS2);
	if (t.overflow || sms_units(t.buf, gsm) > max) {
		fixed = sms_units(head.buf, gsm) + sms_units(tail.buf, gsm) + 3;
		n = sms_fit_units(al->summary, gsm, fixed < max ?
		    max - fixed : 0);
		buf_reset(&t);
		buf_printf(&t, "%s%.*s...%s", head.buf, (int)n, al->summary,
		    tail.buf);
	}
	buf_release(&head);
	buf_release(&tail);
	out->subject = out->html = out->unsubscribe = "";
	if ((out->text = detach(a, &t)) == NULL) {
		log_error("outbox: the text for alert %lld is too large",
		    (long long)al->id);
		return REPORT_ERR;
	}
	return 0;
}

int
outbox_msg_encode(const struct outbox_msg *m, struct buf *out)
{
	json_t *j;
	char *s;
	int rc = -1;

	j = json_pack("{s:s, s:s, s:s, s:s}", "subject", m->subject,
	    "text", m->text, "html", m->html, "unsubscribe", m->unsubscribe);
	if (j == NULL)
		return -1;
	if ((s = json_dumps(j, JSON_COMPACT)) != NULL) {
		rc = buf_adds(out, s);
		sodium_memzero(s, strlen(s));
		free(s);
	}
	json_decref(j);
	return rc;
}

int
outbox_msg_decode(struct arena *a, const char *data, size_t len,
    struct outbox_msg *out)
{
	const char *subject, *text, *html, *unsub;
	json_error_t e;
	json_t *j;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (len > BODY_MAX)
		return -1;
	j = json_loadb(data, len, JSON_REJECT_DUPLICATES, &e);
	if (j == NULL)
		return -1;
	if (json_unpack(j, "{s:s, s:s, s:s, s:s !}", "subject", &subject,
	    "text", &text, "html", &html, "unsubscribe", &unsub) == 0) {
		out->subject = arena_strdup(a, subject);
		out->text = arena_strdup(a, text);
		out->html = arena_strdup(a, html);
		out->unsubscribe = arena_strdup(a, unsub);
		rc = 0;
	}
	json_decref(j);
	return rc;
}

/* Queueing */

/* The address links in messages point to. */
static const char *
base_url(struct app *app, struct arena *a)
{
	if (app->cfg.public_url[0] != '\0')
		return app->cfg.public_url;
	return arena_printf(a, "http://%s:%d", app->cfg.listen_host,
	    app->cfg.listen_port);
}

static size_t
region_at_code(const struct region *all, size_t n, const char *code)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (strcmp(all[k].code, code) == 0)
			break;
	return k;
}

static size_t
region_at_id(const struct region *all, size_t n, int64_t id)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (all[k].id == id)
			break;
	return k;
}

/* Ids of the alert's regions and of every region above them. */
static int
alert_region_ids(struct store *s, struct arena *a, const struct alert *al,
    int64_t **out, size_t *n)
{
	struct region *all;
	int64_t *ids;
	size_t nall, i, j, k, m = 0, steps;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_region_list(s, a, &all, &nall)) != 0)
		return loop_rc(rc);
	ids = arena_alloc(a, sizeof(*ids) * (nall ? nall : 1));
	for (i = 0; i < al->nregions; i++) {
		k = region_at_code(all, nall, al->regions[i]);
		/* Up to the root; the bound stops at a cycle that a broken
		 * table could hold. */
		for (steps = 0; k < nall && steps < nall; steps++) {
			for (j = 0; j < m && ids[j] != all[k].id; j++)
				;
			if (j < m)
				break;	/* the rest of this branch is in */
			ids[m++] = all[k].id;
			k = all[k].parent_id == 0 ? nall :
			    region_at_id(all, nall, all[k].parent_id);
		}
	}
	*out = ids;
	*n = m;
	return 0;
}

static int
cmp_sub(const void *x, const void *y)
{
	const struct store_subscription *a = x, *b = y;

	return a->user_id < b->user_id ? -1 : a->user_id > b->user_id;
}

/*
 * Insert one message, as small as it can be: whom (user_id), what
 * (alert_id), on which channel and in which language. It carries no
 * sealed value. The recipient is the subscription's sealed contact,
 * opened at send time under its own associated data (subscriptions,
 * column, user id): a byte copy here would not open under the outbox
 * row's, and re-sealing it for the row would cost an unseal and a seal
 * per member while the alert's transaction holds the write lock. The
 * reference is also correct: a member who changes or removes a contact
 * has her queued messages on that channel removed with it
 * (store_outbox_cancel), so whatever contact a queued message finds is
 * the one she had when it was queued. The body is rendered from the
 * alert at send time, so a withdrawn alert is never sent.
 */
static int
queue_one(struct store *s, const char *channel, int64_t id, int64_t user_id,
    int64_t alert_id, const char *lang, int64_t now)
{
	struct store_outbox m;

	memset(&m, 0, sizeof(m));
	m.id = id;
	m.channel = (char *)channel;
	m.user_id = user_id;
	m.alert_id = alert_id;
	m.lang = (char *)lang;
	m.next_attempt_at = now;
	m.created_at = now;
	return loop_rc(store_outbox_insert(s, &m));
}

/* Queue the messages of one subscriber; *queued counts them and *id is
 * the next id to use. */
static int
queue_for(struct store *s, const struct alert *al,
    const struct store_subscription *sub, int64_t now, int64_t *id,
    size_t *queued)
{
	const char *lang;
	int rc;

	lang = lang_match(sub->lang, strlen(sub->lang));
	if (lang == NULL)
		lang = "en";
	if (sub->email_sealed != NULL) {
		if ((rc = queue_one(s, "email", (*id)++, sub->user_id, al->id,
		    lang, now)) != 0)
			return rc;
		(*queued)++;
	}
	if (sub->sms_sealed != NULL) {
		if ((rc = queue_one(s, "sms", (*id)++, sub->user_id, al->id,
		    lang, now)) != 0)
			return rc;
		(*queued)++;
	}
	return 0;
}

int
outbox_enqueue_alert(struct app *app, struct store *s, int64_t alert_id,
    size_t *queued)
{
	struct store_subscription *subs = NULL, *part;
	int64_t *rids, id, now = (int64_t)time(NULL);
	size_t nr, np, nsubs = 0, i;
	struct alert al;
	struct arena a;
	char obj[64], detail[64];
	int rc;

	*queued = 0;
	arena_init(&a);
	if ((rc = alert_get(app, s, &a, alert_id, &al)) != 0)
		goto out;
	if ((rc = alert_region_ids(s, &a, &al, &rids, &nr)) != 0)
		goto out;
	for (i = 0; i < nr; i++) {
		struct store_subscription *grown;

		if ((rc = loop_rc(store_subscribers(s, &a, rids[i], &part,
		    &np))) != 0)
			goto out;
		if (np == 0)
			continue;
		grown = arena_alloc(&a, sizeof(*grown) * (nsubs + np));
		if (nsubs > 0)
			memcpy(grown, subs, sizeof(*grown) * nsubs);
		memcpy(grown + nsubs, part, sizeof(*grown) * np);
		subs = grown;
		nsubs += np;
	}
	if (nsubs == 0)
		goto out;
	/* A member following both "ca" and "ca-bc" receives one message. */
	qsort(subs, nsubs, sizeof(*subs), cmp_sub);
	if ((rc = loop_rc(store_outbox_next_id(s, &id))) != 0)
		goto out;
	for (i = 0; i < nsubs; i++) {
		if (i > 0 && subs[i].user_id == subs[i - 1].user_id)
			continue;
		if ((rc = queue_for(s, &al, &subs[i], now, &id, queued)) != 0)
			goto out;
	}
	/* Whom an alert went to is worth a trace even though no contact
	 * is opened here (the sender opens each one as it sends). */
	snprintf(obj, sizeof(obj), "alert:%lld", (long long)alert_id);
	snprintf(detail, sizeof(detail), "messages=%zu", *queued);
	rc = loop_rc(audit_log(app, s, 0, "outbox.queue", obj, detail));
out:
	arena_release(&a);
	if (rc != 0)
		*queued = 0;
	return rc;
}

/* The wake-up and the counters */

static pthread_mutex_t wake_mu = PTHREAD_MUTEX_INITIALIZER;
static void (*wake_fn)(void *);
static void *wake_arg;
static _Atomic uint64_t local_counters[OUTBOX_EV_COUNT];
static _Atomic uint64_t *counters = local_counters;

int
outbox_counters_share(void)
{
	_Atomic uint64_t *shared;
	int i;

	shared = mmap(NULL, sizeof(local_counters), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED) {
		log_error("outbox: cannot map the shared counters: %s",
		    strerror(errno));
		return -1;
	}
	for (i = 0; i < OUTBOX_EV_COUNT; i++)
		atomic_store(&shared[i], atomic_load(&counters[i]));
	counters = shared;
	return 0;
}

void
outbox_set_wake(void (*fn)(void *), void *arg)
{
	pthread_mutex_lock(&wake_mu);
	wake_fn = fn;
	wake_arg = arg;
	pthread_mutex_unlock(&wake_mu);
}

void
outbox_committed(size_t queued)
{
	if (queued == 0)
		return;
	outbox_count(OUTBOX_EV_QUEUED, queued);
	pthread_mutex_lock(&wake_mu);
	if (wake_fn != NULL)
		wake_fn(wake_arg);
	pthread_mutex_unlock(&wake_mu);
}

void
outbox_count(enum outbox_event ev, uint64_t n)
{
	if ((unsigned)ev < OUTBOX_EV_COUNT)
		atomic_fetch_add(&counters[ev], n);
}

uint64_t
outbox_counter(enum outbox_event ev)
{
	if ((unsigned)ev >= OUTBOX_EV_COUNT)
		return 0;
	return atomic_load(&counters[ev]);
}

int
outbox_metrics_render(struct buf *out)
{
	static const char *const names[OUTBOX_EV_COUNT] = { "queued", "sent",
	    "failed", "retried" };
	int i;

	buf_adds(out, "# HELP lookout_outbox_messages_total Outbox messages "
	    "since start: queued, sent, failed for good, and tries that "
	    "failed and were rescheduled.\n"
	    "# TYPE lookout_outbox_messages_total counter\n");
	for (i = 0; i < OUTBOX_EV_COUNT; i++)
		buf_printf(out, "lookout_outbox_messages_total{state=\"%s\"} "
		    "%llu\n", names[i],
		    (unsigned long long)outbox_counter((enum outbox_event)i));
	return out->overflow ? -1 : 0;
}

/* The sending side */

/* The alert a batch's messages carry, looked up once per alert. */
struct alert_cache {
	int64_t		id;
	int		rc;	/* of alert_get */
	struct alert	al;
};

/*
 * Render a message queued without a body (queue_one): 0 with *to and
 * out set, 1 when its alert was withdrawn (or deleted) meanwhile, -1
 * when it cannot be sent (no contact, or one that does not open).
 */
static int
render_queued(struct app *app, struct store *s, struct arena *a,
    const struct store_outbox *row, struct alert_cache *c, const char **to,
    struct outbox_msg *out)
{
	struct store_subscription sub;
	const char *tok, *lang;

	*to = NULL;
	if (row->alert_id == 0)
		return 1;
	if (c->id != row->alert_id) {
		c->id = row->alert_id;
		c->rc = alert_get(app, s, a, row->alert_id, &c->al);
	}
	if (c->rc == REPORT_NOTFOUND)
		return 1;
	if (c->rc != 0 || row->user_id == 0 ||
	    store_subscription_get(s, a, row->user_id, &sub) != 0)
		return -1;
	lang = lang_match(row->lang, strlen(row->lang));
	if (lang == NULL)
		lang = "en";
	if (strcmp(row->channel, "email") == 0) {
		if (sub.email_sealed == NULL)
			return -1;
		tok = loop_unseal(app, a, "subscriptions", "unsub",
		    sub.user_id, sub.unsub_sealed, sub.unsub_sealed_len);
		*to = loop_unseal(app, a, "subscriptions", "email",
		    sub.user_id, sub.email_sealed, sub.email_sealed_len);
		if (tok == NULL || *to == NULL || **to == '\0' ||
		    outbox_render_email(a, lang, &c->al, base_url(app, a), tok,
		    out) != 0)
			return -1;
		return 0;
	}
	if (sub.sms_sealed == NULL)
		return -1;
	*to = loop_unseal(app, a, "subscriptions", "sms", sub.user_id,
	    sub.sms_sealed, sub.sms_sealed_len);
	if (*to == NULL || **to == '\0' ||
	    outbox_render_sms(a, lang, &c->al, base_url(app, a), out) != 0)
		return -1;
	return 0;
}

int
outbox_claim(struct app *app, struct store *s, struct arena *a,
    const char *channel, int64_t claimer, int64_t lease, size_t limit,
    struct outbox_item **out, size_t *n)
{
	struct store_outbox *rows;
	struct outbox_item *it;
	struct alert_cache cache;
	int64_t now = (int64_t)time(NULL);
	const char *to, *body;
	size_t nr, i, m = 0, withdrawn = 0, failed = 0;
	int rc, r;

	*out = NULL;
	*n = 0;
	memset(&cache, 0, sizeof(cache));
	/* One transaction for the claim and the reads that render it. */
	if ((rc = store_begin(s)) != 0)
		return loop_rc(rc);
	if ((rc = store_outbox_claim(s, a, channel, now, claimer, now + lease,
	    limit, &rows, &nr)) != 0) {
		(void)store_rollback(s);
		return loop_rc(rc);
	}
	*out = arena_alloc(a, sizeof(**out) * (nr ? nr : 1));
	for (i = 0; i < nr; i++) {
		it = &(*out)[m];
		if (rows[i].body_sealed == NULL) {
			r = render_queued(app, s, a, &rows[i], &cache, &to,
			    &it->msg);
		} else {
			/* Queued before migration 5: sealed as rendered. */
			to = loop_unseal(app, a, "outbox", "recipient",
			    rows[i].id, rows[i].recipient_sealed,
			    rows[i].recipient_sealed_len);
			body = loop_unseal(app, a, "outbox", "body",
			    rows[i].id, rows[i].body_sealed,
			    rows[i].body_sealed_len);
			r = to == NULL || body == NULL ||
			    outbox_msg_decode(a, body, strlen(body),
			    &it->msg) != 0 ? -1 : 0;
		}
		if (r == 1) {
			if (store_outbox_withdrawn(s, rows[i].id,
			    claimer) == 0)
				withdrawn++;
			continue;
		}
		if (r != 0) {
			log_error("outbox: message %lld does not open; it "
			    "fails", (long long)rows[i].id);
			if (store_outbox_fail(s, rows[i].id, claimer) == 0)
				failed++;
			continue;
		}
		it->id = rows[i].id;
		it->channel = rows[i].channel;
		it->attempts = rows[i].attempts;
		it->recipient = to;
		m++;
	}
	if ((rc = store_commit(s)) != 0)
		return loop_rc(rc);
	if (failed > 0)
		outbox_count(OUTBOX_EV_FAILED, failed);
	if (withdrawn > 0)
		log_info("outbox: %zu messages not sent: their alert was "
		    "withdrawn", withdrawn);
	*n = m;
	return 0;
}

/* Settle one message without counting it: *ev says what it became. */
static int
settle_one(struct store *s, const struct outbox_item *it, int64_t claimer,
    enum outbox_result res, enum outbox_event *ev)
{
	int64_t now = (int64_t)time(NULL), failures = it->attempts + 1;

	switch (res) {
	case OUTBOX_DELIVERED:
		*ev = OUTBOX_EV_SENT;
		return store_outbox_sent(s, it->id, claimer, now);
	case OUTBOX_TRY_LATER:
		if (failures < OUTBOX_MAX_ATTEMPTS) {
			*ev = OUTBOX_EV_RETRIED;
			return store_outbox_retry(s, it->id, claimer,
			    now + outbox_backoff(failures));
		}
		log_warn("outbox: message %lld failed %lld times; giving up",
		    (long long)it->id, (long long)failures);
		/* FALLTHROUGH */
	default:
		*ev = OUTBOX_EV_FAILED;
		return store_outbox_fail(s, it->id, claimer);
	}
}

static void
lost_claim(const struct outbox_item *it)
{
	log_warn("outbox: message %lld was no longer ours to settle",
	    (long long)it->id);
}

int
outbox_settle(struct app *app, struct store *s, const struct outbox_item *it,
    int64_t claimer, enum outbox_result res)
{
	enum outbox_event ev;
	int rc;

	rc = settle_one(s, it, claimer, res, &ev);
	if (rc == STORE_NOTFOUND) {
		lost_claim(it);
		return REPORT_NOTFOUND;
	}
	if (rc != 0)
		return loop_rc(rc);
	outbox_count(ev, 1);
	return 0;
}

int
outbox_settle_all(struct app *app, struct store *s,
    const struct outbox_item *items, const enum outbox_result *res,
    size_t n, int64_t claimer)
{
	uint64_t counts[OUTBOX_EV_COUNT] = { 0 };
	enum outbox_event ev;
	size_t i;
	int rc;

	if (n == 0)
		return 0;
	if ((rc = store_begin(s)) != 0)
		return loop_rc(rc);
	for (i = 0; i < n; i++) {
		rc = settle_one(s, &items[i], claimer, res[i], &ev);
		if (rc == STORE_NOTFOUND) {
			lost_claim(&items[i]);
			continue;
		}
		if (rc != 0) {
			(void)store_rollback(s);
			return loop_rc(rc);
		}
		counts[ev]++;
	}
	if ((rc = store_commit(s)) != 0)
		return loop_rc(rc);
	for (i = 0; i < OUTBOX_EV_COUNT; i++)
		if (counts[i] > 0)
			outbox_count((enum outbox_event)i, counts[i]);
	return 0;
}

int
outbox_release(struct app *app, struct store *s, int64_t claimer)
{
	int64_t n = 0;
	int rc;

	if ((rc = store_outbox_release(s, claimer, &n)) != 0)
		return loop_rc(rc);
	if (n > 0)
		log_info("outbox: gave back %lld unsent messages",
		    (long long)n);
	return 0;
}

int
outbox_purge(struct app *app, struct store *s, int64_t now)
{
	int64_t n = 0;
	int rc;

	if ((rc = store_outbox_purge(s, now - OUTBOX_KEEP_SECONDS, &n)) != 0)
		return loop_rc(rc);
	if (n > 0)
		log_info("outbox: removed %lld old messages", (long long)n);
	return 0;
}
