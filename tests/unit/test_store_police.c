/*
 * test_store_police.c: aggregate counters, police sharing, retention and
 * account deletion in the store (store_help.h, counters.c and police.c)
 * over SQLite. db.h is used to look at what actually reached the file.
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
#include "store/store_help.h"
#include "store/store_loop.h"
#include "util/arena.h"
#include "util/log.h"
#include "util/banned.h"

#include "store_fixture.h"

static void
add_police_report(struct store *s, int64_t id, int64_t org,
    const char *status, const char *police, int64_t alert_id,
    int64_t created_at)
{
	struct store_report r;

	report_init(&r, id, org, (int)id, status, created_at);
	report_seal_all(&r);
	r.consent_police = (char *)police;
	r.alert_id = alert_id;
	assert_int_equal(store_report_insert(s, &r), 0);
}

static void
add_case(struct store *s, int64_t id, int64_t report_id, int64_t created_at)
{
	struct db_stmt *st = NULL;

	assert_int_equal(db_prepare(store_debug_db(s), "INSERT INTO cases "
	    "(id, org_id, kind, report_id, method, language, needs, "
	    "danger_now, forced, id_held, under_18, priority, status, "
	    "outcome, created_at, updated_at, contact_sealed) "
	    "VALUES ($1, 1, $2, $3, 'phone', 'en', 0, 0, 0, 0, 0, 4, "
	    "'open', '', $4, $4, $5)", &st), 0);
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, report_id ? "report" : "help");
	if (report_id)
		db_bind_int(st, 3, report_id);
	else
		db_bind_null(st, 3);
	db_bind_int(st, 4, created_at);
	db_bind_blob(st, 5, CONTACT, sizeof(CONTACT));
	assert_int_equal(db_step(st), 0);
	db_finalize(st);
	st = NULL;
	assert_int_equal(db_prepare(store_debug_db(s), "INSERT INTO "
	    "case_notes (id, case_id, author_id, created_at, note_sealed) "
	    "VALUES ($1, $2, 100, $3, $4)", &st), 0);
	db_bind_int(st, 1, id * 10);
	db_bind_int(st, 2, id);
	db_bind_int(st, 3, created_at);
	db_bind_blob(st, 4, NARRATIVE, sizeof(NARRATIVE));
	assert_int_equal(db_step(st), 0);
	db_finalize(st);
}

/* Counters. */

