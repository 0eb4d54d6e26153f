/*
 * buf.h: the one growable byte buffer.
 *
 * Invariants, as git's strbuf:
 *  - b->buf is never NULL; an empty buffer points at a shared "" until
 *    the first write, so a struct buf can be printed straight away;
 *  - b->buf[b->len] == '\0' always, so text can be handed to C APIs;
 *  - b->len <= b->cap, the named size cap given at init. An append that
 *    would pass the cap appends nothing, sets b->overflow and returns -1.
 *    Callers check the return value or b->overflow once at the end.
 *
 * Ownership: the buffer owns its storage. buf_detach() hands it to the
 * caller (who frees it) and leaves the buffer empty. buf_release() frees
 * it. buf_wipe() zeroes the contents first, for secrets.
 */
#ifndef LOOKOUT_BUF_H
#define LOOKOUT_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct buf {
	char	*buf;
	size_t	 len;
	size_t	 alloc;		/* 0 while buf points at the shared "" */
	size_t	 cap;		/* the most len may ever be */
	int	 overflow;
};

#define BUF_CAP_SMALL	(4 * 1024)
#define BUF_CAP_PAGE	(1024 * 1024)
#define BUF_CAP_LARGE	(64 * 1024 * 1024)

void	 buf_init(struct buf *b, size_t cap);
void	 buf_release(struct buf *b);
void	 buf_wipe(struct buf *b);		/* sodium_memzero, then release */
void	 buf_reset(struct buf *b);		/* len = 0, keep storage */
char	*buf_detach(struct buf *b, size_t *len);

int	 buf_add(struct buf *b, const void *data, size_t len);
int	 buf_adds(struct buf *b, const char *s);
int	 buf_addch(struct buf *b, int c);
int	 buf_printf(struct buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
int	 buf_vprintf(struct buf *b, const char *fmt, va_list ap)
	    __attribute__((format(printf, 2, 0)));
int	 buf_addhex(struct buf *b, const uint8_t *data, size_t len);

#endif
