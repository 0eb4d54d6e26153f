/*
 * postgres.c: the PostgreSQL driver for db.h, over libpq.
 *
 * One PGconn per struct db, used by one thread at a time (store.h).
 *
 * Statements. The store's SQL is string literals, so each is prepared on
 * the server once per connection (PQprepare, named "lk1", "lk2", ...)
 * and found again by the literal's address, as the SQLite driver does.
 * Every execution sends its parameters bound, never spliced into SQL:
 * integers and text in text format, blobs in binary (bytea), with the
 * types left for the server to infer from the statement. Results come
 * back in binary format, so a bytea column is its bytes and an int8 is
 * eight big-endian bytes. A statement's whole result is fetched at once,
 * so a callback may run other statements on the same connection while a
 * caller walks rows (store_audit_each); the price is that a result is
 * held in memory whole. (A connection pooler in front of the server must
 * therefore pool by session, not by transaction.)
 *
 * Transactions. begin is BEGIN ISOLATION LEVEL READ COMMITTED followed by
 * pg_advisory_xact_lock(PG_WRITE_LOCK): one lock per database, held to
 * commit or rollback, so write transactions run one at a time as they do
 * in SQLite (BEGIN IMMEDIATE), a read-then-write inside one cannot be
 * overtaken, and two cannot deadlock on each other. READ COMMITTED, not
 * REPEATABLE READ, because its snapshot is taken per statement: every
 * statement after the lock sees everything committed before the lock was
 * granted. Statements outside a transaction (autocommit) do not take the
 * lock; each is atomic on its own, as in SQLite.
 *
 * In PostgreSQL a failed statement aborts the whole transaction; in
 * SQLite it undoes only itself, and callers rely on that (an insert that
 * conflicts inside a transaction is skipped, the transaction goes on).
 * So inside a transaction each writing statement runs under a savepoint,
 * rolled back to on failure: the statement fails, the transaction stays.
 *
 * Connection loss. A statement that fails because the connection broke
 * answers STORE_BUSY. The next begin, prepare or exec outside a
 * transaction resets the connection (PQreset) and re-prepares statements
 * lazily; while the server stays unreachable they answer STORE_BUSY.
 * Inside a transaction nothing is retried: the transaction is gone with
 * the connection, and the store dooms it. Reconnecting opens a socket,
 * so a system-call filter around the process must allow that.
 *
 * Events between nodes (store.h) are PostgreSQL notifications: notify
 * is pg_notify() on the statement's connection, which PostgreSQL holds
 * back until the transaction commits (and drops if it rolls back), and
 * delivers in commit order. A listener is a connection of its own, with
 * LISTEN on every channel, and a thread that waits on its socket (and
 * on a pipe that tells it to stop) with poll. When the connection
 * breaks, the thread reconnects, at most once a second, and asks its
 * caller to resync: what was notified meanwhile is lost. Its keepalives
 * notice a server that vanished without closing the connection. The
 * payload is the id in decimal, nothing else.
 *
 * Nothing logged names the URL (it may hold a password) or a bound value:
 * a failure logs the statement's first words, the server's primary
 * message and its SQLSTATE, never the DETAIL (which quotes row values).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sodium.h>

#include "store/db.h"
#include "store/store.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* The advisory lock that serialises write transactions: "lookout" in
 * ASCII. Advisory locks are per database, so lookout instances sharing a
 * server do not contend. */
#define PG_WRITE_LOCK		"30521821819270516"
#define LOCK_TIMEOUT		"5s"	/* as SQLite's busy timeout */
#define CONNECT_TIMEOUT		"10"
#define RECONNECT_EVERY		1	/* second, at most, per connection */
#define CACHE_BUCKETS		64
#define CACHE_MAX		256	/* prepared per connection */
#define SAVEPOINT		"lookout_stmt"

/* Type oids (catalog/pg_type.h, stable across releases). */
#define BOOLOID		16
#define BYTEAOID	17
#define INT8OID		20
#define INT2OID		21
#define INT4OID		23
#define OIDOID		26

/* PostgreSQL's MAKE_SQLSTATE. */
#define SIXBIT(c)	(((c) - '0') & 0x3f)
#define SQLSTATE(a, b, c, d, e)	(SIXBIT(a) + (SIXBIT(b) << 6) + \
	(SIXBIT(c) << 12) + (SIXBIT(d) << 18) + (SIXBIT(e) << 24))
#define SQLSTATE_CLASS(s)	((s) & ((1 << 12) - 1))

/* What a lost connection reports when the server sent no SQLSTATE. */
#define STATE_CONNECTION_FAILURE	SQLSTATE('0', '8', '0', '0', '6')

/* A statement prepared on the server, cached by its SQL's address. */
struct pg_prep {
	const char	*key;
	char		*sql;
	char		 name[16];
	int		 nparams;
	unsigned	 gen;		/* connection it was prepared on */
	struct pg_prep	*next;
};

struct pg_stmt {
	struct db_stmt	 base;
	const char	*sql;
	struct pg_prep	*prep;		/* NULL: run unnamed */
	int		 writes;
	int		 np;		/* parameter slots */
	const char	**vals;
	int		*lens;
	int		*fmts;
	char		(*ints)[24];
	int		 bind_rc;
	int		 ran;
	int		 rc;		/* the execution's failure */
	PGresult	*res;
	int		 row;
	int		 nrows;
	char		 num[24];	/* an integer column as text */
};

