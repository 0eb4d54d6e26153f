#include <string.h>

#include "core/ident.h"
#include "util/limits.h"
#include "util/parse.h"
#include "util/banned.h"

static const struct {
	enum ident_kind	 kind;
	const char	*name;
} kinds[] = {
	{ IDENT_PHONE, "phone" },
	{ IDENT_EMAIL, "email" },
	{ IDENT_PLATE, "plate" },
	{ IDENT_HANDLE, "handle" },
	{ IDENT_NAME, "name" },
};

enum ident_kind
ident_kind_parse(const char *s)
{
	size_t i;

	for (i = 0; s != NULL && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(s, kinds[i].name) == 0)
			return kinds[i].kind;
	return 0;
}

const char *
ident_kind_name(enum ident_kind k)
{
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i].kind == k)
			return kinds[i].name;
	return NULL;
}

/* Countries lookout is used in, and their neighbours. */
static const struct {
	const char	*country;
	const char	*code;
	int		 trunk0;	/* national numbers start with 0 */
} countries[] = {
	{ "CA", "1", 0 }, { "US", "1", 0 }, { "GB", "44", 1 },
	{ "IE", "353", 1 }, { "FR", "33", 1 }, { "BE", "32", 1 },
	{ "CH", "41", 1 }, { "DE", "49", 1 }, { "NL", "31", 1 },
	{ "ES", "34", 0 }, { "IT", "39", 0 }, { "PT", "351", 0 },
	{ "AU", "61", 1 }, { "NZ", "64", 1 }, { "MX", "52", 0 },
	{ "CN", "86", 1 }, { "HK", "852", 0 }, { "TW", "886", 1 },
	{ "TH", "66", 1 }, { "PH", "63", 1 }, { "VN", "84", 1 },
};

static int
country_index(const char *country)
{
	size_t i;

	for (i = 0; country != NULL && i < sizeof(countries) /
	    sizeof(countries[0]); i++)
		if (strcmp(country, countries[i].country) == 0)
			return (int)i;
	return -1;
}

const char *
ident_country_code(const char *country)
{
	int i = country_index(country);

	return i < 0 ? NULL : countries[i].code;
}

/* Decode one code point from valid UTF-8; returns its length. */
static size_t
decode(const unsigned char *s, unsigned *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		*cp = ((unsigned)(s[0] & 0x1f) << 6) | (s[1] & 0x3f);
		return 2;
	}
	if ((s[0] & 0xf0) == 0xe0) {
		*cp = ((unsigned)(s[0] & 0x0f) << 12) |
		    ((unsigned)(s[1] & 0x3f) << 6) | (s[2] & 0x3f);
		return 3;
	}
	*cp = ((unsigned)(s[0] & 0x07) << 18) | ((unsigned)(s[1] & 0x3f) << 12) |
	    ((unsigned)(s[2] & 0x3f) << 6) | (s[3] & 0x3f);
	return 4;
}

/* The zeroes of Unicode's decimal digit runs (general category Nd) in
 * the scripts lookout's users write, each followed by nine more. */
static const unsigned digit_zeroes[] = {
	0x0660, 0x06f0, 0x07c0, 0x0966, 0x09e6, 0x0a66, 0x0ae6, 0x0b66,
	0x0be6, 0x0c66, 0x0ce6, 0x0d66, 0x0de6, 0x0e50, 0x0ed0, 0x0f20,
	0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90,
	0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0, 0xa900, 0xa9d0,
	0xa9f0, 0xaa50, 0xabf0, 0xff10, 0x104a0, 0x1d7ce, 0x1d7d8, 0x1d7e2,
	0x1d7ec, 0x1d7f6, 0x1fbf0,
};

/* ASCII for a code point: digits of any script and full-width ASCII
 * fold to plain ASCII; returns 0 for anything else. */
