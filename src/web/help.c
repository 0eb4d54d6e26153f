/*
 * help.c: asking for support with no account (GET and POST /help), and
 * what the reference she is given lets her do: see the status (GET and
 * POST /help/status) and withdraw the request (POST /help/withdraw).
 *
 * The person filling this in may be in danger, may be a migrant, may be
 * under 18. The page says plainly, before she types anything, that
 * nobody will call the police, that she can withdraw at any time and
 * what happens next. Her contact, safe times and code word are never
 * logged and never put in a URL: they go to the core and come back only
 * into her own form when it needs correcting.
 *
 * The rate limits are the API's, with the same keys, so the two share
 * one budget per client: creating spends only when a request is stored
 * (her typos never lock her out), a reference lookup only when it misses
 * (reading her own costs nothing, guessing other people's is slow).
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/help.h"
#include "util/limits.h"
#include "web/web.h"
#include "web/web_internal.h"
#include "util/banned.h"

/* Parse limits are generous where the core checks the real rule, so its
 * message can go next to the field. */
const struct field_spec web_f_help[] = {
	{ "method", F_STRING, 0, 16, NULL, NULL },
	{ "contact", F_STRING, 0, 1024, NULL, NULL },
	{ "safe_times", F_TEXT, 0, LIMIT_TEXT_BYTES, NULL, NULL },
	{ "language", F_STRING, 0, 32, NULL, NULL },
	{ "code_word", F_STRING, 0, LIMIT_TEXT_BYTES, NULL, NULL },
	{ "needs", F_LIST, 0, NEED_COUNT, NULL, NULL },
	{ "danger_now", F_STRING, 0, 8, NULL, NULL },
	{ "forced", F_STRING, 0, 8, NULL, NULL },
	{ "id_or_money_held", F_STRING, 0, 8, NULL, NULL },
	{ "under_18", F_STRING, 0, 8, NULL, NULL },
	END_FIELD
};

const struct field_spec web_f_help_ref[] = {
	{ "reference", F_STRING, 0, 64, NULL, NULL },
	END_FIELD
};

/* Where the words about the police and withdrawing are the same on the
 * form and after it. */
#define MSG_NO_POLICE	N_("Nobody will call the police or immigration. " \
	"Nothing you write here is ever passed to them.")
#define MSG_WITHDRAW	N_("You can withdraw your request at any time. " \
	"Then what you wrote is erased.")

/* The limiter (src/api/help.c keys it the same way): 'c' for creating,
 * 'l' for looking a reference up, then the client's digest. */
static void
limit_key(const struct http_req *r, char what,
    uint8_t key[1 + sizeof(r->client)])
{
	key[0] = (uint8_t)what;
	memcpy(key + 1, r->client, sizeof(r->client));
}

static int
limited(struct http_req *r, char what, int *retry)
{
	uint8_t key[1 + sizeof(r->client)];

	limit_key(r, what, key);
	return ratelimit_check(rl_help, key, sizeof(key), retry) == -1;
}

static void
spend(const struct http_req *r, char what)
{
	uint8_t key[1 + sizeof(r->client)];
	int retry;

	limit_key(r, what, key);
	(void)ratelimit_hit(rl_help, key, sizeof(key), &retry);
}

/* The message for a control, if the error is about it. */
static const char *
err_for(const char *field, const char *msg, const char *id)
{
	return field != NULL && strcmp(field, id) == 0 ? msg : NULL;
}

/* The form control a core error field is about, or "" for none. */
static const char *
help_field(const char *core_field)
{
	static const struct {
		const char	*core, *web;
	} map[] = {
		{ "contact.method", "method" }, { "contact.value", "contact" },
		{ "safe_times", "safe_times" }, { "code_word", "code_word" },
		{ "language", "language" }, { "needs", "needs" },
	};
	size_t i;

	for (i = 0; core_field != NULL && i < sizeof(map) / sizeof(map[0]);
	    i++)
		if (strcmp(core_field, map[i].core) == 0)
			return map[i].web;
	return "";
}

