/*
 * sqlite.c: the SQLite driver for db.h.
 *
 * One sqlite3 handle per struct db, opened NOMUTEX: a connection is used
 * by one thread at a time (store.h), so SQLite's per-connection mutex
 * would only cost. Every connection has the same settings: WAL, full
 * fsync on commit, foreign keys, a 5 s busy timeout, secure_delete (a
 * deleted report's sealed bytes are overwritten, not left in free pages)
 * and defensive mode (no writable_schema tricks on a crafted file).
 *
 * Backups and restores (sq_backup, sq_restore) use SQLite's online backup
 * API; their comment says how a copy stays consistent while the server
 * writes.
 *
 * Writers of one process queue on a mutex per database file (struct
 * writer) before BEGIN IMMEDIATE, rather than on SQLite's busy handler:
 * that handler sleeps and polls, so with a few request threads writing
 * at once the write lock sat idle between one commit and the next
 * sleeper's wake-up. Other processes (the CLI, the outbox's sender) still
 * meet the busy timeout. Durability is unchanged: every transaction still
 * commits, with its fsync, before its caller hears it did.
 *
 * Statements are cached per connection, keyed by the SQL text's address
 * (confirmed against the text, in case an address is reused): the store's
 * SQL is string literals, so preparing is a hash lookup after the first
 * use. A cached statement already in use (a callback that runs the same
 * query during an iteration) is not shared: a fresh one is prepared and
 * freed at finalize.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store/db.h"
#include "store/store.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define DB_FILE			"lookout.db"
#define BUSY_TIMEOUT_MS		5000
#define CACHE_BUCKETS		64
#define CACHE_MAX		256	/* statements cached per connection */

struct sq_stmt {
	struct db_stmt	 base;
	sqlite3_stmt	*h;
	const char	*key;		/* SQL address, when cached */
	struct sq_stmt	*next;		/* in its cache bucket */
	int		 cached;
	int		 busy;
	int		 bind_rc;	/* first bind failure, for step */
};

/* The write queue of one database file, shared by this process's
 * connections to it; found by device and inode, freed with its last
 * connection. */
struct writer {
	dev_t		 dev;
	ino_t		 ino;
	int		 refs;
	pthread_mutex_t	 mu;
	struct writer	*next;
};

static pthread_mutex_t writers_mu = PTHREAD_MUTEX_INITIALIZER;
static struct writer *writers;
/* The queue this thread holds, if any: a thread that opens a second
 * connection to the same file while its first is writing goes straight
 * to SQLite (and its busy answer) instead of waiting on itself. */
static _Thread_local struct writer *writer_held;

static struct writer *
writer_get(const struct stat *sb)
{
	struct writer *w;

	pthread_mutex_lock(&writers_mu);
	for (w = writers; w != NULL; w = w->next)
		if (w->dev == sb->st_dev && w->ino == sb->st_ino)
			break;
	if (w == NULL) {
		w = xcalloc(1, sizeof(*w));
		w->dev = sb->st_dev;
		w->ino = sb->st_ino;
		pthread_mutex_init(&w->mu, NULL);
		w->next = writers;
		writers = w;
	}
	w->refs++;
	pthread_mutex_unlock(&writers_mu);
	return w;
}

static void
writer_put(struct writer *w)
{
	struct writer **pp;

	if (w == NULL)
		return;
	pthread_mutex_lock(&writers_mu);
	if (--w->refs == 0) {
		for (pp = &writers; *pp != w; pp = &(*pp)->next)
			;
		*pp = w->next;
		pthread_mutex_destroy(&w->mu);
		free(w);
	}
	pthread_mutex_unlock(&writers_mu);
}

struct sq_db {
	struct db	 base;
	sqlite3		*h;
	struct writer	*writer;
	int		 writing;	/* holds writer->mu */
	struct sq_stmt	*cache[CACHE_BUCKETS];
	size_t		 ncached;
};

static int	sq_classify(int, int);

/* Classify rc, log it once at a level that fits, and return the
 * store_rc. */
