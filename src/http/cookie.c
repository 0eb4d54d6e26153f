/*
 * cookie.c: who is asking. API callers present a bearer token; browsers
 * present the session cookie, or get a pre-session cookie so that even
 * the login form carries a CSRF token bound to this browser.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "core/account.h"
#include "crypto/seal.h"
#include "http/header.h"
#include "http/http.h"
#include "http/http_int.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/banned.h"

/* session_resolve() into r->auth; 0 when signed in, 1 when the token is
 * not (or no longer) good, else the status to answer. */
static int
resolve(struct http_req *r, const char *token, const char *kind)
{
	int rc;

	if (r->store == NULL)
		return 1;
	rc = session_resolve(r->app, r->store, token, kind, &r->auth);
	if (rc == ACCOUNT_OK && r->auth.user_id != 0) {
		snprintf(r->auth.token, sizeof(r->auth.token), "%s", token);
		return 0;
	}
	memset(&r->auth, 0, sizeof(r->auth));
	if (rc == ACCOUNT_OK || rc == ACCOUNT_DENIED)
		return 1;
	if (rc == ACCOUNT_UNAVAILABLE)
		return 503;
	log_error("route %s: cannot resolve a %s session", r->route->name,
	    kind);
	return 500;
}

static int
auth_api(struct http_req *r)
{
	const char *h = http_bearer_token(req_header(r, "Authorization"));
	int rc;

	if (h == NULL)
		return 0;
	rc = resolve(r, h, "api");
	return rc == 1 ? 0 : rc;
}

static int
auth_web(struct http_req *r, struct http_resp *w)
{
	const char *session = req_cookie(r, COOKIE_SESSION);
	const char *pre;
	char fresh[TOKEN_CHARS + 1];
	int rc;

	if (session != NULL) {
		rc = http_token_shape_ok(session) ? resolve(r, session, "web") : 1;
		if (rc == 0) {
			r->auth.web = 1;
			csrf_token(&r->app->keys, session, r->csrf);
			return 0;
		}
		if (rc != 1)
			return rc;
		/* Expired or signed out elsewhere: drop the stale cookie. */
		resp_cookie(r, w, COOKIE_SESSION, "", 0);
	}
	pre = req_cookie(r, COOKIE_PRE);
	if (!http_token_shape_ok(pre)) {
		token_new(fresh);
		pre = arena_strdup(r->arena, fresh);
		sodium_memzero(fresh, sizeof(fresh));
		resp_cookie(r, w, COOKIE_PRE, pre, SESSION_TTL_SECONDS);
	}
	csrf_token(&r->app->keys, pre, r->csrf);
	return 0;
}

int
http_authenticate(struct http_req *r, struct http_resp *w)
{
	memset(&r->auth, 0, sizeof(r->auth));
	r->csrf[0] = '\0';
	switch (r->route->kind) {
	case ROUTE_API:
		return auth_api(r);
	case ROUTE_WEB:
		return auth_web(r, w);
	case ROUTE_PLAIN:
		break;
	}
	return 0;
}
