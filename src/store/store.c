/*
 * store.c: opening, pooling and transactions for store.h, the statement
 * helpers the other store files share, and small settings.
 *
 * Everything here talks to the database only through db.h, so it is the
 * same for every driver.
 */
#include <ctype.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/internal.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/exedir.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define POOL_MAX	1024

struct store_pool {
	pthread_mutex_t	  mu;
	pthread_cond_t	  cv;
	struct store	**all;
	struct store	**idle;
	int		  n;
	int		  nidle;
};

#ifdef LOOKOUT_POSTGRES
/*
 * The PostgreSQL driver is a module, STORE_POSTGRES_MODULE next to the
 * program, loaded the first time a postgresql:// database is opened
 * (before serve's filter goes in, which forbids loading code) and kept:
 * libpq and what it brings (libssl, libcrypto, Kerberos, LDAP) are
 * megabytes an SQLite instance never maps. A program that links the
 * driver in (its unit test) uses that instead.
 */
#define STORE_POSTGRES_MODULE	"lookout-postgres.so"

extern const struct db_driver db_postgres __attribute__((weak));

static const struct db_driver *postgres;
static pthread_mutex_t postgres_lock = PTHREAD_MUTEX_INITIALIZER;

static const struct db_driver *
postgres_driver(char *err, size_t errlen)
{
	const struct db_driver *drv;
	char path[4096];
	void *h;

	pthread_mutex_lock(&postgres_lock);
	if (postgres == NULL && &db_postgres != NULL)
		postgres = &db_postgres;
	if (postgres == NULL) {
		if (exe_sibling(STORE_POSTGRES_MODULE, path,
		    sizeof(path)) == -1) {
			snprintf(err, errlen, "cannot find the postgresql "
			    "driver %s (see the log)", STORE_POSTGRES_MODULE);
		} else if ((h = dlopen(path, RTLD_NOW | RTLD_LOCAL)) ==
		    NULL) {
			snprintf(err, errlen, "cannot load the postgresql "
			    "driver: %s (install %s next to lookout; see "
			    "docs/deployment.md)", dlerror(),
			    STORE_POSTGRES_MODULE);
		} else if ((postgres = dlsym(h, "db_postgres")) == NULL) {
			snprintf(err, errlen, "'%s' is not lookout's "
			    "postgresql driver", path);
			dlclose(h);
		}
	}
	drv = postgres;
	pthread_mutex_unlock(&postgres_lock);
	return drv;
}
#endif

/*
 * The driver for url: SQLite in the data dir unless url names another
 * database. The url is never copied into err: it may hold a password.
 */
static const struct db_driver *
driver_for(const char *url, char *err, size_t errlen)
{
	if (url == NULL || *url == '\0')
		return &db_sqlite;
	if (strncmp(url, "postgresql://", 13) == 0 ||
	    strncmp(url, "postgres://", 11) == 0) {
#ifdef LOOKOUT_POSTGRES
		return postgres_driver(err, errlen);
#else
		snprintf(err, errlen, "this lookout is built without "
		    "postgresql support; leave 'db' empty to use sqlite");
		return NULL;
#endif
	}
	snprintf(err, errlen, "unknown kind of database in 'db' "
	    "(expected empty or postgresql://...)");
	return NULL;
}

void
db_sql_words(const char *sql, char *out, size_t len)
{
	const char *p, *from;
	size_t o = 0;
	int words = 0;

	while (isspace((unsigned char)*sql))
		sql++;
	if ((strncmp(sql, "SELECT", 6) == 0 ||
	    strncmp(sql, "DELETE", 6) == 0) &&
	    (from = strstr(sql, " FROM ")) != NULL) {
		from += 6;
		snprintf(out, len, "%.6s FROM %.*s", sql,
		    (int)strcspn(from, " \t\n;()"), from);
		return;
	}
	for (p = sql; *p != '\0' && o + 1 < len;) {
		if (isspace((unsigned char)*p)) {
			while (isspace((unsigned char)*p))
				p++;
			if (++words == 3 || *p == '\0')
				break;
			out[o++] = ' ';
			continue;
		}
		out[o++] = *p++;
	}
	out[o] = '\0';
}

int
store_emit(struct store *s, enum store_event event, int64_t id)
{
	if (s->db->drv->notify == NULL)
		return 0;
	if (s->doomed)
		return STORE_ERR;
	return s->db->drv->notify(s->db, event, id);
}

int
store_listener_open(const char *url, store_event_fn fn, void *arg,
    struct store_listener **out, char *err, size_t errlen)
{
	const struct db_driver *drv;

	*out = NULL;
	if ((drv = driver_for(url, err, errlen)) == NULL)
		return STORE_ERR;
	if (drv->listen_open == NULL)
		return 0;
	return drv->listen_open(url, fn, arg, out, err, errlen);
}

int
store_listener_start(struct store_listener *l)
{
	return l != NULL ? l->drv->listen_start(l) : 0;
}

