/*
 * migrations.c: the schema, as numbered migrations.
 *
 * Every column type of every table is in this file. Migration SQL is
 * portable except for types, which it spells as tokens expanded per
 * dialect from the table below:
 *
 *   token   SQLite    PostgreSQL  why
 *   @INT    INTEGER   BIGINT      int64 ids and times; in SQLite an
 *                                 "INTEGER PRIMARY KEY" is the rowid,
 *                                 the fastest key it has
 *   @BLOB   BLOB      BYTEA       hashes and sealed values
 *
 * Apart from types, the SQL sticks to what both accept: CHECK, REFERENCES
 * ... ON DELETE CASCADE, CREATE INDEX, length() on blobs.
 *
 * The schema_version table holds one row per applied migration. Applying
 * is one write transaction that re-reads the version under the write
 * lock, so concurrent openers (a pool, or the CLI while the server runs)
 * apply each migration exactly once and nobody sees half a schema.
 *
 * To add a migration, write its SQL below and add one line to the
 * migrations[] table. Never edit a migration that has shipped.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store/db.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/banned.h"

static const struct {
	const char	*token;
	const char	*sqlite;
	const char	*postgres;
} types[] = {
	{ "@INT",	"INTEGER",	"BIGINT" },
	{ "@BLOB",	"BLOB",		"BYTEA" },
};

static const char schema_version_sql[] =
	"CREATE TABLE IF NOT EXISTS schema_version (\n"
	"	version		@INT PRIMARY KEY,\n"
	"	applied_at	@INT NOT NULL\n"
	")";

/*
 * 1: accounts, regions, sessions, the audit log and settings. Ids are
 * positive: 0 means "none" in struct region's parent_id and struct
 * audit_row's actor_id (which is therefore not a foreign key).
 */
static const char m001_foundation[] =
	"CREATE TABLE meta (\n"
	"	key		TEXT PRIMARY KEY,\n"
	"	value		TEXT NOT NULL\n"
	");\n"
	"CREATE TABLE orgs (\n"
	"	id		@INT PRIMARY KEY CHECK (id > 0),\n"
	"	name		TEXT NOT NULL,\n"
	"	created_at	@INT NOT NULL\n"
	");\n"
	"CREATE TABLE regions (\n"
	"	id		@INT PRIMARY KEY CHECK (id > 0),\n"
	"	code		TEXT NOT NULL UNIQUE,\n"
	"	name		TEXT NOT NULL,\n"
	"	parent_id	@INT REFERENCES regions (id)\n"
	");\n"
	"CREATE INDEX regions_parent ON regions (parent_id);\n"
	"CREATE TABLE users (\n"
	"	id		@INT PRIMARY KEY CHECK (id > 0),\n"
	"	org_id		@INT NOT NULL REFERENCES orgs (id),\n"
	"	role		TEXT NOT NULL CHECK (role IN\n"
	"			    ('member', 'outreach', 'admin', 'liaison')),\n"
	"	name_hash	@BLOB NOT NULL UNIQUE\n"
	"			    CHECK (length(name_hash) = 32),\n"
	"	name_sealed	@BLOB NOT NULL,\n"
	"	pw_hash		TEXT NOT NULL,\n"
	"	status		TEXT NOT NULL CHECK (status IN\n"
	"			    ('active', 'suspended')),\n"
	"	created_at	@INT NOT NULL\n"
	");\n"
	"CREATE INDEX users_org ON users (org_id);\n"
	"CREATE TABLE user_regions (\n"
	"	user_id		@INT NOT NULL\n"
	"			    REFERENCES users (id) ON DELETE CASCADE,\n"
	"	region_id	@INT NOT NULL\n"
	"			    REFERENCES regions (id) ON DELETE CASCADE,\n"
	"	PRIMARY KEY (user_id, region_id)\n"
	");\n"
	"CREATE INDEX user_regions_region ON user_regions (region_id);\n"
	"CREATE TABLE sessions (\n"
	"	token_hash	@BLOB PRIMARY KEY\n"
	"			    CHECK (length(token_hash) = 32),\n"
	"	user_id		@INT NOT NULL\n"
	"			    REFERENCES users (id) ON DELETE CASCADE,\n"
	"	kind		TEXT NOT NULL CHECK (kind IN ('web', 'api')),\n"
	"	created_at	@INT NOT NULL,\n"
	"	expires_at	@INT NOT NULL\n"
	");\n"
	"CREATE INDEX sessions_user ON sessions (user_id);\n"
	"CREATE INDEX sessions_expires ON sessions (expires_at);\n"
	"CREATE TABLE audit (\n"
	"	seq		@INT PRIMARY KEY CHECK (seq > 0),\n"
	"	at		@INT NOT NULL,\n"
	"	actor_id	@INT NOT NULL,\n"
	"	action		TEXT NOT NULL,\n"
	"	object		TEXT NOT NULL,\n"
	"	detail		TEXT NOT NULL,\n"
	"	prev		@BLOB NOT NULL CHECK (length(prev) = 32),\n"
	"	hash		@BLOB NOT NULL CHECK (length(hash) = 32)\n"
	")";

