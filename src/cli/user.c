/*
 * lookout user add --data DIR --role ROLE --name NAME [--region CODE]...
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "cli/cli.h"
#include "core/account.h"
#include "util/limits.h"
#include "util/banned.h"

static const char usage[] =
    "usage: lookout user add --data DIR --role member|outreach|admin|liaison\n"
    "                        --name NAME [--region CODE]... [--org NAME]\n"
    "\n"
    "Add an account. The password is read from standard input. Accounts\n"
    "belong to the organisation made by init unless --org names another\n"
    "(made when missing), for a network of organisations on one instance.\n";

int
cmd_user(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "role", required_argument, NULL, 'r' },
		{ "name", required_argument, NULL, 'n' },
		{ "region", required_argument, NULL, 'g' },
		{ "org", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *rolename = NULL, *name = NULL, *org = NULL;
	const char *regions[LIMIT_LIST_ITEMS];
	char pw[LIMIT_PASSWORD_BYTES + 2];
	struct store *s = NULL;
	struct app app;
	size_t nregions = 0;
	int64_t org_id, uid;
	enum role role;
	int c, rc = 1;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if (strcmp(argv[1], "add") != 0) {
		cli_error("unknown user command '%s'", argv[1]);
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	argc--;
	argv++;
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 'r':
			rolename = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 'g':
			if (nregions == LIMIT_LIST_ITEMS) {
				cli_error("at most %d regions", LIMIT_LIST_ITEMS);
				return EXIT_USAGE;
			}
			regions[nregions++] = optarg;
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
	if (dir == NULL || rolename == NULL || name == NULL ||
	    optind != argc) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if ((role = role_parse(rolename)) == 0) {
		cli_error("unknown role '%s' (use member, outreach, admin or "
		    "liaison)", rolename);
		return EXIT_USAGE;
	}
	if (cli_read_password(pw, sizeof(pw), 1) == -1)
		return 1;
	if (app_open(&app, dir, 1) == -1)
		goto wipe;
	s = store_acquire(app.pool);
	if ((c = org == NULL ? org_ensure(&app, s, "lookout", &org_id) :
	    org_named(&app, s, 0, org, &org_id)) != 0 ||
	    (c = account_create(&app, s, 0, org_id, role, name, pw, regions,
	    nregions, &uid)) != 0) {
		cli_error("cannot add the account: %s", account_strerror(c));
		goto out;
	}
	printf("added %s account %lld\n", rolename, (long long)uid);
	rc = 0;
out:
	store_release(app.pool, s);
	app_close(&app);
wipe:
	sodium_memzero(pw, sizeof(pw));
	return rc;
}