void
store_listener_close(struct store_listener *l)
{
	if (l != NULL)
		l->drv->listen_close(l);
}

struct store *
store_open(const char *dir, const char *url, int create, char *err,
    size_t errlen)
{
	const struct db_driver *drv;
	struct store *s = NULL;
	struct db *db = NULL;
	char ebuf[256];

	if (err == NULL || errlen == 0) {
		err = ebuf;
		errlen = sizeof(ebuf);
	}
	*err = '\0';
	if ((drv = driver_for(url, err, errlen)) == NULL)
		goto out;
	if (drv->open(dir, url, create, &db, err, errlen) != 0)
		goto out;
	if (store_migrate(db, err, errlen) != 0)
		goto out;
	s = xcalloc(1, sizeof(*s));
	s->db = db;
	db = NULL;
out:
	if (db != NULL)
		db->drv->close(db);
	return s;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	if (s->depth != 0) {
		log_error("store: closing inside a transaction (depth %d); "
		    "rolling it back", s->depth);
		s->db->drv->rollback(s->db);
	}
	s->db->drv->close(s->db);
	free(s);
}

struct db *
store_debug_db(struct store *s)
{
	return s->db;
}

struct store_pool *
store_pool_open(const char *dir, const char *url, int n, char *err,
    size_t errlen)
{
	struct store_pool *p;
	int i;

	if (n < 1 || n > POOL_MAX) {
		snprintf(err, errlen, "database pool size %d is not between 1 "
		    "and %d", n, POOL_MAX);
		return NULL;
	}
	p = xcalloc(1, sizeof(*p));
	p->all = xcalloc((size_t)n, sizeof(*p->all));
	p->idle = xcalloc((size_t)n, sizeof(*p->idle));
	for (i = 0; i < n; i++) {
		if ((p->all[i] = store_open(dir, url, 0, err, errlen)) == NULL)
			goto fail;
		p->idle[i] = p->all[i];
	}
	p->n = p->nidle = n;
	if (pthread_mutex_init(&p->mu, NULL) != 0 ||
	    pthread_cond_init(&p->cv, NULL) != 0)
		fatal("store: cannot initialise the pool's lock");
	return p;
fail:
	while (i-- > 0)
		store_close(p->all[i]);
	free(p->all);
	free(p->idle);
	free(p);
	return NULL;
}

void
store_pool_close(struct store_pool *p)
{
	int i;

	if (p == NULL)
		return;
	if (p->nidle != p->n)
		log_error("store: closing the pool with %d connections in "
		    "use", p->n - p->nidle);
	for (i = 0; i < p->n; i++)
		store_close(p->all[i]);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p->all);
	free(p->idle);
	free(p);
}

struct store *
store_acquire(struct store_pool *p)
{
	struct store *s;

	pthread_mutex_lock(&p->mu);
	while (p->nidle == 0)
		pthread_cond_wait(&p->cv, &p->mu);
	s = p->idle[--p->nidle];
	pthread_mutex_unlock(&p->mu);
	return s;
}

