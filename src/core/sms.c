/*
 * sms.c: commands by text message (sms.h).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/audit.h"
#include "core/help.h"
#include "core/loop_int.h"
#include "core/sms.h"
#include "core/smscmd.h"
#include "core/subscription.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/banned.h"

#define MSG_USAGE_MEMBER N_("Text CHECK and a number, plate or email to " \
	"check it; HELP to ask for support; REPORT and what happened; " \
	"STOP or START for alerts.")
#define MSG_USAGE_PUBLIC N_("Text HELP and a few words to ask a support " \
	"worker to contact you, or STOP to get no more texts.")
#define MSG_NOT_MEMBER	N_("This number is not a member's. Text HELP to " \
	"ask a support worker to contact you.")
#define MSG_CHECK_EMPTY	N_("Send CHECK and a phone number, plate or " \
	"email, for example CHECK 604 555 0142.")
#define MSG_CHECK_BAD	N_("Cannot check that: %s. Send CHECK and the " \
	"whole number, plate or email.")
#define MSG_CHECK_LIMIT	N_("Too many checks at once. Try again in a " \
	"minute.")
#define MSG_GREEN	N_("GREEN: no alert matches. No report is not a " \
	"guarantee of safety.")
#define MSG_AMBER	N_("AMBER: %s alert(s) match. %s")
#define MSG_RED		N_("RED: %s alert(s) match, with violence or " \
	"threats. %s")
#define MSG_ELSEWHERE	N_("In another region:")
#define MSG_HELP_OK	N_("Thank you. A support worker will contact you " \
	"at this number. Your reference: %s")
#define MSG_STOPPED	N_("You will get no more alerts by text. Text " \
	"START to get them again.")
#define MSG_STARTED	N_("Alerts by text are on again. Text STOP to " \
	"stop them.")
#define MSG_REPORT_EMPTY N_("Send REPORT and a few words on what " \
	"happened.")
#define MSG_REPORT_OK	N_("Thank you. Your report is saved. A support " \
	"worker will contact you to complete it.")
#define MSG_NO_REGION	N_("Choose your region on the website first, then " \
	"send REPORT again.")
#define MSG_TOO_MANY	N_("Too many messages from this number. Try again " \
	"in a few minutes, or call your support organisation.")
#define MSG_BUSY	N_("The service is busy. Try again in a few " \
	"minutes.")
#define MSG_BAD_NUMBER	N_("Your phone number could not be read. Call " \
	"or visit your support organisation.")

struct ctx {
	struct app	*app;
	struct store	*s;
	struct arena	*a;
	const char	*norm;		/* the sender, E.164; "" if unreadable */
	int		 member;
	struct auth	 who;
	const char	*lang;
};

/* text cut to what one SMS holds, never inside a character. */
static const char *
one_sms(struct arena *a, const char *text)
{
	size_t n = sms_fit(text, sms_gsm7(text));

	return arena_strndup(a, text, n);
}

/* The reply for a core failure that is not the sender's. */
static int
failed(struct ctx *c, int rc, const struct report_err *err,
    const char **reply)
{
	if (rc == REPORT_INVALID && err->msg != NULL) {
		*reply = tr(c->lang, err->msg);
		return 0;
	}
	if (rc == REPORT_UNAVAILABLE) {
		*reply = tr(c->lang, MSG_BUSY);
		return 0;
	}
	return rc == 0 ? REPORT_ERR : rc;
}

/* Which kind of identifier a member typed: an address, a plate (it has
 * letters) or a phone number. */
static const char *
guess_kind(const char *v, size_t n)
{
	size_t i;

	if (memchr(v, '@', n) != NULL)
		return "email";
	for (i = 0; i < n; i++)
		if ((v[i] >= 'A' && v[i] <= 'Z') || (v[i] >= 'a' && v[i] <= 'z'))
			return "plate";
	return "phone";
}

