/*
 * xalloc.h: allocation that cannot fail, and size arithmetic that cannot
 * overflow. Running out of memory or overflowing a size is a broken
 * invariant: both abort with a message rather than return a bad pointer.
 */
#ifndef LOOKOUT_XALLOC_H
#define LOOKOUT_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

size_t st_add(size_t a, size_t b);
size_t st_mult(size_t a, size_t b);

#endif
