/*
 * i18n.h: the message catalogs and language negotiation.
 *
 * Below the web layer so that every layer that writes words people read
 * (web pages, the alert messages the outbox sends) shares one catalog:
 * po/LANG.po, compiled to .mo and embedded in the binary at build time.
 * tr() returns the message for lang, or msgid when the catalog has none.
 * Mark strings for xgettext with tr() or N_().
 *
 * A struct catalog indexes one GNU .mo file in place: msgs[] points into
 * the .mo bytes, which must outlive the catalog (the embedded catalogs
 * are static, so they always do). msgs[] is sorted by msgid (strcmp) so
 * lookups are a binary search. The catalog owns only the msgs array.
 *
 * Everything here is safe to call from any thread.
 */
#ifndef LOOKOUT_I18N_H
#define LOOKOUT_I18N_H

#include <stddef.h>

#ifndef N_
#define N_(s) (s)
#endif

/* Languages lookout speaks; langs[i] ends with NULL. */
extern const char *const langs[];
/* Pick the language: ?lang=, then the lk_lang cookie, then the best
 * Accept-Language match, then "en". Returns one of langs[]. */
const char	*lang_negotiate(const char *query, const char *cookie,
		    const char *accept_language);
const char	*tr(const char *lang, const char *msgid);

/* The name of a language in its own script ("Français"), for the
 * language switch; NULL for a code not in langs[]. */
const char	*lang_native_name(const char *code);

/* The langs[] entry a language tag maps to ("fr-CA" -> "fr", "zh-CN" ->
 * "zh-Hans"), or NULL. The tag is matched case-insensitively; anything
 * that is not a plausible BCP 47 tag maps to NULL. */
const char	*lang_match(const char *tag, size_t len);

/*
 * Dates, numbers and sorting the way a language does them. The date
 * pattern, the month names and the digit grouping are catalog entries
 * ("{month} {day}, {year}", "January", "1,234"; docs/translations.md),
 * so a new language needs no code for them.
 */
struct arena;
struct buf;

/* Append the date iso ("YYYY-MM-DD") to b as people read it in lang:
 * "November 5, 2026", "5 novembre 2026", "2026年11月5日". Returns 0, or
 * -1 with b unchanged when iso is not a real date or b is full. */
int		 lang_date_buf(struct buf *b, const char *lang, const char *iso);
/* The same, allocated in a; anything that is not such a date (or NULL)
 * comes back as it is. */
const char	*lang_date(struct arena *a, const char *lang, const char *iso);
/* A count of plain digits ("1234567") with lang's digit grouping
 * ("1,234,567", "1 234 567" with U+202F), allocated in a; anything else
 * ("<5", "", "12a") comes back as it is. */
const char	*lang_count(struct arena *a, const char *lang, const char *n);

/* What separates the items of a list of words in lang: "、" (the
 * enumeration comma) in Chinese, ", " otherwise. */
const char	*lang_list_sep(const char *lang);

/*
 * Compare two UTF-8 names, such as region names, in the order a reader
 * of lang expects them in a list: <0, 0 or >0 like strcmp. First
 * without regard to case or accents, the common Latin letters (Latin-1,
 * Latin Extended-A, and Romanian's comma-below letters) being read as
 * their base letters ("Émilie" sorts with E, "île" with I, "Œ" as "oe",
 * "ß" as "ss"); other characters, Chinese among them, by code point.
 * Names equal that way fall back to byte order, so the order is total
 * and stable. en, fr and zh-Hans all use this rule today; lang is here
 * so a language with other rules needs no change to the callers.
 * NULL sorts as "".
 */
int		 lang_collate(const char *lang, const char *x, const char *y);

struct catalog_msg {
	const char	*id;	/* NUL-terminated; plural forms after the NUL */
	const char	*str;	/* the first (or only) translation */
};

struct catalog {
	struct catalog_msg	*msgs;
	size_t			 n;
};

/* Upper bound on the messages of one catalog: a corrupt count cannot make
 * us allocate gigabytes. */
#define MO_MAX_MESSAGES	65536

/*
 * Parse a .mo file of len bytes (magic 0x950412de in either byte order,
 * major revision 0 or 1). Every offset and length is checked against the
 * buffer, every string must be NUL-terminated inside it and be valid
 * UTF-8. The header entry (empty msgid) and empty translations are
 * skipped. Returns 0 with *c filled, or -1 (and *c empty) when the data
 * is not a well-formed catalog.
 */
int		 mo_parse(const unsigned char *data, size_t len,
		    struct catalog *c);
void		 catalog_release(struct catalog *c);
/* The translation of msgid, or NULL when the catalog has none. */
const char	*catalog_lookup(const struct catalog *c, const char *msgid);

#endif
