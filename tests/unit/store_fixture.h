/*
 * store_fixture.h: what the store's unit tests set up over SQLite: a
 * temporary data dir, a migrated store in it, the rows most tests start
 * from, and ways to look at what actually reached the file.
 *
 * Every function fails the running cmocka test rather than return an
 * error. The names carry no module prefix: they are linked only into the
 * unit tests, never into lookout.
 */
#ifndef LOOKOUT_TESTS_STORE_FIXTURE_H
#define LOOKOUT_TESTS_STORE_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "core/app.h"
#include "store/store.h"
#include "store/store_loop.h"
#include "util/arena.h"

/* A store in a data dir of its own, an arena for what it reads, and an
 * app with the default config (no keys, no pool) for the core functions
 * that take one. */
struct store_fixture {
	char		 dir[64];
	struct store	*s;
	struct arena	 a;
	struct app	 app;
};

/* mkdtemp() a data dir under /tmp into dir, which must hold 64 bytes. */
void	make_dir(char *dir, size_t len);
/* Remove the files in dir, then dir; a dir that is gone is no error. */
void	remove_dir(const char *dir);

/* cmocka set-up and tear-down: *state becomes a struct store_fixture
 * whose store is empty (fixture_setup) or holds the rows below
 * (fixture_setup_seeded).
 *
 * fixture_setup_seeded adds orgs 1 and 2, users 100 and 101 in org 1 and 200
 * in org 2, and the region tree
 *   1 ca
 *     2 ca-bc
 *       3 ca-bc-van
 *       4 ca-bc-vic
 *     5 ca-on
 *       6 ca-on-tor
 *   7 us
 */
int	fixture_setup(void **state);
int	fixture_setup_seeded(void **state);
int	fixture_teardown(void **state);
/* Close f's store and open it again, as a restart would: migrations
 * run, nothing is created. */
void	reopen(struct store_fixture *f);

/* The first column of the first row of sql, which must have one. */
int64_t	query_int(struct store *s, const char *sql);
/* The same, with v bound to the first parameter of sql. */
int64_t	query_where(struct store *s, const char *sql, int64_t v);

/* A hash that differs with seed and is the same for the same seed. */
void	fill_hash(uint8_t h[STORE_HASH_BYTES], int seed);

void	add_org(struct store *s, int64_t id);
void	add_region(struct store *s, int64_t id, const char *code,
	    int64_t parent);
/* An active member of org, with a sealed name and a name hash of id. */
void	add_user(struct store *s, int64_t id, int64_t org);

/* What report_seal_all seals: arbitrary bytes, NULs included. */
extern const uint8_t AREA[4];
extern const uint8_t DETAILS[6];
extern const uint8_t NARRATIVE[6];
extern const uint8_t CONTACT[2];

/* A report in region 3 whose owner tag is fill_hash(owner); the sealed
 * fields are left empty (report_init) or set to fixed bytes with NULs
 * in them (report_seal_all, add_report). */
void	report_init(struct store_report *r, int64_t id, int64_t org,
	    int owner, const char *status, int64_t created_at);
void	report_seal_all(struct store_report *r);
void	add_report(struct store *s, int64_t id, int64_t org, int owner,
	    const char *status, int64_t created_at);
/* An identifier of a report (report != 0) or of an alert. */
void	add_ident(struct store *s, int report, int64_t owner, int64_t seq,
	    const char *kind, int hash_seed);
/* A high-severity alert of org 1. */
void	add_alert(struct store *s, int64_t id, const char *summary,
	    const char *status, int64_t created_at);

#endif
