/*
 * lookout purge --data DIR
 *
 * Runs the retention purge once: removes reports and help requests
 * older than retention_months, keeping the aggregate counts, and expired
 * sessions. lookout serve runs the same purge on a thread of its own
 * (purger_start below).
 */
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/help.h"
#include "core/outbox.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const char usage[] =
    "usage: lookout purge --data DIR\n"
    "\n"
    "Destroy the reports and help requests older than retention_months\n"
    "(lookout.conf; 24 by default), keeping only the aggregate counts that\n"
    "statistics publish, and remove expired sessions. lookout serve does\n"
    "this at start and every 24 hours; safe to run while it serves.\n";

int
cmd_purge(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL;
	int64_t purged = 0;
	struct store *s;
	struct app app;
	int c;

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
	c = retention_purge(&app, s, (int64_t)time(NULL), &purged);
	store_release(app.pool, s);
	if (c != 0) {
		cli_error("cannot purge '%s': %s; nothing was removed", dir,
		    c == REPORT_UNAVAILABLE ? "the database is busy or full "
		    "(try again)" : "the reason is logged above");
		app_close(&app);
		return 1;
	}
	printf("purged %lld reports and help requests older than %d "
	    "month%s\n", (long long)purged, app.cfg.retention_months,
	    app.cfg.retention_months == 1 ? "" : "s");
	app_close(&app);
	return 0;
}

/*
 * The retention purge runs on its own thread: once at start, then every
 * 24 hours (an hour after a failure). The wait is on a condition that
 * the shutdown signals, so stopping never waits out the interval; the
 * clock is monotonic, so a change of wall-clock time moves nothing.
 */
#define PURGE_INTERVAL		(24 * 60 * 60)
#define PURGE_RETRY		(60 * 60)

struct purger {
	struct app	*app;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	int		 stop;
	pthread_t	 thread;
};

static void *
purge_loop(void *arg)
{
	struct purger *p = arg;
	struct timespec until;
	struct store *s;
	int64_t n;
	int rc;

	pthread_mutex_lock(&p->mu);
	while (!p->stop) {
		pthread_mutex_unlock(&p->mu);
		s = store_acquire(p->app->pool);
		rc = retention_purge(p->app, s, (int64_t)time(NULL), &n);
		/* The outbox's sender removes old settled messages too, but
		 * runs only when email or SMS is configured. */
		if (outbox_purge(p->app, s, (int64_t)time(NULL)) != 0)
			log_warn("outbox: cannot remove old messages; trying "
			    "again tomorrow");
		store_release(p->app->pool, s);
		if (rc != 0)
			log_error("retention: the purge failed; it runs again "
			    "in an hour");
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += rc != 0 ? PURGE_RETRY : PURGE_INTERVAL;
		pthread_mutex_lock(&p->mu);
		while (!p->stop &&
		    pthread_cond_timedwait(&p->cv, &p->mu, &until) == 0)
			;
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

struct purger *
purger_start(struct app *app)
{
	struct purger *p = xcalloc(1, sizeof(*p));
	pthread_condattr_t ca;

	p->app = app;
	pthread_mutex_init(&p->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&p->thread, NULL, purge_loop, p) != 0) {
		cli_error("cannot start the retention purge thread");
		pthread_cond_destroy(&p->cv);
		pthread_mutex_destroy(&p->mu);
		free(p);
		return NULL;
	}
	return p;
}

void
purger_stop(struct purger *p)
{
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->thread, NULL);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p);
}
