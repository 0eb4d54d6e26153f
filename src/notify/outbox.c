/*
 * outbox.c: the sender process of lookout serve (notify.h): claims due
 * messages, sends each on its channel, settles them a batch at a time;
 * retries come due by themselves (core/outbox.c decides when).
 *
 * OUTBOX_SENDERS threads send at once, each over its own connections to
 * the relay and the gateway: a message spends most of its time waiting
 * for the relay's replies, and one connection would leave the rest of
 * the time unused. They share the process's one database connection
 * (the pool blocks the others while one claims or settles), so they
 * never wait on each other's locks inside the database.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "notify/curl_int.h"
#include "notify/notify.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define PURGE_EVERY	3600	/* seconds between purges of old messages */
#define MAX_CHANNELS	4

/* The server's handle on the sender. */
struct outbox_sender {
	int	wake_wr;	/* a byte wakes it; closing stops it */
	int	done_rd;	/* end of file once it has exited */
	int	ep;		/* epoll on done_rd: the server's filter
				   allows epoll_wait, not poll */
};

/* The sender's own state, in the sender process. */
struct sender {
	struct app		 app;		/* the server's, own pool */
	struct notify_channel	 ch[MAX_CHANNELS];
	size_t			 nch;
	int			 wake_rd;
	int64_t			 claimer;
	pthread_mutex_t		 mu;		/* guards the rest */
	pthread_cond_t		 cv;		/* a wake-up, or stopping */
	uint64_t		 wakes;
	int			 stopping;
	time_t			 stop_at;
};

/* One sending thread and its own connections. */
struct worker {
	struct sender		*sd;
	struct notify_channel	 ch[MAX_CHANNELS];
	size_t			 nch;
	pthread_t		 t;
};

static time_t
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static int
stopping(struct sender *sd)
{
	int v;

	pthread_mutex_lock(&sd->mu);
	v = sd->stopping;
	pthread_mutex_unlock(&sd->mu);
	return v;
}

/* Wait up to ms for the server: drains wake-ups, notices end of file,
 * and passes either on to the other threads. */
static void
wait_wake(struct sender *sd, int ms)
{
	struct pollfd pfd = { sd->wake_rd, POLLIN, 0 };
	char b[64];
	ssize_t n;

	if (stopping(sd))
		return;
	if (poll(&pfd, 1, ms) <= 0)
		return;
	while ((n = read(sd->wake_rd, b, sizeof(b))) > 0)
		;
	pthread_mutex_lock(&sd->mu);
	if (n == 0 && !sd->stopping) {
		sd->stopping = 1;
		sd->stop_at = mono_now();
	}
	sd->wakes++;
	pthread_cond_broadcast(&sd->cv);
	pthread_mutex_unlock(&sd->mu);
}

/* For a send in progress: give up once stopping for longer than the
 * grace. */
static int
cancel_send(void *arg)
{
	struct sender *sd = arg;
	int v;

	wait_wake(sd, 0);
	pthread_mutex_lock(&sd->mu);
	v = sd->stopping && mono_now() - sd->stop_at >= OUTBOX_STOP_GRACE;
	pthread_mutex_unlock(&sd->mu);
	return v;
}

/* One round over the channels; 1 when a batch came back full (more may
 * be due at once). */
