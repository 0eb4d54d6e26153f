#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "util/parse.h"
#include "util/banned.h"

int
parse_int(const char *s, long long min, long long max, long long *out,
    const char **errstr)
{
	long long v;
	char *end;

	if (s == NULL || *s == '\0' || min > max ||
	    (*s != '-' && (*s < '0' || *s > '9'))) {
		*errstr = "invalid";
		return -1;
	}
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0') {
		*errstr = "invalid";
		return -1;
	}
	if ((errno == ERANGE && v == LLONG_MIN) || v < min) {
		*errstr = "too small";
		return -1;
	}
	if ((errno == ERANGE && v == LLONG_MAX) || v > max) {
		*errstr = "too large";
		return -1;
	}
	*out = v;
	*errstr = NULL;
	return 0;
}

int
utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i];
		unsigned cp;
		size_t n, k;

		if (c == 0)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 1;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (len - i <= n)
			return 0;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

int
text_valid(const char *s, size_t len, int allow_newlines)
{
	size_t i;

	if (!utf8_valid(s, len))
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == 0x7f)
			return 0;
		/* C1 controls U+0080..U+009F are 0xc2 0x80..0x9f; valid
		 * UTF-8 guarantees the second byte is there. */
		if (c == 0xc2 && (unsigned char)s[i + 1] < 0xa0)
			return 0;
		if (c >= 0x20)
			continue;
		if (allow_newlines && (c == '\n' || c == '\r' || c == '\t'))
			continue;
		return 0;
	}
	return 1;
}

int
parse_date(const char *s, int *y, int *m, int *d)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int i, yy, mm, dd;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	yy = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	mm = (s[5] - '0') * 10 + (s[6] - '0');
	dd = (s[8] - '0') * 10 + (s[9] - '0');
	if (yy < 1900 || mm < 1 || mm > 12 || dd < 1 || dd > mdays[mm - 1])
		return -1;
	if (mm == 2 && dd == 29 &&
	    !((yy % 4 == 0 && yy % 100 != 0) || yy % 400 == 0))
		return -1;
	*y = yy;
	*m = mm;
	*d = dd;
	return 0;
}
