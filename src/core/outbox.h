/*
 * outbox.h: the durable outbox. Publishing an alert writes one message
 * per subscriber and channel into the outbox, in the alert's own
 * transaction, so an alert is never published without its messages nor
 * a message queued for an alert that was not. Senders (src/notify/)
 * claim due messages, send them, and settle each exactly once: sent,
 * retried later with exponential backoff, or failed for good.
 *
 * Who receives an alert: every active member with a contact who follows one
 * of the alert's regions or a region above one (a member following "ca"
 * receives the alerts of "ca-bc-van"); one message per channel she chose.
 *
 * A queued message is small: the member, the alert, the channel and the
 * member's language. It is rendered when a sender claims it, addressed
 * to the member's sealed contact in her subscription: the database alone
 * shows neither who is told nor what, and a message whose alert was
 * withdrawn before it went is not sent (state withdrawn). Delivery is at
 * least once: a sender that dies between sending and settling leaves
 * the message queued, and its claim expires.
 *
 * Return values are enum report_rc.
 */
#ifndef LOOKOUT_OUTBOX_H
#define LOOKOUT_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include "core/report.h"
#include "util/arena.h"
#include "util/buf.h"

/* Retries: OUTBOX_RETRY_BASE seconds after the first failure, doubling
 * each time up to OUTBOX_RETRY_MAX; the OUTBOX_MAX_ATTEMPTS-th failure
 * is final. */
#define OUTBOX_RETRY_BASE	30
#define OUTBOX_RETRY_MAX	(6 * 3600)
#define OUTBOX_MAX_ATTEMPTS	10
/* Sent and failed messages are removed after this long. */
#define OUTBOX_KEEP_SECONDS	(7 * 24 * 3600)

/* Seconds to wait after the failures-th failed try (failures >= 1). */
int64_t	outbox_backoff(int64_t failures);

/* A rendered message. subject, html and unsubscribe are email only (""
 * for SMS). */
struct outbox_msg {
	const char	*subject;
	const char	*text;
	const char	*html;
	const char	*unsubscribe;	/* the stop link */
};

/*
 * Render the message announcing al to a member who reads lang: what
 * happened, where, how serious, and how to stop. base_url is the
 * service's public address (no trailing slash needed), unsub_token the
 * member's unsubscribe token. Strings come from a.
 */
int	outbox_render_email(struct arena *a, const char *lang,
	    const struct alert *al, const char *base_url,
	    const char *unsub_token, struct outbox_msg *out);
int	outbox_render_sms(struct arena *a, const char *lang,
	    const struct alert *al, const char *base_url,
	    struct outbox_msg *out);
/* The sealed form of a message: a JSON object. decode returns -1 on
 * anything but what encode writes. */
int	outbox_msg_encode(const struct outbox_msg *m, struct buf *out);
int	outbox_msg_decode(struct arena *a, const char *data, size_t len,
	    struct outbox_msg *out);

/* Queue the messages for alert_id inside the caller's transaction;
 * *queued is how many. After the caller commits, it calls
 * outbox_committed(*queued). */
int	outbox_enqueue_alert(struct app *app, struct store *s, int64_t alert_id,
	    size_t *queued);
/* Count queued messages for /metrics and wake the sender. */
void	outbox_committed(size_t queued);

/* --- the sending side (src/notify/) --- */

/* A claimed message, unsealed. */
struct outbox_item {
	int64_t			 id;
	const char		*channel;	/* email|sms */
	int64_t			 attempts;	/* failed tries so far */
	const char		*recipient;
	struct outbox_msg	 msg;
};

enum outbox_result {
	OUTBOX_DELIVERED,	/* the relay took it */
	OUTBOX_TRY_LATER,	/* a failure that may pass */
	OUTBOX_REFUSED,		/* a failure that will not */
};

/* Claim up to limit due messages of channel for claimer, until now +
 * lease seconds, and render or unseal them into a (wiped when the caller
 * releases it). A message that does not open is failed at once; one
 * whose alert was withdrawn is marked so and not returned. */
int	outbox_claim(struct app *app, struct store *s, struct arena *a,
	    const char *channel, int64_t claimer, int64_t lease, size_t limit,
	    struct outbox_item **out, size_t *n);
/* Settle a claimed message: sent, or retried with backoff, or failed
 * (refused, or out of attempts). A message whose claim was lost is left
 * alone (another sender has it) and REPORT_NOTFOUND returned. */
int	outbox_settle(struct app *app, struct store *s,
	    const struct outbox_item *it, int64_t claimer,
	    enum outbox_result res);
/* Settle the first n of items, whose sends gave res, in one
 * transaction: all of them or, on an error, none (they stay claimed and
 * come due again when the lease runs out). Counted once committed. */
int	outbox_settle_all(struct app *app, struct store *s,
	    const struct outbox_item *items, const enum outbox_result *res,
	    size_t n, int64_t claimer);
/* Give back claimer's claims on messages not yet settled. */
int	outbox_release(struct app *app, struct store *s, int64_t claimer);
/* Remove sent and failed messages older than OUTBOX_KEEP_SECONDS. */
int	outbox_purge(struct app *app, struct store *s, int64_t now);

/* The sender's wake-up: called (from any thread) after messages are
 * queued. One at a time; fn NULL removes it. */
void	outbox_set_wake(void (*fn)(void *), void *arg);

/* Counters since start, for /metrics:
 * lookout_outbox_messages_total{state="queued|sent|failed|retried"}. */
enum outbox_event {
	OUTBOX_EV_QUEUED,
	OUTBOX_EV_SENT,
	OUTBOX_EV_FAILED,
	OUTBOX_EV_RETRIED,
	OUTBOX_EV_COUNT
};
void	outbox_count(enum outbox_event ev, uint64_t n);
/* Move the counters to a shared anonymous mapping, so that a process
 * forked afterwards counts into the same ones. Once, before the fork. */
int	outbox_counters_share(void);
uint64_t outbox_counter(enum outbox_event ev);
int	outbox_metrics_render(struct buf *out);

#endif
