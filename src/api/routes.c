/*
 * routes.c: every /api/v1 route, its roles and its declared parameters.
 * Nothing that is not declared here reaches a handler.
 */
#include <string.h>

#include "api/api.h"
#include "core/help.h"
#include "util/limits.h"
#include "util/banned.h"

static const struct field_spec login_body[] = {
	{ "name", F_STRING, 1, LIMIT_NAME_BYTES, NULL, NULL },
	{ "password", F_STRING, 1, LIMIT_PASSWORD_BYTES, NULL, NULL },
	{ NULL, 0, 0, 0, NULL, NULL },
};

static const struct field_spec password_body[] = {
	{ "old", F_STRING, 1, LIMIT_PASSWORD_BYTES, NULL, NULL },
	{ "new", F_STRING, 1, LIMIT_PASSWORD_BYTES, NULL, NULL },
	{ NULL, 0, 0, 0, NULL, NULL },
};

/* email and sms are checked by the core; F_STRING already refuses the
 * control characters (CR, LF) a header injection needs. */
static const struct field_spec subscriptions_body[] = {
	{ "regions", F_LIST, 1, LIMIT_LIST_ITEMS, NULL, NULL },
	{ "email", F_STRING, 0, LIMIT_IDENT_BYTES, NULL, NULL },
	{ "sms", F_STRING, 0, LIMIT_IDENT_BYTES, NULL, NULL },
	{ "lang", F_STRING, 0, 35, NULL, NULL },
	{ NULL, 0, 0, 0, NULL, NULL },
};

static const struct field_spec status_body[] = {
	{ "status", F_STRING, 1, 16, NULL, NULL },
	{ NULL, 0, 0, 0, NULL, NULL },
};

static const struct field_spec user_body[] = {
	{ "role", F_STRING, 1, 16, NULL, NULL },
	{ "name", F_STRING, 1, LIMIT_NAME_BYTES, NULL, NULL },
	{ "password", F_STRING, 1, LIMIT_PASSWORD_BYTES, NULL, NULL },
	{ "regions", F_LIST, 0, LIMIT_LIST_ITEMS, NULL, NULL },
	{ NULL, 0, 0, 0, NULL, NULL },
};

static const char *
status_valid(const char *v)
{
	static const char *const statuses[] = { "new", "alerted",
	    "no_alert", "attached", "withdrawn" };
	size_t i;

	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (strcmp(v, statuses[i]) == 0)
			return NULL;
	return "'status' must be new, alerted, no_alert, attached or withdrawn";
}

static const struct field_spec register_body[] = {
	{ "code", F_STRING, 1, LIMIT_CODE_BYTES, NULL, NULL },
	{ "name", F_STRING, 1, LIMIT_NAME_BYTES, NULL, NULL },
	{ "password", F_STRING, 1, LIMIT_PASSWORD_BYTES, NULL, NULL },
	{ NULL, 0, 0, 0, NULL, NULL },
};

/* A report's free-text description fields: short, one line each. */
#define DESC_BYTES	256

static const struct field_spec offender_spec[] = {
	{ "age_range", F_STRING, 0, DESC_BYTES, NULL, NULL },
	{ "gender", F_STRING, 0, DESC_BYTES, NULL, NULL },
	{ "height", F_STRING, 0, DESC_BYTES, NULL, NULL },
	{ "build", F_STRING, 0, DESC_BYTES, NULL, NULL },
	{ "hair", F_STRING, 0, DESC_BYTES, NULL, NULL },
	{ "skin", F_STRING, 0, DESC_BYTES, NULL, NULL },
	{ "marks", F_STRING, 0, DESC_BYTES, NULL, NULL },
	{ "language", F_STRING, 0, DESC_BYTES, NULL, NULL },
	{ NULL, 0, 0, 0, NULL, NULL },
};

static const struct field_spec vehicle_spec[] = {
	{ "make", F_STRING, 0, DESC_BYTES, NULL, NULL },
	{ "model", F_STRING, 0, DESC_BYTES, NULL, NULL },
	{ "colour", F_STRING, 0, DESC_BYTES, NULL, NULL },
	{ "plate", F_STRING, 0, LIMIT_IDENT_BYTES, NULL, NULL },
	{ NULL, 0, 0, 0, NULL, NULL },
};

static const struct field_spec ident_spec[] = {
	{ "kind", F_STRING, 1, 16, NULL, NULL },
	{ "value", F_STRING, 1, LIMIT_IDENT_BYTES, NULL, NULL },
	{ NULL, 0, 0, 0, NULL, NULL },
};

