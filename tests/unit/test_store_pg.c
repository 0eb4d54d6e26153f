/*
 * test_store_pg.c: the PostgreSQL driver (src/store/postgres.c).
 *
 * The error classifier is tested everywhere. The rest needs a server:
 * LOOKOUT_TEST_PG_URL names an empty database the tests may wipe, and
 * LOOKOUT_TEST_PG_URL2 another one left empty; without them those tests
 * are skipped. ctest's unit-pg/test_store_pg provides both from a
 * throwaway cluster (tests/integration/pg_run.py).
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/db.h"
#include "store/store.h"
#include "store/store_loop.h"
#include "util/arena.h"
#include "util/log.h"
#include "util/banned.h"

#include "store_fixture.h"

#ifdef LOOKOUT_POSTGRES

#define SIXBIT(c)	(((c) - '0') & 0x3f)
static int
state(const char *s)
{
	return SIXBIT(s[0]) + (SIXBIT(s[1]) << 6) + (SIXBIT(s[2]) << 12) +
	    (SIXBIT(s[3]) << 18) + (SIXBIT(s[4]) << 24);
}

static void
test_classify(void **st)
{
	int (*c)(int, int) = db_postgres.classify;

	(void)st;
	assert_int_equal(c(0, 0), STORE_OK);
	assert_int_equal(c(state("23505"), 1), STORE_CONFLICT);
	assert_int_equal(c(state("23503"), 1), STORE_NOTFOUND);
	assert_int_equal(c(state("53100"), 1), STORE_FULL);
	assert_int_equal(c(state("08006"), 0), STORE_BUSY);
	assert_int_equal(c(state("08001"), 0), STORE_BUSY);
	assert_int_equal(c(state("57P01"), 0), STORE_BUSY);
	assert_int_equal(c(state("57P03"), 0), STORE_BUSY);
	assert_int_equal(c(state("40001"), 1), STORE_BUSY);
	assert_int_equal(c(state("40P01"), 1), STORE_BUSY);
	assert_int_equal(c(state("55P03"), 1), STORE_BUSY);
	/* A CHECK, a NOT NULL, a syntax error: bugs, not conditions. */
	assert_int_equal(c(state("23514"), 1), STORE_ERR);
	assert_int_equal(c(state("23502"), 1), STORE_ERR);
	assert_int_equal(c(state("42601"), 0), STORE_ERR);
	assert_int_equal(c(state("57014"), 0), STORE_BUSY);
	assert_int_equal(c(state("22012"), 0), STORE_ERR);
}

static void
test_url_not_echoed(void **st)
{
	char err[256];

	(void)st;
	assert_null(store_open("/nonexistent", "postgresql://u:s3cret@"
	    "127.0.0.1:1/lookout?connect_timeout=2", 1, err, sizeof(err)));
	assert_true(strlen(err) > 0);
	assert_null(strstr(err, "s3cret"));
}

struct fixture {
	struct store	*s;
	struct arena	 a;
};

static const char *
url(void)
{
	return getenv("LOOKOUT_TEST_PG_URL");
}

static int
setup(void **st)
{
	struct fixture *f;
	struct store *s;
	char err[256];

	if (url() == NULL || *url() == '\0') {
		*st = NULL;
		return 0;
	}
	/* A clean schema for every test. */
	s = store_open(NULL, url(), 1, err, sizeof(err));
	if (s == NULL)
		fail_msg("store_open: %s", err);
	assert_int_equal(db_exec(store_debug_db(s), "DROP SCHEMA public "
	    "CASCADE; CREATE SCHEMA public"), 0);
	store_close(s);

	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	f->s = store_open(NULL, url(), 1, err, sizeof(err));
	if (f->s == NULL)
		fail_msg("store_open: %s", err);
	arena_init(&f->a);
	*st = f;
	return 0;
}