static void
reach_part(struct http_req *r, struct buf *b, const char *field,
    const char *msg)
{
	static const char *const choices[] = {
		N_("Call me"), N_("Send me a text message"), N_("Email me"),
		N_("I will come to the drop-in"),
	};
	const char *method = web_form(r, "method");
	struct input in = {
		"contact", N_("Phone number or email"), "text", "off",
		"autocapitalize=none spellcheck=false maxlength=254",
		req_form(r, "contact"),
		N_("Leave it empty if you will come to the drop-in."),
		err_for(field, msg, "contact"), 1,
	};
	char id[24];
	size_t k;

	web_group_begin(b, r->lang, "method", N_("How can we reach you?"),
	    NULL, err_for(field, msg, "method"));
	for (k = 0; k < 4; k++) {
		snprintf(id, sizeof(id), "method-%s", help_methods[k]);
		web_check(b, r->lang, "radio", "method", id, help_methods[k],
		    choices[k], strcmp(method, help_methods[k]) == 0);
	}
	web_group_end(b);
	web_input(b, r->lang, &in);
}

static void
language_select(struct http_req *r, struct buf *b, const char *field,
    const char *msg)
{
	const char *sent = req_form(r, "language");
	size_t k;

	/* Before she has chosen, the page's own language. */
	if (sent == NULL)
		sent = r->lang;
	web_select_begin(b, r->lang, "language", "language",
	    N_("Which language do you want to talk in?"),
	    N_("If yours is not here, choose Another language: we will try "
	    "to find someone who speaks it."), err_for(field, msg, "language"));
	for (k = 0; web_help_langs[k] != NULL; k++)
		web_option(b, r->lang, web_help_langs[k],
		    web_help_lang_text(r->lang, web_help_langs[k]),
		    strcmp(sent, web_help_langs[k]) == 0);
	web_select_end(b);
}

static void
needs_group(struct http_req *r, struct buf *b, const char *field,
    const char *msg)
{
	const char *sent[NEED_COUNT];
	size_t n = req_form_all(r, "needs", sent, NEED_COUNT);
	char id[32];
	int i;

	web_group_begin(b, r->lang, "needs", N_("What would help? (optional)"),
	    N_("Tick all that apply."), err_for(field, msg, "needs"));
	for (i = 0; i < NEED_COUNT; i++) {
		snprintf(id, sizeof(id), "need-%s", help_need_names[i]);
		web_check(b, r->lang, "checkbox", "needs", id,
		    help_need_names[i], help_need_labels[i],
		    web_listed(sent, n, help_need_names[i]));
	}
	web_group_end(b);
}

static void
screening_part(struct http_req *r, struct buf *b)
{
	web_group_begin(b, r->lang, "danger", N_("Right now"), NULL, NULL);
	web_check(b, r->lang, "checkbox", "danger_now", "danger_now", "yes",
	    N_("I am in danger now"), web_checked(req_form(r, "danger_now")));
	web_group_end(b);

	web_group_begin(b, r->lang, "screening",
	    N_("A few more questions (optional)"),
	    N_("Answer only if you want to. Your answers help us reach the "
	    "most urgent requests first. They never notify the police or "
	    "immigration."), NULL);
	web_check(b, r->lang, "checkbox", "forced", "forced", "yes",
	    N_("Someone is forcing me to work or to do things I do not want "
	    "to do"), web_checked(req_form(r, "forced")));
	web_check(b, r->lang, "checkbox", "id_or_money_held",
	    "id_or_money_held", "yes",
	    N_("Someone is keeping my ID, passport or money"),
	    web_checked(req_form(r, "id_or_money_held")));
	web_check(b, r->lang, "checkbox", "under_18", "under_18", "yes",
	    N_("I am under 18"), web_checked(req_form(r, "under_18")));
	web_group_end(b);
}

