/*
 * db.h: the driver interface under the store. Internal to src/store/ and
 * its unit tests; nothing above store.h includes it.
 *
 * The domain functions of store.h are written once, in portable SQL, on
 * top of struct db_driver. A database is added by writing one driver
 * (sqlite.c today, postgres.c later) and nothing else. The portable SQL
 * rules every statement follows:
 *
 *  - parameters are $1, $2, ... numbered in order of first appearance
 *    (SQLite treats "$1" as a named parameter whose index is its order of
 *    first appearance; the SQLite driver refuses any other numbering, so
 *    a statement that works here also works on PostgreSQL);
 *  - ids are 64-bit integers chosen by the caller; blobs are BLOB here and
 *    bytea there; timestamps are int64 unix seconds;
 *  - only functions both databases have (COALESCE, MAX, COUNT, length),
 *    INSERT ... ON CONFLICT, and UPDATE/DELETE ... RETURNING;
 *  - text comparison and ORDER BY on text assume bytewise ("C")
 *    collation, and lower() folds ASCII only: the PostgreSQL driver
 *    refuses a database whose collation or ctype is not C.
 *
 * Return values: every int-returning operation returns 0 (step: 1 for a
 * row, 0 when done) or a negative enum store_rc, already classified by
 * the driver and already logged by it (the statement's first words and
 * the database's message; never a bound value).
 *
 * Ownership and lifetime:
 *  - a struct db belongs to one thread at a time;
 *  - a statement from prepare() is released by finalize(), always, even
 *    after an error; finalize(NULL) does nothing. A driver may cache the
 *    statement (by SQL text) and hand it out again, so callers pass SQL
 *    that lives as long as the connection, normally a string literal;
 *  - memory passed to bind_text()/bind_blob() must stay valid and
 *    unchanged until the statement is finalized (drivers need not copy);
 *  - a bind error is remembered and returned by the next step(), so
 *    callers may ignore the binds' return values;
 *  - pointers from col_text()/col_blob() are valid until the next step()
 *    or finalize() on that statement.
 */
#ifndef LOOKOUT_STORE_DB_H
#define LOOKOUT_STORE_DB_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct db_driver;

/* Which SQL dialect a driver speaks: only migrations.c looks at this, to
 * spell column types. */
enum db_dialect {
	DB_DIALECT_SQLITE,
	DB_DIALECT_POSTGRES,
};

/* A driver's connection and statement structs begin with these. */
struct db {
	const struct db_driver	*drv;
};

struct db_stmt {
	struct db		*db;
};

struct store_listener {
	const struct db_driver	*drv;
};

struct db_driver {
	const char	*name;
	enum db_dialect	 dialect;

	/* Open the database of data dir dir (or at url, for a network
	 * database) with this driver's connection settings. With create, a
	 * missing database is created; migrations are not the driver's job.
	 * On failure, a human-readable reason goes to err. */
	int	 (*open)(const char *dir, const char *url, int create,
		    struct db **out, char *err, size_t errlen);
	void	 (*close)(struct db *db);

	/* Run one or more ;-separated statements without parameters or
	 * results: schema changes, settings. */
	int	 (*exec)(struct db *db, const char *sql);

	/* One statement. */
	int	 (*prepare)(struct db *db, const char *sql,
		    struct db_stmt **out);
	int	 (*bind_int)(struct db_stmt *st, int i, int64_t v);
	int	 (*bind_text)(struct db_stmt *st, int i, const char *v);
	int	 (*bind_blob)(struct db_stmt *st, int i, const void *p,
		    size_t n);
	int	 (*bind_null)(struct db_stmt *st, int i);
	int	 (*step)(struct db_stmt *st);
	/* Columns count from 0, parameters from 1. */
	int64_t	 (*col_int)(struct db_stmt *st, int i);
	const char *(*col_text)(struct db_stmt *st, int i);	/* NULL: NULL */
	const void *(*col_blob)(struct db_stmt *st, int i, size_t *n);
	int	 (*col_null)(struct db_stmt *st, int i);
	void	 (*finalize)(struct db_stmt *st);

