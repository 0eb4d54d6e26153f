/*
 * lookout init --data DIR --admin NAME [--org NAME] [--db URL]
 *
 * Creates DIR (mode 0700) if needed, a fresh key in DIR/lookout.key, the
 * database DIR/lookout.db, the organisation and its first administrator.
 * It never overwrites: an existing key or database stops it.
 *
 * With --db postgresql://..., the database is that (existing, empty)
 * PostgreSQL database instead: init sets up its schema and writes
 * "db = URL" to DIR/lookout.conf, mode 0600 since the URL may hold a
 * password. A database that already holds accounts stops it. The
 * organisation and the administrator are made in one transaction, so a
 * failed init leaves no half-made instance in a database it cannot
 * delete.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/cli.h"
#include "core/account.h"
#include "core/audit.h"
#include "util/limits.h"
#include "util/banned.h"

static const char usage[] =
    "usage: lookout init --data DIR --admin NAME [--org NAME] [--db URL]\n"
    "\n"
    "Create a new lookout data dir: DIR/lookout.key (keep it secret and\n"
    "back it up separately), DIR/lookout.db, and the first administrator.\n"
    "The administrator's password is read from standard input.\n"
    "\n"
    "  --db URL   keep the data in this empty PostgreSQL database instead\n"
    "             (postgresql://USER:PASSWORD@HOST:PORT/NAME, created with\n"
    "             createdb -T template0 -E UTF8 --locale=C NAME); the URL\n"
    "             is saved in DIR/lookout.conf, mode 0600\n";

static int
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* Write DIR/lookout.conf with the db key, mode 0600, never over an
 * existing file. The URL is not echoed in any message. */
static int
write_conf(const char *path, const char *url)
{
	FILE *f;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd == -1) {
		cli_error("cannot create '%s': %s", path, strerror(errno));
		return -1;
	}
	if (fchmod(fd, 0600) == -1 || (f = fdopen(fd, "w")) == NULL) {
		cli_error("cannot write '%s': %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	fprintf(f, "# written by lookout init; holds the database password\n"
	    "db = %s\n", url);
	if (fflush(f) != 0 || fsync(fileno(f)) == -1) {
		cli_error("cannot write '%s': %s", path, strerror(errno));
		fclose(f);
		unlink(path);
		return -1;
	}
	fclose(f);
	return 0;
}

int
cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "admin", required_argument, NULL, 'a' },
		{ "org", required_argument, NULL, 'o' },
		{ "db", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *admin = NULL, *org = "lookout", *url = NULL;
	char keypath[4096], dbpath[4096], confpath[4096];
	char pw[LIMIT_PASSWORD_BYTES + 2], err[512];
	struct app app;
	struct store *s = NULL;
	int64_t org_id, uid, nusers;
	int c, rc = 1, made_key = 0, made_db = 0, made_conf = 0, tx = 0;

	memset(&app, 0, sizeof(app));
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 'a':
			admin = optarg;
			break;
		case 'o':
			org = optarg;
			break;
		case 'b':
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
	if (dir == NULL || admin == NULL || optind != argc) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if (!account_name_valid(admin)) {
		cli_error("%s", account_strerror(ACCOUNT_BAD_NAME));
		return 1;
	}
	if (getenv("LOOKOUT_KEY") != NULL) {
		/* The new data would be sealed under the variable's key while
		 * a different key is written to the key file. */
		cli_error("LOOKOUT_KEY is set; unset it to run init, which "
		    "writes a fresh key to DIR/lookout.key");
		return 1;
	}
	snprintf(keypath, sizeof(keypath), "%s/lookout.key", dir);
	snprintf(dbpath, sizeof(dbpath), "%s/lookout.db", dir);
	snprintf(confpath, sizeof(confpath), "%s/lookout.conf", dir);
	if (url != NULL && *url == '\0')
		url = NULL;
	/* Checked as lookout.conf's key will be, before anything is made. */
	config_defaults(&app.cfg);
	if (url != NULL && config_set(&app.cfg, "db", url, err,
	    sizeof(err)) == -1) {
		cli_error("--db: %s", err);
		return EXIT_USAGE;
	}
	if (url != NULL && exists(confpath)) {
		cli_error("'%s' exists; init --db writes it (move it aside, or "
		    "run init without --db and add the db key yourself)",
		    confpath);
		return 1;
	}
	if (exists(keypath) || exists(dbpath)) {
		cli_error("'%s' already holds a lookout instance; refusing to "
		    "overwrite it (choose another --data dir)", dir);
		return 1;
	}
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		cli_error("cannot create data dir '%s': %s", dir,
		    strerror(errno));
		return 1;
	}
	if (cli_read_password(pw, sizeof(pw), 1) == -1)
		return 1;
	if (!account_password_valid(pw)) {
		cli_error("%s", account_strerror(ACCOUNT_BAD_PASSWORD));
		goto out;
	}
	if (seal_init() == -1) {
		cli_error("cannot initialise libsodium");
		goto out;
	}
	app.data_dir = dir;
	config_defaults(&app.cfg);
	if (keyfile_create(keypath) == -1)
		goto out;
	made_key = 1;
	if (keys_load(&app.keys, keypath) == -1)
		goto out;
	if ((s = store_open(dir, url, 1, err, sizeof(err))) == NULL) {
		cli_error("%s", err);
		goto out;
	}
	made_db = url == NULL;
	if ((c = store_begin(s)) != 0) {
		cli_error("cannot lock the database");
		goto out;
	}
	tx = 1;
	if ((c = store_user_count(s, &nusers)) != 0) {
		cli_error("cannot read the database");
		goto out;
	}
	if (nusers > 0) {
		cli_error("the database already holds a lookout instance; "
		    "refusing to overwrite it (give an empty database)");
		goto out;
	}
	if ((c = org_ensure(&app, s, org, &org_id)) != 0 ||
	    (c = account_create(&app, s, 0, org_id, ROLE_ADMIN, admin, pw,
	    NULL, 0, &uid)) != 0 ||
	    (c = audit_log(&app, s, 0, "init", "", "")) != 0) {
		cli_error("cannot create the first account: %s",
		    account_strerror(c));
		goto out;
	}
	if (url != NULL) {
		if (write_conf(confpath, url) == -1)
			goto out;
		made_conf = 1;
	}
	tx = 0;
	if (store_commit(s) != 0) {
		cli_error("cannot commit the new instance to the database");
		goto out;
	}
	printf("created %s with administrator account %lld\n", dir,
	    (long long)uid);
	rc = 0;
out:
	sodium_memzero(pw, sizeof(pw));
	if (tx)
		store_rollback(s);
	if (s != NULL)
		store_close(s);
	keys_wipe(&app.keys);
	if (rc != 0) {
		/* Leave nothing half-made behind for the next attempt. */
		if (made_db) {
			char p[4200];

			unlink(dbpath);
			snprintf(p, sizeof(p), "%s-wal", dbpath);
			unlink(p);
			snprintf(p, sizeof(p), "%s-shm", dbpath);
			unlink(p);
		}
		if (made_conf)
			unlink(confpath);
		if (made_key)
			unlink(keypath);
	}
	return rc;
}
