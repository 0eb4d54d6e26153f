/*
 * lookout serve --data DIR [--listen HOST:PORT] [--db URL] [--user NAME]
 *     [--tls-cert FILE --tls-key FILE] [--no-sandbox]
 *
 * Serves the web pages and the API until SIGINT or SIGTERM, then stops
 * accepting, finishes the requests in flight and exits 0.
 *
 * Start-up opens everything first (config, key, database pool, socket,
 * TLS credentials, threads), then gives up what a running server does
 * not need: root, for --user's account, and every system call outside
 * the sandbox's list (sandbox.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/sandbox.h"
#include "core/app.h"
#include "core/report.h"
#include "core/outbox.h"
#include "http/http.h"
#include "notify/notify.h"
#include "print/sheet.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/buf.h"
#include "util/banned.h"

/*
 * Start-up leaves memory a serving process does not need resident: the
 * heap freed after building the screening index, which glibc keeps
 * unless asked.
 */
static void
shed_startup_memory(void)
{
	malloc_trim(0);
}

#define SERVE_ARENAS	2	/* malloc arenas: the main one and one more */

static const char usage[] =
    "usage: lookout serve --data DIR [--listen HOST:PORT] [--db URL]\n"
    "                     [--user NAME] [--tls-cert FILE --tls-key FILE]\n"
    "                     [--no-sandbox]\n"
    "\n"
    "Serve lookout from DIR (made by lookout init). The default address is\n"
    "127.0.0.1:8080; port 0 picks a free port. Ctrl-C or SIGTERM stops it\n"
    "cleanly.\n"
    "\n"
    "  --db URL         the database, in place of lookout.conf's 'db':\n"
    "                   postgresql://USER:PASSWORD@HOST:PORT/NAME\n"
    "  --user NAME      started as root: open the data dir, key and socket,\n"
    "                   then run as the account NAME (which must own DIR)\n"
    "  --tls-cert FILE  serve HTTPS (TLS 1.2 and 1.3) with this PEM\n"
    "                   certificate chain; needs --tls-key\n"
    "  --tls-key FILE   the certificate's PEM private key\n"
    "  --no-sandbox     do not install the system-call filter (debugging)\n";

/* A certificate chain or a key is a few kilobytes; this bounds a wrong
 * file. */
#define PEM_MAX		BUF_CAP_PAGE

/* Read a PEM file whole into b (initialised, empty). Returns 0, or -1
 * with a message printed. */
static int
read_pem(struct buf *b, const char *path, const char *flag)
{
	char chunk[4096];
	ssize_t n;
	int fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		cli_error("%s '%s': %s", flag, path, strerror(errno));
		return -1;
	}
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			cli_error("%s '%s': %s", flag, path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if (buf_add(b, chunk, (size_t)n) == -1) {
			cli_error("%s '%s': larger than %d bytes; is it a PEM "
			    "file?", flag, path, PEM_MAX);
			goto out;
		}
	}
	if (strstr(b->buf, "-----BEGIN ") == NULL) {
		cli_error("%s '%s': not a PEM file (no -----BEGIN line)", flag,
		    path);
		goto out;
	}
	rc = 0;
out:
	explicit_bzero(chunk, sizeof(chunk));
	close(fd);
	return rc;
}

/* Can the account we run as still write what the server writes? A data
 * dir left to root would fail later, at the first checkpoint or purge.
 * (On PostgreSQL, sqlite is 0: there is no lookout.db.) */
static int
data_dir_writable(const char *dir, const char *user, int sqlite)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/lookout.db", dir);
	if (access(dir, W_OK | X_OK) == -1 ||
	    (sqlite && access(path, R_OK | W_OK) == -1)) {
		cli_error("--user '%s' cannot write the data dir '%s': %s "
		    "(chown -R %s '%s', keeping lookout.key readable by root "
		    "only if you like)", user, dir, strerror(errno), user, dir);
		return -1;
	}
	return 0;
}

/* In the outbox's sender, right after the fork: the same account as
 * the server. */
static int
sender_init(void *arg)
{
	const struct sandbox_user *su = arg;

	return su != NULL && sandbox_user_drop(su) == -1 ? -1 : 0;
}

