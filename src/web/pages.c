/*
 * pages.c: the web routes: welcome, sign in and out, home, password,
 * and the table of every web route (the pages of the core loop live in
 * register.c, report.c, report_view.c, moderate.c, alerts.c and
 * screen.c; those of the help loop in help.c, cases.c, police.c,
 * stats.c and me.c).
 *
 * Handlers are thin: read the declared fields, call core, render. Every
 * string a person reads goes through %t. Forms work without JavaScript
 * and carry the CSRF token the HTTP layer checks.
 */
#include <string.h>

#include <sodium.h>

#include "core/account.h"
#include "util/limits.h"
#include "util/log.h"
#include "web/web.h"
#include "web/web_internal.h"
#include "util/banned.h"

/* The password hint states the minimum in words, so it must follow the
 * limit: change the msgid and the translations if this fires. */
_Static_assert(LIMIT_PASSWORD_MIN == 10,
    "update the \"at least 10 characters\" message");

/* Field declarations. The HTTP layer itself allows and checks "csrf" in
 * every web form and "lang" in every web GET (the language switch), so
 * they are not declared here. */
static const struct field_spec f_login[] = {
	{ "name", F_STRING, 0, LIMIT_NAME_BYTES, NULL, NULL },
	{ "password", F_STRING, 0, LIMIT_PASSWORD_BYTES, NULL, NULL },
	END_FIELD
};

static const struct field_spec f_logout[] = { END_FIELD };

/* Who files reports, reads alerts and screens. */
#define ROLES_REPORT	(ROLE_MEMBER | ROLES_STAFF)

static const struct field_spec f_password[] = {
	{ "old", F_STRING, 0, LIMIT_PASSWORD_BYTES, NULL, NULL },
	{ "new", F_STRING, 0, LIMIT_PASSWORD_BYTES, NULL, NULL },
	{ "new2", F_STRING, 0, LIMIT_PASSWORD_BYTES, NULL, NULL },
	END_FIELD
};

/* GET / */

static int
h_index(struct http_req *r, struct http_resp *w)
{
	struct buf *b = &w->body;

	if (r->auth.user_id != 0) {
		resp_redirect(w, "/home");
		return 0;
	}
	page_begin(r, w, N_("Welcome"));
	html_printf(b, r->lang,
	    "<h1>%t</h1>\n<p>%t</p>\n<p>%t</p>\n"
	    "<p><a class=button href=/login>%t</a></p>\n"
	    "<h2>%t</h2>\n<p>%t</p>\n",
	    N_("Welcome to lookout"),
	    N_("lookout is run by sex-worker support organisations. Members "
	    "warn each other about bad dates, get alerts for their area and "
	    "check a client before a booking."),
	    N_("Nothing is shared with the police unless the person who made "
	    "the report chose it."),
	    N_("Sign in"),
	    N_("No account yet?"),
	    N_("Accounts are given by a support organisation. Ask the "
	    "outreach worker you know, or drop in."));
	html_printf(b, r->lang, "<h2>%t</h2>\n<p>%t</p>\n"
	    "<p><a class=button href=/help>%t</a></p>\n"
	    "<p>%t <a href=/stats>%t</a> · <a href=/transparency>%t</a></p>\n",
	    N_("Need support?"),
	    N_("Anyone can ask a support worker to contact them, with no "
	    "account. Nobody will call the police."),
	    N_("Get help"),
	    N_("What we publish:"), N_("Statistics"), N_("Transparency"));
	return web_finish(r, w);
}

/* GET and POST /login */

static void
login_page(struct http_req *r, struct http_resp *w, const char *name,
    const char *error)
{
	struct buf *b = &w->body;
	struct input in_name = {
		"name", N_("Name"), "text", "username",
		"autocapitalize=none spellcheck=false inputmode=text "
		"maxlength=64", name, NULL, NULL, 0,
	};
	struct input in_pw = {
		"password", N_("Password"), "password", "current-password",
		"maxlength=256", NULL, NULL, NULL, 0,
	};

	page_begin(r, w, N_("Sign in"));
	html_printf(b, r->lang, "<h1>%t</h1>\n", N_("Sign in"));
	web_form_begin(r, b, "/login", error);
	web_input(b, r->lang, &in_name);
	web_input(b, r->lang, &in_pw);
	web_form_end(r, b, N_("Sign in"));
	html_printf(b, r->lang, "<p class=note>%t</p>\n",
	    N_("Forgot your password? Ask the organisation that gave you "
	    "your account to set a new one."));
}