/*
 * 2: the core loop: invites, reports and their identifiers, alerts with
 * their regions and identifiers, and feed tokens.
 *
 * Sealed columns are nullable: NULL is "not given" and, after a
 * withdrawal, "destroyed" (secure_delete overwrites the old bytes).
 * report_idents.hash is nullable for the same reason, so a withdrawn
 * report matches nothing. The hash indexes lead with hash and carry the
 * owner's id, so a screening lookup never touches the table itself.
 *
 * invites.used_by is not a foreign key: 0 means "taken while registering
 * the account it created". reports.alert_id is NULL when the report has
 * no alert. A report's owner is only owner_tag, a keyed hash.
 */
static const char m002_core_loop[] =
	"CREATE TABLE invites (\n"
	"	code_hash	@BLOB PRIMARY KEY\n"
	"			    CHECK (length(code_hash) = 32),\n"
	"	org_id		@INT NOT NULL REFERENCES orgs (id),\n"
	"	created_by	@INT NOT NULL,\n"
	"	created_at	@INT NOT NULL,\n"
	"	expires_at	@INT NOT NULL,\n"
	"	used_by		@INT,\n"
	"	used_at		@INT\n"
	");\n"
	"CREATE TABLE alerts (\n"
	"	id		@INT PRIMARY KEY CHECK (id > 0),\n"
	"	org_id		@INT NOT NULL REFERENCES orgs (id),\n"
	"	summary		TEXT NOT NULL,\n"
	"	severity	TEXT NOT NULL CHECK (severity IN\n"
	"			    ('high', 'medium', 'low')),\n"
	"	types		@INT NOT NULL,\n"
	"	issued_on	TEXT NOT NULL,\n"
	"	status		TEXT NOT NULL CHECK (status IN\n"
	"			    ('active', 'withdrawn')),\n"
	"	created_at	@INT NOT NULL\n"
	");\n"
	"CREATE INDEX alerts_status ON alerts (status, created_at);\n"
	"CREATE TABLE alert_regions (\n"
	"	alert_id	@INT NOT NULL\n"
	"			    REFERENCES alerts (id) ON DELETE CASCADE,\n"
	"	region_id	@INT NOT NULL REFERENCES regions (id),\n"
	"	PRIMARY KEY (alert_id, region_id)\n"
	");\n"
	"CREATE INDEX alert_regions_region ON alert_regions "
	    "(region_id, alert_id);\n"
	"CREATE TABLE alert_idents (\n"
	"	alert_id	@INT NOT NULL\n"
	"			    REFERENCES alerts (id) ON DELETE CASCADE,\n"
	"	seq		@INT NOT NULL CHECK (seq >= 0),\n"
	"	kind		TEXT NOT NULL CHECK (kind IN\n"
	"			    ('phone', 'email', 'plate', 'handle', "
	    "'name')),\n"
	"	hash		@BLOB CHECK (length(hash) = 32),\n"
	"	value_sealed	@BLOB,\n"
	"	PRIMARY KEY (alert_id, seq)\n"
	");\n"
	"CREATE INDEX alert_idents_hash ON alert_idents (hash, alert_id);\n"
	"CREATE TABLE reports (\n"
	"	id		@INT PRIMARY KEY CHECK (id > 0),\n"
	"	org_id		@INT NOT NULL REFERENCES orgs (id),\n"
	"	owner_tag	@BLOB NOT NULL CHECK (length(owner_tag) = 32),\n"
	"	region_id	@INT NOT NULL REFERENCES regions (id),\n"
	"	occurred_on	TEXT NOT NULL,\n"
	"	time_window	TEXT NOT NULL,\n"
	"	types		@INT NOT NULL,\n"
	"	status		TEXT NOT NULL CHECK (status IN\n"
	"			    ('held', 'new', 'alerted', 'no_alert',\n"
	"			    'attached', 'withdrawn')),\n"
	"	matched		@INT NOT NULL CHECK (matched IN (0, 1)),\n"
	"	consent_alert	@INT NOT NULL CHECK (consent_alert IN (0, 1)),\n"
	"	consent_police	TEXT NOT NULL CHECK (consent_police IN\n"
	"			    ('none', 'anonymous', 'full')),\n"
	"	consent_share	@INT NOT NULL CHECK (consent_share IN (0, 1)),\n"
	"	source		TEXT NOT NULL,\n"
	"	created_at	@INT NOT NULL,\n"
	"	alert_id	@INT\n"
	"			    REFERENCES alerts (id) ON DELETE SET NULL,\n"
	"	decision	TEXT NOT NULL,\n"
	"	area_sealed	@BLOB,\n"
	"	details_sealed	@BLOB,\n"
	"	narrative_sealed @BLOB,\n"
	"	contact_sealed	@BLOB\n"
	");\n"
	"CREATE INDEX reports_queue ON reports (org_id, status, created_at);\n"
	"CREATE INDEX reports_owner ON reports (owner_tag);\n"
	"CREATE INDEX reports_alert ON reports (alert_id);\n"
	"CREATE TABLE report_idents (\n"
	"	report_id	@INT NOT NULL\n"
	"			    REFERENCES reports (id) ON DELETE CASCADE,\n"
	"	seq		@INT NOT NULL CHECK (seq >= 0),\n"
	"	kind		TEXT NOT NULL CHECK (kind IN\n"
	"			    ('phone', 'email', 'plate', 'handle', "
	    "'name')),\n"
	"	hash		@BLOB CHECK (length(hash) = 32),\n"
	"	value_sealed	@BLOB,\n"
	"	PRIMARY KEY (report_id, seq)\n"
	");\n"
	"CREATE INDEX report_idents_hash ON report_idents (hash, report_id);\n"
	"CREATE TABLE feed_tokens (\n"
	"	user_id		@INT PRIMARY KEY\n"
	"			    REFERENCES users (id) ON DELETE CASCADE,\n"
	"	token_hash	@BLOB NOT NULL UNIQUE\n"
	"			    CHECK (length(token_hash) = 32),\n"
	"	created_at	@INT NOT NULL\n"
	")";

