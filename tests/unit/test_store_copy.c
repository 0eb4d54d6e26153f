/*
 * test_store_copy.c: store_copy.h over SQLite on both sides: what the
 * copy carries (every row, in batches and one by one, blobs byte for
 * byte, a region tree whose parents have the larger ids, live sessions
 * only), and what it refuses
 * (a source another connection holds, a target with data, a schema the
 * copy does not know).
 */
#include <dirent.h>
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

#include "store/db.h"
#include "store/store.h"
#include "store/store_copy.h"
#include "util/arena.h"
#include "util/log.h"
#include "util/banned.h"

#include "store_fixture.h"

#define NOW	1764000000

struct fixture {
	char		 src_dir[64];
	char		 dst_dir[64];
	struct store	*src;
	struct store	*dst;
	struct arena	 a;
};

static struct store *
open_dir(const char *dir)
{
	struct store *s;
	char err[256];

	if ((s = store_open(dir, NULL, 1, err, sizeof(err))) == NULL)
		fail_msg("store_open: %s", err);
	return s;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	make_dir(f->src_dir, sizeof(f->src_dir));
	make_dir(f->dst_dir, sizeof(f->dst_dir));
	f->src = open_dir(f->src_dir);
	f->dst = open_dir(f->dst_dir);
	arena_init(&f->a);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	arena_release(&f->a);
	store_close(f->src);
	store_close(f->dst);
	remove_dir(f->src_dir);
	remove_dir(f->dst_dir);
	free(f);
	return 0;
}

/* An org, regions whose root has the largest id, a user with a sealed
 * name holding a NUL byte, a live and an expired session, two audit
 * rows, a setting. */
static void
populate(struct store *s)
{
	static const uint8_t sealed[] = { 0x00, 0xff, 0x10, 0x00, 0x7f };
	struct org o = { .id = 7, .name = "Org", .created_at = 100 };
	struct region root = { .id = 900, .code = "ca", .name = "Canada" };
	struct region mid = { .id = 50, .code = "ca-bc", .name = "BC",
	    .parent_id = 900 };
	struct region leaf = { .id = 3, .code = "ca-bc-van",
	    .name = "Vancouver", .parent_id = 50 };
	struct user u = { .id = 11, .org_id = 7, .role = "member",
	    .name_sealed = (uint8_t *)sealed, .name_sealed_len = sizeof(sealed),
	    .pw_hash = "$argon2id$x", .status = "active", .created_at = 101 };
	struct session live = { .user_id = 11, .kind = "api",
	    .created_at = NOW - 10, .expires_at = NOW + 3600 };
	struct session dead = { .user_id = 11, .kind = "web",
	    .created_at = NOW - 7200, .expires_at = NOW - 1 };
	struct audit_row r1 = { .at = 200, .actor_id = 0, .action = "init",
	    .object = "", .detail = "" };
	struct audit_row r2 = { .at = 201, .actor_id = 11, .action = "login",
	    .object = "user:11", .detail = "api" };
	int64_t ids[] = { 3, 900 };

	fill_hash(u.name_hash, 1);
	fill_hash(live.token_hash, 2);
	fill_hash(dead.token_hash, 3);
	fill_hash(r1.hash, 4);
	fill_hash(r2.prev, 4);
	fill_hash(r2.hash, 5);
	assert_int_equal(store_org_insert(s, &o), 0);
	assert_int_equal(store_region_insert(s, &root), 0);
	assert_int_equal(store_region_insert(s, &mid), 0);
	assert_int_equal(store_region_insert(s, &leaf), 0);
	assert_int_equal(store_user_insert(s, &u), 0);
	assert_int_equal(store_user_regions_set(s, 11, ids, 2), 0);
	assert_int_equal(store_session_insert(s, &live), 0);
	assert_int_equal(store_session_insert(s, &dead), 0);
	assert_int_equal(store_audit_insert(s, &r1), 0);
	assert_int_equal(store_audit_insert(s, &r2), 0);
	assert_int_equal(store_meta_set(s, "instance", "x"), 0);
}

/* More rows than one batch of the copy holds, and a few over. */
#define MANY	300

static void
populate_many(struct store *s)
{
	char k[32], v[32];
	int i;

	assert_int_equal(store_begin(s), 0);
	for (i = 0; i < MANY; i++) {
		snprintf(k, sizeof(k), "k%03d", i);
		snprintf(v, sizeof(v), "value %d", i * 7);
		assert_int_equal(store_meta_set(s, k, v), 0);
	}
	assert_int_equal(store_commit(s), 0);
}

