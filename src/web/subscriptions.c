/*
 * subscriptions.c: how alerts reach a member (GET and POST
 * /me/subscriptions): the regions she follows, and her channels: email,
 * text message, a feed for a feed reader, or none of them (the Alerts
 * page shows them all the same). The choices are stored by
 * core/subscription.c, as PUT /api/v1/me/subscriptions does; her
 * address and number are sealed there and shown back to her alone.
 */
#include <stdio.h>
#include <string.h>

#include "core/subscription.h"
#include "util/i18n.h"
#include "util/limits.h"
#include "web/web.h"
#include "web/web_internal.h"
#include "util/banned.h"

const struct field_spec web_f_me_subscriptions[] = {
	{ "regions", F_LIST, 0, LIMIT_LIST_ITEMS, NULL, NULL },
	{ "channels", F_LIST, 0, 3, NULL, NULL },
	{ "email", F_STRING, 0, LIMIT_IDENT_BYTES, NULL, NULL },
	{ "sms", F_STRING, 0, LIMIT_IDENT_BYTES, NULL, NULL },
	{ "lang", F_STRING, 0, 35, NULL, NULL },
	END_FIELD
};

/* What the page shows: her stored choices, or what she just sent. */
struct view {
	const char *const	*regions;
	size_t			 nregions;
	const char		*email;
	const char		*sms;
	const char		*lang;
	int			 email_on, sms_on, feed_on;
	int			 saved;
	const char		*feed_url;	/* a new feed address, or NULL */
	const char		*field;		/* the field in error, or NULL */
	const char		*msg;		/* its error (a msgid) */
};

static const char *
error_of(const struct view *v, const char *field)
{
	return v->field != NULL && strcmp(v->field, field) == 0 ? v->msg :
	    NULL;
}

static int
subs_page(struct http_req *r, struct http_resp *w, const struct view *v)
{
	struct buf *b = &w->body;
	struct region *regs;
	size_t nregs, i;
	char id[48];
	int rc;
	struct input email = {
		"email", N_("Email address"), "text", "email",
		"inputmode=email autocapitalize=none spellcheck=false "
		"maxlength=256", v->email,
		N_("Every email has a link to stop them."),
		error_of(v, "email"), 1,
	};
	struct input sms = {
		"sms", N_("Mobile number"), "tel", "tel", "maxlength=256",
		v->sms, N_("Text STOP to stop them."), error_of(v, "sms"), 1,
	};

	if ((rc = region_list(r->app, r->store, r->arena, &regs, &nregs)) !=
	    ACCOUNT_OK) {
		resp_header(w, "Retry-After", "5");
		return web_error(r, w, 503, WEB_MSG_BUSY);
	}
	region_sort(r->lang, regs, nregs);
	page_begin(r, w, N_("How I get alerts"));
	html_printf(b, r->lang, "<h1>%t</h1>\n<p>%t</p>\n",
	    N_("How I get alerts"),
	    N_("Choose the regions you follow and how their alerts reach "
	    "you. Your email address and number are stored encrypted, and "
	    "only you see them here."));
	if (v->saved)
		html_printf(b, r->lang, "<p class=ok role=status id=saved>%t"
		    "</p>\n", N_("Your choices have been saved."));
	if (v->feed_url != NULL)
		html_printf(b, r->lang, "<h2>%t</h2>\n"
		    "<p><output id=\"feed-url\">%s</output></p>\n<p>%t</p>\n",
		    N_("Your feed address"), v->feed_url,
		    N_("Copy it into your feed reader. Keep it secret: anyone "
		    "who has it can read your alerts. It is shown only this "
		    "once."));
	web_form_begin(r, b, "/me/subscriptions", v->field == NULL ? NULL :
	    N_("Please correct the marked fields."));

	web_group_begin(b, r->lang, "regions", N_("Regions"),
	    N_("Tick all that apply."), error_of(v, "regions"));
	for (i = 0; i < nregs; i++) {
		snprintf(id, sizeof(id), "reg-%s", regs[i].code);
		web_check_text(b, r->lang, "checkbox", "regions", id,
		    regs[i].code, regs[i].name, web_listed(v->regions,
		    v->nregions, regs[i].code));
	}
	web_group_end(b);

	web_group_begin(b, r->lang, "channels", N_("How alerts reach you"),
	    N_("Tick none to see alerts only on the Alerts page."), NULL);
	web_check(b, r->lang, "checkbox", "channels", "ch-email", "email",
	    N_("By email"), v->email_on);
	web_input(b, r->lang, &email);
	web_check(b, r->lang, "checkbox", "channels", "ch-sms", "sms",
	    N_("By text message (SMS)"), v->sms_on);
	web_input(b, r->lang, &sms);
	web_check(b, r->lang, "checkbox", "channels", "ch-feed", "feed",
	    N_("In a feed reader app"), v->feed_on);
	web_group_end(b);

	web_select_begin(b, r->lang, "lang", "lang",
	    N_("Language of your messages"), NULL, error_of(v, "lang"));
	/* Each name in its own language, said so for screen readers. */
	for (i = 0; langs[i] != NULL; i++)
		html_printf(b, r->lang, "<option value=\"%s\" lang=\"%s\"%R>%s"
		    "</option>", langs[i], langs[i], v->lang != NULL &&
		    strcmp(v->lang, langs[i]) == 0 ? " selected" : "",
		    lang_native_name(langs[i]));
	web_select_end(b);
	web_form_end(r, b, N_("Save my choices"));
	html_printf(b, r->lang, "<p><a href=/home>%t</a></p>\n", N_("Home"));
	return web_finish(r, w);
}