/*
 * 3: help requests and case work, police sharing, aggregate counters.
 *
 * cases holds both public help requests (kind 'help', found by the keyed
 * hash of their reference) and follow-ups opened from a report (kind
 * 'report'). Sealed columns are NULL once destroyed (withdrawal, purge).
 *
 * counters holds the aggregates that statistics and the transparency
 * report publish; they are not linked to any row and outlive the purge:
 *   metric		key
 *   reports		month "2026-11", region code, ""
 *   incidents		month "2026-11", type name, region code
 *   help_outcome	month, outcome name, ""
 *   police_views	quarter "2026-Q4", "", ""
 *   shared		quarter, tier (anonymous|full), ""
 *   police_incidents	quarter, "", ""
 * police_shares remembers which report was shared at which tier in which
 * quarter, so that "reports shared" counts each report once per quarter.
 */
static const char m003_help[] =
	"CREATE TABLE cases (\n"
	"	id		@INT PRIMARY KEY CHECK (id > 0),\n"
	"	org_id		@INT NOT NULL REFERENCES orgs (id),\n"
	"	kind		TEXT NOT NULL CHECK (kind IN ('help', 'report')),\n"
	"	ref_hash	@BLOB UNIQUE CHECK (length(ref_hash) = 32),\n"
	"	report_id	@INT REFERENCES reports (id) ON DELETE SET NULL,\n"
	"	method		TEXT NOT NULL CHECK (method IN\n"
	"			    ('phone', 'sms', 'email', 'dropin')),\n"
	"	language	TEXT NOT NULL,\n"
	"	needs		@INT NOT NULL,\n"
	"	danger_now	@INT NOT NULL CHECK (danger_now IN (0, 1)),\n"
	"	forced		@INT NOT NULL CHECK (forced IN (0, 1)),\n"
	"	id_held		@INT NOT NULL CHECK (id_held IN (0, 1)),\n"
	"	under_18	@INT NOT NULL CHECK (under_18 IN (0, 1)),\n"
	"	priority	@INT NOT NULL CHECK (priority BETWEEN 1 AND 4),\n"
	"	status		TEXT NOT NULL CHECK (status IN\n"
	"			    ('open', 'claimed', 'closed', 'withdrawn')),\n"
	"	assigned_to	@INT,\n"
	"	outcome		TEXT NOT NULL,\n"
	"	created_at	@INT NOT NULL,\n"
	"	updated_at	@INT NOT NULL,\n"
	"	contact_sealed	@BLOB,\n"
	"	safe_times_sealed @BLOB,\n"
	"	code_word_sealed @BLOB,\n"
	"	outcome_detail_sealed @BLOB\n"
	");\n"
	"CREATE INDEX cases_queue ON cases (org_id, status, priority, "
	    "created_at);\n"
	"CREATE INDEX cases_created ON cases (created_at);\n"
	"CREATE TABLE case_notes (\n"
	"	id		@INT PRIMARY KEY CHECK (id > 0),\n"
	"	case_id		@INT NOT NULL REFERENCES cases (id) "
	    "ON DELETE CASCADE,\n"
	"	author_id	@INT NOT NULL,\n"
	"	created_at	@INT NOT NULL,\n"
	"	note_sealed	@BLOB\n"
	");\n"
	"CREATE INDEX case_notes_case ON case_notes (case_id, created_at);\n"
	"CREATE TABLE counters (\n"
	"	metric		TEXT NOT NULL,\n"
	"	k1		TEXT NOT NULL,\n"
	"	k2		TEXT NOT NULL,\n"
	"	k3		TEXT NOT NULL,\n"
	"	n		@INT NOT NULL,\n"
	"	PRIMARY KEY (metric, k1, k2, k3)\n"
	");\n"
	"CREATE TABLE police_shares (\n"
	"	report_id	@INT NOT NULL,\n"
	"	tier		TEXT NOT NULL CHECK (tier IN "
	    "('anonymous', 'full')),\n"
	"	quarter		TEXT NOT NULL,\n"
	"	PRIMARY KEY (report_id, tier, quarter)\n"
	")";

