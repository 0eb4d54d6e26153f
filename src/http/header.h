/*
 * header.h: the request headers and cookie values lookout reads itself.
 *
 * libmicrohttpd splits the request into headers and cookies; what their
 * values mean is ours to work out. These functions take the raw value
 * (NUL-terminated, any bytes, possibly NULL when the header is absent)
 * and touch nothing else, so the fuzzers in tests/fuzz can call them
 * directly. Accept-Encoding is read by http_gzip_accepted() (http_int.h)
 * and Accept-Language by lang_negotiate() (util/i18n.h).
 */
#ifndef LOOKOUT_HTTP_HEADER_H
#define LOOKOUT_HTTP_HEADER_H

/* Is a Content-Type value the media type type (case-insensitive, with
 * or without parameters)? NULL: no. */
int		 http_media_is(const char *content_type, const char *type);

/* Is s shaped like a token of ours: exactly TOKEN_CHARS of base64url?
 * Anything else is refused before it reaches the store. NULL: no. */
int		 http_token_shape_ok(const char *s);

/* The token of an "Authorization: Bearer TOKEN" value, pointing into
 * value, or NULL when the scheme is not Bearer or the token is not
 * shaped like one of ours. */
const char	*http_bearer_token(const char *value);

#endif
