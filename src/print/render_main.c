/*
 * lookout-sheet: draws one printed sheet (render.h). It reads the sheet
 * as JSON on its standard input to the end, draws the PDF in memory,
 * and writes the answer line and the PDF on its standard output.
 * lookout runs it (print/sheet.c); it is not meant to be run by hand.
 *
 * What it reads was written by lookout, but it is drawn from text staff
 * and members typed, by large libraries (pango, harfbuzz, freetype), so
 * the process gives up what drawing does not need before it parses
 * anything: it cannot gain privileges, write any file, open a socket,
 * start a program or another process, or run longer than
 * RENDER_CPU_SECONDS; any such call fails (or, for execve and sockets,
 * kills it). It must still read fontconfig's configuration and the
 * fonts, so it may open files for reading; where the kernel has Landlock
 * (Linux 5.13 and later), only those files and the system's libraries.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/landlock.h>
#include <seccomp.h>

#include "print/render.h"
#include "util/fdio.h"
#include "util/log.h"
#include "util/sanitizer.h"
#include "util/banned.h"

/* libseccomp's SCMP_An() macros leave datum_b to the compound literal's
 * zero fill, which clang reports under -Wextra. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define RENDER_CPU_SECONDS	30
#define RENDER_FILES		256	/* descriptors: fonts, configuration */

/* The sanitizers' runtimes trace the process at exit (sandbox.c says
 * more); their builds leave clone and ptrace alone. */
#define SANITIZER_BUILD	ASAN_BUILD

static int
deny(scmp_filter_ctx ctx, uint32_t action, int nr)
{
	return nr < 0 ? 0 : seccomp_rule_add(ctx, action, nr, 0);
}

/*
 * The filter: every call is allowed but these. Drawing needs a wide and
 * library-dependent set of calls (fontconfig, freetype, pango's threads),
 * so this is a list of what is refused rather than of what is allowed.
 */
