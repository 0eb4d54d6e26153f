/*
 * ident.h: identifier normalisation, so that the same client matches
 * however a hurried worker types him, in whatever script her keyboard
 * uses (DESIGN.md, "Identifier normalisation").
 *
 *   phone   E.164: "+16045550142". Unicode decimal digits are folded to
 *           ASCII; blanks and the separators - . ( ) / are dropped; a
 *           national number takes the default country's code.
 *   email   trimmed and lower-cased; for gmail.com and googlemail.com the
 *           dots and any +tag of the local part are dropped and the
 *           domain becomes gmail.com.
 *   plate   upper-case letters and digits only; '?' stands for one
 *           unknown character.
 *   handle  lower-case, without a leading '@'.
 *   name    lower-case, inner blanks collapsed to one space.
 *
 * A partial value is a pattern: '?' is one unknown character and a
 * leading '*' any prefix. Partial phones ("***-0142", "604555??42", or
 * just the last 4 to 7 digits) become "*0142"-style suffix patterns or
 * "+1604555??42"; partial plates keep their '?'. Only screening accepts
 * partial values; reports and alerts need whole ones.
 */
#ifndef LOOKOUT_IDENT_H
#define LOOKOUT_IDENT_H

#include <stddef.h>

enum ident_kind {
	IDENT_PHONE = 1,
	IDENT_EMAIL,
	IDENT_PLATE,
	IDENT_HANDLE,
	IDENT_NAME,
};

#define IDENT_NORM_MAX 256	/* bytes of a normalised value, with NUL */

enum ident_kind	 ident_kind_parse(const char *s);	/* 0 when unknown */
const char	*ident_kind_name(enum ident_kind k);

/*
 * Normalise value of kind k. country is the two-letter default country
 * for national phone numbers. On success returns 0, writes the
 * normalised form to out and sets *partial to 1 when it is a pattern
 * (only when allow_partial). On failure returns -1 and sets *why to a
 * short English reason fit for a 400 ("not a phone number: ...").
 */
int	ident_normalize(enum ident_kind k, const char *value,
	    const char *country, int allow_partial, char out[IDENT_NORM_MAX],
	    int *partial, const char **why);

/* Does the normalised value match the pattern ('?' one character, a
 * leading '*' any prefix)? */
int	ident_match(const char *pattern, const char *value);

/* The calling code for a two-letter country ("CA" -> "1"), or NULL. */
const char	*ident_country_code(const char *country);

#endif
