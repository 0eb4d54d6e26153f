#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/account.h"
#include "core/audit.h"
#include "util/i18n.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/parse.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const struct {
	enum role	 role;
	const char	*name;
} roles[] = {
	{ ROLE_MEMBER, "member" },
	{ ROLE_OUTREACH, "outreach" },
	{ ROLE_ADMIN, "admin" },
	{ ROLE_LIAISON, "liaison" },
};

enum role
role_parse(const char *s)
{
	size_t i;

	for (i = 0; s != NULL && i < sizeof(roles) / sizeof(roles[0]); i++)
		if (strcmp(s, roles[i].name) == 0)
			return roles[i].role;
	return 0;
}

const char *
role_name(enum role r)
{
	size_t i;

	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (roles[i].role == r)
			return roles[i].name;
	return NULL;
}

const char *
account_strerror(enum account_rc rc)
{
	switch (rc) {
	case ACCOUNT_OK:
		return "ok";
	case ACCOUNT_BAD_NAME:
		return "a name must be 1 to 64 characters, without control "
		    "characters";
	case ACCOUNT_BAD_PASSWORD:
		return "a password must be at least 10 and at most 256 "
		    "characters";
	case ACCOUNT_EXISTS:
		return "that name is already taken";
	case ACCOUNT_DENIED:
		return "wrong name or password";
	case ACCOUNT_BAD_REGION:
		return "unknown region code (add it with lookout region add)";
	case ACCOUNT_UNAVAILABLE:
		return "the database is busy or full; nothing was changed, "
		    "try again";
	case ACCOUNT_ERR:
		break;
	}
	return "internal error; nothing was changed";
}

static int
from_store(int rc)
{
	switch (rc) {
	case STORE_OK:
		return ACCOUNT_OK;
	case STORE_FULL:
	case STORE_BUSY:
		return ACCOUNT_UNAVAILABLE;
	case STORE_CONFLICT:
		return ACCOUNT_EXISTS;
	case STORE_NOTFOUND:
		return ACCOUNT_DENIED;
	default:
		return ACCOUNT_ERR;
	}
}

int
account_name_valid(const char *name)
{
	size_t n = strlen(name);
	size_t i;

	if (n == 0 || n > LIMIT_NAME_BYTES || !text_valid(name, n, 0))
		return 0;
	/* Leading or trailing blanks make names that look alike. */
	if (name[0] == ' ' || name[n - 1] == ' ')
		return 0;
	for (i = 0; i < n; i++)
		if (name[i] != ' ')
			return 1;
	return 0;
}

int
account_password_valid(const char *pw)
{
	size_t n = strlen(pw);

	return n >= LIMIT_PASSWORD_MIN && n <= LIMIT_PASSWORD_BYTES &&
	    utf8_valid(pw, n);
}

/* Names match whatever the case of their ASCII letters. */
static void
name_key(const struct app *app, const char *name, uint8_t out[HASH_BYTES])
{
	char low[LIMIT_NAME_BYTES + 1];
	size_t i, n = strlen(name);

	if (n > LIMIT_NAME_BYTES)
		n = LIMIT_NAME_BYTES;
	for (i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)name[i]);
	low[n] = '\0';
	hash_name(&app->keys, low, out);
	sodium_memzero(low, sizeof(low));
}

/*
 * The instance's own organisation: the one init made, remembered in the
 * settings so that further organisations (user add --org) never take its
 * place. Made on first use.
 */
