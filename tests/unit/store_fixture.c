/*
 * store_fixture.c: the store's unit test fixture (store_fixture.h).
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/app.h"
#include "core/config.h"
#include "store/db.h"
#include "store/store.h"
#include "store/store_loop.h"
#include "util/arena.h"
#include "util/banned.h"

#include "store_fixture.h"

const uint8_t AREA[4] = { 0xa1, 0x00, 0xa2, 0xa3 };
const uint8_t DETAILS[6] = { 0xd1, 0xd2, 0x00, 0xd3, 0xd4, 0xd5 };
const uint8_t NARRATIVE[6] = { 0x4e, 0x41, 0x52, 0x52, 0x00, 0x7f };
const uint8_t CONTACT[2] = { 0xc0, 0xc1 };

void
make_dir(char *dir, size_t len)
{
	snprintf(dir, len, "/tmp/lookout-unit-XXXXXX");
	assert_non_null(mkdtemp(dir));
}

void
remove_dir(const char *dir)
{
	char path[512];
	struct dirent *de;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

int
fixture_setup(void **state)
{
	struct store_fixture *f = calloc(1, sizeof(*f));
	char err[256];

	assert_non_null(f);
	make_dir(f->dir, sizeof(f->dir));
	f->s = store_open(f->dir, NULL, 1, err, sizeof(err));
	if (f->s == NULL)
		fail_msg("store_open: %s", err);
	arena_init(&f->a);
	config_defaults(&f->app.cfg);
	*state = f;
	return 0;
}

int
fixture_setup_seeded(void **state)
{
	struct store_fixture *f;

	fixture_setup(state);
	f = *state;
	add_org(f->s, 1);
	add_org(f->s, 2);
	add_region(f->s, 1, "ca", 0);
	add_region(f->s, 2, "ca-bc", 1);
	add_region(f->s, 3, "ca-bc-van", 2);
	add_region(f->s, 4, "ca-bc-vic", 2);
	add_region(f->s, 5, "ca-on", 1);
	add_region(f->s, 6, "ca-on-tor", 5);
	add_region(f->s, 7, "us", 0);
	add_user(f->s, 100, 1);
	add_user(f->s, 101, 1);
	add_user(f->s, 200, 2);
	return 0;
}

int
fixture_teardown(void **state)
{
	struct store_fixture *f = *state;

	arena_release(&f->a);
	store_close(f->s);
	remove_dir(f->dir);
	free(f);
	return 0;
}

void
reopen(struct store_fixture *f)
{
	char err[256];

	store_close(f->s);
	f->s = store_open(f->dir, NULL, 0, err, sizeof(err));
	if (f->s == NULL)
		fail_msg("store_open: %s", err);
}

int64_t
query_int(struct store *s, const char *sql)
{
	struct db_stmt *st = NULL;
	int64_t v;

	assert_int_equal(db_prepare(store_debug_db(s), sql, &st), 0);
	assert_int_equal(db_step(st), 1);
	v = db_col_int(st, 0);
	db_finalize(st);
	return v;
}

int64_t
query_where(struct store *s, const char *sql, int64_t v)
{
	struct db_stmt *st = NULL;
	int64_t n;

	assert_int_equal(db_prepare(store_debug_db(s), sql, &st), 0);
	db_bind_int(st, 1, v);
	assert_int_equal(db_step(st), 1);
	n = db_col_int(st, 0);
	db_finalize(st);
	return n;
}

void
fill_hash(uint8_t h[STORE_HASH_BYTES], int seed)
{
	int i;

	for (i = 0; i < STORE_HASH_BYTES; i++)
		h[i] = (uint8_t)(seed * 31 + i);
}

void
add_org(struct store *s, int64_t id)
{
	struct org o = { .id = id, .name = "Peers", .created_at = 1000 + id };

	assert_int_equal(store_org_insert(s, &o), 0);
}

void
add_region(struct store *s, int64_t id, const char *code, int64_t parent)
{
	struct region r = { .id = id, .code = (char *)code,
	    .name = (char *)code, .parent_id = parent };

	assert_int_equal(store_region_insert(s, &r), 0);
}

void
add_user(struct store *s, int64_t id, int64_t org)
{
	static uint8_t sealed[] = { 0x01, 0x02, 0x03 };
	struct user u;

	memset(&u, 0, sizeof(u));
	u.id = id;
	u.org_id = org;
	u.role = "member";
	fill_hash(u.name_hash, (int)id);
	u.name_sealed = sealed;
	u.name_sealed_len = sizeof(sealed);
	u.pw_hash = "$argon2id$x";
	u.status = "active";
	u.created_at = 1700000000;
	assert_int_equal(store_user_insert(s, &u), 0);
}

void
report_init(struct store_report *r, int64_t id, int64_t org, int owner,
    const char *status, int64_t created_at)
{
	memset(r, 0, sizeof(*r));
	r->id = id;
	r->org_id = org;
	fill_hash(r->owner_tag, owner);
	r->region_id = 3;
	r->occurred_on = "2026-11-20";
	r->time_window = "20:00-23:00";
	r->types = 0x5;
	r->status = (char *)status;
	r->consent_alert = 1;
	r->consent_police = "anonymous";
	r->consent_share = 1;
	r->source = "web";
	r->created_at = created_at;
}

void
report_seal_all(struct store_report *r)
{
	r->area_sealed = (uint8_t *)AREA;
	r->area_sealed_len = sizeof(AREA);
	r->details_sealed = (uint8_t *)DETAILS;
	r->details_sealed_len = sizeof(DETAILS);
	r->narrative_sealed = (uint8_t *)NARRATIVE;
	r->narrative_sealed_len = sizeof(NARRATIVE);
	r->contact_sealed = (uint8_t *)CONTACT;
	r->contact_sealed_len = sizeof(CONTACT);
}

void
add_report(struct store *s, int64_t id, int64_t org, int owner,
    const char *status, int64_t created_at)
{
	struct store_report r;

	report_init(&r, id, org, owner, status, created_at);
	report_seal_all(&r);
	assert_int_equal(store_report_insert(s, &r), 0);
}

void
add_ident(struct store *s, int report, int64_t owner, int64_t seq,
    const char *kind, int hash_seed)
{
	static const uint8_t val[] = { 0x76, 0x00, 0x61, 0x6c };
	struct store_ident i;

	memset(&i, 0, sizeof(i));
	i.owner_id = owner;
	i.seq = seq;
	i.kind = (char *)kind;
	fill_hash(i.hash, hash_seed);
	i.value_sealed = (uint8_t *)val;
	i.value_sealed_len = sizeof(val);
	if (report)
		assert_int_equal(store_report_ident_insert(s, &i), 0);
	else
		assert_int_equal(store_alert_ident_insert(s, &i), 0);
}

void
add_alert(struct store *s, int64_t id, const char *summary,
    const char *status, int64_t created_at)
{
	struct store_alert al = { .id = id, .org_id = 1,
	    .summary = (char *)summary, .severity = "high", .types = 0x3,
	    .issued_on = "2026-11-21", .status = (char *)status,
	    .created_at = created_at };

	assert_int_equal(store_alert_insert(s, &al), 0);
}
