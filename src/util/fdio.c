/*
 * fdio.c: whole writes to a descriptor (fdio.h).
 */
#include <errno.h>
#include <unistd.h>

#include "util/fdio.h"
#include "util/banned.h"

int
fd_write_all(int fd, const void *p, size_t len)
{
	const char *at = p;
	ssize_t n;

	while (len > 0) {
		n = write(fd, at, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		at += n;
		len -= (size_t)n;
	}
	return 0;
}
