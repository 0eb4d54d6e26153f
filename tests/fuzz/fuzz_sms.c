/*
 * fuzz_sms.c: the SMS command parser and text conversions on arbitrary
 * bytes (core/smscmd.h).
 *
 * Input: byte 0 picks how the rest is read: low bits 0 as UTF-8 text
 * for smscmd_parse, 1 as UTF-16BE, 2 as ISO-8859-1 (each converted,
 * then parsed). Byte 0's bit 2 shrinks the output buffer to a few bytes,
 * to walk the bounds. Every buffer is a heap buffer of its exact size,
 * so that ASan sees a read or write past it.
 *
 * Beyond "no crash": the argument lies inside the text and has no blank
 * at either end; a conversion that succeeds gives valid UTF-8 of the
 * length it says, without NUL; sms_fit never cuts a character.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/smscmd.h"
#include "util/parse.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
broken(const char *what)
{
	fprintf(stderr, "fuzz_sms: %s\n", what);
	abort();
}

static int
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void
check_parse(const char *text, size_t len)
{
	struct sms_command c;

	smscmd_parse(text, len, &c);
	if (c.cmd < SMS_CMD_UNKNOWN || c.cmd > SMS_CMD_REPORT)
		broken("command out of range");
	if (c.arg == NULL)
		broken("NULL argument");
	if (c.cmd == SMS_CMD_UNKNOWN) {
		if (c.arglen != 0 || c.lang != NULL)
			broken("unknown command with an argument or language");
		return;
	}
	if (c.arg < text || c.arg + c.arglen > text + len)
		broken("argument outside the text");
	if (c.arglen > 0 && (blank(c.arg[0]) || blank(c.arg[c.arglen - 1])))
		broken("argument not trimmed");
	if (c.lang != NULL && strcmp(c.lang, "en") != 0 &&
	    strcmp(c.lang, "fr") != 0)
		broken("keyword language neither en nor fr");
}

static void
check_text(const char *s)
{
	size_t n, len = strlen(s);
	int g = sms_gsm7(s);

	n = sms_fit(s, g);
	if (n > len)
		broken("sms_fit past the end");
	if (utf8_valid(s, len) && !utf8_valid(s, n))
		broken("sms_fit cut a character");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len, cap, outlen;
	char *in, *out;
	int mode, rc = -1;

	if (size < 1)
		return 0;
	mode = data[0] & 3;
	len = size - 1;
	if ((in = malloc(len + 1)) == NULL)
		abort();
	memcpy(in, data + 1, len);
	in[len] = '\0';
	if (mode == 0 || mode == 3) {
		check_parse(in, len);
		check_text(in);
		free(in);
		return 0;
	}
	cap = (data[0] & 4) ? (len % 7) : SMS_TEXT_MAX + 1;
	if ((out = malloc(cap ? cap : 1)) == NULL)
		abort();
	if (mode == 1)
		rc = sms_utf16be_to_utf8((const unsigned char *)in, len, out,
		    cap, &outlen);
	else
		rc = sms_latin1_to_utf8((const unsigned char *)in, len, out,
		    cap, &outlen);
	if (rc == 0) {
		if (outlen >= cap || out[outlen] != '\0' ||
		    strlen(out) != outlen)
			broken("converted length wrong or NUL inside");
		if (!utf8_valid(out, outlen))
			broken("converted text is not UTF-8");
		check_parse(out, outlen);
		check_text(out);
	} else if (rc != -1) {
		broken("conversion returned neither 0 nor -1");
	}
	free(out);
	free(in);
	return 0;
}