int
org_ensure(struct app *app, struct store *s, const char *name, int64_t *id)
{
	const char *why;
	long long v;
	struct arena a;
	struct org o;
	char *val, num[32];
	int rc;

	arena_init(&a);
	rc = store_meta_get(s, &a, "home_org", &val);
	if (rc == STORE_OK && parse_int(val, 1, INT64_MAX, &v, &why) == 0) {
		*id = (int64_t)v;
		goto out;
	}
	if (rc != STORE_OK && rc != STORE_NOTFOUND)
		goto out;
	if ((rc = store_begin(s)) != 0)
		goto out;
	rc = store_org_first(s, &a, &o);
	if (rc == STORE_NOTFOUND) {
		o.id = random_id();
		o.name = (char *)name;
		o.created_at = (int64_t)time(NULL);
		rc = store_org_insert(s, &o);
	}
	snprintf(num, sizeof(num), "%lld", (long long)o.id);
	if (rc != STORE_OK || (rc = store_meta_set(s, "home_org", num)) != 0) {
		store_rollback(s);
		goto out;
	}
	if ((rc = store_commit(s)) == STORE_OK)
		*id = o.id;
out:
	arena_release(&a);
	return from_store(rc);
}

int
org_named(struct app *app, struct store *s, int64_t actor, const char *name,
    int64_t *id)
{
	struct arena a;
	struct org o;
	char obj[64];
	int rc;

	if (*name == '\0' || strlen(name) > LIMIT_TEXT_BYTES ||
	    !text_valid(name, strlen(name), 0))
		return ACCOUNT_BAD_NAME;
	arena_init(&a);
	rc = store_org_by_name(s, &a, name, &o);
	if (rc == STORE_OK) {
		*id = o.id;
		goto out;
	}
	if (rc != STORE_NOTFOUND)
		goto out;
	/* The home organisation exists before any other. */
	if ((rc = org_ensure(app, s, name, id)) != 0) {
		rc = STORE_ERR;
		goto out;
	}
	rc = store_org_by_name(s, &a, name, &o);
	if (rc == STORE_OK) {
		*id = o.id;
		goto out;
	}
	if ((rc = store_begin(s)) != 0)
		goto out;
	o.id = random_id();
	o.name = (char *)name;
	o.created_at = (int64_t)time(NULL);
	snprintf(obj, sizeof(obj), "org:%lld", (long long)o.id);
	if ((rc = store_org_insert(s, &o)) != 0 ||
	    (rc = audit_log(app, s, actor, "org.add", obj, "")) != 0) {
		store_rollback(s);
		goto out;
	}
	if ((rc = store_commit(s)) == STORE_OK)
		*id = o.id;
out:
	arena_release(&a);
	return from_store(rc);
}

int
region_code_valid(const char *code)
{
	size_t i, n = strlen(code);

	if (n == 0 || n > LIMIT_CODE_BYTES)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)code[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    (c == '-' && i > 0 && i < n - 1)))
			return 0;
	}
	return 1;
}

int
region_add(struct app *app, struct store *s, int64_t actor, const char *code,
    const char *name, const char *parent_code)
{
	struct region r, parent;
	struct arena a;
	char obj[64];
	int rc;

	if (!region_code_valid(code))
		return ACCOUNT_BAD_REGION;
	if (*name == '\0' || strlen(name) > LIMIT_TEXT_BYTES ||
	    !text_valid(name, strlen(name), 0))
		return ACCOUNT_BAD_NAME;
	arena_init(&a);
	memset(&r, 0, sizeof(r));
	if ((rc = store_begin(s)) != 0)
		goto out;
	if (parent_code != NULL) {
		rc = store_region_by_code(s, &a, parent_code, &parent);
		if (rc != STORE_OK) {
			store_rollback(s);
			rc = rc == STORE_NOTFOUND ? ACCOUNT_BAD_REGION :
			    from_store(rc);
			goto done;
		}
		r.parent_id = parent.id;
	}
	r.id = random_id();
	r.code = (char *)code;
	r.name = (char *)name;
	if ((rc = store_region_insert(s, &r)) != STORE_OK) {
		store_rollback(s);
		goto out;
	}
	snprintf(obj, sizeof(obj), "region:%s", code);
	if ((rc = audit_log(app, s, actor, "region.add", obj, "")) != 0) {
		store_rollback(s);
		goto out;
	}
	rc = store_commit(s);
out:
	rc = from_store(rc);
done:
	arena_release(&a);
	return rc;
}