/*
 * 4: delivery: the contacts a member chose for her alerts, and the
 * durable outbox of messages to send.
 *
 * subscriptions has one row per member who saved a choice (the regions
 * themselves stay in user_regions): her email address and phone number,
 * sealed and NULL when not chosen; keyed hashes of their normalised
 * forms, so that an SMS "STOP" or a bounce finds her without unsealing
 * every row; the language her messages are written in; and her
 * unsubscribe token, as a hash to look it up and sealed to put it in
 * each message.
 *
 * outbox has one row per message. Its recipient and its rendered text
 * are sealed. state goes from queued to sent or to failed, never back.
 * A sender claims queued rows by setting claimed_by (its own random id)
 * and claimed_until; a claim that has expired (its sender died) is free
 * to take again, so a crash leaves messages queued, not lost. user_id
 * lets a member's queued messages go with her account or her choice to
 * stop; alert_id says which alert a message carries.
 */
static const char m004_delivery[] =
	"CREATE TABLE subscriptions (\n"
	"	user_id		@INT PRIMARY KEY\n"
	"			    REFERENCES users (id) ON DELETE CASCADE,\n"
	"	email_sealed	@BLOB,\n"
	"	email_hash	@BLOB CHECK (length(email_hash) = 32),\n"
	"	sms_sealed	@BLOB,\n"
	"	sms_hash	@BLOB CHECK (length(sms_hash) = 32),\n"
	"	lang		TEXT NOT NULL,\n"
	"	unsub_hash	@BLOB NOT NULL UNIQUE\n"
	"			    CHECK (length(unsub_hash) = 32),\n"
	"	unsub_sealed	@BLOB NOT NULL,\n"
	"	created_at	@INT NOT NULL,\n"
	"	updated_at	@INT NOT NULL\n"
	");\n"
	"CREATE INDEX subscriptions_email ON subscriptions (email_hash);\n"
	"CREATE INDEX subscriptions_sms ON subscriptions (sms_hash);\n"
	"CREATE TABLE outbox (\n"
	"	id		@INT PRIMARY KEY CHECK (id > 0),\n"
	"	channel		TEXT NOT NULL CHECK (channel IN ('email', 'sms')),\n"
	"	user_id		@INT REFERENCES users (id) ON DELETE CASCADE,\n"
	"	alert_id	@INT REFERENCES alerts (id) ON DELETE SET NULL,\n"
	"	recipient_sealed @BLOB NOT NULL,\n"
	"	body_sealed	@BLOB NOT NULL,\n"
	"	state		TEXT NOT NULL CHECK (state IN\n"
	"			    ('queued', 'sent', 'failed')),\n"
	"	attempts	@INT NOT NULL CHECK (attempts >= 0),\n"
	"	next_attempt_at	@INT NOT NULL,\n"
	"	created_at	@INT NOT NULL,\n"
	"	sent_at		@INT,\n"
	"	claimed_by	@INT,\n"
	"	claimed_until	@INT\n"
	");\n"
	"CREATE INDEX outbox_due ON outbox (state, channel, next_attempt_at);\n"
	"CREATE INDEX outbox_claim ON outbox (claimed_by);\n"
	"CREATE INDEX outbox_user ON outbox (user_id);\n"
	"CREATE INDEX outbox_alert ON outbox (alert_id);\n"
	"CREATE INDEX outbox_created ON outbox (created_at)";

