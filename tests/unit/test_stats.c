/*
 * test_stats.c: statistics and the transparency report (core/stats.c)
 * over a real SQLite store: what a filed report counts, the k rule, and
 * the whole domain of every table, gaps included.
 */
#include <dirent.h>
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

#include "core/app.h"
#include "core/help.h"
#include "core/report.h"
#include "core/stats_int.h"
#include "store/store.h"
#include "store/store_help.h"
#include "util/arena.h"
#include "util/log.h"
#include "util/banned.h"

#include "store_fixture.h"

/* The store fixture, and the region ca with ca-bc-van and ca-bc-vic
 * below it. */
static int
setup(void **state)
{
	struct store_fixture *f;

	fixture_setup(state);
	f = *state;
	add_region(f->s, 1, "ca", 0);
	add_region(f->s, 2, "ca-bc-van", 1);
	add_region(f->s, 3, "ca-bc-vic", 1);
	return 0;
}

static const struct stat_cell *
find(const struct stat_cell *c, size_t n, const char *row)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(c[i].row, row) == 0)
			return &c[i];
	fail_msg("no row '%s'", row);
	return NULL;
}

static void
test_quarter(void **state)
{
	char q[STATS_QUARTER_LEN];

	(void)state;
	stats_quarter(0, q);
	assert_string_equal(q, "1970-Q1");
	stats_quarter(1700000000, q);		/* 2023-11-14 */
	assert_string_equal(q, "2023-Q4");
	stats_quarter(1688169600, q);		/* 2023-07-01 00:00 */
	assert_string_equal(q, "2023-Q3");
	stats_quarter(1688169599, q);		/* 2023-06-30 23:59:59 */
	assert_string_equal(q, "2023-Q2");
}