static int
teardown(void **st)
{
	struct fixture *f = *st;

	if (f == NULL)
		return 0;
	arena_release(&f->a);
	store_close(f->s);
	free(f);
	return 0;
}

#define LIVE(f) do { \
	if ((f) == NULL) \
		skip(); \
} while (0)

static void
insert_org(struct store *s, int64_t id, int want)
{
	struct org o = { .id = id, .name = "org", .created_at = id };

	assert_int_equal(store_org_insert(s, &o), want);
}

static void
test_open_and_migrate(void **st)
{
	struct fixture *f = *st;
	const char *empty = getenv("LOOKOUT_TEST_PG_URL2");
	struct store *s2;
	char err[256];
	int v;

	LIVE(f);
	assert_int_equal(store_schema_version(f->s, &v), 0);
	assert_int_equal(v, store_migration_latest());
	/* Reopening migrates nothing, and needs no create. */
	s2 = store_open(NULL, url(), 0, err, sizeof(err));
	if (s2 == NULL)
		fail_msg("reopen: %s", err);
	store_close(s2);
	assert_int_equal(query_int(f->s, "SELECT COUNT(*) "
	    "FROM schema_version"), store_migration_latest());
	assert_int_equal(store_check(f->s), 0);
	/* An empty database is not a lookout one unless creating. */
	if (empty != NULL) {
		assert_null(store_open(NULL, empty, 0, err, sizeof(err)));
		assert_non_null(strstr(err, "init"));
	}
}

static void
test_values_round_trip(void **st)
{
	struct fixture *f = *st;
	struct db *db;
	struct db_stmt *s = NULL;
	static const uint8_t blob[] = { 0, 1, 0xff, 0, '\\', 'x', 0x80 };
	const uint8_t *p;
	size_t n;

	LIVE(f);
	db = store_debug_db(f->s);
	assert_int_equal(db_exec(db, "CREATE TABLE vals (k BIGINT PRIMARY "
	    "KEY, i BIGINT, t TEXT, b BYTEA)"), 0);
	assert_int_equal(db_prepare(db, "INSERT INTO vals (k, i, t, b) "
	    "VALUES ($1, $2, $3, $4)", &s), 0);
	db_bind_int(s, 1, 1);
	db_bind_int(s, 2, INT64_MIN);
	db_bind_text(s, 3, "Montr\xc3\xa9" "al 100% _x_ 'q' \\");
	db_bind_blob(s, 4, blob, sizeof(blob));
	assert_int_equal(db_step(s), 0);
	db_finalize(s);
	assert_int_equal(db_prepare(db, "INSERT INTO vals (k, i, t, b) "
	    "VALUES ($1, $2, $3, $4)", &s), 0);
	db_bind_int(s, 1, 2);
	db_bind_int(s, 2, INT64_MAX);
	db_bind_null(s, 3);
	db_bind_blob(s, 4, NULL, 0);		/* empty, not NULL */
	assert_int_equal(db_step(s), 0);
	db_finalize(s);

	assert_int_equal(db_prepare(db, "SELECT k, i, t, b, length(b), "
	    "b IS NULL, t IS NULL FROM vals ORDER BY k", &s), 0);
	assert_int_equal(db_step(s), 1);
	assert_int_equal(db_col_int(s, 1), INT64_MIN);
	assert_string_equal(db_col_text(s, 2),
	    "Montr\xc3\xa9" "al 100% _x_ 'q' \\");
	p = db_col_blob(s, 3, &n);
	assert_int_equal(n, sizeof(blob));
	assert_memory_equal(p, blob, sizeof(blob));
	assert_int_equal(db_col_int(s, 4), sizeof(blob));
	assert_int_equal(db_col_int(s, 5), 0);
	assert_string_equal(db_col_text(s, 0), "1");
	assert_int_equal(db_step(s), 1);
	assert_int_equal(db_col_int(s, 1), INT64_MAX);
	assert_true(db_col_null(s, 2));
	assert_null(db_col_text(s, 2));
	assert_false(db_col_null(s, 3));
	p = db_col_blob(s, 3, &n);
	assert_non_null(p);
	assert_int_equal(n, 0);
	assert_int_equal(db_col_int(s, 6), 1);
	assert_int_equal(db_step(s), 0);
	assert_int_equal(db_step(s), 0);
	db_finalize(s);

	/* LIKE ... ESCAPE '\' means one backslash, as in SQLite. */
	assert_int_equal(query_int(f->s, "SELECT COUNT(*) FROM vals WHERE "
	    "lower(t) LIKE '%100\\%%' ESCAPE '\\'"), 1);
	/* lower() folds ASCII only: the database's ctype is C. */
	assert_int_equal(query_int(f->s, "SELECT COUNT(*) FROM vals WHERE "
	    "lower(t) = 'montr\xc3\xa9" "al 100% _x_ ''q'' \\'"), 1);
	assert_int_equal(query_int(f->s, "SELECT COUNT(*) FROM vals WHERE "
	    "lower('\xc3\x89') = '\xc3\xa9'"), 0);

	/* A parameter the statement does not have. */
	assert_int_equal(db_prepare(db, "SELECT k FROM vals WHERE k = $1",
	    &s), 0);
	assert_int_equal(db_bind_int(s, 2, 1), STORE_ERR);
	assert_int_equal(db_step(s), STORE_ERR);
	db_finalize(s);
}

