/*
 * labels.c: the words people read for the core's wire values (statuses,
 * severities, identifier kinds, sources, police tiers), and the core's
 * English messages that the pages translate.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/help.h"
#include "web/web.h"
#include "web/web_internal.h"
#include "util/banned.h"

struct label {
	const char	*value;
	const char	*msgid;
};

static const struct label statuses[] = {
	{ "new", N_("Waiting for review") },
	/* TRANSLATORS: a report that staff see only once another report
	 * names the same phone, email, plate, handle or name. */
	{ "held", N_("Held until someone else reports the same person") },
	{ "alerted", N_("Alert sent") },
	{ "no_alert", N_("Reviewed, no alert sent") },
	{ "attached", N_("Added to an existing alert") },
	{ "withdrawn", N_("Withdrawn") },
	{ NULL, NULL }
};

static const struct label severities[] = {
	{ "high", N_("High") },
	{ "medium", N_("Medium") },
	{ "low", N_("Low") },
	{ NULL, NULL }
};

static const struct label kinds[] = {
	{ "phone", N_("Phone number") },
	{ "email", N_("Email") },
	/* TRANSLATORS: a car's licence plate (registration number). */
	{ "plate", N_("Licence plate") },
	/* TRANSLATORS: a name on an app or website, like @johnny_b. */
	{ "handle", N_("Handle or username") },
	{ "name", N_("Name they used") },
	/* TRANSLATORS: screening by a word that may appear in alerts. */
	{ "keyword", N_("A word in the alerts") },
	{ NULL, NULL }
};

static const struct label sources[] = {
	{ "web", N_("Web form") },
	{ "dropin", N_("Drop-in") },
	{ "phone", N_("Phone call") },
	{ "outreach", N_("Outreach (street or van)") },
	{ "paper", N_("Paper form") },
	{ "sms", N_("Text message") },
	{ NULL, NULL }
};

static const struct label polices[] = {
	{ "none", N_("Not shared with police") },
	{ "anonymous", N_("Only the anonymous alert") },
	{ "full", N_("The full report and contact") },
	{ NULL, NULL }
};

/* What the person who asked for help reads about her request. */
static const struct label help_statuses[] = {
	{ "open", N_("We have your request. A support worker will contact "
	    "you soon, the way you chose.") },
	{ "claimed", N_("A support worker is looking after your request and "
	    "will contact you the way you chose.") },
	{ "closed", N_("A support worker has followed up your request and "
	    "closed it. If you need help again, you can send a new "
	    "request.") },
	{ "withdrawn", N_("You withdrew this request. What you wrote has been "
	    "erased.") },
	{ NULL, NULL }
};

static const struct label case_statuses[] = {
	/* TRANSLATORS: a case nobody has taken yet. */
	{ "open", N_("Waiting") },
	/* TRANSLATORS: a case a support worker has taken. */
	{ "claimed", N_("Taken") },
	{ "closed", N_("Closed") },
	{ "withdrawn", N_("Withdrawn") },
	{ NULL, NULL }
};

static const struct label methods[] = {
	{ "phone", N_("Phone call") },
	{ "sms", N_("Text message") },
	{ "email", N_("Email") },
	{ "dropin", N_("Drop-in") },
	{ NULL, NULL }
};

static const struct label tiers[] = {
	{ "anonymous", N_("Shared anonymously") },
	{ "full", N_("Shared in full") },
	{ NULL, NULL }
};

const char *const web_ident_kinds[] = { "phone", "email", "plate", "handle",
	"name", NULL };
const char *const web_screen_kinds[] = { "phone", "email", "plate",
	"handle", "keyword", NULL };
const char *const web_sources[] = { "web", "dropin", "phone", "outreach",
	"paper", "sms", NULL };
const char *const web_severities[] = { "high", "medium", "low", NULL };
const char *const web_polices[] = { "none", "anonymous", "full", NULL };
const char *const web_police_choices[] = {
	N_("No, never share with the police"),
	N_("Police may see only the anonymous alert: no contact, no story"),
	N_("Police may see my full report and contact, for a police report "
	    "with a support worker"),
	NULL
};

