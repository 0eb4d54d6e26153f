/*
 * sheet.c: the printed bad-date sheet (sheet.h): what it shows, from
 * the core, and having lookout-sheet draw it (render.h).
 *
 * A renderer is a process of its own for each sheet, spoken to over one
 * end of a Unix socket pair that is its standard input and output. The
 * command line starts it directly; lookout serve, whose filter forbids
 * execve, has lookout-spawn start it: serve hands it the other end of
 * the pair (SCM_RIGHTS) and lookout-spawn forks and executes the
 * renderer on it. lookout-spawn is a small static program, started
 * before the filter goes in, that holds no data and no database
 * connection, and reads nothing else.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/account.h"
#include "print/render.h"
#include "print/sheet.h"
#include "util/exedir.h"
#include "util/log.h"
#include "util/parse.h"
#include "util/banned.h"

extern char **environ;

/* lookout-spawn's end, in lookout serve; -1 elsewhere. Sheets are
 * printed one at a time (each renderer holds tens of megabytes of fonts
 * while it draws). */
static int spawner = -1;
static int serving;	/* no execve here: only through lookout-spawn */
static pthread_mutex_t spawner_lock = PTHREAD_MUTEX_INITIALIZER;

/* The renderer (and, with spawn set, lookout-spawn) must be there,
 * executable. */
static int
programs(char *sheet, char *spawn, size_t len)
{
	const char *missing = NULL;

	if (exe_sibling("lookout-sheet", sheet, len) == -1 ||
	    (spawn != NULL &&
	    exe_sibling("lookout-spawn", spawn, len) == -1))
		return -1;
	if (access(sheet, X_OK) == -1)
		missing = sheet;
	else if (spawn != NULL && access(spawn, X_OK) == -1)
		missing = spawn;
	if (missing != NULL) {
		log_warn("sheet: cannot run '%s': %s; no sheet can be printed "
		    "(install lookout-sheet and lookout-spawn next to "
		    "lookout, see docs/deployment.md)", missing,
		    strerror(errno));
		return -1;
	}
	return 0;
}

int
sheet_spawner_start(void)
{
	char sheet[4096], spawn[4096];
	char *argv[] = { (char *)"lookout-spawn", sheet, NULL };
	posix_spawn_file_actions_t fa;
	int sv[2], child = -1, rc;
	pid_t pid;

	serving = 1;
	if (programs(sheet, spawn, sizeof(sheet)) == -1)
		return -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1) {
		log_warn("sheet: cannot start lookout-spawn: %s; the printed "
		    "sheet will not download", strerror(errno));
		return -1;
	}
	/* Its end becomes its descriptor 3; from above 3, so that the dup
	 * clears close-on-exec. */
	child = fcntl(sv[1], F_DUPFD_CLOEXEC, 4);
	close(sv[1]);
	if (child == -1 || posix_spawn_file_actions_init(&fa) != 0) {
		log_warn("sheet: cannot start lookout-spawn: %s; the printed "
		    "sheet will not download", strerror(errno));
		if (child != -1)
			close(child);
		close(sv[0]);
		return -1;
	}
	posix_spawn_file_actions_adddup2(&fa, child, 3);
	rc = posix_spawn(&pid, spawn, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(child);
	if (rc != 0) {
		log_warn("sheet: cannot start '%s': %s; the printed sheet will "
		    "not download", spawn, strerror(rc));
		close(sv[0]);
		return -1;
	}
	spawner = sv[0];
	return 0;
}

void
sheet_spawner_stop(void)
{
	/* End of file on its socket: it exits. */
	pthread_mutex_lock(&spawner_lock);
	if (spawner != -1)
		close(spawner);
	spawner = -1;
	pthread_mutex_unlock(&spawner_lock);
}

