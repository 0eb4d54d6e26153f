/*
 * test_help.c: help requests and case work (core/help.c over
 * store/cases.c and SQLite): triage priority, reference canonical form,
 * language tags, then the round trip through a real store: create,
 * status and withdraw by reference, the queue order, assign, notes,
 * close and the outcome counter. db.h is used to look at what actually
 * reached the file.
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

#include "core/account.h"
#include "core/help.h"
#include "core/help_int.h"
#include "store/db.h"
#include "store/store.h"
#include "store/store_help.h"
#include "util/arena.h"
#include "util/banned.h"

#include "store_fixture.h"

/* --- pure logic --- */

static void
test_priority(void **state)
{
	(void)state;
	assert_int_equal(help_priority(0, 0, 0, 0), 4);
	assert_int_equal(help_priority(0, 0, 1, 0), 3);
	assert_int_equal(help_priority(0, 0, 0, 1), 3);
	assert_int_equal(help_priority(0, 0, 1, 1), 3);
	assert_int_equal(help_priority(0, 1, 0, 0), 2);
	assert_int_equal(help_priority(0, 1, 1, 1), 2);
	assert_int_equal(help_priority(1, 0, 0, 0), 1);
	/* Danger now outranks everything else. */
	assert_int_equal(help_priority(1, 1, 1, 1), 1);
}

static void
test_ref_canon(void **state)
{
	static const char *const same[] = { "H-4KD9-QX", "h-4kd9-qx",
	    "H4KD9QX", "4KD9-QX", "4kd9qx", " H 4KD9 QX ", "--4KD9--QX--" };
	static const char *const bad[] = { "", "H-", "4KD9-Q", "4KD9-QXA",
	    "H-4KD9-QXZ", "H-4KD9-Q0", "H-4KD9-QO", "H-4KD9-Q1",
	    "H-4KD9-QI", "H-4KD9-QL", "H_4KD9_QX", "H-4KD9-Q\xc3\x89",
	    "HH4KD9QX", "H-4KD9-QX-H-4KD9-QX" };
	char out[HELP_REF_CHARS + 1];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		memset(out, 'x', sizeof(out));
		assert_int_equal(help_ref_canon(same[i], out), 0);
		assert_string_equal(out, "4KD9QX");
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (help_ref_canon(bad[i], out) != -1)
			fail_msg("'%s' was taken as a reference", bad[i]);
	assert_int_equal(help_ref_canon(NULL, out), -1);
	/* A code that itself starts with H keeps it when typed without
	 * the label. */
	assert_int_equal(help_ref_canon("HKD9QX", out), 0);
	assert_string_equal(out, "HKD9QX");
	assert_int_equal(help_ref_canon("H-HKD9-QX", out), 0);
	assert_string_equal(out, "HKD9QX");
}

static void
test_language(void **state)
{
	(void)state;
	assert_true(help_language_valid("en"));
	assert_true(help_language_valid("zh-Hans"));
	assert_true(help_language_valid("abcdefghijklmnop"));
	assert_false(help_language_valid(""));
	assert_false(help_language_valid("e"));
	assert_false(help_language_valid("abcdefghijklmnopq"));
	assert_false(help_language_valid("en_US"));
	assert_false(help_language_valid("fr1"));
	assert_false(help_language_valid("en "));
	assert_false(help_language_valid("\xc3\xa9n"));
}

static void
test_names(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < NEED_COUNT; i++) {
		assert_non_null(help_need_names[i]);
		assert_non_null(help_need_labels[i]);
	}
	assert_string_equal(help_need_names[0], "safety_planning");
	assert_string_equal(help_need_names[1], "leaving");
	assert_string_equal(help_need_names[NEED_COUNT - 1], "other");
	for (i = 0; i < OUTCOME_COUNT; i++) {
		assert_non_null(case_outcome_names[i]);
		assert_non_null(case_outcome_labels[i]);
	}
	assert_string_equal(case_outcome_names[3], "referred");
	assert_string_equal(case_outcome_names[OUTCOME_COUNT - 1],
	    "withdrawn");
	assert_string_equal(help_methods[0], "phone");
	assert_string_equal(help_methods[3], "dropin");
}

/* --- through a real store --- */

struct fixture {
	char		 dir[64];
	struct app	 app;
	struct store	*s;
	struct arena	 a;
	struct auth	 staff, staff2, member, other_org;
};