/*
 * 5: small outbox rows. A message for an alert is rendered when it is
 * sent, not when it is queued, so queuing an alert for many members
 * writes a few dozen bytes a member instead of a sealed rendered
 * message. Such a row has no recipient_sealed and no body_sealed (both
 * NULL): the sender opens the member's contact and unsubscribe token
 * from her subscriptions row, under their own associated data, and
 * renders the alert in lang. A message queued before this migration
 * keeps its sealed recipient and body and is sent as it was. A message
 * whose alert was withdrawn before it was sent is never sent: its state
 * becomes withdrawn. The table is rebuilt because neither database can
 * relax NOT NULL or a CHECK portably.
 */
static const char m005_small_outbox[] =
	"CREATE TABLE outbox_new (\n"
	"	id		@INT PRIMARY KEY CHECK (id > 0),\n"
	"	channel		TEXT NOT NULL CHECK (channel IN ('email', 'sms')),\n"
	"	user_id		@INT REFERENCES users (id) ON DELETE CASCADE,\n"
	"	alert_id	@INT REFERENCES alerts (id) ON DELETE SET NULL,\n"
	"	recipient_sealed @BLOB,\n"
	"	body_sealed	@BLOB,\n"
	"	state		TEXT NOT NULL CHECK (state IN\n"
	"			    ('queued', 'sent', 'failed', 'withdrawn')),\n"
	"	attempts	@INT NOT NULL CHECK (attempts >= 0),\n"
	"	next_attempt_at	@INT NOT NULL,\n"
	"	created_at	@INT NOT NULL,\n"
	"	sent_at		@INT,\n"
	"	claimed_by	@INT,\n"
	"	claimed_until	@INT,\n"
	"	lang		TEXT,\n"
	"	CHECK ((recipient_sealed IS NULL) = (body_sealed IS NULL)),\n"
	"	CHECK (body_sealed IS NOT NULL OR lang IS NOT NULL)\n"
	");\n"
	"INSERT INTO outbox_new (id, channel, user_id, alert_id,\n"
	"    recipient_sealed, body_sealed, state, attempts, next_attempt_at,\n"
	"    created_at, sent_at, claimed_by, claimed_until)\n"
	"    SELECT id, channel, user_id, alert_id, recipient_sealed,\n"
	"    body_sealed, state, attempts, next_attempt_at, created_at,\n"
	"    sent_at, claimed_by, claimed_until FROM outbox;\n"
	"DROP TABLE outbox;\n"
	"ALTER TABLE outbox_new RENAME TO outbox;\n"
	"CREATE INDEX outbox_due ON outbox (state, channel, next_attempt_at);\n"
	"CREATE INDEX outbox_claim ON outbox (claimed_by);\n"
	"CREATE INDEX outbox_user ON outbox (user_id);\n"
	"CREATE INDEX outbox_alert ON outbox (alert_id);\n"
	"CREATE INDEX outbox_created ON outbox (created_at)";

