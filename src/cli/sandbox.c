/*
 * sandbox.c: lookout serve's privilege drop and system-call filter
 * (sandbox.h).
 *
 * The allow list was found by running the whole integration suite (and
 * the TLS test) under strace -f, keeping the calls made after the filter
 * goes in, then with the filter in log mode until the kernel logged
 * nothing. To redo that after a change that makes new calls (outbound
 * email over libcurl will need socket, connect and name resolution),
 * build with -DLOOKOUT_SANDBOX_LOG: forbidden calls are then allowed and
 * logged ("audit: type=1326 ... syscall=N" in dmesg) instead of killing.
 */
#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <seccomp.h>

#include "cli/cli.h"
#include "cli/sandbox.h"
#include "util/log.h"
#include "util/sanitizer.h"
#include "util/banned.h"

/* libseccomp's SCMP_An() macros leave datum_b to the compound literal's
 * zero fill, which clang reports under -Wextra. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

/*
 * The sanitizers' runtimes make calls of their own at exit and in their
 * reports: LeakSanitizer stops the world with clone and ptrace, and a
 * report reads /proc/self/maps. A sanitizer build allows those too, so
 * that make check runs the whole suite with the filter in place; a
 * release build never does.
 */
#define SANITIZER_BUILD	ASAN_BUILD

#ifdef LOOKOUT_SANDBOX_LOG
#define DEFAULT_ACTION	SCMP_ACT_LOG
#else
#define DEFAULT_ACTION	SCMP_ACT_KILL_PROCESS
#endif

struct syscall {
	int		 nr;
	const char	*name;
};

#define SYS(x)	{ SCMP_SYS(x), #x }

/*
 * Allowed with any arguments. Each line names who makes the calls; the
 * calls the test suite never made are there for a path it does not
 * reach, named in the comment.
 */
static const struct syscall allowed[] = {
	/* libmicrohttpd (and GnuTLS through it): accepting on the socket
	 * opened before, connections, epoll, the eventfd that wakes its
	 * threads. It starts inside the filter (serve.c says why): it asks
	 * the listening socket its family and address, and makes each
	 * thread's epoll instance and eventfd. */
	SYS(accept4), SYS(epoll_wait), SYS(epoll_pwait), SYS(epoll_ctl),
	SYS(recvfrom), SYS(sendto), SYS(sendmsg), SYS(read), SYS(write),
	SYS(shutdown), SYS(setsockopt), SYS(close), SYS(fcntl),
	SYS(getsockopt), SYS(getsockname), SYS(epoll_create1),
	SYS(eventfd2),

	/* SQLite: reads, writes, locks (fcntl) and syncs on the database,
	 * WAL and shared-memory files opened at start, and the WAL's
	 * truncation and removal at the last close. A sort or temporary
	 * table too large for memory opens, checks (access on the temporary
	 * dir, getpid for its random name's seed) and unlinks a file in
	 * /var/tmp or /tmp; fchmod when the umask narrowed its mode; fsync
	 * for a directory. Its busy handler sleeps (clock_nanosleep). */
	SYS(openat), SYS(pread64), SYS(pwrite64), SYS(fsync),
	SYS(fdatasync), SYS(ftruncate), SYS(unlink), SYS(unlinkat),
	SYS(newfstatat), SYS(access), SYS(faccessat), SYS(fchmod),
	SYS(getpid), SYS(clock_nanosleep), SYS(nanosleep),

	/* malloc and free (mmap and mprotect are below, never executable),
	 * qsort's memory check (sysinfo), randomness for libsodium, GnuTLS
	 * and jansson's hash seed (which yields while another thread
	 * seeds). */
	SYS(brk), SYS(munmap), SYS(mremap), SYS(madvise), SYS(sysinfo),
	SYS(getrandom), SYS(sched_yield),

	/* Threads that exist already: locks and condition waits, exits. A
	 * thread created just before the filter went in may still be
	 * starting: glibc registers its robust list and rseq area, and
	 * libmicrohttpd names it (prctl PR_SET_NAME, below). */
	SYS(futex), SYS(set_robust_list), SYS(rseq), SYS(exit),
	SYS(exit_group),

	/* sigwait() in serve and the signal masks; a call interrupted by a
	 * stop and continue restarts; the clock where the vDSO falls back
	 * to the kernel; glibc's last words before abort() (writev). */
	SYS(rt_sigprocmask), SYS(rt_sigtimedwait), SYS(rt_sigreturn),
	SYS(restart_syscall), SYS(clock_gettime), SYS(gettimeofday),
	SYS(writev),
};

/*
 * PostgreSQL's client library, when serve's database is PostgreSQL
 * (sandbox_allow_db_client()): libpq waits on its connections with poll.
 * After the server went away it reconnects: a new socket (of the kinds
 * allow_db_sockets() lets through), a non-blocking connect and its
 * outcome (getsockopt), the local address (getsockname; both allowed
 * above for libmicrohttpd anyway), the account's
 * ids and Kerberos' configuration directory (getdents64) for its
 * defaults, /etc/hosts read with lseek, and DNS queries, which glibc
 * sends two at once (sendmmsg). The listener that follows other nodes
 * (a thread started before the filter) needs nothing more: poll on its
 * connection and on its stop pipe (read), and the same reconnection.
 * Found as sandbox.c's header says, with
 * tests/integration/test_pg_reconnect.py and test_multinode.py.
 */