static int
h_login(struct http_req *r, struct http_resp *w)
{
	if (r->auth.user_id != 0) {
		resp_redirect(w, "/home");
		return 0;
	}
	login_page(r, w, NULL, NULL);
	return web_finish(r, w);
}

/* Rate-limit keys are hashed by the limiter; the account key is the
 * lower-cased name, so "Ana" and "ana" share a budget. */
static char *
name_key(struct http_req *r, const char *name)
{
	char *k = arena_strdup(r->arena, name);
	size_t i;

	for (i = 0; k[i] != '\0'; i++)
		if (k[i] >= 'A' && k[i] <= 'Z')
			k[i] = (char)(k[i] - 'A' + 'a');
	return k;
}

static int
h_login_post(struct http_req *r, struct http_resp *w)
{
	const char *name = req_form(r, "name");
	const char *pw = req_form(r, "password");
	char token[TOKEN_CHARS + 1];
	struct auth who;
	char *key;
	int rc, retry;

	if (name == NULL)
		name = "";
	if (pw == NULL)
		pw = "";
	if (*name == '\0' || *pw == '\0') {
		login_page(r, w, name,
		    N_("Please enter your name and your password."));
		return web_finish(r, w);
	}
	key = name_key(r, name);
	if (ratelimit_check(rl_login_client, r->client, sizeof(r->client),
	    &retry) == -1 ||
	    ratelimit_check(rl_login_account, key, strlen(key), &retry) == -1)
		return resp_too_many(r, w, retry);

	memset(&who, 0, sizeof(who));
	rc = account_login(r->app, r->store, name, pw, "web", token, &who);
	switch (rc) {
	case ACCOUNT_OK:
		resp_cookie(r, w, "lk_session", token, SESSION_TTL_SECONDS);
		sodium_memzero(token, sizeof(token));
		sodium_memzero(&who, sizeof(who));
		resp_redirect(w, "/home");
		return 0;
	case ACCOUNT_UNAVAILABLE:
		return web_error(r, w, 503, WEB_MSG_BUSY);
	case ACCOUNT_ERR:
		return -1;
	default:
		/* Denied, or a name or password that could never be valid:
		 * the same answer either way, so nobody learns which. */
		ratelimit_hit(rl_login_client, r->client, sizeof(r->client),
		    &retry);
		ratelimit_hit(rl_login_account, key, strlen(key), &retry);
		login_page(r, w, name, N_("Wrong name or password."));
		return web_finish(r, w);
	}
}

/* POST /logout */

static int
h_logout(struct http_req *r, struct http_resp *w)
{
	/* Public on purpose: with an expired session the cookie still has
	 * to go, so a shared phone is left signed out either way. */
	if (r->auth.user_id != 0 && r->auth.token[0] != '\0' &&
	    account_logout(r->app, r->store, r->auth.token) != ACCOUNT_OK)
		log_warn("web: logout of user %lld did not end the session "
		    "in the store; the cookie is deleted anyway",
		    (long long)r->auth.user_id);
	resp_cookie(r, w, "lk_session", "", 0);
	resp_redirect(w, "/");
	return 0;
}

/* GET /home */

static const char *
role_label(enum role role)
{
	switch (role) {
	case ROLE_MEMBER:	return N_("Member");
	case ROLE_OUTREACH:	return N_("Outreach worker");
	case ROLE_ADMIN:	return N_("Administrator");
	case ROLE_LIAISON:	return N_("Liaison (police or partner agency)");
	}
	return N_("Unknown role");
}

/* What each role does here; a task without a page yet is plain text,
 * so nobody follows a link to nothing. */
struct task {
	const char	*label;		/* msgid */
	const char	*href;		/* NULL: coming soon */
};

