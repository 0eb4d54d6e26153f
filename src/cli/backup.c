/*
 * lookout backup --data DIR --to FILE
 * lookout restore --data DIR --from FILE [--force]
 *
 * Both go through store_backup() and store_restore(), which say how the
 * copy stays consistent while a server writes and how a restore refuses a
 * database in use. Neither needs or touches the key file: a backup made
 * on a machine without the key is as good, and a backup never carries the
 * key with it. After a restore, when the data dir has a key (or
 * LOOKOUT_KEY is set), the audit chain is verified with it, which tells
 * whether it is the key of the instance the backup came from.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/app.h"
#include "core/audit.h"
#include "core/config.h"
#include "store/store.h"
#include "util/banned.h"

static const char backup_usage[] =
    "usage: lookout backup --data DIR --to FILE\n"
    "\n"
    "Copy DIR's database to FILE, consistent as of the moment the copy\n"
    "starts, while lookout serve keeps running. FILE must not exist; it\n"
    "is created with mode 0600. The key file is not in the backup: back up\n"
    "DIR/lookout.key separately and keep it apart from the backups. See\n"
    "docs/operations.md.\n";

static const char restore_usage[] =
    "usage: lookout restore --data DIR --from FILE [--force]\n"
    "\n"
    "Restore DIR's database from FILE, a backup made by lookout backup.\n"
    "FILE's integrity and schema version are checked first. DIR is created\n"
    "if needed. An existing DIR/lookout.db is replaced only with --force,\n"
    "and never while lookout serve runs on DIR. The backup holds no key:\n"
    "copy the instance's lookout.key into DIR (mode 0600) yourself.\n";

/* DIR/lookout.conf, for 'db'. */
static int
load_config(const char *dir, struct config *cfg)
{
	char path[4096], err[512];

	config_defaults(cfg);
	snprintf(path, sizeof(path), "%s/lookout.conf", dir);
	if (config_load(cfg, path, err, sizeof(err)) == -1) {
		cli_error("%s", err);
		return -1;
	}
	return 0;
}

int
cmd_backup(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "to", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *to = NULL;
	struct store *s = NULL;
	struct config cfg;
	struct stat sb;
	char err[1024];
	int c, rc = 1;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 't':
			to = optarg;
			break;
		case 'h':
			fputs(backup_usage, stdout);
			return 0;
		default:
			fputs(backup_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (dir == NULL || to == NULL || *to == '\0' || optind != argc) {
		fputs(backup_usage, stderr);
		return EXIT_USAGE;
	}
	if (load_config(dir, &cfg) == -1)
		return 1;
	if ((s = store_open(dir, cfg.db, 0, err, sizeof(err))) == NULL) {
		cli_error("%s", err);
		return 1;
	}
	if (store_backup(s, to, err, sizeof(err)) != 0) {
		cli_error("backup failed: %s", err);
		goto out;
	}
	printf("backed up %s to %s (%lld bytes)\n", dir, to,
	    stat(to, &sb) == 0 ? (long long)sb.st_size : -1LL);
	printf("the backup holds no key: back up %s/lookout.key separately, "
	    "and keep it apart from the backups\n", dir);
	rc = 0;
out:
	store_close(s);
	return rc;
}

/* Verify the restored audit chain with the key DIR has, if it has one:
 * the chain verifies only with the key of the instance it came from. */
static int
check_key(const char *dir)
{
	char keypath[4096];
	struct stat sb;
	struct store *s;
	struct app app;
	int64_t bad = 0, rows = 0;
	int c;

	snprintf(keypath, sizeof(keypath), "%s/lookout.key", dir);
	if (getenv("LOOKOUT_KEY") == NULL && lstat(keypath, &sb) == -1) {
		printf("%s has no key: copy the instance's lookout.key there "
		    "(mode 0600) before starting lookout serve; the backup "
		    "does not hold it\n", dir);
		return 0;
	}
	if (app_open(&app, dir, 1) == -1)
		return -1;
	s = store_acquire(app.pool);
	c = audit_verify(&app, s, &bad, &rows);
	store_release(app.pool, s);
	app_close(&app);
	if (c == 0) {
		printf("the audit log (%lld rows) verifies with %s's key\n",
		    (long long)rows, dir);
		return 0;
	}
	if (c == -1)
		cli_error("the restored audit log does not verify with %s "
		    "(from row %lld): is it the key of the instance this backup "
		    "was made from?", getenv("LOOKOUT_KEY") != NULL ?
		    "LOOKOUT_KEY" : keypath, (long long)bad);
	else
		cli_error("cannot read the restored audit log");
	return -1;
}

int
cmd_restore(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "from", required_argument, NULL, 'f' },
		{ "force", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *from = NULL;
	struct config cfg;
	struct stat sb;
	char dbpath[4096], err[1024];
	int c, force = 0, made_dir = 0, rc = 1;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 'f':
			from = optarg;
			break;
		case 'F':
			force = 1;
			break;
		case 'h':
			fputs(restore_usage, stdout);
			return 0;
		default:
			fputs(restore_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (dir == NULL || from == NULL || *from == '\0' || optind != argc) {
		fputs(restore_usage, stderr);
		return EXIT_USAGE;
	}
	if (mkdir(dir, 0700) == 0)
		made_dir = 1;
	else if (errno != EEXIST) {
		cli_error("cannot create data dir '%s': %s", dir,
		    strerror(errno));
		return 1;
	}
	if (load_config(dir, &cfg) == -1)
		goto out;
	snprintf(dbpath, sizeof(dbpath), "%s/lookout.db", dir);
	if (cfg.db[0] == '\0' && !force && lstat(dbpath, &sb) == 0) {
		cli_error("'%s' already holds a database; refusing to replace "
		    "it (stop lookout serve and add --force to replace it with "
		    "the backup)", dir);
		goto out;
	}
	if (store_restore(dir, cfg.db, from, err, sizeof(err)) != 0) {
		cli_error("restore failed: %s", err);
		goto out;
	}
	made_dir = 0;
	printf("restored %s from %s\n", dbpath, from);
	rc = check_key(dir) == 0 ? 0 : 1;
out:
	/* Leave no empty dir behind a restore that did not happen. */
	if (made_dir)
		(void)rmdir(dir);
	return rc;
}