static const char *
find(const struct label *l, const char *value)
{
	if (value == NULL)
		return "";
	for (; l->value != NULL; l++)
		if (strcmp(l->value, value) == 0)
			return l->msgid;
	return value;
}

const char *
web_status_label(const char *status)
{
	return find(statuses, status);
}

const char *
web_severity_label(const char *severity)
{
	return find(severities, severity);
}

const char *
web_kind_label(const char *kind)
{
	return find(kinds, kind);
}

const char *
web_source_label(const char *source)
{
	return find(sources, source);
}

const char *
web_police_label(const char *police)
{
	return find(polices, police);
}

const char *
web_help_status_text(const char *status)
{
	return find(help_statuses, status);
}

const char *
web_case_status_label(const char *status)
{
	return find(case_statuses, status);
}

const char *
web_method_label(const char *method)
{
	return find(methods, method);
}

const char *
web_tier_label(const char *tier)
{
	return find(tiers, tier);
}

const char *
web_priority_label(int priority)
{
	switch (priority) {
	case 1:		return N_("In danger now");
	case 2:		return N_("Under 18");
	/* TRANSLATORS: someone forces her to work, or holds her ID or
	 * money. */
	case 3:		return N_("Coercion");
	default:	return N_("Other");
	}
}

const char *
web_outcome_label(const char *outcome)
{
	size_t i;

	if (outcome == NULL)
		return "";
	for (i = 0; i < OUTCOME_COUNT; i++)
		if (strcmp(outcome, case_outcome_names[i]) == 0)
			return case_outcome_labels[i];
	return outcome;
}

/* Each language by its own name, so she finds hers whatever the page's
 * language; "other" is the one that is translated. */
static const struct label help_langs[] = {
	{ "en", "English" },
	{ "fr", "Français" },
	{ "zh-Hans", "中文" },
	{ "es", "Español" },
	{ "tl", "Tagalog" },
	{ "vi", "Tiếng Việt" },
	{ "ko", "한국어" },
	{ "other", N_("Another language") },
	{ NULL, NULL }
};

const char *const web_help_langs[] = { "en", "fr", "zh-Hans", "es", "tl",
	"vi", "ko", "other", NULL };

const char *
web_help_lang_text(const char *lang, const char *code)
{
	if (code != NULL && strcmp(code, "other") == 0)
		return tr(lang, N_("Another language"));
	return find(help_langs, code);
}

void
web_needs(struct buf *b, const char *lang, int64_t needs)
{
	int i, first = 1;

	for (i = 0; i < NEED_COUNT; i++) {
		if (!(needs & ((int64_t)1 << i)))
			continue;
		html_printf(b, lang, "%R%t", first ? "" : ", ",
		    help_need_labels[i]);
		first = 0;
	}
}

void
web_waiting(struct buf *b, const char *lang, int64_t seconds)
{
	/* Counts are at least 2, so "hours" and "days" need no singular
	 * in any language we speak. */
	if (seconds < 3600)
		html_printf(b, lang, "%t", N_("less than an hour"));
	else if (seconds < 2 * 3600)
		html_printf(b, lang, "%t", N_("about an hour"));
	else if (seconds < 48 * 3600)
		html_printf(b, lang, "%lld %t", (long long)(seconds / 3600),
		    /* TRANSLATORS: after a number, at least 2. */
		    N_("hours"));
	else
		html_printf(b, lang, "%lld %t", (long long)(seconds / 86400),
		    /* TRANSLATORS: after a number, at least 2. */
		    N_("days"));
}

int
web_listed(const char *const *list, size_t n, const char *v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i], v) == 0)
			return 1;
	return 0;
}

void
web_types(struct buf *b, const char *lang, int64_t types)
{
	int i, first = 1;

	for (i = 0; i < INC_COUNT; i++) {
		if (!(types & ((int64_t)1 << i)))
			continue;
		html_printf(b, lang, "%R%t", first ? "" : lang_list_sep(lang),
		    incident_labels[i]);
		first = 0;
	}
}

