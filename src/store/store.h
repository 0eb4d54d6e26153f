/*
 * store.h: the only interface to persistent data.
 *
 * Everything above src/store/ talks to the database through these
 * functions; none of it knows which database it is (SQLite or
 * PostgreSQL) and none of it writes SQL. Sealed columns arrive here
 * already sealed: the store never sees a key or a plaintext secret.
 *
 * Threads: a struct store is one connection and is used by one thread at
 * a time. A server keeps a struct store_pool and each request acquires a
 * connection for its lifetime.
 *
 * Return values: 0 on success, or a negative enum store_rc. Every failure
 * is logged once, here, where it happens (without any sealed value).
 *
 * Memory: results that hold strings or blobs are allocated from the arena
 * the caller passes and live as long as it does.
 *
 * Transactions: store_begin() nests, and every begin is closed by exactly
 * one store_commit() or store_rollback(); each of them ends one level.
 * Only the outermost level touches the database. A store_rollback() at
 * any depth dooms the whole transaction: the outermost store_commit()
 * then rolls back and returns STORE_ERR, and an outermost
 * store_rollback() rolls back and returns 0. A transaction takes the
 * write lock at begin, so a read-then-write inside it cannot deadlock.
 */
#ifndef LOOKOUT_STORE_H
#define LOOKOUT_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"

enum store_rc {
	STORE_OK = 0,
	STORE_ERR = -1,		/* unexpected; logged */
	STORE_NOTFOUND = -2,	/* no such row; or, on insert, a row it
				 * refers to (an org, a parent region) */
	STORE_CONFLICT = -3,	/* unique key already present */
	STORE_FULL = -4,	/* disk or quota full: answer 503 */
	STORE_BUSY = -5,	/* locked or unreachable: answer 503 */
};

#define STORE_HASH_BYTES 32

struct store;
struct store_pool;

/*
 * Open the database for data dir DIR (SQLite file DIR/lookout.db), or the
 * database at url when url is non-NULL and non-empty. With create, a
 * missing database is created; without it, a missing database is an
 * error. Migrations run on open. On failure returns NULL and writes a
 * human-readable reason to err.
 */
struct store	*store_open(const char *dir, const char *url, int create,
		    char *err, size_t errlen);
void		 store_close(struct store *s);

struct store_pool *store_pool_open(const char *dir, const char *url, int n,
		    char *err, size_t errlen);
void		 store_pool_close(struct store_pool *p);
struct store	*store_acquire(struct store_pool *p);	/* blocks */
void		 store_release(struct store_pool *p, struct store *s);

/*
 * Events between the nodes that share one database. A write that other
 * nodes must hear of (an alert published, changed or withdrawn; a session
 * ended or an account changed, by the account's id) emits its event
 * inside its transaction; the event is delivered to listeners only if,
 * and when, the transaction commits. An event carries an id and nothing
 * else. On SQLite, which one server uses alone, nothing is emitted and
 * there is nothing to listen to.
 *
 * A listener has a connection of its own and, once started, a thread of
 * its own that calls fn(event, id, arg) for every event, in commit
 * order, including those of this process. After its connection broke
 * and came back, events may have been missed: it then calls fn with
 * STORE_EVENT_RESYNC (id 0), and again every second until fn returns 0.
 * When it notices the break it calls fn with STORE_EVENT_LOST (id 0).
 * fn returning non-zero for any other event asks for a resync too.
 *
 * store_listener_open() connects and starts listening at once, so that
 * no event committed after it returns is missed; it sets *out to NULL
 * (and returns 0) when the database has no other nodes. The thread
 * starts with store_listener_start(); store_listener_close() stops it
 * and frees the listener. fn runs on the listener's thread only.
 */
enum store_event {
	STORE_EVENT_RESYNC,
	STORE_EVENT_ALERT_PUBLISHED,
	STORE_EVENT_ALERT_WITHDRAWN,
	STORE_EVENT_ALERT_CHANGED,	/* what a screening answer shows */
	STORE_EVENT_USER_CHANGED,	/* a session ended, the account's
					 * status, password or regions */
	STORE_EVENT_LOST,		/* the connection broke: events may
					 * be missed until the next RESYNC */
};
typedef int (*store_event_fn)(enum store_event event, int64_t id,
    void *arg);
struct store_listener;

int	store_listener_open(const char *url, store_event_fn fn, void *arg,
	    struct store_listener **out, char *err, size_t errlen);
int	store_listener_start(struct store_listener *l);
void	store_listener_close(struct store_listener *l);

/*
 * Make this connection's commits cheap: they survive a crash of the
 * process at once, but reach the disk only with a later commit or
 * checkpoint, so a power loss may undo the last of them. SQLite:
 * synchronous=NORMAL in WAL mode; PostgreSQL: synchronous_commit off.
 * Only for writes nobody was told are saved (the outbox sender's).
 */
int	store_relax_sync(struct store *s);

int	store_begin(struct store *s);
int	store_commit(struct store *s);
int	store_rollback(struct store *s);

int	store_schema_version(struct store *s, int *version);
/* Integrity check of the database (SQLite: the file and its foreign
 * keys; PostgreSQL: the schema is readable, no index is invalid); 0 when
 * it is sound. */
int	store_check(struct store *s);