static const struct task member_tasks[] = {
	/* TRANSLATORS: a "bad date" is a client who was violent, robbed,
	 * threatened or cheated a sex worker; use the word workers use. */
	{ N_("Report a bad date"), "/report" },
	/* TRANSLATORS: check a client's phone number against the alerts
	 * before a booking. */
	{ N_("Screen a number"), "/screen" },
	{ N_("Alerts"), "/alerts" },
	{ N_("My reports"), "/reports/mine" },
	/* TRANSLATORS: the regions whose alerts a member receives. */
	{ N_("My regions"), "/me/regions" },
	/* TRANSLATORS: her regions and channels: email, SMS, feed. */
	{ N_("How I get alerts"), "/me/subscriptions" },
	{ NULL, NULL }
};
static const struct task outreach_tasks[] = {
	{ N_("Moderation queue"), "/queue" },
	/* TRANSLATORS: staff enter a report for someone, from a drop-in,
	 * a phone call or a paper form. */
	{ N_("Enter a report"), "/report" },
	{ N_("Screen a number"), "/screen" },
	{ N_("Alerts"), "/alerts" },
	{ N_("Invite members"), "/invites" },
	/* TRANSLATORS: support requests that staff follow up. */
	{ N_("Cases"), "/cases" },
	{ NULL, NULL }
};
static const struct task admin_tasks[] = {
	{ N_("Moderation queue"), "/queue" },
	{ N_("Enter a report"), "/report" },
	{ N_("Alerts"), "/alerts" },
	{ N_("Invite members"), "/invites" },
	{ N_("Cases"), "/cases" },
	{ N_("Accounts"), NULL },
	{ N_("Regions"), NULL },
	{ NULL, NULL }
};
static const struct task liaison_tasks[] = {
	{ N_("Shared reports"), "/police" },
	{ NULL, NULL }
};

static int
h_home(struct http_req *r, struct http_resp *w)
{
	struct buf *b = &w->body;
	const struct task *tasks;
	size_t i;

	switch (r->auth.role) {
	case ROLE_MEMBER:	tasks = member_tasks; break;
	case ROLE_OUTREACH:	tasks = outreach_tasks; break;
	case ROLE_ADMIN:	tasks = admin_tasks; break;
	case ROLE_LIAISON:	tasks = liaison_tasks; break;
	default:		return web_error(r, w, 403, WEB_MSG_FORBIDDEN);
	}

	/* No working name here: it is sealed, and reading it would be an
	 * audited event on every page view. */
	page_begin(r, w, N_("Home"));
	html_printf(b, r->lang, "<h1>%t</h1>\n"
	    "<p class=role>%t <strong>%t</strong></p>\n",
	    N_("Home"), N_("You are signed in as:"), role_label(r->auth.role));
	if (r->auth.role == ROLE_LIAISON)
		html_printf(b, r->lang, "<p class=note>%t</p>\n",
		    N_("Every report you open is recorded in the audit log "
		    "and counted on the public transparency page."));
	html_printf(b, r->lang, "<ul class=tasks>\n");
	for (i = 0; tasks[i].label != NULL; i++) {
		if (tasks[i].href != NULL)
			html_printf(b, r->lang, "<li><a href=%s>%t</a></li>\n",
			    tasks[i].href, tasks[i].label);
		else
			html_printf(b, r->lang, "<li class=soon>%t "
			    "<span class=badge>%t</span></li>\n",
			    tasks[i].label, N_("coming soon"));
	}
	html_printf(b, r->lang, "<li><a href=/password>%t</a></li>\n",
	    N_("Change password"));
	if (r->auth.role == ROLE_MEMBER)
		html_printf(b, r->lang, "<li><a href=/me/delete>%t</a></li>\n",
		    N_("Delete my account"));
	buf_adds(b, "</ul>\n");
	return web_finish(r, w);
}

/* GET and POST /password */

struct pw_errors {
	const char	*form;
	const char	*old;
	const char	*new;
	const char	*new2;
};