static int
fail(sqlite3 *h, const char *sql, int rc, int writing, const char *emsg)
{
	char words[64], msg[256];
	const char *p;
	size_t o = 0;
	int src = sq_classify(rc, writing);

	db_sql_words(sql, words, sizeof(words));
	if (emsg == NULL)
		emsg = sqlite3_errmsg(h);
	/* One log line: a CHECK message quotes multi-line SQL. */
	for (p = emsg; *p != '\0' && o + 1 < sizeof(msg); p++) {
		if (isspace((unsigned char)*p)) {
			if (o > 0 && msg[o - 1] == ' ')
				continue;
			msg[o++] = ' ';
		} else {
			msg[o++] = *p;
		}
	}
	msg[o] = '\0';
	switch (src) {
	case STORE_CONFLICT:
	case STORE_NOTFOUND:
		log_info("store: %s: %s", words, msg);
		break;
	case STORE_BUSY:
		log_warn("store: %s: %s (database busy)", words, msg);
		break;
	case STORE_FULL:
		/* EFBIG past RLIMIT_FSIZE reads as an I/O error, ENOSPC as
		 * SQLITE_FULL: name the likely cause either way. */
		log_error("store: %s: %s (out of disk space or over a file "
		    "size limit? nothing was saved)", words, msg);
		break;
	default:
		log_error("store: %s: %s", words, msg);
		break;
	}
	return src;
}

static int
sq_classify(int native, int writing)
{
	switch (native & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return STORE_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return STORE_BUSY;
	case SQLITE_FULL:
		return STORE_FULL;
	case SQLITE_IOERR:
		if (native == SQLITE_IOERR_NOMEM)
			return STORE_ERR;
		return writing ? STORE_FULL : STORE_ERR;
	case SQLITE_CONSTRAINT:
		switch (native) {
		case SQLITE_CONSTRAINT_UNIQUE:
		case SQLITE_CONSTRAINT_PRIMARYKEY:
			return STORE_CONFLICT;
		case SQLITE_CONSTRAINT_FOREIGNKEY:
			/* A referenced row is missing. */
			return STORE_NOTFOUND;
		default:
			return STORE_ERR;
		}
	default:
		return STORE_ERR;
	}
}

static int
sq_exec(struct db *db0, const char *sql)
{
	struct sq_db *db = (struct sq_db *)db0;
	char *msg = NULL;
	int rc;

	rc = sqlite3_exec(db->h, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		rc = fail(db->h, sql, rc, 1, msg);
		sqlite3_free(msg);
		return rc;
	}
	return 0;
}

/* Portable numbering: parameter i must be named "$i". */
static int
check_params(sqlite3_stmt *h, const char *sql)
{
	char want[16], words[64];
	const char *name;
	int i, n = sqlite3_bind_parameter_count(h);

	for (i = 1; i <= n; i++) {
		snprintf(want, sizeof(want), "$%d", i);
		name = sqlite3_bind_parameter_name(h, i);
		if (name == NULL || strcmp(name, want) != 0) {
			db_sql_words(sql, words, sizeof(words));
			log_error("store: %s: parameter %d is not %s "
			    "(number $1, $2, ... in order of first use)",
			    words, i, want);
			return STORE_ERR;
		}
	}
	return 0;
}

static size_t
bucket(const char *sql)
{
	return ((uintptr_t)sql >> 3) % CACHE_BUCKETS;
}

static int
sq_prepare(struct db *db0, const char *sql, struct db_stmt **out)
{
	struct sq_db *db = (struct sq_db *)db0;
	struct sq_stmt *st;
	sqlite3_stmt *h = NULL;
	const char *tail = NULL;
	char words[64];
	size_t b = bucket(sql);
	int cache, rc;

	*out = NULL;
	for (st = db->cache[b]; st != NULL; st = st->next) {
		if (st->key == sql && !st->busy &&
		    strcmp(sqlite3_sql(st->h), sql) == 0) {
			st->busy = 1;
			*out = &st->base;
			return 0;
		}
	}

	cache = db->ncached < CACHE_MAX;
	rc = sqlite3_prepare_v3(db->h, sql, -1,
	    cache ? SQLITE_PREPARE_PERSISTENT : 0, &h, &tail);
	if (rc != SQLITE_OK)
		return fail(db->h, sql, rc, 0, NULL);
	if (h == NULL || (tail != NULL && tail[strspn(tail, " \t\n;")])) {
		db_sql_words(sql, words, sizeof(words));
		log_error("store: %s: not exactly one statement", words);
		sqlite3_finalize(h);
		return STORE_ERR;
	}
	if ((rc = check_params(h, sql)) != 0) {
		sqlite3_finalize(h);
		return rc;
	}

	st = xcalloc(1, sizeof(*st));
	st->base.db = &db->base;
	st->h = h;
	st->busy = 1;
	if (cache) {
		st->cached = 1;
		st->key = sql;
		st->next = db->cache[b];
		db->cache[b] = st;
		db->ncached++;
	}
	*out = &st->base;
	return 0;
}

static int
bound(struct sq_stmt *st, int rc)
{
	if (rc == SQLITE_OK)
		return 0;
	rc = fail(sqlite3_db_handle(st->h), sqlite3_sql(st->h), rc, 0, NULL);
	if (st->bind_rc == 0)
		st->bind_rc = rc;
	return rc;
}

