#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/cli.h"
#include "util/banned.h"

void
cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("lookout: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int
read_line(const char *prompt, char *buf, size_t len)
{
	struct termios old, quiet;
	int tty = isatty(STDIN_FILENO), rc = 0;
	size_t n;

	if (tty) {
		fputs(prompt, stderr);
		fflush(stderr);
		if (tcgetattr(STDIN_FILENO, &old) == 0) {
			quiet = old;
			quiet.c_lflag &= ~(tcflag_t)ECHO;
			tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
		} else {
			tty = 0;
		}
	}
	if (fgets(buf, (int)len, stdin) == NULL) {
		cli_error("no password given on standard input");
		rc = -1;
	} else if ((n = strcspn(buf, "\r\n")) == len - 1 &&
	    buf[n] == '\0') {
		cli_error("password is too long");
		rc = -1;
	} else {
		buf[n] = '\0';
	}
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	return rc;
}

int
cli_read_password(char *buf, size_t len, int confirm)
{
	char again[512];
	int rc = 0;

	if (read_line("password: ", buf, len) == -1)
		return -1;
	if (confirm && isatty(STDIN_FILENO)) {
		if (read_line("again: ", again, sizeof(again)) == -1)
			rc = -1;
		else if (strcmp(buf, again) != 0) {
			cli_error("the passwords differ; nothing was changed");
			rc = -1;
		}
		sodium_memzero(again, sizeof(again));
	}
	return rc;
}