/* On filing, a choice left out takes the value that shares least. */
static const struct field_spec consent_spec[] = {
	{ "alert", F_BOOL, 0, 0, NULL, NULL },
	{ "police", F_STRING, 0, 16, NULL, NULL },
	{ "share_orgs", F_BOOL, 0, 0, NULL, NULL },
	{ NULL, 0, 0, 0, NULL, NULL },
};

/* On a change, every choice is spelled out: a left-out one must not
 * silently become "none". */
static const struct field_spec consent_change_spec[] = {
	{ "alert", F_BOOL, 1, 0, NULL, NULL },
	{ "police", F_STRING, 1, 16, NULL, NULL },
	{ "share_orgs", F_BOOL, 1, 0, NULL, NULL },
	{ NULL, 0, 0, 0, NULL, NULL },
};

static const struct field_spec report_body[] = {
	{ "types", F_LIST, 0, LIMIT_LIST_ITEMS, NULL, NULL },
	{ "occurred_on", F_STRING, 1, 10, NULL, NULL },
	{ "time_window", F_STRING, 0, 11, NULL, NULL },
	{ "region", F_STRING, 1, LIMIT_CODE_BYTES, NULL, NULL },
	{ "area", F_TEXT, 0, LIMIT_TEXT_BYTES, NULL, NULL },
	{ "offender", F_OBJECT, 0, 0, offender_spec, NULL },
	{ "vehicle", F_OBJECT, 0, 0, vehicle_spec, NULL },
	{ "identifiers", F_OBJECT_LIST, 0, LIMIT_LIST_ITEMS, ident_spec,
	    NULL },
	{ "narrative", F_TEXT, 0, LIMIT_NARRATIVE_BYTES, NULL, NULL },
	{ "consent", F_OBJECT, 1, 0, consent_spec, NULL },
	{ "hold_until_matched", F_BOOL, 0, 0, NULL, NULL },
	{ "contact", F_TEXT, 0, LIMIT_TEXT_BYTES, NULL, NULL },
	{ "source", F_STRING, 0, 16, NULL, NULL },
	{ NULL, 0, 0, 0, NULL, NULL },
};

static const struct field_spec report_query[] = {
	{ "status", F_STRING, 0, 16, NULL, status_valid },
	{ NULL, 0, 0, 0, NULL, NULL },
};

static const struct field_spec consent_body[] = {
	{ "consent", F_OBJECT, 1, 0, consent_change_spec, NULL },
	{ NULL, 0, 0, 0, NULL, NULL },
};

static const struct field_spec alert_body[] = {
	{ "summary", F_TEXT, 1, LIMIT_TEXT_BYTES, NULL, NULL },
	{ "severity", F_STRING, 1, 16, NULL, NULL },
	{ "regions", F_LIST, 1, LIMIT_LIST_ITEMS, NULL, NULL },
	{ "identifiers", F_OBJECT_LIST, 0, LIMIT_LIST_ITEMS, ident_spec,
	    NULL },
	{ NULL, 0, 0, 0, NULL, NULL },
};

static const struct field_spec no_alert_body[] = {
	{ "reason", F_TEXT, 1, LIMIT_TEXT_BYTES, NULL, NULL },
	{ NULL, 0, 0, 0, NULL, NULL },
};

static const struct field_spec attach_body[] = {
	{ "alert_id", F_INT, 1, 0, NULL, NULL },
	{ NULL, 0, 0, 0, NULL, NULL },
};

static const struct field_spec alerts_query[] = {
	{ "region", F_STRING, 0, LIMIT_CODE_BYTES, NULL, NULL },
	{ NULL, 0, 0, 0, NULL, NULL },
};

static const struct field_spec screen_body[] = {
	{ "kind", F_STRING, 1, 16, NULL, NULL },
	{ "value", F_STRING, 1, LIMIT_IDENT_BYTES, NULL, NULL },
	{ NULL, 0, 0, 0, NULL, NULL },
};

static const struct field_spec help_contact_spec[] = {
	{ "method", F_STRING, 1, 16, NULL, NULL },
	{ "value", F_STRING, 0, LIMIT_IDENT_BYTES, NULL, NULL },
	{ NULL, 0, 0, 0, NULL, NULL },
};

static const struct field_spec help_screening_spec[] = {
	{ "forced", F_BOOL, 0, 0, NULL, NULL },
	{ "id_or_money_held", F_BOOL, 0, 0, NULL, NULL },
	{ "under_18", F_BOOL, 0, 0, NULL, NULL },
	{ NULL, 0, 0, 0, NULL, NULL },
};