static int
sq_bind_int(struct db_stmt *st0, int i, int64_t v)
{
	struct sq_stmt *st = (struct sq_stmt *)st0;

	return bound(st, sqlite3_bind_int64(st->h, i, v));
}

static int
sq_bind_text(struct db_stmt *st0, int i, const char *v)
{
	struct sq_stmt *st = (struct sq_stmt *)st0;

	if (v == NULL)
		return bound(st, sqlite3_bind_null(st->h, i));
	return bound(st, sqlite3_bind_text64(st->h, i, v, strlen(v),
	    SQLITE_STATIC, SQLITE_UTF8));
}

static int
sq_bind_blob(struct db_stmt *st0, int i, const void *p, size_t n)
{
	struct sq_stmt *st = (struct sq_stmt *)st0;

	/* sqlite3_bind_blob(NULL, 0) would bind NULL, not an empty blob. */
	if (n == 0)
		return bound(st, sqlite3_bind_zeroblob(st->h, i, 0));
	return bound(st, sqlite3_bind_blob64(st->h, i, p, n, SQLITE_STATIC));
}

static int
sq_bind_null(struct db_stmt *st0, int i)
{
	struct sq_stmt *st = (struct sq_stmt *)st0;

	return bound(st, sqlite3_bind_null(st->h, i));
}

static int
sq_step(struct db_stmt *st0)
{
	struct sq_stmt *st = (struct sq_stmt *)st0;
	int rc;

	if (st->bind_rc != 0)
		return st->bind_rc;
	rc = sqlite3_step(st->h);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return fail(sqlite3_db_handle(st->h), sqlite3_sql(st->h), rc,
	    !sqlite3_stmt_readonly(st->h), NULL);
}

static int64_t
sq_col_int(struct db_stmt *st0, int i)
{
	return sqlite3_column_int64(((struct sq_stmt *)st0)->h, i);
}

static const char *
sq_col_text(struct db_stmt *st0, int i)
{
	return (const char *)sqlite3_column_text(((struct sq_stmt *)st0)->h,
	    i);
}

static const void *
sq_col_blob(struct db_stmt *st0, int i, size_t *n)
{
	sqlite3_stmt *h = ((struct sq_stmt *)st0)->h;
	const void *p;

	if (sqlite3_column_type(h, i) == SQLITE_NULL) {
		*n = 0;
		return NULL;
	}
	p = sqlite3_column_blob(h, i);
	*n = (size_t)sqlite3_column_bytes(h, i);
	return p != NULL ? p : "";
}

static int
sq_col_null(struct db_stmt *st0, int i)
{
	return sqlite3_column_type(((struct sq_stmt *)st0)->h, i) ==
	    SQLITE_NULL;
}

static void
sq_finalize(struct db_stmt *st0)
{
	struct sq_stmt *st = (struct sq_stmt *)st0;

	if (!st->cached) {
		sqlite3_finalize(st->h);
		free(st);
		return;
	}
	/* Reset ends any read the statement holds open; clearing drops the
	 * pointers to the caller's memory. */
	sqlite3_reset(st->h);
	sqlite3_clear_bindings(st->h);
	st->bind_rc = 0;
	st->busy = 0;
}

static void
writer_done(struct sq_db *db)
{
	if (db->writing) {
		db->writing = 0;
		if (writer_held == db->writer)
			writer_held = NULL;
		pthread_mutex_unlock(&db->writer->mu);
	}
}

/* Wait for this file's write queue, for at most the busy timeout; past
 * that, SQLite's own busy handling decides, as without the queue. */
static void
writer_wait(struct sq_db *db)
{
	struct timespec until;

	if (db->writer == NULL || db->writing || writer_held == db->writer)
		return;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += BUSY_TIMEOUT_MS / 1000;
	if (pthread_mutex_timedlock(&db->writer->mu, &until) != 0)
		return;
	db->writing = 1;
	if (writer_held == NULL)
		writer_held = db->writer;
}

static int
sq_begin(struct db *db0)
{
	struct sq_db *db = (struct sq_db *)db0;
	int rc;

	writer_wait(db);
	if ((rc = sq_exec(db0, "BEGIN IMMEDIATE")) != 0)
		writer_done(db);
	return rc;
}

static int
sq_in_tx(struct db *db0)
{
	return !sqlite3_get_autocommit(((struct sq_db *)db0)->h);
}

