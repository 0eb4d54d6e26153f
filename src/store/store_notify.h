/*
 * store_notify.h: the store's part of delivery (tables of migrations 4
 * and 5 in migrations.c): what each member chose to receive her alerts
 * on, and the durable outbox of messages to send. Same rules as
 * store.h (return codes, arenas, no SQL above the store).
 *
 * Contacts and messages arrive sealed and leave sealed; the store sees
 * only keyed hashes of contacts and hashes of unsubscribe tokens.
 */
#ifndef LOOKOUT_STORE_NOTIFY_H
#define LOOKOUT_STORE_NOTIFY_H

#include "store/store.h"

/*
 * A member's delivery choices. A contact she did not choose is NULL/0 in
 * its sealed value and has_*_hash 0. lang is a langs[] code. The
 * unsubscribe token is made with the row and never changes.
 */
struct store_subscription {
	int64_t	 user_id;
	uint8_t	*email_sealed;
	size_t	 email_sealed_len;
	int	 has_email_hash;
	uint8_t	 email_hash[STORE_HASH_BYTES];
	uint8_t	*sms_sealed;
	size_t	 sms_sealed_len;
	int	 has_sms_hash;
	uint8_t	 sms_hash[STORE_HASH_BYTES];
	char	*lang;
	uint8_t	 unsub_hash[STORE_HASH_BYTES];
	uint8_t	*unsub_sealed;
	size_t	 unsub_sealed_len;
	int64_t	 created_at;
	int64_t	 updated_at;
};

int	store_subscription_get(struct store *s, struct arena *a,
	    int64_t user_id, struct store_subscription *out);
/* Insert the row, or replace its contacts, lang and updated_at; an
 * existing row keeps its unsubscribe token and created_at. */
int	store_subscription_put(struct store *s,
	    const struct store_subscription *sub);
/* The row whose unsubscribe token hashes to hash; STORE_NOTFOUND when
 * none. */
int	store_subscription_by_unsub(struct store *s, struct arena *a,
	    const uint8_t hash[STORE_HASH_BYTES],
	    struct store_subscription *out);
/* Ids of the members whose contact on channel ("email" or "sms") has
 * this keyed hash (several accounts may share a phone). */
int	store_subscription_users(struct store *s, struct arena *a,
	    const char *channel, const uint8_t hash[STORE_HASH_BYTES],
	    int64_t **ids, size_t *n);
/* Forget the member's contact on channel ("email" or "sms"). */
int	store_subscription_clear(struct store *s, int64_t user_id,
	    const char *channel);
/* The subscriptions, with at least one contact, of the active accounts
 * that follow region_id itself (not a region above or below it). */
int	store_subscribers(struct store *s, struct arena *a, int64_t region_id,
	    struct store_subscription **out, size_t *n);

/*
 * The outbox. channel is email|sms; state queued|sent|failed|withdrawn.
 * attempts counts the failed tries. user_id and alert_id are 0 when
 * none. A message rendered when it is sent (migration 5) has
 * recipient_sealed and body_sealed NULL and lang set; one queued before
 * has both sealed and lang NULL.
 */
struct store_outbox {
	int64_t	 id;
	char	*channel;
	int64_t	 user_id;
	int64_t	 alert_id;
	uint8_t	*recipient_sealed;
	size_t	 recipient_sealed_len;
	uint8_t	*body_sealed;
	size_t	 body_sealed_len;
	char	*lang;
	char	*state;
	int64_t	 attempts;
	int64_t	 next_attempt_at;
	int64_t	 created_at;
	int64_t	 sent_at;		/* 0 until sent */
};

int	store_outbox_insert(struct store *s, const struct store_outbox *m);
/*
 * The first of a run of ids for new messages: one above the largest id
 * in the outbox, so that a fan-out inserts in key order. Inside a write
 * transaction only; it holds until that transaction ends (SQLite has one
 * writer; on PostgreSQL a transaction-scoped advisory lock makes
 * publishers on other nodes wait for the commit).
 */
int	store_outbox_next_id(struct store *s, int64_t *id);
/*
 * Claim up to limit queued messages of channel that are due at now and
 * not claimed (or whose claim has expired): they are marked claimed by
 * claimer until until, in one statement, and returned in out (oldest due
 * first is preferred, not promised). On PostgreSQL the rows are taken
 * FOR UPDATE SKIP LOCKED, so two nodes claiming at once never get the
 * same message and never wait for each other.
 */
int	store_outbox_claim(struct store *s, struct arena *a, const char *channel,
	    int64_t now, int64_t claimer, int64_t until, size_t limit,
	    struct store_outbox **out, size_t *n);
/*
 * Settle a message claimed by claimer, in one statement guarded by
 * state 'queued' and the claim, so each is settled at most once:
 * STORE_NOTFOUND when the message is no longer queued or no longer
 * claimer's (its claim expired and another sender took it).
 *  - sent: state sent, sent_at now;
 *  - retry: attempts + 1, due again at next_at, claim released;
 *  - fail: attempts + 1, state failed.
 */
int	store_outbox_sent(struct store *s, int64_t id, int64_t claimer,
	    int64_t now);
int	store_outbox_retry(struct store *s, int64_t id, int64_t claimer,
	    int64_t next_at);
int	store_outbox_fail(struct store *s, int64_t id, int64_t claimer);
/* The same, to state withdrawn: its alert was withdrawn before it was
 * sent, so it never will be. */
int	store_outbox_withdrawn(struct store *s, int64_t id, int64_t claimer);
/* Release every claim of claimer on messages still queued (a clean
 * shutdown); *n is how many. */
int	store_outbox_release(struct store *s, int64_t claimer, int64_t *n);
/* Remove the member's queued messages on channel: she chose to stop. */
int	store_outbox_cancel(struct store *s, int64_t user_id,
	    const char *channel);
/* Remove sent, failed and withdrawn messages created before before; *n is how
 * many. Queued ones stay whatever their age. */
int	store_outbox_purge(struct store *s, int64_t before, int64_t *n);
/* How many messages are in state (any when NULL). */
int	store_outbox_count(struct store *s, const char *state, int64_t *n);

#endif
