/*
 * sandbox.h: what lookout serve gives up once it is running.
 *
 * serve opens everything it needs first: the config, the key, every
 * database connection of the pool, the listening socket and the TLS
 * credentials, and starts its threads. Then, as
 * kore's worker privsep and httpd's pledge do, it
 *  1. drops root for an unprivileged account (--user NAME), and
 *  2. installs a seccomp filter that allows only the system calls a
 *     running server makes; any other call kills the whole process with
 *     SIGSYS (and a kernel log line naming the call).
 *
 * The filter allows no execve, no socket, connect or bind (unless the
 * database is PostgreSQL: sandbox_allow_db_client()), no ptrace, no new
 * processes (new threads, which share the filter, are allowed:
 * libmicrohttpd starts its own inside it), no socket pairs but Unix ones
 * (one per printed sheet, handed to lookout-spawn, which runs the
 * renderer: print/sheet.h), no chmod or chown (but
 * fchmod, for SQLite's temporary files), no rename or mkdir, and no
 * executable memory. Sanitizer builds allow what their runtimes need
 * (sandbox.c).
 *
 * Linux only; the filter covers the native architecture (calls made
 * through another ABI kill the process).
 */
#ifndef LOOKOUT_SANDBOX_H
#define LOOKOUT_SANDBOX_H

#include <sys/types.h>

/* The account serve drops to, looked up before anything is opened (so
 * that a typo fails at once) and applied after. */
struct sandbox_user {
	char	name[64];
	uid_t	uid;
	gid_t	gid;
};

/* Find the account NAME. Returns 0, or -1 with a message printed: no
 * such account, or it is root. */
int	sandbox_user_lookup(struct sandbox_user *u, const char *name);

/* Become u for good: its supplementary groups, its group, then its user
 * id, real, effective and saved. Must run as root, before
 * sandbox_enter(). Verifies that root cannot be regained; returns 0, or
 * -1 with a message printed (the caller exits). */
int	sandbox_user_drop(const struct sandbox_user *u);

/*
 * Install the system-call filter on every thread of the process. After
 * this returns 0 the process cannot execute a program, start a process
 * or open a network connection (but a database client's, when allowed).
 * Returns -1 with a message printed when the kernel refuses the filter.
 *
 * The test hook: with LOOKOUT_SANDBOX_SELFTEST=execve (or =socket) in
 * the environment, the forbidden call is made right after the filter is
 * in place, so a test can see the process die of SIGSYS; should the call
 * return, sandbox_enter() fails.
 */
int	sandbox_enter(void);

/* Before sandbox_enter(): the database is a network one (PostgreSQL),
 * whose client library polls its connections and opens a new one when
 * the server went away. Allows those calls (socket and connect among
 * them) in the filter. */
void	sandbox_allow_db_client(void);

#endif