static const struct syscall db_client[] = {
	SYS(poll), SYS(connect), SYS(getuid), SYS(geteuid),
	SYS(getdents64), SYS(lseek), SYS(sendmmsg),
};

/* Set by sandbox_allow_db_client(). */
static int db_client_allowed;

/*
 * The sanitizers' extra needs, in sanitizer builds only, found as this
 * file's header says with make check's ASAN_OPTIONS (detect_leaks=1):
 * LeakSanitizer at exit clones a tracer task (not a thread) that
 * ptraces every thread, lists /proc/self/task (open, getdents), reads
 * /proc/self/maps (lseek, readlink of /proc/self/exe), installs its
 * own handlers and alternate stacks, watches its parent (getppid) and is
 * waited for (wait4) with prctl(PR_SET_PTRACER) and friends; ASan
 * registers every thread that starts or ends (gettid, sigaltstack,
 * sched_getaffinity).
 */
static const struct syscall sanitizer_extra[] = {
	SYS(clone), SYS(ptrace), SYS(wait4), SYS(prctl), SYS(getppid),
	SYS(open), SYS(getdents), SYS(getdents64), SYS(lseek), SYS(readlink),
	SYS(readlinkat), SYS(rt_sigaction), SYS(sigaltstack), SYS(gettid),
	SYS(sched_getaffinity),
};

void
sandbox_allow_db_client(void)
{
	db_client_allowed = 1;
}

int
sandbox_user_lookup(struct sandbox_user *u, const char *name)
{
	struct passwd pw, *res = NULL;
	char sbuf[4096];
	int rc;

	memset(u, 0, sizeof(*u));
	if (strlen(name) >= sizeof(u->name)) {
		cli_error("--user '%s': the name is too long", name);
		return -1;
	}
	rc = getpwnam_r(name, &pw, sbuf, sizeof(sbuf), &res);
	if (res == NULL) {
		cli_error("--user '%s': %s", name, rc != 0 ? strerror(rc) :
		    "no such account (create one, for example with "
		    "useradd --system lookout)");
		return -1;
	}
	if (pw.pw_uid == 0) {
		cli_error("--user '%s': the account is root; name an "
		    "unprivileged account", name);
		return -1;
	}
	snprintf(u->name, sizeof(u->name), "%s", name);
	u->uid = pw.pw_uid;
	u->gid = pw.pw_gid;
	return 0;
}

int
sandbox_user_drop(const struct sandbox_user *u)
{
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;

	if (geteuid() != 0) {
		cli_error("--user '%s': lookout serve must start as root to "
		    "change user", u->name);
		return -1;
	}
	/* Groups first: setgroups and setgid need root, which setuid gives
	 * up. glibc applies each to every thread of the process. */
	if (initgroups(u->name, u->gid) == -1) {
		cli_error("--user '%s': cannot set its groups: %s", u->name,
		    strerror(errno));
		return -1;
	}
	if (setresgid(u->gid, u->gid, u->gid) == -1) {
		cli_error("--user '%s': cannot set group %lu: %s", u->name,
		    (unsigned long)u->gid, strerror(errno));
		return -1;
	}
	if (setresuid(u->uid, u->uid, u->uid) == -1) {
		cli_error("--user '%s': cannot set user %lu: %s", u->name,
		    (unsigned long)u->uid, strerror(errno));
		return -1;
	}
	/* Trust, but verify: every id is the account's, and root is gone
	 * for good. */
	if (getresuid(&ruid, &euid, &suid) == -1 ||
	    getresgid(&rgid, &egid, &sgid) == -1 ||
	    ruid != u->uid || euid != u->uid || suid != u->uid ||
	    rgid != u->gid || egid != u->gid || sgid != u->gid) {
		cli_error("--user '%s': the user and group ids did not all "
		    "change; stopping", u->name);
		return -1;
	}
	if (setuid(0) != -1 || seteuid(0) != -1 ||
	    (u->gid != 0 && (setgid(0) != -1 || setegid(0) != -1))) {
		cli_error("--user '%s': root could be regained after the "
		    "change; stopping", u->name);
		return -1;
	}
	return 0;
}

static int
allow_list(scmp_filter_ctx ctx, const struct syscall *list, size_t n)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		/* A call this architecture does not have is nothing to
		 * allow. */
		if (list[i].nr < 0)
			continue;
		if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, list[i].nr,
		    0)) != 0) {
			cli_error("sandbox: cannot allow %s: %s", list[i].name,
			    strerror(-rc));
			return -1;
		}
	}
	return 0;
}

