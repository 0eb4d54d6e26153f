/*
 * json.c: parsing an API request body and checking it against the
 * route's declaration, so that a handler only ever sees members it
 * declared, of the declared types and sizes.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "http/http.h"
#include "http/http_int.h"
#include "util/limits.h"
#include "util/banned.h"

#define NAME_SHOWN	64

struct ctx {
	struct arena	*a;
	const char	*field;
	const char	*msg;
};

static const struct field_spec *
spec_find(const struct field_spec *spec, const char *name)
{
	const struct field_spec *f;

	for (f = spec; f != NULL && f->name != NULL; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

/* Deeper than the limit? The walk stops one level past it, so its own
 * recursion is bounded whatever jansson accepted. */
static int
too_deep(json_t *j, int depth)
{
	const char *key;
	json_t *v;
	size_t i;

	if (!json_is_object(j) && !json_is_array(j))
		return 0;
	if (depth > LIMIT_JSON_DEPTH)
		return 1;
	if (json_is_object(j)) {
		json_object_foreach(j, key, v)
			if (too_deep(v, depth + 1))
				return 1;
	} else {
		json_array_foreach(j, i, v)
			if (too_deep(v, depth + 1))
				return 1;
	}
	return 0;
}

/* prefix + name, cut for display on a UTF-8 boundary. */
static const char *
full_name(struct arena *a, const char *prefix, const char *name)
{
	size_t n = strlen(name);

	if (n > NAME_SHOWN) {
		n = NAME_SHOWN;
		while (n > 0 && ((unsigned char)name[n] & 0xc0) == 0x80)
			n--;
	}
	return arena_printf(a, "%s%.*s", prefix, (int)n, name);
}

static int
fail(struct ctx *c, const char *field, const char *msg)
{
	c->field = field;
	c->msg = msg;
	return -1;
}

static int	check_object(struct ctx *c, json_t *obj,
		    const struct field_spec *spec, const char *prefix);

static int
check_value(struct ctx *c, const struct field_spec *f, const char *name,
    json_t *v)
{
	struct arena *a = c->a;
	const char *err, *item;
	json_t *e;
	size_t i, max;

	switch (f->type) {
	case F_STRING:
	case F_TEXT:
		if (!json_is_string(v))
			return fail(c, name, arena_printf(a,
			    "'%s' must be a string", name));
		max = f->maxlen ? f->maxlen : LIMIT_TEXT_BYTES;
		err = field_check_string(a, f, name, json_string_value(v),
		    json_string_length(v), max);
		if (err != NULL)
			return fail(c, name, err);
		return 0;
	case F_INT:
		if (!json_is_integer(v))
			return fail(c, name, arena_printf(a,
			    "'%s' must be an integer", name));
		return 0;
	case F_BOOL:
		if (!json_is_boolean(v))
			return fail(c, name, arena_printf(a,
			    "'%s' must be true or false", name));
		return 0;
	case F_LIST:
		if (!json_is_array(v))
			return fail(c, name, arena_printf(a,
			    "'%s' must be a list of strings", name));
		max = f->maxlen ? f->maxlen : LIMIT_LIST_ITEMS;
		if (json_array_size(v) > max)
			return fail(c, name, arena_printf(a,
			    "'%s' has more than %zu items", name, max));
		json_array_foreach(v, i, e) {
			item = arena_printf(a, "%s[%zu]", name, i);
			if (!json_is_string(e))
				return fail(c, item, arena_printf(a,
				    "'%s' must be a string", item));
			err = field_check_string(a, f, item,
			    json_string_value(e), json_string_length(e),
			    LIMIT_TEXT_BYTES);
			if (err != NULL)
				return fail(c, item, err);
		}
		return 0;
	case F_OBJECT:
		if (!json_is_object(v))
			return fail(c, name, arena_printf(a,
			    "'%s' must be an object", name));
		return check_object(c, v, f->sub, arena_printf(a, "%s.",
		    name));
	case F_OBJECT_LIST:
		if (!json_is_array(v))
			return fail(c, name, arena_printf(a,
			    "'%s' must be a list of objects", name));
		max = f->maxlen ? f->maxlen : LIMIT_LIST_ITEMS;
		if (json_array_size(v) > max)
			return fail(c, name, arena_printf(a,
			    "'%s' has more than %zu items", name, max));
		json_array_foreach(v, i, e) {
			item = arena_printf(a, "%s[%zu]", name, i);
			if (!json_is_object(e))
				return fail(c, item, arena_printf(a,
				    "'%s' must be an object", item));
			if (check_object(c, e, f->sub, arena_printf(a, "%s.",
			    item)) == -1)
				return -1;
		}
		return 0;
	}
	return fail(c, name, arena_printf(a, "'%s' is not accepted", name));
}