void
web_codes(struct buf *b, const char *lang, const char *const *codes,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		html_printf(b, lang, "%R%s", i ? ", " : "", codes[i]);
}

void
web_date(int64_t t, char out[11])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, 11, "%Y-%m-%d", &tm) == 0)
		snprintf(out, 11, "%s", "?");
}

/* Dates and counts are written by util/i18n.c, which the outbox and the
 * printed sheet use too. */
const char *
web_day(struct arena *a, const char *lang, const char *iso)
{
	return lang_date(a, lang, iso);
}

const char *
web_count(struct arena *a, const char *lang, const char *n)
{
	return lang_count(a, lang, n);
}

const char *const web_core_msgids[] = {
	/* The incident types, core/report.c incident_labels[]. */
	N_("Violence"),
	N_("Sexual assault"),
	N_("Robbery"),
	N_("Threats"),
	N_("Stalking"),
	/* TRANSLATORS: the client refused to pay, or took the money
	 * back. */
	N_("Non-payment"),
	/* TRANSLATORS: the client refused to use a condom, or removed
	 * it. */
	N_("Condom refusal"),
	N_("Coercion or exploitation"),
	N_("Trafficking indicators"),
	N_("Incident involving police"),
	N_("Other"),
	/* core/account.c account_strerror() */
	N_("a name must be 1 to 64 characters, without control characters"),
	N_("a password must be at least 10 and at most 256 characters"),
	N_("that name is already taken"),
	N_("wrong name or password"),
	N_("unknown region code (add it with lookout region add)"),
	N_("the database is busy or full; nothing was changed, try again"),
	N_("internal error; nothing was changed"),
	/* core/ident.c, why an identifier was refused */
	N_("a phone number has at most 15 digits"),
	N_("a phone number may hold only digits, spaces, + - . ( ) and, to "
	    "screen, ? or *"),
	N_("the phone number is empty"),
	N_("a report needs the whole phone number"),
	N_("give at least the last 4 digits"),
	N_("unknown default_country for national numbers"),
	N_("a country code cannot start with 0"),
	N_("the phone number is too short"),
	N_("a North American number has 10 digits after the 1"),
	N_("a North American number has 10 digits after the 1, and its area "
	    "code starts with 2 to 9"),
	N_("an email address has one @"),
	N_("an email address cannot hold spaces or < > , ; \""),
	N_("not an email address: expected name@domain"),
	N_("not an email address: the domain needs a dot"),
	N_("the email address is too long"),
	N_("not an email address: nothing before the @"),
	N_("a plate may hold only letters, digits, spaces, hyphens and ? for "
	    "an unknown character"),
	N_("a plate has at most 10 characters"),
	N_("a plate has at least 2 characters"),
	N_("a report needs the whole plate; write what you know in the "
	    "vehicle description"),
	N_("the handle is empty"),
	N_("the handle is too long"),
	N_("a handle cannot hold spaces or a second @"),
	N_("the name is too long"),
	N_("the name is empty"),
	N_("the value is empty"),
	N_("the value is longer than 256 bytes"),
	N_("the value holds control characters or invalid UTF-8"),
	N_("unknown kind of identifier"),
	/* core/help.c, a help request's contact (chosen by a ?:) */
	N_("give an email address"),
	N_("give a phone number"),
	/* core/subscription.c, why a member's own contact was refused */
	N_("an email address cannot hold a line break"),
	N_("use an email address in plain Latin letters, digits and dots"),
	N_("a phone number cannot hold a line break"),
	/* core/help.c help_need_labels[]: what a help request asks for */
	N_("Safety planning"),
	/* TRANSLATORS: leaving a bad situation (a workplace, a partner, a
	 * trafficker). */
	N_("Leaving a situation"),
	N_("Legal help"),
	N_("Health care"),
	N_("Housing"),
	N_("Immigration"),
	N_("Money"),
	N_("Something else"),
	/* core/help.c case_outcome_labels[]: how a case ended */
	N_("Contacted"),
	N_("Safety plan made"),
	N_("Left the situation"),
	N_("Referred"),
	N_("Supported a police report"),
	N_("Could not reach"),
	N_("Withdrawn"),
	NULL
};
