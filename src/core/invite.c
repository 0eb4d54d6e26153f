/*
 * invite.c: one-time invite codes and registration with them.
 *
 * A code is eight characters from an alphabet without look-alikes
 * (no 0/O, 1/I/L), written "K7QD-2M9X". Only its keyed hash is stored;
 * it works once, for 14 days.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/audit.h"
#include "core/loop_int.h"
#include "core/report.h"
#include "util/banned.h"

#define INVITE_TTL	(14 * 24 * 3600)

static const char alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/* Canonical form: upper-case, without blanks and hyphens. */
static int
canon(const char *code, char out[9])
{
	size_t n = 0;

	for (; *code; code++) {
		int c = (unsigned char)*code;

		if (c == ' ' || c == '-')
			continue;
		if (c >= 'a' && c <= 'z')
			c -= 32;
		if (strchr(alphabet, c) == NULL || c == '\0' || n == 8)
			return -1;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return n == 8 ? 0 : -1;
}

static void
code_hash(struct app *app, const char *canonical, uint8_t h[HASH_BYTES])
{
	char in[16];

	snprintf(in, sizeof(in), "invite:%s", canonical);
	hash_keyed(app->keys.name, in, strlen(in), h);
}

int
invite_create(struct app *app, struct store *s, const struct auth *who,
    char code[16])
{
	uint8_t r[8], h[HASH_BYTES];
	char c8[9];
	int64_t now = (int64_t)time(NULL);
	int i, rc;

	if (!loop_is_staff(who))
		return REPORT_FORBIDDEN;
	random_bytes(r, sizeof(r));
	for (i = 0; i < 8; i++)
		c8[i] = alphabet[r[i] % (sizeof(alphabet) - 1)];
	c8[8] = '\0';
	code_hash(app, c8, h);
	if ((rc = loop_rc(store_begin(s))) != 0)
		return rc;
	if ((rc = loop_rc(store_invite_insert(s, h, who->org_id, who->user_id,
	    now, now + INVITE_TTL))) != 0 ||
	    (rc = loop_rc(audit_log(app, s, who->user_id, "invite.create", "",
	    ""))) != 0) {
		store_rollback(s);
		return rc;
	}
	if ((rc = loop_rc(store_commit(s))) != 0)
		return rc;
	snprintf(code, 16, "%.4s-%.4s", c8, c8 + 4);
	return 0;
}

int
account_register(struct app *app, struct store *s, const char *code,
    const char *name, const char *password, const char *kind,
    char token[TOKEN_CHARS + 1], struct auth *who, struct report_err *err)
{
	uint8_t h[HASH_BYTES];
	char c8[9];
	int64_t org_id, uid;
	int rc;

	memset(who, 0, sizeof(*who));
	if (canon(code, c8) == -1)
		return loop_invalid(err, "code",
		    "this invite code is not valid or has expired");
	if (!account_name_valid(name))
		return loop_invalid(err, "name",
		    account_strerror(ACCOUNT_BAD_NAME));
	if (!account_password_valid(password))
		return loop_invalid(err, "password",
		    account_strerror(ACCOUNT_BAD_PASSWORD));
	code_hash(app, c8, h);
	if ((rc = loop_rc(store_begin(s))) != 0)
		return rc;
	/* Take the invite, then create the account in its organisation;
	 * any failure rolls both back, leaving the code usable. */
	rc = store_invite_take(s, h, (int64_t)time(NULL), 0, &org_id);
	if (rc == STORE_NOTFOUND) {
		store_rollback(s);
		return loop_invalid(err, "code",
		    "this invite code is not valid or has expired");
	}
	if (rc != 0)
		goto fail;
	rc = account_create(app, s, 0, org_id, ROLE_MEMBER, name, password,
	    NULL, 0, &uid);
	if (rc == ACCOUNT_EXISTS) {
		store_rollback(s);
		return loop_invalid(err, "name",
		    "that name is already taken; choose another");
	}
	if (rc != 0) {
		store_rollback(s);
		return rc == ACCOUNT_UNAVAILABLE ? REPORT_UNAVAILABLE :
		    REPORT_ERR;
	}
	if ((rc = session_create(app, s, uid, kind, token)) != 0) {
		store_rollback(s);
		sodium_memzero(token, TOKEN_CHARS + 1);
		return rc == ACCOUNT_UNAVAILABLE ? REPORT_UNAVAILABLE :
		    REPORT_ERR;
	}
	if ((rc = store_commit(s)) != 0) {
		sodium_memzero(token, TOKEN_CHARS + 1);
		return loop_rc(rc);
	}
	who->user_id = uid;
	who->org_id = org_id;
	who->role = ROLE_MEMBER;
	who->web = strcmp(kind, "web") == 0;
	memcpy(who->token, token, TOKEN_CHARS + 1);
	return 0;
fail:
	store_rollback(s);
	return loop_rc(rc);
}
