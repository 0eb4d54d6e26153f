/*
 * store_help.h: the store's part of help requests and case work, police
 * sharing, aggregate counters and retention (tables of migration 3 in
 * migrations.c). Same rules as store.h.
 */
#ifndef LOOKOUT_STORE_HELP_H
#define LOOKOUT_STORE_HELP_H

#include "store/store.h"

/*
 * Aggregate counters: (metric, k1, k2, k3) -> n. They name no row and
 * outlive the purge. store_counter_add creates the counter at delta when
 * it does not exist.
 */
struct store_counter {
	char	*k1, *k2, *k3;
	int64_t	 n;
};
int	store_counter_add(struct store *s, const char *metric, const char *k1,
	    const char *k2, const char *k3, int64_t delta);
/* Every counter of metric, ordered by k1, k2, k3. */
int	store_counter_list(struct store *s, struct arena *a, const char *metric,
	    struct store_counter **out, size_t *n);

/* --- cases (help requests and report follow-ups) --- */

/*
 * Cases. kind is help|report; method phone|sms|email|dropin; status
 * open|claimed|closed|withdrawn; priority 1 (most urgent) to 4; needs a
 * bitmask. A help request is found by ref_hash, the keyed hash of its
 * reference (has_ref 0 for a report follow-up, which has none). Columns
 * that are not sealed identify nobody. Sealed values are NULL/0 when
 * absent or destroyed.
 */
struct store_case {
	int64_t	 id;
	int64_t	 org_id;
	char	*kind;
	int	 has_ref;
	uint8_t	 ref_hash[STORE_HASH_BYTES];
	int64_t	 report_id;		/* 0 when none */
	char	*method;
	char	*language;		/* "" when not given */
	int64_t	 needs;
	int	 danger_now;
	int	 forced;
	int	 id_held;
	int	 under_18;
	int	 priority;
	char	*status;
	int64_t	 assigned_to;		/* 0 when nobody */
	char	*outcome;		/* "" until there is one */
	int64_t	 created_at;
	int64_t	 updated_at;
	uint8_t	*contact_sealed;
	size_t	 contact_sealed_len;
	uint8_t	*safe_times_sealed;
	size_t	 safe_times_sealed_len;
	uint8_t	*code_word_sealed;
	size_t	 code_word_sealed_len;
	uint8_t	*outcome_detail_sealed;
	size_t	 outcome_detail_sealed_len;
};

/* STORE_CONFLICT when the id or the ref_hash is taken. */
int	store_case_insert(struct store *s, const struct store_case *c);
int	store_case_get(struct store *s, struct arena *a, int64_t id,
	    struct store_case *out);
int	store_case_by_ref(struct store *s, struct arena *a,
	    const uint8_t ref_hash[STORE_HASH_BYTES], struct store_case *out);
/* A case opened from report_id, if any (the oldest); STORE_NOTFOUND when
 * there is none. */
int	store_case_by_report(struct store *s, int64_t report_id,
	    int64_t *case_id);
/*
 * Cases of org_id, most urgent first (priority 1 first), then oldest
 * first; sealed values are not loaded. status is a status word,
 * STORE_CASES_ACTIVE for open and claimed together, or NULL for every
 * status.
 */
#define STORE_CASES_ACTIVE	"active"
int	store_case_list(struct store *s, struct arena *a, int64_t org_id,
	    const char *status, struct store_case **out, size_t *n);
/* Status claimed, assigned to user_id. */
int	store_case_assign(struct store *s, int64_t id, int64_t user_id,
	    int64_t now);
/* Status closed with outcome; detail_sealed NULL/0 for no detail. */
int	store_case_close(struct store *s, int64_t id, const char *outcome,
	    const uint8_t *detail_sealed, size_t detail_sealed_len,
	    int64_t now);
/* Status and outcome only: a withdrawal. */
int	store_case_set_status(struct store *s, int64_t id,
	    const char *status, const char *outcome, int64_t now);
/* Destroy every sealed value of the case and of its notes, keeping the
 * columns that identify nobody. */
int	store_case_wipe(struct store *s, int64_t id);

/* Case notes: sealed text by a staff account. */
struct store_case_note {
	int64_t	 id;
	int64_t	 case_id;
	int64_t	 author_id;
	int64_t	 created_at;
	uint8_t	*note_sealed;		/* NULL/0 once destroyed */
	size_t	 note_sealed_len;
};
/* An id above every note's so far, so that notes read back in the order
 * they were written; take it inside the transaction that inserts. */
int	store_case_note_next_id(struct store *s, int64_t *id);
int	store_case_note_insert(struct store *s,
	    const struct store_case_note *note);
/* The notes of a case, in the order they were written. */
int	store_case_notes(struct store *s, struct arena *a, int64_t case_id,
	    struct store_case_note **out, size_t *n);

/* --- police sharing, retention, account deletion --- */

/*
 * A report as a police liaison may receive it: the reporter's police
 * consent (tier) read now, and the sanitised content of its alert. The
 * sealed narrative and contact are loaded only when the tier is full;
 * for anonymous they never leave the database.
 */
struct store_police_row {
	int64_t	 id;
	int64_t	 types;
	char	*occurred_on;
	char	*region;		/* the region's code */
	char	*tier;			/* anonymous or full */
	int64_t	 alert_id;		/* 0 when no active alert */
	char	*summary;		/* the alert's; "" when none */
	char	*severity;		/* the alert's; "" when none */
	/* Full tier only; NULL and 0 otherwise. */
	uint8_t	*narrative_sealed;
	size_t	 narrative_sealed_len;
	uint8_t	*contact_sealed;
	size_t	 contact_sealed_len;
};
/* Reports of org_id with consent_police anonymous or full whose status
 * is neither held nor withdrawn, newest first. */
int	store_police_reports(struct store *s, struct arena *a,
	    int64_t org_id, struct store_police_row **out, size_t *n);
/* Remember that report_id was shared at tier (anonymous|full) in quarter
 * ("2026-Q4"); *added is 1 when that was not yet recorded, else 0. */
int	store_police_share_add(struct store *s, int64_t report_id,
	    const char *tier, const char *quarter, int *added);

/*
 * Retention: remove entirely every report created before cutoff (its
 * identifiers and police_shares rows with it; cases opened from it keep
 * their own age), and every case created before cutoff (its notes with
 * it). *n receives how many reports, or cases, were removed.
 */
int	store_purge_reports(struct store *s, int64_t cutoff, int64_t *n);
int	store_purge_cases(struct store *s, int64_t cutoff, int64_t *n);

/* Account deletion: remove every report whose owner_tag matches, with
 * its identifiers, its police_shares rows and the follow-up cases opened
 * from it (they hold her contact); *n receives how many reports. */
int	store_purge_owner(struct store *s,
	    const uint8_t owner_tag[STORE_HASH_BYTES], int64_t *n);
/* Remove the account row; its sessions, feed token and region
 * subscriptions go with it (ON DELETE CASCADE). STORE_NOTFOUND when
 * there is no such account. */
int	store_user_delete(struct store *s, int64_t user_id);

#endif
