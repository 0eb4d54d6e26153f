/*
 * header.c: Content-Type, Authorization and the shape of our cookies.
 */
#include <string.h>
#include <strings.h>

#include "crypto/seal.h"
#include "http/header.h"
#include "util/banned.h"

int
http_media_is(const char *ct, const char *type)
{
	size_t n = strlen(type);

	if (ct == NULL || strncasecmp(ct, type, n) != 0)
		return 0;
	return ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ';
}

int
http_token_shape_ok(const char *s)
{
	size_t i;

	if (s == NULL || strnlen(s, TOKEN_CHARS + 1) != TOKEN_CHARS)
		return 0;
	for (i = 0; i < TOKEN_CHARS; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

const char *
http_bearer_token(const char *h)
{
	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	h += 7;
	while (*h == ' ')
		h++;
	return http_token_shape_ok(h) ? h : NULL;
}
