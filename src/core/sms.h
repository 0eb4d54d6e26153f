/*
 * sms.h: what lookout does with a text message sent to it, and the reply
 * it sends back (the gateway's get-url, api/sms.c).
 *
 * Commands (core/smscmd.h) act for a member only when the sender's
 * number is a member's SMS contact, matched by its keyed hash
 * (subscription_sms_member): CHECK screens as the web form does, REPORT
 * files a minimal report for staff to complete, START turns her alerts
 * by text back on. Anyone may send HELP (a help request, the sender's
 * number as its contact) and STOP (no more alerts to this number).
 *
 * The reply is in the keyword's language (VERIFIER answers in French),
 * in the member's own language when it has no keywords of its own
 * (zh-Hans), else in English; it fits one SMS. The sender's number is
 * never logged, and stored only sealed (a help request's contact, a
 * report's contact) or as a keyed hash.
 */
#ifndef LOOKOUT_SMS_H
#define LOOKOUT_SMS_H

#include <stdint.h>

#include "core/app.h"
#include "util/arena.h"

/* The limits the caller keeps; each callback may be NULL (no limit),
 * and each answers 0 to refuse. */
struct sms_limits {
	/* Before each CHECK: may the member screen now (her screening
	 * limit)? */
	int	(*screen_ok)(int64_t user_id, void *arg);
	/* Before each HELP and REPORT: may this number (E.164 when it
	 * reads as one, else as the gateway gave it) store another now?
	 * Anyone can text, so this is what keeps one phone from filling
	 * the case queue. */
	int	(*write_ok)(const char *number, void *arg);
	void	*arg;
};

/*
 * Act on text (UTF-8) from the number from, within lim (may be NULL).
 * *reply (from a) is the text to send back. Returns 0, or REPORT_ERR /
 * REPORT_UNAVAILABLE when nothing sensible can be answered.
 */
int	sms_inbound(struct app *app, struct store *s, struct arena *a,
	    const char *from, const char *text, const struct sms_limits *lim,
	    const char **reply);

#endif