static int
fold(unsigned cp)
{
	size_t i;

	if (cp < 0x80)
		return (int)cp;
	for (i = 0; i < sizeof(digit_zeroes) / sizeof(digit_zeroes[0]); i++)
		if (cp >= digit_zeroes[i] && cp <= digit_zeroes[i] + 9)
			return '0' + (int)(cp - digit_zeroes[i]);
	if (cp >= 0xff01 && cp <= 0xff5e)	/* full-width ASCII */
		return (int)(cp - 0xff01 + 0x21);
	switch (cp) {
	case 0x00a0: case 0x2000: case 0x2001: case 0x2002: case 0x2003:
	case 0x2004: case 0x2005: case 0x2006: case 0x2007: case 0x2008:
	case 0x2009: case 0x200a: case 0x202f: case 0x205f: case 0x3000:
		return ' ';
	case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014:
	case 0x2015: case 0x2212: case 0x30fc: case 0xfe63:
		return '-';
	case 0x3002: case 0x30fb: case 0xff61:
		return '.';
	case 0x2217: case 0x2731: case 0x204e:
		return '*';
	case 0xff1f:
		return '?';
	}
	return 0;
}

/* Characters that pasting carries along and nobody can see: bidi
 * marks (phone apps wrap numbers in them), zero-width spaces and joiners,
 * the byte-order mark and the soft hyphen. */
static int
invisible(unsigned cp)
{
	return cp == 0x00ad || (cp >= 0x200b && cp <= 0x200f) ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2064) ||
	    (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
}

/*
 * Fold what a keyboard in any script may type for an ASCII character
 * (full-width letters and @, Unicode digits and spaces, dashes) to that
 * character, and drop invisible ones; everything else is kept. The
 * result is never longer than the input.
 */
static void
prefold(const char *in, char *out)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t n = 0, len;
	unsigned cp;
	int c;

	while (*s) {
		len = decode(s, &cp);
		if (!invisible(cp)) {
			if ((c = fold(cp)) != 0) {
				out[n++] = (char)c;
			} else {
				memcpy(out + n, s, len);
				n += len;
			}
		}
		s += len;
	}
	out[n] = '\0';
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int
upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - 32 : c;
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/*
 * Phones. The folded characters are digits, '+', the wildcards '*' and
 * '?', and separators; a letter anywhere means it is not a phone.
 */
