/*
 * store_loop.h: the store's part of the core loop: invites, reports and
 * their identifiers, alerts and their regions and identifiers, and feed
 * tokens. Same rules as store.h (return codes, arenas, no SQL above).
 *
 * Sealed columns (*_sealed) arrive sealed and leave sealed. Columns that
 * are not sealed hold nothing that identifies a person: ids, codes,
 * dates, bitmasks of incident types, statuses and keyed hashes.
 *
 * A report's owner is kept only as owner_tag, a keyed hash of the owning
 * account's id, so that the database alone cannot tie a report (or the
 * alert made from it) to an account.
 */
#ifndef LOOKOUT_STORE_LOOP_H
#define LOOKOUT_STORE_LOOP_H

#include "store/store.h"

/* Invites: one-time codes, kept as hashes. */
int	store_invite_insert(struct store *s,
	    const uint8_t code_hash[STORE_HASH_BYTES], int64_t org_id,
	    int64_t created_by, int64_t created_at, int64_t expires_at);
/* Mark the invite used by user_id if it exists, is unused and
 * expires_at > now; sets *org_id. STORE_NOTFOUND otherwise. */
int	store_invite_take(struct store *s,
	    const uint8_t code_hash[STORE_HASH_BYTES], int64_t now,
	    int64_t user_id, int64_t *org_id);

/*
 * Reports. status is one of: held (hold until matched, invisible to the
 * queue), new, alerted, no_alert, attached, withdrawn. types is a bitmask
 * of incident types. police is none|anonymous|full.
 */
struct store_report {
	int64_t	 id;
	int64_t	 org_id;
	uint8_t	 owner_tag[STORE_HASH_BYTES];
	int64_t	 region_id;
	char	*occurred_on;		/* YYYY-MM-DD */
	char	*time_window;		/* "" when not given */
	int64_t	 types;
	char	*status;
	int	 matched;
	int	 consent_alert;
	char	*consent_police;
	int	 consent_share;
	char	*source;
	int64_t	 created_at;
	int64_t	 alert_id;		/* 0 when none */
	char	*decision;		/* staff's no-alert reason, or "" */
	/* Sealed; NULL/0 when absent or destroyed. */
	uint8_t	*area_sealed;
	size_t	 area_sealed_len;
	uint8_t	*details_sealed;	/* offender and vehicle, as JSON */
	size_t	 details_sealed_len;
	uint8_t	*narrative_sealed;
	size_t	 narrative_sealed_len;
	uint8_t	*contact_sealed;
	size_t	 contact_sealed_len;
};

int	store_report_insert(struct store *s, const struct store_report *r);
int	store_report_get(struct store *s, struct arena *a, int64_t id,
	    struct store_report *out);
/* Reports of org_id whose status is status (any when NULL), newest
 * first. Sealed fields are not loaded. */
int	store_report_list(struct store *s, struct arena *a, int64_t org_id,
	    const char *status, struct store_report **out, size_t *n);
/* Reports whose owner_tag matches, newest first, sealed fields not
 * loaded. */
int	store_report_by_owner(struct store *s, struct arena *a,
	    const uint8_t owner_tag[STORE_HASH_BYTES],
	    struct store_report **out, size_t *n);
int	store_report_set_status(struct store *s, int64_t id,
	    const char *status, int matched, int64_t alert_id,
	    const char *decision);
int	store_report_set_consent(struct store *s, int64_t id, int alert,
	    const char *police, int share);
/* Destroy every sealed value of the report and its identifiers' sealed
 * values (hashes too), keeping the row's non-identifying columns. */
int	store_report_wipe(struct store *s, int64_t id);
/* Remove the report and its identifiers entirely. */
int	store_report_delete(struct store *s, int64_t id);

struct store_ident {
	int64_t	 owner_id;	/* the report or alert */
	char	*kind;		/* phone email plate handle name */
	uint8_t	 hash[STORE_HASH_BYTES];
	uint8_t	*value_sealed;
	size_t	 value_sealed_len;
	int64_t	 seq;		/* position within the owner, from 0 */
};
int	store_report_ident_insert(struct store *s, const struct store_ident *i);
int	store_report_idents(struct store *s, struct arena *a,
	    int64_t report_id, struct store_ident **out, size_t *n);
