#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "util/buf.h"
#include "util/xalloc.h"
#include "util/banned.h"

static char buf_empty[1];

void
buf_init(struct buf *b, size_t cap)
{
	b->buf = buf_empty;
	b->len = 0;
	b->alloc = 0;
	b->cap = cap;
	b->overflow = 0;
}

void
buf_release(struct buf *b)
{
	if (b->alloc)
		free(b->buf);
	buf_init(b, b->cap);
}

void
buf_wipe(struct buf *b)
{
	if (b->alloc)
		sodium_memzero(b->buf, b->alloc);
	buf_release(b);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	b->overflow = 0;
	if (b->alloc)
		b->buf[0] = '\0';
}

char *
buf_detach(struct buf *b, size_t *len)
{
	char *p;

	if (len)
		*len = b->len;
	p = b->alloc ? b->buf : xstrdup("");
	buf_init(b, b->cap);
	return p;
}

/* Make room for n more bytes plus the NUL; -1 past the cap. */
static int
grow(struct buf *b, size_t n)
{
	size_t want, na;

	if (n > b->cap || b->len > b->cap - n) {
		b->overflow = 1;
		return -1;
	}
	want = st_add(st_add(b->len, n), 1);
	if (want <= b->alloc)
		return 0;
	na = b->alloc ? b->alloc : 64;
	while (na < want)
		na = st_mult(na, 2);
	if (b->alloc) {
		b->buf = xrealloc(b->buf, na);
	} else {
		b->buf = xmalloc(na);
		b->buf[0] = '\0';
	}
	b->alloc = na;
	return 0;
}

int
buf_add(struct buf *b, const void *data, size_t len)
{
	if (len == 0)
		return b->overflow ? -1 : 0;
	if (grow(b, len) == -1)
		return -1;
	memcpy(b->buf + b->len, data, len);
	b->len += len;
	b->buf[b->len] = '\0';
	return 0;
}

int
buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int
buf_addch(struct buf *b, int c)
{
	char ch = (char)c;

	return buf_add(b, &ch, 1);
}

int
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return -1;
	if (grow(b, (size_t)n) == -1)
		return -1;
	vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

int
buf_addhex(struct buf *b, const uint8_t *data, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	if (grow(b, st_mult(len, 2)) == -1)
		return -1;
	for (i = 0; i < len; i++) {
		b->buf[b->len++] = hex[data[i] >> 4];
		b->buf[b->len++] = hex[data[i] & 15];
	}
	b->buf[b->len] = '\0';
	return 0;
}
