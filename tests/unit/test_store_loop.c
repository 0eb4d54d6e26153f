/*
 * test_store_loop.c: the core loop's store (store_loop.h) over SQLite:
 * invites, reports and their identifiers, alerts, region subtrees, feed
 * tokens, and the upgrade of a version 1 database. db.h is used to look
 * at what actually reached the file.
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

#include "store/db.h"
#include "store/store.h"
#include "store/store_loop.h"
#include "util/arena.h"
#include "util/log.h"
#include "util/banned.h"

#include "store_fixture.h"

/* Reports. */

static void
test_report_round_trip(void **state)
{
	struct store_fixture *f = *state;
	struct store_report r, got;
	uint8_t tag[STORE_HASH_BYTES];

	report_init(&r, 10, 1, 7, "new", 1700000100);
	report_seal_all(&r);
	r.matched = 1;
	r.consent_alert = 0;
	r.consent_police = "full";
	r.consent_share = 0;
	r.source = "dropin";
	r.decision = "dup";
	assert_int_equal(store_report_insert(f->s, &r), 0);
	assert_int_equal(store_report_insert(f->s, &r), STORE_CONFLICT);

	memset(&got, 0xff, sizeof(got));
	assert_int_equal(store_report_get(f->s, &f->a, 10, &got), 0);
	assert_int_equal(got.id, 10);
	assert_int_equal(got.org_id, 1);
	fill_hash(tag, 7);
	assert_memory_equal(got.owner_tag, tag, STORE_HASH_BYTES);
	assert_int_equal(got.region_id, 3);
	assert_string_equal(got.occurred_on, "2026-11-20");
	assert_string_equal(got.time_window, "20:00-23:00");
	assert_int_equal(got.types, 0x5);
	assert_string_equal(got.status, "new");
	assert_int_equal(got.matched, 1);
	assert_int_equal(got.consent_alert, 0);
	assert_string_equal(got.consent_police, "full");
	assert_int_equal(got.consent_share, 0);
	assert_string_equal(got.source, "dropin");
	assert_int_equal(got.created_at, 1700000100);
	assert_int_equal(got.alert_id, 0);
	assert_string_equal(got.decision, "dup");
	assert_int_equal(got.area_sealed_len, sizeof(AREA));
	assert_memory_equal(got.area_sealed, AREA, sizeof(AREA));
	assert_int_equal(got.details_sealed_len, sizeof(DETAILS));
	assert_memory_equal(got.details_sealed, DETAILS, sizeof(DETAILS));
	assert_int_equal(got.narrative_sealed_len, sizeof(NARRATIVE));
	assert_memory_equal(got.narrative_sealed, NARRATIVE,
	    sizeof(NARRATIVE));
	assert_int_equal(got.contact_sealed_len, sizeof(CONTACT));
	assert_memory_equal(got.contact_sealed, CONTACT, sizeof(CONTACT));
	/* Copies in the arena, not the caller's memory. */
	assert_ptr_not_equal(got.area_sealed, AREA);
	/* "No alert" reached the file as NULL. */
	assert_int_equal(query_int(f->s, "SELECT COUNT(*) FROM reports "
	    "WHERE id = 10 AND alert_id IS NULL"), 1);

	/* Absent optional values: NULL text reads back "", absent sealed
	 * values NULL/0. */
	report_init(&r, 11, 1, 7, "held", 1700000101);
	r.time_window = NULL;
	r.decision = NULL;
	r.contact_sealed = (uint8_t *)CONTACT;	/* length 0: absent */
	assert_int_equal(store_report_insert(f->s, &r), 0);
	assert_int_equal(store_report_get(f->s, &f->a, 11, &got), 0);
	assert_string_equal(got.time_window, "");
	assert_string_equal(got.decision, "");
	assert_string_equal(got.status, "held");
	assert_null(got.area_sealed);
	assert_int_equal(got.area_sealed_len, 0);
	assert_null(got.details_sealed);
	assert_null(got.narrative_sealed);
	assert_null(got.contact_sealed);
	assert_int_equal(got.contact_sealed_len, 0);
	assert_int_equal(query_int(f->s, "SELECT COUNT(*) FROM reports "
	    "WHERE id = 11 AND contact_sealed IS NULL"), 1);

	assert_int_equal(store_report_get(f->s, &f->a, 99, &got),
	    STORE_NOTFOUND);

	/* What the schema refuses. */
	report_init(&r, 12, 9, 7, "new", 1);
	assert_int_equal(store_report_insert(f->s, &r), STORE_NOTFOUND);
	report_init(&r, 12, 1, 7, "new", 1);
	r.region_id = 99;
	assert_int_equal(store_report_insert(f->s, &r), STORE_NOTFOUND);
	report_init(&r, 12, 1, 7, "pending", 1);
	assert_int_equal(store_report_insert(f->s, &r), STORE_ERR);
	report_init(&r, 12, 1, 7, "new", 1);
	r.consent_police = "some";
	assert_int_equal(store_report_insert(f->s, &r), STORE_ERR);
	report_init(&r, 12, 1, 7, "new", 1);
	r.alert_id = 555;	/* no such alert */
	assert_int_equal(store_report_insert(f->s, &r), STORE_NOTFOUND);
	report_init(&r, 0, 1, 7, "new", 1);
	assert_int_equal(store_report_insert(f->s, &r), STORE_ERR);
	assert_int_equal(query_int(f->s, "SELECT COUNT(*) FROM reports"), 2);
}

