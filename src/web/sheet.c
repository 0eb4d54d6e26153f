/*
 * sheet.c: the printed bad-date sheet as a download for staff
 * (GET /alerts/sheet.pdf?region=CODE&since=DATE&language=LANG), asked
 * for from the form on the alerts page. The PDF itself is print/'s.
 *
 * The sheet is in the language asked for, or else the page's: staff
 * often print for workers who read another language than they do, and
 * ?lang= would switch the staff member's own pages too.
 */
#include <string.h>

#include "core/account.h"
#include "print/sheet.h"
#include "util/limits.h"
#include "util/parse.h"
#include "web/web.h"
#include "web/web_internal.h"
#include "util/banned.h"

static const char *
valid_date(const char *v)
{
	int y, m, d;

	if (*v == '\0' || parse_date(v, &y, &m, &d) == 0)
		return NULL;
	return "give the date as YYYY-MM-DD";
}

static const char *
valid_lang(const char *v)
{
	size_t i;

	for (i = 0; langs[i] != NULL; i++)
		if (strcmp(langs[i], v) == 0)
			return NULL;
	return "unknown language";
}

const struct field_spec web_q_sheet[] = {
	{ "region", F_STRING, 0, LIMIT_CODE_BYTES, NULL, NULL },
	{ "since", F_STRING, 0, 10, NULL, valid_date },
	{ "language", F_STRING, 0, 8, NULL, valid_lang },
	END_FIELD
};

int
web_alerts_sheet(struct http_req *r, struct http_resp *w)
{
	const char *lang = req_query(r, "language");
	struct report_err err;
	struct sheet sh;
	int rc;

	memset(&err, 0, sizeof(err));
	rc = sheet_load(r->app, r->store, r->arena, &r->auth,
	    req_query(r, "region"), req_query(r, "since"), &sh, &err);
	if (rc == REPORT_INVALID)
		return web_error(r, w, 400, err.msg != NULL ? err.msg :
		    WEB_MSG_BAD_REQUEST);
	if (rc != REPORT_OK)
		return web_report_fail(r, w, rc);
	sh.lang = lang != NULL && *lang != '\0' ? lang : r->lang;
	buf_reset(&w->body);
	if (sheet_print(&sh, &w->body, NULL) != 0)
		return -1;
	w->status = 200;
	w->content_type = "application/pdf";
	/* Only a well-formed code goes into the header (the date was
	 * parsed already). */
	resp_header(w, "Content-Disposition", arena_printf(r->arena,
	    "attachment; filename=\"lookout-sheet-%s-%s.pdf\"",
	    region_code_valid(sh.region_code) ? sh.region_code : "all",
	    sh.since));
	return 0;
}
