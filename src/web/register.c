/*
 * register.c: staff make one-time invite codes (GET and POST /invites);
 * a new member signs up with one (GET and POST /register) and is signed
 * in at once.
 */
#include <string.h>

#include <sodium.h>

#include "core/report.h"
#include "util/limits.h"
#include "web/web.h"
#include "web/web_internal.h"
#include "util/banned.h"

/* Generous parse limits: the core checks the real ones and its message
 * goes next to the field, with what was typed kept. */
const struct field_spec web_f_register[] = {
	{ "code", F_STRING, 0, 64, NULL, NULL },
	{ "name", F_STRING, 0, 1024, NULL, NULL },
	{ "password", F_STRING, 0, 1024, NULL, NULL },
	{ "password2", F_STRING, 0, 1024, NULL, NULL },
	END_FIELD
};

const struct field_spec web_f_invite[] = { END_FIELD };

struct reg_errors {
	const char	*form;
	const char	*code;
	const char	*name;
	const char	*password;
	const char	*password2;
};

static void
register_page(struct http_req *r, struct http_resp *w, const char *code,
    const char *name, const struct reg_errors *e)
{
	struct buf *b = &w->body;
	struct input in_code = {
		"code", N_("Invite code"), "text", "one-time-code",
		"autocapitalize=characters spellcheck=false maxlength=16",
		code, N_("It looks like K7QD-2M9X."), e->code, 0,
	};
	struct input in_name = {
		"name", N_("Working name"), "text", "username",
		"autocapitalize=none spellcheck=false maxlength=64", name,
		N_("The name staff will know you by. Not your legal name."),
		e->name, 0,
	};
	struct input in_pw = {
		"password", N_("Password"), "password", "new-password",
		"minlength=10 maxlength=256", NULL,
		N_("Use at least 10 characters. A few words you can remember "
		"work well."), e->password, 0,
	};
	struct input in_pw2 = {
		"password2", N_("Password again"), "password", "new-password",
		"minlength=10 maxlength=256", NULL, NULL, e->password2, 0,
	};

	page_begin(r, w, N_("Create your account"));
	html_printf(b, r->lang, "<h1>%t</h1>\n<p>%t</p>\n",
	    N_("Create your account"),
	    N_("You need an invite code from a support organisation. You do "
	    "not need to give your legal name, an email or a phone number."));
	web_form_begin(r, b, "/register", e->form);
	web_input(b, r->lang, &in_code);
	web_input(b, r->lang, &in_name);
	web_input(b, r->lang, &in_pw);
	web_input(b, r->lang, &in_pw2);
	web_form_end(r, b, N_("Create my account"));
	html_printf(b, r->lang, "<p class=note>%t <a href=/login>%t</a></p>\n",
	    N_("Already have an account?"), N_("Sign in"));
}

int
web_register(struct http_req *r, struct http_resp *w)
{
	struct reg_errors e = { NULL, NULL, NULL, NULL, NULL };

	register_page(r, w, NULL, NULL, &e);
	return web_finish(r, w);
}

int
web_register_post(struct http_req *r, struct http_resp *w)
{
	const char *code = web_form(r, "code"), *name = web_form(r, "name");
	const char *pw = web_form(r, "password");
	const char *pw2 = web_form(r, "password2");
	struct reg_errors e = { NULL, NULL, NULL, NULL, NULL };
	char token[TOKEN_CHARS + 1];
	struct report_err err;
	struct auth who;
	int rc, retry;

	/* Invite codes fall only to guessing; the limiter, keyed by
	 * client as for logins, keeps that slow. */
	if (ratelimit_check(rl_login_client, r->client, sizeof(r->client),
	    &retry) == -1)
		return resp_too_many(r, w, retry);
	if (strcmp(pw, pw2) != 0) {
		e.form = N_("Please correct the marked fields.");
		e.password2 = N_("The two passwords are not the same.");
		register_page(r, w, code, name, &e);
		return web_finish(r, w);
	}
	memset(&err, 0, sizeof(err));
	rc = account_register(r->app, r->store, code, name, pw, "web", token,
	    &who, &err);
	switch (rc) {
	case REPORT_OK:
		resp_cookie(r, w, "lk_session", token, SESSION_TTL_SECONDS);
		sodium_memzero(token, sizeof(token));
		sodium_memzero(&who, sizeof(who));
		resp_redirect(w, "/home");
		return 0;
	case REPORT_INVALID:
		(void)ratelimit_hit(rl_login_client, r->client,
		    sizeof(r->client), &retry);
		break;
	default:
		return web_report_fail(r, w, rc);
	}
	e.form = N_("Please correct the marked fields.");
	if (err.field != NULL && strcmp(err.field, "code") == 0)
		e.code = err.msg;
	else if (err.field != NULL && strcmp(err.field, "name") == 0)
		e.name = err.msg;
	else if (err.field != NULL && strcmp(err.field, "password") == 0)
		e.password = err.msg;
	else
		e.form = err.msg != NULL ? err.msg : WEB_MSG_BAD_REQUEST;
	register_page(r, w, code, name, &e);
	return web_finish(r, w);
}

/* Where a new member signs up, to tell them. */
static const char *
register_url(struct http_req *r)
{
	const char *base = r->app != NULL ? r->app->cfg.public_url : "";
	size_t n = strlen(base);

	while (n > 0 && base[n - 1] == '/')
		n--;
	return arena_printf(r->arena, "%.*s/register", (int)n, base);
}

static void
invites_page(struct http_req *r, struct http_resp *w, const char *code)
{
	struct buf *b = &w->body;

	page_begin(r, w, N_("Invite members"));
	html_printf(b, r->lang, "<h1>%t</h1>\n", N_("Invite members"));
	if (code != NULL)
		html_printf(b, r->lang, "<section class=ok role=status>\n"
		    "<h2>%t</h2>\n"
		    "<p><output id=\"invite-code\">%s</output></p>\n"
		    "<p>%t</p>\n<p>%t <strong>%s</strong></p>\n</section>\n",
		    N_("New invite code"), code,
		    N_("This code works once, for 14 days."),
		    N_("The new member signs up at:"), register_url(r));
	html_printf(b, r->lang, "<p>%t</p>\n",
	    N_("Make a one-time code for someone you have met and trust. Give "
	    "it to them in person or in a safe message. Nobody can sign up "
	    "without one."));
	web_form_open(r, b, "/invites", "stack");
	html_printf(b, r->lang, "<button type=submit class=primary>%t"
	    "</button>\n</form>\n", code != NULL ?
	    N_("Make another invite code") : N_("Make an invite code"));
}

int
web_invites(struct http_req *r, struct http_resp *w)
{
	invites_page(r, w, NULL);
	return web_finish(r, w);
}

int
web_invites_post(struct http_req *r, struct http_resp *w)
{
	char code[16];
	int rc;

	if ((rc = invite_create(r->app, r->store, &r->auth, code)) != 0)
		return web_report_fail(r, w, rc);
	invites_page(r, w, code);
	sodium_memzero(code, sizeof(code));
	return web_finish(r, w);
}
