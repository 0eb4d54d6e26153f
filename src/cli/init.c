/*
 * lookout init --data DIR --admin NAME [--org NAME]
 *
 * Creates DIR (mode 0700) if needed, a fresh key in DIR/lookout.key, the
 * database DIR/lookout.db, the organisation and its first administrator.
 * It never overwrites: an existing key or database stops it.
 */
#include <errno.h>
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
    "usage: lookout init --data DIR --admin NAME [--org NAME]\n"
    "\n"
    "Create a new lookout data dir: DIR/lookout.key (keep it secret and\n"
    "back it up separately), DIR/lookout.db, and the first administrator.\n"
    "The administrator's password is read from standard input.\n";

static int
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

int
cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "admin", required_argument, NULL, 'a' },
		{ "org", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *admin = NULL, *org = "lookout";
	char keypath[4096], dbpath[4096], pw[LIMIT_PASSWORD_BYTES + 2];
	char err[512];
	struct app app;
	struct store *s = NULL;
	int64_t org_id, uid;
	int c, rc = 1, made_key = 0, made_db = 0;

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
	if ((s = store_open(dir, NULL, 1, err, sizeof(err))) == NULL) {
		cli_error("%s", err);
		goto out;
	}
	made_db = 1;
	if ((c = org_ensure(&app, s, org, &org_id)) != 0 ||
	    (c = account_create(&app, s, 0, org_id, ROLE_ADMIN, admin, pw,
	    NULL, 0, &uid)) != 0 ||
	    (c = audit_log(&app, s, 0, "init", "", "")) != 0) {
		cli_error("cannot create the first account: %s",
		    account_strerror(c));
		goto out;
	}
	printf("created %s with administrator account %lld\n", dir,
	    (long long)uid);
	rc = 0;
out:
	sodium_memzero(pw, sizeof(pw));
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
		if (made_key)
			unlink(keypath);
	}
	return rc;
}
