/*
 * smscmd.c: parsing a text message into a command, and SMS text rules
 * (smscmd.h).
 */
#include <stdint.h>
#include <string.h>

#include "core/smscmd.h"
#include "util/banned.h"

struct keyword {
	const char	*word;	/* upper-case ASCII; accented E as E */
	enum sms_cmd	 cmd;
	const char	*lang;
};

static const struct keyword keywords[] = {
	{ "CHECK", SMS_CMD_CHECK, "en" },
	{ "VERIFIER", SMS_CMD_CHECK, "fr" },
	{ "HELP", SMS_CMD_HELP, "en" },
	{ "AIDE", SMS_CMD_HELP, "fr" },
	{ "STOP", SMS_CMD_STOP, NULL },
	{ "ARRET", SMS_CMD_STOP, "fr" },
	{ "START", SMS_CMD_START, "en" },
	{ "DEBUT", SMS_CMD_START, "fr" },
	{ "REPORT", SMS_CMD_REPORT, "en" },
	{ "SIGNALER", SMS_CMD_REPORT, "fr" },
};

static int
blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * The next character of s[*i..len) folded for keyword matching: ASCII
 * letters upper-cased, É È Ê Ë and é è ê ë (two bytes in UTF-8) as E.
 * Anything else comes back as 0x80, which no keyword holds.
 */
static int
fold_next(const unsigned char *s, size_t len, size_t *i)
{
	unsigned char c = s[*i];

	if (c == 0xc3 && *i + 1 < len) {
		unsigned char d = s[*i + 1] & ~0x20;	/* é -> É */

		if (d >= 0x88 && d <= 0x8b) {
			*i += 2;
			return 'E';
		}
	}
	(*i)++;
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 'A';
	return c < 0x80 ? c : 0x80;
}

/* Does s[start..len) begin with w, followed by a blank or the end? The
 * end of the keyword goes to *end. */
static int
keyword_at(const unsigned char *s, size_t len, size_t start, const char *w,
    size_t *end)
{
	size_t i = start;

	for (; *w != '\0'; w++) {
		if (i >= len || fold_next(s, len, &i) != *w)
			return 0;
	}
	if (i < len && !blank(s[i]))
		return 0;
	*end = i;
	return 1;
}

void
smscmd_parse(const char *text, size_t len, struct sms_command *out)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0, end, k;

	memset(out, 0, sizeof(*out));
	out->cmd = SMS_CMD_UNKNOWN;
	out->arg = "";
	if (text == NULL)
		return;
	while (i < len && blank(s[i]))
		i++;
	for (k = 0; k < sizeof(keywords) / sizeof(keywords[0]); k++) {
		if (!keyword_at(s, len, i, keywords[k].word, &end))
			continue;
		out->cmd = keywords[k].cmd;
		out->lang = keywords[k].lang;
		while (end < len && blank(s[end]))
			end++;
		while (len > end && blank(s[len - 1]))
			len--;
		out->arg = text + end;
		out->arglen = len - end;
		return;
	}
}

/* One UTF-8 character of s at *i (strict: no overlong forms, no
 * surrogates, at most U+10FFFF); -1 when malformed. */
static long
utf8_next(const unsigned char *s, size_t *i)
{
	unsigned char c = s[*i];
	long cp;
	int n, k;

	if (c < 0x80) {
		(*i)++;
		return c;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 1;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 2;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 3;
		cp = c & 0x07;
	} else {
		return -1;
	}
	for (k = 1; k <= n; k++) {
		if ((s[*i + k] & 0xc0) != 0x80)
			return -1;	/* also stops at the NUL */
		cp = cp << 6 | (s[*i + k] & 0x3f);
	}
	if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return -1;
	*i += (size_t)n + 1;
	return cp;
}

/* The non-ASCII characters of GSM 03.38's basic set. */
static const uint16_t gsm_basic[] = {
	0x00a1, 0x00a3, 0x00a4, 0x00a5, 0x00a7, 0x00bf, 0x00c4, 0x00c5,
	0x00c6, 0x00c7, 0x00c9, 0x00d1, 0x00d6, 0x00d8, 0x00dc, 0x00df,
	0x00e0, 0x00e4, 0x00e5, 0x00e6, 0x00e8, 0x00e9, 0x00ec, 0x00f1,
	0x00f2, 0x00f6, 0x00f8, 0x00f9, 0x00fc, 0x0393, 0x0394, 0x0398,
	0x039b, 0x039e, 0x03a0, 0x03a3, 0x03a6, 0x03a8, 0x03a9,
};

