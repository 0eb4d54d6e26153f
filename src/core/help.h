/*
 * help.h: help requests and case work, consent-tiered police sharing,
 * statistics and the transparency report, retention.
 *
 * A help request needs no account. The requester is given a short reference
 * ("H-4KD9-QX") with which she can see its status or withdraw it; only
 * its keyed hash is stored. Her contact, safe times and code word are
 * sealed. Screening answers (forced to work, ID or money held, under 18)
 * only raise the priority: nothing here ever contacts police.
 *
 * Cases are help requests plus reports whose reporter asked for
 * follow-up. Staff see them highest priority first:
 *   1 in danger now, 2 under 18, 3 coerced or ID/money held, 4 other;
 * then oldest first within a priority.
 *
 * Police liaisons see only reports whose reporter chose police sharing,
 * shaped by the tier she chose, and every view is audited and counted.
 *
 * Statistics come from aggregate counters that outlive the raw data; any
 * count below k (config k_anonymity) is published as "<k".
 *
 * Errors use enum report_rc and struct report_err from report.h.
 */
#ifndef LOOKOUT_HELP_H
#define LOOKOUT_HELP_H

#include <stddef.h>
#include <stdint.h>

#include "core/account.h"
#include "core/app.h"
#include "core/report.h"
#include "util/arena.h"

/* Needs, as bits; wire names in help_need_names, bit order. */
enum help_need {
	NEED_SAFETY_PLANNING	= 1 << 0,
	NEED_LEAVING		= 1 << 1,
	NEED_LEGAL		= 1 << 2,
	NEED_HEALTH		= 1 << 3,
	NEED_HOUSING		= 1 << 4,
	NEED_IMMIGRATION	= 1 << 5,
	NEED_MONEY		= 1 << 6,
	NEED_OTHER		= 1 << 7,
};
#define NEED_COUNT 8
extern const char *const help_need_names[NEED_COUNT];	/* safety_planning ... */
extern const char *const help_need_labels[NEED_COUNT];	/* English msgids */

/* Contact methods: phone sms email dropin. */
extern const char *const help_methods[4];

/* Case outcomes, wire names and English labels (msgids), same order:
 * contacted safety_plan left referred police_report unreachable
 * withdrawn. */
#define OUTCOME_COUNT 7
extern const char *const case_outcome_names[OUTCOME_COUNT];
extern const char *const case_outcome_labels[OUTCOME_COUNT];

struct help_in {
	const char	*method;	/* phone|sms|email|dropin */
	const char	*contact;	/* the number or address; "" for dropin */
	const char	*safe_times;
	const char	*language;	/* a short tag: en fr zh-Hans ... */
	const char	*code_word;
	const char	*needs[NEED_COUNT];
	size_t		 nneeds;
	int		 danger_now;
	int		 forced;
	int		 id_or_money_held;
	int		 under_18;
	const char	*message;	/* optional: her own words (a text
					   message's), kept as the case's
					   first note, sealed */
};

/* Create a help request; ref receives "H-XXXX-XX". */
int	help_create(struct app *app, struct store *s, const struct help_in *in,
	    char ref[16], struct report_err *err);
/* The status word of the request with this reference: open, claimed,
 * closed or withdrawn; REPORT_NOTFOUND when unknown. */
int	help_status(struct app *app, struct store *s, struct arena *a,
	    const char *ref, const char **status);
/* Withdraw by reference: the sealed data is destroyed at once. */
int	help_withdraw(struct app *app, struct store *s, const char *ref);

/* Cases, for outreach and admin staff of the organisation. */
struct case_line {
	int64_t		 id;
	int		 priority;	/* 1..4 */
	const char	*status;	/* open claimed closed withdrawn */
	const char	*kind;		/* help or report */
	int64_t		 created_at;
	int64_t		 assigned_to;	/* 0 when nobody */
	int64_t		 needs;
	const char	*language;
};

struct case_note {
	int64_t		 author_id;
	int64_t		 created_at;
	const char	*text;
};

