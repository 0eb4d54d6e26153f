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

/*
 * Act on text (UTF-8) from the number from. screen_ok, when set, is
 * asked before each CHECK whether the member may screen now (her
 * screening limit); 0 refuses. *reply (from a) is the text to send
 * back. Returns 0, or REPORT_ERR / REPORT_UNAVAILABLE when nothing
 * sensible can be answered.
 */
int	sms_inbound(struct app *app, struct store *s, struct arena *a,
	    const char *from, const char *text,
	    int (*screen_ok)(int64_t user_id, void *arg), void *arg,
	    const char **reply);

#endif
