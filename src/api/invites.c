/*
 * invites.c: staff hand out one-time invite codes; a new member
 * registers with one and is signed in at once.
 */
#include <string.h>

#include <sodium.h>

#include "api/api.h"
#include "core/report.h"
#include "util/banned.h"

int
api_invite(struct http_req *r, struct http_resp *w)
{
	char code[16];
	int rc;

	if ((rc = invite_create(r->app, r->store, &r->auth, code)) != 0)
		return api_report_error(w, rc, NULL);
	rc = resp_json(w, 201, json_pack("{s:s}", "code", code));
	sodium_memzero(code, sizeof(code));
	return rc;
}

int
api_register(struct http_req *r, struct http_resp *w)
{
	char token[TOKEN_CHARS + 1];
	struct report_err err;
	struct auth who;
	int rc, retry;

	/* Invite codes are guessable only by brute force; the limiter,
	 * keyed by client, keeps that slow. */
	if (ratelimit_check(rl_login_client, r->client, sizeof(r->client),
	    &retry) == -1)
		return resp_too_many(r, w, retry);
	memset(&err, 0, sizeof(err));
	rc = account_register(r->app, r->store, api_str(r, "code"),
	    api_str(r, "name"), api_str(r, "password"), "api", token, &who,
	    &err);
	if (rc == REPORT_INVALID)
		(void)ratelimit_hit(rl_login_client, r->client,
		    sizeof(r->client), &retry);
	if (rc != 0)
		return api_report_error(w, rc, &err);
	rc = resp_json(w, 201, json_pack("{s:s, s:s}", "token", token,
	    "role", role_name(who.role)));
	sodium_memzero(token, sizeof(token));
	sodium_memzero(&who, sizeof(who));
	return rc;
}
