/*
 * smscmd.h: what a text message sent to lookout asks for, and the text
 * rules of SMS, as pure functions: no store, no keys, no allocation.
 *
 * A message is a keyword, in English or French, then an argument:
 *
 *   CHECK <phone, plate or email>   VERIFIER / VÉRIFIER
 *   HELP [text]                     AIDE
 *   STOP                            ARRET / ARRÊT
 *   START                           DEBUT / DÉBUT
 *   REPORT <text>                   SIGNALER
 *
 * Keywords match without regard to case or to the accents on E, and end
 * at a blank or at the end of the message. The argument is what follows,
 * without the blanks around it, and points into the caller's text.
 */
#ifndef LOOKOUT_SMSCMD_H
#define LOOKOUT_SMSCMD_H

#include <stddef.h>

/* The longest inbound text accepted, in UTF-8 bytes: ten concatenated
 * UCS-2 parts, each character at most 3 bytes once converted. */
#define SMS_TEXT_MAX	2048
/* One SMS: 160 GSM 7-bit characters, or 70 UCS-2 ones. */
#define SMS_GSM7_CHARS	160
#define SMS_UCS2_CHARS	70

enum sms_cmd {
	SMS_CMD_UNKNOWN = 0,	/* empty, or no keyword we know */
	SMS_CMD_CHECK,
	SMS_CMD_HELP,
	SMS_CMD_STOP,
	SMS_CMD_START,
	SMS_CMD_REPORT,
};

struct sms_command {
	enum sms_cmd	 cmd;
	const char	*lang;	/* the keyword's language: "en", "fr", or
				   NULL when it is both (STOP) or none */
	const char	*arg;	/* into text; "" when none */
	size_t		 arglen;
};

/* Parse text[0..len) (UTF-8, not necessarily NUL-terminated). Never
 * fails: anything unrecognised is SMS_CMD_UNKNOWN. */
void	smscmd_parse(const char *text, size_t len, struct sms_command *out);

/* 1 when every character of the NUL-terminated UTF-8 text is in the GSM
 * 03.38 alphabet (its basic set or its extension table), so that it can
 * go as 7-bit text; 0 when it needs UCS-2 (or is not UTF-8). */
int	sms_gsm7(const char *text);

/*
 * Convert UTF-16BE bytes (Kannel's inbound UCS-2) to UTF-8 in out, of
 * outcap bytes, NUL-terminated; *outlen is the length without the NUL.
 * -1 for an odd length, an unpaired surrogate, U+0000, or output that
 * does not fit.
 */
int	sms_utf16be_to_utf8(const unsigned char *in, size_t len, char *out,
	    size_t outcap, size_t *outlen);
/* The same for ISO-8859-1 bytes; -1 for NUL or output that does not
 * fit. */
int	sms_latin1_to_utf8(const unsigned char *in, size_t len, char *out,
	    size_t outcap, size_t *outlen);

/* The length of the longest prefix of the UTF-8 text s that fits in one
 * SMS (SMS_GSM7_CHARS characters when gsm7, else SMS_UCS2_CHARS UTF-16
 * units), never cutting a character. */
size_t	sms_fit(const char *s, int gsm7);
/* The same for at most max septets (gsm7) or UTF-16 units. */
size_t	sms_fit_units(const char *s, int gsm7, size_t max);
/* Septets (gsm7) or UTF-16 units the whole of s takes. */
size_t	sms_units(const char *s, int gsm7);

/* An alert is sent in at most SMS_ALERT_PARTS concatenated parts, each
 * holding 153 septets or 67 UTF-16 units once its header is in (the
 * gateway's sendsms-user max-messages must allow as many). */
#define SMS_ALERT_PARTS	3
#define SMS_PART_GSM7	153
#define SMS_PART_UCS2	67

#endif
