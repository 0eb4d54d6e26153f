/*
 * copy.c: copying an instance between databases (store_copy.h).
 *
 * Portable SQL over db.h, except for reading a database's own catalogue
 * (which tables and columns it has), which differs by dialect as column
 * types do in migrations.c.
 *
 * The tables[] list below is every table of the schema, parents before
 * the tables that refer to them, each with its columns in the schema's
 * order and their kinds: 'i' integer, 't' text, 'b' blob. Any column may
 * be NULL, and a NULL stays NULL; an empty blob stays an empty blob. The
 * copy is checked against the database's catalogue before it starts
 * (store_copy_check_schema), so a migration that adds a table or a
 * column without adding it here makes the copy refuse, never drop it
 * (and test_store_copy fails until it is added).
 * Regions refer to their parent region, so they are read root first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/internal.h"
#include "store/store.h"
#include "store/store_copy.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* Rows a statement inserts at once: the widest table's 22 columns make
 * 2816 parameters, within both databases' limits. */
#define COPY_BATCH	128

struct table {
	const char	*name;
	const char	*cols;		/* in the catalogue's order */
	const char	*types;		/* one letter a column */
	const char	*select;	/* every row, in insertion order */
	const char	*insert;
	const char	*count;		/* rows select reads */
	const char	*any;		/* a row, if the table has one */
	int		 until_now;	/* select, count take $1 = now */
};

