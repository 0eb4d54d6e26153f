/*
 * help_int.h: the pure parts of help.c, for its unit tests. Not for use
 * outside src/core/ and tests/unit/.
 */
#ifndef LOOKOUT_HELP_INT_H
#define LOOKOUT_HELP_INT_H

/* Triage order of help.h: 1 in danger now, 2 under 18, 3 coerced or ID or
 * money held, 4 other. */
int	help_priority(int danger_now, int under_18, int forced,
	    int id_or_money_held);

/* The canonical form of a reference as a requester may type it ("H-4KD9-QX",
 * "h 4kd9 qx", "4KD9QX"): its six characters, upper-case, in out. -1 when
 * it cannot be a reference. */
#define HELP_REF_CHARS	6
int	help_ref_canon(const char *ref, char out[HELP_REF_CHARS + 1]);

/* 1 when s is a language tag lookout accepts: 2 to 16 of [A-Za-z-]. */
int	help_language_valid(const char *s);

#endif
