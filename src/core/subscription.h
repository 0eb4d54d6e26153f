/*
 * subscription.h: how a member chooses to get her alerts: the regions
 * she follows and the channels she chose (email, SMS, the feed, or
 * none), and how she stops.
 *
 * Her email address and phone number are contact details: sealed in the
 * subscriptions table, looked up only by keyed hashes of their
 * normalised forms, shown back to her alone, and every read of them is
 * audited. The language she chose is the language of her messages.
 *
 * Every message carries a way to stop: an unsubscribe link holding a
 * random token made with her subscription, stored as a hash (for the
 * lookup) and sealed (to put it in each message).
 *
 * Return values are enum report_rc; validation failures fill struct
 * report_err with the field ("email", "sms", "lang", "regions") and an
 * English message.
 */
#ifndef LOOKOUT_SUBSCRIPTION_H
#define LOOKOUT_SUBSCRIPTION_H

#include <stddef.h>

#include "core/report.h"

/*
 * A change of choices. The regions are always replaced. email and sms:
 * NULL keeps what she had, "" removes it, anything else replaces it.
 * lang: NULL or "" keeps hers (or uses default_lang for a new choice).
 */
struct subscription_in {
	const char *const	*regions;
	size_t			 nregions;
	const char		*email;
	const char		*sms;
	const char		*lang;
};

/* Her choices as she sees them; "" for a contact she has not given. */
struct subscription {
	const char	**regions;	/* codes, ordered by code */
	size_t		  nregions;
	const char	 *email;
	const char	 *sms;
	const char	 *lang;
};

/* Validate everything, then store it all in one transaction (audited).
 * Changing or removing a contact drops the messages still queued for the
 * old one. default_lang is the language of the request. */
int	subscription_set(struct app *app, struct store *s,
	    const struct auth *who, const struct subscription_in *in,
	    const char *default_lang, struct report_err *err);
/* Her choices, contacts unsealed (audited when there is one); lang is
 * default_lang when she has saved none. */
int	subscription_get(struct app *app, struct store *s, struct arena *a,
	    const struct auth *who, const char *default_lang,
	    struct subscription *out);

/* Is token a live unsubscribe token? REPORT_OK with *has_email set, or
 * REPORT_NOTFOUND. */
int	subscription_token_check(struct app *app, struct store *s,
	    const char *token, int *has_email);
/* Stop email alerts for the member whose token this is: forget her
 * address and drop her queued email (audited). Stopping twice is fine;
 * REPORT_NOTFOUND for an unknown token. */
int	subscription_unsubscribe(struct app *app, struct store *s,
	    const char *token);

/*
 * Text messages from a number (core/sms.c). norm is the number's E.164
 * form (subscription_sms_valid).
 *
 * subscription_sms_member: the first active member account whose SMS
 * contact is norm, as an auth, and her language (default_lang when she
 * has none); REPORT_NOTFOUND when the number is no member's. A member
 * who sent STOP still counts: her number's keyed hash stays, and only
 * the sealed number, which messages go to, is removed.
 *
 * subscription_sms_switch: STOP (on 0) or START (on 1) the alerts by
 * text of every account with that number, in one transaction (audited).
 * STOP forgets the sealed number and drops the texts still queued for
 * it; START seals norm again. *n is how many accounts have the number.
 */
int	subscription_sms_member(struct app *app, struct store *s,
	    struct arena *a, const char *norm, struct auth *who,
	    const char **lang);
int	subscription_sms_switch(struct app *app, struct store *s,
	    const char *norm, int on, size_t *n);

/* A contact's checks on their own, for the forms: 0, or -1 with *why an
 * English message. An email address must be plain ASCII (messages are
 * sent without SMTPUTF8) and no contact may hold a line break (it would
 * forge mail headers). The normalised form goes to norm. */
int	subscription_email_valid(const char *email, char norm[IDENT_NORM_MAX],
	    const char **why);
int	subscription_sms_valid(const char *country, const char *sms,
	    char norm[IDENT_NORM_MAX], const char **why);

#endif
