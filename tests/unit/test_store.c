/*
 * test_store.c: the store over SQLite, through store.h, with db.h for
 * looking at what actually reached the file.
 */
#include <dirent.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store/db.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/log.h"
#include "util/banned.h"

#include "store_fixture.h"

/* The first column of the first row of sql, as text. */
static void
query_text(struct store *s, const char *sql, char *out, size_t len)
{
	struct db_stmt *st = NULL;
	const char *v;

	assert_int_equal(db_prepare(store_debug_db(s), sql, &st), 0);
	assert_int_equal(db_step(st), 1);
	v = db_col_text(st, 0);
	snprintf(out, len, "%s", v != NULL ? v : "(null)");
	db_finalize(st);
}

static void
user_init(struct user *u, int64_t id, int64_t org, int seed)
{
	static uint8_t sealed[] = { 0xde, 0xad, 0x00, 0xbe, 0xef };

	memset(u, 0, sizeof(*u));
	u->id = id;
	u->org_id = org;
	u->role = "member";
	fill_hash(u->name_hash, seed);
	u->name_sealed = sealed;
	u->name_sealed_len = sizeof(sealed);
	u->pw_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";
	u->status = "active";
	u->created_at = 1700000000;
}

/* Opening. */

/* A database file that another program made is never given lookout's
 * schema: opening it fails and leaves it as it was. */
static void
test_open_refuses_foreign_tables(void **state)
{
	char dir[64], path[96], err[256];
	sqlite3 *db;
	sqlite3_stmt *st;

	(void)state;
	make_dir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/lookout.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE invoices (id INTEGER)",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	assert_null(store_open(dir, "", 1, err, sizeof(err)));
	assert_non_null(strstr(err, "not lookout's"));

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT group_concat(name) "
	    "FROM sqlite_master WHERE type = 'table'", -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0),
	    "invoices");
	sqlite3_finalize(st);
	sqlite3_close(db);
	remove_dir(dir);
}

static void
test_open_create_then_reopen(void **state)
{
	char dir[64], err[256];
	struct store *s;
	int v = -1;

	(void)state;
	make_dir(dir, sizeof(dir));
	s = store_open(dir, NULL, 1, err, sizeof(err));
	assert_non_null(s);
	add_org(s, 7);
	store_close(s);

	s = store_open(dir, "", 0, err, sizeof(err));
	assert_non_null(s);
	assert_int_equal(store_schema_version(s, &v), 0);
	assert_int_equal(v, store_migration_latest());
	{
		struct arena a;
		struct org o;

		arena_init(&a);
		assert_int_equal(store_org_get(s, &a, 7, &o), 0);
		assert_string_equal(o.name, "Peers");
		arena_release(&a);
	}
	store_close(s);
	remove_dir(dir);
}

static void
test_open_missing(void **state)
{
	char dir[64], sub[128], want[256], err[256];

	(void)state;
	make_dir(dir, sizeof(dir));

	/* The data dir exists but holds no database. */
	assert_null(store_open(dir, NULL, 0, err, sizeof(err)));
	snprintf(want, sizeof(want),
	    "no database in '%s' (run lookout init first?)", dir);
	assert_string_equal(err, want);
	assert_int_equal(access(dir, F_OK), 0);
	{
		char db[128];

		snprintf(db, sizeof(db), "%s/lookout.db", dir);
		assert_int_equal(access(db, F_OK), -1);
	}

	/* No data dir at all, even with create. */
	snprintf(sub, sizeof(sub), "%s/nope", dir);
	snprintf(want, sizeof(want), "cannot open data dir '%s': No such "
	    "file or directory (run lookout init first?)", sub);
	assert_null(store_open(sub, NULL, 0, err, sizeof(err)));
	assert_string_equal(err, want);
	assert_null(store_open(sub, NULL, 1, err, sizeof(err)));
	assert_string_equal(err, want);

	remove_dir(dir);
}

static void
test_open_url_not_echoed(void **state)
{
	char dir[64], err[256];

	(void)state;
	make_dir(dir, sizeof(dir));
	assert_null(store_open(dir, "postgresql://u:s3cret@db/lookout", 1,
	    err, sizeof(err)));
	assert_true(strlen(err) > 0);
	assert_null(strstr(err, "s3cret"));
	remove_dir(dir);
}

static void
test_open_not_a_database(void **state)
{
	char dir[64], path[128], err[256];
	FILE *fp;

	(void)state;
	make_dir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/lookout.db", dir);
	assert_non_null(fp = fopen(path, "w"));
	for (int i = 0; i < 200; i++)
		fputs("this is not an sqlite database at all\n", fp);
	fclose(fp);
	assert_null(store_open(dir, NULL, 0, err, sizeof(err)));
	assert_non_null(strstr(err, "lookout.db"));
	remove_dir(dir);
}

static void
test_file_mode(void **state)
{
	char dir[64], path[128], err[256];
	struct store *s;
	struct stat sb;
	mode_t old;

	(void)state;
	make_dir(dir, sizeof(dir));
	/* The mode must not depend on the umask. */
	old = umask(0);
	s = store_open(dir, NULL, 1, err, sizeof(err));
	umask(old);
	assert_non_null(s);
	add_org(s, 1);

	snprintf(path, sizeof(path), "%s/lookout.db", dir);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	snprintf(path, sizeof(path), "%s/lookout.db-wal", dir);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	snprintf(path, sizeof(path), "%s/lookout.db-shm", dir);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);

	store_close(s);
	remove_dir(dir);
}

