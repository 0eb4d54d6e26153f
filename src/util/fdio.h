/*
 * fdio.h: whole writes to a descriptor.
 */
#ifndef LOOKOUT_UTIL_FDIO_H
#define LOOKOUT_UTIL_FDIO_H

#include <stddef.h>

/* Write all len bytes of p to fd, again after a signal or a short
 * write: 0, or -1 with errno set (EIO when the descriptor took none). */
int	fd_write_all(int fd, const void *p, size_t len);

#endif
