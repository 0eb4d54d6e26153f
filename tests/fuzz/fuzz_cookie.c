/*
 * fuzz_cookie.c: the cookie values lookout reads itself.
 *
 * libmicrohttpd splits the Cookie header; the values of lk_session and
 * lk_pre go through http_token_shape_ok() before anything else sees them,
 * and lk_lang through lang_negotiate(). Input: one cookie value, up to
 * its first NUL, in a heap buffer of its exact size.
 *
 * The shape check is compared with a plain restatement of the rule
 * (TOKEN_CHARS of A-Z a-z 0-9 - _), and the language cookie must give
 * one of langs[], win over Accept-Language when it names a language,
 * and mean the same as ?lang= with that value.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/seal.h"
#include "http/header.h"
#include "util/i18n.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "abcdefghijklmnopqrstuvwxyz0123456789-_";

static void
broken(const char *what, const char *value)
{
	fprintf(stderr, "fuzz_cookie: %s (value '%s')\n", what, value);
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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *v = malloc(size + 1);
	const char *l, *other;
	int shape, want;

	if (v == NULL)
		abort();
	memcpy(v, data, size);
	v[size] = '\0';

	shape = http_token_shape_ok(v);
	want = strlen(v) == TOKEN_CHARS && strspn(v, b64url) == TOKEN_CHARS;
	if (shape != want)
		broken(want ? "a good token refused" : "a bad token accepted",
		    v);

	l = lang_negotiate(NULL, v, NULL);
	if (!is_lang(l))
		broken("lk_lang gave a language we do not speak", v);
	if (lang_negotiate(v, NULL, NULL) != l)
		broken("lk_lang and ?lang= disagree", v);
	other = strcmp(l, "fr") == 0 ? "en" : "fr";
	if (l != langs[0] && lang_negotiate(NULL, v, other) != l)
		broken("Accept-Language overrode lk_lang", v);
	free(v);
	return 0;
}