static void
test_pragmas(void **state)
{
	struct store_fixture *f = *state;
	char v[32];

	query_text(f->s, "PRAGMA journal_mode", v, sizeof(v));
	assert_string_equal(v, "wal");
	assert_int_equal(query_int(f->s, "PRAGMA synchronous"), 2); /* FULL */
	assert_int_equal(query_int(f->s, "PRAGMA foreign_keys"), 1);
	assert_int_equal(query_int(f->s, "PRAGMA busy_timeout"), 5000);
	assert_int_equal(query_int(f->s, "PRAGMA secure_delete"), 1);
}

static void
test_migrations_idempotent(void **state)
{
	struct store_fixture *f = *state;
	char err[256];
	struct store *s2;
	int v = 0;

	assert_true(store_migration_latest() >= 1);
	assert_int_equal(store_schema_version(f->s, &v), 0);
	assert_int_equal(v, store_migration_latest());

	/* Reopening twice applies nothing again. */
	for (int i = 0; i < 2; i++) {
		s2 = store_open(f->dir, NULL, 1, err, sizeof(err));
		assert_non_null(s2);
		assert_int_equal(store_schema_version(s2, &v), 0);
		assert_int_equal(v, store_migration_latest());
		store_close(s2);
	}
	assert_int_equal(query_int(f->s,
	    "SELECT COUNT(*) FROM schema_version"), store_migration_latest());
	assert_int_equal(query_int(f->s, "SELECT COUNT(*) FROM sqlite_master "
	    "WHERE type = 'table' AND name IN ('schema_version', 'meta', "
	    "'orgs', 'regions', 'users', 'user_regions', 'sessions', "
	    "'audit')"), 8);
}

static void
test_newer_schema_refused(void **state)
{
	struct store_fixture *f = *state;
	char err[256];

	assert_int_equal(db_exec(store_debug_db(f->s),
	    "INSERT INTO schema_version VALUES (9999, 0)"), 0);
	assert_null(store_open(f->dir, NULL, 0, err, sizeof(err)));
	assert_non_null(strstr(err, "9999"));
	assert_non_null(strstr(err, "upgrade lookout"));
}

/* Driver rules. */

static void
test_placeholders_portable(void **state)
{
	struct store_fixture *f = *state;
	struct db *db = store_debug_db(f->s);
	struct db_stmt *st = NULL;

	assert_int_equal(db_prepare(db, "SELECT ?", &st), STORE_ERR);
	assert_null(st);
	assert_int_equal(db_prepare(db, "SELECT $2, $1", &st), STORE_ERR);
	assert_int_equal(db_prepare(db, "SELECT :a", &st), STORE_ERR);
	assert_int_equal(db_prepare(db, "SELECT 1; SELECT 2", &st),
	    STORE_ERR);
	assert_int_equal(db_prepare(db, "SELECT $1 + $2, $1", &st), 0);
	db_bind_int(st, 1, 40);
	db_bind_int(st, 2, 2);
	assert_int_equal(db_step(st), 1);
	assert_int_equal(db_col_int(st, 0), 42);
	assert_int_equal(db_col_int(st, 1), 40);
	db_finalize(st);
}

static void
test_classify(void **state)
{
	int (*c)(int, int) = db_sqlite.classify;

	(void)state;
	assert_int_equal(c(SQLITE_FULL, 1), STORE_FULL);
	assert_int_equal(c(SQLITE_IOERR_WRITE, 1), STORE_FULL);
	assert_int_equal(c(SQLITE_IOERR_FSYNC, 1), STORE_FULL);
	assert_int_equal(c(SQLITE_IOERR_READ, 0), STORE_ERR);
	assert_int_equal(c(SQLITE_BUSY, 0), STORE_BUSY);
	assert_int_equal(c(SQLITE_BUSY_SNAPSHOT, 1), STORE_BUSY);
	assert_int_equal(c(SQLITE_LOCKED, 1), STORE_BUSY);
	assert_int_equal(c(SQLITE_CONSTRAINT_UNIQUE, 1), STORE_CONFLICT);
	assert_int_equal(c(SQLITE_CONSTRAINT_PRIMARYKEY, 1), STORE_CONFLICT);
	assert_int_equal(c(SQLITE_CONSTRAINT_FOREIGNKEY, 1), STORE_NOTFOUND);
	assert_int_equal(c(SQLITE_CONSTRAINT_CHECK, 1), STORE_ERR);
	assert_int_equal(c(SQLITE_CORRUPT, 0), STORE_ERR);
}

static void
test_disk_full(void **state)
{
	struct store_fixture *f = *state;
	static char big[64 * 1024];
	char key[32], sql[64], *v = NULL;
	int rc = 0, i;

	memset(big, 'x', sizeof(big) - 1);
	/* A quota room for one value stands in for a full disk. */
	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %lld",
	    (long long)query_int(f->s, "PRAGMA page_count") + 20);
	assert_int_equal(db_exec(store_debug_db(f->s), sql), 0);
	for (i = 0; i < 10 && rc == 0; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		rc = store_meta_set(f->s, key, big);
	}
	assert_int_equal(rc, STORE_FULL);
	assert_int_equal(i, 2);
	assert_int_equal(store_meta_get(f->s, &f->a, "k0", &v), 0);
	assert_string_equal(v, big);
	assert_int_equal(store_meta_get(f->s, &f->a, "k1", &v),
	    STORE_NOTFOUND);
}

