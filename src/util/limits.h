/*
 * limits.h: every bound lookout puts on untrusted input, in one place.
 *
 * A request that exceeds one of these is refused with a 4xx naming the
 * limit; nothing is truncated silently.
 */
#ifndef LOOKOUT_LIMITS_H
#define LOOKOUT_LIMITS_H

#define LIMIT_HEADER_BYTES	8192		/* all request headers together */
#define LIMIT_URL_BYTES		2048		/* request target */
#define LIMIT_BODY_BYTES	(256 * 1024)	/* any request body */
#define LIMIT_FORM_FIELDS	64		/* fields in one form or object */
#define LIMIT_JSON_DEPTH	8		/* nesting of a JSON body */
#define LIMIT_NAME_BYTES	64		/* working or account name */
#define LIMIT_PASSWORD_MIN	10		/* characters, at least */
#define LIMIT_PASSWORD_BYTES	256
#define LIMIT_CODE_BYTES	32		/* region code, invite code */
#define LIMIT_TEXT_BYTES	4096		/* short free text: summary, area */
#define LIMIT_NARRATIVE_BYTES	32768		/* a report's narrative */
#define LIMIT_IDENT_BYTES	256		/* one identifier's raw value */
#define LIMIT_LIST_ITEMS	32		/* items in any list field */
#define LIMIT_CONF_LINE		1024		/* one line of lookout.conf */
#define LIMIT_CSV_COLUMNS	64		/* fields in one CSV row */
#define LIMIT_CSV_RECORD_BYTES	(128 * 1024)	/* one CSV row, as bytes read */
#define LIMIT_CONNECTIONS	1024		/* concurrent HTTP connections */
#define LIMIT_CONN_TIMEOUT	30		/* seconds idle before close */
#define LIMIT_THREADS		8		/* HTTP worker threads */
#define LIMIT_PWHASH_AT_ONCE	2		/* Argon2id runs at a time, 64 MiB each */
#define LIMIT_LOGIN_PER_MIN	10		/* failed logins, per account or address */
#define LIMIT_SCREEN_PER_MIN	30		/* screens per account per minute */
#define LIMIT_HELP_PER_MIN	10		/* help requests per client per minute */
#define LIMIT_RATE_KEYS		65536		/* tracked rate-limit keys, in memory */

#define SESSION_TTL_SECONDS	(12 * 3600)
#define API_TOKEN_TTL_SECONDS	(30 * 24 * 3600)

#endif
