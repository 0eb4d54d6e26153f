/*
 * report.h: reports, moderation into alerts, alerts, invites and
 * registration — the core loop of DESIGN.md.
 *
 * Validation failures carry a field name and an English message that is
 * also a translation msgid, so the API can send it as is and the web
 * pages can translate it and show it next to the field.
 *
 * Access rules live here, not in handlers: outreach and admin staff act
 * on their own organisation's reports; a member acts on her own reports
 * (matched by owner tag); nobody else sees a report at all (REPORT_NOTFOUND,
 * never a hint that it exists).
 */
#ifndef LOOKOUT_REPORT_H
#define LOOKOUT_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "core/account.h"
#include "core/app.h"
#include "core/ident.h"
#include "util/arena.h"
#include "util/limits.h"

enum report_rc {
	REPORT_OK = 0,
	REPORT_ERR = -1,	/* internal; logged */
	REPORT_INVALID = -2,	/* 400: see struct report_err */
	REPORT_NOTFOUND = -3,	/* 404: absent or not yours */
	REPORT_CONFLICT = -4,	/* 409: e.g. consent forbids an alert */
	REPORT_FORBIDDEN = -5,	/* 403: e.g. raising a consent */
	REPORT_UNAVAILABLE = -6,	/* 503: store busy or full */
	REPORT_GONE = -7,	/* 410: expired invite, withdrawn report */
};

/* err->msg of a REPORT_UNAVAILABLE write that failed for lack of disk
 * space (a translation msgid, as the validation messages are). */
#define REPORT_MSG_FULL "the server's disk is full; nothing was saved " \
	"(try again later)"

struct report_err {
	const char	*field;	/* "occurred_on", "identifiers[1].value" */
	const char	*msg;	/* English, also the msgid */
	char		 fieldbuf[48];
};

/* Incident types, as bits. */
enum incident {
	INC_VIOLENCE		= 1 << 0,
	INC_SEXUAL_ASSAULT	= 1 << 1,
	INC_ROBBERY		= 1 << 2,
	INC_THREATS		= 1 << 3,
	INC_STALKING		= 1 << 4,
	INC_NON_PAYMENT		= 1 << 5,
	INC_CONDOM_REFUSAL	= 1 << 6,
	INC_COERCION		= 1 << 7,
	INC_TRAFFICKING		= 1 << 8,
	INC_POLICE_INCIDENT	= 1 << 9,
	INC_OTHER		= 1 << 10,
};
/* Types that make a screening answer red and a report urgent. */
#define INC_RED (INC_VIOLENCE | INC_SEXUAL_ASSAULT | INC_ROBBERY | \
	INC_THREATS | INC_STALKING)
#define INC_COUNT 11

/* The wire names, in bit order: incident_names[i] names bit 1 << i. */
extern const char *const incident_names[INC_COUNT];
/* Human names (English msgids), in bit order. */
extern const char *const incident_labels[INC_COUNT];
int	incident_parse(const char *name);	/* bit, or 0 */

struct offender {
	const char	*age_range, *gender, *height, *build, *hair, *skin,
			*marks, *language;
};

struct vehicle {
	const char	*make, *model, *colour, *plate;
};

struct ident_in {
	const char	*kind;
	const char	*value;
};

struct consent {
	int		 alert;
	const char	*police;	/* none|anonymous|full */
	int		 share_orgs;
};

struct report_in {
	const char	*types[LIMIT_LIST_ITEMS];
	size_t		 ntypes;
	const char	*occurred_on;
	const char	*time_window;	/* "" or "HH:MM-HH:MM" */
	const char	*region;
	const char	*area;
	struct offender	 offender;
	struct vehicle	 vehicle;
	struct ident_in	 idents[LIMIT_LIST_ITEMS];
	size_t		 nidents;
	const char	*narrative;
	struct consent	 consent;
	int		 hold;
	const char	*contact;
	const char	*source;	/* web dropin phone outreach paper sms */
};

/* A report as its owner or staff sees it, unsealed. */
struct report {
	int64_t		 id;
	int64_t		 types;
	const char	*occurred_on, *time_window, *region, *area;
	struct offender	 offender;
	struct vehicle	 vehicle;
	struct ident_in	*idents;
	size_t		 nidents;
	const char	*narrative;
	struct consent	 consent;
	const char	*contact;
	const char	*source;
	const char	*status;
	int		 matched;
	int64_t		 created_at;
	int64_t		 alert_id;
	const char	*decision;
};

/* A line of a list: no sealed field. */
struct report_line {
	int64_t		 id;
	int64_t		 types;
	const char	*region;
	const char	*status;
	int		 matched;
	int64_t		 created_at;
	struct consent	 consent;
};

/* File a report; 201 comes after this returns 0 (the write is durable). */
int	report_create(struct app *app, struct store *s, const struct auth *who,
	    const struct report_in *in, int64_t *id, struct report_err *err);
/* The whole report, unsealed; the read is audited. */
int	report_get(struct app *app, struct store *s, struct arena *a,
	    const struct auth *who, int64_t id, struct report *out);
/* The moderation queue: status "new" (or the given one), urgent types
 * first, then newest first; held reports never appear. */
int	report_queue(struct app *app, struct store *s, struct arena *a,
	    const struct auth *who, const char *status,
	    struct report_line **out, size_t *n);
int	report_mine(struct app *app, struct store *s, struct arena *a,
	    const struct auth *who, struct report_line **out, size_t *n);