static int
sandbox(void)
{
	static const int killed[] = {
		SCMP_SYS(execve), SCMP_SYS(execveat), SCMP_SYS(socket),
		SCMP_SYS(socketpair), SCMP_SYS(connect), SCMP_SYS(bind),
		SCMP_SYS(listen), SCMP_SYS(accept), SCMP_SYS(accept4),
		SCMP_SYS(fork), SCMP_SYS(vfork), SCMP_SYS(setuid),
		SCMP_SYS(setgid), SCMP_SYS(setreuid), SCMP_SYS(setregid),
		SCMP_SYS(setresuid), SCMP_SYS(setresgid), SCMP_SYS(mount),
		SCMP_SYS(umount2), SCMP_SYS(chroot), SCMP_SYS(pivot_root),
		SCMP_SYS(init_module), SCMP_SYS(finit_module),
		SCMP_SYS(kexec_load), SCMP_SYS(bpf), SCMP_SYS(perf_event_open),
		SCMP_SYS(keyctl), SCMP_SYS(add_key), SCMP_SYS(request_key),
		SCMP_SYS(unshare), SCMP_SYS(setns), SCMP_SYS(process_vm_readv),
		SCMP_SYS(process_vm_writev),
	};
	/* Changes to files: refused, and fontconfig copes (it only ever
	 * tries to refresh its cache). */
	static const int refused[] = {
		SCMP_SYS(unlink), SCMP_SYS(unlinkat), SCMP_SYS(rename),
		SCMP_SYS(renameat), SCMP_SYS(renameat2), SCMP_SYS(mkdir),
		SCMP_SYS(mkdirat), SCMP_SYS(rmdir), SCMP_SYS(link),
		SCMP_SYS(linkat), SCMP_SYS(symlink), SCMP_SYS(symlinkat),
		SCMP_SYS(chmod), SCMP_SYS(fchmodat), SCMP_SYS(chown),
		SCMP_SYS(fchownat), SCMP_SYS(lchown), SCMP_SYS(truncate),
		SCMP_SYS(creat), SCMP_SYS(utimensat),
	};
	static const int sanitizer_needs[] = {
		SCMP_SYS(ptrace),
	};
	scmp_filter_ctx ctx;
	size_t i;
	int rc = -1;

	if ((ctx = seccomp_init(SCMP_ACT_ALLOW)) == NULL)
		return -1;
	if (seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
	    SCMP_ACT_KILL_PROCESS) != 0)
		goto out;
	for (i = 0; i < sizeof(killed) / sizeof(killed[0]); i++)
		if (deny(ctx, SCMP_ACT_KILL_PROCESS, killed[i]) != 0)
			goto out;
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (deny(ctx, SCMP_ACT_ERRNO(EACCES), refused[i]) != 0)
			goto out;
	if (!SANITIZER_BUILD) {
		for (i = 0; i < sizeof(sanitizer_needs) /
		    sizeof(sanitizer_needs[0]); i++)
			if (deny(ctx, SCMP_ACT_KILL_PROCESS,
			    sanitizer_needs[i]) != 0)
				goto out;
		/* Threads (pango's), never processes; clone3 hides its
		 * flags from the filter, so glibc falls back to clone. */
		if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
		    SCMP_SYS(clone3), 0) != 0 ||
		    seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS,
		    SCMP_SYS(clone), 1, SCMP_A0(SCMP_CMP_MASKED_EQ,
		    CLONE_THREAD, 0)) != 0)
			goto out;
	}
	/* Files open for reading only (open's flags are its second
	 * argument, openat's its third). */
	if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(openat), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, O_ACCMODE, O_WRONLY)) != 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(openat), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, O_ACCMODE, O_RDWR)) != 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(openat), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, O_CREAT, O_CREAT)) != 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(open), 1,
	    SCMP_A1(SCMP_CMP_MASKED_EQ, O_ACCMODE, O_WRONLY)) != 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(open), 1,
	    SCMP_A1(SCMP_CMP_MASKED_EQ, O_ACCMODE, O_RDWR)) != 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(open), 1,
	    SCMP_A1(SCMP_CMP_MASKED_EQ, O_CREAT, O_CREAT)) != 0)
		goto out;
	if (seccomp_load(ctx) != 0)
		goto out;
	rc = 0;
out:
	seccomp_release(ctx);
	return rc;
}

/*
 * Landlock: of the whole file system, only fontconfig's configuration and
 * caches, the fonts and the system's libraries (gconv and GIO modules)
 * can be read, and nothing can be written. A kernel without it leaves the
 * seccomp filter alone to keep files unchanged.
 */
#define FS_ALL		((LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1)	/* ABI 1 */
#define FS_READ		(LANDLOCK_ACCESS_FS_READ_FILE | \
			 LANDLOCK_ACCESS_FS_READ_DIR | \
			 LANDLOCK_ACCESS_FS_EXECUTE)

static void
allow_read(int ruleset, const char *dir, const char *sub)
{
	struct landlock_path_beneath_attr pb;
	struct stat sb;
	char path[4096];
	int fd, n;

	if (dir == NULL || *dir != '/')
		return;
	n = snprintf(path, sizeof(path), "%s%s", dir, sub);
	if (n < 0 || (size_t)n >= sizeof(path) ||
	    (fd = open(path, O_PATH | O_CLOEXEC)) == -1)
		return;		/* not there: nothing to allow */
	memset(&pb, 0, sizeof(pb));
	/* A file takes no directory rights. */
	pb.allowed_access = fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode) ?
	    FS_READ : (FS_READ & ~(uint64_t)LANDLOCK_ACCESS_FS_READ_DIR);
	pb.parent_fd = fd;
	(void)syscall(SYS_landlock_add_rule, ruleset,
	    LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
	close(fd);
}