static const struct migration {
	int		 version;
	const char	*sql;
} migrations[] = {
	{ 1, m001_foundation },
	{ 2, m002_core_loop },
	{ 3, m003_help },
	{ 4, m004_delivery },
	{ 5, m005_small_outbox },
};

#define NMIGRATIONS	(sizeof(migrations) / sizeof(migrations[0]))

int
store_migration_latest(void)
{
	return migrations[NMIGRATIONS - 1].version;
}

/* Expand the type tokens of sql for dialect d into b. */
static int
expand(struct buf *b, const char *sql, enum db_dialect d)
{
	const char *p, *at;
	size_t i, n;

	buf_reset(b);
	for (p = sql; (at = strchr(p, '@')) != NULL; p = at + n) {
		buf_add(b, p, (size_t)(at - p));
		n = 0;
		for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
			n = strlen(types[i].token);
			if (strncmp(at, types[i].token, n) == 0 &&
			    !(at[n] == '_' || (at[n] >= 'A' && at[n] <= 'Z')))
				break;
		}
		if (i == sizeof(types) / sizeof(types[0])) {
			log_error("store: migration: unknown type token "
			    "'%.8s'", at);
			return -1;
		}
		buf_adds(b, d == DB_DIALECT_POSTGRES ? types[i].postgres :
		    types[i].sqlite);
	}
	buf_adds(b, p);
	return b->overflow ? -1 : 0;
}

/*
 * How many tables the database holds besides schema_version, and whether
 * schema_version is one of them. A database lookout has never opened
 * must hold no table at all: lookout's schema is never laid among
 * another program's (a postgresql URL naming the wrong database).
 */
static int
tables_present(struct db *db, int64_t *others, int64_t *ours)
{
	static const char sqlite_sql[] =
	    "SELECT COALESCE(SUM(name <> 'schema_version'), 0), "
	    "COALESCE(SUM(name = 'schema_version'), 0) FROM sqlite_master "
	    "WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'";
	static const char postgres_sql[] =
	    "SELECT COALESCE(SUM(CASE WHEN table_name <> 'schema_version' "
	    "THEN 1 ELSE 0 END), 0), "
	    "COALESCE(SUM(CASE WHEN table_name = 'schema_version' "
	    "THEN 1 ELSE 0 END), 0) FROM information_schema.tables "
	    "WHERE table_schema = current_schema() "
	    "AND table_type = 'BASE TABLE'";
	struct db_stmt *st = NULL;
	int rc;

	rc = db_prepare(db, db->drv->dialect == DB_DIALECT_POSTGRES ?
	    postgres_sql : sqlite_sql, &st);
	if (rc != 0)
		goto out;
	if ((rc = db_step(st)) == 1) {
		*others = db_col_int(st, 0);
		*ours = db_col_int(st, 1);
		rc = 0;
	} else if (rc == 0) {
		rc = STORE_ERR;
	}
out:
	db_finalize(st);
	return rc;
}

