/*
 * lookout migrate --data DIR --to postgresql://...
 *
 * Moves an instance from SQLite in DIR to an empty PostgreSQL database
 * (store_copy.h says what is copied and how), then points DIR's
 * lookout.conf at it, as init --db would have: every later command and
 * lookout serve use PostgreSQL without further ado. DIR/lookout.db stays
 * where it was, untouched, as the way back: removing the db line from
 * lookout.conf returns to it (without what was written since).
 *
 * The order keeps every failure recoverable. The SQLite database is
 * locked first, which a running server prevents, and stays locked to the
 * end, so nothing can be written to it that the copy would miss. The copy
 * is one transaction on PostgreSQL: if it fails, the target is as it was.
 * The audit chain is verified on the target with DIR's key before
 * lookout.conf is rewritten (to a new file, synced and renamed over the
 * old), so the config names PostgreSQL only once the data there is
 * complete and proven.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/app.h"
#include "core/audit.h"
#include "core/config.h"
#include "store/store.h"
#include "store/store_copy.h"
#include "util/limits.h"
#include "util/banned.h"

static const char usage[] =
    "usage: lookout migrate --data DIR --to postgresql://...\n"
    "\n"
    "Copy DIR's SQLite database to an empty PostgreSQL database, in one\n"
    "transaction, sealed values unchanged, then write 'db = URL' to\n"
    "DIR/lookout.conf (mode 0600) so that DIR uses PostgreSQL from then\n"
    "on. Stop lookout serve first. DIR/lookout.db is left as it was. The\n"
    "target is created with createdb -T template0 -E UTF8 --locale=C NAME\n"
    "and must hold no lookout data. See docs/deployment.md.\n";

static int
is_pg_url(const char *url)
{
	return strncmp(url, "postgresql://", 13) == 0 ||
	    strncmp(url, "postgres://", 11) == 0;
}

static void
progress(const char *table, int64_t rows, void *arg)
{
	(void)arg;
	printf("copied %-14s %lld rows\n", table, (long long)rows);
	fflush(stdout);
}

/* Whether line (of lookout.conf) sets key db. */
static int
sets_db(const char *line)
{
	const char *p = line;

	while (*p == ' ' || *p == '\t')
		p++;
	if (strncmp(p, "db", 2) != 0)
		return 0;
	p += 2;
	while (*p == ' ' || *p == '\t')
		p++;
	return *p == '=';
}

/*
 * Rewrite conf with "db = url" in place of its db lines (or added at the
 * end), keeping every other line. The new file is written beside it,
 * mode 0600 since the URL may hold a password, synced, and renamed over
 * it; the URL is never echoed in a message.
 */
static int
set_db(const char *dir, const char *conf, const char *url)
{
	char tmp[4200], line[LIMIT_CONF_LINE + 2];
	FILE *in = NULL, *out = NULL;
	int fd = -1, done = 0, rc = -1, dfd;

	snprintf(tmp, sizeof(tmp), "%s.migrate", conf);
	(void)unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd == -1 || fchmod(fd, 0600) == -1 ||
	    (out = fdopen(fd, "w")) == NULL) {
		cli_error("cannot write '%s': %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if ((in = fopen(conf, "re")) == NULL && errno != ENOENT) {
		cli_error("cannot read '%s': %s", conf, strerror(errno));
		goto out;
	}
	while (in != NULL && fgets(line, sizeof(line), in) != NULL) {
		if (!sets_db(line)) {
			fputs(line, out);
			if (strchr(line, '\n') == NULL)
				fputc('\n', out);
			continue;
		}
		if (!done)
			fprintf(out, "db = %s\n", url);
		done = 1;
	}
	if (in != NULL && ferror(in)) {
		cli_error("cannot read '%s': %s", conf, strerror(errno));
		goto out;
	}
	if (!done)
		fprintf(out, "# written by lookout migrate; holds the database "
		    "password\ndb = %s\n", url);
	if (fflush(out) != 0 || fsync(fileno(out)) == -1) {
		cli_error("cannot write '%s': %s", tmp, strerror(errno));
		goto out;
	}
	if (rename(tmp, conf) == -1) {
		cli_error("cannot replace '%s': %s", conf, strerror(errno));
		goto out;
	}
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		(void)fsync(dfd);
		close(dfd);
	}
	rc = 0;