void
store_release(struct store_pool *p, struct store *s)
{
	if (s == NULL)
		return;
	/* A connection goes back clean: whatever its last user left open
	 * is abandoned, not committed. */
	if (s->depth != 0 || s->db->drv->in_tx(s->db)) {
		log_error("store: connection released inside a transaction "
		    "(depth %d); rolling it back", s->depth);
		s->db->drv->rollback(s->db);
	}
	s->depth = 0;
	s->doomed = 0;
	pthread_mutex_lock(&p->mu);
	p->idle[p->nidle++] = s;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

int
store_begin(struct store *s)
{
	int rc;

	if (s->doomed) {
		log_warn("store: begin inside a transaction already rolled "
		    "back");
		return STORE_ERR;
	}
	if (s->depth == 0 && (rc = s->db->drv->begin(s->db)) != 0)
		return rc;
	s->depth++;
	return 0;
}

int
store_commit(struct store *s)
{
	int rc;

	if (s->depth == 0) {
		log_error("store: commit without a transaction");
		return STORE_ERR;
	}
	if (--s->depth > 0)
		return s->doomed ? STORE_ERR : 0;
	if (s->doomed) {
		/* Whoever rolled back logged why. */
		s->doomed = 0;
		s->db->drv->rollback(s->db);
		log_info("store: transaction rolled back at an inner level; "
		    "nothing committed");
		return STORE_ERR;
	}
	if ((rc = s->db->drv->commit(s->db)) != 0)
		return rc;
	return 0;
}

int
store_rollback(struct store *s)
{
	if (s->depth == 0) {
		log_error("store: rollback without a transaction");
		return STORE_ERR;
	}
	if (--s->depth > 0) {
		s->doomed = 1;
		return 0;
	}
	s->doomed = 0;
	return s->db->drv->rollback(s->db);
}

int
store_relax_sync(struct store *s)
{
	return db_exec(s->db, s->db->drv->dialect == DB_DIALECT_POSTGRES ?
	    "SET synchronous_commit = off" : "PRAGMA synchronous=NORMAL");
}

int
store_stmt_prepare(struct store *s, const char *sql, struct db_stmt **st)
{
	*st = NULL;
	if (s->doomed) {
		log_warn("store: statement refused: the transaction was "
		    "already rolled back");
		return STORE_ERR;
	}
	return db_prepare(s->db, sql, st);
}

int
store_stmt_step(struct store *s, struct db_stmt *st)
{
	int rc = db_step(st);

	if (rc < 0 && s->depth > 0 && !s->doomed &&
	    !s->db->drv->in_tx(s->db)) {
		log_error("store: the database rolled the transaction back");
		s->doomed = 1;
	}
	return rc;
}

int
store_stmt_row(struct store *s, struct db_stmt *st)
{
	int rc = store_stmt_step(s, st);

	if (rc == 1)
		return 0;
	return rc == 0 ? STORE_NOTFOUND : rc;
}

int
store_stmt_run(struct store *s, struct db_stmt *st)
{
	int rc;

	while ((rc = store_stmt_step(s, st)) == 1)
		;
	return rc;
}

int
store_int_query(struct store *s, const char *sql, int64_t *out)
{
	struct db_stmt *st = NULL;
	int rc;

	if ((rc = store_stmt_prepare(s, sql, &st)) == 0 &&
	    (rc = store_stmt_row(s, st)) == 0)
		*out = db_col_int(st, 0);
	db_finalize(st);
	return rc;
}

char *
store_col_str(struct arena *a, struct db_stmt *st, int i)
{
	const char *v = db_col_text(st, i);

	return arena_strdup(a, v != NULL ? v : "");
}

uint8_t *
store_col_bytes(struct arena *a, struct db_stmt *st, int i, size_t *n)
{
	const void *p = db_col_blob(st, i, n);

	if (p == NULL || *n == 0) {
		*n = 0;
		return NULL;
	}
	return arena_memdup(a, p, *n);
}

int
store_col_hash(struct db_stmt *st, int i, uint8_t out[STORE_HASH_BYTES])
{
	const void *p;
	size_t n;

	p = db_col_blob(st, i, &n);
	if (p == NULL || n != STORE_HASH_BYTES) {
		log_error("store: column %d holds %zu bytes, not a hash", i, n);
		return STORE_ERR;
	}
	memcpy(out, p, STORE_HASH_BYTES);
	return 0;
}

int
store_schema_version(struct store *s, int *version)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "SELECT COALESCE(MAX(version), 0) "
	    "FROM schema_version", &st);
	if (rc != 0)
		goto out;
	if ((rc = store_stmt_row(s, st)) != 0)
		goto out;
	*version = (int)db_col_int(st, 0);
out:
	db_finalize(st);
	return rc;
}

int
store_check(struct store *s)
{
	return s->db->drv->check(s->db);
}

static int
no_backups(const struct db_driver *drv, char *err, size_t errlen)
{
	snprintf(err, errlen, "lookout does not back up or restore a %s "
	    "database itself; use the database's own tools (for postgresql, "
	    "pg_dump and pg_restore)", drv->name);
	return STORE_ERR;
}

int
store_backup(struct store *s, const char *path, char *err, size_t errlen)
{
	if (s->depth != 0) {
		snprintf(err, errlen, "cannot back up inside a transaction");
		return STORE_ERR;
	}
	if (s->db->drv->backup == NULL)
		return no_backups(s->db->drv, err, errlen);
	return s->db->drv->backup(s->db, path, err, errlen);
}

int
store_restore(const char *dir, const char *url, const char *path, char *err,
    size_t errlen)
{
	const struct db_driver *drv;

	if ((drv = driver_for(url, err, errlen)) == NULL)
		return STORE_ERR;
	if (drv->restore == NULL)
		return no_backups(drv, err, errlen);
	return drv->restore(dir, url, path, err, errlen);
}

int
store_meta_get(struct store *s, struct arena *a, const char *key,
    char **value)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "SELECT value FROM meta WHERE key = $1",
	    &st);
	if (rc != 0)
		goto out;
	db_bind_text(st, 1, key);
	if ((rc = store_stmt_row(s, st)) != 0)
		goto out;
	*value = store_col_str(a, st, 0);
out:
	db_finalize(st);
	return rc;
}

int
store_meta_set(struct store *s, const char *key, const char *value)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store_stmt_prepare(s, "INSERT INTO meta (key, value) "
	    "VALUES ($1, $2) "
	    "ON CONFLICT (key) DO UPDATE SET value = excluded.value", &st);
	if (rc != 0)
		goto out;
	db_bind_text(st, 1, key);
	db_bind_text(st, 2, value != NULL ? value : "");
	rc = store_stmt_run(s, st);
out:
	db_finalize(st);
	return rc;
}