static void
test_failure_inside_tx_keeps_it(void **st)
{
	struct fixture *f = *st;
	struct user u;
	uint8_t h[STORE_HASH_BYTES] = { 1 };

	LIVE(f);
	/* As in SQLite, a failed statement undoes only itself. */
	assert_int_equal(store_begin(f->s), 0);
	insert_org(f->s, 1, 0);
	insert_org(f->s, 1, STORE_CONFLICT);
	memset(&u, 0, sizeof(u));
	u.id = 5;
	u.org_id = 99;			/* no such org */
	u.role = "member";
	memcpy(u.name_hash, h, sizeof(h));
	u.name_sealed = h;
	u.name_sealed_len = sizeof(h);
	u.pw_hash = "x";
	u.status = "active";
	assert_int_equal(store_user_insert(f->s, &u), STORE_NOTFOUND);
	insert_org(f->s, 2, 0);
	assert_int_equal(store_commit(f->s), 0);
	assert_int_equal(query_int(f->s, "SELECT COUNT(*) FROM orgs"), 2);

	/* A failure the transaction cannot survive dooms it: nothing
	 * commits, and the connection is usable afterwards. */
	assert_int_equal(store_begin(f->s), 0);
	insert_org(f->s, 3, 0);
	{
		struct db_stmt *s = NULL;

		assert_int_equal(db_prepare(store_debug_db(f->s),
		    "SELECT 1 / (COUNT(*) - COUNT(*)) FROM orgs", &s), 0);
		assert_int_equal(db_step(s), STORE_ERR);
		db_finalize(s);
	}
	assert_false(db_postgres.in_tx(store_debug_db(f->s)));
	assert_int_equal(store_commit(f->s), STORE_ERR);
	assert_int_equal(query_int(f->s, "SELECT COUNT(*) FROM orgs"), 2);
	assert_int_equal(store_begin(f->s), 0);
	insert_org(f->s, 4, 0);
	assert_int_equal(store_commit(f->s), 0);
	assert_int_equal(query_int(f->s, "SELECT COUNT(*) FROM orgs"), 3);
}

struct waiter {
	struct store	*s;
	struct timespec	 got;
	int		 rc;
};

static void *
wait_begin(void *arg)
{
	struct waiter *w = arg;

	w->rc = store_begin(w->s);
	clock_gettime(CLOCK_MONOTONIC, &w->got);
	if (w->rc == 0)
		w->rc = store_commit(w->s);
	return NULL;
}