static int
deliver(struct sender *sd, struct notify_channel *chs, size_t nch)
{
	struct outbox_item *items;
	struct notify_channel *ch;
	enum outbox_result *res;
	struct store *s;
	struct arena a;
	size_t i, k, n;
	int rc, full = 0;

	for (k = 0; k < nch && !stopping(sd); k++) {
		ch = &chs[k];
		arena_init(&a);
		s = store_acquire(sd->app.pool);
		rc = outbox_claim(&sd->app, s, &a, ch->name, sd->claimer,
		    OUTBOX_LEASE_SECONDS, OUTBOX_BATCH, &items, &n);
		store_release(sd->app.pool, s);
		if (rc != 0) {
			log_warn("outbox: cannot claim %s messages; trying "
			    "again shortly", ch->name);
			arena_release(&a);
			continue;
		}
		if (n == OUTBOX_BATCH)
			full = 1;
		res = arena_alloc(&a, sizeof(*res) * (n ? n : 1));
		for (i = 0; i < n && !stopping(sd); i++)
			res[i] = ch->send(ch->ctx, &items[i], cancel_send, sd);
		/* One transaction for the batch: a crash before it commits
		 * sends these i again once their lease runs out. */
		if (i > 0) {
			s = store_acquire(sd->app.pool);
			if (outbox_settle_all(&sd->app, s, items, res, i,
			    sd->claimer) != 0)
				log_warn("outbox: cannot record how %zu %s "
				    "messages went; they are sent again when "
				    "their claim runs out", i, ch->name);
			store_release(sd->app.pool, s);
		}
		/* Whatever was claimed and not sent goes back at exit
		 * (outbox_release), or when the lease runs out. */
		arena_release(&a);
	}
	return full;
}

static void
purge(struct sender *sd)
{
	struct store *s = store_acquire(sd->app.pool);

	if (outbox_purge(&sd->app, s, (int64_t)time(NULL)) != 0)
		log_warn("outbox: cannot remove old messages; trying again "
		    "in an hour");
	store_release(sd->app.pool, s);
}

/* A thread other than the first: sends until the sender stops, and
 * between full batches sleeps until a wake-up or the poll interval. */
static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct sender *sd = w->sd;
	struct timespec until;
	uint64_t seen;
	int full;

	while (!stopping(sd)) {
		pthread_mutex_lock(&sd->mu);
		seen = sd->wakes;
		pthread_mutex_unlock(&sd->mu);
		full = deliver(sd, w->ch, w->nch);
		if (full)
			continue;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += OUTBOX_POLL_SECONDS;
		pthread_mutex_lock(&sd->mu);
		while (!sd->stopping && sd->wakes == seen &&
		    pthread_cond_timedwait(&sd->cv, &sd->mu, &until) == 0)
			;
		pthread_mutex_unlock(&sd->mu);
	}
	return NULL;
}

/* Start the threads after the first, each with channels of its own; a
 * thread that cannot be made leaves fewer, not none. */
static size_t
workers_start(struct sender *sd, struct worker *w, size_t max)
{
	struct notify_channel ch;
	char err[256];
	size_t n = 0, k;

	while (n < max) {
		memset(&w[n], 0, sizeof(w[n]));
		w[n].sd = sd;
		for (k = 0; k < sd->nch; k++) {
			int rc = strcmp(sd->ch[k].name, "email") == 0 ?
			    email_channel_open(&sd->app.cfg, &ch, err,
			    sizeof(err)) :
			    sms_channel_open(&sd->app.cfg, &ch, err,
			    sizeof(err));

			if (rc == 0)
				w[n].ch[w[n].nch++] = ch;
		}
		if (w[n].nch == 0 ||
		    pthread_create(&w[n].t, NULL, worker_main, &w[n]) != 0) {
			for (k = 0; k < w[n].nch; k++)
				w[n].ch[k].free(w[n].ch[k].ctx);
			log_warn("outbox: sending over %zu connections, not "
			    "%d", n + 1, OUTBOX_SENDERS);
			break;
		}
		n++;
	}
	return n;
}

static void
workers_stop(struct sender *sd, struct worker *w, size_t n)
{
	size_t i, k;

	pthread_mutex_lock(&sd->mu);
	if (!sd->stopping) {
		sd->stopping = 1;
		sd->stop_at = mono_now();
	}
	pthread_cond_broadcast(&sd->cv);
	pthread_mutex_unlock(&sd->mu);
	for (i = 0; i < n; i++) {
		pthread_join(w[i].t, NULL);
		for (k = 0; k < w[i].nch; k++)
			w[i].ch[k].free(w[i].ch[k].ctx);
	}
}