static int
landlock(void)
{
	static const char *const system[] = {
		"/etc/fonts", "/usr/share/fonts", "/usr/local/share/fonts",
		"/usr/share/fontconfig", "/var/cache/fontconfig", "/usr/lib",
		"/lib", "/usr/lib64", "/lib64", "/dev/urandom",
		"/etc/localtime",
	};
	struct landlock_ruleset_attr attr;
	const char *home = getenv("HOME");
	size_t i;
	int ruleset, rc;

	memset(&attr, 0, sizeof(attr));
	attr.handled_access_fs = FS_ALL;
	ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr,
	    sizeof(attr), 0);
	if (ruleset == -1)
		return errno == ENOSYS || errno == EOPNOTSUPP ? 0 : -1;
	for (i = 0; i < sizeof(system) / sizeof(system[0]); i++)
		allow_read(ruleset, system[i], "");
	/* fontconfig's per-user fonts and caches. */
	allow_read(ruleset, getenv("XDG_CACHE_HOME"), "/fontconfig");
	allow_read(ruleset, getenv("XDG_DATA_HOME"), "/fonts");
	allow_read(ruleset, getenv("XDG_CONFIG_HOME"), "/fontconfig");
	allow_read(ruleset, home, "/.cache/fontconfig");
	allow_read(ruleset, home, "/.local/share/fonts");
	allow_read(ruleset, home, "/.config/fontconfig");
	allow_read(ruleset, home, "/.fonts");
	allow_read(ruleset, home, "/.fonts.conf");
	allow_read(ruleset, getenv("FONTCONFIG_PATH"), "");
	allow_read(ruleset, getenv("FONTCONFIG_FILE"), "");
	/* The sanitizers' runtimes read /proc/self at exit. */
	if (SANITIZER_BUILD)
		allow_read(ruleset, "/proc", "");
	rc = (int)syscall(SYS_landlock_restrict_self, ruleset, 0);
	close(ruleset);
	return rc == -1 ? -1 : 0;
}

static int
limit(int what, rlim_t n)
{
	struct rlimit rl = { n, n };

	return setrlimit(what, &rl);
}

int
main(int argc, char **argv)
{
	struct buf in, pdf;
	struct arena a;
	struct sheet sh;
	char chunk[16384], line[64];
	ssize_t n;
	int pages = 0, rc = 1, len;

	(void)argv;
	if (argc != 1 || isatty(0)) {
		fputs("usage: lookout-sheet < REQUEST (run by lookout; see "
		    "lookout sheet --help)\n", stderr);
		return 2;
	}
	(void)prctl(PR_SET_NAME, "lookout-sheet", 0, 0, 0);
	(void)prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
	if (limit(RLIMIT_CPU, RENDER_CPU_SECONDS) == -1 ||
	    limit(RLIMIT_FSIZE, 0) == -1 || limit(RLIMIT_CORE, 0) == -1 ||
	    limit(RLIMIT_NOFILE, RENDER_FILES) == -1 || landlock() == -1 ||
	    sandbox() == -1) {
		log_error("sheet: the renderer cannot limit itself: %s",
		    strerror(errno));
		return 1;
	}
	arena_init(&a);
	buf_init(&in, SHEET_REQUEST_MAX);
	buf_init(&pdf, SHEET_PDF_MAX);
	for (;;) {
		n = read(0, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			log_error("sheet: cannot read the request: %s",
			    strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if (buf_add(&in, chunk, (size_t)n) == -1) {
			log_error("sheet: the request is too large");
			goto out;
		}
	}
	if (sheet_decode(in.buf, in.len, &a, &sh) == -1 ||
	    sheet_render_buf(&sh, &pdf, &pages) == -1)
		goto out;
	len = snprintf(line, sizeof(line), "%s %d %zu\n", SHEET_ANSWER_TAG,
	    pages, pdf.len);
	if (len < 0 || (size_t)len >= sizeof(line) ||
	    fd_write_all(1, line, (size_t)len) == -1 ||
	    fd_write_all(1, pdf.buf, pdf.len) == -1) {
		log_error("sheet: cannot write the PDF: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	buf_release(&in);
	buf_release(&pdf);
	arena_release(&a);
	return rc;
}