static void
help_page(struct http_req *r, struct http_resp *w, const char *field,
    const char *msg)
{
	struct buf *b = &w->body;
	struct textarea ta_times = {
		"safe_times", N_("When is it safe to contact you? (optional)"),
		N_("For example: weekdays after 2pm, never in the evening. Say "
		"if we must not leave a message."),
		err_for(field, msg, "safe_times"), req_form(r, "safe_times"),
		2, LIMIT_TEXT_BYTES / 3, 0,
	};
	struct input in_word = {
		"code_word", N_("Code word (optional)"), "text", "off",
		"autocapitalize=none spellcheck=false maxlength=64",
		req_form(r, "code_word"),
		N_("A word the support worker says first, so you know it is "
		"really us. Not your name."), err_for(field, msg, "code_word"),
		1,
	};

	page_begin(r, w, N_("Get help"));
	html_printf(b, r->lang, "<h1>%t</h1>\n<p>%t</p>\n"
	    "<ul class=promise>\n<li>%t</li>\n<li>%t</li>\n<li>%t</li>\n"
	    "</ul>\n",
	    N_("Ask for support"),
	    N_("A support worker will contact you, the way you choose and "
	    "when it is safe for you. You do not need an account or your "
	    "real name."),
	    MSG_NO_POLICE, MSG_WITHDRAW,
	    N_("What happens next: you get a reference. A support worker "
	    "reads your request, the most urgent first, and contacts you."));
	/* An error about no field of the form is shown on top; one about a
	 * field is shown there, and the top says to look for it. */
	web_form_begin(r, b, "/help", field == NULL ? NULL : *field == '\0' ?
	    msg : N_("Please correct the marked fields."));
	reach_part(r, b, field, msg);
	web_textarea(b, r->lang, &ta_times);
	language_select(r, b, field, msg);
	web_input(b, r->lang, &in_word);
	needs_group(r, b, field, msg);
	screening_part(r, b);
	web_form_end(r, b, N_("Send my request"));
	html_printf(b, r->lang, "<p class=note><a href=/help/status>%t</a>"
	    "</p>\n", N_("Check or withdraw a request you sent"));
}

/* GET /help */

int
web_help(struct http_req *r, struct http_resp *w)
{
	help_page(r, w, NULL, NULL);
	return web_finish(r, w);
}

/* POST /help */

static void
sent_page(struct http_req *r, struct http_resp *w, const char *ref,
    int danger)
{
	struct buf *b = &w->body;

	page_begin(r, w, N_("We have your request"));
	html_printf(b, r->lang, "<h1>%t</h1>\n", N_("We have your request"));
	if (danger)
		html_printf(b, r->lang, "<section class=urgent role=alert>\n"
		    "<p>%t</p>\n</section>\n",
		    N_("If you are in immediate danger, you can call 911 "
		    "yourself. It is your choice: we will not call the police "
		    "for you."));
	html_printf(b, r->lang, "<section class=ok role=status>\n"
	    "<h2>%t</h2>\n<p><output id=\"help-reference\">%s</output></p>\n"
	    "<p>%t</p>\n</section>\n"
	    "<h2>%t</h2>\n<p>%t</p>\n<p>%t</p>\n"
	    "<p><a class=button href=/help/status>%t</a></p>\n",
	    N_("Your reference"), ref,
	    N_("Write it down or remember it. With it you can check your "
	    "request or withdraw it at any time. Anyone who has it can do "
	    "the same, so keep it safe."),
	    N_("What happens next"),
	    N_("A support worker reads your request, the most urgent first, "
	    "and contacts you the way you chose, at a safe time. If you gave "
	    "a code word, the support worker says it first."),
	    MSG_NO_POLICE,
	    N_("Check or withdraw my request"));
}

int
web_help_post(struct http_req *r, struct http_resp *w)
{
	struct report_err err;
	struct help_in in;
	char ref[16];
	int rc, retry;

	if (limited(r, 'c', &retry))
		return resp_too_many(r, w, retry);
	memset(&in, 0, sizeof(in));
	in.method = web_form(r, "method");
	in.contact = web_form(r, "contact");
	in.safe_times = web_form(r, "safe_times");
	in.language = web_form(r, "language");
	in.code_word = web_form(r, "code_word");
	in.nneeds = req_form_all(r, "needs", in.needs, NEED_COUNT);
	in.danger_now = web_checked(req_form(r, "danger_now"));
	in.forced = web_checked(req_form(r, "forced"));
	in.id_or_money_held = web_checked(req_form(r, "id_or_money_held"));
	in.under_18 = web_checked(req_form(r, "under_18"));

	memset(&err, 0, sizeof(err));
	rc = help_create(r->app, r->store, &in, ref, &err);
	if (rc == REPORT_INVALID) {
		help_page(r, w, help_field(err.field), err.msg != NULL ?
		    err.msg : WEB_MSG_BAD_REQUEST);
		return web_finish(r, w);
	}
	if (rc != REPORT_OK)
		return web_report_fail(r, w, rc);
	spend(r, 'c');
	sent_page(r, w, ref, in.danger_now);
	sodium_memzero(ref, sizeof(ref));
	return web_finish(r, w);
}