static int
sq_rollback(struct db *db)
{
	int rc = 0;

	if (sq_in_tx(db))
		rc = sq_exec(db, "ROLLBACK");
	writer_done((struct sq_db *)db);
	return rc;
}

static int
sq_commit(struct db *db)
{
	int rc;

	if ((rc = sq_exec(db, "COMMIT")) != 0 && sq_in_tx(db))
		sq_rollback(db);
	writer_done((struct sq_db *)db);
	return rc;
}

/* Read a one-row, one-column setting back as text. */
static int
pragma_text(struct sq_db *db, const char *sql, char *out, size_t len)
{
	struct db_stmt *st = NULL;
	const char *v;
	int rc;

	if ((rc = sq_prepare(&db->base, sql, &st)) != 0)
		return rc;
	if ((rc = sq_step(st)) == 1) {
		v = sq_col_text(st, 0);
		snprintf(out, len, "%s", v != NULL ? v : "");
		rc = 0;
	} else if (rc == 0) {
		rc = STORE_ERR;
	}
	sq_finalize(st);
	return rc;
}

static int
sq_check(struct db *db0)
{
	struct db_stmt *st = NULL;
	const char *v;
	int rc, n = 0, bad = 0;

	if ((rc = sq_prepare(db0, "PRAGMA integrity_check", &st)) != 0)
		goto out;
	while ((rc = sq_step(st)) == 1) {
		v = sq_col_text(st, 0);
		if (n++ == 0 && v != NULL && strcmp(v, "ok") == 0)
			continue;
		bad = 1;
		if (n <= 10)
			log_error("store: integrity check: %s",
			    v != NULL ? v : "?");
	}
	if (rc != 0)
		goto out;
	sq_finalize(st);
	st = NULL;

	/* integrity_check does not follow foreign keys. */
	if ((rc = sq_prepare(db0, "PRAGMA foreign_key_check", &st)) != 0)
		goto out;
	n = 0;
	while ((rc = sq_step(st)) == 1) {
		bad = 1;
		if (n++ < 10)
			log_error("store: integrity check: table %s row %lld "
			    "references a missing row in %s",
			    sq_col_text(st, 0) ? sq_col_text(st, 0) : "?",
			    (long long)sq_col_int(st, 1),
			    sq_col_text(st, 2) ? sq_col_text(st, 2) : "?");
	}
	if (rc == 0 && bad)
		rc = STORE_ERR;
out:
	if (st != NULL)
		sq_finalize(st);
	return rc;
}

static void
sq_close(struct db *db0)
{
	struct sq_db *db = (struct sq_db *)db0;
	struct sq_stmt *st, *next;
	size_t b;
	int rc;

	if (db == NULL)
		return;
	for (b = 0; b < CACHE_BUCKETS; b++) {
		for (st = db->cache[b]; st != NULL; st = next) {
			next = st->next;
			if (st->busy)
				log_error("store: closing with a statement "
				    "still in use");
			sqlite3_finalize(st->h);
			free(st);
		}
	}
	if ((rc = sqlite3_close(db->h)) != SQLITE_OK)
		log_error("store: close: %s", sqlite3_errstr(rc));
	writer_done(db);
	writer_put(db->writer);
	free(db);
}

/*
 * Create path as an empty file of mode 0600 unless it exists. Creating it
 * here rather than letting SQLite do so fixes its mode regardless of the
 * umask, without touching the process-wide umask; SQLite then gives the
 * -wal and -shm files the same mode.
 */
