/*
 * form.c: application/x-www-form-urlencoded decoding (bodies of web forms
 * and every query string) and validation of the decoded pairs against a
 * route's declarations.
 */
#include <stdio.h>
#include <string.h>

#include "http/http.h"
#include "http/http_int.h"
#include "util/limits.h"
#include "util/parse.h"
#include "util/banned.h"

/* Names echoed in messages are cut to this many bytes, so a client cannot
 * make an error answer as large as its request. */
#define NAME_SHOWN	64

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decode s[0..len) as bytes; NULL when an escape is malformed. */
static char *
unescape_bytes(struct arena *a, const char *s, size_t len, size_t *outlen)
{
	char *out = arena_alloc(a, len + 1);
	size_t i, o = 0;
	int hi, lo;

	for (i = 0; i < len; i++) {
		if (s[i] == '+') {
			out[o++] = ' ';
		} else if (s[i] == '%') {
			if (len - i < 3)
				return NULL;
			hi = hexval((unsigned char)s[i + 1]);
			lo = hexval((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0)
				return NULL;
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	*outlen = o;
	return out;
}

/* Percent-decode s[0..len) into a fresh arena string; NULL when an escape
 * is malformed or the result is not UTF-8 (which also refuses %00). */
static char *
unescape(struct arena *a, const char *s, size_t len)
{
	size_t o;
	char *out = unescape_bytes(a, s, len, &o);

	if (out == NULL || !utf8_valid(out, o))
		return NULL;
	return out;
}

const struct field_spec http_query_raw[] = {
	{ NULL, 0, 0, 0, NULL, NULL }
};

int
form_get_bytes(struct arena *a, const char *qs, const char *name, char **out,
    size_t *len)
{
	const char *p, *end, *amp, *eq;
	size_t nlen = strlen(name);

	*out = NULL;
	*len = 0;
	end = qs + strnlen(qs, LIMIT_URL_BYTES);
	for (p = qs; p < end; p = amp + 1) {
		amp = memchr(p, '&', (size_t)(end - p));
		if (amp == NULL)
			amp = end;
		eq = memchr(p, '=', (size_t)(amp - p));
		if (eq == NULL || (size_t)(eq - p) != nlen ||
		    memcmp(p, name, nlen) != 0)
			continue;
		*out = unescape_bytes(a, eq + 1, (size_t)(amp - eq - 1), len);
		return *out != NULL ? 1 : -1;
	}
	return 0;
}

int
form_decode(struct arena *a, const char *s, size_t len, struct kv **out)
{
	struct kv *kv;
	const char *p, *end, *amp, *eq;
	size_t n = 0;

	*out = NULL;
	if (len == 0)
		return 0;
	kv = arena_alloc(a, LIMIT_FORM_FIELDS * sizeof(*kv));
	for (p = s, end = s + len; p < end; p = amp + 1) {
		amp = memchr(p, '&', (size_t)(end - p));
		if (amp == NULL)
			amp = end;
		if (amp == p)
			continue;	/* "a=1&&b=2": an empty pair */
		if (n == LIMIT_FORM_FIELDS)
			return -1;
		eq = memchr(p, '=', (size_t)(amp - p));
		if (eq == p)
			return -1;	/* no name */
		if (eq == NULL) {
			kv[n].key = unescape(a, p, (size_t)(amp - p));
			kv[n].value = "";
		} else {
			kv[n].key = unescape(a, p, (size_t)(eq - p));
			kv[n].value = unescape(a, eq + 1,
			    (size_t)(amp - eq - 1));
		}
		if (kv[n].key == NULL || kv[n].value == NULL ||
		    kv[n].key[0] == '\0')
			return -1;
		n++;
	}
	*out = n ? kv : NULL;
	return (int)n;
}

/* The length of s when shown in a message: at most NAME_SHOWN bytes, cut
 * on a UTF-8 character boundary. */
static int
shown(const char *s)
{
	size_t n = strlen(s);

	if (n <= NAME_SHOWN)
		return (int)n;
	n = NAME_SHOWN;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return (int)n;
}

const char *
field_check_string(struct arena *a, const struct field_spec *f,
    const char *name, const char *s, size_t len, size_t maxlen)
{
	const char *msg;

	if (len > maxlen)
		return arena_printf(a, "'%.*s' is longer than %zu bytes",
		    shown(name), name, maxlen);
	if (!text_valid(s, len, f->type == F_TEXT))
		return arena_printf(a, "'%.*s' must be %s", shown(name), name,
		    f->type == F_TEXT ? "text without control characters" :
		    "one line of text without control characters");
	if (f->validate != NULL && (msg = f->validate(s)) != NULL)
		return msg;
	return NULL;
}

static const struct field_spec *
spec_find(const struct field_spec *spec, const char *name)
{
	const struct field_spec *f;

	for (f = spec; f != NULL && f->name != NULL; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

static int
bool_word(const char *s)
{
	static const char *const words[] = { "on", "1", "true", "yes", "off",
	    "0", "false", "no", NULL };
	size_t i;

	for (i = 0; words[i] != NULL; i++)
		if (strcmp(s, words[i]) == 0)
			return 1;
	return 0;
}

int
form_validate_as(struct arena *a, const struct kv *kv, size_t n,
    const struct field_spec *spec, const char *noun, const char *implicit,
    const char **field, const char **msg)
{
	const struct field_spec *f;
	const char *err, *e;
	size_t i, j, count, max;
	long long v;

	*field = NULL;
	*msg = NULL;
	for (i = 0; i < n; i++) {
		if (implicit != NULL && strcmp(kv[i].key, implicit) == 0 &&
		    spec_find(spec, implicit) == NULL)
			continue;
		f = spec_find(spec, kv[i].key);
		if (f == NULL) {
			*field = arena_strndup(a, kv[i].key,
			    (size_t)shown(kv[i].key));
			*msg = arena_printf(a, "unknown %s '%s'", noun, *field);
			return 400;
		}
		count = 0;
		for (j = 0; j < n; j++)
			if (strcmp(kv[j].key, f->name) == 0)
				count++;
		*field = f->name;
		switch (f->type) {
		case F_STRING:
		case F_TEXT:
			max = f->maxlen ? f->maxlen : LIMIT_TEXT_BYTES;
			err = field_check_string(a, f, f->name, kv[i].value,
			    strlen(kv[i].value), max);
			break;
		case F_INT:
			err = NULL;
			if (parse_int(kv[i].value, INT64_MIN, INT64_MAX, &v,
			    &e) == -1)
				err = arena_printf(a,
				    "'%s' must be a whole number", f->name);
			else if (f->validate != NULL)
				err = f->validate(kv[i].value);
			break;
		case F_BOOL:
			err = NULL;
			if (!bool_word(kv[i].value))
				err = arena_printf(a, "'%s' must be on or off",
				    f->name);
			break;
		case F_LIST:
			max = f->maxlen ? f->maxlen : LIMIT_LIST_ITEMS;
			err = NULL;
			if (count > max)
				err = arena_printf(a,
				    "'%s' has more than %zu items", f->name,
				    max);
			else
				err = field_check_string(a, f, f->name,
				    kv[i].value, strlen(kv[i].value),
				    LIMIT_TEXT_BYTES);
			break;
		default:
			err = arena_printf(a, "'%s' cannot be sent in a form",
			    f->name);
			break;
		}
		if (err == NULL && f->type != F_LIST && count > 1)
			err = arena_printf(a, "'%s' was given more than once",
			    f->name);
		if (err != NULL) {
			*msg = err;
			return 400;
		}
	}
	for (f = spec; f != NULL && f->name != NULL; f++) {
		if (!f->required)
			continue;
		for (i = 0; i < n; i++)
			if (strcmp(kv[i].key, f->name) == 0)
				break;
		if (i == n) {
			*field = f->name;
			*msg = arena_printf(a, "'%s' is required", f->name);
			return 400;
		}
	}
	*field = NULL;
	return 0;
}

int
form_validate(const struct kv *kv, size_t n, const struct field_spec *spec,
    const char **field, const char **msg)
{
	/* The messages must outlive this call, and this signature has no
	 * arena: a per-thread copy holds the last one. */
	static _Thread_local char fieldbuf[NAME_SHOWN + 1];
	static _Thread_local char msgbuf[256];
	struct arena a;
	int rc;

	arena_init(&a);
	rc = form_validate_as(&a, kv, n, spec, "field", NULL, field, msg);
	if (rc != 0) {
		if (*field != NULL) {
			snprintf(fieldbuf, sizeof(fieldbuf), "%s", *field);
			*field = fieldbuf;
		}
		snprintf(msgbuf, sizeof(msgbuf), "%s", *msg);
		*msg = msgbuf;
	}
	arena_release(&a);
	return rc;
}