static void
test_count_report(void **state)
{
	struct store_fixture *f = *state;
	struct store_counter *c;
	size_t n;

	assert_int_equal(stats_count_report(f->s,
	    INC_VIOLENCE | INC_THREATS | INC_POLICE_INCIDENT, "2023-11-20",
	    "ca-bc-van", 1700000000), 0);
	assert_int_equal(stats_count_report(f->s, INC_VIOLENCE, "2023-11-02",
	    "ca-bc-van", 1700000000), 0);

	assert_int_equal(store_counter_list(f->s, &f->a, "incidents", &c, &n),
	    0);
	assert_int_equal(n, 3);
	assert_string_equal(c[0].k1, "2023-11");
	assert_string_equal(c[0].k2, "police_incident");
	assert_int_equal(c[0].n, 1);
	assert_string_equal(c[1].k2, "threats");
	assert_string_equal(c[2].k2, "violence");
	assert_string_equal(c[2].k3, "ca-bc-van");
	assert_int_equal(c[2].n, 2);

	/* One report, one count, however many types. */
	assert_int_equal(store_counter_list(f->s, &f->a, "reports", &c, &n),
	    0);
	assert_int_equal(n, 1);
	assert_string_equal(c[0].k1, "2023-11");
	assert_string_equal(c[0].k2, "ca-bc-van");
	assert_int_equal(c[0].n, 2);

	assert_int_equal(store_counter_list(f->s, &f->a, "police_incidents",
	    &c, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(c[0].k1, "2023-Q4");
	assert_int_equal(c[0].n, 1);
}

static void
test_stats_k(void **state)
{
	struct store_fixture *f = *state;
	const struct stat_cell *c;
	struct stats st;
	time_t now = time(NULL);
	struct tm tm;
	long months;
	int i;

	/* Six in November 2023, one (two types) in January 2024. */
	for (i = 0; i < 6; i++)
		assert_int_equal(stats_count_report(f->s, INC_ROBBERY,
		    "2023-11-20", "ca-bc-van", 1700000000), 0);
	assert_int_equal(stats_count_report(f->s, INC_ROBBERY | INC_OTHER,
	    "2024-01-03", "ca-bc-vic", 1704240000), 0);
	assert_int_equal(store_counter_add(f->s, "help_outcome", "2023-11",
	    "left", "", 5), 0);

	assert_int_equal(stats_get(&f->app, f->s, &f->a, &st), 0);
	assert_int_equal(st.k, 5);

	/* Every month from the first to now, December's zero included. */
	gmtime_r(&now, &tm);
	months = (long)(tm.tm_year + 1900) * 12 + tm.tm_mon -
	    (2023L * 12 + 10) + 1;
	assert_int_equal(st.nmonth, (size_t)months);
	assert_string_equal(st.by_month[0].row, "2023-11");
	assert_int_equal(st.by_month[0].count, 6);
	assert_string_equal(st.by_month[0].shown, "6");
	assert_string_equal(st.by_month[1].row, "2023-12");
	assert_int_equal(st.by_month[1].count, 0);
	assert_string_equal(st.by_month[1].shown, "<5");
	assert_string_equal(st.by_month[2].row, "2024-01");
	assert_string_equal(st.by_month[2].shown, "<5");

	assert_int_equal(st.ntype, INC_COUNT);
	for (i = 0; i < INC_COUNT; i++)
		assert_string_equal(st.by_type[i].row, incident_names[i]);
	c = find(st.by_type, st.ntype, "robbery");
	assert_int_equal(c->count, 7);
	assert_string_equal(c->shown, "7");
	c = find(st.by_type, st.ntype, "other");
	assert_string_equal(c->shown, "<5");
	c = find(st.by_type, st.ntype, "violence");
	assert_int_equal(c->count, 0);
	assert_string_equal(c->shown, "<5");

	/* Every region, by code. */
	assert_int_equal(st.nregion, 3);
	assert_string_equal(st.by_region[0].row, "ca");
	assert_string_equal(st.by_region[0].shown, "<5");
	assert_string_equal(st.by_region[1].row, "ca-bc-van");
	assert_string_equal(st.by_region[1].shown, "6");
	assert_string_equal(st.by_region[2].row, "ca-bc-vic");
	assert_string_equal(st.by_region[2].shown, "<5");

	assert_int_equal(st.noutcome, OUTCOME_COUNT);
	c = find(st.by_outcome, st.noutcome, "left");
	assert_string_equal(c->shown, "5");
	c = find(st.by_outcome, st.noutcome, "contacted");
	assert_string_equal(c->shown, "<5");

	/* k from config. */
	f->app.cfg.k_anonymity = 7;
	assert_int_equal(stats_get(&f->app, f->s, &f->a, &st), 0);
	assert_int_equal(st.k, 7);
	assert_string_equal(find(st.by_type, st.ntype, "robbery")->shown,
	    "7");
	assert_string_equal(st.by_month[0].shown, "<7");
}

static void
test_transparency(void **state)
{
	struct store_fixture *f = *state;
	struct transparency_row *t;
	time_t now = time(NULL);
	struct tm tm;
	size_t n;
	long quarters;
	int k;

	assert_int_equal(transparency_get(&f->app, f->s, &f->a, &t, &n, &k),
	    0);
	assert_int_equal(n, 0);
	assert_int_equal(k, 5);

	assert_int_equal(store_counter_add(f->s, "police_views", "2023-Q3",
	    "", "", 6), 0);
	assert_int_equal(store_counter_add(f->s, "shared", "2023-Q3",
	    "anonymous", "", 1), 0);
	assert_int_equal(store_counter_add(f->s, "shared", "2023-Q3",
	    "full", "", 5), 0);
	assert_int_equal(store_counter_add(f->s, "police_incidents",
	    "2024-Q1", "", "", 2), 0);

	assert_int_equal(transparency_get(&f->app, f->s, &f->a, &t, &n, &k),
	    0);
	gmtime_r(&now, &tm);
	quarters = (long)(tm.tm_year + 1900) * 4 + tm.tm_mon / 3 -
	    (2023L * 4 + 2) + 1;
	assert_int_equal(n, (size_t)quarters);
	assert_string_equal(t[0].quarter, "2023-Q3");
	assert_int_equal(t[0].views, 6);
	assert_string_equal(t[0].views_shown, "6");
	assert_string_equal(t[0].anonymous_shown, "<5");
	assert_string_equal(t[0].full_shown, "5");
	assert_string_equal(t[0].police_incidents_shown, "<5");
	assert_string_equal(t[1].quarter, "2023-Q4");
	assert_string_equal(t[1].views_shown, "<5");
	assert_string_equal(t[2].quarter, "2024-Q1");
	assert_int_equal(t[2].police_incidents, 2);
	assert_string_equal(t[2].police_incidents_shown, "<5");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quarter),
		cmocka_unit_test_setup_teardown(test_count_report, setup,
		    fixture_teardown),
		cmocka_unit_test_setup_teardown(test_stats_k, setup,
		    fixture_teardown),
		cmocka_unit_test_setup_teardown(test_transparency, setup,
		    fixture_teardown),
	};

	log_set_level(LOG_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