static void
make_user(struct fixture *f, int64_t org_id, enum role role,
    const char *name, struct auth *who)
{
	int64_t uid;

	assert_int_equal(account_create(&f->app, f->s, 0, org_id, role, name,
	    "a long enough password", NULL, 0, &uid), 0);
	memset(who, 0, sizeof(*who));
	who->user_id = uid;
	who->org_id = org_id;
	who->role = role;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	uint8_t master[KEY_BYTES];
	int64_t org, org2;
	struct org o2;
	char err[256];

	assert_non_null(f);
	assert_int_equal(seal_init(), 0);
	make_dir(f->dir, sizeof(f->dir));
	config_defaults(&f->app.cfg);
	random_bytes(master, sizeof(master));
	keys_from_master(&f->app.keys, master);
	f->s = store_open(f->dir, NULL, 1, err, sizeof(err));
	if (f->s == NULL)
		fail_msg("store_open: %s", err);
	arena_init(&f->a);
	assert_int_equal(org_ensure(&f->app, f->s, "First", &org), 0);
	/* Help requests go to the first organisation, by id. */
	o2.id = org2 = org + 1;
	o2.name = "Second";
	o2.created_at = 1;
	assert_int_equal(store_org_insert(f->s, &o2), 0);
	make_user(f, org, ROLE_OUTREACH, "olu", &f->staff);
	make_user(f, org, ROLE_ADMIN, "ada", &f->staff2);
	make_user(f, org, ROLE_MEMBER, "mia", &f->member);
	make_user(f, org2, ROLE_OUTREACH, "otto", &f->other_org);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	arena_release(&f->a);
	store_close(f->s);
	keys_wipe(&f->app.keys);
	remove_dir(f->dir);
	free(f);
	return 0;
}

static void
help_in_init(struct help_in *in, const char *method, const char *contact)
{
	memset(in, 0, sizeof(*in));
	in->method = method;
	in->contact = contact;
	in->safe_times = "after 2pm";
	in->language = "en";
	in->code_word = "blue";
}

static int64_t
queue_find(struct fixture *f, const char *status, int priority,
    size_t *pos)
{
	struct case_line *l;
	size_t n, i;

	assert_int_equal(case_queue(&f->app, f->s, &f->a, &f->staff, status,
	    &l, &n), 0);
	for (i = 0; i < n; i++)
		if (l[i].priority == priority) {
			*pos = i;
			return l[i].id;
		}
	return 0;
}

static void
test_create_validation(void **state)
{
	struct fixture *f = *state;
	struct report_err err;
	struct help_in in;
	char ref[16];

	memset(&err, 0, sizeof(err));
	help_in_init(&in, "fax", "604 555 0142");
	assert_int_equal(help_create(&f->app, f->s, &in, ref, &err),
	    REPORT_INVALID);
	assert_string_equal(err.field, "contact.method");
	help_in_init(&in, "phone", "not a number");
	assert_int_equal(help_create(&f->app, f->s, &in, ref, &err),
	    REPORT_INVALID);
	assert_string_equal(err.field, "contact.value");
	help_in_init(&in, "sms", "");
	assert_int_equal(help_create(&f->app, f->s, &in, ref, &err),
	    REPORT_INVALID);
	assert_string_equal(err.field, "contact.value");
	help_in_init(&in, "email", "nobody-at-example");
	assert_int_equal(help_create(&f->app, f->s, &in, ref, &err),
	    REPORT_INVALID);
	assert_string_equal(err.field, "contact.value");
	help_in_init(&in, "dropin", "604 555 0142");
	assert_int_equal(help_create(&f->app, f->s, &in, ref, &err),
	    REPORT_INVALID);
	assert_string_equal(err.field, "contact.value");
	help_in_init(&in, "dropin", "");
	in.language = "en_GB";
	assert_int_equal(help_create(&f->app, f->s, &in, ref, &err),
	    REPORT_INVALID);
	assert_string_equal(err.field, "language");
	help_in_init(&in, "dropin", "");
	in.needs[0] = "safety_planning";
	in.needs[1] = "a pony";
	in.nneeds = 2;
	assert_int_equal(help_create(&f->app, f->s, &in, ref, &err),
	    REPORT_INVALID);
	assert_string_equal(err.field, "needs");
	help_in_init(&in, "dropin", "");
	in.code_word = "two\nlines";
	assert_int_equal(help_create(&f->app, f->s, &in, ref, &err),
	    REPORT_INVALID);
	assert_string_equal(err.field, "code_word");
	/* Nothing was stored by any of them. */
	assert_int_equal(query_where(f->s, "SELECT COUNT(*) FROM cases "
	    "WHERE id <> $1", 0), 0);
}