struct seen {
	int	 n;
	int	 audit_rows;
	int	 session_rows;
	int	 meta_rows;
};

static void
count(const char *table, int64_t rows, void *arg)
{
	struct seen *s = arg;

	s->n++;
	if (strcmp(table, "audit") == 0)
		s->audit_rows = (int)rows;
	if (strcmp(table, "sessions") == 0)
		s->session_rows = (int)rows;
	if (strcmp(table, "meta") == 0)
		s->meta_rows = (int)rows;
}

static int
audit_seq(const struct audit_row *r, void *arg)
{
	int64_t *last = arg;

	*last = r->seq;
	return 0;
}

static void
test_schema_known(void **state)
{
	struct fixture *f = *state;
	char err[512];

	/* A migration that adds a table or a column must add it to the
	 * copy too: this fails until it does. */
	if (store_copy_check_schema(f->src, err, sizeof(err)) != 0)
		fail_msg("%s", err);
}

static void
test_copy(void **state)
{
	struct fixture *f = *state;
	uint8_t h[STORE_HASH_BYTES];
	struct region r;
	struct user u;
	struct session se;
	struct audit_row last;
	struct seen seen = { 0 };
	int64_t *ids, seq = 0;
	size_t n;
	char err[512], *v;
	int i;

	populate(f->src);
	populate_many(f->src);
	assert_int_equal(store_copy_lock_source(f->src, err, sizeof(err)), 0);
	if (store_copy(f->src, f->dst, NOW, count, &seen, err,
	    sizeof(err)) != 0)
		fail_msg("store_copy: %s", err);
	assert_true(seen.n > 10);
	assert_int_equal(seen.audit_rows, 2);
	assert_int_equal(seen.session_rows, 1);

	assert_int_equal(store_region_by_code(f->dst, &f->a, "ca-bc-van", &r),
	    0);
	assert_int_equal(r.id, 3);
	assert_int_equal(r.parent_id, 50);
	assert_int_equal(store_region_by_code(f->dst, &f->a, "ca", &r), 0);
	assert_int_equal(r.parent_id, 0);

	fill_hash(h, 1);
	assert_int_equal(store_user_by_name(f->dst, &f->a, h, &u), 0);
	assert_int_equal(u.id, 11);
	assert_int_equal(u.name_sealed_len, 5);
	assert_memory_equal(u.name_sealed, "\x00\xff\x10\x00\x7f", 5);
	assert_string_equal(u.pw_hash, "$argon2id$x");
	assert_int_equal(store_user_regions_get(f->dst, &f->a, 11, &ids, &n),
	    0);
	assert_int_equal(n, 2);

	fill_hash(h, 2);
	assert_int_equal(store_session_get(f->dst, &f->a, h, NOW, &se), 0);
	assert_int_equal(se.user_id, 11);
	fill_hash(h, 3);
	assert_int_equal(store_session_get(f->dst, &f->a, h, NOW - 100, &se),
	    STORE_NOTFOUND);

	assert_int_equal(store_audit_last(f->dst, &f->a, &last), 0);
	assert_int_equal(last.seq, 2);
	fill_hash(h, 5);
	assert_memory_equal(last.hash, h, STORE_HASH_BYTES);
	assert_int_equal(store_audit_each(f->dst, &f->a, audit_seq, &seq), 0);
	assert_int_equal(seq, 2);
	assert_int_equal(store_meta_get(f->dst, &f->a, "instance", &v), 0);
	assert_string_equal(v, "x");
	assert_int_equal(seen.meta_rows, MANY + 1);
	for (i = 0; i < MANY; i++) {
		char k[32], want[32];

		snprintf(k, sizeof(k), "k%03d", i);
		snprintf(want, sizeof(want), "value %d", i * 7);
		assert_int_equal(store_meta_get(f->dst, &f->a, k, &v), 0);
		assert_string_equal(v, want);
	}
}

static void
test_target_with_data(void **state)
{
	struct fixture *f = *state;
	struct org o = { .id = 1, .name = "Other", .created_at = 1 };
	struct region r;
	char err[512];

	populate(f->src);
	assert_int_equal(store_org_insert(f->dst, &o), 0);
	assert_int_equal(store_copy_lock_source(f->src, err, sizeof(err)), 0);
	assert_int_equal(store_copy(f->src, f->dst, NOW, NULL, NULL, err,
	    sizeof(err)), STORE_CONFLICT);
	assert_non_null(strstr(err, "already holds data"));
	assert_non_null(strstr(err, "orgs"));
	assert_int_equal(store_region_by_code(f->dst, &f->a, "ca", &r),
	    STORE_NOTFOUND);
}