static void
test_counters(void **state)
{
	struct store_fixture *f = *state;
	struct store_counter *c;
	size_t n;

	assert_int_equal(store_counter_add(f->s, "incidents", "2026-11",
	    "violence", "ca-bc-van", 1), 0);
	assert_int_equal(store_counter_add(f->s, "incidents", "2026-11",
	    "violence", "ca-bc-van", 1), 0);
	assert_int_equal(store_counter_add(f->s, "incidents", "2026-11",
	    "violence", "ca-bc-van", 3), 0);
	assert_int_equal(store_counter_add(f->s, "incidents", "2026-10",
	    "threats", "ca-bc-vic", 1), 0);
	assert_int_equal(store_counter_add(f->s, "police_views", "2026-Q4",
	    NULL, NULL, 2), 0);

	assert_int_equal(store_counter_list(f->s, &f->a, "incidents", &c, &n),
	    0);
	assert_int_equal(n, 2);
	assert_string_equal(c[0].k1, "2026-10");
	assert_string_equal(c[0].k2, "threats");
	assert_string_equal(c[0].k3, "ca-bc-vic");
	assert_int_equal(c[0].n, 1);
	assert_string_equal(c[1].k1, "2026-11");
	assert_int_equal(c[1].n, 5);

	assert_int_equal(store_counter_list(f->s, &f->a, "police_views", &c,
	    &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(c[0].k2, "");
	assert_int_equal(c[0].n, 2);

	assert_int_equal(store_counter_list(f->s, &f->a, "shared", &c, &n), 0);
	assert_int_equal(n, 0);
}

/* Police sharing. */

static void
test_police_reports(void **state)
{
	struct store_fixture *f = *state;
	struct store_police_row *p;
	size_t n;

	add_alert(f->s, 50, "Sanitised summary", "active", 1700000000);
	add_alert(f->s, 51, "Withdrawn summary", "withdrawn", 1700000000);
	add_police_report(f->s, 10, 1, "new", "none", 0, 1700000010);
	add_police_report(f->s, 11, 1, "alerted", "anonymous", 50,
	    1700000011);
	add_police_report(f->s, 12, 1, "new", "full", 0, 1700000012);
	add_police_report(f->s, 13, 1, "held", "full", 0, 1700000013);
	add_police_report(f->s, 14, 1, "withdrawn", "full", 0, 1700000014);
	add_police_report(f->s, 15, 2, "new", "full", 0, 1700000015);
	add_police_report(f->s, 16, 1, "attached", "anonymous", 51,
	    1700000016);

	assert_int_equal(store_police_reports(f->s, &f->a, 1, &p, &n), 0);
	assert_int_equal(n, 3);
	/* Newest first. */
	assert_int_equal(p[0].id, 16);
	assert_int_equal(p[1].id, 12);
	assert_int_equal(p[2].id, 11);

	/* A withdrawn alert's text does not go out. */
	assert_string_equal(p[0].tier, "anonymous");
	assert_int_equal(p[0].alert_id, 0);
	assert_string_equal(p[0].summary, "");

	assert_string_equal(p[1].tier, "full");
	assert_string_equal(p[1].region, "ca-bc-van");
	assert_string_equal(p[1].occurred_on, "2026-11-20");
	assert_int_equal(p[1].types, 0x5);
	assert_int_equal(p[1].narrative_sealed_len, sizeof(NARRATIVE));
	assert_memory_equal(p[1].narrative_sealed, NARRATIVE,
	    sizeof(NARRATIVE));
	assert_int_equal(p[1].contact_sealed_len, sizeof(CONTACT));
	assert_memory_equal(p[1].contact_sealed, CONTACT, sizeof(CONTACT));

	/* Anonymous: the sealed values are stored but never loaded. */
	assert_string_equal(p[2].tier, "anonymous");
	assert_int_equal(p[2].alert_id, 50);
	assert_string_equal(p[2].summary, "Sanitised summary");
	assert_string_equal(p[2].severity, "high");
	assert_null(p[2].narrative_sealed);
	assert_int_equal(p[2].narrative_sealed_len, 0);
	assert_null(p[2].contact_sealed);
	assert_int_equal(p[2].contact_sealed_len, 0);

	/* Read now: a lowered consent applies at once. */
	assert_int_equal(store_report_set_consent(f->s, 12, 1, "anonymous",
	    1), 0);
	assert_int_equal(store_report_set_consent(f->s, 11, 1, "none", 1), 0);
	assert_int_equal(store_police_reports(f->s, &f->a, 1, &p, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(p[1].id, 12);
	assert_string_equal(p[1].tier, "anonymous");
	assert_null(p[1].narrative_sealed);

	assert_int_equal(store_police_reports(f->s, &f->a, 3, &p, &n), 0);
	assert_int_equal(n, 0);
}

static void
test_police_share_add(void **state)
{
	struct store_fixture *f = *state;
	int added = -1;

	assert_int_equal(store_police_share_add(f->s, 10, "full", "2026-Q4",
	    &added), 0);
	assert_int_equal(added, 1);
	assert_int_equal(store_police_share_add(f->s, 10, "full", "2026-Q4",
	    &added), 0);
	assert_int_equal(added, 0);
	assert_int_equal(store_police_share_add(f->s, 10, "anonymous",
	    "2026-Q4", &added), 0);
	assert_int_equal(added, 1);
	assert_int_equal(store_police_share_add(f->s, 10, "full", "2027-Q1",
	    &added), 0);
	assert_int_equal(added, 1);
	assert_int_equal(query_int(f->s, "SELECT count(*) FROM police_shares"),
	    3);
}

/* Retention. */

static void
test_purge_reports(void **state)
{
	struct store_fixture *f = *state;
	int64_t n = -1;
	int added;

	add_report(f->s, 10, 1, 1, "new", 100);
	add_report(f->s, 11, 1, 1, "new", 200);
	add_report(f->s, 12, 2, 2, "new", 300);
	add_ident(f->s, 1, 10, 0, "phone", 1);
	add_ident(f->s, 1, 12, 0, "phone", 2);
	assert_int_equal(store_police_share_add(f->s, 10, "full", "2026-Q4",
	    &added), 0);
	assert_int_equal(store_police_share_add(f->s, 12, "full", "2026-Q4",
	    &added), 0);
	add_case(f->s, 70, 10, 400);

	assert_int_equal(store_purge_reports(f->s, 250, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(query_int(f->s, "SELECT count(*) FROM reports"), 1);
	assert_int_equal(query_int(f->s, "SELECT id FROM reports"), 12);
	assert_int_equal(query_where(f->s, "SELECT count(*) FROM "
	    "report_idents WHERE report_id = $1", 10), 0);
	assert_int_equal(query_where(f->s, "SELECT count(*) FROM "
	    "report_idents WHERE report_id = $1", 12), 1);
	assert_int_equal(query_int(f->s, "SELECT count(*) FROM police_shares"),
	    1);
	assert_int_equal(query_int(f->s, "SELECT report_id FROM "
	    "police_shares"), 12);
	/* A case keeps its own age; it loses only its link. */
	assert_int_equal(query_int(f->s, "SELECT count(*) FROM cases "
	    "WHERE id = 70 AND report_id IS NULL"), 1);

	assert_int_equal(store_purge_reports(f->s, 250, &n), 0);
	assert_int_equal(n, 0);
}

static void
test_purge_cases(void **state)
{
	struct store_fixture *f = *state;
	int64_t n = -1;

	add_case(f->s, 70, 0, 100);
	add_case(f->s, 71, 0, 200);
	add_case(f->s, 72, 0, 300);
	assert_int_equal(query_int(f->s, "SELECT count(*) FROM case_notes"),
	    3);
	assert_int_equal(store_purge_cases(f->s, 201, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(query_int(f->s, "SELECT id FROM cases"), 72);
	assert_int_equal(query_int(f->s, "SELECT count(*) FROM case_notes"),
	    1);
	assert_int_equal(query_int(f->s, "SELECT case_id FROM case_notes"),
	    72);
}

/* Account deletion. */

static void
test_purge_owner(void **state)
{
	struct store_fixture *f = *state;
	uint8_t tag[STORE_HASH_BYTES];
	int64_t n = -1;
	int added;

	add_report(f->s, 10, 1, 7, "new", 100);
	add_report(f->s, 11, 1, 7, "withdrawn", 200);
	add_report(f->s, 12, 1, 8, "new", 300);
	add_ident(f->s, 1, 10, 0, "phone", 1);
	add_ident(f->s, 1, 12, 0, "phone", 2);
	assert_int_equal(store_police_share_add(f->s, 10, "anonymous",
	    "2026-Q4", &added), 0);
	assert_int_equal(store_police_share_add(f->s, 12, "anonymous",
	    "2026-Q4", &added), 0);
	add_case(f->s, 70, 10, 400);	/* her follow-up: goes */
	add_case(f->s, 71, 12, 400);	/* another's: stays */
	add_case(f->s, 72, 0, 400);	/* a help request: stays */

	fill_hash(tag, 7);
	assert_int_equal(store_purge_owner(f->s, tag, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(query_int(f->s, "SELECT count(*) FROM reports"), 1);
	assert_int_equal(query_int(f->s, "SELECT id FROM reports"), 12);
	assert_int_equal(query_int(f->s, "SELECT count(*) FROM "
	    "report_idents"), 1);
	assert_int_equal(query_int(f->s, "SELECT report_id FROM "
	    "police_shares"), 12);
	assert_int_equal(query_int(f->s, "SELECT count(*) FROM cases"), 2);
	assert_int_equal(query_where(f->s, "SELECT count(*) FROM cases "
	    "WHERE id = $1", 70), 0);
	assert_int_equal(query_where(f->s, "SELECT count(*) FROM case_notes "
	    "WHERE case_id = $1", 70), 0);

	fill_hash(tag, 9);
	assert_int_equal(store_purge_owner(f->s, tag, &n), 0);
	assert_int_equal(n, 0);
}

static void
test_user_delete(void **state)
{
	struct store_fixture *f = *state;
	const int64_t regions[] = { 3, 4 };
	uint8_t h[STORE_HASH_BYTES];
	struct session se;

	memset(&se, 0, sizeof(se));
	fill_hash(se.token_hash, 40);
	se.user_id = 100;
	se.kind = "api";
	se.created_at = 1700000000;
	se.expires_at = 1800000000;
	assert_int_equal(store_session_insert(f->s, &se), 0);
	fill_hash(se.token_hash, 41);
	se.user_id = 101;
	assert_int_equal(store_session_insert(f->s, &se), 0);
	fill_hash(h, 42);
	assert_int_equal(store_feed_token_set(f->s, 100, h, 1700000000), 0);
	assert_int_equal(store_user_regions_set(f->s, 100, regions, 2), 0);

	assert_int_equal(store_user_delete(f->s, 100), 0);
	assert_int_equal(query_where(f->s, "SELECT count(*) FROM users "
	    "WHERE id = $1", 100), 0);
	assert_int_equal(query_where(f->s, "SELECT count(*) FROM sessions "
	    "WHERE user_id = $1", 100), 0);
	assert_int_equal(query_where(f->s, "SELECT count(*) FROM feed_tokens "
	    "WHERE user_id = $1", 100), 0);
	assert_int_equal(query_where(f->s, "SELECT count(*) FROM "
	    "user_regions WHERE user_id = $1", 100), 0);
	/* Nobody else's. */
	assert_int_equal(query_where(f->s, "SELECT count(*) FROM sessions "
	    "WHERE user_id = $1", 101), 1);
	assert_int_equal(store_user_delete(f->s, 100), STORE_NOTFOUND);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_counters,
		    fixture_setup_seeded, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_police_reports,
		    fixture_setup_seeded, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_police_share_add,
		    fixture_setup_seeded, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_purge_reports,
		    fixture_setup_seeded, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_purge_cases,
		    fixture_setup_seeded, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_purge_owner,
		    fixture_setup_seeded, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_user_delete,
		    fixture_setup_seeded, fixture_teardown),
	};

	/* Expected failures log at info and warn; keep errors visible. */
	log_set_level(LOG_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