int
cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "db", required_argument, NULL, 'D' },
		{ "user", required_argument, NULL, 'u' },
		{ "tls-cert", required_argument, NULL, 'c' },
		{ "tls-key", required_argument, NULL, 'k' },
		{ "no-sandbox", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *listen = NULL, *user = NULL, *db = NULL;
	const char *cert_path = NULL, *key_path = NULL;
	struct http_server *srv = NULL;
	struct purger *purger = NULL;
	struct outbox_sender *sender = NULL;
	struct sandbox_user su;
	struct buf cert, key;
	struct http_tls tls;
	struct app app;
	sigset_t set;
	char err[256];
	int c, sig, sandbox = 1, rc = 1;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 'l':
			listen = optarg;
			break;
		case 'D':
			db = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		case 'c':
			cert_path = optarg;
			break;
		case 'k':
			key_path = optarg;
			break;
		case 'S':
			sandbox = 0;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (dir == NULL || optind != argc ||
	    (cert_path == NULL) != (key_path == NULL)) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	buf_init(&cert, PEM_MAX);
	buf_init(&key, PEM_MAX);
	/* The account is looked up now, so that a typo fails before
	 * anything is opened. */
	if (user != NULL && sandbox_user_lookup(&su, user) == -1)
		return EXIT_USAGE;
	if (user != NULL && geteuid() != 0) {
		cli_error("--user '%s': lookout serve must start as root to "
		    "change user (or leave out --user)", user);
		return EXIT_USAGE;
	}
	if (user == NULL && geteuid() == 0)
		log_warn("running as root; start with --user NAME to serve as "
		    "an unprivileged account");
	/* Every thread that allocates would get a malloc arena of its own
	 * (up to 8 per core), each keeping its freed memory; the requests'
	 * allocations are small and short-lived, and per-thread caches
	 * serve most of them without the arena's lock. */
	mallopt(M_ARENA_MAX, SERVE_ARENAS);
	/* Block the stop signals before any thread exists, so that every
	 * thread inherits the mask and only sigwait() below sees them. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* Past a file size limit, write() must fail with EFBIG (a full disk
	 * to SQLite, answered 503) instead of the signal killing us. */
	signal(SIGXFSZ, SIG_IGN);

	if (app_open_db(&app, dir, LIMIT_THREADS + 2, db) == -1)
		return 1;
	if (listen != NULL &&
	    config_set_listen(&app.cfg, listen, err, sizeof(err)) == -1) {
		cli_error("%s", err);
		app_close(&app);
		return EXIT_USAGE;
	}
	/* The key file may be root's alone: both are read before the
	 * privileges go. */
	if (cert_path != NULL && (read_pem(&cert, cert_path, "--tls-cert") ||
	    read_pem(&key, key_path, "--tls-key")))
		goto out;
	/* Cookies are Secure when this server speaks TLS, or when it sits
	 * behind a proxy that does (public_url says https). */
	if (cert_path != NULL ||
	    strncmp(app.cfg.public_url, "https://", 8) == 0)
		app.cfg.tls = 1;
	/* Listening starts before the index is built, so that an alert
	 * another node publishes meanwhile is not missed. */
	if (screen_follow_open(&app) == -1) {
		cli_error("cannot listen to the database for other nodes' "
		    "alerts (is postgresql up, and does it allow one more "
		    "connection?)");
		goto out;
	}
	{
		struct store *s = store_acquire(app.pool);

		c = screen_index_build(&app, s);
		store_release(app.pool, s);
		if (c != 0) {
			cli_error("cannot build the screening index");
			goto out;
		}
	}
	tls.cert_pem = cert.buf;
	tls.key_pem = key.buf;
	/* The outbox's sender is a process of its own, forked before any
	 * thread exists; it drops root as we do (notify.h says why). */
	if ((sender = outbox_sender_start(&app, sender_init,
	    user != NULL ? &su : NULL)) == NULL ||
	    metrics_add_source(outbox_metrics_render) == -1)
		goto out;
	/* Bound now, while this may still be root; no connection is taken
	 * until the sandbox is in place (http_server_run below). */
	srv = http_server_open(&app, app.cfg.listen_host,
	    app.cfg.listen_port);
	if (srv == NULL)
		goto out;
	if ((purger = purger_start(&app)) == NULL)
		goto out;
	if (screen_follow_start() == -1)
		goto out;

	shed_startup_memory();

	/* Every file, socket and thread the server uses is open: give up
	 * root, then every other system call. */
	if (user != NULL && (sandbox_user_drop(&su) == -1 ||
	    data_dir_writable(dir, user, app.cfg.db[0] == '\0') == -1))
		goto out;
	/* The printed sheet is drawn by programs that the filter would
	 * keep serve from starting: lookout-spawn starts them (as the
	 * account serve runs as). */
	sheet_spawner_start();
	if (app.cfg.db[0] != '\0')
		sandbox_allow_db_client();
	if (sandbox && sandbox_enter() == -1)
		goto out;
	if (!sandbox)
		log_warn("--no-sandbox: serving without the system-call "
		    "filter");
	if (http_server_run(srv, cert_path != NULL ? &tls : NULL) == -1)
		goto out;

	printf("listening on %s://%s:%d\n", cert_path != NULL ? "https" :
	    "http", app.cfg.listen_host, http_server_port(srv));
	fflush(stdout);
	log_info("serving %s", dir);

	if (sigwait(&set, &sig) != 0)
		sig = SIGTERM;
	log_info("%s received; finishing requests in flight",
	    sig == SIGINT ? "SIGINT" : "SIGTERM");
	rc = 0;
out:
	if (purger != NULL)
		purger_stop(purger);
	if (srv != NULL)
		http_server_stop(srv);
	outbox_sender_stop(sender);
	sheet_spawner_stop();
	screen_follow_stop();
	screen_index_free();
	account_cache_clear();
	app_close(&app);
	buf_release(&cert);
	buf_wipe(&key);
	if (rc == 0)
		log_info("stopped cleanly");
	return rc;
}