/* Lower consent: any field may only go down (alert true->false, police
 * full->anonymous->none, share true->false); raising is REPORT_FORBIDDEN. */
int	report_lower_consent(struct app *app, struct store *s,
	    const struct auth *who, int64_t id, const struct consent *c,
	    struct report_err *err);
int	report_withdraw(struct app *app, struct store *s,
	    const struct auth *who, int64_t id);
/* Destroy the report's sealed data and remove it. */
int	report_delete(struct app *app, struct store *s,
	    const struct auth *who, int64_t id);

/* Moderation. */
struct alert_in {
	const char	*summary;
	const char	*severity;	/* high|medium|low */
	const char	*regions[LIMIT_LIST_ITEMS];
	size_t		 nregions;
	struct ident_in	 idents[LIMIT_LIST_ITEMS];
	size_t		 nidents;
	int		 quiet;		/* queue no email or SMS for it */
};
int	report_publish(struct app *app, struct store *s,
	    const struct auth *who, int64_t report_id, const struct alert_in *in,
	    int64_t *alert_id, struct report_err *err);
int	report_no_alert(struct app *app, struct store *s,
	    const struct auth *who, int64_t report_id, const char *reason,
	    struct report_err *err);
int	report_attach(struct app *app, struct store *s,
	    const struct auth *who, int64_t report_id, int64_t alert_id,
	    struct report_err *err);

/* Alerts as members read them. */
struct alert {
	int64_t		 id;
	const char	*summary;
	const char	*severity;
	int64_t		 types;
	const char	*issued_on;
	const char	**regions;
	size_t		 nregions;
	int64_t		 created_at;
	/* Screening only: differs between any two versions of what an
	 * answer shows of an alert, in this process; 0 elsewhere. */
	uint64_t	 stamp;
};
/* Active alerts in region (and the regions under it); region NULL means
 * the regions the account follows, or all for staff. */
int	alert_list(struct app *app, struct store *s, struct arena *a,
	    const struct auth *who, const char *region, struct alert **out,
	    size_t *n, struct report_err *err);
int	alert_get(struct app *app, struct store *s, struct arena *a,
	    int64_t id, struct alert *out);
/* The same, only the alerts issued on or after since ("YYYY-MM-DD"),
 * newest first: what the printed weekly sheet shows. A bad date is
 * REPORT_INVALID with field "since". */
int	alert_list_since(struct app *app, struct store *s, struct arena *a,
	    const struct auth *who, const char *region, const char *since,
	    struct alert **out, size_t *n, struct report_err *err);

/* Feed tokens: the secret in a member's Atom feed URL. */
int	feed_token_new(struct app *app, struct store *s, const struct auth *who,
	    char token[TOKEN_CHARS + 1]);
int	feed_token_revoke(struct app *app, struct store *s,
	    const struct auth *who);
/* Whether she has a feed address now: *on is 0 or 1. */
int	feed_token_on(struct app *app, struct store *s,
	    const struct auth *who, int *on);
/* The account a feed token belongs to, as an auth; REPORT_NOTFOUND when
 * unknown or revoked. */
int	feed_token_auth(struct app *app, struct store *s, const char *token,
	    struct auth *who);

/* Invites and registration. Codes look like "K7QD-2M9X". */
int	invite_create(struct app *app, struct store *s, const struct auth *who,
	    char code[16]);
int	account_register(struct app *app, struct store *s, const char *code,
	    const char *name, const char *password, const char *kind,
	    char token[TOKEN_CHARS + 1], struct auth *who,
	    struct report_err *err);

/* Screening. */
enum screen_level { SCREEN_GREEN, SCREEN_AMBER, SCREEN_RED };
struct screen_match {
	struct alert	 alert;
	int		 elsewhere;	/* none of its regions is the account's */
};
struct screen_result {
	enum screen_level	 level;
	struct screen_match	*matches;
	size_t			 n;
};
extern const char *const screen_level_names[3];	/* green amber red */
#define SCREEN_NOTE "no report is not a guarantee of safety"

/* kind is phone|email|plate|handle|keyword. Answered from memory (the
 * index below); s is used only when this process has to read an
 * account's regions or the region tree again. */
int	screen(struct app *app, struct store *s, struct arena *a,
	    const struct auth *who, const char *kind, const char *value,
	    struct screen_result *out, struct report_err *err);
/* The in-memory index screening answers from: active alerts' identifiers
 * (keyed hashes, and opened values for partial matches), what answers
 * show of each alert, and the region tree. Built from the database at
 * start-up (audited), kept in step on publish, attach and withdrawal,
 * wiped by screen_index_free(). */
int	screen_index_build(struct app *app, struct store *s);
void	screen_index_free(void);
/*
 * Following other nodes (PostgreSQL): screen_follow_open() starts
 * listening for alerts published, changed and withdrawn anywhere, and
 * for account changes (for account.c's session cache), before the
 * index is built so that none committed meanwhile is missed;
 * screen_follow_start() starts the thread that applies them (after
 * fork, before the sandbox); screen_follow_stop() ends it. On SQLite
 * they do nothing. -1 on failure, logged.
 */
int	screen_follow_open(struct app *app);
int	screen_follow_start(void);
void	screen_follow_stop(void);

/* Withdraw an alert (staff of its organisation): it leaves screening
 * answers, feeds and lists at once, on every node. Again is no error. */
int	alert_withdraw(struct app *app, struct store *s,
	    const struct auth *who, int64_t alert_id);

#endif