struct pg_db {
	struct db	 base;
	PGconn		*conn;
	unsigned	 gen;		/* bumped by every reset */
	int		 tx;		/* begin succeeded, no end yet */
	int		 savepoint;	/* a statement savepoint open */
	int		 lost;		/* loss already logged */
	time_t		 retry_at;	/* no reconnecting before */
	unsigned	 nextname;
	struct pg_prep	*cache[CACHE_BUCKETS];
	size_t		 ncached;
};

static int	pg_classify(int, int);

static int
sqlstate_pack(const char *s)
{
	if (s == NULL || strlen(s) != 5)
		return STATE_CONNECTION_FAILURE;
	return SQLSTATE(s[0], s[1], s[2], s[3], s[4]);
}

/* The server's message on one line, without libpq's "ERROR:  " prefix
 * or its DETAIL (which may quote bound values). */
static void
one_line(const char *msg, char *out, size_t len)
{
	const char *p;
	size_t o = 0;

	if (msg == NULL)
		msg = "unknown error";
	if (strncmp(msg, "ERROR:  ", 8) == 0 ||
	    strncmp(msg, "FATAL:  ", 8) == 0)
		msg += 8;
	for (p = msg; *p != '\0' && *p != '\n' && o + 1 < len; p++)
		out[o++] = isspace((unsigned char)*p) ? ' ' : *p;
	out[o] = '\0';
}

/*
 * Replace the password of url wherever it appears in msg with "***":
 * libpq quotes the part of a URL it cannot parse, and sometimes all of
 * it. The password is what lies between the user's ':' and the last '@'
 * before the host.
 */
static void
hide_password(const char *url, char *msg, size_t len)
{
	char pw[256], out[256];
	const char *p, *end, *at = NULL, *colon, *hit;
	size_t n, o = 0;
	int found = 0;

	if ((p = strstr(url, "://")) == NULL)
		return;
	p += 3;
	end = p + strcspn(p, "/?");
	for (hit = p; hit < end; hit++)
		if (*hit == '@')
			at = hit;
	if (at == NULL || (colon = memchr(p, ':', (size_t)(at - p))) == NULL)
		return;
	n = (size_t)(at - colon - 1);
	if (n == 0)
		return;
	if (n >= sizeof(pw)) {
		/* Too long to look for: say nothing of the URL at all. */
		snprintf(msg, len, "the URL could not be used");
		return;
	}
	memcpy(pw, colon + 1, n);
	pw[n] = '\0';
	for (p = msg; (hit = strstr(p, pw)) != NULL && o < sizeof(out);
	    p = hit + n) {
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%.*s***",
		    (int)(hit - p), p);
		found = 1;
	}
	if (found) {
		if (o < sizeof(out))
			snprintf(out + o, sizeof(out) - o, "%s", p);
		snprintf(msg, len, "%s", out);
	}
	explicit_bzero(pw, sizeof(pw));
}

/*
 * Classify a failed result (or a connection failure when res is NULL),
 * log it once at a level that fits, and return the store_rc.
 */
static int
fail(struct pg_db *db, const char *sql, PGresult *res, int writing)
{
	char words[64], msg[256];
	const char *state = NULL, *primary = NULL;
	int src;

	if (res != NULL) {
		state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	}
	if (primary == NULL)
		primary = PQerrorMessage(db->conn);
	one_line(primary, msg, sizeof(msg));
	/* No SQLSTATE: libpq's own failure, which is the connection. */
	src = pg_classify(sqlstate_pack(state), writing);
	db_sql_words(sql, words, sizeof(words));
	switch (src) {
	case STORE_CONFLICT:
	case STORE_NOTFOUND:
		log_info("store: %s: %s (%s)", words, msg,
		    state ? state : "-");
		break;
	case STORE_BUSY:
		if (PQstatus(db->conn) == CONNECTION_BAD) {
			if (!db->lost)
				log_warn("store: %s: connection to the "
				    "database lost: %s", words, msg);
			db->lost = 1;
		} else {
			log_warn("store: %s: %s (%s; database busy)", words,
			    msg, state ? state : "-");
		}
		break;
	default:
		log_error("store: %s: %s (%s)", words, msg,
		    state ? state : "-");
		break;
	}
	return src;
}

static int
pg_classify(int native, int writing)
{
	(void)writing;
	if (native == 0)
		return STORE_OK;
	switch (native) {
	case SQLSTATE('2', '3', '5', '0', '5'):	/* unique_violation */
		return STORE_CONFLICT;
	case SQLSTATE('2', '3', '5', '0', '3'):	/* foreign_key_viol. */
		/* A referenced row is missing. */
		return STORE_NOTFOUND;
	case SQLSTATE('5', '3', '1', '0', '0'):	/* disk_full */
		return STORE_FULL;
	case SQLSTATE('5', '3', '3', '0', '0'):	/* too_many_conn. */
	case SQLSTATE('4', '0', '0', '0', '1'):	/* serialization */
	case SQLSTATE('4', '0', 'P', '0', '1'):	/* deadlock_detected */
	case SQLSTATE('5', '5', 'P', '0', '3'):	/* lock_not_available */
	case SQLSTATE('5', '7', '0', '1', '4'):	/* query_canceled */
		return STORE_BUSY;
	}
	switch (SQLSTATE_CLASS(native)) {
	case SQLSTATE('0', '8', '0', '0', '0'):	/* connection */
		return STORE_BUSY;
	case SQLSTATE('5', '7', '0', '0', '0'):	/* operator */
		/* 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot
		 * connect now, 57P04 database dropped: the server is going
		 * or gone. */
		if (((native >> 12) & 0x3f) == SIXBIT('P'))
			return STORE_BUSY;
		return STORE_ERR;
	default:
		return STORE_ERR;
	}
}

