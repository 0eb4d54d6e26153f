/*
 * static.c: GET /static/{name}, the files of src/web/static embedded in
 * the binary. The name is only ever compared with the table, never used
 * as a path, so there is nothing to traverse.
 */
#include <string.h>

#include "web/assets.h"
#include "web/web_internal.h"
#include "util/banned.h"

static const struct {
	const char	*ext;
	const char	*type;
} content_types[] = {
	{ ".css",	"text/css; charset=utf-8" },
	{ ".js",	"text/javascript; charset=utf-8" },
	{ ".svg",	"image/svg+xml" },
	{ ".png",	"image/png" },
	{ ".ico",	"image/vnd.microsoft.icon" },
	{ ".woff2",	"font/woff2" },
	{ ".txt",	"text/plain; charset=utf-8" },
};

static const char *
content_type(const char *name)
{
	size_t n = strlen(name), i;

	for (i = 0; i < sizeof(content_types) / sizeof(content_types[0]);
	    i++) {
		size_t e = strlen(content_types[i].ext);

		if (n > e && strcmp(name + n - e, content_types[i].ext) == 0)
			return content_types[i].type;
	}
	return "application/octet-stream";
}

int
web_static(struct http_req *r, struct http_resp *w)
{
	const char *name = r->nparams > 0 ? r->params[0] : NULL;
	const struct asset *a;

	if (w->body.alloc == 0)
		buf_init(&w->body, BUF_CAP_LARGE);
	for (a = assets; name != NULL && a->name != NULL; a++)
		if (strcmp(a->name, name) == 0)
			break;
	if (name == NULL || a->name == NULL) {
		w->status = 404;
		w->content_type = "text/plain; charset=utf-8";
		buf_reset(&w->body);
		return buf_adds(&w->body, "not found\n");
	}
	w->status = 200;
	w->content_type = content_type(a->name);
	resp_header(w, "Cache-Control", "public, max-age=86400");
	buf_reset(&w->body);
	return buf_add(&w->body, a->data, a->len);
}
