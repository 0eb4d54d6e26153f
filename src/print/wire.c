/*
 * wire.c: a struct sheet as lookout-sheet's request (render.h), in JSON
 * written and read by jansson. Both programs link it.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "print/render.h"
#include "util/log.h"
#include "util/banned.h"

static json_t *
str(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

int
sheet_encode(const struct sheet *sh, struct buf *out)
{
	json_t *o, *alerts, *al, *regs;
	char *text = NULL;
	size_t i, j;
	int rc = -1;

	o = json_object();
	json_object_set_new(o, "lang", str(sh->lang));
	json_object_set_new(o, "region_code", str(sh->region_code));
	json_object_set_new(o, "region_name", str(sh->region_name));
	json_object_set_new(o, "since", str(sh->since));
	json_object_set_new(o, "until", str(sh->until));
	json_object_set_new(o, "report_url", str(sh->report_url));
	json_object_set_new(o, "url_relative", json_boolean(sh->url_relative));
	json_object_set_new(o, "paper", json_string(sh->paper == SHEET_LETTER ?
	    "Letter" : "A4"));
	alerts = json_array();
	for (i = 0; i < sh->n; i++) {
		const struct alert *a = &sh->alerts[i];

		al = json_object();
		json_object_set_new(al, "summary", str(a->summary));
		json_object_set_new(al, "severity", str(a->severity));
		json_object_set_new(al, "issued_on", str(a->issued_on));
		json_object_set_new(al, "types", json_integer(a->types));
		regs = json_array();
		for (j = 0; j < a->nregions; j++)
			json_array_append_new(regs, str(a->regions[j]));
		json_object_set_new(al, "regions", regs);
		json_array_append_new(alerts, al);
	}
	json_object_set_new(o, "alerts", alerts);
	text = json_dumps(o, JSON_COMPACT);
	if (text != NULL && buf_adds(out, text) == 0)
		rc = 0;
	free(text);
	json_decref(o);
	return rc;
}

/* A string member, copied into a; NULL when null or missing. */
static int
get_str(json_t *o, const char *key, struct arena *a, const char **out)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	*out = arena_strndup(a, json_string_value(v), json_string_length(v));
	return 0;
}

int
sheet_decode(const char *text, size_t len, struct arena *a,
    struct sheet *sh)
{
	json_t *o, *alerts, *v, *regs;
	json_error_t jerr;
	struct alert *al;
	const char *paper;
	size_t i, j;
	int rc = -1;

	memset(sh, 0, sizeof(*sh));
	if ((o = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr)) ==
	    NULL) {
		log_error("sheet: the request is not JSON: %s", jerr.text);
		return -1;
	}
	if (!json_is_object(o) ||
	    get_str(o, "lang", a, &sh->lang) ||
	    get_str(o, "region_code", a, &sh->region_code) ||
	    get_str(o, "region_name", a, &sh->region_name) ||
	    get_str(o, "since", a, &sh->since) ||
	    get_str(o, "until", a, &sh->until) ||
	    get_str(o, "report_url", a, &sh->report_url) ||
	    get_str(o, "paper", a, &paper) || sh->report_url == NULL ||
	    !json_is_array(alerts = json_object_get(o, "alerts")))
		goto bad;
	sh->url_relative = json_is_true(json_object_get(o, "url_relative"));
	sh->paper = paper != NULL && strcmp(paper, "Letter") == 0 ?
	    SHEET_LETTER : SHEET_A4;
	sh->n = json_array_size(alerts);
	al = arena_alloc(a, sizeof(*al) * (sh->n + 1));
	for (i = 0; i < sh->n; i++) {
		v = json_array_get(alerts, i);
		if (!json_is_object(v) ||
		    get_str(v, "summary", a, &al[i].summary) ||
		    get_str(v, "severity", a, &al[i].severity) ||
		    get_str(v, "issued_on", a, &al[i].issued_on) ||
		    !json_is_integer(json_object_get(v, "types")) ||
		    !json_is_array(regs = json_object_get(v, "regions")))
			goto bad;
		al[i].types = json_integer_value(json_object_get(v, "types"));
		al[i].nregions = json_array_size(regs);
		al[i].regions = arena_alloc(a, sizeof(*al[i].regions) *
		    (al[i].nregions + 1));
		for (j = 0; j < al[i].nregions; j++) {
			json_t *r = json_array_get(regs, j);

			if (!json_is_string(r))
				goto bad;
			al[i].regions[j] = arena_strdup(a,
			    json_string_value(r));
		}
	}
	sh->alerts = al;
	rc = 0;
	goto out;
bad:
	log_error("sheet: the request is not a sheet");
out:
	json_decref(o);
	return rc;
}