static const struct table tables[] = {
	{
		.name = "meta",
		.cols = "key, value",
		.types = "tt",
		.select = "SELECT key, value FROM meta ORDER BY key",
		.insert = "INSERT INTO meta (key, value) VALUES ($1, $2)",
		.count = "SELECT COUNT(*) FROM meta",
		.any = "SELECT 1 FROM meta LIMIT 1",
	},
	{
		.name = "orgs",
		.cols = "id, name, created_at",
		.types = "iti",
		.select = "SELECT id, name, created_at FROM orgs ORDER BY id",
		.insert = "INSERT INTO orgs (id, name, created_at) VALUES ($1, "
		    "$2, $3)",
		.count = "SELECT COUNT(*) FROM orgs",
		.any = "SELECT 1 FROM orgs LIMIT 1",
	},
	{
		.name = "regions",
		.cols = "id, code, name, parent_id",
		.types = "itti",
		.select = "WITH RECURSIVE tree (id, depth) AS (SELECT id, 0 "
		    "FROM regions WHERE parent_id IS NULL UNION ALL "
		    "SELECT r.id, tree.depth + 1 FROM regions r JOIN tree "
		    "ON r.parent_id = tree.id) SELECT regions.id, "
		    "regions.code, regions.name, regions.parent_id FROM "
		    "regions JOIN tree ON tree.id = regions.id ORDER BY "
		    "tree.depth, regions.id",
		.insert = "INSERT INTO regions (id, code, name, parent_id) "
		    "VALUES ($1, $2, $3, $4)",
		.count = "SELECT COUNT(*) FROM regions",
		.any = "SELECT 1 FROM regions LIMIT 1",
	},
	{
		.name = "users",
		.cols = "id, org_id, role, name_hash, name_sealed, pw_hash, "
		    "status, created_at",
		.types = "iitbbtti",
		.select = "SELECT id, org_id, role, name_hash, name_sealed, "
		    "pw_hash, status, created_at FROM users ORDER BY id",
		.insert = "INSERT INTO users (id, org_id, role, name_hash, "
		    "name_sealed, pw_hash, status, created_at) VALUES "
		    "($1, $2, $3, $4, $5, $6, $7, $8)",
		.count = "SELECT COUNT(*) FROM users",
		.any = "SELECT 1 FROM users LIMIT 1",
	},
	{
		.name = "user_regions",
		.cols = "user_id, region_id",
		.types = "ii",
		.select = "SELECT user_id, region_id FROM user_regions "
		    "ORDER BY user_id, region_id",
		.insert = "INSERT INTO user_regions (user_id, region_id) "
		    "VALUES ($1, $2)",
		.count = "SELECT COUNT(*) FROM user_regions",
		.any = "SELECT 1 FROM user_regions LIMIT 1",
	},
	{
		.name = "sessions",
		.cols = "token_hash, user_id, kind, created_at, expires_at",
		.types = "bitii",
		.select = "SELECT token_hash, user_id, kind, created_at, "
		    "expires_at FROM sessions WHERE expires_at > $1 ORDER "
		    "BY token_hash",
		.insert = "INSERT INTO sessions (token_hash, user_id, kind, "
		    "created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
		.count = "SELECT COUNT(*) FROM sessions WHERE expires_at > $1",
		.any = "SELECT 1 FROM sessions LIMIT 1",
		.until_now = 1,
	},
	{
		.name = "audit",
		.cols = "seq, at, actor_id, action, object, detail, prev, "
		    "hash",
		.types = "iiitttbb",
		.select = "SELECT seq, at, actor_id, action, object, detail, "
		    "prev, hash FROM audit ORDER BY seq",
		.insert = "INSERT INTO audit (seq, at, actor_id, action, "
		    "object, detail, prev, hash) VALUES ($1, $2, $3, $4, "
		    "$5, $6, $7, $8)",
		.count = "SELECT COUNT(*) FROM audit",
		.any = "SELECT 1 FROM audit LIMIT 1",
	},
	{
		.name = "invites",
		.cols = "code_hash, org_id, created_by, created_at, "
		    "expires_at, used_by, used_at",
		.types = "biiiiii",
		.select = "SELECT code_hash, org_id, created_by, created_at, "
		    "expires_at, used_by, used_at FROM invites ORDER BY "
		    "code_hash",
		.insert = "INSERT INTO invites (code_hash, org_id, created_by, "
		    "created_at, expires_at, used_by, used_at) VALUES "
		    "($1, $2, $3, $4, $5, $6, $7)",
		.count = "SELECT COUNT(*) FROM invites",
		.any = "SELECT 1 FROM invites LIMIT 1",
	},
	{
		.name = "alerts",
		.cols = "id, org_id, summary, severity, types, issued_on, "
		    "status, created_at",
		.types = "iittitti",
		.select = "SELECT id, org_id, summary, severity, types, "
		    "issued_on, status, created_at FROM alerts ORDER BY "
		    "id",
		.insert = "INSERT INTO alerts (id, org_id, summary, severity, "
		    "types, issued_on, status, created_at) VALUES ($1, "
		    "$2, $3, $4, $5, $6, $7, $8)",
		.count = "SELECT COUNT(*) FROM alerts",
		.any = "SELECT 1 FROM alerts LIMIT 1",
	},
	{
		.name = "alert_regions",
		.cols = "alert_id, region_id",
		.types = "ii",
		.select = "SELECT alert_id, region_id FROM alert_regions ORDER "
		    "BY alert_id, region_id",
		.insert = "INSERT INTO alert_regions (alert_id, region_id) "
		    "VALUES ($1, $2)",
		.count = "SELECT COUNT(*) FROM alert_regions",
		.any = "SELECT 1 FROM alert_regions LIMIT 1",
	},
	{
		.name = "alert_idents",
		.cols = "alert_id, seq, kind, hash, value_sealed",
		.types = "iitbb",
		.select = "SELECT alert_id, seq, kind, hash, value_sealed FROM "
		    "alert_idents ORDER BY alert_id, seq",
		.insert = "INSERT INTO alert_idents (alert_id, seq, kind, "
		    "hash, value_sealed) VALUES ($1, $2, $3, $4, $5)",
		.count = "SELECT COUNT(*) FROM alert_idents",
		.any = "SELECT 1 FROM alert_idents LIMIT 1",
	},
	{
		.name = "reports",
		.cols = "id, org_id, owner_tag, region_id, occurred_on, "
		    "time_window, types, status, matched, consent_alert, "
		    "consent_police, consent_share, source, created_at, "
		    "alert_id, decision, area_sealed, details_sealed, "
		    "narrative_sealed, contact_sealed",
		.types = "iibittitiititiitbbbb",
		.select = "SELECT id, org_id, owner_tag, region_id, "
		    "occurred_on, time_window, types, status, matched, "
		    "consent_alert, consent_police, consent_share, "
		    "source, created_at, alert_id, decision, area_sealed, "
		    "details_sealed, narrative_sealed, contact_sealed "
		    "FROM reports ORDER BY id",
		.insert = "INSERT INTO reports (id, org_id, owner_tag, "
		    "region_id, occurred_on, time_window, types, status, "
		    "matched, consent_alert, consent_police, "
		    "consent_share, source, created_at, alert_id, "
		    "decision, area_sealed, details_sealed, "
		    "narrative_sealed, contact_sealed) VALUES ($1, $2, "
		    "$3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
		    "$15, $16, $17, $18, $19, $20)",
		.count = "SELECT COUNT(*) FROM reports",
		.any = "SELECT 1 FROM reports LIMIT 1",
	},
	{
		.name = "report_idents",
		.cols = "report_id, seq, kind, hash, value_sealed",
		.types = "iitbb",
		.select = "SELECT report_id, seq, kind, hash, value_sealed "
		    "FROM report_idents ORDER BY report_id, seq",
		.insert = "INSERT INTO report_idents (report_id, seq, kind, "
		    "hash, value_sealed) VALUES ($1, $2, $3, $4, $5)",
		.count = "SELECT COUNT(*) FROM report_idents",
		.any = "SELECT 1 FROM report_idents LIMIT 1",
	},
	{
		.name = "feed_tokens",
		.cols = "user_id, token_hash, created_at",
		.types = "ibi",
		.select = "SELECT user_id, token_hash, created_at FROM "
		    "feed_tokens ORDER BY user_id",
		.insert = "INSERT INTO feed_tokens (user_id, token_hash, "
		    "created_at) VALUES ($1, $2, $3)",
		.count = "SELECT COUNT(*) FROM feed_tokens",
		.any = "SELECT 1 FROM feed_tokens LIMIT 1",
	},
	{
		.name = "cases",
		.cols = "id, org_id, kind, ref_hash, report_id, method, "
		    "language, needs, danger_now, forced, id_held, "
		    "under_18, priority, status, assigned_to, outcome, "
		    "created_at, updated_at, contact_sealed, "
		    "safe_times_sealed, code_word_sealed, "
		    "outcome_detail_sealed",
		.types = "iitbittiiiiiititiibbbb",
		.select = "SELECT id, org_id, kind, ref_hash, report_id, "
		    "method, language, needs, danger_now, forced, "
		    "id_held, under_18, priority, status, assigned_to, "
		    "outcome, created_at, updated_at, contact_sealed, "
		    "safe_times_sealed, code_word_sealed, "
		    "outcome_detail_sealed FROM cases ORDER BY id",
		.insert = "INSERT INTO cases (id, org_id, kind, ref_hash, "
		    "report_id, method, language, needs, danger_now, "
		    "forced, id_held, under_18, priority, status, "
		    "assigned_to, outcome, created_at, updated_at, "
		    "contact_sealed, safe_times_sealed, code_word_sealed, "
		    "outcome_detail_sealed) VALUES ($1, $2, $3, $4, $5, "
		    "$6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, "
		    "$17, $18, $19, $20, $21, $22)",
		.count = "SELECT COUNT(*) FROM cases",
		.any = "SELECT 1 FROM cases LIMIT 1",
	},
	{
		.name = "case_notes",
		.cols = "id, case_id, author_id, created_at, note_sealed",
		.types = "iiiib",
		.select = "SELECT id, case_id, author_id, created_at, "
		    "note_sealed FROM case_notes ORDER BY id",
		.insert = "INSERT INTO case_notes (id, case_id, author_id, "
		    "created_at, note_sealed) VALUES ($1, $2, $3, $4, $5)",
		.count = "SELECT COUNT(*) FROM case_notes",
		.any = "SELECT 1 FROM case_notes LIMIT 1",
	},
	{
		.name = "counters",
		.cols = "metric, k1, k2, k3, n",
		.types = "tttti",
		.select = "SELECT metric, k1, k2, k3, n FROM counters ORDER BY "
		    "metric, k1, k2, k3",
		.insert = "INSERT INTO counters (metric, k1, k2, k3, n) VALUES "
		    "($1, $2, $3, $4, $5)",
		.count = "SELECT COUNT(*) FROM counters",
		.any = "SELECT 1 FROM counters LIMIT 1",
	},
	{
		.name = "police_shares",
		.cols = "report_id, tier, quarter",
		.types = "itt",
		.select = "SELECT report_id, tier, quarter FROM police_shares "
		    "ORDER BY report_id, tier, quarter",
		.insert = "INSERT INTO police_shares (report_id, tier, "
		    "quarter) VALUES ($1, $2, $3)",
		.count = "SELECT COUNT(*) FROM police_shares",
		.any = "SELECT 1 FROM police_shares LIMIT 1",
	},
	{
		.name = "subscriptions",
		.cols = "user_id, email_sealed, email_hash, sms_sealed, "
		    "sms_hash, lang, unsub_hash, unsub_sealed, "
		    "created_at, updated_at",
		.types = "ibbbbtbbii",
		.select = "SELECT user_id, email_sealed, email_hash, "
		    "sms_sealed, sms_hash, lang, unsub_hash, "
		    "unsub_sealed, created_at, updated_at FROM "
		    "subscriptions ORDER BY user_id",
		.insert = "INSERT INTO subscriptions (user_id, email_sealed, "
		    "email_hash, sms_sealed, sms_hash, lang, unsub_hash, "
		    "unsub_sealed, created_at, updated_at) VALUES ($1, "
		    "$2, $3, $4, $5, $6, $7, $8, $9, $10)",
		.count = "SELECT COUNT(*) FROM subscriptions",
		.any = "SELECT 1 FROM subscriptions LIMIT 1",
	},
	{
		.name = "outbox",
		.cols = "id, channel, user_id, alert_id, recipient_sealed, "
		    "body_sealed, state, attempts, next_attempt_at, "
		    "created_at, sent_at, claimed_by, claimed_until, lang",
		.types = "itiibbtiiiiiit",
		.select = "SELECT id, channel, user_id, alert_id, "
		    "recipient_sealed, body_sealed, state, attempts, "
		    "next_attempt_at, created_at, sent_at, claimed_by, "
		    "claimed_until, lang FROM outbox ORDER BY id",
		.insert = "INSERT INTO outbox (id, channel, user_id, alert_id, "
		    "recipient_sealed, body_sealed, state, attempts, "
		    "next_attempt_at, created_at, sent_at, claimed_by, "
		    "claimed_until, lang) VALUES ($1, $2, $3, $4, $5, $6, "
		    "$7, $8, $9, $10, $11, $12, $13, $14)",
		.count = "SELECT COUNT(*) FROM outbox",
		.any = "SELECT 1 FROM outbox LIMIT 1",
	},
};