static void
password_page(struct http_req *r, struct http_resp *w,
    const struct pw_errors *e, int done)
{
	struct buf *b = &w->body;
	struct input in_old = {
		"old", N_("Current password"), "password", "current-password",
		"maxlength=256", NULL, NULL, e->old, 0,
	};
	struct input in_new = {
		"new", N_("New password"), "password", "new-password",
		"minlength=10 maxlength=256", NULL,
		N_("Use at least 10 characters. A few words you can remember "
		"work well."), e->new, 0,
	};
	struct input in_new2 = {
		"new2", N_("New password again"), "password", "new-password",
		"minlength=10 maxlength=256", NULL, NULL, e->new2, 0,
	};

	page_begin(r, w, N_("Change password"));
	html_printf(b, r->lang, "<h1>%t</h1>\n", N_("Change password"));
	if (done)
		html_printf(b, r->lang, "<p class=ok role=status>%t</p>\n",
		    N_("Your password has been changed."));
	web_form_begin(r, b, "/password", e->form);
	web_input(b, r->lang, &in_old);
	web_input(b, r->lang, &in_new);
	web_input(b, r->lang, &in_new2);
	web_form_end(r, b, N_("Change password"));
}

static int
h_password(struct http_req *r, struct http_resp *w)
{
	struct pw_errors e = { NULL, NULL, NULL, NULL };

	password_page(r, w, &e, 0);
	return web_finish(r, w);
}

static int
h_password_post(struct http_req *r, struct http_resp *w)
{
	const char *old = req_form(r, "old");
	const char *pw = req_form(r, "new");
	const char *pw2 = req_form(r, "new2");
	struct pw_errors e = { NULL, NULL, NULL, NULL };
	char key[32];
	int rc, retry, n;

	if (old == NULL || *old == '\0')
		e.old = N_("Please enter your current password.");
	if (pw == NULL || !account_password_valid(pw))
		e.new = N_("This password is too short. Use at least 10 "
		    "characters.");
	else if (pw2 == NULL || strcmp(pw, pw2) != 0)
		e.new2 = N_("The two new passwords are not the same.");
	if (e.old != NULL || e.new != NULL || e.new2 != NULL) {
		e.form = N_("Please correct the marked fields.");
		password_page(r, w, &e, 0);
		return web_finish(r, w);
	}

	/* Guessing the old password from a left-open session is a login
	 * attempt too. The \x01 keeps these keys apart from names. */
	n = snprintf(key, sizeof(key), "\x01uid:%lld",
	    (long long)r->auth.user_id);
	if (n < 0 || (size_t)n >= sizeof(key))
		return -1;
	if (ratelimit_check(rl_login_client, r->client, sizeof(r->client),
	    &retry) == -1 ||
	    ratelimit_check(rl_login_account, key, (size_t)n, &retry) == -1)
		return resp_too_many(r, w, retry);

	rc = account_change_password(r->app, r->store, &r->auth, old, pw);
	switch (rc) {
	case ACCOUNT_OK:
		password_page(r, w, &e, 1);
		return web_finish(r, w);
	case ACCOUNT_DENIED:
		ratelimit_hit(rl_login_client, r->client, sizeof(r->client),
		    &retry);
		ratelimit_hit(rl_login_account, key, (size_t)n, &retry);
		e.old = N_("This is not your current password.");
		break;
	case ACCOUNT_BAD_PASSWORD:
		e.new = N_("This password is too short. Use at least 10 "
		    "characters.");
		break;
	case ACCOUNT_UNAVAILABLE:
		return web_error(r, w, 503, WEB_MSG_BUSY);
	default:
		return -1;
	}
	e.form = N_("Please correct the marked fields.");
	password_page(r, w, &e, 0);
	return web_finish(r, w);
}