static int
phone(const char *value, const char *country, int allow_partial, char *out,
    int *partial, const char **why)
{
	const unsigned char *s = (const unsigned char *)value;
	char d[64];
	size_t nd = 0, i, n;
	int plus = 0, star = 0, q = 0, ci, c;
	unsigned cp;
	const char *cc;

	while (*s) {
		s += decode(s, &cp);
		c = fold(cp);
		if (is_digit(c) || c == '?') {
			if (nd == sizeof(d) - 1) {
				*why = "a phone number has at most 15 digits";
				return -1;
			}
			if (c == '?')
				q = 1;
			d[nd++] = (char)c;
		} else if (c == '(' && plus && nd > 0 && s[0] == '0' &&
		    s[1] == ')') {
			/* "+44 (0)20 ...": the national trunk 0 that an
			 * international number drops. */
			s += 2;
		} else if (c == '+' && nd == 0 && !plus && !star) {
			plus = 1;
		} else if (c == '*' && nd == 0) {
			star = 1;
		} else if (c == ' ' || c == '-' || c == '.' || c == '(' ||
		    c == ')' || c == '/') {
			continue;
		} else {
			*why = "a phone number may hold only digits, spaces, "
			    "+ - . ( ) and, to screen, ? or *";
			return -1;
		}
	}
	d[nd] = '\0';
	if (nd == 0) {
		*why = "the phone number is empty";
		return -1;
	}
	ci = country_index(country);
	/* The last 4 to 7 digits, or "***-0142": any number ending so. */
	if (star || (!plus && !q && nd >= 4 && nd <= 7)) {
		if (!allow_partial) {
			*why = "a report needs the whole phone number";
			return -1;
		}
		if (nd < 4) {
			*why = "give at least the last 4 digits";
			return -1;
		}
		out[0] = '*';
		memcpy(out + 1, d, nd + 1);
		*partial = 1;
		return 0;
	}
	if (q && !allow_partial) {
		*why = "a report needs the whole phone number";
		return -1;
	}
	n = 0;
	out[n++] = '+';
	if (plus) {
		i = 0;
	} else if (nd > 2 && d[0] == '0' && d[1] == '0') {
		i = 2;				/* 00 international prefix */
	} else if (ci >= 0 && strcmp(countries[ci].code, "1") == 0 &&
	    nd > 3 && memcmp(d, "011", 3) == 0) {
		i = 3;				/* 011 from North America */
	} else {
		if (ci < 0) {
			*why = "unknown default_country for national numbers";
			return -1;
		}
		cc = countries[ci].code;
		i = 0;
		if (strcmp(cc, "1") == 0 && nd == 11 && d[0] == '1')
			i = 1;			/* 1-604-555-0142 */
		else if (countries[ci].trunk0 && d[0] == '0')
			i = 1;			/* 020 7946 0000 */
		memcpy(out + n, cc, strlen(cc));
		n += strlen(cc);
	}
	if (nd - i > 15 || n + nd - i > 16) {
		*why = "a phone number has at most 15 digits";
		return -1;
	}
	memcpy(out + n, d + i, nd - i);
	n += nd - i;
	out[n] = '\0';
	if (out[1] == '0' || out[1] == '?') {
		*why = "a country code cannot start with 0";
		return -1;
	}
	if (n - 1 < 8) {
		*why = "the phone number is too short";
		return -1;
	}
	/* North American numbers have exactly ten digits after the 1. */
	if (out[1] == '1' && n - 1 != 11) {
		*why = "a North American number has 10 digits after the 1";
		return -1;
	}
	/* Nor does an area code start with 0 or 1: without this, a digit
	 * short "1 604 555 014" passed the length check as +1 160 455 5014
	 * and could never match. */
	if (out[1] == '1' && (out[2] == '0' || out[2] == '1')) {
		*why = "a North American number has 10 digits after the 1, "
		    "and its area code starts with 2 to 9";
		return -1;
	}
	*partial = q;
	return 0;
}

static int
email(const char *value, char *out, const char **why)
{
	const char *s = value, *e, *at = NULL, *p;
	size_t n = 0, llen;
	int gmail;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	for (p = s; p < e; p++) {
		if (*p == '@') {
			if (at != NULL) {
				*why = "an email address has one @";
				return -1;
			}
			at = p;
		} else if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' ||
		    *p == ',' || *p == ';' || *p == '"') {
			*why = "an email address cannot hold spaces or "
			    "< > , ; \"";
			return -1;
		}
	}
	if (at == NULL || at == s || at + 1 >= e) {
		*why = "not an email address: expected name@domain";
		return -1;
	}
	if (memchr(at + 1, '.', (size_t)(e - at - 1)) == NULL ||
	    at[1] == '.' || e[-1] == '.') {
		*why = "not an email address: the domain needs a dot";
		return -1;
	}
	if ((size_t)(e - s) >= IDENT_NORM_MAX) {
		*why = "the email address is too long";
		return -1;
	}
	{
		char dom[IDENT_NORM_MAX];
		size_t dl = (size_t)(e - at - 1), k;

		for (k = 0; k < dl; k++)
			dom[k] = (char)lower(at[1 + k]);
		dom[dl] = '\0';
		gmail = strcmp(dom, "gmail.com") == 0 ||
		    strcmp(dom, "googlemail.com") == 0;
	}
	for (p = s; p < at; p++) {
		if (gmail && *p == '+')
			break;
		if (gmail && *p == '.')
			continue;
		out[n++] = (char)lower(*p);
	}
	llen = n;
	if (llen == 0) {
		*why = "not an email address: nothing before the @";
		return -1;
	}
	if (gmail) {
		memcpy(out + n, "@gmail.com", 11);
		return 0;
	}
	for (p = at; p < e; p++)
		out[n++] = (char)lower(*p);
	out[n] = '\0';
	return 0;
}

