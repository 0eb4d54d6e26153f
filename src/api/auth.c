/*
 * auth.c: sign in and out, who am I, password change, and account
 * creation by an administrator.
 */
#include <ctype.h>
#include <string.h>

#include <sodium.h>

#include "api/api.h"
#include "core/account.h"
#include "core/subscription.h"
#include "util/limits.h"
#include "util/banned.h"

/* Rate-limit keys: the lower-cased name, and the client digest. */
static size_t
name_rl_key(const char *name, char *out, size_t outlen)
{
	size_t i, n = strlen(name);

	if (n >= outlen)
		n = outlen - 1;
	for (i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)name[i]);
	out[n] = '\0';
	return n;
}

int
api_login(struct http_req *r, struct http_resp *w)
{
	const char *name = api_str(r, "name"), *pw = api_str(r, "password");
	char token[TOKEN_CHARS + 1], key[LIMIT_NAME_BYTES + 1];
	struct auth who;
	size_t klen;
	int rc, retry;

	klen = name_rl_key(name, key, sizeof(key));
	if (ratelimit_check(rl_login_account, key, klen, &retry) == -1 ||
	    ratelimit_check(rl_login_client, r->client, sizeof(r->client),
	    &retry) == -1)
		return resp_too_many(r, w, retry);
	rc = account_login(r->app, r->store, name, pw, "api", token, &who);
	if (rc == ACCOUNT_DENIED) {
		(void)ratelimit_hit(rl_login_account, key, klen, &retry);
		(void)ratelimit_hit(rl_login_client, r->client,
		    sizeof(r->client), &retry);
	}
	if (rc != 0)
		return api_account_error(w, rc, NULL);
	rc = resp_json(w, 200, json_pack("{s:s, s:s}", "token", token,
	    "role", role_name(who.role)));
	sodium_memzero(token, sizeof(token));
	return rc;
}

int
api_logout(struct http_req *r, struct http_resp *w)
{
	int rc = account_logout(r->app, r->store, r->auth.token);

	if (rc != 0)
		return api_account_error(w, rc, NULL);
	w->status = 204;
	return 0;
}

int
api_me(struct http_req *r, struct http_resp *w)
{
	return resp_json(w, 200, json_pack("{s:I, s:s, s:I}", "id",
	    (json_int_t)r->auth.user_id, "role", role_name(r->auth.role),
	    "org", (json_int_t)r->auth.org_id));
}

int
api_password(struct http_req *r, struct http_resp *w)
{
	int rc = account_change_password(r->app, r->store, &r->auth,
	    api_str(r, "old"), api_str(r, "new"));

	if (rc == ACCOUNT_DENIED)
		return resp_error(w, 403, "the current password is wrong",
		    "old");
	if (rc != 0)
		return api_account_error(w, rc, "new");
	w->status = 204;
	return 0;
}

int
api_user_add(struct http_req *r, struct http_resp *w)
{
	const char *codes[LIMIT_LIST_ITEMS];
	json_t *regions = json_object_get(r->json, "regions"), *v;
	int64_t id;
	size_t i, n = 0;
	enum role role = role_parse(api_str(r, "role"));
	int rc;

	if (role == 0)
		return resp_error(w, 400, "role must be member, outreach, "
		    "admin or liaison", "role");
	json_array_foreach(regions, i, v) {
		if (n == LIMIT_LIST_ITEMS)
			break;
		codes[n++] = json_string_value(v);
	}
	rc = account_create(r->app, r->store, r->auth.user_id, r->auth.org_id,
	    role, api_str(r, "name"), api_str(r, "password"), codes, n, &id);
	if (rc != 0)
		return api_account_error(w, rc, NULL);
	return resp_json(w, 201, json_pack("{s:I}", "id", (json_int_t)id));
}


int
api_user_status(struct http_req *r, struct http_resp *w)
{
	const char *status = api_str(r, "status");
	int64_t id = req_param_id(r, 0);
	int rc;

	if (strcmp(status, "active") != 0 && strcmp(status, "suspended") != 0)
		return resp_error(w, 400, "status must be active or suspended",
		    "status");
	if (id <= 0)
		return resp_error(w, 404, "no such account", NULL);
	rc = account_set_status(r->app, r->store, &r->auth, id, status);
	if (rc == ACCOUNT_DENIED)
		return resp_error(w, 404, "no such account that you may "
		    "change", NULL);
	if (rc != 0)
		return api_account_error(w, rc, NULL);
	return resp_json(w, 200, json_pack("{s:I, s:s}", "id", (json_int_t)id,
	    "status", status));
}

/* A member's alert regions and channels. email and sms are shown back
 * to her alone (the read is audited); absent ones are "". */
int
api_subscriptions_put(struct http_req *r, struct http_resp *w)
{
	const char *codes[LIMIT_LIST_ITEMS];
	json_t *regions = json_object_get(r->json, "regions");
	struct subscription_in in;
	struct report_err err;
	int rc;

	memset(&in, 0, sizeof(in));
	memset(&err, 0, sizeof(err));
	in.regions = codes;
	in.nregions = api_strings(regions, codes, LIMIT_LIST_ITEMS);
	/* Absent keeps, "" removes: only members that are there count. */
	if (json_object_get(r->json, "email") != NULL)
		in.email = api_str(r, "email");
	if (json_object_get(r->json, "sms") != NULL)
		in.sms = api_str(r, "sms");
	in.lang = api_str(r, "lang");
	rc = subscription_set(r->app, r->store, &r->auth, &in, r->lang, &err);
	if (rc != 0)
		return api_report_error(w, rc, &err);
	return api_subscriptions_get(r, w);
}

int
api_subscriptions_get(struct http_req *r, struct http_resp *w)
{
	struct subscription sub;
	int rc;

	rc = subscription_get(r->app, r->store, r->arena, &r->auth, r->lang,
	    &sub);
	if (rc != 0)
		return api_report_error(w, rc, NULL);
	return resp_json(w, 200, json_pack("{s:o, s:s, s:s, s:s}", "regions",
	    api_codes(sub.regions, sub.nregions), "email", sub.email, "sms",
	    sub.sms, "lang", sub.lang));
}