static void
notice(void *arg, const char *msg)
{
	char line[256];

	(void)arg;
	/* NOTICEs ("relation already exists, skipping") are chatter. */
	if (strncmp(msg, "WARNING:", 8) != 0)
		return;
	one_line(msg + 8 + strspn(msg + 8, " "), line, sizeof(line));
	log_warn("store: database warning: %s", line);
}

/* Per-session settings, on connect and after every reset. */
static int
configure(struct pg_db *db)
{
	PGresult *res;
	int rc = 0;

	/* The portable SQL writes ESCAPE '\' and means one backslash. */
	res = PQexec(db->conn, "SET standard_conforming_strings = on; "
	    "SET lock_timeout = '" LOCK_TIMEOUT "'");
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = fail(db, "SET", res, 0);
	PQclear(res);
	return rc;
}

/*
 * Make sure the connection is up, resetting it if it broke. Inside a
 * transaction a broken connection stays broken until the store rolls
 * back: reconnecting there would run the rest of the transaction's
 * statements outside any transaction.
 */
static int
connected(struct pg_db *db)
{
	struct timespec now;

	if (PQstatus(db->conn) == CONNECTION_OK)
		return 0;
	if (db->tx)
		return STORE_BUSY;
	/* A server that is down is not asked again at every request: each
	 * attempt may take up to the connect timeout. */
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec < db->retry_at)
		return STORE_BUSY;
	PQreset(db->conn);
	if (PQstatus(db->conn) != CONNECTION_OK) {
		db->retry_at = now.tv_sec + RECONNECT_EVERY;
		if (!db->lost) {
			char msg[256];

			one_line(PQerrorMessage(db->conn), msg, sizeof(msg));
			log_warn("store: cannot reconnect to the database: %s",
			    msg);
		}
		db->lost = 1;
		return STORE_BUSY;
	}
	db->gen++;
	db->savepoint = 0;
	if (configure(db) != 0)
		return STORE_BUSY;
	if (db->lost)
		log_info("store: reconnected to the database");
	db->lost = 0;
	return 0;
}

/* Run sql (no parameters) and check it succeeded. */
static int
run_simple(struct pg_db *db, const char *sql, const char *what)
{
	PGresult *res;
	ExecStatusType t;
	int rc = 0;

	res = PQexec(db->conn, sql);
	t = PQresultStatus(res);
	if (t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK)
		rc = fail(db, what, res, 1);
	PQclear(res);
	return rc;
}

static int
pg_exec(struct db *db0, const char *sql)
{
	struct pg_db *db = (struct pg_db *)db0;
	int rc;

	if ((rc = connected(db)) != 0)
		return rc;
	return run_simple(db, sql, sql);
}

static size_t
bucket(const char *sql)
{
	return ((uintptr_t)sql >> 3) % CACHE_BUCKETS;
}

static int
is_write(const char *sql)
{
	static const char *const verbs[] = { "INSERT", "UPDATE", "DELETE" };
	size_t i;

	while (isspace((unsigned char)*sql))
		sql++;
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strncasecmp(sql, verbs[i], 6) == 0)
			return 1;
	return 0;
}

/* Prepare p->sql on the server under p->name for this connection. */
static int
server_prepare(struct pg_db *db, struct pg_prep *p)
{
	PGresult *res;
	int rc = 0;

	res = PQprepare(db->conn, p->name, p->sql, 0, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		rc = fail(db, p->sql, res, 0);
		PQclear(res);
		return rc;
	}
	PQclear(res);
	res = PQdescribePrepared(db->conn, p->name);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		rc = fail(db, p->sql, res, 0);
		PQclear(res);
		return rc;
	}
	p->nparams = PQnparams(res);
	p->gen = db->gen;
	PQclear(res);
	return 0;
}

static int
pg_prepare(struct db *db0, const char *sql, struct db_stmt **out)
{
	struct pg_db *db = (struct pg_db *)db0;
	struct pg_prep *p;
	struct pg_stmt *st;
	size_t b = bucket(sql);
	int rc, np;

	*out = NULL;
	if ((rc = connected(db)) != 0)
		return rc;
	for (p = db->cache[b]; p != NULL; p = p->next)
		if (p->key == sql && strcmp(p->sql, sql) == 0)
			break;
	if (p == NULL && db->ncached < CACHE_MAX) {
		p = xcalloc(1, sizeof(*p));
		p->key = sql;
		p->sql = xstrdup(sql);
		snprintf(p->name, sizeof(p->name), "lk%u", ++db->nextname);
		p->gen = db->gen - 1;	/* not yet on the server */
		p->next = db->cache[b];
		db->cache[b] = p;
		db->ncached++;
	}
	if (p != NULL && p->gen != db->gen &&
	    (rc = server_prepare(db, p)) != 0)
		return rc;

	/* Past the cache's size, a statement runs unnamed, its parameter
	 * slots sized by the largest one bound. */
	np = p != NULL ? p->nparams : 0;
	st = xcalloc(1, sizeof(*st));
	st->base.db = &db->base;
	st->sql = sql;
	st->prep = p;
	st->writes = is_write(sql);
	st->row = -1;
	if (np > 0) {
		st->np = np;
		st->vals = xcalloc((size_t)np, sizeof(*st->vals));
		st->lens = xcalloc((size_t)np, sizeof(*st->lens));
		st->fmts = xcalloc((size_t)np, sizeof(*st->fmts));
		st->ints = xcalloc((size_t)np, sizeof(*st->ints));
	}
	*out = &st->base;
	return 0;
}

