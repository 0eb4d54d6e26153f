/*
 * web_internal.h: helpers shared by the page files of src/web. Nothing
 * outside src/web includes this.
 */
#ifndef LOOKOUT_WEB_INTERNAL_H
#define LOOKOUT_WEB_INTERNAL_H

#include "http/http.h"

/* How long the lk_lang cookie remembers a language picked with ?lang=. */
#define LANG_COOKIE_SECONDS	(365L * 24 * 3600)

/* GET /static/{name}: the embedded assets of src/web/static. */
int	web_static(struct http_req *r, struct http_resp *w);

#endif