/*
 * Backups. store_backup() copies the database s is connected to into a
 * new file at path, mode 0600: a consistent copy as of one moment, made
 * while a server goes on reading and writing. The copy is written beside
 * path and renamed to it only once complete and synced; an existing path
 * is refused (STORE_CONFLICT). s must not be inside a transaction.
 *
 * store_restore() replaces the database of data dir dir (or at url) with
 * the backup at path: it checks the backup's integrity and schema version
 * first, and refuses (STORE_BUSY) while anything, such as a server, has
 * the database open. A failed restore leaves the database as it was.
 * Whether to replace an existing database is the caller's decision.
 *
 * Neither touches the key file: a backup holds only sealed data, and is
 * useless without the key, which is kept and backed up separately. On
 * failure both return a negative store_rc with the reason in err; a
 * database with backup tools of its own (PostgreSQL) answers that they
 * are to be used instead.
 */
int	store_backup(struct store *s, const char *path, char *err,
	    size_t errlen);
int	store_restore(const char *dir, const char *url, const char *path,
	    char *err, size_t errlen);

/* Organisations. */
struct org {
	int64_t	 id;
	char	*name;
	int64_t	 created_at;
};
int	store_org_insert(struct store *s, const struct org *o);
int	store_org_get(struct store *s, struct arena *a, int64_t id,
	    struct org *out);
/* The organisation created first (the instance's own). */
int	store_org_first(struct store *s, struct arena *a, struct org *out);
int	store_org_by_name(struct store *s, struct arena *a, const char *name,
	    struct org *out);

/* Regions form a tree; parent_id is 0 for a root. */
struct region {
	int64_t	 id;
	char	*code;
	char	*name;
	int64_t	 parent_id;
};
int	store_region_insert(struct store *s, const struct region *r);
int	store_region_by_code(struct store *s, struct arena *a,
	    const char *code, struct region *out);
/* All regions, ordered by code. */
int	store_region_list(struct store *s, struct arena *a,
	    struct region **out, size_t *n);

/* Users. name_hash is the keyed hash of the lower-cased working name;
 * name_sealed is the sealed working name. role and status are short
 * words: member|outreach|admin|liaison and active|suspended. */
struct user {
	int64_t	 id;
	int64_t	 org_id;
	char	*role;
	uint8_t	 name_hash[STORE_HASH_BYTES];
	uint8_t	*name_sealed;
	size_t	 name_sealed_len;
	char	*pw_hash;
	char	*status;
	int64_t	 created_at;
};
int	store_user_insert(struct store *s, const struct user *u);
int	store_user_get(struct store *s, struct arena *a, int64_t id,
	    struct user *out);
int	store_user_by_name(struct store *s, struct arena *a,
	    const uint8_t name_hash[STORE_HASH_BYTES], struct user *out);
int	store_user_set_password(struct store *s, int64_t id,
	    const char *pw_hash);
int	store_user_set_status(struct store *s, int64_t id, const char *status);
int	store_user_count(struct store *s, int64_t *n);
/* Replace the user's region subscriptions with region ids ids[0..n). */
int	store_user_regions_set(struct store *s, int64_t user_id,
	    const int64_t *ids, size_t n);
int	store_user_regions_get(struct store *s, struct arena *a,
	    int64_t user_id, int64_t **ids, size_t *n);

/* Sessions and API tokens, by the hash of the token. kind is "web" or
 * "api". Lookups ignore rows whose expires_at <= now. */
struct session {
	uint8_t	 token_hash[STORE_HASH_BYTES];
	int64_t	 user_id;
	char	*kind;
	int64_t	 created_at;
	int64_t	 expires_at;
};
int	store_session_insert(struct store *s, const struct session *se);
int	store_session_get(struct store *s, struct arena *a,
	    const uint8_t token_hash[STORE_HASH_BYTES], int64_t now,
	    struct session *out);
int	store_session_delete(struct store *s,
	    const uint8_t token_hash[STORE_HASH_BYTES]);
/* Every session of user_id but the one of keep (NULL: every one). */
int	store_session_delete_user(struct store *s, int64_t user_id,
	    const uint8_t *keep);
int	store_session_purge(struct store *s, int64_t now);

/*
 * The audit log: append-only. seq is assigned by the store, increasing by
 * one from 1. prev is the previous row's hash (zeroes for the first row);
 * the caller computes hash over the row. store_audit_last() returns
 * STORE_NOTFOUND on an empty log.
 *
 * store_audit_insert() takes r->seq 0 as "assign the next", and refuses
 * with STORE_CONFLICT a non-zero r->seq that is not the next one or an
 * r->prev that is not the last row's hash: another writer got there
 * first, so read the last row again and recompute. Inserting inside the
 * caller's transaction, after store_audit_last() in it, cannot conflict.
 */
struct audit_row {
	int64_t	 seq;
	int64_t	 at;
	int64_t	 actor_id;	/* 0 when no account (public, CLI) */
	char	*action;
	char	*object;
	char	*detail;
	uint8_t	 prev[STORE_HASH_BYTES];
	uint8_t	 hash[STORE_HASH_BYTES];
};
int	store_audit_last(struct store *s, struct arena *a,
	    struct audit_row *out);
int	store_audit_insert(struct store *s, const struct audit_row *r);
/* Calls fn for every row in seq order until fn returns non-zero, which is
 * then returned. A row's strings are valid only until fn returns (rows
 * are not kept in a, so a long log is walked in constant memory); copy
 * what must outlive the call. */
int	store_audit_each(struct store *s, struct arena *a,
	    int (*fn)(const struct audit_row *, void *), void *arg);

/* Small settings: key/value text. */
int	store_meta_get(struct store *s, struct arena *a, const char *key,
	    char **value);
int	store_meta_set(struct store *s, const char *key, const char *value);

#endif