static void
test_round_trip(void **state)
{
	struct fixture *f = *state;
	struct report_err err;
	struct case_view v;
	struct help_in in;
	const char *status;
	char ref[16], canon[HELP_REF_CHARS + 1];
	int64_t id;
	size_t pos;

	memset(&err, 0, sizeof(err));
	help_in_init(&in, "phone", "604.555.0142");
	in.needs[0] = "housing";
	in.needs[1] = "leaving";
	in.nneeds = 2;
	in.forced = 1;
	assert_int_equal(help_create(&f->app, f->s, &in, ref, &err), 0);
	assert_int_equal(strlen(ref), 9);
	assert_true(ref[0] == 'H' && ref[1] == '-' && ref[6] == '-');
	assert_int_equal(help_ref_canon(ref, canon), 0);

	assert_int_equal(help_status(&f->app, f->s, &f->a, ref, &status), 0);
	assert_string_equal(status, "open");
	/* Typed loosely, it is the same reference. */
	{
		char loose[16];
		size_t i;

		for (i = 0; canon[i]; i++)
			loose[i] = (char)(canon[i] >= 'A' && canon[i] <= 'Z' ?
			    canon[i] + 32 : canon[i]);
		loose[i] = '\0';
		assert_int_equal(help_status(&f->app, f->s, &f->a, loose,
		    &status), 0);
	}
	assert_int_equal(help_status(&f->app, f->s, &f->a, "H-2222-22",
	    &status), REPORT_NOTFOUND);
	assert_int_equal(help_status(&f->app, f->s, &f->a, "nonsense",
	    &status), REPORT_NOTFOUND);

	id = queue_find(f, NULL, 3, &pos);
	assert_true(id > 0);
	/* Other roles and other organisations see nothing. */
	assert_int_equal(case_get(&f->app, f->s, &f->a, &f->member, id, &v),
	    REPORT_FORBIDDEN);
	assert_int_equal(case_get(&f->app, f->s, &f->a, &f->other_org, id,
	    &v), REPORT_NOTFOUND);
	assert_int_equal(case_get(&f->app, f->s, &f->a, &f->staff, id, &v),
	    0);
	assert_string_equal(v.method, "phone");
	assert_string_equal(v.contact, "+16045550142");
	assert_string_equal(v.safe_times, "after 2pm");
	assert_string_equal(v.code_word, "blue");
	assert_string_equal(v.line.language, "en");
	assert_int_equal(v.line.needs, NEED_HOUSING | NEED_LEAVING);
	assert_int_equal(v.forced, 1);
	assert_int_equal(v.line.priority, 3);
	assert_string_equal(v.line.kind, "help");
	assert_int_equal(v.report_id, 0);
	assert_int_equal(v.nnotes, 0);
	assert_int_equal(query_where(f->s, "SELECT COUNT(*) FROM audit WHERE "
	    "action = 'case.read' AND actor_id = $1", f->staff.user_id), 1);

	/* Withdraw: the sealed values go, the reference still answers. */
	assert_int_equal(case_note_add(&f->app, f->s, &f->staff, id,
	    "left a message", &err), 0);
	assert_int_equal(help_withdraw(&f->app, f->s, ref), 0);
	assert_int_equal(help_status(&f->app, f->s, &f->a, ref, &status), 0);
	assert_string_equal(status, "withdrawn");
	assert_int_equal(query_where(f->s, "SELECT COUNT(*) FROM cases "
	    "WHERE id = $1 AND contact_sealed IS NULL AND safe_times_sealed "
	    "IS NULL AND code_word_sealed IS NULL", id), 1);
	assert_int_equal(query_where(f->s, "SELECT COUNT(*) FROM case_notes "
	    "WHERE case_id = $1 AND note_sealed IS NOT NULL", id), 0);
	assert_int_equal(help_withdraw(&f->app, f->s, ref), 0);
	assert_int_equal(help_withdraw(&f->app, f->s, "H-2222-22"),
	    REPORT_NOTFOUND);
	assert_int_equal(query_where(f->s, "SELECT COALESCE(SUM(n), 0) FROM "
	    "counters WHERE metric = 'help_outcome' AND k2 = 'withdrawn' "
	    "AND k3 = '' AND $1 = 1", 1), 1);
	/* A withdrawn case can be neither worked nor closed. */
	assert_int_equal(case_note_add(&f->app, f->s, &f->staff, id, "x",
	    &err), REPORT_GONE);
	assert_int_equal(case_assign(&f->app, f->s, &f->staff, id, 0),
	    REPORT_GONE);
	assert_int_equal(case_close(&f->app, f->s, &f->staff, id, "contacted",
	    "", &err), REPORT_GONE);
	assert_int_equal(case_get(&f->app, f->s, &f->a, &f->staff, id, &v),
	    0);
	assert_string_equal(v.contact, "");
	assert_string_equal(v.code_word, "");
	assert_int_equal(v.nnotes, 1);
	assert_string_equal(v.notes[0].text, "");
}