int
region_list(struct app *app, struct store *s, struct arena *a,
    struct region **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	return from_store(store_region_list(s, a, out, n));
}

/* qsort has no argument for the comparison, so each item carries it. */
struct region_item {
	const char	*lang;
	struct region	 r;
};

static int
by_name(const void *x, const void *y)
{
	const struct region_item *p = x, *q = y;
	int c = lang_collate(p->lang, p->r.name, q->r.name);

	return c != 0 ? c : strcmp(p->r.code, q->r.code);
}

void
region_sort(const char *lang, struct region *regs, size_t n)
{
	struct region_item *v;
	size_t i;

	if (n < 2)
		return;
	v = xmalloc(st_mult(n, sizeof(*v)));
	for (i = 0; i < n; i++) {
		v[i].lang = lang;
		v[i].r = regs[i];
	}
	qsort(v, n, sizeof(*v), by_name);
	for (i = 0; i < n; i++)
		regs[i] = v[i].r;
	free(v);
}

int
account_create(struct app *app, struct store *s, int64_t actor,
    int64_t org_id, enum role role, const char *name, const char *password,
    const char *const *regions, size_t nregions, int64_t *user_id)
{
	char pwh[crypto_pwhash_STRBYTES], obj[64];
	int64_t ids[LIMIT_LIST_ITEMS];
	struct buf sealed;
	struct region reg;
	struct arena a;
	struct user u;
	size_t i;
	int rc, began = 0;

	if (!account_name_valid(name))
		return ACCOUNT_BAD_NAME;
	if (!account_password_valid(password))
		return ACCOUNT_BAD_PASSWORD;
	if (role_name(role) == NULL || nregions > LIMIT_LIST_ITEMS)
		return ACCOUNT_ERR;
	arena_init(&a);
	buf_init(&sealed, BUF_CAP_SMALL);
	memset(&u, 0, sizeof(u));
	if (password_hash(password, pwh, sizeof(pwh)) == -1) {
		rc = ACCOUNT_ERR;
		goto out;
	}
	u.id = random_id();
	u.org_id = org_id;
	u.role = (char *)role_name(role);
	u.status = "active";
	u.pw_hash = pwh;
	u.created_at = (int64_t)time(NULL);
	name_key(app, name, u.name_hash);
	if (seal_value(&app->keys, "users", "name", u.id, name, strlen(name),
	    &sealed) == -1) {
		rc = ACCOUNT_ERR;
		goto out;
	}
	u.name_sealed = (uint8_t *)sealed.buf;
	u.name_sealed_len = sealed.len;

	if ((rc = from_store(store_begin(s))) != 0)
		goto out;
	began = 1;
	for (i = 0; i < nregions; i++) {
		rc = store_region_by_code(s, &a, regions[i], &reg);
		if (rc != STORE_OK) {
			rc = rc == STORE_NOTFOUND ? ACCOUNT_BAD_REGION :
			    from_store(rc);
			goto out;
		}
		ids[i] = reg.id;
	}
	if ((rc = from_store(store_user_insert(s, &u))) != 0)
		goto out;
	if (nregions > 0 && (rc = from_store(store_user_regions_set(s, u.id,
	    ids, nregions))) != 0)
		goto out;
	snprintf(obj, sizeof(obj), "user:%lld", (long long)u.id);
	if ((rc = from_store(audit_log(app, s, actor, "user.add", obj,
	    u.role))) != 0)
		goto out;
	rc = from_store(store_commit(s));
	began = 0;
	if (rc == 0 && user_id != NULL)
		*user_id = u.id;
out:
	if (began) {
		store_rollback(s);
	}
	sodium_memzero(pwh, sizeof(pwh));
	buf_release(&sealed);
	arena_release(&a);
	return rc;
}