static void
test_busy(void **state)
{
	struct store_fixture *f = *state;
	char err[256];
	struct store *s2;

	s2 = store_open(f->dir, NULL, 0, err, sizeof(err));
	assert_non_null(s2);
	assert_int_equal(db_exec(store_debug_db(s2),
	    "PRAGMA busy_timeout = 50"), 0);
	assert_int_equal(store_begin(f->s), 0);
	assert_int_equal(store_begin(s2), STORE_BUSY);
	/* Opening an up-to-date database takes no write lock. */
	{
		struct store *s3 = store_open(f->dir, NULL, 0, err,
		    sizeof(err));

		assert_non_null(s3);
		store_close(s3);
	}
	assert_int_equal(store_org_insert(s2, &(struct org){ .id = 5,
	    .name = "x" }), STORE_BUSY);
	assert_int_equal(store_commit(f->s), 0);
	/* The failed begin left s2 outside any transaction. */
	assert_int_equal(store_commit(s2), STORE_ERR);
	assert_int_equal(store_begin(s2), 0);
	assert_int_equal(store_commit(s2), 0);
	store_close(s2);
}

/* Domain round trips. */

/* A backup is one file of mode 0600, never written over an existing
 * one; a restore puts it back, refuses a database in use, a damaged
 * backup and one from a newer schema, and leaves the target as it was
 * when it refuses. */