/* mmap and mprotect, but never executable memory. */
static int
allow_memory(scmp_filter_ctx ctx)
{
	if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)) != 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)) != 0) {
		cli_error("sandbox: cannot allow mmap and mprotect");
		return -1;
	}
	return 0;
}

/* A thread may name itself, and do nothing else with prctl. */
static int
allow_thread_name(scmp_filter_ctx ctx)
{
	if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1,
	    SCMP_A0(SCMP_CMP_EQ, PR_SET_NAME)) != 0) {
		cli_error("sandbox: cannot allow naming threads");
		return -1;
	}
	return 0;
}

/*
 * New threads, never new processes: libmicrohttpd starts its threads
 * once the filter is in (serve.c). clone3
 * passes its flags in memory that a filter cannot read, so it fails
 * with ENOSYS and glibc falls back to clone, whose flags it can: only
 * a clone with CLONE_THREAD (a thread, which shares this filter) is
 * allowed.
 */
static int
allow_threads(scmp_filter_ctx ctx)
{
	if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3),
	    0) != 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
	    SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD)) != 0) {
		cli_error("sandbox: cannot allow new threads");
		return -1;
	}
	return 0;
}

/* Sockets for a database client: TCP or UDP over IP, or a Unix socket;
 * never netlink, raw or packet sockets. */
static int
allow_db_sockets(scmp_filter_ctx ctx)
{
	static const int domains[] = { AF_UNIX, AF_INET, AF_INET6 };
	size_t i;

	for (i = 0; i < sizeof(domains) / sizeof(domains[0]); i++) {
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
		    SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)domains[i])) != 0) {
			cli_error("sandbox: cannot allow database sockets");
			return -1;
		}
	}
	return 0;
}

/* A socket pair for each printed sheet (print/sheet.c): one end goes
 * to lookout-spawn, which starts the renderer on it. Unix sockets only,
 * which reach nothing outside the process until handed on. */
static int
allow_socketpair(scmp_filter_ctx ctx)
{
	if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socketpair), 1,
	    SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)AF_UNIX)) != 0) {
		cli_error("sandbox: cannot allow socket pairs");
		return -1;
	}
	return 0;
}

/* Signals to this process only: abort() and raise(). */
static int
allow_self_signals(scmp_filter_ctx ctx)
{
	scmp_datum_t pid = (scmp_datum_t)getpid();

	if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
	    SCMP_A0(SCMP_CMP_EQ, pid)) != 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(kill), 1,
	    SCMP_A0(SCMP_CMP_EQ, pid)) != 0) {
		cli_error("sandbox: cannot allow signals to itself");
		return -1;
	}
	return 0;
}

/* The test hook of sandbox.h: a forbidden call, which must not return. */
static int
selftest(void)
{
	const char *what = getenv("LOOKOUT_SANDBOX_SELFTEST");
	char *const argv[] = { (char *)"true", NULL };
	char *const envp[] = { NULL };
	int fd;

	if (what == NULL || *what == '\0')
		return 0;
	log_warn("sandbox: self-test: calling %s, which must kill the "
	    "process", what);
	if (strcmp(what, "execve") == 0) {
		execve("/bin/true", argv, envp);
	} else if (strcmp(what, "socket") == 0) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd != -1)
			close(fd);
	} else {
		cli_error("LOOKOUT_SANDBOX_SELFTEST='%s': expected execve or "
		    "socket", what);
		return -1;
	}
	cli_error("sandbox: self-test: %s returned; the filter does not "
	    "hold", what);
	return -1;
}

int
sandbox_enter(void)
{
	scmp_filter_ctx ctx;
	int rc = -1, err;

	if ((ctx = seccomp_init(DEFAULT_ACTION)) == NULL) {
		cli_error("sandbox: cannot create the system-call filter");
		return -1;
	}
	/* Every thread at once (MHD's and the purge thread exist already),
	 * and a call through a foreign ABI kills like any other. */
	if ((err = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1)) != 0 ||
	    (err = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
	    SCMP_ACT_KILL_PROCESS)) != 0) {
		cli_error("sandbox: cannot configure the filter: %s",
		    strerror(-err));
		goto out;
	}
	if (allow_list(ctx, allowed, sizeof(allowed) / sizeof(allowed[0])) ||
	    allow_memory(ctx) || allow_self_signals(ctx) ||
	    allow_thread_name(ctx) || allow_threads(ctx) ||
	    allow_socketpair(ctx) ||
	    (db_client_allowed && (allow_list(ctx, db_client,
	    sizeof(db_client) / sizeof(db_client[0])) ||
	    allow_db_sockets(ctx))) ||
	    (SANITIZER_BUILD && allow_list(ctx, sanitizer_extra,
	    sizeof(sanitizer_extra) / sizeof(sanitizer_extra[0]))))
		goto out;
	if ((err = seccomp_load(ctx)) != 0) {
		cli_error("sandbox: the kernel refused the system-call filter: "
		    "%s (run with --no-sandbox to serve without it)",
		    strerror(-err));
		goto out;
	}
	rc = selftest();
out:
	seccomp_release(ctx);
	return rc;
}
