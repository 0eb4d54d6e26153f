/*
 * lookout serve --data DIR [--listen HOST:PORT]
 *
 * Serves the web pages and the API until SIGINT or SIGTERM, then stops
 * accepting, finishes the requests in flight and exits 0.
 */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/app.h"
#include "core/report.h"
#include "http/http.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/banned.h"

static const char usage[] =
    "usage: lookout serve --data DIR [--listen HOST:PORT]\n"
    "\n"
    "Serve lookout from DIR (made by lookout init). The default address is\n"
    "127.0.0.1:8080; port 0 picks a free port. Ctrl-C or SIGTERM stops it\n"
    "cleanly.\n";

int
cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *listen = NULL;
	struct http_server *srv;
	struct purger *purger;
	struct app app;
	sigset_t set;
	char err[256];
	int c, sig;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 'l':
			listen = optarg;
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
	/* Block the stop signals before any thread exists, so that every
	 * thread inherits the mask and only sigwait() below sees them. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (app_open(&app, dir, LIMIT_THREADS + 2) == -1)
		return 1;
	if (listen != NULL &&
	    config_set_listen(&app.cfg, listen, err, sizeof(err)) == -1) {
		cli_error("%s", err);
		app_close(&app);
		return EXIT_USAGE;
	}
	{
		struct store *s = store_acquire(app.pool);

		c = screen_index_build(&app, s);
		store_release(app.pool, s);
		if (c != 0) {
			cli_error("cannot build the screening index");
			app_close(&app);
			return 1;
		}
	}
	srv = http_server_start(&app, app.cfg.listen_host,
	    app.cfg.listen_port);
	if (srv == NULL) {
		screen_index_free();
		app_close(&app);
		return 1;
	}
	if ((purger = purger_start(&app)) == NULL) {
		http_server_stop(srv);
		screen_index_free();
		app_close(&app);
		return 1;
	}
	printf("listening on http://%s:%d\n", app.cfg.listen_host,
	    http_server_port(srv));
	fflush(stdout);
	log_info("serving %s", dir);

	if (sigwait(&set, &sig) != 0)
		sig = SIGTERM;
	log_info("%s received; finishing requests in flight",
	    sig == SIGINT ? "SIGINT" : "SIGTERM");
	purger_stop(purger);
	http_server_stop(srv);
	screen_index_free();
	app_close(&app);
	log_info("stopped cleanly");
	return 0;
}