static int
check_object(struct ctx *c, json_t *obj, const struct field_spec *spec,
    const char *prefix)
{
	const struct field_spec *f;
	const char *key, *name;
	json_t *v;

	json_object_foreach(obj, key, v) {
		f = spec_find(spec, key);
		if (f == NULL) {
			name = full_name(c->a, prefix, key);
			return fail(c, name, arena_printf(c->a,
			    "unknown field '%s'", name));
		}
		/* An optional member given as null counts as absent. */
		if (json_is_null(v) && !f->required)
			continue;
		/* Top-level names need no copy: one less format for every
		 * field of every request. */
		name = *prefix != '\0' ? arena_printf(c->a, "%s%s", prefix,
		    f->name) : f->name;
		if (json_is_null(v))
			return fail(c, name, arena_printf(c->a,
			    "'%s' is required", name));
		if (check_value(c, f, name, v) == -1)
			return -1;
	}
	for (f = spec; f != NULL && f->name != NULL; f++) {
		if (!f->required || json_object_get(obj, f->name) != NULL)
			continue;
		name = arena_printf(c->a, "%s%s", prefix, f->name);
		return fail(c, name, arena_printf(c->a, "'%s' is required",
		    name));
	}
	return 0;
}

static const char *
parse_error(struct arena *a, const json_error_t *err)
{
	switch (json_error_code(err)) {
	case json_error_invalid_utf8:
		return "request body is not valid UTF-8 JSON";
	case json_error_duplicate_key:
		return arena_printf(a, "request body has the same field twice "
		    "(line %d, column %d)", err->line, err->column);
	case json_error_null_character:
		return "request body must not contain \\u0000";
	case json_error_numeric_overflow:
		return arena_printf(a, "request body has a number too large "
		    "(line %d, column %d)", err->line, err->column);
	default:
		return arena_printf(a, "request body is not valid JSON "
		    "(line %d, column %d)", err->line, err->column);
	}
}

int
json_decode_body(struct arena *a, const char *body, size_t len,
    const struct field_spec *spec, json_t **out, const char **field,
    const char **msg)
{
	struct ctx c = { a, NULL, NULL };
	json_error_t err;
	json_t *j = NULL;
	int rc = 400;

	*out = NULL;
	*field = NULL;
	*msg = NULL;
	memset(&err, 0, sizeof(err));
	if (len > LIMIT_BODY_BYTES) {
		*msg = arena_printf(a, "request body is larger than %d bytes",
		    LIMIT_BODY_BYTES);
		return 413;
	}
	/* No body at all is an empty object: fine when nothing is
	 * required, and a clear "'x' is required" otherwise. */
	if (len == 0)
		j = json_object();
	else
		j = json_loadb(body, len, JSON_REJECT_DUPLICATES |
		    JSON_DECODE_ANY, &err);
	if (j == NULL) {
		*msg = parse_error(a, &err);
		goto out;
	}
	if (!json_is_object(j)) {
		*msg = "request body must be a JSON object";
		goto out;
	}
	if (too_deep(j, 1)) {
		*msg = arena_printf(a, "request body is nested deeper than "
		    "%d levels", LIMIT_JSON_DEPTH);
		goto out;
	}
	if (check_object(&c, j, spec, "") == -1) {
		*field = c.field;
		*msg = c.msg;
		goto out;
	}
	*out = j;
	j = NULL;
	rc = 0;
out:
	json_decref(j);
	return rc;
}