/*
 * Resolved sessions and accounts' regions, in memory, so that a request
 * (a screen above all) runs no SQL to know who asks. An entry is
 * trusted for SESSION_RECHECK_SECONDS at most, then checked against the
 * database again; before that it is dropped by account_cache_forget()
 * (here, and through the store's events on other nodes). gen counts the
 * forgets: a lookup that went to the database keeps its answer only if
 * no forget happened meanwhile, so that a session read just before its
 * logout committed is not cached after it.
 */
#define CACHE_BUCKETS	4096		/* a power of two */
#define CACHE_MAX	65536		/* entries of each kind */

struct cached_session {
	struct cached_session	*next;
	uint8_t			 h[HASH_BYTES];
	int64_t			 user_id;
	int64_t			 org_id;
	int64_t			 expires_at;	/* wall clock, as stored */
	int64_t			 checked;	/* monotonic seconds */
	enum role		 role;
	int			 web;		/* a "web" session */
};

struct cached_regions {
	struct cached_regions	*next;
	int64_t			 user_id;
	int64_t			 checked;
	size_t			 n;
	int64_t			*ids;
};

static pthread_rwlock_t cache_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct cached_session *sessions[CACHE_BUCKETS];
static struct cached_regions *followed[CACHE_BUCKETS];
static size_t nsessions, nfollowed;
static uint64_t gen;
static int cache_on = 1;

static int64_t
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

static size_t
token_bucket(const uint8_t h[HASH_BYTES])
{
	uint32_t v;

	memcpy(&v, h, sizeof(v));
	return v & (CACHE_BUCKETS - 1);
}

static size_t
user_bucket(int64_t user_id)
{
	return (size_t)(((uint64_t)user_id * UINT64_C(0x9e3779b97f4a7c15)) >>
	    40) & (CACHE_BUCKETS - 1);
}

static void
session_free(struct cached_session *c)
{
	sodium_memzero(c, sizeof(*c));
	free(c);
}

static void
regions_free(struct cached_regions *c)
{
	free(c->ids);
	free(c);
}

/* Caller holds the write lock. */
static void
clear_locked(void)
{
	struct cached_session *c, *cn;
	struct cached_regions *f, *fn;
	size_t i;

	for (i = 0; i < CACHE_BUCKETS; i++) {
		for (c = sessions[i]; c != NULL; c = cn) {
			cn = c->next;
			session_free(c);
		}
		sessions[i] = NULL;
		for (f = followed[i]; f != NULL; f = fn) {
			fn = f->next;
			regions_free(f);
		}
		followed[i] = NULL;
	}
	nsessions = nfollowed = 0;
	gen++;
}

void
account_cache_clear(void)
{
	pthread_rwlock_wrlock(&cache_lock);
	clear_locked();
	pthread_rwlock_unlock(&cache_lock);
}

void
account_cache_enable(int on)
{
	pthread_rwlock_wrlock(&cache_lock);
	clear_locked();
	cache_on = on;
	pthread_rwlock_unlock(&cache_lock);
}

void
account_cache_forget(int64_t user_id)
{
	struct cached_session **cp, *c;
	struct cached_regions **fp, *f;
	size_t i;

	pthread_rwlock_wrlock(&cache_lock);
	for (i = 0; i < CACHE_BUCKETS; i++) {
		for (cp = &sessions[i]; (c = *cp) != NULL;) {
			if (c->user_id == user_id) {
				*cp = c->next;
				session_free(c);
				nsessions--;
			} else {
				cp = &c->next;
			}
		}
	}
	for (fp = &followed[user_bucket(user_id)]; (f = *fp) != NULL;) {
		if (f->user_id == user_id) {
			*fp = f->next;
			regions_free(f);
			nfollowed--;
		} else {
			fp = &f->next;
		}
	}
	gen++;
	pthread_rwlock_unlock(&cache_lock);
}

