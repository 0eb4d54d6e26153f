/*
 * lookout: bad-date reporting, alerts, screening and help requests for
 * sex-worker support organisations. main() dispatches to a subcommand.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/banned.h"

static const char usage[] =
    "usage: lookout COMMAND [OPTIONS]\n"
    "\n"
    "commands:\n"
    "  init          create a data dir and its first administrator\n"
    "  serve         serve the web pages and the API\n"
    "  user add      add an account\n"
    "  region add    add a region\n"
    "  audit verify  check the audit log's hash chain\n"
    "  import        file reports from a CSV file\n"
    "  export        write the organisation's data as JSON\n"
    "  purge         destroy reports and help requests past retention\n"
    "  backup        copy the database to a file while serving\n"
    "  restore       put a backup back into a data dir\n"
    "  sheet         write the printed bad-date sheet as a PDF\n"
    "  migrate       move an sqlite instance to postgresql\n"
    "\n"
    "Run 'lookout COMMAND --help' for a command's options.\n";

static const struct {
	const char	*name;
	int		(*fn)(int, char **);
} commands[] = {
	{ "init", cmd_init },
	{ "serve", cmd_serve },
	{ "user", cmd_user },
	{ "region", cmd_region },
	{ "audit", cmd_audit },
	{ "import", cmd_import },
	{ "export", cmd_export },
	{ "purge", cmd_purge },
	{ "backup", cmd_backup },
	{ "restore", cmd_restore },
	{ "sheet", cmd_sheet },
	{ "migrate", cmd_migrate },
};

int
main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(usage, stdout);
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "lookout: unknown command '%s'\n", argv[1]);
	fputs(usage, stderr);
	return EXIT_USAGE;
}