static int
plate(const char *value, int allow_partial, char *out, int *partial,
    const char **why)
{
	const unsigned char *s = (const unsigned char *)value;
	size_t n = 0;
	unsigned cp;
	int c, q = 0;

	while (*s) {
		s += decode(s, &cp);
		c = upper(fold(cp));
		if (c == ' ' || c == '-' || c == '.')
			continue;
		if (!((c >= 'A' && c <= 'Z') || is_digit(c) || c == '?')) {
			*why = "a plate may hold only letters, digits, spaces, "
			    "hyphens and ? for an unknown character";
			return -1;
		}
		if (n == 10) {
			*why = "a plate has at most 10 characters";
			return -1;
		}
		if (c == '?')
			q = 1;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	if (n < 2) {
		*why = "a plate has at least 2 characters";
		return -1;
	}
	if (q && !allow_partial) {
		*why = "a report needs the whole plate; write what you know "
		    "in the vehicle description";
		return -1;
	}
	*partial = q;
	return 0;
}

static int
handle(const char *value, char *out, const char **why)
{
	const char *s = value;
	size_t n = 0, len;

	while (*s == ' ')
		s++;
	if (*s == '@')
		s++;
	len = strlen(s);
	while (len > 0 && s[len - 1] == ' ')
		len--;
	if (len == 0) {
		*why = "the handle is empty";
		return -1;
	}
	if (len >= IDENT_NORM_MAX) {
		*why = "the handle is too long";
		return -1;
	}
	for (; n < len; n++) {
		if (s[n] == ' ' || s[n] == '@') {
			*why = "a handle cannot hold spaces or a second @";
			return -1;
		}
		out[n] = (char)lower(s[n]);
	}
	out[n] = '\0';
	return 0;
}

static int
name(const char *value, char *out, const char **why)
{
	const char *s = value;
	size_t n = 0;
	int space = 0;

	for (; *s; s++) {
		if (*s == ' ' || *s == '\t') {
			space = n > 0;
			continue;
		}
		if (n + 2 >= IDENT_NORM_MAX) {
			*why = "the name is too long";
			return -1;
		}
		if (space)
			out[n++] = ' ';
		space = 0;
		out[n++] = (char)lower(*s);
	}
	out[n] = '\0';
	if (n == 0) {
		*why = "the name is empty";
		return -1;
	}
	return 0;
}

int
ident_normalize(enum ident_kind k, const char *value, const char *country,
    int allow_partial, char out[IDENT_NORM_MAX], int *partial,
    const char **why)
{
	char folded[LIMIT_IDENT_BYTES + 1];
	size_t len = strlen(value);

	*partial = 0;
	out[0] = '\0';
	if (len == 0) {
		*why = "the value is empty";
		return -1;
	}
	if (len > LIMIT_IDENT_BYTES) {
		*why = "the value is longer than 256 bytes";
		return -1;
	}
	if (!text_valid(value, len, 0)) {
		*why = "the value holds control characters or invalid UTF-8";
		return -1;
	}
	prefold(value, folded);
	switch (k) {
	case IDENT_PHONE:
		return phone(folded, country, allow_partial, out, partial, why);
	case IDENT_EMAIL:
		return email(folded, out, why);
	case IDENT_PLATE:
		return plate(folded, allow_partial, out, partial, why);
	case IDENT_HANDLE:
		return handle(folded, out, why);
	case IDENT_NAME:
		return name(folded, out, why);
	}
	*why = "unknown kind of identifier";
	return -1;
}

int
ident_match(const char *pattern, const char *value)
{
	size_t pl, vl, i;

	if (pattern[0] == '*') {
		pattern++;
		pl = strlen(pattern);
		vl = strlen(value);
		if (pl > vl)
			return 0;
		value += vl - pl;
	} else if (strlen(pattern) != strlen(value)) {
		return 0;
	}
	for (i = 0; pattern[i] != '\0'; i++)
		if (pattern[i] != '?' ? pattern[i] != value[i] :
		    value[i] == '\0')
			return 0;
	return value[i] == '\0';
}