#define NTABLES	(sizeof(tables) / sizeof(tables[0]))

int
store_copy_lock_source(struct store *src, char *err, size_t errlen)
{
	int rc;

	if (src->db->drv->dialect != DB_DIALECT_SQLITE) {
		snprintf(err, errlen, "the source of a copy must be an sqlite "
		    "database");
		return STORE_ERR;
	}
	/*
	 * In exclusive locking mode the write lock, once taken, is kept
	 * until the connection closes, and taking it fails while any other
	 * connection has the database open, even idle: so a running server
	 * is refused, and none can start until the copy is done. The write
	 * transaction also gives the copy one snapshot.
	 */
	if ((rc = db_exec(src->db, "PRAGMA locking_mode=EXCLUSIVE")) != 0 ||
	    (rc = store_begin(src)) != 0) {
		if (rc == STORE_BUSY)
			snprintf(err, errlen, "the database is in use (is "
			    "lookout serve running on this data dir?); stop "
			    "it first");
		else
			snprintf(err, errlen, "cannot lock the database");
		return rc;
	}
	return 0;
}

/* The catalogue's list of tables of s, as one sorted ", "-separated
 * string, schema_version left out. */
static int
catalogue_tables(struct store *s, struct buf *out)
{
	struct db_stmt *st = NULL;
	const char *sql;
	int rc;

	sql = s->db->drv->dialect == DB_DIALECT_SQLITE ?
	    "SELECT name FROM sqlite_master WHERE type = 'table' "
	    "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
	    "AND name <> 'schema_version' ORDER BY name" :
	    "SELECT table_name FROM information_schema.tables "
	    "WHERE table_schema = current_schema() "
	    "AND table_type = 'BASE TABLE' "
	    "AND table_name <> 'schema_version' ORDER BY table_name";
	buf_reset(out);
	if ((rc = store_stmt_prepare(s, sql, &st)) != 0)
		goto out;
	while ((rc = store_stmt_step(s, st)) == 1) {
		if (out->len > 0)
			buf_adds(out, ", ");
		buf_adds(out, db_col_text(st, 0) ? db_col_text(st, 0) : "");
	}
out:
	db_finalize(st);
	return rc;
}