out:
	if (in != NULL)
		fclose(in);
	if (out != NULL && fclose(out) != 0 && rc == 0) {
		cli_error("cannot write '%s': %s", tmp, strerror(errno));
		rc = -1;
	}
	if (fd != -1)
		close(fd);
	if (rc != 0)
		(void)unlink(tmp);
	return rc;
}

/* Verify the audit chain of s with app's key; 0 and its length, or -1
 * with a message printed. */
static int
verify(struct app *app, struct store *s, const char *which, int64_t *rows)
{
	int64_t bad = 0;
	int c;

	*rows = 0;
	c = audit_verify(app, s, &bad, rows);
	if (c == 0)
		return 0;
	if (c == -1)
		cli_error("the audit log of the %s does not verify from row "
		    "%lld (run lookout audit verify --data DIR)", which,
		    (long long)bad);
	else
		cli_error("cannot read the audit log of the %s", which);
	return -1;
}

int
cmd_migrate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "to", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *url = NULL;
	char conf[4096], err[1024];
	struct config cfg;
	struct app app;
	struct store *src = NULL, *dst = NULL;
	int64_t before, after;
	int c, rc = 1, opened = 0, locked = 0;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 't':
			url = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (dir == NULL || url == NULL || optind != argc) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	/* Checked as lookout.conf's db key will be; never echoed. */
	config_defaults(&cfg);
	if (!is_pg_url(url)) {
		cli_error("--to: expected a postgresql://USER:PASSWORD@HOST:"
		    "PORT/NAME URL");
		return EXIT_USAGE;
	}
	if (config_set(&cfg, "db", url, err, sizeof(err)) == -1) {
		cli_error("--to: %s", err);
		return EXIT_USAGE;
	}
	snprintf(conf, sizeof(conf), "%s/lookout.conf", dir);
	config_defaults(&cfg);
	if (config_load(&cfg, conf, err, sizeof(err)) == -1) {
		cli_error("%s", err);
		return 1;
	}
	if (cfg.db[0] != '\0') {
		cli_error("'%s' already uses a postgresql database (the db key "
		    "of %s); migrate copies an sqlite instance", dir, conf);
		return 1;
	}

	/* The source: DIR's SQLite database, locked to the end. */
	if (app_open_db(&app, dir, 1, "") == -1)
		return 1;
	opened = 1;
	src = store_acquire(app.pool);
	if (store_copy_lock_source(src, err, sizeof(err)) != 0) {
		cli_error("%s", err);
		goto out;
	}
	locked = 1;
	if (verify(&app, src, "sqlite database", &before) == -1)
		goto out;

	/* The target: created schema and all if it is a bare database. */
	if ((dst = store_open(dir, url, 1, err, sizeof(err))) == NULL) {
		cli_error("%s", err);
		goto out;
	}
	if (store_copy(src, dst, (int64_t)time(NULL), progress, NULL, err,
	    sizeof(err)) != 0) {
		cli_error("%s; nothing was changed", err);
		goto out;
	}
	if (verify(&app, dst, "postgresql database", &after) == -1) {
		cli_error("the copy was committed but %s still uses sqlite; "
		    "empty the postgresql database before trying again", conf);
		goto out;
	}
	if (after != before) {
		cli_error("the audit log has %lld rows in postgresql and %lld "
		    "in sqlite; %s still uses sqlite", (long long)after,
		    (long long)before, conf);
		goto out;
	}
	printf("audit log intact on postgresql: %lld rows\n",
	    (long long)after);
	if (set_db(dir, conf, url) == -1) {
		cli_error("the data is in postgresql, but %s could not be "
		    "updated: set 'db = URL' there yourself (mode 0600)", conf);
		goto out;
	}
	printf("%s now uses the postgresql database (db key of %s)\n", dir,
	    conf);
	printf("%s/lookout.db is no longer used: keep it as a backup until "
	    "you have checked the new database, then remove it\n", dir);
	rc = 0;
out:
	store_close(dst);
	if (src != NULL) {
		if (locked)
			store_rollback(src);
		store_release(app.pool, src);
	}
	if (opened)
		app_close(&app);
	return rc;
}