struct case_view {
	struct case_line line;
	const char	*method;
	const char	*contact;
	const char	*safe_times;
	const char	*code_word;
	int		 danger_now, forced, id_or_money_held, under_18;
	int64_t		 report_id;	/* 0 for a help request */
	const char	*outcome;	/* "" while open */
	const char	*outcome_detail;	/* e.g. referred to whom */
	struct case_note *notes;
	size_t		 nnotes;
};

/* Open cases (status open or claimed; all when status is "all"),
 * priority first, then oldest first. */
int	case_queue(struct app *app, struct store *s, struct arena *a,
	    const struct auth *who, const char *status, struct case_line **out,
	    size_t *n);
/* The whole case, unsealed; the read is audited. */
int	case_get(struct app *app, struct store *s, struct arena *a,
	    const struct auth *who, int64_t id, struct case_view *out);
/* Claim for oneself (user_id 0) or assign to a staff account. */
int	case_assign(struct app *app, struct store *s, const struct auth *who,
	    int64_t id, int64_t user_id);
int	case_note_add(struct app *app, struct store *s, const struct auth *who,
	    int64_t id, const char *text, struct report_err *err);
/* Record the outcome and close the case; detail is required for
 * "referred" (to whom). */
int	case_close(struct app *app, struct store *s, const struct auth *who,
	    int64_t id, const char *outcome, const char *detail,
	    struct report_err *err);
/* Open a case from a report whose reporter gave a contact for follow-up
 * (staff of its organisation). */
int	case_from_report(struct app *app, struct store *s,
	    const struct auth *who, int64_t report_id, int64_t *case_id);

/* Police sharing. */
struct police_report {
	int64_t		 id;
	const char	*tier;		/* anonymous or full */
	int64_t		 types;
	const char	*occurred_on;
	const char	*region;
	/* The alert's sanitised content, when there is an alert. */
	int64_t		 alert_id;
	const char	*summary;
	const char	*severity;
	/* Full tier only; NULL otherwise. */
	const char	*narrative;
	const char	*contact;
};
/* Reports of the liaison's organisation with police consent anonymous or
 * full, as of now; the view is audited and counted. */
int	police_reports(struct app *app, struct store *s, struct arena *a,
	    const struct auth *who, struct police_report **out, size_t *n);

/* Statistics: counts are strings, "<k" when below k. */
struct stat_cell {
	const char	*row;		/* "2026-11", a type or region code */
	const char	*col;		/* a type, an outcome, or "" */
	int64_t		 count;		/* the true count: never publish it */
	const char	*shown;		/* what may be published */
};
struct stats {
	struct stat_cell *by_month;	/* incidents by month (row) */
	size_t		 nmonth;
	struct stat_cell *by_type;	/* incidents by type (row) */
	size_t		 ntype;
	struct stat_cell *by_region;	/* incidents by region code (row) */
	size_t		 nregion;
	struct stat_cell *by_outcome;	/* help requests by outcome (row) */
	size_t		 noutcome;
	int		 k;
};
int	stats_get(struct app *app, struct store *s, struct arena *a,
	    struct stats *out);

/* Transparency: per quarter ("2026-Q4"), liaison views, reports shared
 * at each tier, and reports of type police_incident. */
struct transparency_row {
	const char	*quarter;
	int64_t		 views, anonymous, full, police_incidents;
	const char	*views_shown, *anonymous_shown, *full_shown,
			*police_incidents_shown;
};
int	transparency_get(struct app *app, struct store *s, struct arena *a,
	    struct transparency_row **out, size_t *n, int *k);

/* Retention: destroy the sealed data of reports and help requests older
 * than retention_months, keeping aggregate counts. *purged counts the
 * rows. Audited. */
int	retention_purge(struct app *app, struct store *s, int64_t now,
	    int64_t *purged);

/* A member deletes her account and everything that is hers. */
int	account_delete(struct app *app, struct store *s, const struct auth *who);

#endif