/* Drop the session of this token hash; caller holds the write lock. */
static void
drop_session_locked(const uint8_t h[HASH_BYTES])
{
	struct cached_session **cp, *c;

	for (cp = &sessions[token_bucket(h)]; (c = *cp) != NULL;
	    cp = &c->next) {
		if (sodium_memcmp(c->h, h, HASH_BYTES) == 0) {
			*cp = c->next;
			session_free(c);
			nsessions--;
			return;
		}
	}
}

static void
forget_session(const uint8_t h[HASH_BYTES])
{
	pthread_rwlock_wrlock(&cache_lock);
	drop_session_locked(h);
	gen++;
	pthread_rwlock_unlock(&cache_lock);
}

/* 1 and *who filled when the token's session is cached and fresh; 0 when
 * the database must say; ACCOUNT_DENIED when it is cached and not good
 * for this kind or expired. */
static int
cached_resolve(const uint8_t h[HASH_BYTES], const char *kind,
    struct auth *who, uint64_t *gen_seen)
{
	const struct cached_session *c;
	int rc = 0, web = strcmp(kind, "web") == 0;

	pthread_rwlock_rdlock(&cache_lock);
	*gen_seen = gen;
	for (c = sessions[token_bucket(h)]; c != NULL; c = c->next)
		if (sodium_memcmp(c->h, h, HASH_BYTES) == 0)
			break;
	if (!cache_on)
		c = NULL;
	if (c != NULL && mono_now() - c->checked < SESSION_RECHECK_SECONDS) {
		if (c->web != web || c->expires_at <= (int64_t)time(NULL)) {
			rc = ACCOUNT_DENIED;
		} else {
			who->user_id = c->user_id;
			who->org_id = c->org_id;
			who->role = c->role;
			who->web = web;
			rc = 1;
		}
	}
	pthread_rwlock_unlock(&cache_lock);
	return rc;
}

static void
cache_session(const uint8_t h[HASH_BYTES], const struct session *se,
    const struct auth *who, uint64_t gen_seen)
{
	struct cached_session *c;
	size_t b = token_bucket(h);

	pthread_rwlock_wrlock(&cache_lock);
	if (gen != gen_seen || !cache_on)
		goto out;
	drop_session_locked(h);
	/* A bound, not an eviction policy: past it, start again. */
	if (nsessions >= CACHE_MAX)
		clear_locked();
	c = xcalloc(1, sizeof(*c));
	memcpy(c->h, h, HASH_BYTES);
	c->user_id = who->user_id;
	c->org_id = who->org_id;
	c->role = who->role;
	c->web = strcmp(se->kind, "web") == 0;
	c->expires_at = se->expires_at;
	c->checked = mono_now();
	c->next = sessions[b];
	sessions[b] = c;
	nsessions++;
out:
	pthread_rwlock_unlock(&cache_lock);
}

int
session_create(struct app *app, struct store *s, int64_t user_id,
    const char *kind, char token_out[TOKEN_CHARS + 1])
{
	struct session se;
	int64_t now = (int64_t)time(NULL);

	memset(&se, 0, sizeof(se));
	token_new(token_out);
	token_hash(token_out, se.token_hash);
	se.user_id = user_id;
	se.kind = (char *)kind;
	se.created_at = now;
	se.expires_at = now + (strcmp(kind, "api") == 0 ?
	    API_TOKEN_TTL_SECONDS : SESSION_TTL_SECONDS);
	return from_store(store_session_insert(s, &se));
}

/* A hash verified when the name is unknown, so that a wrong name takes as
 * long as a wrong password and names cannot be probed by timing. */
static char dummy_hash[crypto_pwhash_STRBYTES];

static void
make_dummy(void)
{
	char pw[TOKEN_CHARS + 1];

	token_new(pw);
	if (password_hash(pw, dummy_hash, sizeof(dummy_hash)) == -1)
		dummy_hash[0] = '\0';
}