static void
test_write_lock_serialises(void **st)
{
	struct fixture *f = *st;
	struct waiter w;
	struct timespec released;
	pthread_t t;
	char err[256];

	LIVE(f);
	memset(&w, 0, sizeof(w));
	w.s = store_open(NULL, url(), 0, err, sizeof(err));
	assert_non_null(w.s);
	assert_int_equal(store_begin(f->s), 0);
	assert_int_equal(pthread_create(&t, NULL, wait_begin, &w), 0);
	usleep(300 * 1000);
	clock_gettime(CLOCK_MONOTONIC, &released);
	assert_int_equal(store_commit(f->s), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(w.rc, 0);
	/* The second writer got the lock only after the first let go. */
	assert_true(w.got.tv_sec > released.tv_sec ||
	    (w.got.tv_sec == released.tv_sec &&
	    w.got.tv_nsec >= released.tv_nsec));
	store_close(w.s);
}

/* End the backend of s from another connection. */
static void
kill_backend(struct store *s)
{
	struct store *k;
	struct db_stmt *q = NULL;
	int64_t pid = query_int(s, "SELECT pg_backend_pid()");
	char err[256];

	k = store_open(NULL, url(), 0, err, sizeof(err));
	assert_non_null(k);
	assert_int_equal(db_prepare(store_debug_db(k),
	    "SELECT pg_terminate_backend($1::int)", &q), 0);
	db_bind_int(q, 1, pid);
	assert_int_equal(db_step(q), 1);
	assert_int_equal(db_col_int(q, 0), 1);
	db_finalize(q);
	store_close(k);
	usleep(100 * 1000);
}

static void
test_reconnect(void **st)
{
	struct fixture *f = *st;
	struct org o;

	LIVE(f);
	insert_org(f->s, 1, 0);
	assert_int_equal(store_org_get(f->s, &f->a, 1, &o), 0);

	/* Outside a transaction: the statement that meets the broken
	 * connection answers BUSY; the next reconnects, and statements
	 * prepared before are prepared again. */
	kill_backend(f->s);
	assert_int_equal(store_org_get(f->s, &f->a, 1, &o), STORE_BUSY);
	assert_int_equal(store_org_get(f->s, &f->a, 1, &o), 0);
	insert_org(f->s, 2, 0);

	/* Inside one: BUSY, the transaction is doomed, nothing of it
	 * commits, and the next begin reconnects. */
	assert_int_equal(store_begin(f->s), 0);
	insert_org(f->s, 3, 0);
	kill_backend(f->s);
	insert_org(f->s, 4, STORE_BUSY);
	insert_org(f->s, 5, STORE_ERR);
	assert_int_equal(store_commit(f->s), STORE_ERR);
	assert_int_equal(store_begin(f->s), 0);
	insert_org(f->s, 6, 0);
	assert_int_equal(store_commit(f->s), 0);
	assert_int_equal(query_int(f->s, "SELECT COUNT(*) FROM orgs"), 3);
	assert_int_equal(store_org_get(f->s, &f->a, 3, &o), STORE_NOTFOUND);
}

/* Events a listener heard, for test_events. */
static struct {
	pthread_mutex_t	 mu;
	int		 ev[64];
	int64_t		 id[64];
	int		 n;
} heard = { PTHREAD_MUTEX_INITIALIZER, { 0 }, { 0 }, 0 };

static int
hear(enum store_event ev, int64_t id, void *arg)
{
	(void)arg;
	pthread_mutex_lock(&heard.mu);
	if (heard.n < 64) {
		heard.ev[heard.n] = (int)ev;
		heard.id[heard.n] = id;
		heard.n++;
	}
	pthread_mutex_unlock(&heard.mu);
	return 0;
}

/* Wait (a generous deadline, not a timing check) until n events were
 * heard; returns how many were. */
static int
wait_heard(int n)
{
	int i, got = 0;

	for (i = 0; i < 1000; i++) {
		pthread_mutex_lock(&heard.mu);
		got = heard.n;
		pthread_mutex_unlock(&heard.mu);
		if (got >= n)
			break;
		usleep(20 * 1000);
	}
	return got;
}

static void
insert_alert(struct store *s, int64_t id)
{
	struct store_alert al = { .id = id, .org_id = 1, .summary = "s",
	    .severity = "low", .issued_on = "2026-11-20", .status = "active",
	    .created_at = id };

	assert_int_equal(store_alert_insert(s, &al), 0);
}

static void
test_events(void **st)
{
	struct fixture *f = *st;
	struct store_listener *l = NULL;
	struct store *k;
	struct db_stmt *q = NULL;
	char err[256];

	LIVE(f);
	insert_org(f->s, 1, 0);
	assert_int_equal(store_listener_open(url(), hear, NULL, &l, err,
	    sizeof(err)), 0);
	assert_non_null(l);
	assert_int_equal(store_listener_start(l), 0);

	/* Rolled back: never heard of. Committed: heard once, after the
	 * commit, with the id alone. */
	assert_int_equal(store_begin(f->s), 0);
	insert_alert(f->s, 11);
	assert_int_equal(store_rollback(f->s), 0);
	assert_int_equal(store_begin(f->s), 0);
	insert_alert(f->s, 12);
	usleep(200 * 1000);
	assert_int_equal(heard.n, 0);
	assert_int_equal(store_commit(f->s), 0);
	assert_int_equal(wait_heard(1), 1);
	assert_int_equal(heard.ev[0], STORE_EVENT_ALERT_PUBLISHED);
	assert_int_equal(heard.id[0], 12);
	assert_int_equal(store_alert_withdraw(f->s, 12), 0);
	assert_int_equal(store_alert_withdraw(f->s, 13), STORE_NOTFOUND);
	assert_int_equal(wait_heard(2), 2);
	assert_int_equal(heard.ev[1], STORE_EVENT_ALERT_WITHDRAWN);
	assert_int_equal(heard.id[1], 12);

	/* The listener's connection ends: it says so once, reconnects by
	 * itself and asks for a resync, then hears new events again. */
	k = store_open(NULL, url(), 0, err, sizeof(err));
	assert_non_null(k);
	assert_int_equal(db_prepare(store_debug_db(k),
	    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
	    "WHERE query LIKE 'LISTEN %'", &q), 0);
	assert_int_equal(db_step(q), 1);
	assert_int_equal(db_col_int(q, 0), 1);
	db_finalize(q);
	store_close(k);
	assert_int_equal(wait_heard(4), 4);
	assert_int_equal(heard.ev[2], STORE_EVENT_LOST);
	assert_int_equal(heard.ev[3], STORE_EVENT_RESYNC);
	insert_alert(f->s, 14);
	assert_int_equal(wait_heard(5), 5);
	assert_int_equal(heard.ev[4], STORE_EVENT_ALERT_PUBLISHED);
	assert_int_equal(heard.id[4], 14);
	/* Account changes are heard by the account's id. */
	assert_int_equal(store_session_delete_user(f->s, 21, NULL), 0);
	assert_int_equal(wait_heard(6), 6);
	assert_int_equal(heard.ev[5], STORE_EVENT_USER_CHANGED);
	assert_int_equal(heard.id[5], 21);
	store_listener_close(l);
	assert_int_equal(heard.n, 6);
}

#endif /* LOOKOUT_POSTGRES */

int
main(void)
{
#ifdef LOOKOUT_POSTGRES
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_url_not_echoed),
		cmocka_unit_test_setup_teardown(test_open_and_migrate, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_values_round_trip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_failure_inside_tx_keeps_it, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_lock_serialises,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_reconnect, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_events, setup,
		    teardown),
	};

	/* Expected failures log at info and warn; keep errors visible. */
	log_set_level(LOG_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
#else
	/* Built without libpq: nothing to test. */
	return 0;
#endif
}