/* Her stored choices into v. */
static int
stored(struct http_req *r, struct view *v)
{
	struct subscription sub;
	int rc;

	if ((rc = subscription_get(r->app, r->store, r->arena, &r->auth,
	    r->lang, &sub)) != 0)
		return rc;
	if ((rc = feed_token_on(r->app, r->store, &r->auth, &v->feed_on)) != 0)
		return rc;
	v->regions = sub.regions;
	v->nregions = sub.nregions;
	v->email = sub.email;
	v->sms = sub.sms;
	v->lang = sub.lang;
	v->email_on = *sub.email != '\0';
	v->sms_on = *sub.sms != '\0';
	return 0;
}

int
web_me_subscriptions(struct http_req *r, struct http_resp *w)
{
	struct view v;
	int rc;

	memset(&v, 0, sizeof(v));
	if ((rc = stored(r, &v)) != 0)
		return web_report_fail(r, w, rc);
	return subs_page(r, w, &v);
}

int
web_me_subscriptions_post(struct http_req *r, struct http_resp *w)
{
	const char *codes[LIMIT_LIST_ITEMS], *chans[4];
	size_t nchans = req_form_all(r, "channels", chans, 4);
	struct subscription_in in;
	struct report_err err;
	struct view v;
	int rc, had_feed;

	memset(&v, 0, sizeof(v));
	memset(&in, 0, sizeof(in));
	memset(&err, 0, sizeof(err));
	/* What she sent, for the page if it comes back with an error. */
	v.nregions = req_form_all(r, "regions", codes, LIMIT_LIST_ITEMS);
	v.regions = codes;
	v.email = web_form(r, "email");
	v.sms = web_form(r, "sms");
	/* Without a choice she keeps hers; the page offers the page's. */
	in.lang = web_form(r, "lang");
	v.lang = *in.lang != '\0' ? in.lang : r->lang;
	v.email_on = web_listed(chans, nchans, "email");
	v.sms_on = web_listed(chans, nchans, "sms");
	v.feed_on = web_listed(chans, nchans, "feed");

	if (v.email_on && web_blank(v.email)) {
		v.field = "email";
		v.msg = N_("Write your email address, or untick \"By email\".");
		return subs_page(r, w, &v);
	}
	if (v.sms_on && web_blank(v.sms)) {
		v.field = "sms";
		v.msg = N_("Write your mobile number, or untick \"By text "
		    "message (SMS)\".");
		return subs_page(r, w, &v);
	}
	if ((rc = feed_token_on(r->app, r->store, &r->auth, &had_feed)) != 0)
		return web_report_fail(r, w, rc);

	in.regions = codes;
	in.nregions = v.nregions;
	/* An unticked channel is removed, whatever its field holds. */
	in.email = v.email_on ? v.email : "";
	in.sms = v.sms_on ? v.sms : "";
	rc = subscription_set(r->app, r->store, &r->auth, &in, r->lang, &err);
	if (rc == REPORT_INVALID && err.field != NULL) {
		v.field = err.field;
		v.msg = err.msg != NULL ? err.msg : WEB_MSG_BAD_REQUEST;
		return subs_page(r, w, &v);
	}
	if (rc != 0)
		return web_report_fail(r, w, rc);

	if (v.feed_on && !had_feed)
		rc = web_feed_make(r, &v.feed_url);
	else if (!v.feed_on && had_feed)
		rc = feed_token_revoke(r->app, r->store, &r->auth);
	if (rc != 0)
		return web_report_fail(r, w, rc);

	/* The page shows what is stored now. */
	{
		const char *url = v.feed_url;

		memset(&v, 0, sizeof(v));
		if ((rc = stored(r, &v)) != 0)
			return web_report_fail(r, w, rc);
		v.saved = 1;
		v.feed_url = url;
	}
	return subs_page(r, w, &v);
}