static void
test_backup_restore(void **state)
{
	struct store_fixture *f = *state;
	char path[128], other[64], err[512], *v = NULL;
	struct store *s2;
	struct stat sb;
	FILE *fp;

	assert_int_equal(store_meta_set(f->s, "k", "before"), 0);
	snprintf(path, sizeof(path), "%s/copy.db", f->dir);
	assert_int_equal(store_backup(f->s, path, err, sizeof(err)), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(store_backup(f->s, path, err, sizeof(err)),
	    STORE_CONFLICT);
	assert_non_null(strstr(err, "already exists"));
	/* The copy is the moment it was made. */
	assert_int_equal(store_meta_set(f->s, "k", "after"), 0);

	make_dir(other, sizeof(other));
	assert_int_equal(store_restore(other, NULL, path, err, sizeof(err)), 0);
	s2 = store_open(other, NULL, 0, err, sizeof(err));
	assert_non_null(s2);
	assert_int_equal(store_meta_get(s2, &f->a, "k", &v), 0);
	assert_string_equal(v, "before");
	assert_int_equal(store_check(s2), 0);
	/* Not while the database is open. */
	assert_int_equal(store_restore(other, NULL, path, err, sizeof(err)),
	    STORE_BUSY);
	assert_non_null(strstr(err, "in use"));
	store_close(s2);

	/* A backup from a newer lookout is refused, and changes nothing. */
	assert_int_equal(db_exec(store_debug_db(f->s), "INSERT INTO "
	    "schema_version (version, applied_at) VALUES (9999, 0)"), 0);
	snprintf(path, sizeof(path), "%s/newer.db", f->dir);
	assert_int_equal(store_backup(f->s, path, err, sizeof(err)), 0);
	assert_int_equal(store_restore(other, NULL, path, err, sizeof(err)),
	    STORE_ERR);
	assert_non_null(strstr(err, "newer"));
	/* Nor is a file that is not a database. */
	snprintf(path, sizeof(path), "%s/junk.db", f->dir);
	assert_non_null(fp = fopen(path, "w"));
	fputs("not a database, not at all, not even a little bit\n", fp);
	fclose(fp);
	assert_int_equal(store_restore(other, NULL, path, err, sizeof(err)),
	    STORE_ERR);
	s2 = store_open(other, NULL, 0, err, sizeof(err));
	assert_non_null(s2);
	assert_int_equal(store_meta_get(s2, &f->a, "k", &v), 0);
	assert_string_equal(v, "before");
	store_close(s2);
	remove_dir(other);
}

static void
test_org(void **state)
{
	struct store_fixture *f = *state;
	struct org o, got;

	assert_int_equal(store_org_first(f->s, &f->a, &got), STORE_NOTFOUND);
	o = (struct org){ .id = 20, .name = "SWAN Vancouver",
	    .created_at = 1700000001 };
	assert_int_equal(store_org_insert(f->s, &o), 0);
	o = (struct org){ .id = 10, .name = "PACE Society",
	    .created_at = 1700000002 };
	assert_int_equal(store_org_insert(f->s, &o), 0);

	assert_int_equal(store_org_get(f->s, &f->a, 20, &got), 0);
	assert_int_equal(got.id, 20);
	assert_string_equal(got.name, "SWAN Vancouver");
	assert_int_equal(got.created_at, 1700000001);
	/* First created, not lowest id: ids are random. */
	assert_int_equal(store_org_first(f->s, &f->a, &got), 0);
	assert_int_equal(got.id, 20);
	assert_string_equal(got.name, "SWAN Vancouver");
	assert_int_equal(store_org_get(f->s, &f->a, 99, &got), STORE_NOTFOUND);
	assert_int_equal(store_org_insert(f->s, &o), STORE_CONFLICT);
	o.id = 0;
	assert_int_equal(store_org_insert(f->s, &o), STORE_ERR);
}

static void
test_region(void **state)
{
	struct store_fixture *f = *state;
	struct region r, got, *list = NULL;
	size_t n = 0;

	r = (struct region){ .id = 1, .code = "ca-bc", .name = "BC" };
	assert_int_equal(store_region_insert(f->s, &r), 0);
	r = (struct region){ .id = 2, .code = "ca-bc-van", .name = "Vancouver",
	    .parent_id = 1 };
	assert_int_equal(store_region_insert(f->s, &r), 0);
	r = (struct region){ .id = 3, .code = "ca-bc-abb",
	    .name = "Abbotsford", .parent_id = 1 };
	assert_int_equal(store_region_insert(f->s, &r), 0);

	assert_int_equal(store_region_by_code(f->s, &f->a, "ca-bc-van", &got),
	    0);
	assert_int_equal(got.id, 2);
	assert_string_equal(got.code, "ca-bc-van");
	assert_string_equal(got.name, "Vancouver");
	assert_int_equal(got.parent_id, 1);
	assert_int_equal(store_region_by_code(f->s, &f->a, "ca-bc", &got), 0);
	assert_int_equal(got.parent_id, 0);
	assert_int_equal(store_region_by_code(f->s, &f->a, "ca-on", &got),
	    STORE_NOTFOUND);

	/* Same code, new id. */
	r = (struct region){ .id = 4, .code = "ca-bc", .name = "dup" };
	assert_int_equal(store_region_insert(f->s, &r), STORE_CONFLICT);
	/* A parent that does not exist. */
	r = (struct region){ .id = 5, .code = "ca-on-tor", .name = "Toronto",
	    .parent_id = 77 };
	assert_int_equal(store_region_insert(f->s, &r), STORE_NOTFOUND);
	assert_int_equal(store_region_by_code(f->s, &f->a, "ca-on-tor", &got),
	    STORE_NOTFOUND);

	assert_int_equal(store_region_list(f->s, &f->a, &list, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(list[0].code, "ca-bc");
	assert_string_equal(list[1].code, "ca-bc-abb");
	assert_string_equal(list[2].code, "ca-bc-van");
	assert_int_equal(list[2].parent_id, 1);
}

static void
test_user(void **state)
{
	struct store_fixture *f = *state;
	struct user u, got;
	uint8_t h[STORE_HASH_BYTES];
	int64_t n = -1;

	add_org(f->s, 1);
	assert_int_equal(store_user_count(f->s, &n), 0);
	assert_int_equal(n, 0);
	user_init(&u, 100, 1, 1);
	assert_int_equal(store_user_insert(f->s, &u), 0);

	assert_int_equal(store_user_get(f->s, &f->a, 100, &got), 0);
	assert_int_equal(got.id, 100);
	assert_int_equal(got.org_id, 1);
	assert_string_equal(got.role, "member");
	assert_memory_equal(got.name_hash, u.name_hash, STORE_HASH_BYTES);
	assert_int_equal(got.name_sealed_len, u.name_sealed_len);
	assert_memory_equal(got.name_sealed, u.name_sealed,
	    u.name_sealed_len);
	assert_string_equal(got.pw_hash, u.pw_hash);
	assert_string_equal(got.status, "active");
	assert_int_equal(got.created_at, 1700000000);

	fill_hash(h, 1);
	memset(&got, 0, sizeof(got));
	assert_int_equal(store_user_by_name(f->s, &f->a, h, &got), 0);
	assert_int_equal(got.id, 100);
	fill_hash(h, 2);
	assert_int_equal(store_user_by_name(f->s, &f->a, h, &got),
	    STORE_NOTFOUND);

	/* Same name hash, other id: the working name is taken. */
	user_init(&u, 101, 1, 1);
	assert_int_equal(store_user_insert(f->s, &u), STORE_CONFLICT);
	/* Unknown org; unknown role. */
	user_init(&u, 102, 9, 3);
	assert_int_equal(store_user_insert(f->s, &u), STORE_NOTFOUND);
	user_init(&u, 103, 1, 4);
	u.role = "police";
	assert_int_equal(store_user_insert(f->s, &u), STORE_ERR);
	user_init(&u, 104, 1, 5);
	u.role = "liaison";
	assert_int_equal(store_user_insert(f->s, &u), 0);
	assert_int_equal(store_user_count(f->s, &n), 0);
	assert_int_equal(n, 2);

	assert_int_equal(store_user_set_password(f->s, 100, "$argon2id$new"),
	    0);
	assert_int_equal(store_user_set_status(f->s, 100, "suspended"), 0);
	assert_int_equal(store_user_get(f->s, &f->a, 100, &got), 0);
	assert_string_equal(got.pw_hash, "$argon2id$new");
	assert_string_equal(got.status, "suspended");
	assert_int_equal(store_user_set_status(f->s, 100, "deleted"),
	    STORE_ERR);
	assert_int_equal(store_user_set_status(f->s, 555, "active"),
	    STORE_NOTFOUND);
	assert_int_equal(store_user_set_password(f->s, 555, "x"),
	    STORE_NOTFOUND);
	assert_int_equal(store_user_get(f->s, &f->a, 100, &got), 0);
	assert_string_equal(got.status, "suspended");
}

static void
test_user_regions(void **state)
{
	struct store_fixture *f = *state;
	struct region r;
	struct user u;
	int64_t *ids = NULL;
	size_t n = 99;
	int64_t set1[] = { 3, 1, 3 }, set2[] = { 2 }, bad[] = { 1, 42 };

	add_org(f->s, 1);
	user_init(&u, 100, 1, 1);
	assert_int_equal(store_user_insert(f->s, &u), 0);
	for (int i = 1; i <= 3; i++) {
		char code[16];

		snprintf(code, sizeof(code), "r%d", i);
		r = (struct region){ .id = i, .code = code, .name = code };
		assert_int_equal(store_region_insert(f->s, &r), 0);
	}

	assert_int_equal(store_user_regions_get(f->s, &f->a, 100, &ids, &n),
	    0);
	assert_int_equal(n, 0);
	assert_int_equal(store_user_regions_set(f->s, 100, set1, 3), 0);
	assert_int_equal(store_user_regions_get(f->s, &f->a, 100, &ids, &n),
	    0);
	assert_int_equal(n, 2);
	assert_int_equal(ids[0], 1);
	assert_int_equal(ids[1], 3);

	assert_int_equal(store_user_regions_set(f->s, 100, set2, 1), 0);
	assert_int_equal(store_user_regions_get(f->s, &f->a, 100, &ids, &n),
	    0);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], 2);

	/* A missing region fails the whole replacement. */
	assert_int_equal(store_user_regions_set(f->s, 100, bad, 2),
	    STORE_NOTFOUND);
	assert_int_equal(store_user_regions_get(f->s, &f->a, 100, &ids, &n),
	    0);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], 2);

	assert_int_equal(store_user_regions_set(f->s, 100, NULL, 0), 0);
	assert_int_equal(store_user_regions_get(f->s, &f->a, 100, &ids, &n),
	    0);
	assert_int_equal(n, 0);
}

