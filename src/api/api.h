/*
 * api.h: helpers shared by the /api/v1 JSON handlers.
 *
 * Handlers stay thin: they read the validated request, call one core
 * function, and render its result or its error with these helpers. By
 * the time a handler runs, r->json holds only members its route declared,
 * of the declared types, so the readers below need no checks of their
 * own; they return defaults for absent members.
 */
#ifndef LOOKOUT_API_H
#define LOOKOUT_API_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/report.h"
#include "http/http.h"

/* Answer an account_rc failure with the right status and message. */
int	api_account_error(struct http_resp *w, int rc, const char *field);
/*
 * Answer a report_rc failure: REPORT_INVALID 400, NOTFOUND 404, CONFLICT
 * 409, FORBIDDEN 403, UNAVAILABLE 503, GONE 410, with err's message and
 * field when the core gave them (err may be NULL). REPORT_ERR, and any
 * other value, returns -1 so that the server answers 500.
 */
int	api_report_error(struct http_resp *w, int rc,
	    const struct report_err *err);

/* The string member name of the validated body, or "" when absent. */
const char	*api_str(const struct http_req *r, const char *name);
/* The string member name of obj (may be NULL), or "" when absent. */
const char	*api_member(json_t *obj, const char *name);
/* The boolean member name of obj (may be NULL), or dflt when absent. */
int		 api_bool(json_t *obj, const char *name, int dflt);
/* Up to max {kind, value} objects of a validated list (may be NULL);
 * the strings point into the list. Returns the count. */
size_t		 api_idents(json_t *list, struct ident_in *out,
		    size_t max);
/* Up to max strings of a validated list (may be NULL). */
size_t		 api_strings(json_t *list, const char **out, size_t max);

/* Renderers; each returns a new reference, or NULL when out of memory
 * (json_pack then fails, and the handler returns -1). */
json_t	*api_types(int64_t types);	/* ["violence", …] */
json_t	*api_codes(const char *const *codes, size_t n);
json_t	*api_time(int64_t t);		/* "2026-11-20T21:04:00Z" */
/* {"id","summary","severity","types","regions","issued_on"} */
json_t	*api_alert(const struct alert *al);

/* Handlers, by file. auth.c */
int	api_login(struct http_req *, struct http_resp *);
int	api_logout(struct http_req *, struct http_resp *);
int	api_me(struct http_req *, struct http_resp *);
int	api_password(struct http_req *, struct http_resp *);
int	api_user_add(struct http_req *, struct http_resp *);
int	api_user_status(struct http_req *, struct http_resp *);
int	api_subscriptions_get(struct http_req *, struct http_resp *);
int	api_subscriptions_put(struct http_req *, struct http_resp *);

/* invites.c */
int	api_invite(struct http_req *, struct http_resp *);
int	api_register(struct http_req *, struct http_resp *);

/* reports.c */
int	api_report_create(struct http_req *, struct http_resp *);
int	api_report_queue(struct http_req *, struct http_resp *);
int	api_report_mine(struct http_req *, struct http_resp *);
int	api_report_get(struct http_req *, struct http_resp *);
int	api_report_consent(struct http_req *, struct http_resp *);
int	api_report_withdraw(struct http_req *, struct http_resp *);
int	api_report_delete(struct http_req *, struct http_resp *);

/* alerts.c */
int	api_alert_publish(struct http_req *, struct http_resp *);
int	api_alert_none(struct http_req *, struct http_resp *);
int	api_alert_attach(struct http_req *, struct http_resp *);
int	api_alert_list(struct http_req *, struct http_resp *);
int	api_alert_withdraw(struct http_req *, struct http_resp *);
int	api_feed_token_new(struct http_req *, struct http_resp *);
int	api_feed_token_revoke(struct http_req *, struct http_resp *);

/* screen.c */
int	api_screen(struct http_req *, struct http_resp *);

/* help.c */
int	api_help_create(struct http_req *, struct http_resp *);
int	api_help_status(struct http_req *, struct http_resp *);
int	api_help_withdraw(struct http_req *, struct http_resp *);
int	api_case_queue(struct http_req *, struct http_resp *);
int	api_case_get(struct http_req *, struct http_resp *);
int	api_case_assign(struct http_req *, struct http_resp *);
int	api_case_note(struct http_req *, struct http_resp *);
int	api_case_close(struct http_req *, struct http_resp *);
int	api_case_from_report(struct http_req *, struct http_resp *);

/* police.c */
int	api_police_reports(struct http_req *, struct http_resp *);
int	api_stats(struct http_req *, struct http_resp *);
int	api_transparency(struct http_req *, struct http_resp *);
int	api_me_delete(struct http_req *, struct http_resp *);

/* sms.c: the SMS gateway's get-url, /sms/inbound */
int	api_sms_inbound(struct http_req *, struct http_resp *);

#endif