static int
create_file(const char *path, char *err, size_t errlen)
{
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd == -1) {
		if (errno == EEXIST)
			return 0;
		snprintf(err, errlen, "cannot create '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	if (fchmod(fd, 0600) == -1) {
		snprintf(err, errlen, "cannot set the mode of '%s': %s", path,
		    strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	return 0;
}

/*
 * Memory each connection holds however idle it is. serve keeps a pool of
 * LIMIT_THREADS + 2 connections open, and by default SQLite gives each
 * a page-cache block of 20 pages and 100 lookaside slots of 1,200 bytes
 * at open, both written through (so resident) at once: some 200 KiB a
 * connection, most of an idle server's heap. The page cache grows page
 * by page instead, and a small lookaside keeps its benefit for the
 * small, short-lived allocations of preparing a statement.
 */
#define LOOKASIDE_SLOT		128
#define LOOKASIDE_SLOTS		64

static pthread_once_t configured = PTHREAD_ONCE_INIT;

static void
configure(void)
{
	/* Before the first connection, or not at all (the library is
	 * initialised already): either way nothing to report. */
	(void)sqlite3_config(SQLITE_CONFIG_PAGECACHE, NULL, 0, 0);
}

static int
sq_open(const char *dir, const char *url, int create, struct db **out,
    char *err, size_t errlen)
{
	struct sq_db *db = NULL;
	struct stat sb;
	char path[PATH_MAX], mode[16];
	int e = 0, n, rc = STORE_ERR;

	*out = NULL;
	if (sqlite3_threadsafe() == 0) {
		snprintf(err, errlen, "sqlite was built without thread "
		    "support; lookout needs it");
		goto out;
	}
	if (dir == NULL || *dir == '\0') {
		snprintf(err, errlen, "no data dir given");
		goto out;
	}
	if (stat(dir, &sb) == -1)
		e = errno;
	else if (!S_ISDIR(sb.st_mode))
		e = ENOTDIR;
	if (e != 0) {
		snprintf(err, errlen, "cannot open data dir '%s': %s "
		    "(run lookout init first?)", dir, strerror(e));
		goto out;
	}
	/* A relative dir is given "./" so SQLite can never read the name as a
	 * "file:" URI, whatever its build settings. */
	n = snprintf(path, sizeof(path), "%s%s/" DB_FILE,
	    dir[0] == '/' ? "" : "./", dir);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		snprintf(err, errlen, "data dir path too long: '%s'", dir);
		goto out;
	}
	if (create) {
		if (create_file(path, err, errlen) == -1)
			goto out;
	} else if (stat(path, &sb) == -1) {
		if (errno == ENOENT)
			snprintf(err, errlen, "no database in '%s' "
			    "(run lookout init first?)", dir);
		else
			snprintf(err, errlen, "cannot open '%s': %s", path,
			    strerror(errno));
		goto out;
	}

	pthread_once(&configured, configure);
	db = xcalloc(1, sizeof(*db));
	db->base.drv = &db_sqlite;
	rc = sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_PRIVATECACHE, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot open '%s': %s", path,
		    db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
		rc = STORE_ERR;
		goto out;
	}
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_LOOKASIDE, NULL,
	    LOOKASIDE_SLOT, LOOKASIDE_SLOTS);
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_busy_timeout(db->h, BUSY_TIMEOUT_MS);

	if ((rc = pragma_text(db, "PRAGMA journal_mode=WAL", mode,
	    sizeof(mode))) != 0) {
		snprintf(err, errlen, "cannot open '%s': %s", path,
		    sqlite3_errmsg(db->h));
		goto out;
	}
	if (strcmp(mode, "wal") != 0) {
		snprintf(err, errlen, "cannot use write-ahead logging on "
		    "'%s' (journal mode stays '%s'); put the data dir on a "
		    "local file system", path, mode);
		rc = STORE_ERR;
		goto out;
	}
	if ((rc = sq_exec(&db->base, "PRAGMA synchronous=FULL;"
	    "PRAGMA foreign_keys=ON;"
	    "PRAGMA secure_delete=ON")) != 0) {
		snprintf(err, errlen, "cannot configure '%s': %s", path,
		    sqlite3_errmsg(db->h));
		goto out;
	}
	if (stat(path, &sb) == 0)
		db->writer = writer_get(&sb);
	*out = &db->base;
	db = NULL;
	rc = 0;
out:
	if (db != NULL)
		sq_close(&db->base);
	return rc;
}

/*
 * Backups (store_backup, store_restore).
 *
 * A backup is made with SQLite's online backup API, BACKUP_PAGES at a
 * time, all of it inside one read transaction on the live database. In
 * WAL mode a reader blocks no writer, so the server goes on serving while
 * the copy is made; and the one snapshot makes the copy consistent however
 * long it takes (without it, each write by the server would send the copy
 * back to its first page). The price is that the server's checkpoints
 * cannot pass the snapshot, so its WAL grows until the copy is done.
 *
 * The copy goes to PATH.tmp, is switched to rollback-journal mode so that
 * it is one self-contained file, checked, synced, and renamed to PATH
 * without replacing anything there.
 *
 * A restore checks the backup (integrity, and a schema this program can
 * open) before it touches the data dir, then copies it with the same API
 * into DIR/lookout.db under an exclusive lock: a server that has the
 * database open holds it too, so the restore refuses rather than change
 * a database under a running server. The copy is one transaction: if it
 * fails, the database is as it was.
 */
#define BACKUP_PAGES		256	/* a step: 1 MiB of 4 KiB pages */
#define BACKUP_PAUSE_MS		2	/* between steps, for the server */
#define BACKUP_BUSY_TRIES	2500	/* of BACKUP_PAUSE_MS each */