int
account_login(struct app *app, struct store *s, const char *name,
    const char *password, const char *kind, char token_out[TOKEN_CHARS + 1],
    struct auth *who)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	uint8_t h[HASH_BYTES];
	struct arena a;
	struct user u;
	char obj[64];
	int rc;

	arena_init(&a);
	memset(who, 0, sizeof(*who));
	if (!account_name_valid(name) || strlen(password) >
	    LIMIT_PASSWORD_BYTES) {
		rc = ACCOUNT_DENIED;
		goto out;
	}
	name_key(app, name, h);
	rc = store_user_by_name(s, &a, h, &u);
	if (rc == STORE_NOTFOUND) {
		pthread_once(&once, make_dummy);
		(void)password_verify(dummy_hash, password);
		audit_log(app, s, 0, "login.fail", "", "unknown name");
		rc = ACCOUNT_DENIED;
		goto out;
	}
	if ((rc = from_store(rc)) != 0)
		goto out;
	snprintf(obj, sizeof(obj), "user:%lld", (long long)u.id);
	if (password_verify(u.pw_hash, password) == -1) {
		audit_log(app, s, u.id, "login.fail", obj, "wrong password");
		rc = ACCOUNT_DENIED;
		goto out;
	}
	if (strcmp(u.status, "active") != 0) {
		audit_log(app, s, u.id, "login.fail", obj, "suspended");
		rc = ACCOUNT_DENIED;
		goto out;
	}
	if ((rc = from_store(store_begin(s))) != 0)
		goto out;
	if ((rc = session_create(app, s, u.id, kind, token_out)) != 0 ||
	    (rc = from_store(audit_log(app, s, u.id, "login", obj,
	    kind))) != 0) {
		store_rollback(s);
		sodium_memzero(token_out, TOKEN_CHARS + 1);
		goto out;
	}
	if ((rc = from_store(store_commit(s))) != 0) {
		sodium_memzero(token_out, TOKEN_CHARS + 1);
		goto out;
	}
	who->user_id = u.id;
	who->org_id = u.org_id;
	who->role = role_parse(u.role);
	who->web = strcmp(kind, "web") == 0;
	memcpy(who->token, token_out, TOKEN_CHARS + 1);
out:
	sodium_memzero(h, sizeof(h));
	arena_release(&a);
	return rc;
}

int
account_logout(struct app *app, struct store *s, const char *token)
{
	uint8_t h[HASH_BYTES];

	int rc;

	token_hash(token, h);
	rc = store_session_delete(s, h);
	forget_session(h);
	sodium_memzero(h, sizeof(h));
	return rc == STORE_NOTFOUND ? ACCOUNT_OK : from_store(rc);
}

int
account_change_password(struct app *app, struct store *s,
    const struct auth *who, const char *old_pw, const char *new_pw)
{
	char pwh[crypto_pwhash_STRBYTES], obj[64];
	uint8_t keep[HASH_BYTES];
	int64_t user_id = who->user_id;
	struct arena a;
	struct user u;
	int rc;

	if (!account_password_valid(new_pw))
		return ACCOUNT_BAD_PASSWORD;
	arena_init(&a);
	if ((rc = from_store(store_user_get(s, &a, user_id, &u))) != 0)
		goto out;
	if (password_verify(u.pw_hash, old_pw) == -1) {
		rc = ACCOUNT_DENIED;
		goto out;
	}
	if (password_hash(new_pw, pwh, sizeof(pwh)) == -1) {
		rc = ACCOUNT_ERR;
		goto out;
	}
	snprintf(obj, sizeof(obj), "user:%lld", (long long)user_id);
	if ((rc = from_store(store_begin(s))) != 0)
		goto wipe;
	token_hash(who->token, keep);
	if ((rc = from_store(store_user_set_password(s, user_id, pwh))) != 0 ||
	    (rc = from_store(store_session_delete_user(s, user_id,
	    keep))) != 0 ||
	    (rc = from_store(audit_log(app, s, user_id, "user.password", obj,
	    ""))) != 0) {
		store_rollback(s);
		goto wipe;
	}
	if ((rc = from_store(store_commit(s))) == 0)
		account_cache_forget(user_id);
wipe:
	sodium_memzero(keep, sizeof(keep));
	sodium_memzero(pwh, sizeof(pwh));
out:
	arena_release(&a);
	return rc;
}

