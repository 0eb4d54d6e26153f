/*
 * lookout import --data DIR --csv FILE [--region CODE]
 *
 * Files each row of a CSV file as a report by the organisation's staff
 * (see core/import.h for what a row becomes). Bad rows go to stderr as
 * "line N: what is wrong" and are skipped; the last line on stdout says
 * how many rows were imported and skipped.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/account.h"
#include "core/import.h"
#include "core/report.h"
#include "util/banned.h"

static const char usage[] =
    "usage: lookout import --data DIR --csv FILE [--region CODE]\n"
    "\n"
    "File each row of a CSV file as a report (source \"paper\"). The header\n"
    "row names the columns, in any order: occurred_on, region, types,\n"
    "time_window, area, phone, email, plate, handle, vehicle, offender,\n"
    "narrative, summary. Several types, phones, emails, plates or handles\n"
    "go in one cell separated by ';'. A row with a summary is published as\n"
    "an alert. --region is the region of rows that name none.\n"
    "\n"
    "Bad rows are reported as 'line N: ...' and skipped; every other row\n"
    "is imported. See docs/import.md.\n";

static void
note(void *arg, size_t line, const char *msg)
{
	(void)arg;
	fprintf(stderr, "line %zu: %s\n", line, msg);
}

int
cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "csv", required_argument, NULL, 'c' },
		{ "region", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *path = NULL, *region = NULL;
	struct import_result res;
	struct store *s = NULL;
	struct region reg;
	struct auth who;
	struct arena a;
	struct app app;
	struct csv csv;
	FILE *fp = NULL;
	int c, rc = 1;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 'c':
			path = optarg;
			break;
		case 'r':
			region = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (dir == NULL || path == NULL || optind != argc) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if (region != NULL && !region_code_valid(region)) {
		cli_error("region code '%s' must be 1 to 32 lower-case "
		    "letters, digits and inner hyphens", region);
		return 1;
	}
	if ((fp = fopen(path, "rb")) == NULL) {
		cli_error("cannot open '%s': %s", path, strerror(errno));
		return 1;
	}
	if (app_open(&app, dir, 1) == -1) {
		fclose(fp);
		return 1;
	}
	s = store_acquire(app.pool);
	arena_init(&a);
	memset(&who, 0, sizeof(who));
	who.role = ROLE_ADMIN;
	if (org_ensure(&app, s, "lookout", &who.org_id) != 0) {
		cli_error("cannot read the organisation from the database");
		goto out;
	}
	if (region != NULL) {
		c = store_region_by_code(s, &a, region, &reg);
		if (c == STORE_NOTFOUND) {
			cli_error("no region '%s' (add it with lookout region "
			    "add first)", region);
			goto out;
		} else if (c != 0) {
			cli_error("cannot read the regions from the database");
			goto out;
		}
	}
	csv_init_file(&csv, fp);
	c = import_csv(&app, s, &who, &csv, region, note, NULL, &res);
	csv_release(&csv);
	/* Publishing fed the in-memory screening index, which only a
	 * server uses. */
	screen_index_free();
	if (c == IMPORT_BAD_FILE) {
		cli_error("%s: %s; nothing was imported", path, res.err);
		goto out;
	}
	if (c == IMPORT_STOPPED)
		cli_error("%s: stopped at line %zu: %s; rows from there on "
		    "were not imported", path, res.stop_line, res.err);
	printf("imported %zu rows, skipped %zu\n", res.imported, res.skipped);
	if (res.alerts > 0)
		printf("published %zu alert%s\n", res.alerts,
		    res.alerts == 1 ? "" : "s");
	rc = c == IMPORT_OK ? 0 : 1;
out:
	arena_release(&a);
	store_release(app.pool, s);
	app_close(&app);
	fclose(fp);
	return rc;
}
