/*
 * parse.h: bounded parsing of untrusted text.
 *
 * parse_int() is strtonum(3): the whole string must be a decimal number
 * in [min, max]; on failure it returns -1 and sets *errstr to a short
 * reason ("too small", "too large", "invalid"), never touching *out.
 */
#ifndef LOOKOUT_PARSE_H
#define LOOKOUT_PARSE_H

#include <stddef.h>
#include <stdint.h>

int	parse_int(const char *s, long long min, long long max, long long *out,
	    const char **errstr);

/* 1 when s[0..len) is valid UTF-8 with no NUL and no overlong form. */
int	utf8_valid(const char *s, size_t len);

/* 1 when s is valid UTF-8 and holds no control characters except, with
 * allow_newlines, '\n', '\r' and '\t'. */
int	text_valid(const char *s, size_t len, int allow_newlines);

/* Calendar date "YYYY-MM-DD"; 0 and the parts, or -1. */
int	parse_date(const char *s, int *y, int *m, int *d);

#endif
