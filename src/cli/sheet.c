/*
 * lookout sheet --data DIR --region CODE [--since DATE] [--lang LANG]
 *     -o FILE [--force]
 *
 * Writes the printed bad-date sheet (print/sheet.h) to FILE as a PDF.
 *
 * The file is created with mode 0600: a sheet lists alerts that are for
 * members and staff, not for whoever else shares the machine. It is not
 * overwritten unless --force is given (last week's sheet is worth
 * keeping by mistake); with --force the new sheet is written beside it
 * and renamed over it, so the old one stays whole until the new one is,
 * and a symbolic link at FILE is replaced, never followed. The sheet is
 * rendered in memory first, so a failure leaves no file behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/account.h"
#include "core/report.h"
#include "print/sheet.h"
#include "util/fdio.h"
#include "util/i18n.h"
#include "util/banned.h"

static const char usage[] =
    "usage: lookout sheet --data DIR --region CODE [--since DATE]\n"
    "                     [--lang en|fr|zh-Hans] -o FILE.pdf [--force]\n"
    "\n"
    "Write the printed bad-date sheet of region CODE (and the regions under\n"
    "it) to FILE as a PDF: the active alerts issued on or after DATE\n"
    "(YYYY-MM-DD; default: 7 days ago), grouped by severity, on the\n"
    "paper_size of lookout.conf, in language LANG (default: en). Each page\n"
    "has a QR code to public_url/report.\n"
    "\n"
    "FILE is created with mode 0600. An existing FILE is refused unless\n"
    "--force is given; then it is replaced whole.\n";

static int
lang_known(const char *lang)
{
	size_t i;

	for (i = 0; langs[i] != NULL; i++)
		if (strcmp(langs[i], lang) == 0)
			return 1;
	return 0;
}

/* Write pdf to path: a new file, or with force a temporary file renamed
 * over path. Returns 0, or -1 with a message printed and nothing left. */
static int
save(const char *path, const struct buf *pdf, int force)
{
	char *tmp = NULL;
	size_t len;
	int fd, rc = -1;

	if (force) {
		len = strlen(path) + sizeof(".XXXXXX");
		tmp = malloc(len);
		if (tmp == NULL) {
			cli_error("out of memory");
			return -1;
		}
		snprintf(tmp, len, "%s.XXXXXX", path);
		fd = mkostemp(tmp, O_CLOEXEC);	/* mode 0600 */
	} else {
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
	}
	if (fd == -1) {
		if (errno == EEXIST && !force)
			cli_error("'%s' already exists; refusing to overwrite "
			    "it (choose a new file name, or add --force)",
			    path);
		else
			cli_error("cannot create '%s': %s", tmp ? tmp : path,
			    strerror(errno));
		free(tmp);
		return -1;
	}
	/* The umask may only have narrowed 0600; make it exactly that. */
	if (fchmod(fd, 0600) == -1 || fd_write_all(fd, pdf->buf, pdf->len) ==
	    -1 || fsync(fd) == -1) {
		cli_error("cannot write '%s': %s", tmp ? tmp : path,
		    strerror(errno));
		close(fd);
		goto out;
	}
	if (close(fd) == -1) {
		cli_error("cannot write '%s': %s", tmp ? tmp : path,
		    strerror(errno));
		goto out;
	}
	if (tmp != NULL && rename(tmp, path) == -1) {
		cli_error("cannot replace '%s': %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (rc != 0)
		unlink(tmp ? tmp : path);
	free(tmp);
	return rc;
}

int
cmd_sheet(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "region", required_argument, NULL, 'r' },
		{ "since", required_argument, NULL, 's' },
		{ "lang", required_argument, NULL, 'l' },
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *region = NULL, *since = NULL, *lang = "en";
	const char *path = NULL;
	struct report_err err;
	struct store *s = NULL;
	struct sheet sh;
	struct arena a;
	struct auth who;
	struct app app;
	struct buf pdf;
	int c, rc = 1, force = 0, pages = 0;

	optind = 0;
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 'r':
			region = optarg;
			break;
		case 's':
			since = optarg;
			break;
		case 'l':
			lang = optarg;
			break;
		case 'o':
			path = optarg;
			break;
		case 'f':
			force = 1;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (dir == NULL || region == NULL || *region == '\0' ||
	    path == NULL || *path == '\0' || optind != argc) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if (!lang_known(lang)) {
		cli_error("unknown language '%s' (use en, fr or zh-Hans)",
		    lang);
		return EXIT_USAGE;
	}
	if (app_open(&app, dir, 1) == -1)
		return 1;
	arena_init(&a);
	buf_init(&pdf, BUF_CAP_LARGE);
	s = store_acquire(app.pool);
	memset(&who, 0, sizeof(who));
	who.role = ROLE_ADMIN;
	if (org_ensure(&app, s, "lookout", &who.org_id) != 0) {
		cli_error("cannot read the organisation from the database");
		goto out;
	}
	memset(&err, 0, sizeof(err));
	c = sheet_load(&app, s, &a, &who, region, since, &sh, &err);
	if (c == REPORT_INVALID) {
		if (err.field != NULL && strcmp(err.field, "since") == 0)
			cli_error("--since '%s': give the date as YYYY-MM-DD",
			    since);
		else
			cli_error("unknown region '%s' (see lookout region "
			    "add)", region);
		goto out;
	}
	if (c != REPORT_OK) {
		cli_error("cannot read the alerts: %s",
		    c == REPORT_UNAVAILABLE ? "the database is busy" :
		    "the database could not be read (see the log above)");
		goto out;
	}
	sh.lang = lang;
	if (sheet_print(&sh, &pdf, &pages) != 0) {
		cli_error("cannot make the sheet (see the log above)");
		goto out;
	}
	if (save(path, &pdf, force) != 0)
		goto out;
	printf("wrote %zu alerts on %d page%s to %s\n", sh.n, pages,
	    pages == 1 ? "" : "s", path);
	if (sh.url_relative)
		fprintf(stderr, "lookout: public_url is not set in "
		    "lookout.conf, so the sheet's QR code holds only "
		    "'/report'; set it for a code people can scan\n");
	rc = 0;
out:
	buf_release(&pdf);
	arena_release(&a);
	if (s != NULL)
		store_release(app.pool, s);
	app_close(&app);
	return rc;
}
