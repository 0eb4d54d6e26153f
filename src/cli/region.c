/*
 * lookout region add --data DIR --code CODE --name NAME [--parent CODE]
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/account.h"
#include "util/banned.h"

static const char usage[] =
    "usage: lookout region add --data DIR --code CODE --name NAME "
    "[--parent CODE]\n"
    "\n"
    "Add a region. Codes are lower-case letters, digits and inner hyphens,\n"
    "for example ca-bc-van.\n";

int
cmd_region(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "code", required_argument, NULL, 'c' },
		{ "name", required_argument, NULL, 'n' },
		{ "parent", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *code = NULL, *name = NULL, *parent = NULL;
	struct store *s;
	struct app app;
	int c, rc = 1;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if (strcmp(argv[1], "add") != 0) {
		cli_error("unknown region command '%s'", argv[1]);
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
		case 'c':
			code = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 'p':
			parent = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (dir == NULL || code == NULL || name == NULL || optind != argc) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if (!region_code_valid(code)) {
		cli_error("region code '%s' must be 1 to 32 lower-case letters, "
		    "digits and inner hyphens", code);
		return 1;
	}
	if (app_open(&app, dir, 1) == -1)
		return 1;
	s = store_acquire(app.pool);
	c = region_add(&app, s, 0, code, name, parent);
	if (c == ACCOUNT_BAD_REGION && parent != NULL)
		cli_error("no parent region '%s' (add it first)", parent);
	else if (c == ACCOUNT_EXISTS)
		cli_error("region '%s' already exists", code);
	else if (c != 0)
		cli_error("cannot add region '%s': %s", code,
		    account_strerror(c));
	else {
		printf("added region %s\n", code);
		rc = 0;
	}
	store_release(app.pool, s);
	app_close(&app);
	return rc;
}
