/*
 * account.h: organisations, regions, accounts, sessions and tokens.
 *
 * Working names are sealed in the users table and looked up by keyed
 * hash of their lower-cased form; passwords are Argon2id hashes; session
 * cookies and API tokens are random and stored only as hashes. Every
 * login, failed login and account change is written to the audit log.
 */
#ifndef LOOKOUT_ACCOUNT_H
#define LOOKOUT_ACCOUNT_H

#include <stddef.h>
#include <stdint.h>

#include "core/app.h"
#include "crypto/seal.h"
#include "store/store.h"
#include "util/arena.h"

enum role {
	ROLE_MEMBER	= 1 << 0,
	ROLE_OUTREACH	= 1 << 1,
	ROLE_ADMIN	= 1 << 2,
	ROLE_LIAISON	= 1 << 3,
};
#define ROLES_STAFF	(ROLE_OUTREACH | ROLE_ADMIN)
#define ROLES_ANY	(ROLE_MEMBER | ROLE_OUTREACH | ROLE_ADMIN | ROLE_LIAISON)

/* "member" <-> ROLE_MEMBER; 0 / NULL when unknown. */
enum role	 role_parse(const char *s);
const char	*role_name(enum role r);

/* Who is making a request. user_id is 0 for no account. */
struct auth {
	int64_t		 user_id;
	int64_t		 org_id;
	enum role	 role;
	int		 web;		/* authenticated by session cookie */
	char		 token[TOKEN_CHARS + 1];	/* the cookie, for CSRF */
};

/* Outcomes that callers turn into messages and statuses. */
enum account_rc {
	ACCOUNT_OK = 0,
	ACCOUNT_ERR = -1,		/* internal; logged */
	ACCOUNT_BAD_NAME = -2,		/* empty, too long, control chars */
	ACCOUNT_BAD_PASSWORD = -3,	/* too short or too long */
	ACCOUNT_EXISTS = -4,
	ACCOUNT_DENIED = -5,		/* wrong name or password, suspended */
	ACCOUNT_BAD_REGION = -6,
	ACCOUNT_UNAVAILABLE = -7,	/* store full or busy: 503 */
};

/* A clear, lower-case English sentence for rc, for the CLI and logs. */
const char	*account_strerror(enum account_rc rc);

/* Validation shared by the CLI, the API and the web forms. */
int	account_name_valid(const char *name);
int	account_password_valid(const char *pw);

int	org_ensure(struct app *app, struct store *s, const char *name,
	    int64_t *org_id);
/* The organisation called name, made when missing (audited). */
int	org_named(struct app *app, struct store *s, int64_t actor,
	    const char *name, int64_t *org_id);

int	region_add(struct app *app, struct store *s, int64_t actor,
	    const char *code, const char *name, const char *parent_code);
int	region_code_valid(const char *code);
/* Every region, ordered by code, from a (for pickers in forms). */
int	region_list(struct app *app, struct store *s, struct arena *a,
	    struct region **out, size_t *n);
/* Put regs in the order people reading lang look for them in a list:
 * by name (util/i18n.h lang_collate: "Île-Perrot" among the I's), then
 * by code for names that are the same. */
void	region_sort(const char *lang, struct region *regs, size_t n);

/* Create an account in org_id; regions are codes (may be NULL, n 0). */
int	account_create(struct app *app, struct store *s, int64_t actor,
	    int64_t org_id, enum role role, const char *name,
	    const char *password, const char *const *regions, size_t nregions,
	    int64_t *user_id);

/*
 * Check name and password; on success create a session of the given kind
 * ("web" or "api"), write its token to token_out and fill *who. Failures
 * return ACCOUNT_DENIED without saying which part was wrong.
 */
int	account_login(struct app *app, struct store *s, const char *name,
	    const char *password, const char *kind,
	    char token_out[TOKEN_CHARS + 1], struct auth *who);
int	account_logout(struct app *app, struct store *s, const char *token);
/* Change who's password, old_pw being right, and end every other session
 * of the account: whoever else holds one is signed out. who's own
 * session (who->token) goes on. */
int	account_change_password(struct app *app, struct store *s,
	    const struct auth *who, const char *old_pw, const char *new_pw);
/* Suspend ("suspended") or reinstate ("active") an account of who's
 * organisation: admins any account but their own, outreach members only.
 * Suspension ends the account's sessions. ACCOUNT_DENIED otherwise, and
 * for an unknown account. */
int	account_set_status(struct app *app, struct store *s,
	    const struct auth *who, int64_t user_id, const char *status);

/* Start a session of kind "web" or "api" for an account that has just
 * proved who it is (login, registration). */
int	session_create(struct app *app, struct store *s, int64_t user_id,
	    const char *kind, char token_out[TOKEN_CHARS + 1]);

/* Replace the regions an account follows (for alerts, feeds and "also
 * reported in"). ACCOUNT_BAD_REGION for an unknown code. Audited. */
int	account_set_regions(struct app *app, struct store *s,
	    const struct auth *who, const char *const *codes, size_t n);
/* The codes of the regions the account follows, ordered by code. */
int	account_regions(struct app *app, struct store *s, struct arena *a,
	    const struct auth *who, const char ***codes, size_t *n);

/* Resolve a presented token of the given kind into *who; ACCOUNT_DENIED
 * when unknown, expired or the account is suspended. Answered from memory
 * when this process resolved the token in the last
 * SESSION_RECHECK_SECONDS (see account_cache_forget). */
int	session_resolve(struct app *app, struct store *s, const char *token,
	    const char *kind, struct auth *who);

/* The ids of the regions the account follows itself, in increasing
 * order, cached like sessions. 0 or a store code (STORE_*). */
int	account_followed(struct app *app, struct store *s, struct arena *a,
	    int64_t user_id, int64_t **ids, size_t *n);

/*
 * This process keeps resolved sessions (by the hash of their token,
 * never the token) and accounts' regions in memory. Whatever ends a
 * session or changes an account calls account_cache_forget() once its
 * change is committed, so that this process's next request sees it; the
 * store's USER_CHANGED event does the same on other nodes, and
 * account_cache_clear() drops everything after events may have been
 * missed, and at exit.
 */
#define SESSION_RECHECK_SECONDS	30
void	account_cache_forget(int64_t user_id);
void	account_cache_clear(void);
/* Stop caching (and drop what is cached) while changes made elsewhere
 * may go unheard, and start again. */
void	account_cache_enable(int on);

#endif