/* A renderer through lookout-spawn: our end of its socket into *fd. */
static int
start_spawned(int *fd)
{
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr msg;
	struct iovec iov;
	struct cmsghdr *c;
	char one = 1;
	int sv[2];
	ssize_t n;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		log_error("sheet: cannot make a socket for the renderer: %s",
		    strerror(errno));
		return -1;
	}
	memset(&msg, 0, sizeof(msg));
	memset(&u, 0, sizeof(u));
	iov.iov_base = &one;
	iov.iov_len = 1;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = u.buf;
	msg.msg_controllen = sizeof(u.buf);
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &sv[1], sizeof(int));
	do
		n = sendmsg(spawner, &msg, MSG_NOSIGNAL);
	while (n == -1 && errno == EINTR);
	close(sv[1]);
	if (n != 1) {
		log_error("sheet: lookout-spawn is gone (%s); sheets cannot be "
		    "printed until lookout serve is restarted",
		    n == -1 ? strerror(errno) : "short write");
		close(sv[0]);
		return -1;
	}
	*fd = sv[0];
	return 0;
}

/* A renderer as our child (the command line). */
static int
start_child(int *fd, pid_t *pid)
{
	char sheet[4096];
	char *argv[] = { (char *)"lookout-sheet", NULL };
	posix_spawn_file_actions_t fa;
	int sv[2], rc;

	if (programs(sheet, NULL, sizeof(sheet)) == -1)
		return -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		log_error("sheet: cannot make a socket for the renderer: %s",
		    strerror(errno));
		return -1;
	}
	if ((rc = posix_spawn_file_actions_init(&fa)) == 0) {
		posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
		posix_spawn_file_actions_adddup2(&fa, sv[1], 1);
		argv[0] = sheet;
		rc = posix_spawn(pid, sheet, &fa, NULL, argv, environ);
		posix_spawn_file_actions_destroy(&fa);
	}
	close(sv[1]);
	if (rc != 0) {
		log_error("sheet: cannot start '%s': %s", sheet, strerror(rc));
		close(sv[0]);
		return -1;
	}
	*fd = sv[0];
	return 0;
}

static int
send_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Up to len bytes, fewer only at end of file; -1 on an error or the
 * time-out. */
static ssize_t
recv_full(int fd, char *p, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = recv(fd, p + got, len - got, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* The exchange on fd: the request out, the answer into out. */
static int
exchange(int fd, const struct sheet *sh, struct buf *out, int *pages)
{
	struct timeval tv = { SHEET_TIMEOUT, 0 };
	char line[64], chunk[16384];
	struct buf req;
	unsigned long long len;
	long long v, n64;
	size_t have = 0, start = out->len, tlen;
	ssize_t n;
	const char *why;
	char *nl, *sp;
	int np, rc = -1;

	buf_init(&req, SHEET_REQUEST_MAX);
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (sheet_encode(sh, &req) == -1) {
		log_error("sheet: the sheet is too large to print");
		goto out;
	}
	if (send_all(fd, req.buf, req.len) == -1 ||
	    shutdown(fd, SHUT_WR) == -1) {
		log_error("sheet: cannot hand the sheet to the renderer: %s",
		    strerror(errno));
		goto out;
	}
	/* The line, then the PDF: read the line a byte at a time, so that
	 * nothing of the PDF is read with it. */
	while (have < sizeof(line) - 1) {
		n = recv_full(fd, line + have, 1);
		if (n <= 0)
			break;
		if (line[have++] == '\n')
			break;
	}
	line[have] = '\0';
	if ((nl = strchr(line, '\n')) == NULL) {
		log_error("sheet: the renderer %s", have == 0 ?
		    "failed (see its message above)" : "said nothing whole");
		goto out;
	}
	/* "lookout-sheet PAGES LENGTH" */
	*nl = '\0';
	tlen = strlen(SHEET_ANSWER_TAG);
	if (strncmp(line, SHEET_ANSWER_TAG " ", tlen + 1) != 0 ||
	    (sp = strchr(line + tlen + 1, ' ')) == NULL) {
		log_error("sheet: the renderer's answer is not a sheet");
		goto out;
	}
	*sp = '\0';
	if (parse_int(line + tlen + 1, 1, INT_MAX, &v, &why) != 0 ||
	    parse_int(sp + 1, 1, SHEET_PDF_MAX, &n64, &why) != 0) {
		log_error("sheet: the renderer's answer is not a sheet");
		goto out;
	}
	np = (int)v;
	len = (unsigned long long)n64;
	while (len > 0) {
		n = recv_full(fd, chunk, len < sizeof(chunk) ? (size_t)len :
		    sizeof(chunk));
		if (n <= 0) {
			log_error("sheet: the renderer stopped before the end "
			    "of the PDF%s", n == -1 ? " (timed out)" : "");
			goto out;
		}
		if (buf_add(out, chunk, (size_t)n) == -1) {
			log_error("sheet: the PDF is larger than its buffer");
			goto out;
		}
		len -= (unsigned long long)n;
	}
	if (pages != NULL)
		*pages = np;
	rc = 0;
out:
	if (rc != 0)
		out->len = start;
	buf_release(&req);
	return rc;
}

int
sheet_print(const struct sheet *sh, struct buf *out, int *pages)
{
	pid_t pid = -1;
	int fd = -1, rc = -1, status;

	if (serving) {
		pthread_mutex_lock(&spawner_lock);
		if (spawner == -1)
			log_error("sheet: lookout-spawn did not start (see the "
			    "warning at start-up); no sheet can be printed");
		else if (start_spawned(&fd) == 0)
			rc = exchange(fd, sh, out, pages);
		pthread_mutex_unlock(&spawner_lock);
	} else if (start_child(&fd, &pid) == 0) {
		rc = exchange(fd, sh, out, pages);
	}
	if (fd != -1)
		close(fd);
	if (pid > 0) {
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			;
	}
	return rc;
}

/* sheet_load */

static void
date_days_ago(int days, char out[11])
{
	time_t t = time(NULL) - (time_t)days * 24 * 3600;
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 11, "%Y-%m-%d", &tm) == 0)
		snprintf(out, 11, "%s", "1970-01-01");
}

