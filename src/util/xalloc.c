#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"
#include "util/banned.h"

static void
die_oom(size_t n)
{
	fprintf(stderr, "lookout: out of memory allocating %zu bytes\n", n);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		die_oom(n);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (p == NULL)
		die_oom(st_mult(nmemb, size));
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		die_oom(n);
	return q;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = xmalloc(st_add(len, 1));

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

size_t
st_add(size_t a, size_t b)
{
	if (a > (size_t)-1 - b) {
		fprintf(stderr, "lookout: size overflow: %zu + %zu\n", a, b);
		abort();
	}
	return a + b;
}

size_t
st_mult(size_t a, size_t b)
{
	if (b != 0 && a > (size_t)-1 / b) {
		fprintf(stderr, "lookout: size overflow: %zu * %zu\n", a, b);
		abort();
	}
	return a * b;
}