static void
test_report_list(void **state)
{
	struct store_fixture *f = *state;
	struct store_report *l = NULL;
	size_t n = 99;

	assert_int_equal(store_report_list(f->s, &f->a, 1, NULL, &l, &n), 0);
	assert_int_equal(n, 0);

	add_report(f->s, 1, 1, 1, "new", 100);
	add_report(f->s, 2, 1, 1, "held", 300);
	add_report(f->s, 3, 1, 2, "new", 200);
	add_report(f->s, 4, 1, 2, "new", 200);	/* same time: id decides */
	add_report(f->s, 5, 1, 1, "alerted", 50);
	add_report(f->s, 6, 2, 1, "new", 999);	/* another org */

	assert_int_equal(store_report_list(f->s, &f->a, 1, "new", &l, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(l[0].id, 4);
	assert_int_equal(l[1].id, 3);
	assert_int_equal(l[2].id, 1);
	assert_string_equal(l[0].status, "new");
	assert_string_equal(l[0].occurred_on, "2026-11-20");
	assert_string_equal(l[0].consent_police, "anonymous");
	assert_int_equal(l[0].region_id, 3);
	/* Lists leave the sealed values in the database. */
	assert_null(l[0].narrative_sealed);
	assert_int_equal(l[0].narrative_sealed_len, 0);
	assert_null(l[0].area_sealed);
	assert_null(l[0].details_sealed);
	assert_null(l[0].contact_sealed);

	assert_int_equal(store_report_list(f->s, &f->a, 1, NULL, &l, &n), 0);
	assert_int_equal(n, 5);
	assert_int_equal(l[0].id, 2);
	assert_int_equal(l[1].id, 4);
	assert_int_equal(l[2].id, 3);
	assert_int_equal(l[3].id, 1);
	assert_int_equal(l[4].id, 5);

	assert_int_equal(store_report_list(f->s, &f->a, 1, "withdrawn", &l,
	    &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_report_list(f->s, &f->a, 2, "new", &l, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(l[0].id, 6);
}

static void
test_report_by_owner(void **state)
{
	struct store_fixture *f = *state;
	struct store_report *l = NULL;
	uint8_t tag[STORE_HASH_BYTES];
	size_t n = 99;

	add_report(f->s, 1, 1, 1, "new", 100);
	add_report(f->s, 2, 1, 2, "new", 300);
	add_report(f->s, 3, 2, 1, "withdrawn", 200);	/* any org, status */
	add_report(f->s, 4, 1, 1, "held", 150);

	fill_hash(tag, 1);
	assert_int_equal(store_report_by_owner(f->s, &f->a, tag, &l, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(l[0].id, 3);
	assert_int_equal(l[1].id, 4);
	assert_int_equal(l[2].id, 1);
	assert_memory_equal(l[1].owner_tag, tag, STORE_HASH_BYTES);
	assert_null(l[0].narrative_sealed);

	fill_hash(tag, 3);
	assert_int_equal(store_report_by_owner(f->s, &f->a, tag, &l, &n), 0);
	assert_int_equal(n, 0);
}

static void
test_report_status_consent(void **state)
{
	struct store_fixture *f = *state;
	struct store_report got;

	add_report(f->s, 1, 1, 1, "new", 100);
	add_alert(f->s, 50, "a", "active", 1);

	assert_int_equal(store_report_set_status(f->s, 1, "alerted", 1, 50,
	    NULL), 0);
	assert_int_equal(store_report_get(f->s, &f->a, 1, &got), 0);
	assert_string_equal(got.status, "alerted");
	assert_int_equal(got.matched, 1);
	assert_int_equal(got.alert_id, 50);
	assert_string_equal(got.decision, "");
	/* Untouched columns stay. */
	assert_memory_equal(got.narrative_sealed, NARRATIVE,
	    sizeof(NARRATIVE));
	assert_int_equal(got.consent_alert, 1);

	assert_int_equal(store_report_set_status(f->s, 1, "no_alert", 7, 0,
	    "not enough detail"), 0);
	assert_int_equal(store_report_get(f->s, &f->a, 1, &got), 0);
	assert_string_equal(got.status, "no_alert");
	assert_int_equal(got.matched, 1);	/* any non-zero is 1 */
	assert_int_equal(got.alert_id, 0);
	assert_string_equal(got.decision, "not enough detail");

	assert_int_equal(store_report_set_status(f->s, 1, "bogus", 0, 0, ""),
	    STORE_ERR);
	assert_int_equal(store_report_set_status(f->s, 1, "attached", 0, 777,
	    ""), STORE_NOTFOUND);
	assert_int_equal(store_report_set_status(f->s, 2, "new", 0, 0, ""),
	    STORE_NOTFOUND);

	assert_int_equal(store_report_set_consent(f->s, 1, 0, "none", 0), 0);
	assert_int_equal(store_report_get(f->s, &f->a, 1, &got), 0);
	assert_int_equal(got.consent_alert, 0);
	assert_string_equal(got.consent_police, "none");
	assert_int_equal(got.consent_share, 0);
	assert_string_equal(got.status, "no_alert");
	assert_int_equal(store_report_set_consent(f->s, 1, 1, "maybe", 1),
	    STORE_ERR);
	assert_int_equal(store_report_set_consent(f->s, 2, 0, "none", 0),
	    STORE_NOTFOUND);

	/* Deleting the alert leaves the report with none. */
	assert_int_equal(store_report_set_status(f->s, 1, "alerted", 0, 50,
	    ""), 0);
	assert_int_equal(db_exec(store_debug_db(f->s),
	    "DELETE FROM alerts WHERE id = 50"), 0);
	assert_int_equal(store_report_get(f->s, &f->a, 1, &got), 0);
	assert_int_equal(got.alert_id, 0);
}

static void
test_report_idents(void **state)
{
	struct store_fixture *f = *state;
	struct store_ident *v = NULL, i;
	uint8_t h[STORE_HASH_BYTES];
	int64_t *ids = NULL;
	size_t n = 99;

	add_report(f->s, 1, 1, 1, "new", 100);
	add_report(f->s, 2, 1, 1, "new", 100);
	add_report(f->s, 3, 2, 1, "new", 100);

	assert_int_equal(store_report_idents(f->s, &f->a, 1, &v, &n), 0);
	assert_int_equal(n, 0);

	add_ident(f->s, 1, 1, 1, "email", 21);
	add_ident(f->s, 1, 1, 0, "phone", 20);
	add_ident(f->s, 1, 1, 2, "phone", 20);	/* same hash twice */
	add_ident(f->s, 1, 3, 0, "phone", 20);
	add_ident(f->s, 1, 2, 0, "plate", 22);

	assert_int_equal(store_report_idents(f->s, &f->a, 1, &v, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].seq, 0);
	assert_int_equal(v[0].owner_id, 1);
	assert_string_equal(v[0].kind, "phone");
	fill_hash(h, 20);
	assert_memory_equal(v[0].hash, h, STORE_HASH_BYTES);
	assert_int_equal(v[0].value_sealed_len, 4);
	assert_memory_equal(v[0].value_sealed, "v\0al", 4);
	assert_int_equal(v[1].seq, 1);
	assert_string_equal(v[1].kind, "email");
	assert_int_equal(v[2].seq, 2);

	/* Each report once, in id order, across orgs. */
	assert_int_equal(store_report_ids_by_hash(f->s, &f->a, h, &ids, &n),
	    0);
	assert_int_equal(n, 2);
	assert_int_equal(ids[0], 1);
	assert_int_equal(ids[1], 3);
	fill_hash(h, 22);
	assert_int_equal(store_report_ids_by_hash(f->s, &f->a, h, &ids, &n),
	    0);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], 2);
	fill_hash(h, 99);
	assert_int_equal(store_report_ids_by_hash(f->s, &f->a, h, &ids, &n),
	    0);
	assert_int_equal(n, 0);

	memset(&i, 0, sizeof(i));
	i.owner_id = 1;
	i.seq = 0;
	i.kind = "phone";
	assert_int_equal(store_report_ident_insert(f->s, &i), STORE_CONFLICT);
	i.owner_id = 42;
	assert_int_equal(store_report_ident_insert(f->s, &i), STORE_NOTFOUND);
	i.owner_id = 1;
	i.seq = 9;
	i.kind = "ssn";
	assert_int_equal(store_report_ident_insert(f->s, &i), STORE_ERR);
	/* No sealed value: stored as NULL, read back as NULL. */
	i.kind = "name";
	assert_int_equal(store_report_ident_insert(f->s, &i), 0);
	assert_int_equal(store_report_idents(f->s, &f->a, 1, &v, &n), 0);
	assert_int_equal(n, 4);
	assert_null(v[3].value_sealed);
	assert_int_equal(v[3].value_sealed_len, 0);
}

static void
test_report_wipe(void **state)
{
	struct store_fixture *f = *state;
	struct store_report got;
	struct store_ident *v = NULL;
	uint8_t h[STORE_HASH_BYTES], zero[STORE_HASH_BYTES] = { 0 };
	int64_t *ids = NULL;
	size_t n = 0;

	add_report(f->s, 1, 1, 1, "new", 100);
	add_report(f->s, 2, 1, 2, "new", 100);
	add_ident(f->s, 1, 1, 0, "phone", 20);
	add_ident(f->s, 1, 1, 1, "email", 21);
	add_ident(f->s, 1, 2, 0, "phone", 20);

	assert_int_equal(store_report_wipe(f->s, 1), 0);

	assert_int_equal(store_report_get(f->s, &f->a, 1, &got), 0);
	assert_null(got.area_sealed);
	assert_null(got.details_sealed);
	assert_null(got.narrative_sealed);
	assert_null(got.contact_sealed);
	assert_int_equal(got.narrative_sealed_len, 0);
	/* What identifies nobody stays, for the counts. */
	assert_string_equal(got.status, "new");
	assert_int_equal(got.types, 0x5);
	assert_int_equal(got.region_id, 3);
	assert_string_equal(got.occurred_on, "2026-11-20");
	assert_int_equal(query_int(f->s, "SELECT COUNT(*) FROM reports "
	    "WHERE id = 1 AND area_sealed IS NULL AND details_sealed IS NULL "
	    "AND narrative_sealed IS NULL AND contact_sealed IS NULL"), 1);
	assert_int_equal(query_int(f->s, "SELECT COUNT(*) FROM report_idents "
	    "WHERE report_id = 1 AND hash IS NULL AND value_sealed IS NULL"),
	    2);

	/* The identifiers' rows stay, emptied. */
	assert_int_equal(store_report_idents(f->s, &f->a, 1, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].kind, "phone");
	assert_memory_equal(v[0].hash, zero, STORE_HASH_BYTES);
	assert_null(v[0].value_sealed);
	assert_int_equal(v[0].value_sealed_len, 0);

	/* A withdrawn report matches nothing; the other one still does. */
	fill_hash(h, 20);
	assert_int_equal(store_report_ids_by_hash(f->s, &f->a, h, &ids, &n),
	    0);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], 2);
	fill_hash(h, 21);
	assert_int_equal(store_report_ids_by_hash(f->s, &f->a, h, &ids, &n),
	    0);
	assert_int_equal(n, 0);

	/* The other report is untouched. */
	assert_int_equal(store_report_get(f->s, &f->a, 2, &got), 0);
	assert_memory_equal(got.narrative_sealed, NARRATIVE,
	    sizeof(NARRATIVE));

	/* Wiping twice is fine; a missing report is not found. */
	assert_int_equal(store_report_wipe(f->s, 1), 0);
	assert_int_equal(store_report_wipe(f->s, 3), STORE_NOTFOUND);

	/* Inside the caller's transaction, rolled back with it. */
	assert_int_equal(store_begin(f->s), 0);
	assert_int_equal(store_report_wipe(f->s, 2), 0);
	assert_int_equal(store_rollback(f->s), 0);
	assert_int_equal(store_report_get(f->s, &f->a, 2, &got), 0);
	assert_non_null(got.narrative_sealed);
}

/* Look for needle in the file at path; 1 when found. */
static int
file_contains(const char *path, const uint8_t *needle, size_t len)
{
	static uint8_t buf[4 * 1024 * 1024];
	FILE *fp;
	size_t n, i;

	if ((fp = fopen(path, "rb")) == NULL)
		return 0;
	n = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	for (i = 0; i + len <= n; i++)
		if (memcmp(buf + i, needle, len) == 0)
			return 1;
	return 0;
}

static void
test_report_wipe_overwrites(void **state)
{
	struct store_fixture *f = *state;
	static const uint8_t marker[] = "WIPE-ME-7f3a9c-sealed-narrative";
	struct store_report r;
	char path[128];

	report_init(&r, 1, 1, 1, "new", 100);
	r.narrative_sealed = (uint8_t *)marker;
	r.narrative_sealed_len = sizeof(marker) - 1;
	assert_int_equal(store_report_insert(f->s, &r), 0);
	assert_int_equal(db_exec(store_debug_db(f->s),
	    "PRAGMA wal_checkpoint(TRUNCATE)"), 0);
	snprintf(path, sizeof(path), "%s/lookout.db", f->dir);
	assert_true(file_contains(path, marker, sizeof(marker) - 1));

	assert_int_equal(store_report_wipe(f->s, 1), 0);
	assert_int_equal(db_exec(store_debug_db(f->s),
	    "PRAGMA wal_checkpoint(TRUNCATE)"), 0);
	assert_false(file_contains(path, marker, sizeof(marker) - 1));
	snprintf(path, sizeof(path), "%s/lookout.db-wal", f->dir);
	assert_false(file_contains(path, marker, sizeof(marker) - 1));
}

static void
test_report_delete(void **state)
{
	struct store_fixture *f = *state;
	struct store_report got;
	uint8_t h[STORE_HASH_BYTES];
	int64_t *ids = NULL;
	size_t n = 0;

	add_report(f->s, 1, 1, 1, "new", 100);
	add_report(f->s, 2, 1, 1, "new", 100);
	add_ident(f->s, 1, 1, 0, "phone", 20);
	add_ident(f->s, 1, 1, 1, "plate", 21);
	add_ident(f->s, 1, 2, 0, "phone", 20);

	assert_int_equal(store_report_delete(f->s, 1), 0);
	assert_int_equal(store_report_get(f->s, &f->a, 1, &got),
	    STORE_NOTFOUND);
	assert_int_equal(query_int(f->s, "SELECT COUNT(*) FROM report_idents "
	    "WHERE report_id = 1"), 0);
	assert_int_equal(query_int(f->s, "SELECT COUNT(*) FROM report_idents"),
	    1);
	fill_hash(h, 20);
	assert_int_equal(store_report_ids_by_hash(f->s, &f->a, h, &ids, &n),
	    0);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], 2);
	assert_int_equal(store_report_delete(f->s, 1), STORE_NOTFOUND);
	assert_int_equal(store_report_get(f->s, &f->a, 2, &got), 0);
}

/* Alerts. */

static void
test_alert_round_trip(void **state)
{
	struct store_fixture *f = *state;
	struct store_alert al, got;
	char **codes = NULL;
	size_t n = 99;

	add_alert(f->s, 10, "Grey Honda Civic, violent", "active", 500);
	assert_int_equal(store_alert_get(f->s, &f->a, 10, &got), 0);
	assert_int_equal(got.id, 10);
	assert_int_equal(got.org_id, 1);
	assert_string_equal(got.summary, "Grey Honda Civic, violent");
	assert_string_equal(got.severity, "high");
	assert_int_equal(got.types, 0x3);
	assert_string_equal(got.issued_on, "2026-11-21");
	assert_string_equal(got.status, "active");
	assert_int_equal(got.created_at, 500);
	assert_int_equal(store_alert_get(f->s, &f->a, 11, &got),
	    STORE_NOTFOUND);

	/* A withdrawn alert is still there to get. */
	add_alert(f->s, 11, "old", "withdrawn", 400);
	assert_int_equal(store_alert_get(f->s, &f->a, 11, &got), 0);
	assert_string_equal(got.status, "withdrawn");

	al = (struct store_alert){ .id = 10, .org_id = 1, .summary = "x",
	    .severity = "low", .issued_on = "2026-01-01", .status = "active" };
	assert_int_equal(store_alert_insert(f->s, &al), STORE_CONFLICT);
	al.id = 12;
	al.severity = "extreme";
	assert_int_equal(store_alert_insert(f->s, &al), STORE_ERR);
	al.severity = "low";
	al.status = "draft";
	assert_int_equal(store_alert_insert(f->s, &al), STORE_ERR);
	al.status = "active";
	al.org_id = 9;
	assert_int_equal(store_alert_insert(f->s, &al), STORE_NOTFOUND);

	assert_int_equal(store_alert_set_types(f->s, 10, 0x7f), 0);
	assert_int_equal(store_alert_get(f->s, &f->a, 10, &got), 0);
	assert_int_equal(got.types, 0x7f);
	assert_int_equal(store_alert_set_types(f->s, 99, 1), STORE_NOTFOUND);

	/* Regions: by code, whatever the insertion order. */
	assert_int_equal(store_alert_regions(f->s, &f->a, 10, &codes, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_alert_region_add(f->s, 10, 6), 0);
	assert_int_equal(store_alert_region_add(f->s, 10, 3), 0);
	assert_int_equal(store_alert_region_add(f->s, 10, 7), 0);
	assert_int_equal(store_alert_region_add(f->s, 10, 3), STORE_CONFLICT);
	assert_int_equal(store_alert_region_add(f->s, 10, 99),
	    STORE_NOTFOUND);
	assert_int_equal(store_alert_region_add(f->s, 99, 3), STORE_NOTFOUND);
	assert_int_equal(store_alert_regions(f->s, &f->a, 10, &codes, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(codes[0], "ca-bc-van");
	assert_string_equal(codes[1], "ca-on-tor");
	assert_string_equal(codes[2], "us");

	/* An alert's regions and identifiers go with it. */
	add_ident(f->s, 0, 10, 0, "phone", 5);
	assert_int_equal(db_exec(store_debug_db(f->s),
	    "DELETE FROM alerts WHERE id = 10"), 0);
	assert_int_equal(query_int(f->s, "SELECT COUNT(*) FROM alert_regions"),
	    0);
	assert_int_equal(query_int(f->s, "SELECT COUNT(*) FROM alert_idents"),
	    0);
}

static void
test_alert_list(void **state)
{
	struct store_fixture *f = *state;
	struct store_alert *l = NULL;
	int64_t van[] = { 3 }, bc[] = { 2, 3, 4 }, dup[] = { 3, 6, 3, 6, 3 };
	int64_t none[] = { 7 };
	size_t n = 99;

	/*
	 * id  created  regions           status
	 * 1   100      van               active
	 * 2   300      van, tor          active
	 * 3   200      tor               active
	 * 4   300      vic               active (same time as 2)
	 * 5   900      van               withdrawn
	 * 6   50       (none)            active
	 */
	add_alert(f->s, 1, "one", "active", 100);
	add_alert(f->s, 2, "two", "active", 300);
	add_alert(f->s, 3, "three", "active", 200);
	add_alert(f->s, 4, "four", "active", 300);
	add_alert(f->s, 5, "five", "withdrawn", 900);
	add_alert(f->s, 6, "six", "active", 50);
	assert_int_equal(store_alert_region_add(f->s, 1, 3), 0);
	assert_int_equal(store_alert_region_add(f->s, 2, 3), 0);
	assert_int_equal(store_alert_region_add(f->s, 2, 6), 0);
	assert_int_equal(store_alert_region_add(f->s, 3, 6), 0);
	assert_int_equal(store_alert_region_add(f->s, 4, 4), 0);
	assert_int_equal(store_alert_region_add(f->s, 5, 3), 0);

	/* Every active alert. */
	assert_int_equal(store_alert_list(f->s, &f->a, NULL, 0, 100, &l, &n),
	    0);
	assert_int_equal(n, 5);
	assert_int_equal(l[0].id, 4);
	assert_int_equal(l[1].id, 2);
	assert_int_equal(l[2].id, 3);
	assert_int_equal(l[3].id, 1);
	assert_int_equal(l[4].id, 6);
	assert_string_equal(l[1].summary, "two");
	assert_int_equal(store_alert_list(f->s, &f->a, NULL, 0, 2, &l, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(l[1].id, 2);
	assert_int_equal(store_alert_list(f->s, &f->a, NULL, 0, 0, &l, &n), 0);
	assert_int_equal(n, 0);

	/* One region: the withdrawn one is left out. */
	assert_int_equal(store_alert_list(f->s, &f->a, van, 1, 100, &l, &n),
	    0);
	assert_int_equal(n, 2);
	assert_int_equal(l[0].id, 2);
	assert_int_equal(l[1].id, 1);
	assert_string_equal(l[1].summary, "one");
	assert_string_equal(l[1].severity, "high");
	assert_string_equal(l[1].issued_on, "2026-11-21");
	assert_string_equal(l[1].status, "active");
	assert_int_equal(l[1].created_at, 100);

	/* Several regions. */
	assert_int_equal(store_alert_list(f->s, &f->a, bc, 3, 100, &l, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(l[0].id, 4);
	assert_int_equal(l[1].id, 2);
	assert_int_equal(l[2].id, 1);

	/* Alert 2 is in both regions (and each region is given thrice):
	 * once only. */
	assert_int_equal(store_alert_list(f->s, &f->a, dup, 5, 100, &l, &n),
	    0);
	assert_int_equal(n, 3);
	assert_int_equal(l[0].id, 2);
	assert_int_equal(l[1].id, 3);
	assert_int_equal(l[2].id, 1);
	assert_int_equal(store_alert_list(f->s, &f->a, dup, 5, 2, &l, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(l[0].id, 2);
	assert_int_equal(l[1].id, 3);

	assert_int_equal(store_alert_list(f->s, &f->a, none, 1, 100, &l, &n),
	    0);
	assert_int_equal(n, 0);
}

/* More regions than one statement's placeholders: the chunks' results
 * merge newest first, each alert once, at most limit. */
static void
test_alert_list_many_regions(void **state)
{
	struct store_fixture *f = *state;
	struct store_alert *l = NULL;
	int64_t ids[300];
	char code[32];
	size_t n = 0, i;

	assert_int_equal(store_begin(f->s), 0);
	for (i = 0; i < 300; i++) {
		snprintf(code, sizeof(code), "r%03zu", i);
		add_region(f->s, (int64_t)(1000 + i), code, 1);
		/* In reverse: the store must not rely on order. */
		ids[i] = (int64_t)(1000 + 299 - i);
	}
	/* Alert a (100..129) in region 1000 + 10 * (a - 100), and alert
	 * 100 + k also in region 1299 - k: most alerts sit in two chunks. */
	for (i = 0; i < 30; i++) {
		add_alert(f->s, (int64_t)(100 + i), "x", "active",
		    (int64_t)(1000 + (i % 7)));
		assert_int_equal(store_alert_region_add(f->s,
		    (int64_t)(100 + i), (int64_t)(1000 + 10 * i)), 0);
		assert_int_equal(store_alert_region_add(f->s,
		    (int64_t)(100 + i), (int64_t)(1299 - i)), 0);
	}
	add_alert(f->s, 200, "gone", "withdrawn", 5000);
	assert_int_equal(store_alert_region_add(f->s, 200, 1150), 0);
	assert_int_equal(store_commit(f->s), 0);

	assert_int_equal(store_alert_list(f->s, &f->a, ids, 300, 1000, &l, &n),
	    0);
	assert_int_equal(n, 30);
	for (i = 1; i < n; i++) {
		assert_true(l[i - 1].created_at > l[i].created_at ||
		    (l[i - 1].created_at == l[i].created_at &&
		    l[i - 1].id > l[i].id));
	}
	/* created_at 1006 is i % 7 == 6: ids 106, 113, 120, 127. */
	assert_int_equal(l[0].id, 127);
	assert_int_equal(l[1].id, 120);
	assert_int_equal(l[0].created_at, 1006);

	assert_int_equal(store_alert_list(f->s, &f->a, ids, 300, 5, &l, &n),
	    0);
	assert_int_equal(n, 5);
	assert_int_equal(l[0].id, 127);
	assert_int_equal(l[3].id, 106);
	assert_int_equal(l[4].id, 126);	/* created_at 1005, newest id */
	assert_string_equal(l[4].summary, "x");
}

static void
test_alert_search(void **state)
{
	struct store_fixture *f = *state;
	struct store_alert *l = NULL;
	size_t n = 99;

	/* PostgreSQL's LIKE is case-sensitive: make SQLite's so too, so
	 * only the store's own folding can make the search ignore case. */
	assert_int_equal(db_exec(store_debug_db(f->s),
	    "PRAGMA case_sensitive_like = ON"), 0);
	add_alert(f->s, 1, "Silver HONDA civic near the park", "active", 100);
	add_alert(f->s, 2, "drives a honda", "active", 200);
	add_alert(f->s, 3, "Honda again but withdrawn", "withdrawn", 300);
	add_alert(f->s, 4, "asks 100% upfront", "active", 400);
	add_alert(f->s, 5, "asks 1000 upfront", "active", 500);
	add_alert(f->s, 6, "uses handle big_guy", "active", 600);
	add_alert(f->s, 7, "uses handle bigXguy", "active", 700);
	add_alert(f->s, 8, "path C:\\temp seen", "active", 800);
	add_alert(f->s, 9, "path C:Xtemp seen", "active", 900);

	assert_int_equal(store_alert_search(f->s, &f->a, "hOnDa", 100, &l,
	    &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(l[0].id, 2);
	assert_int_equal(l[1].id, 1);
	assert_string_equal(l[1].summary, "Silver HONDA civic near the park");
	assert_int_equal(store_alert_search(f->s, &f->a, "honda", 1, &l, &n),
	    0);
	assert_int_equal(n, 1);
	assert_int_equal(l[0].id, 2);

	/* Wildcards in the word are literal. */
	assert_int_equal(store_alert_search(f->s, &f->a, "100%", 100, &l, &n),
	    0);
	assert_int_equal(n, 1);
	assert_int_equal(l[0].id, 4);
	assert_int_equal(store_alert_search(f->s, &f->a, "big_guy", 100, &l,
	    &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(l[0].id, 6);
	assert_int_equal(store_alert_search(f->s, &f->a, "C:\\temp", 100, &l,
	    &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(l[0].id, 8);
	assert_int_equal(store_alert_search(f->s, &f->a, "%", 100, &l, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_alert_search(f->s, &f->a, "_", 100, &l, &n), 0);
	assert_int_equal(n, 1);

	assert_int_equal(store_alert_search(f->s, &f->a, "withdrawn", 100, &l,
	    &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_alert_search(f->s, &f->a, "nothing like it",
	    100, &l, &n), 0);
	assert_int_equal(n, 0);
}

static void
test_alert_ids_by_hash(void **state)
{
	struct store_fixture *f = *state;
	uint8_t h[STORE_HASH_BYTES];
	int64_t *ids = NULL;
	size_t n = 99;

	add_alert(f->s, 3, "a", "active", 1);
	add_alert(f->s, 1, "b", "active", 2);
	add_alert(f->s, 2, "c", "withdrawn", 3);
	add_ident(f->s, 0, 3, 0, "phone", 20);
	add_ident(f->s, 0, 3, 1, "phone", 20);	/* twice in one alert */
	add_ident(f->s, 0, 1, 0, "phone", 20);
	add_ident(f->s, 0, 2, 0, "phone", 20);
	add_ident(f->s, 0, 1, 1, "plate", 21);

	fill_hash(h, 20);
	assert_int_equal(store_alert_ids_by_hash(f->s, &f->a, h, &ids, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ids[0], 1);
	assert_int_equal(ids[1], 3);
	fill_hash(h, 21);
	assert_int_equal(store_alert_ids_by_hash(f->s, &f->a, h, &ids, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], 1);
	fill_hash(h, 22);
	assert_int_equal(store_alert_ids_by_hash(f->s, &f->a, h, &ids, &n), 0);
	assert_int_equal(n, 0);

	/* Identifier rows follow the report rules. */
	{
		struct store_ident i;

		memset(&i, 0, sizeof(i));
		i.owner_id = 3;
		i.kind = "phone";
		assert_int_equal(store_alert_ident_insert(f->s, &i),
		    STORE_CONFLICT);
		i.owner_id = 77;
		assert_int_equal(store_alert_ident_insert(f->s, &i),
		    STORE_NOTFOUND);
		i.owner_id = 3;
		i.seq = 5;
		i.kind = "ip";
		assert_int_equal(store_alert_ident_insert(f->s, &i),
		    STORE_ERR);
	}
}

struct walk {
	int64_t		 owners[16];
	int64_t		 seqs[16];
	char		 kinds[16][8];
	size_t		 lens[16];
	int		 n;
	int		 stop_at;
	struct store	*s;
	int		 nested;
};

static int
walk_fn(const struct store_ident *i, void *arg)
{
	struct walk *w = arg;
	struct store_alert al;
	struct arena a;

	if (w->n < 16) {
		w->owners[w->n] = i->owner_id;
		w->seqs[w->n] = i->seq;
		snprintf(w->kinds[w->n], sizeof(w->kinds[0]), "%s", i->kind);
		w->lens[w->n] = i->value_sealed_len;
	}
	w->n++;
	/* Store calls from inside the walk, on the same connection. */
	if (w->s != NULL) {
		arena_init(&a);
		if (store_alert_get(w->s, &a, i->owner_id, &al) == 0 &&
		    strcmp(al.status, "active") == 0)
			w->nested++;
		arena_release(&a);
	}
	if (w->stop_at != 0 && w->n == w->stop_at)
		return 42;
	return 0;
}

static void
test_alert_idents_each(void **state)
{
	struct store_fixture *f = *state;
	struct store_ident i;
	struct walk w;
	int k, phones = 0, emails = 0;

	memset(&w, 0, sizeof(w));
	assert_int_equal(store_alert_idents_each(f->s, walk_fn, &w), 0);
	assert_int_equal(w.n, 0);

	add_alert(f->s, 1, "a", "active", 1);
	add_alert(f->s, 2, "b", "withdrawn", 2);
	add_alert(f->s, 3, "c", "active", 3);
	add_ident(f->s, 0, 1, 0, "phone", 20);
	add_ident(f->s, 0, 1, 1, "plate", 21);
	add_ident(f->s, 0, 2, 0, "phone", 22);	/* withdrawn */
	add_ident(f->s, 0, 3, 0, "phone", 23);
	memset(&i, 0, sizeof(i));
	i.owner_id = 3;
	i.seq = 1;
	i.kind = "email";	/* no sealed value: only its hash matches */
	assert_int_equal(store_alert_ident_insert(f->s, &i), 0);

	memset(&w, 0, sizeof(w));
	w.s = f->s;
	assert_int_equal(store_alert_idents_each(f->s, walk_fn, &w), 0);
	assert_int_equal(w.n, 4);
	assert_int_equal(w.nested, 4);
	for (k = 0; k < 4; k++) {
		assert_int_not_equal(w.owners[k], 2);
		if (strcmp(w.kinds[k], "email") == 0) {
			assert_int_equal(w.owners[k], 3);
			assert_int_equal(w.seqs[k], 1);
			assert_int_equal(w.lens[k], 0);
			emails++;
			continue;
		}
		assert_int_equal(w.lens[k], 4);
		if (strcmp(w.kinds[k], "phone") == 0)
			phones++;
		else
			assert_string_equal(w.kinds[k], "plate");
		if (w.owners[k] == 3)
			assert_int_equal(w.seqs[k], 0);
	}
	assert_int_equal(phones, 2);
	assert_int_equal(emails, 1);

	/* fn's non-zero stops the walk and comes back. */
	memset(&w, 0, sizeof(w));
	w.stop_at = 2;
	assert_int_equal(store_alert_idents_each(f->s, walk_fn, &w), 42);
	assert_int_equal(w.n, 2);
	/* The statement is free again afterwards. */
	memset(&w, 0, sizeof(w));
	assert_int_equal(store_alert_idents_each(f->s, walk_fn, &w), 0);
	assert_int_equal(w.n, 4);
}

static int
count_fn(const struct store_ident *i, void *arg)
{
	int64_t *sum = arg;

	*sum += i->owner_id;
	return 0;
}

static void
test_alert_idents_each_many(void **state)
{
	struct store_fixture *f = *state;
	int64_t sum = 0, want = 0;
	int k;

	assert_int_equal(store_begin(f->s), 0);
	for (k = 1; k <= 2000; k++) {
		add_alert(f->s, k, "x", k % 10 == 0 ? "withdrawn" : "active",
		    k);
		add_ident(f->s, 0, k, 0, "phone", k);
		add_ident(f->s, 0, k, 1, "plate", k + 1);
		if (k % 10 != 0)
			want += 2 * k;
	}
	assert_int_equal(store_commit(f->s), 0);
	assert_int_equal(store_alert_idents_each(f->s, count_fn, &sum), 0);
	assert_int_equal(sum, want);
}

/* Regions. */

static void
test_region_subtree(void **state)
{
	struct store_fixture *f = *state;
	int64_t *ids = NULL;
	size_t n = 99;

	add_region(f->s, 8, "ca-bc-van-dtes", 3);

	assert_int_equal(store_region_subtree(f->s, &f->a, 1, &ids, &n), 0);
	assert_int_equal(n, 7);
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(ids[i], (int64_t)i + 1);
	assert_int_equal(ids[6], 8);

	assert_int_equal(store_region_subtree(f->s, &f->a, 2, &ids, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(ids[0], 2);
	assert_int_equal(ids[1], 3);
	assert_int_equal(ids[2], 4);
	assert_int_equal(ids[3], 8);

	assert_int_equal(store_region_subtree(f->s, &f->a, 4, &ids, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], 4);
	assert_int_equal(store_region_subtree(f->s, &f->a, 7, &ids, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], 7);

	assert_int_equal(store_region_subtree(f->s, &f->a, 99, &ids, &n),
	    STORE_NOTFOUND);
	assert_int_equal(n, 0);
}

/* Invites. */

static void
test_invite(void **state)
{
	struct store_fixture *f = *state;
	uint8_t h[STORE_HASH_BYTES], h2[STORE_HASH_BYTES];
	int64_t org = -1;

	fill_hash(h, 1);
	fill_hash(h2, 2);
	assert_int_equal(store_invite_insert(f->s, h, 2, 100, 1000, 2000), 0);
	assert_int_equal(store_invite_insert(f->s, h, 1, 100, 1000, 2000),
	    STORE_CONFLICT);
	assert_int_equal(store_invite_insert(f->s, h2, 9, 100, 1000, 2000),
	    STORE_NOTFOUND);

	/* Once only. */
	assert_int_equal(store_invite_take(f->s, h, 1500, 101, &org), 0);
	assert_int_equal(org, 2);
	assert_int_equal(query_int(f->s, "SELECT used_by FROM invites"), 101);
	assert_int_equal(query_int(f->s, "SELECT used_at FROM invites"), 1500);
	org = -1;
	assert_int_equal(store_invite_take(f->s, h, 1600, 102, &org),
	    STORE_NOTFOUND);
	assert_int_equal(org, -1);
	assert_int_equal(query_int(f->s, "SELECT used_by FROM invites"), 101);

	/* Expired at expires_at exactly; unknown codes. */
	assert_int_equal(store_invite_insert(f->s, h2, 1, 100, 1000, 2000), 0);
	assert_int_equal(store_invite_take(f->s, h2, 2000, 0, &org),
	    STORE_NOTFOUND);
	assert_int_equal(store_invite_take(f->s, h2, 3000, 0, &org),
	    STORE_NOTFOUND);
	fill_hash(h, 3);
	assert_int_equal(store_invite_take(f->s, h, 1500, 0, &org),
	    STORE_NOTFOUND);
	/* Still usable before it expires; user 0 (registration) is fine. */
	assert_int_equal(store_invite_take(f->s, h2, 1999, 0, &org), 0);
	assert_int_equal(org, 1);
	assert_int_equal(store_invite_take(f->s, h2, 1999, 0, &org),
	    STORE_NOTFOUND);
}

/* Feed tokens. */

static void
test_feed_token(void **state)
{
	struct store_fixture *f = *state;
	uint8_t h1[STORE_HASH_BYTES], h2[STORE_HASH_BYTES];
	uint8_t h3[STORE_HASH_BYTES];
	int64_t uid = -1;

	fill_hash(h1, 1);
	fill_hash(h2, 2);
	fill_hash(h3, 3);
	assert_int_equal(store_feed_token_user(f->s, h1, &uid),
	    STORE_NOTFOUND);
	assert_int_equal(store_feed_token_set(f->s, 100, h1, 10), 0);
	assert_int_equal(store_feed_token_user(f->s, h1, &uid), 0);
	assert_int_equal(uid, 100);

	/* Setting again replaces: the old token stops working. */
	assert_int_equal(store_feed_token_set(f->s, 100, h2, 20), 0);
	assert_int_equal(store_feed_token_user(f->s, h1, &uid),
	    STORE_NOTFOUND);
	assert_int_equal(store_feed_token_user(f->s, h2, &uid), 0);
	assert_int_equal(uid, 100);
	assert_int_equal(query_int(f->s, "SELECT COUNT(*) FROM feed_tokens"),
	    1);
	assert_int_equal(query_int(f->s, "SELECT created_at FROM feed_tokens"),
	    20);

	/* Another member's token; a taken hash; an unknown member. */
	assert_int_equal(store_feed_token_set(f->s, 101, h3, 30), 0);
	assert_int_equal(store_feed_token_set(f->s, 200, h2, 30),
	    STORE_CONFLICT);
	assert_int_equal(store_feed_token_set(f->s, 999, h1, 30),
	    STORE_NOTFOUND);

	assert_int_equal(store_feed_token_delete(f->s, 100), 0);
	assert_int_equal(store_feed_token_user(f->s, h2, &uid),
	    STORE_NOTFOUND);
	assert_int_equal(store_feed_token_delete(f->s, 100), STORE_NOTFOUND);
	assert_int_equal(store_feed_token_user(f->s, h3, &uid), 0);
	assert_int_equal(uid, 101);

	/* A member's token goes with the account. */
	assert_int_equal(db_exec(store_debug_db(f->s),
	    "DELETE FROM users WHERE id = 101"), 0);
	assert_int_equal(store_feed_token_user(f->s, h3, &uid),
	    STORE_NOTFOUND);
}

/* Migrations. */

/* Drop every table that migration 1 did not create, and forget the later
 * versions. Test code: the names come from sqlite_master itself. */
static void
rewind_to_v1(struct store *s)
{
	struct db *db = store_debug_db(s);
	struct db_stmt *st = NULL;
	char names[32][64], sql[128];
	int i, n = 0, rc;

	assert_int_equal(db_prepare(db, "SELECT name FROM sqlite_master "
	    "WHERE type = 'table' AND name NOT LIKE 'sqlite%' AND name NOT IN "
	    "('schema_version', 'meta', 'orgs', 'regions', 'users', "
	    "'user_regions', 'sessions', 'audit')", &st), 0);
	while ((rc = db_step(st)) == 1) {
		assert_true(n < 32);
		snprintf(names[n++], sizeof(names[0]), "%s",
		    db_col_text(st, 0));
	}
	assert_int_equal(rc, 0);
	db_finalize(st);
	assert_true(n >= 7);
	assert_int_equal(db_exec(db, "PRAGMA foreign_keys = OFF"), 0);
	for (i = 0; i < n; i++) {
		snprintf(sql, sizeof(sql), "DROP TABLE %.63s", names[i]);
		assert_int_equal(db_exec(db, sql), 0);
	}
	assert_int_equal(db_exec(db, "PRAGMA foreign_keys = ON;"
	    "DELETE FROM schema_version WHERE version > 1"), 0);
}

static void
test_migration_upgrade_from_1(void **state)
{
	struct store_fixture *f = *state;
	struct store_report r, got;
	struct region reg;
	struct user u;
	int v = 0;

	assert_true(store_migration_latest() >= 2);
	assert_int_equal(query_int(f->s, "SELECT COUNT(*) FROM sqlite_master "
	    "WHERE type = 'table' AND name IN ('invites', 'reports', "
	    "'report_idents', 'alerts', 'alert_regions', 'alert_idents', "
	    "'feed_tokens')"), 7);

	/* Turn the fixture's file back into a version 1 database that
	 * holds data: later migrations only add tables (and their
	 * indexes), so drop every table migration 1 did not create. */
	rewind_to_v1(f->s);
	assert_int_equal(store_schema_version(f->s, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(query_int(f->s, "SELECT COUNT(*) FROM sqlite_master "
	    "WHERE name LIKE 'report%' OR name LIKE 'alert%'"), 0);
	reopen(f);
	assert_int_equal(store_schema_version(f->s, &v), 0);
	assert_int_equal(v, store_migration_latest());
	assert_int_equal(query_int(f->s, "SELECT COUNT(*) FROM sqlite_master "
	    "WHERE type = 'index' AND name IN ('reports_queue', "
	    "'reports_owner', 'report_idents_hash', 'alerts_status', "
	    "'alert_regions_region', 'alert_idents_hash')"), 6);
	assert_int_equal(store_check(f->s), 0);

	/* The version 1 rows survived and the new tables work with them. */
	assert_int_equal(store_user_get(f->s, &f->a, 100, &u), 0);
	assert_int_equal(store_region_by_code(f->s, &f->a, "ca-bc-van", &reg),
	    0);
	report_init(&r, 1, u.org_id, 1, "new", 100);
	r.region_id = reg.id;
	assert_int_equal(store_report_insert(f->s, &r), 0);
	assert_int_equal(store_report_get(f->s, &f->a, 1, &got), 0);
	assert_int_equal(got.region_id, 3);
	assert_int_equal(store_feed_token_set(f->s, 100, u.name_hash, 1), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_report_round_trip,
		    fixture_setup_seeded, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_report_list,
		    fixture_setup_seeded, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_report_by_owner,
		    fixture_setup_seeded, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_report_status_consent,
		    fixture_setup_seeded, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_report_idents,
		    fixture_setup_seeded, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_report_wipe,
		    fixture_setup_seeded, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_report_wipe_overwrites,
		    fixture_setup_seeded, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_report_delete,
		    fixture_setup_seeded, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_alert_round_trip,
		    fixture_setup_seeded, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_alert_list,
		    fixture_setup_seeded, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_alert_list_many_regions,
		    fixture_setup_seeded, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_alert_search,
		    fixture_setup_seeded, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_alert_ids_by_hash,
		    fixture_setup_seeded, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_alert_idents_each,
		    fixture_setup_seeded, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_alert_idents_each_many,
		    fixture_setup_seeded, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_region_subtree,
		    fixture_setup_seeded, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_invite,
		    fixture_setup_seeded, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_feed_token,
		    fixture_setup_seeded, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_migration_upgrade_from_1,
		    fixture_setup_seeded, fixture_teardown),
	};

	/* Expected failures log at info and warn; keep errors visible. */
	log_set_level(LOG_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
