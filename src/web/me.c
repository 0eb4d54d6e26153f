/*
 * me.c: what a member decides about her own account: the regions whose
 * alerts she receives (GET and POST /me/regions), and deleting the account
 * with everything that is hers (GET and POST /me/delete).
 */
#include <stdio.h>
#include <string.h>

#include "core/help.h"
#include "util/limits.h"
#include "web/web.h"
#include "web/web_internal.h"
#include "util/banned.h"

const struct field_spec web_f_me_regions[] = {
	{ "regions", F_LIST, 0, LIMIT_LIST_ITEMS, NULL, NULL },
	END_FIELD
};

const struct field_spec web_f_me_delete[] = {
	{ "confirm", F_STRING, 0, 8, NULL, NULL },
	END_FIELD
};

static int
account_fail(struct http_req *r, struct http_resp *w, int rc)
{
	if (rc == ACCOUNT_UNAVAILABLE) {
		resp_header(w, "Retry-After", "5");
		return web_error(r, w, 503, WEB_MSG_BUSY);
	}
	return -1;
}

/* GET and POST /me/regions */

/* The page with mine ticked; saved says the choice was just stored,
 * error (a msgid) that it was refused. */
static int
regions_page(struct http_req *r, struct http_resp *w,
    const char *const *mine, size_t nmine, int saved, const char *error)
{
	struct buf *b = &w->body;
	struct region *regs;
	size_t nregs, i;
	char id[48];
	int rc;

	if ((rc = region_list(r->app, r->store, r->arena, &regs, &nregs)) !=
	    ACCOUNT_OK)
		return account_fail(r, w, rc);
	region_sort(r->lang, regs, nregs);
	page_begin(r, w, N_("My regions"));
	html_printf(b, r->lang, "<h1>%t</h1>\n<p>%t</p>\n", N_("My regions"),
	    N_("You get the alerts of the regions you choose here, on the "
	    "Alerts page and in your feed."));
	if (saved)
		html_printf(b, r->lang, "<p class=ok role=status id=saved>%t"
		    "</p>\n", N_("Your regions have been saved."));
	web_form_begin(r, b, "/me/regions", NULL);
	web_group_begin(b, r->lang, "regions", N_("Regions"),
	    N_("Tick all that apply."), error);
	for (i = 0; i < nregs; i++) {
		snprintf(id, sizeof(id), "reg-%s", regs[i].code);
		web_check_text(b, r->lang, "checkbox", "regions", id,
		    regs[i].code, regs[i].name, web_listed(mine, nmine,
		    regs[i].code));
	}
	web_group_end(b);
	web_form_end(r, b, N_("Save my regions"));
	return web_finish(r, w);
}

int
web_me_regions(struct http_req *r, struct http_resp *w)
{
	const char **mine;
	size_t n;
	int rc;

	if ((rc = account_regions(r->app, r->store, r->arena, &r->auth, &mine,
	    &n)) != ACCOUNT_OK)
		return account_fail(r, w, rc);
	return regions_page(r, w, mine, n, 0, NULL);
}

int
web_me_regions_post(struct http_req *r, struct http_resp *w)
{
	const char *codes[LIMIT_LIST_ITEMS];
	size_t n = req_form_all(r, "regions", codes, LIMIT_LIST_ITEMS);
	int rc;

	rc = account_set_regions(r->app, r->store, &r->auth, codes, n);
	if (rc == ACCOUNT_OK)
		return regions_page(r, w, codes, n, 1, NULL);
	if (rc == ACCOUNT_BAD_REGION)
		return regions_page(r, w, codes, n, 0,
		    account_strerror(ACCOUNT_BAD_REGION));
	return account_fail(r, w, rc);
}

/* GET and POST /me/delete */

static void
delete_page(struct http_req *r, struct http_resp *w, const char *error)
{
	struct buf *b = &w->body;

	page_begin(r, w, N_("Delete my account"));
	html_printf(b, r->lang, "<h1>%t</h1>\n<p>%t</p>\n<ul>\n<li>%t</li>\n"
	    "<li>%t</li>\n<li>%t</li>\n</ul>\n<p>%t</p>\n",
	    N_("Delete my account"),
	    N_("This erases your account and everything that is yours:"),
	    N_("your reports, with everything in them"),
	    N_("your feed address and your choice of regions"),
	    N_("your name and password: you will not be able to sign in "
	    "again"),
	    N_("Alerts already sent stay, because they never say who "
	    "reported. Counts in the statistics stay too; they hold no "
	    "details. This cannot be undone."));
	web_form_begin(r, b, "/me/delete", NULL);
	web_group_begin(b, r->lang, "confirm-group", N_("Are you sure?"), NULL,
	    error);
	web_check(b, r->lang, "checkbox", "confirm", "confirm", "yes",
	    N_("Yes, delete my account and everything in it"), 0);
	web_group_end(b);
	html_printf(b, r->lang, "<button type=submit class=danger>%t</button>\n"
	    "</form>\n<p><a href=/home>%t</a></p>\n",
	    N_("Delete my account for good"), N_("Keep my account"));
}

int
web_me_delete(struct http_req *r, struct http_resp *w)
{
	delete_page(r, w, NULL);
	return web_finish(r, w);
}

int
web_me_delete_post(struct http_req *r, struct http_resp *w)
{
	int rc;

	if (!web_checked(req_form(r, "confirm"))) {
		delete_page(r, w, N_("Tick the box to say you are sure."));
		return web_finish(r, w);
	}
	if ((rc = account_delete(r->app, r->store, &r->auth)) != REPORT_OK)
		return web_report_fail(r, w, rc);
	/* The core ended her sessions; the cookie goes too, so a shared
	 * phone is left signed out. */
	resp_cookie(r, w, "lk_session", "", 0);
	resp_redirect(w, "/");
	return 0;
}