static void
test_queue_and_work(void **state)
{
	static const struct {
		int	 danger, under_18, forced, id_held;
	} reqs[] = {
		{ 0, 0, 0, 0 }, { 0, 0, 1, 0 }, { 1, 0, 0, 0 }, { 0, 0, 0, 1 },
		{ 0, 1, 0, 0 }, { 0, 0, 0, 0 },
	};
	static const int want[] = { 1, 2, 3, 3, 4, 4 };
	struct fixture *f = *state;
	struct report_err err;
	struct case_line *l;
	struct case_view v;
	struct help_in in;
	char ref[16];
	size_t n, i;
	int64_t id;

	memset(&err, 0, sizeof(err));
	for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		help_in_init(&in, "email", "Someone@Example.org");
		in.danger_now = reqs[i].danger;
		in.under_18 = reqs[i].under_18;
		in.forced = reqs[i].forced;
		in.id_or_money_held = reqs[i].id_held;
		assert_int_equal(help_create(&f->app, f->s, &in, ref, &err), 0);
	}
	assert_int_equal(case_queue(&f->app, f->s, &f->a, &f->staff, NULL, &l,
	    &n), 0);
	assert_int_equal(n, 6);
	for (i = 0; i < n; i++) {
		assert_int_equal(l[i].priority, want[i]);
		assert_string_equal(l[i].status, "open");
		assert_int_equal(l[i].assigned_to, 0);
	}
	assert_int_equal(case_queue(&f->app, f->s, &f->a, &f->member, NULL,
	    &l, &n), REPORT_FORBIDDEN);
	assert_int_equal(case_queue(&f->app, f->s, &f->a, &f->other_org, NULL,
	    &l, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(case_queue(&f->app, f->s, &f->a, &f->staff, "bogus",
	    &l, &n), REPORT_INVALID);

	assert_int_equal(case_queue(&f->app, f->s, &f->a, &f->staff, NULL, &l,
	    &n), 0);
	id = l[0].id;
	/* Claim, then hand over to a colleague; never to a member or to
	 * another organisation's staff. */
	assert_int_equal(case_assign(&f->app, f->s, &f->staff, id, 0), 0);
	assert_int_equal(case_assign(&f->app, f->s, &f->staff, id,
	    f->member.user_id), REPORT_INVALID);
	assert_int_equal(case_assign(&f->app, f->s, &f->staff, id,
	    f->other_org.user_id), REPORT_INVALID);
	assert_int_equal(case_assign(&f->app, f->s, &f->staff, id, 999999),
	    REPORT_INVALID);
	assert_int_equal(case_assign(&f->app, f->s, &f->other_org, id, 0),
	    REPORT_NOTFOUND);
	assert_int_equal(case_get(&f->app, f->s, &f->a, &f->staff, id, &v),
	    0);
	assert_string_equal(v.line.status, "claimed");
	assert_int_equal(v.line.assigned_to, f->staff.user_id);
	assert_string_equal(v.contact, "Someone@Example.org");
	assert_int_equal(case_assign(&f->app, f->s, &f->staff, id,
	    f->staff2.user_id), 0);

	/* Notes come back in the order written, whoever wrote them. */
	assert_int_equal(case_note_add(&f->app, f->s, &f->staff, id, "",
	    &err), REPORT_INVALID);
	assert_string_equal(err.field, "text");
	assert_int_equal(case_note_add(&f->app, f->s, &f->staff, id,
	    "first call", &err), 0);
	assert_int_equal(case_note_add(&f->app, f->s, &f->staff2, id,
	    "second\ncall", &err), 0);
	assert_int_equal(case_note_add(&f->app, f->s, &f->staff, id,
	    "third", &err), 0);
	assert_int_equal(case_note_add(&f->app, f->s, &f->other_org, id,
	    "nope", &err), REPORT_NOTFOUND);

	/* Referred needs to whom; the outcome is counted. */
	assert_int_equal(case_close(&f->app, f->s, &f->staff, id, "referred",
	    "", &err), REPORT_INVALID);
	assert_string_equal(err.field, "detail");
	assert_int_equal(case_close(&f->app, f->s, &f->staff, id, "fixed",
	    "", &err), REPORT_INVALID);
	assert_string_equal(err.field, "outcome");
	assert_int_equal(case_close(&f->app, f->s, &f->staff, id, "referred",
	    "the legal clinic", &err), 0);
	assert_int_equal(case_close(&f->app, f->s, &f->staff, id, "contacted",
	    "", &err), REPORT_CONFLICT);
	assert_int_equal(case_assign(&f->app, f->s, &f->staff, id, 0),
	    REPORT_CONFLICT);
	assert_int_equal(query_where(f->s, "SELECT COALESCE(SUM(n), 0) FROM "
	    "counters WHERE metric = 'help_outcome' AND k2 = 'referred' "
	    "AND $1 = 1", 1), 1);

	assert_int_equal(case_get(&f->app, f->s, &f->a, &f->staff2, id, &v),
	    0);
	assert_string_equal(v.line.status, "closed");
	assert_int_equal(v.line.assigned_to, f->staff2.user_id);
	assert_string_equal(v.outcome, "referred");
	assert_string_equal(v.outcome_detail, "the legal clinic");
	assert_int_equal(v.nnotes, 3);
	assert_string_equal(v.notes[0].text, "first call");
	assert_int_equal(v.notes[0].author_id, f->staff.user_id);
	assert_string_equal(v.notes[1].text, "second\ncall");
	assert_int_equal(v.notes[1].author_id, f->staff2.user_id);
	assert_string_equal(v.notes[2].text, "third");

	/* Closed cases leave the default queue and show under "all". */
	assert_int_equal(case_queue(&f->app, f->s, &f->a, &f->staff, NULL, &l,
	    &n), 0);
	assert_int_equal(n, 5);
	assert_int_equal(case_queue(&f->app, f->s, &f->a, &f->staff, "all",
	    &l, &n), 0);
	assert_int_equal(n, 6);
	assert_int_equal(case_queue(&f->app, f->s, &f->a, &f->staff, "closed",
	    &l, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(l[0].id, id);
}

/* Within a priority, oldest first, whatever the ids. */
static void
test_store_order(void **state)
{
	static const struct {
		int64_t	 id;
		int	 priority;
		int64_t	 created_at;
		const char *status;
	} rows[] = {
		{ 10, 4, 1000, "open" }, { 5, 4, 2000, "open" },
		{ 7, 2, 3000, "claimed" }, { 3, 2, 2500, "open" },
		{ 9, 1, 4000, "closed" }, { 8, 4, 500, "withdrawn" },
	};
	static const int64_t active[] = { 3, 7, 10, 5 };
	static const int64_t all[] = { 9, 3, 7, 8, 10, 5 };
	struct fixture *f = *state;
	struct store_case c, *out;
	struct org org;
	size_t i, n;

	assert_int_equal(store_org_first(f->s, &f->a, &org), 0);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&c, 0, sizeof(c));
		c.id = rows[i].id;
		c.org_id = org.id;
		c.kind = "help";
		c.method = "dropin";
		c.priority = rows[i].priority;
		c.status = (char *)rows[i].status;
		c.created_at = c.updated_at = rows[i].created_at;
		assert_int_equal(store_case_insert(f->s, &c), 0);
	}
	assert_int_equal(store_case_list(f->s, &f->a, org.id,
	    STORE_CASES_ACTIVE, &out, &n), 0);
	assert_int_equal(n, 4);
	for (i = 0; i < n; i++)
		assert_int_equal(out[i].id, active[i]);
	assert_int_equal(store_case_list(f->s, &f->a, org.id, NULL, &out,
	    &n), 0);
	assert_int_equal(n, 6);
	for (i = 0; i < n; i++)
		assert_int_equal(out[i].id, all[i]);
	assert_int_equal(store_case_list(f->s, &f->a, org.id, "closed", &out,
	    &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].id, 9);
	assert_int_equal(out[0].has_ref, 0);
	assert_int_equal(out[0].report_id, 0);
	/* Updates of a missing case say so. */
	assert_int_equal(store_case_assign(f->s, 404, 1, 1), STORE_NOTFOUND);
	assert_int_equal(store_case_close(f->s, 404, "left", NULL, 0, 1),
	    STORE_NOTFOUND);
	assert_int_equal(store_case_set_status(f->s, 404, "withdrawn", "", 1),
	    STORE_NOTFOUND);
	assert_int_equal(store_case_wipe(f->s, 404), STORE_NOTFOUND);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_priority),
		cmocka_unit_test(test_ref_canon),
		cmocka_unit_test(test_language),
		cmocka_unit_test(test_names),
		cmocka_unit_test_setup_teardown(test_create_validation, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_round_trip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_queue_and_work, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_store_order, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