static int
do_check(struct ctx *c, const struct sms_command *cmd,
    const struct sms_limits *lim, const char **reply)
{
	struct screen_result res;
	struct report_err err;
	const struct screen_match *m;
	const char *value, *fmt;
	char count[24], obj[64], detail[64];
	int rc;

	if (!c->member) {
		*reply = tr(c->lang, MSG_NOT_MEMBER);
		return 0;
	}
	if (cmd->arglen == 0) {
		*reply = tr(c->lang, MSG_CHECK_EMPTY);
		return 0;
	}
	if (lim != NULL && lim->screen_ok != NULL &&
	    !lim->screen_ok(c->who.user_id, lim->arg)) {
		*reply = tr(c->lang, MSG_CHECK_LIMIT);
		return 0;
	}
	value = arena_strndup(c->a, cmd->arg, cmd->arglen);
	memset(&err, 0, sizeof(err));
	rc = screen(c->app, c->s, c->a, &c->who, guess_kind(value,
	    cmd->arglen), value, &res, &err);
	sodium_memzero((char *)value, cmd->arglen);
	if (rc == REPORT_INVALID) {
		*reply = arena_printf(c->a, tr(c->lang, MSG_CHECK_BAD),
		    tr(c->lang, err.msg != NULL ? err.msg : N_("not valid")));
		return 0;
	}
	if (rc != 0)
		return failed(c, rc, &err, reply);
	/* As every screening by text is counted, so is it audited: who
	 * and the answer, never what was checked. */
	snprintf(obj, sizeof(obj), "user:%lld", (long long)c->who.user_id);
	snprintf(detail, sizeof(detail), "sms level=%s",
	    screen_level_names[res.level]);
	if ((rc = loop_rc(audit_log(c->app, c->s, c->who.user_id, "screen",
	    obj, detail))) != 0)
		return failed(c, rc, &err, reply);
	if (res.n == 0) {
		*reply = tr(c->lang, MSG_GREEN);
		return 0;
	}
	m = &res.matches[0];	/* the newest */
	snprintf(count, sizeof(count), "%zu", res.n);
	fmt = tr(c->lang, res.level == SCREEN_RED ? MSG_RED : MSG_AMBER);
	*reply = arena_printf(c->a, fmt, count, m->elsewhere ?
	    arena_printf(c->a, "%s %s", tr(c->lang, MSG_ELSEWHERE),
	    m->alert.summary) : m->alert.summary);
	return 0;
}

static int
do_help(struct ctx *c, const struct sms_command *cmd, const char *from,
    const char **reply)
{
	struct report_err err;
	struct help_in in;
	char ref[16];
	int rc;

	memset(&in, 0, sizeof(in));
	memset(&err, 0, sizeof(err));
	in.method = "sms";
	in.contact = *c->norm != '\0' ? c->norm : from;
	in.language = c->lang;
	in.message = arena_strndup(c->a, cmd->arg, cmd->arglen);
	rc = help_create(c->app, c->s, &in, ref, &err);
	if (rc == REPORT_INVALID && err.field != NULL &&
	    strncmp(err.field, "contact", 7) == 0) {
		*reply = tr(c->lang, MSG_BAD_NUMBER);
		return 0;
	}
	if (rc != 0)
		return failed(c, rc, &err, reply);
	*reply = arena_printf(c->a, tr(c->lang, MSG_HELP_OK), ref);
	return 0;
}

static int
do_switch(struct ctx *c, int on, const char **reply)
{
	struct report_err err;
	size_t n;
	int rc;

	memset(&err, 0, sizeof(err));
	if (on && !c->member) {
		*reply = tr(c->lang, MSG_NOT_MEMBER);
		return 0;
	}
	/* STOP from a number we do not know still receives its answer: it
	 * will get nothing from us. */
	if (*c->norm != '\0' &&
	    (rc = subscription_sms_switch(c->app, c->s, c->norm, on, &n)) != 0)
		return failed(c, rc, &err, reply);
	*reply = tr(c->lang, on ? MSG_STARTED : MSG_STOPPED);
	return 0;
}