/* The slot for parameter i (from 1), or NULL with the error remembered. */
static int
slot(struct pg_stmt *st, int i)
{
	char words[64];
	int n;

	if (i >= 1 && i <= st->np)
		return i - 1;
	if (st->prep == NULL && i >= 1 && i <= 65535) {
		n = i;
		st->vals = xrealloc(st->vals, st_mult((size_t)n,
		    sizeof(*st->vals)));
		st->lens = xrealloc(st->lens, st_mult((size_t)n,
		    sizeof(*st->lens)));
		st->fmts = xrealloc(st->fmts, st_mult((size_t)n,
		    sizeof(*st->fmts)));
		st->ints = xrealloc(st->ints, st_mult((size_t)n,
		    sizeof(*st->ints)));
		for (; st->np < n; st->np++) {
			st->vals[st->np] = NULL;
			st->lens[st->np] = 0;
			st->fmts[st->np] = 0;
		}
		return i - 1;
	}
	db_sql_words(st->sql, words, sizeof(words));
	log_error("store: %s: no parameter %d", words, i);
	if (st->bind_rc == 0)
		st->bind_rc = STORE_ERR;
	return -1;
}

static int
pg_bind_int(struct db_stmt *st0, int i, int64_t v)
{
	struct pg_stmt *st = (struct pg_stmt *)st0;
	int k;

	if ((k = slot(st, i)) < 0)
		return STORE_ERR;
	snprintf(st->ints[k], sizeof(st->ints[k]), "%" PRId64, v);
	st->vals[k] = st->ints[k];
	st->lens[k] = 0;
	st->fmts[k] = 0;
	return 0;
}

static int
pg_bind_text(struct db_stmt *st0, int i, const char *v)
{
	struct pg_stmt *st = (struct pg_stmt *)st0;
	int k;

	if ((k = slot(st, i)) < 0)
		return STORE_ERR;
	st->vals[k] = v;
	st->lens[k] = 0;
	st->fmts[k] = 0;
	return 0;
}

static int
pg_bind_blob(struct db_stmt *st0, int i, const void *p, size_t n)
{
	struct pg_stmt *st = (struct pg_stmt *)st0;
	int k;

	if ((k = slot(st, i)) < 0)
		return STORE_ERR;
	if (n > INT32_MAX) {
		log_error("store: blob of %zu bytes is too large", n);
		st->bind_rc = STORE_ERR;
		return STORE_ERR;
	}
	/* A NULL pointer would be SQL NULL; an empty blob is not. */
	st->vals[k] = n > 0 ? p : "";
	st->lens[k] = (int)n;
	st->fmts[k] = 1;
	return 0;
}

static int
pg_bind_null(struct db_stmt *st0, int i)
{
	struct pg_stmt *st = (struct pg_stmt *)st0;
	int k;

	if ((k = slot(st, i)) < 0)
		return STORE_ERR;
	st->vals[k] = NULL;
	st->lens[k] = 0;
	st->fmts[k] = 0;
	return 0;
}

/* Execute st once; its rows are then read from st->res. */
static int
run(struct pg_db *db, struct pg_stmt *st)
{
	ExecStatusType t;
	int rc, guarded = 0;

	if ((rc = connected(db)) != 0)
		return rc;
	if (st->prep != NULL && st->prep->gen != db->gen &&
	    (rc = server_prepare(db, st->prep)) != 0)
		return rc;
	if (st->writes && PQtransactionStatus(db->conn) == PQTRANS_INTRANS) {
		/* Releasing the previous statement's savepoint in the same
		 * round trip keeps them from nesting ever deeper. */
		rc = run_simple(db, db->savepoint ?
		    "RELEASE SAVEPOINT " SAVEPOINT "; SAVEPOINT " SAVEPOINT :
		    "SAVEPOINT " SAVEPOINT, st->sql);
		if (rc != 0)
			return rc;
		db->savepoint = guarded = 1;
	}
	if (st->prep != NULL)
		st->res = PQexecPrepared(db->conn, st->prep->name, st->np,
		    st->vals, st->lens, st->fmts, 1);
	else
		st->res = PQexecParams(db->conn, st->sql, st->np, NULL,
		    st->vals, st->lens, st->fmts, 1);
	t = PQresultStatus(st->res);
	if (t == PGRES_TUPLES_OK || t == PGRES_COMMAND_OK) {
		st->nrows = PQntuples(st->res);
		return 0;
	}
	rc = fail(db, st->sql, st->res, st->writes);
	PQclear(st->res);
	st->res = NULL;
	if (guarded && PQtransactionStatus(db->conn) == PQTRANS_INERROR) {
		/* Undo the statement, keep the transaction. */
		if (run_simple(db, "ROLLBACK TO SAVEPOINT " SAVEPOINT,
		    st->sql) != 0)
			db->savepoint = 0;
	}
	return rc;
}

