/*
 * fuzz_body.c: request bodies, both ways a client can send one: as a
 * urlencoded form (form_decode, then form_validate) and as JSON
 * (json_decode_body against a spec shaped like a report, with a nested
 * object and a list of objects). Neither may crash, leak or accept
 * something that breaks its promises.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "http/http.h"
#include "util/arena.h"
#include "util/limits.h"
#include "util/parse.h"
#include "util/banned.h"

static const struct field_spec offender[] = {
	{ "age_range", F_STRING, 0, 16, NULL, NULL },
	{ "gender", F_STRING, 0, 32, NULL, NULL },
	{ "marks", F_TEXT, 0, 0, NULL, NULL },
	{ NULL, 0, 0, 0, NULL, NULL },
};

static const struct field_spec identifier[] = {
	{ "kind", F_STRING, 1, 16, NULL, NULL },
	{ "value", F_STRING, 1, LIMIT_IDENT_BYTES, NULL, NULL },
	{ NULL, 0, 0, 0, NULL, NULL },
};

static const struct field_spec consent[] = {
	{ "alert", F_BOOL, 1, 0, NULL, NULL },
	{ "police", F_STRING, 1, 16, NULL, NULL },
	{ "share_orgs", F_BOOL, 0, 0, NULL, NULL },
	{ NULL, 0, 0, 0, NULL, NULL },
};

static const struct field_spec report[] = {
	{ "types", F_LIST, 1, 0, NULL, NULL },
	{ "occurred_on", F_STRING, 1, 10, NULL, NULL },
	{ "time_window", F_STRING, 0, 16, NULL, NULL },
	{ "region", F_STRING, 1, LIMIT_CODE_BYTES, NULL, NULL },
	{ "area", F_STRING, 0, 0, NULL, NULL },
	{ "offender", F_OBJECT, 0, 0, offender, NULL },
	{ "identifiers", F_OBJECT_LIST, 0, 0, identifier, NULL },
	{ "narrative", F_TEXT, 0, LIMIT_NARRATIVE_BYTES, NULL, NULL },
	{ "consent", F_OBJECT, 1, 0, consent, NULL },
	{ "hold_until_matched", F_BOOL, 0, 0, NULL, NULL },
	{ "count", F_INT, 0, 0, NULL, NULL },
	{ NULL, 0, 0, 0, NULL, NULL },
};

static const struct field_spec form[] = {
	{ "csrf", F_STRING, 0, 64, NULL, NULL },
	{ "name", F_STRING, 1, LIMIT_NAME_BYTES, NULL, NULL },
	{ "narrative", F_TEXT, 0, 0, NULL, NULL },
	{ "types", F_LIST, 0, 0, NULL, NULL },
	{ "n", F_INT, 0, 0, NULL, NULL },
	{ "ok", F_BOOL, 0, 0, NULL, NULL },
	{ NULL, 0, 0, 0, NULL, NULL },
};

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *field, *msg;
	struct arena a;
	struct kv *kv;
	json_t *j;
	int n, i, rc;

	arena_init(&a);
	n = form_decode(&a, s, size, &kv);
	if (n > LIMIT_FORM_FIELDS)
		abort();
	for (i = 0; i < n; i++) {
		/* Decoded pairs are UTF-8 without NUL, keys non-empty. */
		if (kv[i].key[0] == '\0' ||
		    !utf8_valid(kv[i].key, strlen(kv[i].key)) ||
		    !utf8_valid(kv[i].value, strlen(kv[i].value)))
			abort();
	}
	if (n >= 0) {
		rc = form_validate(kv, (size_t)n, form, &field, &msg);
		if (rc != 0 && (rc != 400 || msg == NULL))
			abort();
	}

	rc = json_decode_body(&a, s, size, report, &j, &field, &msg);
	if (rc == 0) {
		if (!json_is_object(j) || json_object_get(j, "region") ==
		    NULL)
			abort();
		json_decref(j);
	} else if (j != NULL || msg == NULL || (rc != 400 && rc != 413)) {
		abort();
	}
	arena_release(&a);
	return 0;
}
