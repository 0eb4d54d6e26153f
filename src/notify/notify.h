/*
 * notify.h: delivery of the outbox's messages (core/outbox.h): the
 * sender of lookout serve and the channels it sends on.
 *
 * The sender is a process of its own, forked by serve before it starts
 * any thread, as OpenBSD daemons separate their privileges: the server's
 * system-call filter forbids socket and connect (cli/sandbox.h), so that
 * a compromised request handler cannot reach the network, while sending
 * mail needs both. The sender has no listening socket and reads no
 * request; it opens its own database connection, claims due messages,
 * sends them and settles each.
 *
 * The two processes share two pipes and one page:
 *  - wake: the server writes a byte after it queues messages; the sender
 *    polls it (and looks for due messages every OUTBOX_POLL_SECONDS
 *    anyway, for retries, other nodes and lookout import). End of file
 *    on it, when the server closes it or dies, tells the sender to stop:
 *    it starts no new send, lets those in progress finish for up to
 *    OUTBOX_STOP_GRACE seconds, gives back its unsent claims and exits.
 *  - done: the sender holds its write end; the server reads end of file
 *    when the sender has exited, which is how a clean shutdown waits for
 *    it without wait(2), which the server's filter does not allow.
 *  - the outbox counters (core/outbox.h) live in a shared page, so that
 *    /metrics, served by the server, counts what the sender did.
 *
 * A crash of either leaves messages queued: claims expire after
 * OUTBOX_LEASE_SECONDS and are taken again.
 */
#ifndef LOOKOUT_NOTIFY_H
#define LOOKOUT_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

#include "core/app.h"
#include "core/outbox.h"
#include "util/buf.h"

#define OUTBOX_POLL_SECONDS	5
#define OUTBOX_BATCH		8	/* messages claimed at a time */
#define OUTBOX_SENDERS		8	/* sends at once, each over its own
					   connection */
#define OUTBOX_LEASE_SECONDS	600	/* longer than a batch can take */
#define OUTBOX_STOP_GRACE	3	/* seconds a send may finish in */
#define OUTBOX_STOP_WAIT	8	/* seconds serve waits for the sender */

/*
 * A channel: how one kind of message is sent. send returns what became
 * of the message; it runs in the sender process only. cancel, when it
 * returns non-zero, asks a send in progress to give up (the sender is
 * stopping and the grace is over).
 */
struct notify_channel {
	const char		*name;		/* "email" */
	void			*ctx;
	enum outbox_result	(*send)(void *ctx, const struct outbox_item *it,
				    int (*cancel)(void *), void *cancel_arg);
	void			(*free)(void *ctx);
};

/*
 * Start the sender. child_init, when set, runs in the sender right after
 * the fork (serve drops root there as it does itself); non-zero makes the
 * sender exit. With neither smtp_url nor sms_gateway_url set there is
 * nothing to send on, and no process is started: the handle returned
 * only stops. Returns NULL with a message printed when the configuration
 * cannot work (smtp_url without smtp_from, a bad scheme) or the process
 * cannot be made.
 */
struct outbox_sender;
struct outbox_sender	*outbox_sender_start(struct app *app,
			    int (*child_init)(void *), void *arg);
/* Stop the sender and wait (at most OUTBOX_STOP_WAIT seconds) for it to
 * give back its claims and exit. */
void			 outbox_sender_stop(struct outbox_sender *sd);

/* email.c */

/* The email channel of cfg: 0 and *ch filled, 1 when smtp_url is not
 * set (no email is sent; messages stay queued), -1 with a reason in err
 * when the settings cannot work. */
int	email_channel_open(const struct config *cfg, struct notify_channel *ch,
	    char *err, size_t errlen);

/* One email, everything decided: email_format() is deterministic. */
struct email_parts {
	const char	*from;		/* smtp_from: "a@b" or "Name <a@b>" */
	const char	*to;
	const char	*subject;	/* UTF-8 */
	const char	*text;		/* UTF-8 */
	const char	*html;		/* UTF-8 */
	const char	*unsubscribe;	/* a URL */
	const char	*message_id;	/* "<...@...>" */
	const char	*boundary;
	int64_t		 date;		/* Unix time */
};
/*
 * The message as sent (RFC 5322 and MIME, CRLF line ends): Date, From,
 * To, Subject (RFC 2047 encoded-words when it is not plain ASCII),
 * Message-ID, MIME-Version, List-Unsubscribe, Auto-Submitted, then a
 * multipart/alternative body with the text and HTML parts, UTF-8, base64.
 * Returns -1, writing nothing useful, when a header value holds CR or LF
 * (header injection) or an address is not plain ASCII.
 */
int	email_format(struct buf *out, const struct email_parts *p);
/* value as a header's encoded-words, folded to fit 78 columns after a
 * header name of name_len bytes; as it is when plain printable ASCII
 * that fits. -1 when value holds CR or LF. */
int	email_header_value(struct buf *out, size_t name_len, const char *value);
/* The bare address of "Name <a@b>" or "a@b", into out; -1 when it is not
 * one address. */
int	email_address(const char *from, char *out, size_t outlen);

/* sms.c */

/* The SMS channel of cfg (Kannel's sendsms): 0 and *ch filled, 1 when
 * sms_gateway_url is not set (no SMS is sent; messages stay queued), -1
 * with a reason in err when the settings cannot work. */
int	sms_channel_open(const struct config *cfg, struct notify_channel *ch,
	    char *err, size_t errlen);
/* The query string of the sendsms request for one message: username,
 * password, to and text escaped, and coding=2 when text is not GSM
 * 7-bit. -1 when out of memory or too large. */
int	sms_query(const char *user, const char *password, const char *to,
	    const char *text, struct buf *q);

#endif