static void
test_session(void **state)
{
	struct store_fixture *f = *state;
	struct session se, got;
	struct user u;

	add_org(f->s, 1);
	user_init(&u, 100, 1, 1);
	assert_int_equal(store_user_insert(f->s, &u), 0);

	memset(&se, 0, sizeof(se));
	fill_hash(se.token_hash, 9);
	se.user_id = 100;
	se.kind = "web";
	se.created_at = 1000;
	se.expires_at = 2000;
	assert_int_equal(store_session_insert(f->s, &se), 0);
	assert_int_equal(store_session_insert(f->s, &se), STORE_CONFLICT);

	assert_int_equal(store_session_get(f->s, &f->a, se.token_hash, 1999,
	    &got), 0);
	assert_memory_equal(got.token_hash, se.token_hash, STORE_HASH_BYTES);
	assert_int_equal(got.user_id, 100);
	assert_string_equal(got.kind, "web");
	assert_int_equal(got.created_at, 1000);
	assert_int_equal(got.expires_at, 2000);
	/* Expired at expires_at exactly. */
	assert_int_equal(store_session_get(f->s, &f->a, se.token_hash, 2000,
	    &got), STORE_NOTFOUND);

	/* A second, api, session; a bad kind; an unknown user. */
	fill_hash(se.token_hash, 10);
	se.kind = "api";
	se.expires_at = 5000;
	assert_int_equal(store_session_insert(f->s, &se), 0);
	fill_hash(se.token_hash, 11);
	se.kind = "cookie";
	assert_int_equal(store_session_insert(f->s, &se), STORE_ERR);
	se.kind = "web";
	se.user_id = 999;
	assert_int_equal(store_session_insert(f->s, &se), STORE_NOTFOUND);

	/* Purge removes only the expired one. */
	assert_int_equal(store_session_purge(f->s, 3000), 0);
	fill_hash(se.token_hash, 9);
	assert_int_equal(store_session_get(f->s, &f->a, se.token_hash, 0,
	    &got), STORE_NOTFOUND);
	fill_hash(se.token_hash, 10);
	assert_int_equal(store_session_get(f->s, &f->a, se.token_hash, 3000,
	    &got), 0);
	assert_string_equal(got.kind, "api");

	assert_int_equal(store_session_delete(f->s, se.token_hash), 0);
	assert_int_equal(store_session_get(f->s, &f->a, se.token_hash, 0,
	    &got), STORE_NOTFOUND);
	assert_int_equal(store_session_delete(f->s, se.token_hash),
	    STORE_NOTFOUND);

	/* Deleting a user's sessions: all but one, then all. */
	se.user_id = 100;
	fill_hash(se.token_hash, 12);
	assert_int_equal(store_session_insert(f->s, &se), 0);
	fill_hash(se.token_hash, 14);
	assert_int_equal(store_session_insert(f->s, &se), 0);
	fill_hash(se.token_hash, 13);
	assert_int_equal(store_session_insert(f->s, &se), 0);
	assert_int_equal(store_session_delete_user(f->s, 100, se.token_hash),
	    0);
	assert_int_equal(query_int(f->s, "SELECT COUNT(*) FROM sessions"), 1);
	assert_int_equal(store_session_get(f->s, &f->a, se.token_hash, 0,
	    &got), 0);
	fill_hash(se.token_hash, 12);
	assert_int_equal(store_session_insert(f->s, &se), 0);
	assert_int_equal(store_session_delete_user(f->s, 100, NULL), 0);
	assert_int_equal(store_session_get(f->s, &f->a, se.token_hash, 0,
	    &got), STORE_NOTFOUND);
	assert_int_equal(query_int(f->s, "SELECT COUNT(*) FROM sessions"), 0);
}