/* The catalogue's columns of table t of s, in order, ", "-separated. */
static int
catalogue_cols(struct store *s, const char *t, struct buf *out)
{
	struct db_stmt *st = NULL;
	const char *sql;
	int rc;

	sql = s->db->drv->dialect == DB_DIALECT_SQLITE ?
	    "SELECT name FROM pragma_table_info($1) ORDER BY cid" :
	    "SELECT column_name FROM information_schema.columns "
	    "WHERE table_schema = current_schema() AND table_name = $1 "
	    "ORDER BY ordinal_position";
	buf_reset(out);
	if ((rc = store_stmt_prepare(s, sql, &st)) != 0)
		goto out;
	db_bind_text(st, 1, t);
	while ((rc = store_stmt_step(s, st)) == 1) {
		if (out->len > 0)
			buf_adds(out, ", ");
		buf_adds(out, db_col_text(st, 0) ? db_col_text(st, 0) : "");
	}
out:
	db_finalize(st);
	return rc;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int
store_copy_check_schema(struct store *s, char *err, size_t errlen)
{
	const char *names[NTABLES];
	struct buf have, want;
	size_t i;
	int rc;

	buf_init(&have, BUF_CAP_PAGE);
	buf_init(&want, BUF_CAP_PAGE);
	for (i = 0; i < NTABLES; i++)
		names[i] = tables[i].name;
	qsort(names, NTABLES, sizeof(names[0]), cmp_names);
	for (i = 0; i < NTABLES; i++) {
		if (i > 0)
			buf_adds(&want, ", ");
		buf_adds(&want, names[i]);
	}
	if ((rc = catalogue_tables(s, &have)) != 0) {
		snprintf(err, errlen, "cannot read the database's tables");
		goto out;
	}
	rc = STORE_ERR;
	if (have.overflow || want.overflow ||
	    strcmp(have.buf, want.buf) != 0) {
		snprintf(err, errlen, "the database's tables (%.300s) are not "
		    "the ones this lookout copies", have.buf);
		goto out;
	}
	for (i = 0; i < NTABLES; i++) {
		if ((rc = catalogue_cols(s, tables[i].name, &have)) != 0) {
			snprintf(err, errlen, "cannot read the columns of "
			    "table %s", tables[i].name);
			goto out;
		}
		rc = STORE_ERR;
		if (have.overflow || strcmp(have.buf, tables[i].cols) != 0) {
			snprintf(err, errlen, "table %s has columns (%.300s), "
			    "not the ones this lookout copies",
			    tables[i].name, have.buf);
			goto out;
		}
	}
	rc = 0;
out:
	buf_release(&have);
	buf_release(&want);
	return rc;
}

/* The number of rows t's count statement finds in s. */
static int
count_rows(struct store *s, const struct table *t, int64_t now,
    int64_t *n)
{
	struct db_stmt *st = NULL;
	int rc;

	if ((rc = store_stmt_prepare(s, t->count, &st)) != 0)
		goto out;
	if (t->until_now)
		db_bind_int(st, 1, now);
	if ((rc = store_stmt_row(s, st)) == 0)
		*n = db_col_int(st, 0);
out:
	db_finalize(st);
	return rc;
}

/* Whether table t of s holds a row. */
static int
has_rows(struct store *s, const struct table *t, int *yes)
{
	struct db_stmt *st = NULL;
	int rc;

	if ((rc = store_stmt_prepare(s, t->any, &st)) != 0)
		goto out;
	if ((rc = store_stmt_step(s, st)) >= 0) {
		*yes = rc == 1;
		rc = 0;
	}
out:
	db_finalize(st);
	return rc;
}

/* A value read from the source, kept (in a batch's arena) until the
 * batch is written: column pointers last only until the next step. */
struct val {
	int		 null;
	int64_t		 i;
	const void	*p;	/* text (NUL-terminated) or blob */
	size_t		 n;
};

/* Keep the current row of from (a select of t) in v, strings and blobs
 * in a. */
static void
keep(struct arena *a, const struct table *t, struct db_stmt *from,
    struct val *v)
{
	const void *p;
	const char *text;
	size_t i, n;

	for (i = 0; t->types[i] != '\0'; i++) {
		memset(&v[i], 0, sizeof(v[i]));
		if (db_col_null(from, (int)i)) {
			v[i].null = 1;
			continue;
		}
		switch (t->types[i]) {
		case 'i':
			v[i].i = db_col_int(from, (int)i);
			break;
		case 't':
			text = db_col_text(from, (int)i);
			v[i].p = arena_strdup(a, text != NULL ? text : "");
			break;
		default:
			p = db_col_blob(from, (int)i, &n);
			v[i].p = n > 0 ? arena_memdup(a, p, n) : "";
			v[i].n = n;
			break;
		}
	}
}

/* Insert nrows kept rows of t into dst with sql, whose parameters are
 * their columns, row after row. */
static int
insert(struct store *dst, const struct table *t, const char *sql,
    const struct val *v, size_t nrows)
{
	struct db_stmt *st = NULL;
	size_t ncols = strlen(t->types), k;
	int rc, param;

	if ((rc = store_stmt_prepare(dst, sql, &st)) != 0)
		goto out;
	for (k = 0; k < nrows * ncols; k++) {
		param = (int)k + 1;
		if (v[k].null)
			db_bind_null(st, param);
		else if (t->types[k % ncols] == 'i')
			db_bind_int(st, param, v[k].i);
		else if (t->types[k % ncols] == 't')
			db_bind_text(st, param, v[k].p);
		else
			db_bind_blob(st, param, v[k].p, v[k].n);
	}
	rc = store_stmt_run(dst, st);
out:
	db_finalize(st);
	return rc;
}

/* The INSERT of COPY_BATCH rows of t at once, to be freed by the caller
 * (after dst is done with it: the driver caches it by address). */
static char *
batch_sql(const struct table *t)
{
	struct buf b;
	size_t ncols = strlen(t->types), r, c;

	buf_init(&b, BUF_CAP_PAGE);
	buf_printf(&b, "INSERT INTO %s (%s) VALUES ", t->name, t->cols);
	for (r = 0; r < COPY_BATCH; r++) {
		buf_adds(&b, r > 0 ? ", (" : "(");
		for (c = 0; c < ncols; c++)
			buf_printf(&b, "%s$%zu", c > 0 ? ", " : "",
			    r * ncols + c + 1);
		buf_addch(&b, ')');
	}
	if (b.overflow)
		fatal("store: copy: the INSERT of table %s is too long",
		    t->name);
	return buf_detach(&b, NULL);
}

/*
 * Rows go to dst COPY_BATCH at a time, in one statement: a round trip
 * to the database per batch rather than per row. The rows left at the
 * end go one by one.
 */
static int
copy_table(struct store *src, struct store *dst, const struct table *t,
    const char *sql, int64_t now, int64_t *rows)
{
	struct db_stmt *st = NULL;
	struct arena a;
	struct val *v;
	size_t ncols = strlen(t->types), nrows = 0, k;
	int rc;

	*rows = 0;
	arena_init(&a);
	v = xcalloc(st_mult(COPY_BATCH, ncols), sizeof(*v));
	if ((rc = store_stmt_prepare(src, t->select, &st)) != 0)
		goto out;
	if (t->until_now)
		db_bind_int(st, 1, now);
	while ((rc = store_stmt_step(src, st)) == 1) {
		keep(&a, t, st, &v[nrows * ncols]);
		if (++nrows < COPY_BATCH)
			continue;
		if ((rc = insert(dst, t, sql, v, nrows)) != 0)
			goto out;
		*rows += (int64_t)nrows;
		nrows = 0;
		arena_release(&a);
		arena_init(&a);
	}
	for (k = 0; rc == 0 && k < nrows; k++) {
		if ((rc = insert(dst, t, t->insert, &v[k * ncols], 1)) == 0)
			(*rows)++;
	}
out:
	db_finalize(st);
	free(v);
	arena_release(&a);
	return rc;
}

int
store_copy(struct store *src, struct store *dst, int64_t now,
    void (*fn)(const char *table, int64_t rows, void *arg), void *arg,
    char *err, size_t errlen)
{
	const struct table *t;
	char *sql[NTABLES] = { NULL };
	int64_t rows, nsrc, ndst;
	size_t i;
	int rc, tx = 0, yes, vsrc = 0, vdst = 0;

	if ((rc = store_schema_version(src, &vsrc)) != 0 ||
	    (rc = store_schema_version(dst, &vdst)) != 0) {
		snprintf(err, errlen, "cannot read the schema versions");
		goto out;
	}
	if (vsrc != vdst) {
		snprintf(err, errlen, "the source has schema version %d and "
		    "the target %d; both must be this lookout's", vsrc, vdst);
		rc = STORE_ERR;
		goto out;
	}
	if ((rc = store_copy_check_schema(src, err, errlen)) != 0 ||
	    (rc = store_copy_check_schema(dst, err, errlen)) != 0)
		goto out;
	if ((rc = store_begin(dst)) != 0) {
		snprintf(err, errlen, "cannot lock the target database");
		goto out;
	}
	tx = 1;
	for (i = 0; i < NTABLES; i++) {
		if ((rc = has_rows(dst, &tables[i], &yes)) != 0) {
			snprintf(err, errlen, "cannot read table %s of the "
			    "target database", tables[i].name);
			goto out;
		}
		if (yes) {
			snprintf(err, errlen, "the target database already "
			    "holds data (table %s is not empty); give an empty "
			    "database", tables[i].name);
			rc = STORE_CONFLICT;
			goto out;
		}
	}
	for (i = 0; i < NTABLES; i++) {
		t = &tables[i];
		sql[i] = batch_sql(t);
		if ((rc = copy_table(src, dst, t, sql[i], now, &rows)) != 0) {
			snprintf(err, errlen, "cannot copy table %s", t->name);
			goto out;
		}
		/* Nothing left behind: every row the source has, read and
		 * written. */
		if ((rc = count_rows(src, t, now, &nsrc)) != 0 ||
		    (rc = count_rows(dst, t, now, &ndst)) != 0) {
			snprintf(err, errlen, "cannot count the rows of table "
			    "%s", t->name);
			goto out;
		}
		if (nsrc != rows || ndst != rows) {
			snprintf(err, errlen, "table %s: %lld rows in the "
			    "source, %lld copied, %lld in the target",
			    t->name, (long long)nsrc, (long long)rows,
			    (long long)ndst);
			rc = STORE_ERR;
			goto out;
		}
		if (fn != NULL)
			fn(t->name, rows, arg);
	}
	tx = 0;
	if ((rc = store_commit(dst)) != 0)
		snprintf(err, errlen, "cannot commit the copy to the target "
		    "database");
out:
	if (tx)
		store_rollback(dst);
	for (i = 0; i < NTABLES; i++)
		free(sql[i]);
	return rc;
}