/* Remove path and the journal files SQLite may have made beside it. */
static void
unlink_db_files(const char *path)
{
	static const char *const sfx[] = { "", "-journal", "-wal", "-shm" };
	char p[PATH_MAX + 16];
	size_t i;

	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", path, sfx[i]);
		(void)unlink(p);
	}
}

/* path as SQLite must be given it: never readable as a "file:" URI. */
static int
db_path(const char *path, char *out, size_t len)
{
	int n = snprintf(out, len, "%s%s", path[0] == '/' ? "" : "./", path);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static int
sync_path(const char *path, int dir)
{
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC | (dir ? O_DIRECTORY :
	    O_NOFOLLOW));
	if (fd == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Sync the directory that holds path, so that a file made or renamed in
 * it survives a power cut. */
static int
sync_parent(const char *path)
{
	char d[PATH_MAX];
	char *slash;

	if (snprintf(d, sizeof(d), "%s", path) >= (int)sizeof(d))
		return -1;
	if ((slash = strrchr(d, '/')) == NULL)
		return sync_path(".", 1);
	if (slash == d)
		slash++;
	*slash = '\0';
	return sync_path(d, 1);
}

/* The text of the first column of sql's first row, into out. */
static int
handle_text(sqlite3 *h, const char *sql, char *out, size_t len)
{
	sqlite3_stmt *st = NULL;
	const unsigned char *v;
	int rc;

	*out = '\0';
	if ((rc = sqlite3_prepare_v2(h, sql, -1, &st, NULL)) != SQLITE_OK)
		return rc;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = sqlite3_column_text(st, 0);
		snprintf(out, len, "%s", v != NULL ? (const char *)v : "");
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE) {
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

/* PRAGMA integrity_check on h; what names the file for err. */
static int
check_handle(sqlite3 *h, const char *what, char *err, size_t errlen)
{
	char v[200];
	int rc;

	if ((rc = handle_text(h, "PRAGMA integrity_check", v,
	    sizeof(v))) != SQLITE_OK) {
		snprintf(err, errlen, "cannot check '%s': %s", what,
		    sqlite3_errmsg(h));
		return sq_classify(rc, 0);
	}
	if (strcmp(v, "ok") != 0) {
		snprintf(err, errlen, "'%s' is damaged (integrity check: %s)",
		    what, v);
		return STORE_ERR;
	}
	return 0;
}

/* Copy the whole of src into dst, BACKUP_PAGES at a time. A busy step
 * (a writer's lock on a rollback-journal source) is retried a while. */
static int
copy_pages(sqlite3 *dst, sqlite3 *src, const char *what, char *err,
    size_t errlen)
{
	sqlite3_backup *b;
	int rc, frc, tries = 0;

	if ((b = sqlite3_backup_init(dst, "main", src, "main")) == NULL) {
		snprintf(err, errlen, "cannot copy to '%s': %s", what,
		    sqlite3_errmsg(dst));
		return sq_classify(sqlite3_extended_errcode(dst), 1);
	}
	for (;;) {
		rc = sqlite3_backup_step(b, BACKUP_PAGES);
		if (rc == SQLITE_OK)
			tries = 0;
		else if ((rc & 0xff) != SQLITE_BUSY &&
		    (rc & 0xff) != SQLITE_LOCKED)
			break;
		else if (++tries == BACKUP_BUSY_TRIES)
			break;
		sqlite3_sleep(BACKUP_PAUSE_MS);
	}
	frc = sqlite3_backup_finish(b);
	if (rc == SQLITE_DONE && frc != SQLITE_OK)
		rc = frc;
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "cannot copy to '%s': %s%s", what,
		    sqlite3_errstr(rc), sq_classify(rc, 1) == STORE_FULL ?
		    " (out of disk space?)" : "");
		return sq_classify(rc, 1);
	}
	return 0;
}

static int
sq_backup(struct db *db0, const char *path, char *err, size_t errlen)
{
	struct sq_db *db = (struct sq_db *)db0;
	struct stat sb;
	sqlite3 *dst = NULL;
	char tmp[PATH_MAX], tpath[PATH_MAX + 2], mode[16];
	int fd, rc = STORE_ERR, made = 0, reading = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp) ||
	    db_path(tmp, tpath, sizeof(tpath)) == -1) {
		snprintf(err, errlen, "backup path too long: '%s'", path);
		return STORE_ERR;
	}
	if (lstat(path, &sb) == 0) {
		snprintf(err, errlen, "'%s' already exists; refusing to "
		    "overwrite it (choose a new file name)", path);
		return STORE_CONFLICT;
	}
	if (errno != ENOENT) {
		snprintf(err, errlen, "cannot use '%s': %s", path,
		    strerror(errno));
		return STORE_ERR;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		if (errno == EEXIST) {
			snprintf(err, errlen, "'%s' already exists (left by an "
			    "interrupted backup?); remove it and try again",
			    tmp);
			return STORE_CONFLICT;
		}
		snprintf(err, errlen, "cannot create '%s': %s", tmp,
		    strerror(errno));
		return STORE_ERR;
	}
	made = 1;
	/* The umask may only have narrowed 0600; make it exactly that. */
	if (fchmod(fd, 0600) == -1) {
		snprintf(err, errlen, "cannot set the mode of '%s': %s", tmp,
		    strerror(errno));
		close(fd);
		goto out;
	}
	close(fd);
	if (sqlite3_open_v2(tpath, &dst, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_PRIVATECACHE, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "cannot open '%s': %s", tmp,
		    dst != NULL ? sqlite3_errmsg(dst) : "out of memory");
		goto out;
	}
	sqlite3_extended_result_codes(dst, 1);

	/* One snapshot for the whole copy: see above. */
	if (sqlite3_exec(db->h, "BEGIN; SELECT COUNT(*) FROM sqlite_master",
	    NULL, NULL, NULL) != SQLITE_OK) {
		rc = sq_classify(sqlite3_extended_errcode(db->h), 0);
		snprintf(err, errlen, "cannot read the database: %s",
		    sqlite3_errmsg(db->h));
		goto out;
	}
	reading = 1;
	if ((rc = copy_pages(dst, db->h, tmp, err, errlen)) != 0)
		goto out;
	sqlite3_exec(db->h, "COMMIT", NULL, NULL, NULL);
	reading = 0;

	rc = STORE_ERR;
	/* The copy's header says WAL, as the original's does; a backup is
	 * better one file that needs no -wal beside it. */
	if (handle_text(dst, "PRAGMA journal_mode=DELETE", mode,
	    sizeof(mode)) != SQLITE_OK || strcmp(mode, "delete") != 0) {
		snprintf(err, errlen, "cannot finish '%s': %s", tmp,
		    sqlite3_errmsg(dst));
		goto out;
	}
	if ((rc = check_handle(dst, tmp, err, errlen)) != 0)
		goto out;
	rc = STORE_ERR;
	if (sqlite3_close(dst) != SQLITE_OK) {
		snprintf(err, errlen, "cannot close '%s': %s", tmp,
		    sqlite3_errmsg(dst));
		goto out;
	}
	dst = NULL;
	if (sync_path(tmp, 0) == -1) {
		snprintf(err, errlen, "cannot write '%s': %s", tmp,
		    strerror(errno));
		goto out;
	}
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == -1) {
		/* A file system without RENAME_NOREPLACE: check, then
		 * rename. */
		if ((errno != EINVAL && errno != ENOSYS) ||
		    lstat(path, &sb) == 0 || rename(tmp, path) == -1) {
			snprintf(err, errlen, "cannot rename '%s' to '%s': %s",
			    tmp, path, errno == EINVAL || errno == ENOSYS ?
			    strerror(EEXIST) : strerror(errno));
			goto out;
		}
	}
	made = 0;
	if (sync_parent(path) == -1) {
		snprintf(err, errlen, "cannot sync the directory of '%s': %s",
		    path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (reading)
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	if (dst != NULL)
		sqlite3_close(dst);
	if (made)
		unlink_db_files(tmp);
	return rc;
}

/* The schema version of the backup h, which must be one this program
 * can open. */
static int
backup_version(sqlite3 *h, const char *path, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int version = 0, latest = store_migration_latest();

	if (sqlite3_prepare_v2(h, "SELECT MAX(version) FROM schema_version",
	    -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version < 1) {
		snprintf(err, errlen, "'%s' is not a lookout backup (it has "
		    "no schema version)", path);
		return STORE_ERR;
	}
	if (version > latest) {
		snprintf(err, errlen, "'%s' was made by a newer lookout "
		    "(schema %d; this one knows up to %d): restore it with "
		    "that version or a later one", path, version, latest);
		return STORE_ERR;
	}
	return 0;
}

static int
sq_restore(const char *dir, const char *url, const char *path, char *err,
    size_t errlen)
{
	sqlite3 *src = NULL, *dst = NULL;
	struct stat sb;
	char spath[PATH_MAX + 2], dbpath[PATH_MAX], mode[16];
	int n, rc = STORE_ERR, made = 0;

	/* The backup first, before anything in dir is touched. */
	if (stat(path, &sb) == -1) {
		snprintf(err, errlen, "cannot read backup '%s': %s", path,
		    strerror(errno));
		return STORE_ERR;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "backup '%s' is not a file", path);
		return STORE_ERR;
	}
	if (db_path(path, spath, sizeof(spath)) == -1) {
		snprintf(err, errlen, "backup path too long: '%s'", path);
		return STORE_ERR;
	}
	if (sqlite3_open_v2(spath, &src, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_PRIVATECACHE, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "cannot open backup '%s': %s", path,
		    src != NULL ? sqlite3_errmsg(src) : "out of memory");
		goto out;
	}
	sqlite3_extended_result_codes(src, 1);
	if ((rc = check_handle(src, path, err, errlen)) != 0 ||
	    (rc = backup_version(src, path, err, errlen)) != 0)
		goto out;

	/* Then the data dir's database, which nothing else may hold. */
	rc = STORE_ERR;
	errno = 0;
	if (stat(dir, &sb) == -1 || !S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "cannot open data dir '%s': %s", dir,
		    strerror(errno != 0 ? errno : ENOTDIR));
		goto out;
	}
	n = snprintf(dbpath, sizeof(dbpath), "%s%s/" DB_FILE,
	    dir[0] == '/' ? "" : "./", dir);
	if (n < 0 || (size_t)n >= sizeof(dbpath)) {
		snprintf(err, errlen, "data dir path too long: '%s'", dir);
		goto out;
	}
	if (lstat(dbpath, &sb) == -1) {
		if (create_file(dbpath, err, errlen) == -1)
			goto out;
		made = 1;
	}
	if (sqlite3_open_v2(dbpath, &dst, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_PRIVATECACHE, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "cannot open '%s': %s", dbpath,
		    dst != NULL ? sqlite3_errmsg(dst) : "out of memory");
		goto out;
	}
	sqlite3_extended_result_codes(dst, 1);
	/* No busy timeout: another connection means a running server. The
	 * exclusive lock, once had, is kept until close. */
	if (sqlite3_exec(dst, "PRAGMA locking_mode=EXCLUSIVE; "
	    "BEGIN EXCLUSIVE; COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		rc = sq_classify(sqlite3_extended_errcode(dst), 1);
		if (rc == STORE_BUSY)
			snprintf(err, errlen, "'%s' is in use (is lookout serve "
			    "running on '%s'?); stop it first", dbpath, dir);
		else
			snprintf(err, errlen, "cannot lock '%s': %s", dbpath,
			    sqlite3_errmsg(dst));
		goto out;
	}
	/* Out of WAL mode (its WAL checkpointed and removed) so that the
	 * copy's page size may differ; the server turns WAL back on. */
	if (handle_text(dst, "PRAGMA journal_mode=DELETE", mode,
	    sizeof(mode)) != SQLITE_OK || strcmp(mode, "delete") != 0 ||
	    sqlite3_exec(dst, "PRAGMA synchronous=FULL", NULL, NULL,
	    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot prepare '%s': %s", dbpath,
		    sqlite3_errmsg(dst));
		goto out;
	}
	if ((rc = copy_pages(dst, src, dbpath, err, errlen)) != 0 ||
	    (rc = check_handle(dst, dbpath, err, errlen)) != 0)
		goto out;
	rc = STORE_ERR;
	if (sqlite3_close(dst) != SQLITE_OK) {
		snprintf(err, errlen, "cannot close '%s': %s", dbpath,
		    sqlite3_errmsg(dst));
		goto out;
	}
	dst = NULL;
	made = 0;
	if (sync_path(dbpath, 0) == -1 || sync_parent(dbpath) == -1) {
		snprintf(err, errlen, "cannot sync '%s': %s", dbpath,
		    strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (src != NULL)
		sqlite3_close(src);
	if (dst != NULL)
		sqlite3_close(dst);
	if (made)
		unlink_db_files(dbpath);
	return rc;
}

const struct db_driver db_sqlite = {
	.name = "sqlite",
	.dialect = DB_DIALECT_SQLITE,
	.open = sq_open,
	.close = sq_close,
	.exec = sq_exec,
	.prepare = sq_prepare,
	.bind_int = sq_bind_int,
	.bind_text = sq_bind_text,
	.bind_blob = sq_bind_blob,
	.bind_null = sq_bind_null,
	.step = sq_step,
	.col_int = sq_col_int,
	.col_text = sq_col_text,
	.col_blob = sq_col_blob,
	.col_null = sq_col_null,
	.finalize = sq_finalize,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.in_tx = sq_in_tx,
	.check = sq_check,
	.classify = sq_classify,
	.backup = sq_backup,
	.restore = sq_restore,
};