static void
test_source_in_use(void **state)
{
	struct fixture *f = *state;
	struct store *other;
	char err[512];

	other = open_dir(f->src_dir);
	assert_int_equal(store_copy_lock_source(f->src, err, sizeof(err)),
	    STORE_BUSY);
	assert_non_null(strstr(err, "lookout serve"));
	store_close(other);
}

static void
test_source_locked_out(void **state)
{
	struct fixture *f = *state;
	struct store *late;
	struct org o = { .id = 1, .name = "Late", .created_at = 1 };
	char err[512];

	assert_int_equal(store_copy_lock_source(f->src, err, sizeof(err)), 0);
	/* Whoever comes along during the copy writes nothing to it. */
	late = store_open(f->src_dir, NULL, 0, err, sizeof(err));
	if (late != NULL) {
		assert_int_not_equal(store_org_insert(late, &o), 0);
		store_close(late);
	}
}

static void
test_unknown_column(void **state)
{
	struct fixture *f = *state;
	char err[512];

	assert_int_equal(db_exec(store_debug_db(f->dst),
	    "ALTER TABLE alerts ADD COLUMN colour TEXT"), 0);
	assert_int_equal(store_copy_check_schema(f->dst, err, sizeof(err)),
	    STORE_ERR);
	assert_non_null(strstr(err, "alerts"));
	assert_non_null(strstr(err, "colour"));
	assert_int_equal(store_copy_lock_source(f->src, err, sizeof(err)), 0);
	assert_int_equal(store_copy(f->src, f->dst, NOW, NULL, NULL, err,
	    sizeof(err)), STORE_ERR);
}

static void
test_other_version(void **state)
{
	struct fixture *f = *state;
	char err[512];

	assert_int_equal(db_exec(store_debug_db(f->dst),
	    "INSERT INTO schema_version VALUES (99, 0)"), 0);
	assert_int_equal(store_copy_lock_source(f->src, err, sizeof(err)), 0);
	assert_int_equal(store_copy(f->src, f->dst, NOW, NULL, NULL, err,
	    sizeof(err)), STORE_ERR);
	assert_non_null(strstr(err, "schema version"));
}

static void
test_unknown_table(void **state)
{
	struct fixture *f = *state;
	char err[512];

	assert_int_equal(db_exec(store_debug_db(f->src),
	    "CREATE TABLE extra (x INTEGER)"), 0);
	assert_int_equal(store_copy_check_schema(f->src, err, sizeof(err)),
	    STORE_ERR);
	assert_non_null(strstr(err, "extra"));
}

struct walk {
	int64_t	 rows;
	int64_t	 last;
	int	 gap;
};

static int
walk_row(const struct audit_row *r, void *arg)
{
	struct walk *w = arg;

	if (r->seq != w->last + 1)
		w->gap = 1;
	w->last = r->seq;
	w->rows++;
	return 0;
}

/* store_audit_each() reads the log page by page (which is what keeps a
 * migration's verification of a long log in constant memory): every row
 * once, in order, across page boundaries, an exact multiple of a page
 * included. */
static void
test_audit_pages(void **state)
{
	struct fixture *f = *state;
	struct audit_row r = { .action = "x", .object = "", .detail = "" };
	struct walk w = { 0 };
	int i, n;

	for (n = 1; n <= 2; n++) {
		assert_int_equal(store_begin(f->src), 0);
		for (i = 0; i < (n == 1 ? 2000 : 345); i++) {
			memcpy(r.prev, r.hash, STORE_HASH_BYTES);
			fill_hash(r.hash, i + n * 7);
			r.at = i;
			assert_int_equal(store_audit_insert(f->src, &r), 0);
		}
		assert_int_equal(store_commit(f->src), 0);
		memset(&w, 0, sizeof(w));
		assert_int_equal(store_audit_each(f->src, &f->a, walk_row, &w),
		    0);
		assert_int_equal(w.rows, n == 1 ? 2000 : 2345);
		assert_int_equal(w.last, w.rows);
		assert_false(w.gap);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_schema_known, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_copy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_target_with_data, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_source_in_use, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_source_locked_out, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unknown_column, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unknown_table, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_audit_pages, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_other_version, setup,
		    teardown),
	};

	log_set_level(LOG_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
