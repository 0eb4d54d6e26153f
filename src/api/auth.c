/*
 * auth.c: sign in and out, who am I, password change, and account
 * creation by an administrator.
 */
#include <ctype.h>
#include <string.h>

#include <sodium.h>

#include "api/api.h"
#include "core/account.h"
#include "util/limits.h"
#include "util/banned.h"

const char *
api_str(const struct http_req *r, const char *name)
{
	const char *v = NULL;

	if (r->json != NULL)
		v = json_string_value(json_object_get(r->json, name));
	return v != NULL ? v : "";
}

int
api_account_error(struct http_resp *w, int rc, const char *field)
{
	switch (rc) {
	case ACCOUNT_BAD_NAME:
		return resp_error(w, 400, account_strerror(rc),
		    field ? field : "name");
	case ACCOUNT_BAD_PASSWORD:
		return resp_error(w, 400, account_strerror(rc),
		    field ? field : "password");
	case ACCOUNT_BAD_REGION:
		return resp_error(w, 400, account_strerror(rc), "regions");
	case ACCOUNT_EXISTS:
		return resp_error(w, 409, account_strerror(rc), "name");
	case ACCOUNT_DENIED:
		return resp_error(w, 401, account_strerror(rc), NULL);
	case ACCOUNT_UNAVAILABLE:
		return resp_error(w, 503, account_strerror(rc), NULL);
	default:
		return -1;
	}
}

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

static int
login(struct http_req *r, struct http_resp *w)
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

static int
logout(struct http_req *r, struct http_resp *w)
{
	int rc = account_logout(r->app, r->store, r->auth.token);

	if (rc != 0)
		return api_account_error(w, rc, NULL);
	w->status = 204;
	return 0;
}

static int
me(struct http_req *r, struct http_resp *w)
{
	return resp_json(w, 200, json_pack("{s:I, s:s, s:I}", "id",
	    (json_int_t)r->auth.user_id, "role", role_name(r->auth.role),
	    "org", (json_int_t)r->auth.org_id));
}

static int
password(struct http_req *r, struct http_resp *w)
{
	int rc = account_change_password(r->app, r->store, r->auth.user_id,
	    api_str(r, "old"), api_str(r, "new"));

	if (rc == ACCOUNT_DENIED)
		return resp_error(w, 403, "the current password is wrong",
		    "old");
	if (rc != 0)
		return api_account_error(w, rc, "new");
	w->status = 204;
	return 0;
}

static int
user_add(struct http_req *r, struct http_resp *w)
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

static const struct field_spec user_body[] = {
	{ "role", F_STRING, 1, 16, NULL, NULL },
	{ "name", F_STRING, 1, LIMIT_NAME_BYTES, NULL, NULL },
	{ "password", F_STRING, 1, LIMIT_PASSWORD_BYTES, NULL, NULL },
	{ "regions", F_LIST, 0, LIMIT_LIST_ITEMS, NULL, NULL },
	{ NULL, 0, 0, 0, NULL, NULL },
};

const struct route api_routes[] = {
	{ HTTP_POST, "/api/v1/login", ROUTE_API, 0, NULL, login_body, login,
	    "login" },
	{ HTTP_POST, "/api/v1/logout", ROUTE_API, ROLES_ANY, NULL, NULL,
	    logout, "logout" },
	{ HTTP_GET, "/api/v1/me", ROUTE_API, ROLES_ANY, NULL, NULL, me, "me" },
	{ HTTP_POST, "/api/v1/me/password", ROUTE_API, ROLES_ANY, NULL,
	    password_body, password, "password" },
	{ HTTP_POST, "/api/v1/users", ROUTE_API, ROLE_ADMIN, NULL, user_body,
	    user_add, "users" },
	{ 0, NULL, 0, 0, NULL, NULL, NULL, NULL },
};