static int
do_report(struct ctx *c, const struct sms_command *cmd, const char **reply)
{
	struct report_err err;
	struct report_in in;
	struct region *all;
	int64_t *ids, id;
	size_t nids, nall, i;
	char today[11];
	int rc;

	if (!c->member) {
		*reply = tr(c->lang, MSG_NOT_MEMBER);
		return 0;
	}
	if (cmd->arglen == 0) {
		*reply = tr(c->lang, MSG_REPORT_EMPTY);
		return 0;
	}
	memset(&in, 0, sizeof(in));
	memset(&err, 0, sizeof(err));
	/* Her first region: staff correct it when they complete it. */
	if ((rc = store_user_regions_get(c->s, c->a, c->who.user_id, &ids,
	    &nids)) != 0 || (rc = store_region_list(c->s, c->a, &all,
	    &nall)) != 0)
		return failed(c, loop_rc(rc), &err, reply);
	for (i = 0; i < nall && in.region == NULL; i++)
		if (nids > 0 && all[i].id == ids[0])
			in.region = all[i].code;
	if (in.region == NULL) {
		*reply = tr(c->lang, MSG_NO_REGION);
		return 0;
	}
	loop_today(today);
	in.types[0] = "other";
	in.ntypes = 1;
	in.occurred_on = today;
	in.time_window = "";
	in.narrative = arena_strndup(c->a, cmd->arg, cmd->arglen);
	/* A warning to others is why she texts; nothing goes to police
	 * or other organisations unless she says so when staff call. */
	in.consent.alert = 1;
	in.consent.police = "none";
	in.consent.share_orgs = 0;
	in.contact = c->norm;
	in.source = "sms";
	rc = report_create(c->app, c->s, &c->who, &in, &id, &err);
	if (rc != 0)
		return failed(c, rc, &err, reply);
	*reply = tr(c->lang, MSG_REPORT_OK);
	return 0;
}

int
sms_inbound(struct app *app, struct store *s, struct arena *a,
    const char *from, const char *text, const struct sms_limits *lim,
    const char **reply)
{
	char norm[IDENT_NORM_MAX];
	struct sms_command cmd;
	const char *why, *mlang = NULL, *out = NULL;
	struct ctx c;
	int rc;

	memset(&c, 0, sizeof(c));
	c.app = app;
	c.s = s;
	c.a = a;
	c.norm = "";
	smscmd_parse(text, strlen(text), &cmd);
	if (subscription_sms_valid(app->cfg.default_country, from, norm,
	    &why) == 0) {
		c.norm = arena_strdup(a, norm);
		rc = subscription_sms_member(app, s, a, norm, &c.who, &mlang);
		if (rc == 0)
			c.member = 1;
		else if (rc != REPORT_NOTFOUND)
			goto out;
	}
	/* The keyword's language; a member's own when hers has no
	 * keywords of its own. */
	if (mlang != NULL && strcmp(mlang, "en") != 0 &&
	    strcmp(mlang, "fr") != 0)
		c.lang = mlang;
	else if (cmd.lang != NULL)
		c.lang = cmd.lang;
	else
		c.lang = mlang != NULL ? mlang : "en";

	if ((cmd.cmd == SMS_CMD_HELP || cmd.cmd == SMS_CMD_REPORT) &&
	    lim != NULL && lim->write_ok != NULL &&
	    !lim->write_ok(*c.norm != '\0' ? c.norm : from, lim->arg)) {
		out = tr(c.lang, MSG_TOO_MANY);
		rc = 0;
		goto out;
	}
	switch (cmd.cmd) {
	case SMS_CMD_CHECK:
		rc = do_check(&c, &cmd, lim, &out);
		break;
	case SMS_CMD_HELP:
		rc = do_help(&c, &cmd, from, &out);
		break;
	case SMS_CMD_STOP:
		rc = do_switch(&c, 0, &out);
		break;
	case SMS_CMD_START:
		rc = do_switch(&c, 1, &out);
		break;
	case SMS_CMD_REPORT:
		rc = do_report(&c, &cmd, &out);
		break;
	default:
		out = tr(c.lang, c.member ? MSG_USAGE_MEMBER :
		    MSG_USAGE_PUBLIC);
		rc = 0;
		break;
	}
out:
	sodium_memzero(norm, sizeof(norm));
	if (rc == 0)
		*reply = one_sms(a, out);
	return rc;
}