const struct route web_routes[] = {
	{ HTTP_GET, "/", ROUTE_WEB, 0, NULL, NULL, h_index, "index" },
	{ HTTP_GET, "/login", ROUTE_WEB, 0, NULL, NULL, h_login, "login" },
	{ HTTP_POST, "/login", ROUTE_WEB, 0, NULL, f_login, h_login_post,
	    "login_post" },
	{ HTTP_POST, "/logout", ROUTE_WEB, 0, NULL, f_logout, h_logout,
	    "logout" },
	{ HTTP_GET, "/home", ROUTE_WEB, ROLES_ANY, NULL, NULL, h_home,
	    "home" },
	{ HTTP_GET, "/password", ROUTE_WEB, ROLES_ANY, NULL, NULL,
	    h_password, "password" },
	{ HTTP_POST, "/password", ROUTE_WEB, ROLES_ANY, NULL, f_password,
	    h_password_post, "password_post" },
	{ HTTP_GET, "/register", ROUTE_WEB, 0, NULL, NULL, web_register,
	    "web_register" },
	{ HTTP_POST, "/register", ROUTE_WEB, 0, NULL, web_f_register,
	    web_register_post, "web_register_post" },
	{ HTTP_GET, "/invites", ROUTE_WEB, ROLES_STAFF, NULL, NULL,
	    web_invites, "web_invites" },
	{ HTTP_POST, "/invites", ROUTE_WEB, ROLES_STAFF, NULL, web_f_invite,
	    web_invites_post, "web_invites_post" },
	{ HTTP_GET, "/report", ROUTE_WEB, ROLES_REPORT, NULL, NULL,
	    web_report_form, "web_report_form" },
	{ HTTP_POST, "/report", ROUTE_WEB, ROLES_REPORT, NULL, web_f_report,
	    web_report_post, "web_report_post" },
	/* Before /reports/{id}, which it would also match. */
	{ HTTP_GET, "/reports/mine", ROUTE_WEB, ROLE_MEMBER, NULL, NULL,
	    web_reports_mine, "web_reports_mine" },
	{ HTTP_GET, "/reports/{id}", ROUTE_WEB, ROLES_REPORT, NULL, NULL,
	    web_report_view, "web_report_view" },
	{ HTTP_POST, "/reports/{id}/consent", ROUTE_WEB, ROLES_REPORT, NULL,
	    web_f_consent, web_report_consent, "web_report_consent" },
	{ HTTP_POST, "/reports/{id}/withdraw", ROUTE_WEB, ROLES_REPORT, NULL,
	    web_f_none, web_report_withdraw, "web_report_withdraw" },
	{ HTTP_POST, "/reports/{id}/delete", ROUTE_WEB, ROLES_REPORT, NULL,
	    web_f_none, web_report_delete, "web_report_delete" },
	{ HTTP_POST, "/reports/{id}/alert", ROUTE_WEB, ROLES_STAFF, NULL,
	    web_f_alert, web_alert_publish, "web_report_alert" },
	{ HTTP_POST, "/reports/{id}/no-alert", ROUTE_WEB, ROLES_STAFF, NULL,
	    web_f_no_alert, web_alert_none, "web_report_no_alert" },
	{ HTTP_POST, "/reports/{id}/attach", ROUTE_WEB, ROLES_STAFF, NULL,
	    web_f_attach, web_alert_attach, "web_report_attach" },
	{ HTTP_GET, "/queue", ROUTE_WEB, ROLES_STAFF, NULL, NULL, web_queue,
	    "web_queue" },
	{ HTTP_GET, "/alerts", ROUTE_WEB, ROLES_REPORT, web_q_alerts, NULL,
	    web_alerts, "web_alerts" },
	{ HTTP_GET, "/alerts/sheet.pdf", ROUTE_WEB, ROLES_STAFF, web_q_sheet,
	    NULL, web_alerts_sheet, "web_alerts_sheet" },
	{ HTTP_POST, "/feed/new", ROUTE_WEB, ROLE_MEMBER, NULL, web_f_none,
	    web_feed_new, "web_feed_new" },
	{ HTTP_POST, "/feed/revoke", ROUTE_WEB, ROLE_MEMBER, NULL, web_f_none,
	    web_feed_revoke, "web_feed_revoke" },
	/* Public: a feed reader has no session; the token in the path is
	 * the credential. */
	{ HTTP_GET, "/feed/{token}", ROUTE_WEB, 0, NULL, NULL, web_feed,
	    "web_feed" },
	{ HTTP_GET, "/screen", ROUTE_WEB, ROLES_REPORT, NULL, NULL, web_screen,
	    "web_screen" },
	{ HTTP_POST, "/screen", ROUTE_WEB, ROLES_REPORT, NULL, web_f_screen,
	    web_screen_post, "web_screen_post" },
	/* The help loop: public, no account. */
	{ HTTP_GET, "/help", ROUTE_WEB, 0, NULL, NULL, web_help, "web_help" },
	{ HTTP_POST, "/help", ROUTE_WEB, 0, NULL, web_f_help, web_help_post,
	    "web_help_post" },
	{ HTTP_GET, "/help/status", ROUTE_WEB, 0, NULL, NULL, web_help_status,
	    "web_help_status" },
	{ HTTP_POST, "/help/status", ROUTE_WEB, 0, NULL, web_f_help_ref,
	    web_help_status_post, "web_help_status_post" },
	{ HTTP_POST, "/help/withdraw", ROUTE_WEB, 0, NULL, web_f_help_ref,
	    web_help_withdraw, "web_help_withdraw" },
	/* Staff work the cases. */
	{ HTTP_GET, "/cases", ROUTE_WEB, ROLES_STAFF, web_q_cases, NULL,
	    web_cases, "web_cases" },
	{ HTTP_GET, "/cases/{id}", ROUTE_WEB, ROLES_STAFF, NULL, NULL,
	    web_case_view, "web_case_view" },
	{ HTTP_POST, "/cases/{id}/claim", ROUTE_WEB, ROLES_STAFF, NULL,
	    web_f_none, web_case_claim, "web_case_claim" },
	{ HTTP_POST, "/cases/{id}/note", ROUTE_WEB, ROLES_STAFF, NULL,
	    web_f_case_note, web_case_note, "web_case_note" },
	{ HTTP_POST, "/cases/{id}/close", ROUTE_WEB, ROLES_STAFF, NULL,
	    web_f_case_close, web_case_close, "web_case_close" },
	{ HTTP_POST, "/reports/{id}/case", ROUTE_WEB, ROLES_STAFF, NULL,
	    web_f_none, web_case_from_report, "web_report_case" },
	{ HTTP_GET, "/police", ROUTE_WEB, ROLE_LIAISON, NULL, NULL, web_police,
	    "web_police" },
	/* What anyone may read. */
	{ HTTP_GET, "/stats", ROUTE_WEB, 0, NULL, NULL, web_stats,
	    "web_stats" },
	{ HTTP_GET, "/stats.csv", ROUTE_WEB, 0, web_q_stats_csv, NULL,
	    web_stats_csv, "web_stats_csv" },
	{ HTTP_GET, "/transparency", ROUTE_WEB, 0, NULL, NULL,
	    web_transparency, "web_transparency" },
	/* A member's own account. */
	{ HTTP_GET, "/me/regions", ROUTE_WEB, ROLE_MEMBER, NULL, NULL,
	    web_me_regions, "web_me_regions" },
	{ HTTP_POST, "/me/regions", ROUTE_WEB, ROLE_MEMBER, NULL,
	    web_f_me_regions, web_me_regions_post, "web_me_regions_post" },
	{ HTTP_GET, "/me/subscriptions", ROUTE_WEB, ROLE_MEMBER, NULL, NULL,
	    web_me_subscriptions, "web_me_subscriptions" },
	{ HTTP_POST, "/me/subscriptions", ROUTE_WEB, ROLE_MEMBER, NULL,
	    web_f_me_subscriptions, web_me_subscriptions_post,
	    "web_me_subscriptions_post" },
	{ HTTP_GET, "/me/delete", ROUTE_WEB, ROLE_MEMBER, NULL, NULL,
	    web_me_delete, "web_me_delete" },
	{ HTTP_POST, "/me/delete", ROUTE_WEB, ROLE_MEMBER, NULL,
	    web_f_me_delete, web_me_delete_post, "web_me_delete_post" },
	/* The stop link of alert emails: no account, the token is the key. */
	{ HTTP_GET, "/unsubscribe", ROUTE_WEB, 0, web_q_unsubscribe, NULL,
	    web_unsubscribe, "web_unsubscribe" },
	{ HTTP_POST, "/unsubscribe", ROUTE_WEB, 0, NULL, web_f_unsubscribe,
	    web_unsubscribe_post, "web_unsubscribe_post" },
	{ HTTP_GET, "/static/{name}", ROUTE_PLAIN, 0, NULL, NULL, web_static,
	    "static" },
	{ 0, NULL, 0, 0, NULL, NULL, NULL, NULL }
};