static void __attribute__((noreturn))
sender_main(struct sender *sd, int (*child_init)(void *), void *arg)
{
	struct worker w[OUTBOX_SENDERS];
	char err[256];
	time_t last_purge = 0;
	struct store *s;
	size_t k, nw = 0;
	int code = 1;

	(void)prctl(PR_SET_NAME, "lookout-sender", 0, 0, 0);
	if (child_init != NULL && child_init(arg) != 0)
		goto out;
	/* The server's connections are its own: a connection must not be
	 * used by two processes, so the sender opens one for itself. */
	sd->app.pool = store_pool_open(sd->app.data_dir, sd->app.cfg.db, 1,
	    err, sizeof(err));
	if (sd->app.pool == NULL) {
		log_error("outbox: the sender cannot open the database: %s; "
		    "messages stay queued", err);
		goto out;
	}
	/*
	 * Its claims and settlements are its own business: no user was told
	 * they are saved. A settlement is in the log the moment it commits,
	 * with no fsync; a crash can resend only the batches in flight, and
	 * a power loss also the last settlements (docs/operations.md).
	 */
	s = store_acquire(sd->app.pool);
	if (store_relax_sync(s) != 0)
		log_warn("outbox: cannot relax the sender's syncs; sending "
		    "more slowly");
	store_release(sd->app.pool, s);
	if (notify_curl_load() != 0 ||
	    curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_error("outbox: cannot start libcurl; messages stay queued");
		goto out;
	}
	sd->claimer = random_id();
	nw = workers_start(sd, w, OUTBOX_SENDERS - 1);
	while (!stopping(sd)) {
		int full = deliver(sd, sd->ch, sd->nch);

		if (mono_now() - last_purge >= PURGE_EVERY) {
			purge(sd);
			last_purge = mono_now();
		}
		wait_wake(sd, full ? 0 : OUTBOX_POLL_SECONDS * 1000);
	}
	workers_stop(sd, w, nw);
	s = store_acquire(sd->app.pool);
	(void)outbox_release(&sd->app, s, sd->claimer);
	store_release(sd->app.pool, s);
	code = 0;
out:
	for (k = 0; k < sd->nch; k++)
		sd->ch[k].free(sd->ch[k].ctx);
	/* The database pool and the rest go with the process: _exit, so
	 * that nothing of the server's (its connections, its atexit
	 * handlers) is touched from here. */
	if (sd->app.pool != NULL)
		store_pool_close(sd->app.pool);
	keys_wipe(&sd->app.keys);
	_exit(code);
}

/* The server's wake-up: one byte; a full pipe is already a wake-up. */
static void
kick(void *arg)
{
	struct outbox_sender *sd = arg;
	char c = 1;

	(void)!write(sd->wake_wr, &c, 1);
}