static const struct field_spec help_body[] = {
	{ "contact", F_OBJECT, 1, 0, help_contact_spec, NULL },
	{ "safe_times", F_TEXT, 0, LIMIT_TEXT_BYTES, NULL, NULL },
	{ "language", F_STRING, 0, 16, NULL, NULL },
	{ "code_word", F_STRING, 0, LIMIT_TEXT_BYTES, NULL, NULL },
	{ "needs", F_LIST, 0, NEED_COUNT, NULL, NULL },
	{ "danger_now", F_BOOL, 0, 0, NULL, NULL },
	{ "screening", F_OBJECT, 0, 0, help_screening_spec, NULL },
	{ NULL, 0, 0, 0, NULL, NULL },
};

static const char *
case_status_valid(const char *v)
{
	static const char *const statuses[] = { "open", "claimed", "closed",
	    "withdrawn", "all" };
	size_t i;

	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (strcmp(v, statuses[i]) == 0)
			return NULL;
	return "'status' must be open, claimed, closed, withdrawn or all";
}

static const struct field_spec cases_query[] = {
	{ "status", F_STRING, 0, 16, NULL, case_status_valid },
	{ NULL, 0, 0, 0, NULL, NULL },
};

static const struct field_spec assign_body[] = {
	{ "user_id", F_INT, 0, 0, NULL, NULL },
	{ NULL, 0, 0, 0, NULL, NULL },
};

static const struct field_spec note_body[] = {
	{ "text", F_TEXT, 1, LIMIT_TEXT_BYTES, NULL, NULL },
	{ NULL, 0, 0, 0, NULL, NULL },
};

static const struct field_spec close_body[] = {
	{ "outcome", F_STRING, 1, 32, NULL, NULL },
	{ "detail", F_TEXT, 0, LIMIT_TEXT_BYTES, NULL, NULL },
	{ NULL, 0, 0, 0, NULL, NULL },
};

#define ROLES_REPORT	(ROLE_MEMBER | ROLES_STAFF)

/*
 * The router takes the first pattern that matches, so a literal segment
 * ("/api/v1/reports/mine") comes before the {id} it would also match.
 */