static void
test_meta(void **state)
{
	struct store_fixture *f = *state;
	char *v = NULL;

	assert_int_equal(store_meta_get(f->s, &f->a, "install_id", &v),
	    STORE_NOTFOUND);
	assert_int_equal(store_meta_set(f->s, "install_id", "abc"), 0);
	assert_int_equal(store_meta_get(f->s, &f->a, "install_id", &v), 0);
	assert_string_equal(v, "abc");
	assert_int_equal(store_meta_set(f->s, "install_id", "def"), 0);
	assert_int_equal(store_meta_get(f->s, &f->a, "install_id", &v), 0);
	assert_string_equal(v, "def");
	assert_int_equal(store_meta_set(f->s, "empty", ""), 0);
	assert_int_equal(store_meta_get(f->s, &f->a, "empty", &v), 0);
	assert_string_equal(v, "");
	assert_int_equal(query_int(f->s, "SELECT COUNT(*) FROM meta"), 2);
}

/* The audit log. */

static void
audit_init(struct audit_row *r, const uint8_t prev[STORE_HASH_BYTES],
    int seed, const char *action)
{
	memset(r, 0, sizeof(*r));
	r->at = 1700000000 + seed;
	r->actor_id = seed;
	r->action = (char *)action;
	r->object = (char *)"report:1";
	r->detail = (char *)"";
	memcpy(r->prev, prev, STORE_HASH_BYTES);
	fill_hash(r->hash, 100 + seed);
}

struct walk {
	int64_t		 seqs[16];
	char		 actions[16][16];
	int		 n;
	int		 stop_at;
	struct store	*s;
	int		 nested;
};

static int
walk_fn(const struct audit_row *r, void *arg)
{
	struct walk *w = arg;
	struct arena a;
	struct org o;

	if (w->n < 16) {
		w->seqs[w->n] = r->seq;
		snprintf(w->actions[w->n], sizeof(w->actions[0]), "%s",
		    r->action);
	}
	w->n++;
	/* Store calls from inside the walk, on the same connection. */
	if (w->s != NULL) {
		arena_init(&a);
		if (store_org_get(w->s, &a, 1, &o) == 0)
			w->nested++;
		arena_release(&a);
	}
	if (w->stop_at != 0 && r->seq == w->stop_at)
		return 42;
	return 0;
}

static void
test_audit(void **state)
{
	struct store_fixture *f = *state;
	struct audit_row r, last;
	uint8_t zero[STORE_HASH_BYTES] = { 0 }, prev[STORE_HASH_BYTES];
	const char *actions[] = { "login", "report.view", "police.view" };
	struct walk w;
	int i;

	assert_int_equal(store_audit_last(f->s, &f->a, &last),
	    STORE_NOTFOUND);
	memcpy(prev, zero, sizeof(prev));
	for (i = 0; i < 3; i++) {
		audit_init(&r, prev, i + 1, actions[i]);
		assert_int_equal(store_audit_insert(f->s, &r), 0);
		assert_int_equal(store_audit_last(f->s, &f->a, &last), 0);
		assert_int_equal(last.seq, i + 1);
		assert_int_equal(last.at, 1700000000 + i + 1);
		assert_int_equal(last.actor_id, i + 1);
		assert_string_equal(last.action, actions[i]);
		assert_string_equal(last.object, "report:1");
		assert_string_equal(last.detail, "");
		assert_memory_equal(last.prev, prev, STORE_HASH_BYTES);
		assert_memory_equal(last.hash, r.hash, STORE_HASH_BYTES);
		memcpy(prev, r.hash, sizeof(prev));
	}

	/* A row that does not chain to the last one is refused... */
	audit_init(&r, zero, 9, "forged");
	assert_int_equal(store_audit_insert(f->s, &r), STORE_CONFLICT);
	/* ...as is one claiming a seq other than the next... */
	audit_init(&r, prev, 9, "late");
	r.seq = 3;
	assert_int_equal(store_audit_insert(f->s, &r), STORE_CONFLICT);
	/* ...but the next seq, stated, is fine. */
	r.seq = 4;
	assert_int_equal(store_audit_insert(f->s, &r), 0);
	assert_int_equal(query_int(f->s, "SELECT COUNT(*) FROM audit"), 4);

	memset(&w, 0, sizeof(w));
	w.s = f->s;
	add_org(f->s, 1);
	assert_int_equal(store_audit_each(f->s, &f->a, walk_fn, &w), 0);
	assert_int_equal(w.n, 4);
	for (i = 0; i < 4; i++)
		assert_int_equal(w.seqs[i], i + 1);
	assert_string_equal(w.actions[0], "login");
	assert_string_equal(w.actions[2], "police.view");
	assert_string_equal(w.actions[3], "late");
	assert_int_equal(w.nested, 4);

	/* fn's non-zero stops the walk and comes back. */
	memset(&w, 0, sizeof(w));
	w.stop_at = 2;
	assert_int_equal(store_audit_each(f->s, &f->a, walk_fn, &w), 42);
	assert_int_equal(w.n, 2);
}