int
account_set_status(struct app *app, struct store *s, const struct auth *who,
    int64_t user_id, const char *status)
{
	struct arena a;
	struct user u;
	char obj[64];
	int rc;

	if (strcmp(status, "active") != 0 && strcmp(status, "suspended") != 0)
		return ACCOUNT_ERR;
	if ((who->role & ROLES_STAFF) == 0 || user_id == who->user_id)
		return ACCOUNT_DENIED;
	arena_init(&a);
	snprintf(obj, sizeof(obj), "user:%lld", (long long)user_id);
	if ((rc = from_store(store_begin(s))) != 0)
		goto out;
	/* Staff act within their organisation; outreach on members only. */
	if ((rc = from_store(store_user_get(s, &a, user_id, &u))) != 0)
		goto fail;
	if (u.org_id != who->org_id || (who->role == ROLE_OUTREACH &&
	    role_parse(u.role) != ROLE_MEMBER)) {
		rc = ACCOUNT_DENIED;
		goto fail;
	}
	if ((rc = from_store(store_user_set_status(s, user_id, status))) != 0)
		goto fail;
	if (strcmp(status, "suspended") == 0) {
		rc = store_session_delete_user(s, user_id, NULL);
		if (rc != STORE_OK && rc != STORE_NOTFOUND) {
			rc = from_store(rc);
			goto fail;
		}
	}
	if ((rc = from_store(audit_log(app, s, who->user_id, "user.status",
	    obj, status))) != 0)
		goto fail;
	if ((rc = from_store(store_commit(s))) == 0)
		account_cache_forget(user_id);
	goto out;
fail:
	store_rollback(s);
out:
	arena_release(&a);
	return rc;
}

int
session_resolve(struct app *app, struct store *s, const char *token,
    const char *kind, struct auth *who)
{
	struct session se;
	struct arena a;
	struct user u;
	uint8_t h[HASH_BYTES];
	uint64_t gen_seen;
	int rc;

	(void)app;
	memset(who, 0, sizeof(*who));
	if (strlen(token) != TOKEN_CHARS)
		return ACCOUNT_DENIED;
	token_hash(token, h);
	if ((rc = cached_resolve(h, kind, who, &gen_seen)) != 0) {
		if (rc == 1) {
			memcpy(who->token, token, TOKEN_CHARS + 1);
			rc = ACCOUNT_OK;
		}
		sodium_memzero(h, sizeof(h));
		return rc;
	}
	arena_init(&a);
	rc = store_session_get(s, &a, h, (int64_t)time(NULL), &se);
	if (rc != STORE_OK || strcmp(se.kind, kind) != 0) {
		rc = rc == STORE_OK || rc == STORE_NOTFOUND ? ACCOUNT_DENIED :
		    from_store(rc);
		goto out;
	}
	if ((rc = from_store(store_user_get(s, &a, se.user_id, &u))) != 0)
		goto out;
	if (strcmp(u.status, "active") != 0) {
		rc = ACCOUNT_DENIED;
		goto out;
	}
	who->user_id = u.id;
	who->org_id = u.org_id;
	who->role = role_parse(u.role);
	who->web = strcmp(kind, "web") == 0;
	memcpy(who->token, token, TOKEN_CHARS + 1);
	cache_session(h, &se, who, gen_seen);
out:
	if (rc == ACCOUNT_DENIED) {
		/* Only what the database said; no change to wait for. */
		pthread_rwlock_wrlock(&cache_lock);
		drop_session_locked(h);
		pthread_rwlock_unlock(&cache_lock);
	}
	sodium_memzero(h, sizeof(h));
	arena_release(&a);
	return rc;
}

