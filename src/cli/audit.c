/*
 * lookout audit verify --data DIR
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/audit.h"
#include "util/banned.h"

static const char usage[] =
    "usage: lookout audit verify --data DIR\n"
    "\n"
    "Check the audit log's hash chain. Exits 1 and names the first bad row\n"
    "when any row was edited, inserted or deleted.\n";

int
cmd_audit(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL;
	int64_t bad = 0, rows = 0;
	struct store *s;
	struct app app;
	int c, rc;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if (strcmp(argv[1], "verify") != 0) {
		cli_error("unknown audit command '%s'", argv[1]);
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
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (dir == NULL || optind != argc) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if (app_open(&app, dir, 1) == -1)
		return 1;
	s = store_acquire(app.pool);
	c = audit_verify(&app, s, &bad, &rows);
	store_release(app.pool, s);
	app_close(&app);
	if (c == 0) {
		printf("audit log intact: %lld rows\n", (long long)rows);
		rc = 0;
	} else if (c == -1) {
		printf("audit log broken at row %lld: it was edited, inserted "
		    "or deleted (%lld rows before it verify)\n",
		    (long long)bad, (long long)rows);
		rc = 1;
	} else {
		cli_error("cannot read the audit log");
		rc = 1;
	}
	return rc;
}