static int
nested_walk_fn(const struct audit_row *r, void *arg)
{
	struct walk *w = arg;
	struct walk inner;
	struct arena a;
	int rc;

	memset(&inner, 0, sizeof(inner));
	/* The same query while its cached statement is in use. */
	arena_init(&a);
	rc = store_audit_each(w->s, &a, walk_fn, &inner);
	arena_release(&a);
	if (rc != 0)
		return -100;
	w->nested += inner.n;
	w->n++;
	(void)r;
	return 0;
}

static void
test_audit_each_reentrant(void **state)
{
	struct store_fixture *f = *state;
	struct audit_row r;
	uint8_t prev[STORE_HASH_BYTES] = { 0 };
	struct walk w;

	for (int i = 0; i < 3; i++) {
		audit_init(&r, prev, i + 1, "x");
		assert_int_equal(store_audit_insert(f->s, &r), 0);
		memcpy(prev, r.hash, sizeof(prev));
	}
	memset(&w, 0, sizeof(w));
	w.s = f->s;
	assert_int_equal(store_audit_each(f->s, &f->a, nested_walk_fn, &w), 0);
	assert_int_equal(w.n, 3);
	assert_int_equal(w.nested, 9);
}

/* Transactions. */

static void
test_tx_commit_nested(void **state)
{
	struct store_fixture *f = *state;
	struct org o;

	assert_int_equal(store_begin(f->s), 0);
	add_org(f->s, 1);
	assert_int_equal(store_begin(f->s), 0);
	add_org(f->s, 2);
	assert_int_equal(store_commit(f->s), 0);
	/* Inner commit touched nothing: another connection cannot see it. */
	{
		char err[256];
		struct store *s2 = store_open(f->dir, NULL, 0, err,
		    sizeof(err));

		assert_non_null(s2);
		assert_int_equal(store_org_get(s2, &f->a, 2, &o),
		    STORE_NOTFOUND);
		assert_int_equal(store_commit(f->s), 0);
		assert_int_equal(store_org_get(s2, &f->a, 2, &o), 0);
		assert_int_equal(store_org_get(s2, &f->a, 1, &o), 0);
		store_close(s2);
	}
	assert_int_equal(store_commit(f->s), STORE_ERR);
	assert_int_equal(store_rollback(f->s), STORE_ERR);
}

static void
test_tx_inner_rollback_dooms(void **state)
{
	struct store_fixture *f = *state;
	struct org o = { .id = 3, .name = "late" };

	assert_int_equal(store_begin(f->s), 0);
	add_org(f->s, 1);
	assert_int_equal(store_begin(f->s), 0);
	add_org(f->s, 2);
	assert_int_equal(store_rollback(f->s), 0);
	/* Doomed: more work is refused, a new level too. */
	assert_int_equal(store_org_insert(f->s, &o), STORE_ERR);
	assert_int_equal(store_begin(f->s), STORE_ERR);
	assert_int_equal(store_commit(f->s), STORE_ERR);

	assert_int_equal(store_org_get(f->s, &f->a, 1, &o), STORE_NOTFOUND);
	assert_int_equal(store_org_get(f->s, &f->a, 2, &o), STORE_NOTFOUND);
	assert_int_equal(store_org_get(f->s, &f->a, 3, &o), STORE_NOTFOUND);
	assert_int_equal(query_int(f->s, "SELECT COUNT(*) FROM orgs"), 0);

	/* The connection is usable again. */
	assert_int_equal(store_begin(f->s), 0);
	add_org(f->s, 4);
	assert_int_equal(store_commit(f->s), 0);
	assert_int_equal(store_org_get(f->s, &f->a, 4, &o), 0);
}

static void
test_tx_three_levels(void **state)
{
	struct store_fixture *f = *state;
	struct org o;

	assert_int_equal(store_begin(f->s), 0);
	assert_int_equal(store_begin(f->s), 0);
	assert_int_equal(store_begin(f->s), 0);
	add_org(f->s, 1);
	assert_int_equal(store_rollback(f->s), 0);
	/* The middle level learns at its commit. */
	assert_int_equal(store_commit(f->s), STORE_ERR);
	assert_int_equal(store_commit(f->s), STORE_ERR);
	assert_int_equal(store_org_get(f->s, &f->a, 1, &o), STORE_NOTFOUND);

	/* A store function that wraps itself joins the caller's
	 * transaction: it is rolled back with it. */
	{
		uint8_t zero[STORE_HASH_BYTES] = { 0 };
		struct audit_row r;

		audit_init(&r, zero, 1, "x");
		assert_int_equal(store_begin(f->s), 0);
		assert_int_equal(store_audit_insert(f->s, &r), 0);
		assert_int_equal(store_rollback(f->s), 0);
		assert_int_equal(query_int(f->s, "SELECT COUNT(*) FROM audit"),
		    0);
	}
}

static void
test_tx_lost(void **state)
{
	struct store_fixture *f = *state;
	struct org o = { .id = 0, .name = "bad id" };

	/* The database ends the transaction behind the store's back (as
	 * SQLite may on a full disk); the next failure reveals it. */
	assert_int_equal(store_begin(f->s), 0);
	add_org(f->s, 1);
	assert_int_equal(db_exec(store_debug_db(f->s), "ROLLBACK"), 0);
	assert_int_equal(store_org_insert(f->s, &o), STORE_ERR);
	/* From then on nothing runs outside the transaction by mistake. */
	o.id = 2;
	assert_int_equal(store_org_insert(f->s, &o), STORE_ERR);
	assert_int_equal(store_commit(f->s), STORE_ERR);
	assert_int_equal(query_int(f->s, "SELECT COUNT(*) FROM orgs"), 0);
	assert_int_equal(store_org_insert(f->s, &o), 0);
}