static int
pg_step(struct db_stmt *st0)
{
	struct pg_stmt *st = (struct pg_stmt *)st0;

	if (st->bind_rc != 0)
		return st->bind_rc;
	if (!st->ran) {
		st->ran = 1;
		st->rc = run((struct pg_db *)st->base.db, st);
	}
	if (st->rc != 0)
		return st->rc;
	if (st->row < st->nrows)
		st->row++;
	return st->row < st->nrows ? 1 : 0;
}

/* Whether column i of the current row is there and not NULL. */
static int
has_value(struct pg_stmt *st, int i)
{
	return st->res != NULL && st->row >= 0 && st->row < st->nrows &&
	    i >= 0 && i < PQnfields(st->res) &&
	    !PQgetisnull(st->res, st->row, i);
}

static uint64_t
be(const unsigned char *p, int n)
{
	uint64_t v = 0;
	int k;

	for (k = 0; k < n; k++)
		v = (v << 8) | p[k];
	return v;
}

/* An integer column's value, when column i is one. */
static int
int_value(struct pg_stmt *st, int i, int64_t *v)
{
	const unsigned char *p;
	int n;

	p = (const unsigned char *)PQgetvalue(st->res, st->row, i);
	n = PQgetlength(st->res, st->row, i);
	switch (PQftype(st->res, i)) {
	case INT8OID:
		if (n != 8)
			return -1;
		*v = (int64_t)be(p, 8);
		return 0;
	case INT4OID:
		if (n != 4)
			return -1;
		*v = (int32_t)(uint32_t)be(p, 4);
		return 0;
	case INT2OID:
		if (n != 2)
			return -1;
		*v = (int16_t)(uint16_t)be(p, 2);
		return 0;
	case OIDOID:
		if (n != 4)
			return -1;
		*v = (int64_t)be(p, 4);
		return 0;
	case BOOLOID:
		if (n != 1)
			return -1;
		*v = p[0] != 0;
		return 0;
	default:
		return -1;
	}
}

static int64_t
pg_col_int(struct db_stmt *st0, int i)
{
	struct pg_stmt *st = (struct pg_stmt *)st0;
	const char *text;
	char words[64];
	int64_t v;

	if (!has_value(st, i))
		return 0;
	if (int_value(st, i, &v) == 0)
		return v;
	if (PQftype(st->res, i) != BYTEAOID) {
		/* Text in binary format is its bytes: read it as SQLite
		 * would. */
		text = PQgetvalue(st->res, st->row, i);
		return strtoll(text, NULL, 10);
	}
	db_sql_words(st->sql, words, sizeof(words));
	log_error("store: %s: column %d is not an integer", words, i);
	return 0;
}

static const char *
pg_col_text(struct db_stmt *st0, int i)
{
	struct pg_stmt *st = (struct pg_stmt *)st0;
	int64_t v;

	if (!has_value(st, i))
		return NULL;
	if (int_value(st, i, &v) == 0) {
		snprintf(st->num, sizeof(st->num), "%" PRId64, v);
		return st->num;
	}
	/* libpq ends every value with a NUL, binary ones too. */
	return PQgetvalue(st->res, st->row, i);
}

static const void *
pg_col_blob(struct db_stmt *st0, int i, size_t *n)
{
	struct pg_stmt *st = (struct pg_stmt *)st0;

	if (!has_value(st, i)) {
		*n = 0;
		return NULL;
	}
	*n = (size_t)PQgetlength(st->res, st->row, i);
	return PQgetvalue(st->res, st->row, i);
}

static int
pg_col_null(struct db_stmt *st0, int i)
{
	return !has_value((struct pg_stmt *)st0, i);
}

static void
pg_finalize(struct db_stmt *st0)
{
	struct pg_stmt *st = (struct pg_stmt *)st0;

	PQclear(st->res);
	free(st->vals);
	free(st->lens);
	free(st->fmts);
	free(st->ints);
	free(st);
}

static int
pg_in_tx(struct db *db0)
{
	PGTransactionStatusType t;

	t = PQtransactionStatus(((struct pg_db *)db0)->conn);
	/* INERROR counts as out: the transaction can only roll back. */
	return t == PQTRANS_INTRANS || t == PQTRANS_ACTIVE;
}

static int
pg_rollback(struct db *db0)
{
	struct pg_db *db = (struct pg_db *)db0;
	PGTransactionStatusType t;

	db->tx = 0;
	db->savepoint = 0;
	t = PQtransactionStatus(db->conn);
	/* UNKNOWN: the connection is gone, and the transaction with it. */
	if (t == PQTRANS_IDLE || t == PQTRANS_UNKNOWN)
		return 0;
	return run_simple(db, "ROLLBACK", "ROLLBACK");
}

static int
pg_begin(struct db *db0)
{
	struct pg_db *db = (struct pg_db *)db0;
	int rc;

	if (db->tx || PQtransactionStatus(db->conn) != PQTRANS_IDLE)
		pg_rollback(db0);
	if ((rc = connected(db)) != 0)
		return rc;
	rc = run_simple(db, "BEGIN ISOLATION LEVEL READ COMMITTED; "
	    "SELECT pg_advisory_xact_lock(" PG_WRITE_LOCK ")",
	    "BEGIN");
	if (rc != 0) {
		pg_rollback(db0);
		return rc;
	}
	db->tx = 1;
	db->savepoint = 0;
	return 0;
}