	/* A write transaction: begin takes the write lock. commit rolls back
	 * when it fails, so the connection is never left inside a
	 * transaction. rollback with no transaction open is a no-op. */
	int	 (*begin)(struct db *db);
	int	 (*commit)(struct db *db);
	int	 (*rollback)(struct db *db);
	/* 1 while the database has a transaction open on this connection;
	 * lets the store notice one the database rolled back on its own. */
	int	 (*in_tx)(struct db *db);

	/* Integrity of the database: 0 when sound, problems logged. */
	int	 (*check)(struct db *db);

	/* Backups, as store_backup() and store_restore() describe them.
	 * Failures are described in err (and not logged: the CLI prints
	 * them). NULL for a database that has tools of its own for this
	 * (pg_dump): the store then says so. */
	int	 (*backup)(struct db *db, const char *path, char *err,
		    size_t errlen);
	int	 (*restore)(const char *dir, const char *url, const char *path,
		    char *err, size_t errlen);

	/* Events for other nodes (store.h): notify emits one inside the
	 * current transaction (at once outside one); listen_open,
	 * listen_start and listen_close implement store_listener_*. NULL
	 * for a database that one process uses alone. */
	int	 (*notify)(struct db *db, enum store_event event, int64_t id);
	int	 (*listen_open)(const char *url, store_event_fn fn, void *arg,
		    struct store_listener **out, char *err, size_t errlen);
	int	 (*listen_start)(struct store_listener *l);
	void	 (*listen_close)(struct store_listener *l);

	/* The error classifier the driver uses for every failure: maps a
	 * native error code (SQLite extended result code; PostgreSQL's
	 * SQLSTATE packed as PostgreSQL's own MAKE_SQLSTATE does) to an enum
	 * store_rc. writing says whether the failed statement writes, which
	 * decides whether an I/O error means a full disk. */
	int	 (*classify)(int native, int writing);
};

extern const struct db_driver db_sqlite;
#ifdef LOOKOUT_POSTGRES
extern const struct db_driver db_postgres;
#endif

/* The statement's verb and table for a log line ("INSERT INTO users",
 * "SELECT FROM sessions"): enough to find the call, and never anything
 * bound to it. For drivers' error messages. */
void	db_sql_words(const char *sql, char *out, size_t len);

static inline int
db_exec(struct db *db, const char *sql)
{
	return db->drv->exec(db, sql);
}

static inline int
db_prepare(struct db *db, const char *sql, struct db_stmt **out)
{
	return db->drv->prepare(db, sql, out);
}

static inline int
db_bind_int(struct db_stmt *st, int i, int64_t v)
{
	return st->db->drv->bind_int(st, i, v);
}

static inline int
db_bind_text(struct db_stmt *st, int i, const char *v)
{
	return st->db->drv->bind_text(st, i, v);
}

static inline int
db_bind_blob(struct db_stmt *st, int i, const void *p, size_t n)
{
	return st->db->drv->bind_blob(st, i, p, n);
}

static inline int
db_bind_null(struct db_stmt *st, int i)
{
	return st->db->drv->bind_null(st, i);
}

static inline int
db_step(struct db_stmt *st)
{
	return st->db->drv->step(st);
}

static inline int64_t
db_col_int(struct db_stmt *st, int i)
{
	return st->db->drv->col_int(st, i);
}

static inline const char *
db_col_text(struct db_stmt *st, int i)
{
	return st->db->drv->col_text(st, i);
}

static inline const void *
db_col_blob(struct db_stmt *st, int i, size_t *n)
{
	return st->db->drv->col_blob(st, i, n);
}

static inline int
db_col_null(struct db_stmt *st, int i)
{
	return st->db->drv->col_null(st, i);
}

static inline void
db_finalize(struct db_stmt *st)
{
	if (st != NULL)
		st->db->drv->finalize(st);
}

/*
 * Schema: migrations.c. store_migrate() brings db up to the newest schema
 * in one transaction; it is a no-op on an up-to-date database and refuses
 * a database newer than this program.
 */
int	store_migrate(struct db *db, char *err, size_t errlen);
int	store_migration_latest(void);

/* For unit tests only: the connection under a struct store, to inspect
 * settings and schema directly. */
struct db *store_debug_db(struct store *s);

#endif
