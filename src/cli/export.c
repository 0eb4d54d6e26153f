/*
 * lookout export --data DIR -o FILE [--include-sealed]
 *
 * Writes the organisation's data as JSON (core/export.h) to a new file
 * of mode 0600. It never overwrites: an export with sealed data in it
 * must not land on top of, or through a link to, something else. On any
 * failure the partial file is removed.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/account.h"
#include "core/export.h"
#include "core/report.h"
#include "util/fdio.h"
#include "util/banned.h"

static const char usage[] =
    "usage: lookout export --data DIR -o FILE [--include-sealed]\n"
    "\n"
    "Write the organisation's regions, alerts and reports to FILE as JSON.\n"
    "FILE must not exist; it is created with mode 0600. Without\n"
    "--include-sealed the export holds no sealed field (narratives, areas,\n"
    "contacts, offender and vehicle descriptions, identifiers). With it,\n"
    "those are written in plain text: the export is recorded in the audit\n"
    "log, and the file must be kept as carefully as the key. See\n"
    "docs/export.md.\n";

struct sink {
	int	 fd;
	int	 err;
};

static int
sink_write(void *arg, const char *data, size_t len)
{
	struct sink *k = arg;

	if (fd_write_all(k->fd, data, len) == -1) {
		k->err = errno;
		return -1;
	}
	return 0;
}

int
cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ "include-sealed", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *path = NULL;
	struct export_result res;
	struct sink k = { -1, 0 };
	struct store *s = NULL;
	struct auth who;
	struct app app;
	int c, rc = 1, sealed = 0;

	optind = 0;
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 'o':
			path = optarg;
			break;
		case 's':
			sealed = 1;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (dir == NULL || path == NULL || *path == '\0' || optind != argc) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if (app_open(&app, dir, 1) == -1)
		return 1;
	k.fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (k.fd == -1) {
		if (errno == EEXIST)
			cli_error("'%s' already exists; refusing to overwrite "
			    "it (choose a new file name)", path);
		else
			cli_error("cannot create '%s': %s", path,
			    strerror(errno));
		app_close(&app);
		return 1;
	}
	/* The umask may only have narrowed 0600; make it exactly that. */
	if (fchmod(k.fd, 0600) == -1) {
		cli_error("cannot set the mode of '%s': %s", path,
		    strerror(errno));
		goto out;
	}
	s = store_acquire(app.pool);
	memset(&who, 0, sizeof(who));
	who.role = ROLE_ADMIN;
	if (org_ensure(&app, s, "lookout", &who.org_id) != 0) {
		cli_error("cannot read the organisation from the database");
		goto out;
	}
	c = export_json(&app, s, &who, sealed, sink_write, &k, &res);
	if (c != 0) {
		if (k.err != 0)
			cli_error("cannot write '%s': %s", path,
			    strerror(k.err));
		else
			cli_error("cannot export: %s",
			    c == REPORT_UNAVAILABLE ? "the database is busy" :
			    "the database could not be read (see the log "
			    "above)");
		goto out;
	}
	if (fsync(k.fd) == -1) {
		cli_error("cannot write '%s': %s", path, strerror(errno));
		goto out;
	}
	printf("exported %zu reports, %zu alerts and %zu regions to %s\n",
	    res.reports, res.alerts, res.regions, path);
	if (sealed)
		fprintf(stderr, "lookout: '%s' holds sealed data in plain "
		    "text; keep it safe and delete it when done\n", path);
	rc = 0;
out:
	if (close(k.fd) == -1 && rc == 0) {
		cli_error("cannot write '%s': %s", path, strerror(errno));
		rc = 1;
	}
	if (rc != 0)
		unlink(path);
	if (s != NULL)
		store_release(app.pool, s);
	app_close(&app);
	return rc;
}