/* Pool. */

#define THREADS		4
#define PER_THREAD	25

struct worker {
	struct store_pool	*p;
	int			 base;
	int			 failures;
};

static void *
worker_run(void *arg)
{
	struct worker *w = arg;
	struct store *s;
	struct org o;

	for (int i = 0; i < PER_THREAD; i++) {
		s = store_acquire(w->p);
		o = (struct org){ .id = w->base + i, .name = "pooled",
		    .created_at = i };
		if (store_begin(s) != 0) {
			w->failures++;
		} else if (store_org_insert(s, &o) != 0) {
			w->failures++;
			store_rollback(s);
		} else if (store_commit(s) != 0) {
			w->failures++;
		}
		store_release(w->p, s);
	}
	return NULL;
}

static void
test_pool_threads(void **state)
{
	struct store_fixture *f = *state;
	struct worker w[THREADS];
	pthread_t t[THREADS];
	struct store_pool *p;
	struct store *s;
	char err[256];
	int i;

	/* Fewer connections than threads, so acquire has to wait. */
	p = store_pool_open(f->dir, NULL, 2, err, sizeof(err));
	assert_non_null(p);
	for (i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ .p = p, .base = 1000 * (i + 1) };
		assert_int_equal(pthread_create(&t[i], NULL, worker_run,
		    &w[i]), 0);
	}
	for (i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(w[i].failures, 0);
	}
	s = store_acquire(p);
	assert_int_equal(query_int(s, "SELECT COUNT(*) FROM orgs"),
	    THREADS * PER_THREAD);
	assert_int_equal(query_int(s, "SELECT COUNT(DISTINCT id) FROM orgs"),
	    THREADS * PER_THREAD);
	store_release(p, s);
	store_pool_close(p);

	assert_null(store_pool_open(f->dir, NULL, 0, err, sizeof(err)));
	assert_true(strlen(err) > 0);
}

static void
test_release_rolls_back(void **state)
{
	struct store_fixture *f = *state;
	struct store_pool *p;
	struct store *s;
	char err[256];
	struct org o;

	p = store_pool_open(f->dir, NULL, 1, err, sizeof(err));
	assert_non_null(p);
	s = store_acquire(p);
	assert_int_equal(store_begin(s), 0);
	add_org(s, 1);
	store_release(p, s);	/* forgot to commit */

	s = store_acquire(p);
	assert_int_equal(store_org_get(s, &f->a, 1, &o), STORE_NOTFOUND);
	/* depth is back to 0: a plain transaction works. */
	assert_int_equal(store_begin(s), 0);
	add_org(s, 2);
	assert_int_equal(store_commit(s), 0);
	store_release(p, s);
	store_pool_close(p);
	assert_int_equal(store_org_get(f->s, &f->a, 2, &o), 0);
}

static void
test_check(void **state)
{
	struct store_fixture *f = *state;

	add_org(f->s, 1);
	assert_int_equal(store_check(f->s), 0);
	/* A dangling reference (foreign keys off for this one write) is
	 * caught. */
	assert_int_equal(db_exec(store_debug_db(f->s),
	    "PRAGMA foreign_keys = OFF;"
	    "INSERT INTO regions VALUES (9, 'x', 'x', 12345);"
	    "PRAGMA foreign_keys = ON"), 0);
	assert_int_equal(store_check(f->s), STORE_ERR);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_create_then_reopen),
		cmocka_unit_test(test_open_refuses_foreign_tables),
		cmocka_unit_test(test_open_missing),
		cmocka_unit_test(test_open_url_not_echoed),
		cmocka_unit_test(test_open_not_a_database),
		cmocka_unit_test(test_file_mode),
		cmocka_unit_test(test_classify),
		cmocka_unit_test_setup_teardown(test_pragmas, fixture_setup,
		    fixture_teardown),
		cmocka_unit_test_setup_teardown(test_migrations_idempotent,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_newer_schema_refused,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_placeholders_portable,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_disk_full, fixture_setup,
		    fixture_teardown),
		cmocka_unit_test_setup_teardown(test_busy, fixture_setup,
		    fixture_teardown),
		cmocka_unit_test_setup_teardown(test_backup_restore,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_org, fixture_setup,
		    fixture_teardown),
		cmocka_unit_test_setup_teardown(test_region, fixture_setup,
		    fixture_teardown),
		cmocka_unit_test_setup_teardown(test_user, fixture_setup,
		    fixture_teardown),
		cmocka_unit_test_setup_teardown(test_user_regions,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_session, fixture_setup,
		    fixture_teardown),
		cmocka_unit_test_setup_teardown(test_meta, fixture_setup,
		    fixture_teardown),
		cmocka_unit_test_setup_teardown(test_audit, fixture_setup,
		    fixture_teardown),
		cmocka_unit_test_setup_teardown(test_audit_each_reentrant,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_tx_commit_nested,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_tx_inner_rollback_dooms,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_tx_three_levels,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_tx_lost, fixture_setup,
		    fixture_teardown),
		cmocka_unit_test_setup_teardown(test_pool_threads,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_release_rolls_back,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_check, fixture_setup,
		    fixture_teardown),
	};

	/* Expected failures log at info and warn; keep errors visible. */
	log_set_level(LOG_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