struct outbox_sender *
outbox_sender_start(struct app *app, int (*child_init)(void *), void *arg)
{
	struct outbox_sender *sd = NULL;
	struct notify_channel email, sms;
	struct sender *child;
	int wake[2] = { -1, -1 }, done[2] = { -1, -1 }, rc, src = 1;
	char err[256];
	pid_t pid;

	rc = email_channel_open(&app->cfg, &email, err, sizeof(err));
	if (rc == -1) {
		fprintf(stderr, "lookout: lookout.conf: %s\n", err);
		return NULL;
	}
	if ((src = sms_channel_open(&app->cfg, &sms, err,
	    sizeof(err))) == -1) {
		fprintf(stderr, "lookout: lookout.conf: %s\n", err);
		goto fail;
	}
	if (src == 1)
		log_info("outbox: sms_gateway_url is not set; SMS alerts stay "
		    "queued until it is");
	/* Nothing to send on: no process, no libcurl, no memory spent on
	 * them (the retention purge removes old settled messages). */
	if (rc == 1 && src == 1) {
		sd = xcalloc(1, sizeof(*sd));
		sd->wake_wr = sd->done_rd = sd->ep = -1;
		return sd;
	}
	if (rc == 1)
		log_info("outbox: smtp_url is not set; email alerts stay "
		    "queued until it is");
	else if (app->cfg.public_url[0] == '\0')
		log_warn("outbox: public_url is not set; links in email point "
		    "to http://%s:%d", app->cfg.listen_host,
		    app->cfg.listen_port);
	if (outbox_counters_share() == -1 ||
	    pipe2(wake, O_CLOEXEC) == -1 || pipe2(done, O_CLOEXEC) == -1) {
		fprintf(stderr, "lookout: cannot start the outbox sender: "
		    "%s\n", strerror(errno));
		goto fail;
	}
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == -1) {
		fprintf(stderr, "lookout: cannot start the outbox sender: "
		    "%s\n", strerror(errno));
		goto fail;
	}
	if (pid == 0) {
		child = xcalloc(1, sizeof(*child));
		if (pthread_mutex_init(&child->mu, NULL) != 0 ||
		    pthread_cond_init(&child->cv, NULL) != 0)
			_exit(1);
		child->app = *app;
		child->app.pool = NULL;
		child->wake_rd = wake[0];
		close(wake[1]);
		close(done[0]);
		/* done[1] stays open, unwritten, until the sender exits. */
		(void)fcntl(child->wake_rd, F_SETFL, O_NONBLOCK);
		if (rc == 0)
			child->ch[child->nch++] = email;
		if (src == 0)
			child->ch[child->nch++] = sms;
		sender_main(child, child_init, arg);
	}
	close(wake[0]);
	close(done[1]);
	if (rc == 0)
		email.free(email.ctx);	/* the sender has its copy */
	if (src == 0)
		sms.free(sms.ctx);
	sd = xcalloc(1, sizeof(*sd));
	sd->wake_wr = wake[1];
	sd->done_rd = done[0];
	if ((sd->ep = epoll_create1(EPOLL_CLOEXEC)) != -1) {
		struct epoll_event ev = { .events = EPOLLIN };

		ev.data.fd = sd->done_rd;
		if (epoll_ctl(sd->ep, EPOLL_CTL_ADD, sd->done_rd, &ev) == -1) {
			close(sd->ep);
			sd->ep = -1;
		}
	}
	(void)fcntl(sd->wake_wr, F_SETFL, O_NONBLOCK);
	outbox_set_wake(kick, sd);
	/* Messages queued while nothing was running (a restart, lookout
	 * import) are due already: the sender looks at once. */
	kick(sd);
	return sd;
fail:
	if (rc == 0)
		email.free(email.ctx);
	if (src == 0)
		sms.free(sms.ctx);
	if (wake[0] != -1) {
		close(wake[0]);
		close(wake[1]);
	}
	if (done[0] != -1) {
		close(done[0]);
		close(done[1]);
	}
	return NULL;
}

void
outbox_sender_stop(struct outbox_sender *sd)
{
	struct epoll_event ev;
	struct timespec t0, t;
	char b[16];
	long left;
	int n;

	if (sd == NULL)
		return;
	if (sd->wake_wr == -1) {	/* none was started */
		free(sd);
		return;
	}
	outbox_set_wake(NULL, NULL);
	close(sd->wake_wr);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		left = OUTBOX_STOP_WAIT * 1000L -
		    ((t.tv_sec - t0.tv_sec) * 1000L +
		    (t.tv_nsec - t0.tv_nsec) / 1000000L);
		if (left <= 0) {
			log_warn("outbox: the sender did not stop within %d "
			    "seconds; its claims expire by themselves",
			    OUTBOX_STOP_WAIT);
			break;
		}
		/* Without the epoll fd, a blocking read still ends: the
		 * sender's stop is bounded by its grace and timeouts. */
		n = sd->ep == -1 ? 1 : epoll_wait(sd->ep, &ev, 1, (int)left);
		if (n == -1 && errno != EINTR)
			break;
		if (n > 0 && read(sd->done_rd, b, sizeof(b)) <= 0)
			break;	/* end of file: it has exited */
	}
	if (sd->ep != -1)
		close(sd->ep);
	close(sd->done_rd);
	free(sd);
}
