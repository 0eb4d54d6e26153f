/*
 * fuzz_ident.c: identifier normalisation on arbitrary bytes.
 *
 * Input: byte 0 is the kind (1..5 are real kinds; anything else must be
 * refused), byte 1's low bit is allow_partial, the rest is the value up
 * to its first NUL. The value is copied to a heap buffer of its exact
 * size, and the output is a heap buffer of exactly IDENT_NORM_MAX, so
 * that ASan sees any read or write past either.
 *
 * Beyond "no crash", each accepted value must be a fixed point: the
 * normalised form is what is hashed and stored, so normalising it
 * again, under either default country, must change nothing; otherwise
 * the same person would hash two ways.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ident.h"
#include "util/parse.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const countries[] = { "CA", "GB" };

static void
broken(const char *what, enum ident_kind k, const char *value,
    const char *out)
{
	fprintf(stderr, "fuzz_ident: %s (kind %d, value '%s', out '%s')\n",
	    what, (int)k, value, out);
	abort();
}

/* The shape each kind's normalised form promises (ident.h). */
static void
check_shape(enum ident_kind k, int partial, const char *value,
    const char *out)
{
	size_t len = strlen(out), i, digits = 0;
	const char *at;

	if (len == 0)
		broken("empty output", k, value, out);
	for (i = 0; i < len; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			broken("control character in output", k, value, out);
	switch (k) {
	case IDENT_PHONE:
		if (out[0] == '*') {
			if (!partial || len < 5)
				broken("bad suffix pattern", k, value, out);
			for (i = 1; i < len; i++)
				if (!(out[i] >= '0' && out[i] <= '9') &&
				    out[i] != '?')
					broken("phone suffix holds a non-digit",
					    k, value, out);
			break;
		}
		if (out[0] != '+' || out[1] < '1' || out[1] > '9')
			broken("phone not E.164", k, value, out);
		for (i = 1; i < len; i++) {
			if (out[i] == '?' && partial)
				;
			else if (out[i] < '0' || out[i] > '9')
				broken("phone holds a non-digit", k, value,
				    out);
			digits++;
		}
		if (digits < 8 || digits > 15)
			broken("phone length outside 8..15", k, value, out);
		if (out[1] == '1' && digits != 11)
			broken("NANP number without 10 digits", k, value, out);
		if (!partial && strchr(out, '?') != NULL)
			broken("'?' in a whole phone", k, value, out);
		break;
	case IDENT_EMAIL:
		if ((at = strchr(out, '@')) == NULL || at == out ||
		    strchr(at + 1, '@') != NULL || strchr(at, '.') == NULL)
			broken("email without one @ and a dotted domain", k,
			    value, out);
		for (i = 0; i < len; i++)
			if (out[i] == ' ' || (out[i] >= 'A' && out[i] <= 'Z'))
				broken("email holds a space or upper case", k,
				    value, out);
		if (strcmp(at, "@googlemail.com") == 0 ||
		    (strcmp(at, "@gmail.com") == 0 &&
		    strcspn(out, ".+") < (size_t)(at - out)))
			broken("gmail not unified", k, value, out);
		break;
	case IDENT_PLATE:
		if (len < 2 || len > 10)
			broken("plate length outside 2..10", k, value, out);
		for (i = 0; i < len; i++)
			if (!((out[i] >= 'A' && out[i] <= 'Z') ||
			    (out[i] >= '0' && out[i] <= '9') ||
			    (out[i] == '?' && partial)))
				broken("plate holds a bad character", k, value,
				    out);
		break;
	case IDENT_HANDLE:
		if (out[0] == '@' || strchr(out, ' ') != NULL)
			broken("handle holds @ or a space", k, value, out);
		for (i = 0; i < len; i++)
			if (out[i] >= 'A' && out[i] <= 'Z')
				broken("handle holds upper case", k, value, out);
		break;
	case IDENT_NAME:
		if (out[0] == ' ' || out[len - 1] == ' ' ||
		    strstr(out, "  ") != NULL)
			broken("name blanks not collapsed", k, value, out);
		for (i = 0; i < len; i++)
			if (out[i] >= 'A' && out[i] <= 'Z')
				broken("name holds upper case", k, value, out);
		break;
	default:
		broken("an unknown kind was accepted", k, value, out);
	}
}

/*
 * Normalising out again, with either country, gives out back. A whole
 * value stays whole even without allow_partial (an alert stores what a
 * screen produced). A pattern is re-read with allow_partial and must stay
 * the same pattern: "*0142" and "+1604555??42" are fixed points too.
 */
static void
check_fixed_point(enum ident_kind k, int partial, const char *value,
    const char *out)
{
	char *again = malloc(IDENT_NORM_MAX);
	const char *why = NULL;
	size_t c;
	int p2;

	if (again == NULL)
		abort();
	for (c = 0; c < sizeof(countries) / sizeof(countries[0]); c++) {
		if (ident_normalize(k, out, countries[c], partial, again, &p2,
		    &why) != 0) {
			fprintf(stderr, "fuzz_ident: refused again: %s\n",
			    why ? why : "(no reason)");
			broken("normalised value refused", k, value, out);
		}
		if (strcmp(again, out) != 0)
			broken("not idempotent", k, value, again);
		if (p2 != partial)
			broken("partial flag changed", k, value, out);
	}
	free(again);
	if (!partial && !ident_match(out, out))
		broken("a whole value does not match itself", k, value, out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum ident_kind k;
	int allow_partial, partial, rc;
	char *value, *out;
	const char *why;
	size_t c, vlen;

	if (size < 2)
		return 0;
	k = (enum ident_kind)data[0];
	allow_partial = data[1] & 1;
	vlen = size - 2;
	if ((value = malloc(vlen + 1)) == NULL ||
	    (out = malloc(IDENT_NORM_MAX)) == NULL)
		abort();
	memcpy(value, data + 2, vlen);
	value[vlen] = '\0';

	for (c = 0; c < sizeof(countries) / sizeof(countries[0]); c++) {
		memset(out, 0xa5, IDENT_NORM_MAX);
		why = NULL;
		partial = -1;
		rc = ident_normalize(k, value, countries[c], allow_partial, out,
		    &partial, &why);
		if (rc != 0) {
			if (rc != -1 || why == NULL || why[0] == '\0')
				broken("error without a reason", k, value, "");
			if (partial != 0)
				broken("partial set on error", k, value, "");
			continue;
		}
		if (memchr(out, '\0', IDENT_NORM_MAX) == NULL)
			broken("output not NUL-terminated", k, value, "");
		if (strlen(out) >= IDENT_NORM_MAX)
			broken("output too long", k, value, out);
		if (!utf8_valid(out, strlen(out)))
			broken("output not UTF-8", k, value, out);
		if (partial != 0 && partial != 1)
			broken("partial neither 0 nor 1", k, value, out);
		if (partial && !allow_partial)
			broken("pattern without allow_partial", k, value, out);
		check_shape(k, partial, value, out);
		check_fixed_point(k, partial, value, out);
	}
	free(out);
	free(value);
	return 0;
}