int
account_followed(struct app *app, struct store *s, struct arena *a,
    int64_t user_id, int64_t **ids, size_t *n)
{
	struct cached_regions *f;
	uint64_t gen_seen;
	size_t b = user_bucket(user_id);
	int rc;

	(void)app;
	*ids = NULL;
	*n = 0;
	pthread_rwlock_rdlock(&cache_lock);
	gen_seen = gen;
	for (f = followed[b]; f != NULL; f = f->next)
		if (f->user_id == user_id)
			break;
	if (!cache_on)
		f = NULL;
	if (f != NULL && mono_now() - f->checked < SESSION_RECHECK_SECONDS) {
		*ids = arena_memdup(a, f->ids, st_mult(f->n ? f->n : 1,
		    sizeof(**ids)));
		*n = f->n;
		pthread_rwlock_unlock(&cache_lock);
		return 0;
	}
	pthread_rwlock_unlock(&cache_lock);
	if ((rc = store_user_regions_get(s, a, user_id, ids, n)) != 0)
		return rc;
	pthread_rwlock_wrlock(&cache_lock);
	if (gen == gen_seen && cache_on) {
		struct cached_regions **fp;

		for (fp = &followed[b]; (f = *fp) != NULL; fp = &f->next) {
			if (f->user_id == user_id) {
				*fp = f->next;
				regions_free(f);
				nfollowed--;
				break;
			}
		}
		if (nfollowed >= CACHE_MAX)
			clear_locked();
		f = xcalloc(1, sizeof(*f));
		f->user_id = user_id;
		f->checked = mono_now();
		f->n = *n;
		f->ids = xmalloc(st_mult(*n ? *n : 1, sizeof(*f->ids)));
		if (*n)
			memcpy(f->ids, *ids, st_mult(*n, sizeof(*f->ids)));
		f->next = followed[b];
		followed[b] = f;
		nfollowed++;
	}
	pthread_rwlock_unlock(&cache_lock);
	return 0;
}

int
account_set_regions(struct app *app, struct store *s, const struct auth *who,
    const char *const *codes, size_t n)
{
	int64_t ids[LIMIT_LIST_ITEMS];
	struct region reg;
	struct arena a;
	char obj[64];
	size_t i;
	int rc;

	if (n > LIMIT_LIST_ITEMS)
		return ACCOUNT_BAD_REGION;
	arena_init(&a);
	if ((rc = from_store(store_begin(s))) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		rc = store_region_by_code(s, &a, codes[i], &reg);
		if (rc != STORE_OK) {
			rc = rc == STORE_NOTFOUND ? ACCOUNT_BAD_REGION :
			    from_store(rc);
			goto fail;
		}
		ids[i] = reg.id;
	}
	if ((rc = from_store(store_user_regions_set(s, who->user_id, ids,
	    n))) != 0)
		goto fail;
	snprintf(obj, sizeof(obj), "user:%lld", (long long)who->user_id);
	if ((rc = from_store(audit_log(app, s, who->user_id, "user.regions",
	    obj, ""))) != 0)
		goto fail;
	if ((rc = from_store(store_commit(s))) == 0)
		account_cache_forget(who->user_id);
	goto out;
fail:
	store_rollback(s);
out:
	arena_release(&a);
	return rc;
}

int
account_regions(struct app *app, struct store *s, struct arena *a,
    const struct auth *who, const char ***codes, size_t *n)
{
	struct region *all;
	int64_t *ids;
	size_t nall, nids, i, k, m = 0;
	int rc;

	*codes = NULL;
	*n = 0;
	if ((rc = from_store(store_user_regions_get(s, a, who->user_id, &ids,
	    &nids))) != 0)
		return rc;
	if ((rc = from_store(store_region_list(s, a, &all, &nall))) != 0)
		return rc;
	*codes = arena_alloc(a, sizeof(**codes) * (nids ? nids : 1));
	for (i = 0; i < nall; i++)
		for (k = 0; k < nids; k++)
			if (all[i].id == ids[k])
				(*codes)[m++] = all[i].code;
	*n = m;
	return 0;
}