/* Ids of the reports that carry an identifier with this hash. */
int	store_report_ids_by_hash(struct store *s, struct arena *a,
	    const uint8_t hash[STORE_HASH_BYTES], int64_t **ids, size_t *n);

/* Alerts. severity is high|medium|low; status active|withdrawn. */
struct store_alert {
	int64_t	 id;
	int64_t	 org_id;
	char	*summary;
	char	*severity;
	int64_t	 types;
	char	*issued_on;		/* YYYY-MM-DD */
	char	*status;
	int64_t	 created_at;
};
/* Inserting an active alert tells other nodes when it commits (its
 * identifiers are to be inserted in the same transaction). */
int	store_alert_insert(struct store *s, const struct store_alert *al);
int	store_alert_get(struct store *s, struct arena *a, int64_t id,
	    struct store_alert *out);
int	store_alert_set_types(struct store *s, int64_t id, int64_t types);
/* STORE_CONFLICT when the alert already has the region. */
int	store_alert_region_add(struct store *s, int64_t alert_id,
	    int64_t region_id);
/* Region codes of an alert, ordered by code. */
int	store_alert_regions(struct store *s, struct arena *a, int64_t alert_id,
	    char ***codes, size_t *n);
/* Active alerts in any of the regions region_ids[0..nr) (every active
 * alert when nr is 0), newest first, at most limit. */
int	store_alert_list(struct store *s, struct arena *a,
	    const int64_t *region_ids, size_t nr, size_t limit,
	    struct store_alert **out, size_t *n);
/* Active alerts whose summary contains word, case-insensitively for
 * ASCII, newest first, at most limit. */
int	store_alert_search(struct store *s, struct arena *a, const char *word,
	    size_t limit, struct store_alert **out, size_t *n);
int	store_alert_ident_insert(struct store *s, const struct store_ident *i);
/* Ids of active alerts carrying an identifier with this hash. */
int	store_alert_ids_by_hash(struct store *s, struct arena *a,
	    const uint8_t hash[STORE_HASH_BYTES], int64_t **ids, size_t *n);
/* Every identifier of every active alert, for the screening index, in
 * no particular order; fn returning non-zero stops the walk and is
 * returned. A row's strings and blobs are valid only until fn returns
 * (the walk takes constant memory). An identifier without a sealed value
 * has value_sealed NULL: its hash still matches. */
int	store_alert_idents_each(struct store *s,
	    int (*fn)(const struct store_ident *, void *), void *arg);
/* The same for one alert's identifiers, if it is active. */
int	store_alert_idents_of(struct store *s, int64_t alert_id,
	    int (*fn)(const struct store_ident *, void *), void *arg);
/* What a screening answer shows of every active alert (alert_id 0), or
 * of one if it is active: fn is called once per region code of each
 * alert, in order of id then code, with NULL for an alert without a
 * region. Same rules as store_alert_idents_each. */
int	store_alert_screen_each(struct store *s, int64_t alert_id,
	    int (*fn)(const struct store_alert *, const char *, void *),
	    void *arg);
/* Set the alert's status to withdrawn (again, if it was already);
 * STORE_NOTFOUND when there is no such alert. Other nodes hear of it
 * when the transaction commits. */
int	store_alert_withdraw(struct store *s, int64_t id);

/* Region descendants: ids of the region and every region under it,
 * ordered by id; STORE_NOTFOUND when the region does not exist (never an
 * empty list, which store_alert_list would read as "every region"). */
int	store_region_subtree(struct store *s, struct arena *a,
	    int64_t region_id, int64_t **ids, size_t *n);

/* Feed tokens: one per member, kept as a hash. Setting replaces the
 * member's token; deleting one that is not there is STORE_NOTFOUND. */
int	store_feed_token_set(struct store *s, int64_t user_id,
	    const uint8_t hash[STORE_HASH_BYTES], int64_t created_at);
int	store_feed_token_delete(struct store *s, int64_t user_id);
int	store_feed_token_user(struct store *s,
	    const uint8_t hash[STORE_HASH_BYTES], int64_t *user_id);
/* Does the member have a feed token? *has is 0 or 1. */
int	store_feed_token_has(struct store *s, int64_t user_id, int *has);

#endif
