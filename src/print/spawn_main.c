/*
 * lookout-spawn RENDERER: starts the printed sheet's renderer for
 * lookout serve (print/sheet.c), whose system-call filter forbids
 * starting programs.
 *
 * serve starts it before the filter goes in, with one end of a Unix
 * socket pair as descriptor 3. Each message on it carries one socket
 * (SCM_RIGHTS); for each, lookout-spawn forks and executes RENDERER with
 * that socket as its standard input and output, and nothing else open
 * but standard error. End of file on descriptor 3 (serve stopped or
 * died) ends it. It reads no data but the one byte of each message,
 * holds nothing of serve's and links nothing but the C library,
 * statically (musl's where musl-gcc is installed), so that it costs an
 * idle server little; children are reaped by the kernel (SIGCHLD
 * ignored).
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "util/banned.h"

#define CONTROL_FD	3

/* Close every descriptor from lo up. */
static void
close_from(int lo)
{
	long fd, max;

#ifdef SYS_close_range
	if (syscall(SYS_close_range, (unsigned)lo, ~0U, 0) == 0)
		return;
#endif
	max = sysconf(_SC_OPEN_MAX);
	for (fd = lo; fd < (max > 0 && max < 65536 ? max : 65536); fd++)
		(void)close((int)fd);
}

/* A message on standard error (serve's log), without stdio, which would
 * be most of this program's size. */
static void
say(const char *a, const char *b)
{
	struct iovec v[3] = {
		{ (void *)"lookout-spawn: ", 15 },
		{ (void *)a, strlen(a) },
		{ (void *)b, strlen(b) },
	};

	(void)!writev(2, v, 3);
}

/* One socket from the control socket: its descriptor, 0 at end of
 * file, or -1. */
static int
receive(void)
{
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr msg;
	struct iovec iov;
	struct cmsghdr *c;
	char byte;
	ssize_t n;
	int fd;

	memset(&msg, 0, sizeof(msg));
	iov.iov_base = &byte;
	iov.iov_len = 1;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = u.buf;
	msg.msg_controllen = sizeof(u.buf);
	do
		n = recvmsg(CONTROL_FD, &msg, MSG_CMSG_CLOEXEC);
	while (n == -1 && errno == EINTR);
	if (n <= 0)
		return n == 0 ? 0 : -1;
	c = CMSG_FIRSTHDR(&msg);
	if (c == NULL || c->cmsg_level != SOL_SOCKET ||
	    c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int)))
		return -2;	/* a message without a socket: ignored */
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return fd;
}

int
main(int argc, char **argv)
{
	struct sigaction sa;
	sigset_t none;
	pid_t pid;
	int fd;

	if (argc != 2) {
		say("usage: lookout-spawn RENDERER ", "(started by lookout "
		    "serve)\n");
		return 2;
	}
	(void)prctl(PR_SET_NAME, "lookout-spawn", 0, 0, 0);
	/* Neither it nor what it runs may gain privileges. */
	(void)prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	/* Everything serve left open, but the control socket and the
	 * standard descriptors, is closed. */
	close_from(CONTROL_FD + 1);
	/* serve blocks its stop signals for its own threads; here they
	 * keep their defaults. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sa.sa_flags = SA_NOCLDWAIT;
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGINT, SIG_IGN);	/* serve decides when to stop */
	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		fd = receive();
		if (fd == 0 || fd == -1)
			return fd == 0 ? 0 : 1;
		if (fd < 0)
			continue;
		pid = fork();
		if (pid == 0) {
			if (dup2(fd, 0) == -1 || dup2(fd, 1) == -1)
				_exit(127);
			close_from(3);
			signal(SIGCHLD, SIG_DFL);
			signal(SIGINT, SIG_DFL);
			signal(SIGPIPE, SIG_DFL);
			execv(argv[1], (char *const[]){ argv[1], NULL });
			say("cannot run the renderer ", argv[1]);
			say("(is it installed next to lookout?)", "\n");
			_exit(127);
		}
		if (pid == -1)
			say("cannot start the renderer: fork failed",
			    errno == EAGAIN ? " (too many processes)\n" :
			    "\n");
		close(fd);	/* the renderer's end of file is ours too */
	}
}
