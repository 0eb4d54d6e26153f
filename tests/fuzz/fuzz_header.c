/*
 * fuzz_header.c: the request header values lookout reads itself.
 *
 * Input: one header value, up to its first NUL, copied to a heap buffer
 * of its exact size so that ASan sees any read past it. The same value
 * is given to each reader: Accept-Language (lang_negotiate), Accept-
 * Encoding (http_gzip_accepted), Content-Type (http_media_is) and
 * Authorization (http_bearer_token).
 *
 * Beyond "no crash", each answer must keep its promise: a language is one
 * of langs[]; a trailing element that asks for nothing new (", identity",
 * ", xx;q=0") changes no answer; Content-Type matching ignores case; a
 * bearer token is a well-shaped token inside the value.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crypto/seal.h"
#include "http/header.h"
#include "http/http.h"
#include "http/http_int.h"
#include "util/i18n.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
broken(const char *what, const char *value)
{
	fprintf(stderr, "fuzz_header: %s (value '%s')\n", what, value);
	abort();
}

static int
is_lang(const char *l)
{
	size_t i;

	for (i = 0; langs[i] != NULL; i++)
		if (langs[i] == l)
			return 1;
	return 0;
}

/* value followed by tail, in a heap buffer of its exact size. */
static char *
joined(const char *value, const char *tail)
{
	size_t a = strlen(value), b = strlen(tail);
	char *s = malloc(a + b + 1);

	if (s == NULL)
		abort();
	memcpy(s, value, a);
	memcpy(s + a, tail, b + 1);
	return s;
}

static void
check_language(const char *v)
{
	const char *l = lang_negotiate(NULL, NULL, v), *m;
	char *more;

	if (!is_lang(l))
		broken("Accept-Language gave a language we do not speak", v);
	more = joined(v, ", xx;q=0");
	if (lang_negotiate(NULL, NULL, more) != l)
		broken("a refused language changed the choice", v);
	free(more);
	m = lang_match(v, strlen(v));
	if (m != NULL && !is_lang(m))
		broken("lang_match gave a language we do not speak", v);
}

static void
check_encoding(const char *v)
{
	int g = http_gzip_accepted(v);
	char *more;

	if (g != 0 && g != 1)
		broken("Accept-Encoding answer neither 0 nor 1", v);
	more = joined(v, ", identity");
	if (http_gzip_accepted(more) != g)
		broken("', identity' changed whether gzip is accepted", v);
	free(more);
}

static void
check_content_type(const char *v)
{
	static const char *const types[] = {
		"application/json", "application/x-www-form-urlencoded",
	};
	size_t i, j, n = strlen(v);
	char *up;
	int is;

	if ((up = malloc(n + 1)) == NULL)
		abort();
	for (j = 0; j <= n; j++)
		up[j] = (v[j] >= 'a' && v[j] <= 'z') ? v[j] - 32 : v[j];
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		is = http_media_is(v, types[i]);
		if (is != 0 && is != 1)
			broken("Content-Type answer neither 0 nor 1", v);
		if (is && strncasecmp(v, types[i], strlen(types[i])) != 0)
			broken("Content-Type matched another type", v);
		if (http_media_is(up, types[i]) != is)
			broken("Content-Type matching depends on case", v);
	}
	free(up);
}

static void
check_bearer(const char *v)
{
	const char *t = http_bearer_token(v);
	size_t i;

	if (t == NULL)
		return;
	if (t < v + 7 || t > v + strlen(v))
		broken("bearer token outside the value", v);
	if (strncasecmp(v, "bearer ", 7) != 0)
		broken("bearer token without the Bearer scheme", v);
	if (strlen(t) != TOKEN_CHARS)
		broken("bearer token of the wrong length", v);
	for (i = 7; v + i < t; i++)
		if (v[i] != ' ')
			broken("bearer token after something not a space", v);
	if (!http_token_shape_ok(t))
		broken("bearer token not shaped like a token", v);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *v = malloc(size + 1);

	if (v == NULL)
		abort();
	memcpy(v, data, size);
	v[size] = '\0';
	check_language(v);
	check_encoding(v);
	check_content_type(v);
	check_bearer(v);
	free(v);
	return 0;
}