/* GET and POST /help/status, POST /help/withdraw */

static void
status_page(struct http_req *r, struct http_resp *w, const char *ref,
    const char *status, const char *error)
{
	struct buf *b = &w->body;
	struct input in = {
		"reference", N_("Your reference"), "text", "off",
		"autocapitalize=characters spellcheck=false maxlength=20",
		ref, N_("It looks like H-4KD9-QX."), error, 0,
	};

	page_begin(r, w, N_("Your request"));
	html_printf(b, r->lang, "<h1>%t</h1>\n", N_("Your request"));
	if (status != NULL) {
		html_printf(b, r->lang, "<section id=\"help-status\" "
		    "class=ok role=status>\n<p>%t</p>\n</section>\n",
		    web_help_status_text(status));
		if (strcmp(status, "withdrawn") != 0) {
			html_printf(b, r->lang, "<h2>%t</h2>\n<p>%t</p>\n",
			    N_("Withdraw your request"), MSG_WITHDRAW);
			web_form_open(r, b, "/help/withdraw", "stack");
			html_printf(b, r->lang, "<input type=hidden "
			    "name=reference value=\"%s\">\n<button "
			    "type=submit class=danger>%t</button>\n</form>\n",
			    ref, N_("Withdraw my request"));
		}
		html_printf(b, r->lang, "<h2>%t</h2>\n", N_("Another request"));
	}
	web_form_begin(r, b, "/help/status", NULL);
	web_input(b, r->lang, &in);
	web_form_end(r, b, N_("Check"));
	html_printf(b, r->lang, "<p class=note>%t <a href=/help>%t</a></p>\n",
	    N_("Lost your reference? You can send a new request."),
	    N_("Ask for support"));
}

int
web_help_status(struct http_req *r, struct http_resp *w)
{
	status_page(r, w, NULL, NULL, NULL);
	return web_finish(r, w);
}

#define MSG_NO_SUCH	N_("We could not find a request with this " \
	"reference. Please check it and try again.")

int
web_help_status_post(struct http_req *r, struct http_resp *w)
{
	const char *ref = web_form(r, "reference"), *status;
	int rc, retry;

	if (limited(r, 'l', &retry))
		return resp_too_many(r, w, retry);
	rc = help_status(r->app, r->store, r->arena, ref, &status);
	if (rc == REPORT_NOTFOUND) {
		spend(r, 'l');
		status_page(r, w, ref, NULL, MSG_NO_SUCH);
		return web_finish(r, w);
	}
	if (rc != REPORT_OK)
		return web_report_fail(r, w, rc);
	status_page(r, w, ref, status, NULL);
	return web_finish(r, w);
}

int
web_help_withdraw(struct http_req *r, struct http_resp *w)
{
	const char *ref = web_form(r, "reference");
	struct buf *b = &w->body;
	int rc, retry;

	if (limited(r, 'l', &retry))
		return resp_too_many(r, w, retry);
	rc = help_withdraw(r->app, r->store, ref);
	if (rc == REPORT_NOTFOUND) {
		spend(r, 'l');
		status_page(r, w, ref, NULL, MSG_NO_SUCH);
		return web_finish(r, w);
	}
	if (rc != REPORT_OK)
		return web_report_fail(r, w, rc);
	page_begin(r, w, N_("Your request is withdrawn"));
	html_printf(b, r->lang, "<h1>%t</h1>\n"
	    "<section id=\"help-status\" class=ok role=status>\n<p>%t</p>\n"
	    "</section>\n<p>%t</p>\n<p><a class=button href=/help>%t</a></p>\n",
	    N_("Your request is withdrawn"),
	    web_help_status_text("withdrawn"),
	    N_("If you need help later, you are welcome to ask again."),
	    N_("Ask for support"));
	return web_finish(r, w);
}