static int
current_version(struct db *db, int *version)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = db_prepare(db, "SELECT COALESCE(MAX(version), 0) "
	    "FROM schema_version", &st);
	if (rc != 0)
		goto out;
	if ((rc = db_step(st)) == 1) {
		*version = (int)db_col_int(st, 0);
		rc = 0;
	} else if (rc == 0) {
		rc = STORE_ERR;
	}
out:
	db_finalize(st);
	return rc;
}

static int
record(struct db *db, int version)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = db_prepare(db, "INSERT INTO schema_version (version, applied_at) "
	    "VALUES ($1, $2)", &st);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, version);
	db_bind_int(st, 2, (int64_t)time(NULL));
	rc = db_step(st);
	if (rc == 1)
		rc = 0;
out:
	db_finalize(st);
	return rc;
}

int
store_migrate(struct db *db, char *err, size_t errlen)
{
	struct buf b;
	int64_t others = 0, ours = 0;
	size_t i;
	int rc, cur = 0, began = 0;

	buf_init(&b, BUF_CAP_PAGE);
	for (i = 1; i < NMIGRATIONS; i++)
		if (migrations[i].version != migrations[i - 1].version + 1)
			fatal("store: migrations are not numbered 1, 2, ...");

	/*
	 * The common case, an up-to-date schema, takes no write lock, so
	 * opening never waits behind another connection's transaction. (In
	 * SQLite, CREATE TABLE IF NOT EXISTS on an existing table writes
	 * nothing.) Otherwise the version is read again under the lock.
	 */
	if ((rc = tables_present(db, &others, &ours)) != 0) {
		snprintf(err, errlen, "cannot list the database's tables");
		goto out;
	}
	if (ours == 0 && others > 0) {
		snprintf(err, errlen, "the database holds %lld tables that are "
		    "not lookout's; give lookout an empty database of its own",
		    (long long)others);
		rc = STORE_CONFLICT;
		goto out;
	}
	rc = STORE_ERR;
	if (expand(&b, schema_version_sql, db->drv->dialect) == -1 ||
	    (rc = db_exec(db, b.buf)) != 0 ||
	    (rc = current_version(db, &cur)) != 0) {
		snprintf(err, errlen, "cannot read the database schema "
		    "version (is it a lookout database?)");
		goto out;
	}
	if (cur < store_migration_latest()) {
		if ((rc = db->drv->begin(db)) != 0) {
			snprintf(err, errlen, "cannot update the database "
			    "schema: cannot lock the database");
			goto out;
		}
		began = 1;
		if ((rc = current_version(db, &cur)) != 0) {
			snprintf(err, errlen, "cannot read the database "
			    "schema version");
			goto out;
		}
	}
	if (cur > store_migration_latest()) {
		snprintf(err, errlen, "the database has schema version %d, "
		    "newer than this lookout knows (%d); upgrade lookout",
		    cur, store_migration_latest());
		log_error("store: %s", err);
		rc = STORE_ERR;
		goto out;
	}
	for (i = 0; i < NMIGRATIONS; i++) {
		if (migrations[i].version <= cur)
			continue;
		rc = STORE_ERR;
		if (expand(&b, migrations[i].sql, db->drv->dialect) == -1 ||
		    (rc = db_exec(db, b.buf)) != 0 ||
		    (rc = record(db, migrations[i].version)) != 0) {
			snprintf(err, errlen, "cannot apply database "
			    "migration %d", migrations[i].version);
			goto out;
		}
		log_info("store: applied migration %d",
		    migrations[i].version);
	}
	if (began) {
		began = 0;
		if ((rc = db->drv->commit(db)) != 0)
			snprintf(err, errlen, "cannot commit the database "
			    "schema");
	}
out:
	if (began)
		db->drv->rollback(db);
	buf_release(&b);
	return rc;
}