static const char *
region_name(const struct region *regs, size_t n, const char *code)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(regs[i].code, code) == 0)
			return regs[i].name;
	return code;
}

int
sheet_load(struct app *app, struct store *s, struct arena *a,
    const struct auth *who, const char *region, const char *since,
    struct sheet *sh, struct report_err *err)
{
	const char *base = app->cfg.public_url;
	struct alert *al;
	struct region *regs;
	char day[11];
	size_t n, nregs, i, j, len;
	int rc;

	memset(sh, 0, sizeof(*sh));
	sh->lang = "en";
	if (region == NULL)
		region = "";
	if (since == NULL || *since == '\0') {
		date_days_ago(SHEET_DEFAULT_DAYS, day);
		since = day;
	}
	if ((rc = alert_list_since(app, s, a, who, region, since, &al, &n,
	    err)) != 0)
		return rc;
	rc = region_list(app, s, a, &regs, &nregs);
	if (rc == ACCOUNT_UNAVAILABLE)
		return REPORT_UNAVAILABLE;
	if (rc != ACCOUNT_OK)
		return REPORT_ERR;
	for (i = 0; i < n; i++) {
		const char **names = arena_alloc(a,
		    sizeof(*names) * (al[i].nregions + 1));

		for (j = 0; j < al[i].nregions; j++)
			names[j] = region_name(regs, nregs, al[i].regions[j]);
		al[i].regions = names;
	}
	sh->region_code = arena_strdup(a, region);
	sh->region_name = *region != '\0' ?
	    region_name(regs, nregs, region) : NULL;
	sh->since = arena_strdup(a, since);
	date_days_ago(0, day);
	sh->until = arena_strdup(a, day);
	sh->alerts = al;
	sh->n = n;
	len = strlen(base);
	while (len > 0 && base[len - 1] == '/')
		len--;
	sh->report_url = arena_printf(a, "%.*s/report", (int)len, base);
	sh->url_relative = len == 0;
	sh->paper = strcmp(app->cfg.paper_size, "Letter") == 0 ?
	    SHEET_LETTER : SHEET_A4;
	return REPORT_OK;
}