/* Septets the character takes in GSM 7-bit: 1, 2 (extension table), or
 * 0 when it has none. */
static int
gsm_septets(long cp)
{
	size_t k;

	if (cp == '\n' || cp == '\r')
		return 1;
	if (cp == '^' || cp == '{' || cp == '}' || cp == '\\' || cp == '[' ||
	    cp == '~' || cp == ']' || cp == '|' || cp == 0x20ac || cp == '\f')
		return 2;
	if (cp >= 0x20 && cp < 0x7f)
		return cp == '`' ? 0 : 1;
	for (k = 0; k < sizeof(gsm_basic) / sizeof(gsm_basic[0]); k++)
		if (gsm_basic[k] == cp)
			return 1;
	return 0;
}

int
sms_gsm7(const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0;
	long cp;

	while (s[i] != '\0') {
		if ((cp = utf8_next(s, &i)) < 0 || gsm_septets(cp) == 0)
			return 0;
	}
	return 1;
}

size_t
sms_fit_units(const char *text, int gsm7, size_t max)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0, prev, used = 0;
	long cp;
	int w;

	while (s[i] != '\0') {
		prev = i;
		if ((cp = utf8_next(s, &i)) < 0)
			return prev;
		if (gsm7)
			w = gsm_septets(cp) ? gsm_septets(cp) : 1;
		else
			w = cp > 0xffff ? 2 : 1;
		if (used + (size_t)w > max)
			return prev;
		used += (size_t)w;
	}
	return i;
}

size_t
sms_fit(const char *text, int gsm7)
{
	return sms_fit_units(text, gsm7, gsm7 ? SMS_GSM7_CHARS :
	    SMS_UCS2_CHARS);
}

size_t
sms_units(const char *text, int gsm7)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0, used = 0;
	long cp;

	while (s[i] != '\0') {
		if ((cp = utf8_next(s, &i)) < 0)
			break;
		if (gsm7)
			used += gsm_septets(cp) ? (size_t)gsm_septets(cp) : 1;
		else
			used += cp > 0xffff ? 2 : 1;
	}
	return used;
}

/* Append code point cp as UTF-8; -1 when it does not fit (with room for
 * the NUL). */
static int
put_utf8(char *out, size_t outcap, size_t *o, long cp)
{
	unsigned char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xc0 | cp >> 6);
		b[1] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (unsigned char)(0xe0 | cp >> 12);
		b[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		b[2] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (unsigned char)(0xf0 | cp >> 18);
		b[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
		b[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		b[3] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	if (outcap == 0 || n > outcap - 1 - *o)
		return -1;
	memcpy(out + *o, b, n);
	*o += n;
	return 0;
}

int
sms_utf16be_to_utf8(const unsigned char *in, size_t len, char *out,
    size_t outcap, size_t *outlen)
{
	size_t i, o = 0;
	long u, lo;

	*outlen = 0;
	if (outcap == 0)
		return -1;
	out[0] = '\0';
	if (len % 2 != 0)
		return -1;
	for (i = 0; i < len; i += 2) {
		u = (long)in[i] << 8 | in[i + 1];
		if (u >= 0xd800 && u <= 0xdbff) {
			if (i + 3 >= len)
				return -1;
			lo = (long)in[i + 2] << 8 | in[i + 3];
			if (lo < 0xdc00 || lo > 0xdfff)
				return -1;
			u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
			i += 2;
		} else if ((u >= 0xdc00 && u <= 0xdfff) || u == 0) {
			return -1;
		}
		if (put_utf8(out, outcap, &o, u) == -1)
			return -1;
	}
	out[o] = '\0';
	*outlen = o;
	return 0;
}

int
sms_latin1_to_utf8(const unsigned char *in, size_t len, char *out,
    size_t outcap, size_t *outlen)
{
	size_t i, o = 0;

	*outlen = 0;
	if (outcap == 0)
		return -1;
	out[0] = '\0';
	for (i = 0; i < len; i++) {
		if (in[i] == 0 || put_utf8(out, outcap, &o, in[i]) == -1)
			return -1;
	}
	out[o] = '\0';
	*outlen = o;
	return 0;
}