const struct route api_routes[] = {
	{ HTTP_POST, "/api/v1/login", ROUTE_API, 0, NULL, login_body, api_login,
	    "login" },
	{ HTTP_POST, "/api/v1/logout", ROUTE_API, ROLES_ANY, NULL, NULL,
	    api_logout, "logout" },
	{ HTTP_GET, "/api/v1/me", ROUTE_API, ROLES_ANY, NULL, NULL, api_me, "me" },
	{ HTTP_DELETE, "/api/v1/me", ROUTE_API, ROLE_MEMBER, NULL, NULL,
	    api_me_delete, "me_delete" },
	{ HTTP_POST, "/api/v1/me/password", ROUTE_API, ROLES_ANY, NULL,
	    password_body, api_password, "password" },
	{ HTTP_POST, "/api/v1/users", ROUTE_API, ROLE_ADMIN, NULL, user_body,
	    api_user_add, "users" },
	{ HTTP_GET, "/api/v1/me/subscriptions", ROUTE_API, ROLE_MEMBER, NULL,
	    NULL, api_subscriptions_get, "subscriptions" },
	{ HTTP_PUT, "/api/v1/me/subscriptions", ROUTE_API, ROLE_MEMBER, NULL,
	    subscriptions_body, api_subscriptions_put, "subscriptions" },
	{ HTTP_POST, "/api/v1/users/{id}/status", ROUTE_API, ROLES_STAFF, NULL,
	    status_body, api_user_status, "user_status" },
	{ HTTP_POST, "/api/v1/invites", ROUTE_API, ROLES_STAFF, NULL, NULL,
	    api_invite, "invites" },
	{ HTTP_POST, "/api/v1/register", ROUTE_API, 0, NULL, register_body,
	    api_register, "register" },
	{ HTTP_POST, "/api/v1/reports", ROUTE_API, ROLES_REPORT, NULL,
	    report_body, api_report_create, "report_create" },
	{ HTTP_GET, "/api/v1/reports", ROUTE_API, ROLES_STAFF, report_query,
	    NULL, api_report_queue, "report_queue" },
	{ HTTP_GET, "/api/v1/reports/mine", ROUTE_API, ROLE_MEMBER, NULL, NULL,
	    api_report_mine, "report_mine" },
	{ HTTP_GET, "/api/v1/reports/{id}", ROUTE_API, ROLES_REPORT, NULL,
	    NULL, api_report_get, "report_get" },
	{ HTTP_PATCH, "/api/v1/reports/{id}", ROUTE_API, ROLE_MEMBER, NULL,
	    consent_body, api_report_consent, "report_consent" },
	{ HTTP_DELETE, "/api/v1/reports/{id}", ROUTE_API, ROLES_REPORT, NULL,
	    NULL, api_report_delete, "report_delete" },
	{ HTTP_POST, "/api/v1/reports/{id}/withdraw", ROUTE_API, ROLES_REPORT,
	    NULL, NULL, api_report_withdraw, "report_withdraw" },
	{ HTTP_POST, "/api/v1/reports/{id}/alert", ROUTE_API, ROLES_STAFF,
	    NULL, alert_body, api_alert_publish, "report_alert" },
	{ HTTP_POST, "/api/v1/reports/{id}/no-alert", ROUTE_API, ROLES_STAFF,
	    NULL, no_alert_body, api_alert_none, "report_no_alert" },
	{ HTTP_POST, "/api/v1/reports/{id}/attach", ROUTE_API, ROLES_STAFF,
	    NULL, attach_body, api_alert_attach, "report_attach" },
	{ HTTP_POST, "/api/v1/reports/{id}/case", ROUTE_API, ROLES_STAFF,
	    NULL, NULL, api_case_from_report, "report_case" },
	{ HTTP_GET, "/api/v1/alerts", ROUTE_API, ROLES_REPORT, alerts_query,
	    NULL, api_alert_list, "alerts" },
	{ HTTP_POST, "/api/v1/alerts/{id}/withdraw", ROUTE_API, ROLES_STAFF,
	    NULL, NULL, api_alert_withdraw, "alert_withdraw" },
	{ HTTP_POST, "/api/v1/screen", ROUTE_API, ROLES_REPORT, NULL,
	    screen_body, api_screen, "screen" },
	{ HTTP_POST, "/api/v1/me/feed-token", ROUTE_API, ROLE_MEMBER, NULL,
	    NULL, api_feed_token_new, "feed_token_new" },
	{ HTTP_DELETE, "/api/v1/me/feed-token", ROUTE_API, ROLE_MEMBER, NULL,
	    NULL, api_feed_token_revoke, "feed_token_revoke" },
	/* Public: a reference is the requester's only key, and a path
	 * parameter, not an id. */
	{ HTTP_POST, "/api/v1/help-requests", ROUTE_API, 0, NULL, help_body,
	    api_help_create, "help_create" },
	{ HTTP_GET, "/api/v1/help-requests/{reference}", ROUTE_API, 0, NULL,
	    NULL, api_help_status, "help_status" },
	{ HTTP_DELETE, "/api/v1/help-requests/{reference}", ROUTE_API, 0,
	    NULL, NULL, api_help_withdraw, "help_withdraw" },
	{ HTTP_GET, "/api/v1/cases", ROUTE_API, ROLES_STAFF, cases_query,
	    NULL, api_case_queue, "cases" },
	{ HTTP_GET, "/api/v1/cases/{id}", ROUTE_API, ROLES_STAFF, NULL, NULL,
	    api_case_get, "case_get" },
	{ HTTP_POST, "/api/v1/cases/{id}/assign", ROUTE_API, ROLES_STAFF,
	    NULL, assign_body, api_case_assign, "case_assign" },
	{ HTTP_POST, "/api/v1/cases/{id}/notes", ROUTE_API, ROLES_STAFF,
	    NULL, note_body, api_case_note, "case_note" },
	{ HTTP_POST, "/api/v1/cases/{id}/close", ROUTE_API, ROLES_STAFF,
	    NULL, close_body, api_case_close, "case_close" },
	{ HTTP_GET, "/api/v1/police/reports", ROUTE_API, ROLE_LIAISON, NULL,
	    NULL, api_police_reports, "police_reports" },
	{ HTTP_GET, "/api/v1/stats", ROUTE_API, 0, NULL, NULL, api_stats,
	    "stats" },
	{ HTTP_GET, "/api/v1/transparency", ROUTE_API, 0, NULL, NULL,
	    api_transparency, "transparency" },
	/* Kannel's get-url: the shared secret is checked by the handler. */
	{ HTTP_GET, "/sms/inbound", ROUTE_API, 0, http_query_raw, NULL,
	    api_sms_inbound, "sms_inbound" },
	{ 0, NULL, 0, 0, NULL, NULL, NULL, NULL },
};