static int
pg_commit(struct db *db0)
{
	struct pg_db *db = (struct pg_db *)db0;
	PGresult *res;
	int rc = 0;

	res = PQexec(db->conn, "COMMIT");
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		rc = fail(db, "COMMIT", res, 1);
	} else if (strcmp(PQcmdStatus(res), "COMMIT") != 0) {
		/* COMMIT of a failed transaction answers ROLLBACK. */
		log_error("store: COMMIT: the database had already rolled the "
		    "transaction back");
		rc = STORE_ERR;
	}
	PQclear(res);
	if (rc != 0)
		pg_rollback(db0);
	db->tx = 0;
	db->savepoint = 0;
	return rc;
}

/* Run a one-row query without parameters; its result in *out. */
static int
query_row(struct pg_db *db, const char *sql, PGresult **out)
{
	PGresult *res;

	*out = NULL;
	res = PQexecParams(db->conn, sql, 0, NULL, NULL, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		int rc = PQresultStatus(res) == PGRES_TUPLES_OK ? STORE_ERR :
		    fail(db, sql, res, 0);

		PQclear(res);
		return rc;
	}
	*out = res;
	return 0;
}

static int
pg_check(struct db *db0)
{
	struct pg_db *db = (struct pg_db *)db0;
	PGresult *res;
	long n;
	int rc;

	if ((rc = connected(db)) != 0)
		return rc;
	if ((rc = query_row(db, "SELECT COALESCE(MAX(version), 0) "
	    "FROM schema_version", &res)) != 0)
		return rc;
	PQclear(res);
	/* An index left invalid by a failed build no longer enforces its
	 * uniqueness. */
	if ((rc = query_row(db, "SELECT count(*) FROM pg_index i "
	    "JOIN pg_class c ON c.oid = i.indexrelid "
	    "WHERE c.relnamespace = current_schema()::regnamespace "
	    "AND NOT (i.indisvalid AND i.indisready)", &res)) != 0)
		return rc;
	n = strtol(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	if (n > 0) {
		log_error("store: integrity check: %ld invalid indexes "
		    "(REINDEX them)", n);
		return STORE_ERR;
	}
	return 0;
}

static void
pg_close(struct db *db0)
{
	struct pg_db *db = (struct pg_db *)db0;
	struct pg_prep *p, *next;
	size_t b;

	if (db == NULL)
		return;
	for (b = 0; b < CACHE_BUCKETS; b++) {
		for (p = db->cache[b]; p != NULL; p = next) {
			next = p->next;
			free(p->sql);
			free(p);
		}
	}
	PQfinish(db->conn);
	free(db);
}

static int
c_locale(const char *l)
{
	return strcmp(l, "C") == 0 || strcmp(l, "POSIX") == 0;
}

/*
 * The database must be UTF-8 with the "C" collation and character
 * classes: db.h's bytewise ordering, and lower() folding ASCII only as
 * SQLite's does.
 */
static int
check_database(struct pg_db *db, int create, char *err, size_t errlen)
{
	PGresult *res;
	const char *enc, *coll, *ctype, *name;

	if (query_row(db, "SELECT pg_encoding_to_char(encoding), datcollate, "
	    "datctype, current_database() FROM pg_database "
	    "WHERE datname = current_database()", &res) != 0) {
		snprintf(err, errlen, "cannot read the postgresql database's "
		    "settings");
		return -1;
	}
	enc = PQgetvalue(res, 0, 0);
	coll = PQgetvalue(res, 0, 1);
	ctype = PQgetvalue(res, 0, 2);
	name = PQgetvalue(res, 0, 3);
	if (strcmp(enc, "UTF8") != 0 || !c_locale(coll) || !c_locale(ctype)) {
		snprintf(err, errlen, "postgresql database '%s' has encoding "
		    "%s, collation %s and ctype %s; lookout needs UTF8 and C "
		    "(createdb -T template0 -E UTF8 --locale=C %s)", name, enc,
		    coll, ctype, name);
		PQclear(res);
		return -1;
	}
	PQclear(res);
	if (create)
		return 0;
	if (query_row(db, "SELECT to_regclass('schema_version') IS NOT NULL",
	    &res) != 0) {
		snprintf(err, errlen, "cannot read the postgresql database's "
		    "schema");
		return -1;
	}
	if (strcmp(PQgetvalue(res, 0, 0), "t") != 0) {
		snprintf(err, errlen, "the postgresql database holds no "
		    "lookout data (run lookout init --db first?)");
		PQclear(res);
		return -1;
	}
	PQclear(res);
	return 0;
}

static int
pg_open(const char *dir, const char *url, int create, struct db **out,
    char *err, size_t errlen)
{
	/* The URL is expanded in place of dbname; connect_timeout before
	 * it is a default the URL may override, client_encoding after it
	 * is not negotiable. */
	const char *const keys[] = { "connect_timeout", "dbname",
	    "fallback_application_name", "client_encoding", NULL };
	const char *vals[] = { CONNECT_TIMEOUT, url, "lookout", "UTF8",
	    NULL };
	struct pg_db *db = NULL;
	char msg[256];
	int rc = STORE_ERR;

	(void)dir;
	*out = NULL;
	if (url == NULL || *url == '\0') {
		snprintf(err, errlen, "no postgresql database given");
		goto out;
	}
	db = xcalloc(1, sizeof(*db));
	db->base.drv = &db_postgres;
	db->gen = 1;
	db->conn = PQconnectdbParams(keys, vals, 1);
	if (db->conn == NULL) {
		snprintf(err, errlen, "cannot connect to the postgresql "
		    "database: out of memory");
		goto out;
	}
	if (PQstatus(db->conn) != CONNECTION_OK) {
		/* libpq's message names host, port and user; but on a URL
		 * it cannot parse, it quotes the URL. */
		one_line(PQerrorMessage(db->conn), msg, sizeof(msg));
		hide_password(url, msg, sizeof(msg));
		snprintf(err, errlen, "cannot connect to the postgresql "
		    "database: %s", msg);
		rc = STORE_BUSY;
		goto out;
	}
	PQsetNoticeProcessor(db->conn, notice, NULL);
	if (configure(db) != 0) {
		snprintf(err, errlen, "cannot configure the postgresql "
		    "connection");
		goto out;
	}
	if (check_database(db, create, err, errlen) == -1)
		goto out;
	*out = &db->base;
	db = NULL;
	rc = 0;
out:
	if (db != NULL)
		pg_close(&db->base);
	return rc;
}

/* Channels, by enum store_event (RESYNC has none). */
static const char *const channels[] = {
	NULL,
	"lookout_alert_published",
	"lookout_alert_withdrawn",
	"lookout_alert_changed",
	"lookout_user_changed",
	NULL,
};
#define NCHANNELS	(sizeof(channels) / sizeof(channels[0]))

static int
pg_notify(struct db *db0, enum store_event event, int64_t id)
{
	struct pg_db *db = (struct pg_db *)db0;
	const char *vals[2];
	char num[24];
	PGresult *res;
	int rc = 0;

	if ((unsigned)event >= NCHANNELS || channels[event] == NULL)
		return STORE_ERR;
	if ((rc = connected(db)) != 0)
		return rc;
	snprintf(num, sizeof(num), "%" PRId64, id);
	vals[0] = channels[event];
	vals[1] = num;
	res = PQexecParams(db->conn, "SELECT pg_notify($1, $2)", 2, NULL,
	    vals, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = fail(db, "SELECT pg_notify", res, 0);
	PQclear(res);
	return rc;
}

#define LISTEN_CONNECT_TIMEOUT	"5"

struct pg_listener {
	struct store_listener	 base;
	char			*url;
	PGconn			*conn;
	store_event_fn		 fn;
	void			*arg;
	int			 wake[2];	/* written to stop */
	pthread_t		 thread;
	int			 started;
	int			 lost;		/* loss already logged */
	int			 gone;		/* LOST told, not connected
						 * again since */
	int			 resync;	/* events may be missed */
};

/* Connect and LISTEN; 0, or -1 with the reason in msg. */
static int
listener_connect(struct pg_listener *l, char *msg, size_t len)
{
	const char *const keys[] = { "connect_timeout", "keepalives",
	    "keepalives_idle", "keepalives_interval", "keepalives_count",
	    "dbname", "fallback_application_name", "client_encoding", NULL };
	const char *vals[] = { LISTEN_CONNECT_TIMEOUT, "1", "30", "10", "3",
	    l->url, "lookout", "UTF8", NULL };
	PGresult *res;
	int rc = -1;

	PQfinish(l->conn);
	l->conn = PQconnectdbParams(keys, vals, 1);
	if (l->conn == NULL) {
		snprintf(msg, len, "out of memory");
		return -1;
	}
	if (PQstatus(l->conn) != CONNECTION_OK) {
		one_line(PQerrorMessage(l->conn), msg, len);
		goto out;
	}
	PQsetNoticeProcessor(l->conn, notice, NULL);
	res = PQexec(l->conn, "LISTEN lookout_alert_published; "
	    "LISTEN lookout_alert_withdrawn; LISTEN lookout_alert_changed; "
	    "LISTEN lookout_user_changed");
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		one_line(PQresultErrorMessage(res), msg, len);
		PQclear(res);
		goto out;
	}
	PQclear(res);
	rc = 0;
out:
	if (rc != 0) {
		PQfinish(l->conn);
		l->conn = NULL;
	}
	return rc;
}

static enum store_event
channel_event(const char *name)
{
	size_t i;

	for (i = 1; i < NCHANNELS; i++)
		if (channels[i] != NULL && strcmp(name, channels[i]) == 0)
			return (enum store_event)i;
	return STORE_EVENT_RESYNC;
}

/* Hand every notification received to fn. */
static void
listener_drain(struct pg_listener *l)
{
	enum store_event ev;
	PGnotify *n;
	char *end;
	long long id;

	while ((n = PQnotifies(l->conn)) != NULL) {
		ev = channel_event(n->relname);
		errno = 0;
		id = strtoll(n->extra, &end, 10);
		if (ev == STORE_EVENT_RESYNC || errno != 0 || end == n->extra ||
		    *end != '\0' || id <= 0) {
			log_warn("store: ignoring a malformed notification on "
			    "channel '%.64s'", n->relname);
		} else if (l->fn(ev, (int64_t)id, l->arg) != 0) {
			l->resync = 1;
		}
		PQfreemem(n);
	}
}

/* Wait up to ms (forever when -1) for the connection's socket, if any;
 * 1 when asked to stop. */
static int
listener_wait(struct pg_listener *l, int ms, int *readable)
{
	struct pollfd pfd[2];
	int n = 1, r;
	char c;

	*readable = 0;
	pfd[0].fd = l->wake[0];
	pfd[0].events = POLLIN;
	if (l->conn != NULL && PQsocket(l->conn) >= 0) {
		pfd[1].fd = PQsocket(l->conn);
		pfd[1].events = POLLIN;
		n = 2;
	}
	do {
		r = poll(pfd, (nfds_t)n, ms);
	} while (r < 0 && errno == EINTR);
	if (r < 0) {
		log_error("store: listener: poll: %s", strerror(errno));
		return 1;
	}
	if (pfd[0].revents != 0) {
		if (read(l->wake[0], &c, 1) < 0 && errno != EAGAIN)
			log_warn("store: listener: read: %s", strerror(errno));
		return 1;
	}
	if (n == 2 && pfd[1].revents != 0)
		*readable = 1;
	return 0;
}

static void *
listener_main(void *arg)
{
	struct pg_listener *l = arg;
	char msg[256];
	int readable;

	for (;;) {
		if (l->conn == NULL || PQstatus(l->conn) != CONNECTION_OK) {
			if (listener_connect(l, msg, sizeof(msg)) != 0) {
				if (!l->lost)
					log_warn("store: listener: cannot "
					    "reconnect to the database: %s",
					    msg);
				if (!l->gone)
					(void)l->fn(STORE_EVENT_LOST, 0,
					    l->arg);
				l->lost = l->gone = 1;
				if (listener_wait(l, RECONNECT_EVERY * 1000,
				    &readable))
					break;
				continue;
			}
			log_info("store: listener: reconnected to the "
			    "database; resynchronising");
			l->lost = l->gone = 0;
			l->resync = 1;
		}
		if (l->resync && l->fn(STORE_EVENT_RESYNC, 0, l->arg) == 0)
			l->resync = 0;
		if (listener_wait(l, l->resync ? RECONNECT_EVERY * 1000 : -1,
		    &readable))
			break;
		if (!readable)
			continue;
		if (PQconsumeInput(l->conn) == 0 ||
		    PQstatus(l->conn) != CONNECTION_OK) {
			one_line(PQerrorMessage(l->conn), msg, sizeof(msg));
			log_warn("store: listener: connection to the database "
			    "lost: %s", msg);
			if (!l->gone)
				(void)l->fn(STORE_EVENT_LOST, 0, l->arg);
			l->lost = 0;
			l->gone = 1;
			PQfinish(l->conn);
			l->conn = NULL;
			continue;
		}
		listener_drain(l);
	}
	return NULL;
}

static void
pg_listen_close(struct store_listener *l0)
{
	struct pg_listener *l = (struct pg_listener *)l0;
	char c = 0;

	if (l == NULL)
		return;
	if (l->started) {
		if (write(l->wake[1], &c, 1) != 1)
			log_error("store: listener: cannot stop: %s",
			    strerror(errno));
		else
			pthread_join(l->thread, NULL);
	}
	PQfinish(l->conn);
	if (l->wake[0] >= 0)
		close(l->wake[0]);
	if (l->wake[1] >= 0)
		close(l->wake[1]);
	if (l->url != NULL)
		sodium_memzero(l->url, strlen(l->url));
	free(l->url);
	free(l);
}

static int
pg_listen_open(const char *url, store_event_fn fn, void *arg,
    struct store_listener **out, char *err, size_t errlen)
{
	struct pg_listener *l;
	char msg[256];

	*out = NULL;
	l = xcalloc(1, sizeof(*l));
	l->base.drv = &db_postgres;
	l->url = xstrdup(url);
	l->fn = fn;
	l->arg = arg;
	l->wake[0] = l->wake[1] = -1;
	if (pipe2(l->wake, O_CLOEXEC | O_NONBLOCK) == -1) {
		snprintf(err, errlen, "cannot make the listener's pipe: %s",
		    strerror(errno));
		goto fail;
	}
	if (listener_connect(l, msg, sizeof(msg)) != 0) {
		snprintf(err, errlen, "cannot listen to the postgresql "
		    "database: %s", msg);
		pg_listen_close(&l->base);
		return STORE_BUSY;
	}
	*out = &l->base;
	return 0;
fail:
	pg_listen_close(&l->base);
	return STORE_ERR;
}

static int
pg_listen_start(struct store_listener *l0)
{
	struct pg_listener *l = (struct pg_listener *)l0;
	int e;

	if (l->started)
		return 0;
	if ((e = pthread_create(&l->thread, NULL, listener_main, l)) != 0) {
		log_error("store: cannot start the listener: %s", strerror(e));
		return STORE_ERR;
	}
	l->started = 1;
	return 0;
}

const struct db_driver db_postgres = {
	.name = "postgresql",
	.dialect = DB_DIALECT_POSTGRES,
	.open = pg_open,
	.close = pg_close,
	.exec = pg_exec,
	.prepare = pg_prepare,
	.bind_int = pg_bind_int,
	.bind_text = pg_bind_text,
	.bind_blob = pg_bind_blob,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.col_int = pg_col_int,
	.col_text = pg_col_text,
	.col_blob = pg_col_blob,
	.col_null = pg_col_null,
	.finalize = pg_finalize,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.in_tx = pg_in_tx,
	.check = pg_check,
	.notify = pg_notify,
	.listen_open = pg_listen_open,
	.listen_start = pg_listen_start,
	.listen_close = pg_listen_close,
	.classify = pg_classify,
};
