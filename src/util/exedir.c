/*
 * exedir.c: the files installed beside lookout (exedir.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/exedir.h"
#include "util/log.h"
#include "util/banned.h"

int
exe_sibling(const char *name, char *out, size_t outlen)
{
	const char *dir = getenv("LOOKOUT_LIBEXEC_DIR");
	char self[4096], *slash;
	ssize_t n;
	int len;

	if (dir != NULL && *dir != '\0') {
		len = snprintf(out, outlen, "%s/%s", dir, name);
		goto done;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0) {
		log_error("cannot find where lookout is installed "
		    "(/proc/self/exe: %s); set LOOKOUT_LIBEXEC_DIR to the "
		    "directory that holds %s", n == 0 ? "empty" :
		    strerror(errno), name);
		return -1;
	}
	self[n] = '\0';
	if ((slash = strrchr(self, '/')) == NULL) {
		log_error("cannot find where lookout is installed ('%s')",
		    self);
		return -1;
	}
	*slash = '\0';
	len = snprintf(out, outlen, "%s/%s", self, name);
done:
	if (len < 0 || (size_t)len >= outlen) {
		log_error("the path of %s is too long", name);
		return -1;
	}
	return 0;
}
