/*
 * i18n.c: the embedded message catalogs and language negotiation
 * (util/i18n.h). It lives below the web layer so that the web pages and
 * the outbox's messages share the catalogs.
 *
 * Each po/LANG.po is compiled to a .mo and embedded by cmake/embed.cmake
 * as mo_LANG[] / mo_LANG_len ('-' in the code becomes '_'). The catalogs
 * are parsed once, on first use, into sorted arrays that point into the
 * embedded bytes; after that tr() is a lock-free binary search.
 *
 * We parse .mo ourselves rather than call gettext(3): gettext keys its
 * language on the process locale, but lookout answers each request in
 * the visitor's own language, from many threads at once.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/parse.h"
#include "util/xalloc.h"
#include "util/banned.h"

/*
 * The languages lookout speaks besides English, one line each: the code
 * used in ?lang= and the lk_lang cookie (po/CODE.po), the C name of its
 * embedded catalog (the code with '-' as '_'), and the language's name in
 * its own script for the language switch. Adding a language is one line
 * here plus po/CODE.po; see docs/translations.md.
 */
#define LOOKOUT_LANGUAGES(X)				\
	X("fr",		fr,		"Français")	\
	X("zh-Hans",	zh_Hans,	"中文")

#define DECLARE_MO(code, sym, name)			\
	extern const unsigned char mo_##sym[];		\
	extern const size_t mo_##sym##_len;
LOOKOUT_LANGUAGES(DECLARE_MO)

#define LANG_CODE(code, sym, name)	code,
#define LANG_DEF(code, sym, name)	{ code, name, mo_##sym, &mo_##sym##_len },

const char *const langs[] = { "en", LOOKOUT_LANGUAGES(LANG_CODE) NULL };

static const struct lang_def {
	const char		*code;
	const char		*name;
	const unsigned char	*mo;
	const size_t		*mo_len;
} lang_defs[] = {
	{ "en", "English", NULL, NULL },	/* msgids are English */
	LOOKOUT_LANGUAGES(LANG_DEF)
};

#define NLANGS	(sizeof(lang_defs) / sizeof(lang_defs[0]))

static struct catalog catalogs[NLANGS];
static pthread_once_t catalogs_once = PTHREAD_ONCE_INIT;

/* The longest language tag we look at; real ones are far shorter. */
#define LANG_TAG_MAX		35
/* Accept-Language items considered; browsers send a handful. */
#define ACCEPT_LANG_ITEMS	32

/* .mo parsing */

#define MO_MAGIC	0x950412deU
#define MO_HEADER_BYTES	28

static uint32_t
rd32(const unsigned char *p, int big)
{
	if (big)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		    (uint32_t)p[2] << 8 | (uint32_t)p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | (uint32_t)p[0];
}

/* String i of the table at tab: NULL unless it lies wholly inside the
 * buffer, ends with a NUL there, and is valid UTF-8 up to its first NUL. */
static const char *
mo_string(const unsigned char *data, size_t len, uint32_t tab, uint32_t i,
    int big)
{
	uint64_t ent = (uint64_t)tab + (uint64_t)i * 8;
	uint32_t slen, off;
	const char *s;

	if (ent + 8 > len)
		return NULL;
	slen = rd32(data + ent, big);
	off = rd32(data + ent + 4, big);
	if ((uint64_t)off + slen + 1 > len || data[(uint64_t)off + slen] != 0)
		return NULL;
	s = (const char *)data + off;
	if (!utf8_valid(s, strlen(s)))
		return NULL;
	return s;
}

/* The header entry may name a charset; we only embed UTF-8. */
static int
header_charset_ok(const char *h)
{
	const char *p = strstr(h, "charset=");
	size_t n;

	if (p == NULL)
		return 1;
	p += strlen("charset=");
	n = strcspn(p, " \t\r\n;");
	return n == 5 && strncasecmp(p, "UTF-8", 5) == 0;
}

static int
msg_cmp(const void *a, const void *b)
{
	const struct catalog_msg *x = a, *y = b;

	return strcmp(x->id, y->id);
}

int
mo_parse(const unsigned char *data, size_t len, struct catalog *c)
{
	uint32_t n, otab, ttab, i;
	int big;

	c->msgs = NULL;
	c->n = 0;
	if (data == NULL || len < MO_HEADER_BYTES)
		return -1;
	if (rd32(data, 0) == MO_MAGIC)
		big = 0;
	else if (rd32(data, 1) == MO_MAGIC)
		big = 1;
	else
		return -1;
	if (rd32(data + 4, big) >> 16 > 1)	/* unknown major revision */
		return -1;
	n = rd32(data + 8, big);
	otab = rd32(data + 12, big);
	ttab = rd32(data + 16, big);
	if (n > MO_MAX_MESSAGES ||
	    (uint64_t)otab + (uint64_t)n * 8 > len ||
	    (uint64_t)ttab + (uint64_t)n * 8 > len)
		return -1;
	if (n == 0)
		return 0;

	c->msgs = xcalloc(n, sizeof(*c->msgs));
	for (i = 0; i < n; i++) {
		const char *id = mo_string(data, len, otab, i, big);
		const char *str = mo_string(data, len, ttab, i, big);

		if (id == NULL || str == NULL)
			goto bad;
		if (*id == '\0') {
			if (!header_charset_ok(str))
				goto bad;
			continue;
		}
		if (*str == '\0')	/* untranslated: fall back to msgid */
			continue;
		c->msgs[c->n].id = id;
		c->msgs[c->n].str = str;
		c->n++;
	}
	/* msgfmt writes them sorted, but the index must not rely on it. */
	qsort(c->msgs, c->n, sizeof(*c->msgs), msg_cmp);
	return 0;
bad:
	catalog_release(c);
	return -1;
}

void
catalog_release(struct catalog *c)
{
	free(c->msgs);
	c->msgs = NULL;
	c->n = 0;
}

const char *
catalog_lookup(const struct catalog *c, const char *msgid)
{
	struct catalog_msg key = { msgid, NULL }, *m;

	if (c->n == 0 || msgid == NULL)
		return NULL;
	m = bsearch(&key, c->msgs, c->n, sizeof(*c->msgs), msg_cmp);
	return m ? m->str : NULL;
}

static void
catalogs_load(void)
{
	size_t i;

	for (i = 0; i < NLANGS; i++) {
		if (lang_defs[i].mo == NULL)
			continue;
		if (mo_parse(lang_defs[i].mo, *lang_defs[i].mo_len,
		    &catalogs[i]) == -1)
			log_error("translation catalog '%s' is corrupt; pages "
			    "fall back to English (rebuild from po/%s.po)",
			    lang_defs[i].code, lang_defs[i].code);
	}
}

static int
lang_index(const char *lang)
{
	size_t i;

	if (lang == NULL)
		return -1;
	for (i = 0; i < NLANGS; i++)
		if (strcmp(lang_defs[i].code, lang) == 0)
			return (int)i;
	return -1;
}

const char *
tr(const char *lang, const char *msgid)
{
	const char *s;
	int i;

	if (msgid == NULL)
		return "";
	i = lang_index(lang);
	if (i < 0 || lang_defs[i].mo == NULL)
		return msgid;
	pthread_once(&catalogs_once, catalogs_load);
	s = catalog_lookup(&catalogs[i], msgid);
	return s ? s : msgid;
}

const char *
lang_native_name(const char *code)
{
	int i = lang_index(code);

	return i < 0 ? NULL : lang_defs[i].name;
}

/* Language negotiation */

static int
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_alnum(int c)
{
	return is_alpha(c) || (c >= '0' && c <= '9');
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Compare the tag with code up to n bytes, case-insensitively, treating
 * '_' in the tag as '-' ("zh_CN" is common in cookies and locales). */
static int
tag_eq(const char *tag, const char *code, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int t = tag[i] == '_' ? '-' : lower((unsigned char)tag[i]);

		if (t != lower((unsigned char)code[i]))
			return 0;
	}
	return 1;
}

const char *
lang_match(const char *tag, size_t len)
{
	size_t i, primary;

	if (tag == NULL || len == 0 || len > LANG_TAG_MAX)
		return NULL;
	for (i = 0; i < len; i++)
		if (!is_alnum((unsigned char)tag[i]) && tag[i] != '-' &&
		    tag[i] != '_')
			return NULL;
	for (primary = 0; primary < len && is_alpha((unsigned char)tag[primary]);
	    primary++)
		;
	if (primary < 2 || primary > 8 || (primary < len &&
	    tag[primary] != '-' && tag[primary] != '_'))
		return NULL;

	for (i = 0; i < NLANGS; i++)
		if (strlen(lang_defs[i].code) == len &&
		    tag_eq(tag, lang_defs[i].code, len))
			return lang_defs[i].code;
	/* Same language, other region or script: "fr-CA" reads "fr"; every
	 * "zh-*" means zh-Hans, the only Chinese we have. */
	for (i = 0; i < NLANGS; i++) {
		const char *code = lang_defs[i].code;
		size_t cp = strcspn(code, "-");

		if (cp == primary && tag_eq(tag, code, primary))
			return code;
	}
	return NULL;
}

static const char *
match_str(const char *s)
{
	size_t n;

	if (s == NULL)
		return NULL;
	n = strnlen(s, LANG_TAG_MAX + 1);
	return lang_match(s, n);
}

/* An RFC 9110 qvalue in thousandths, or -1 when malformed. */
static int
qvalue(const char *s, size_t n)
{
	size_t i;
	int q, scale = 100;

	if (n == 0 || (s[0] != '0' && s[0] != '1'))
		return -1;
	q = (s[0] - '0') * 1000;
	if (n == 1)
		return q;
	if (s[1] != '.' || n > 5)
		return -1;
	for (i = 2; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		q += (s[i] - '0') * scale;
		scale /= 10;
	}
	return q > 1000 ? -1 : q;
}

static int
is_ows(int c)
{
	return c == ' ' || c == '\t';
}

/* The supported language with the highest q in an Accept-Language value;
 * on a tie the one listed first. Malformed items are skipped. */
static const char *
accept_best(const char *h)
{
	const char *p = h, *best = NULL;
	int bestq = 0;
	size_t items;

	for (items = 0; *p != '\0' && items < ACCEPT_LANG_ITEMS; items++) {
		const char *tag, *m;
		size_t taglen;
		int q = 1000, bad = 0;

		while (is_ows(*p) || *p == ',')
			p++;
		if (*p == '\0')
			break;
		tag = p;
		while (*p != '\0' && *p != ',' && *p != ';' && !is_ows(*p))
			p++;
		taglen = (size_t)(p - tag);
		while (is_ows(*p))
			p++;
		while (*p == ';') {
			const char *v;

			p++;
			while (is_ows(*p))
				p++;
			v = p;
			while (*p != '\0' && *p != ',' && *p != ';' &&
			    !is_ows(*p))
				p++;
			if ((v[0] == 'q' || v[0] == 'Q') && v[1] == '=') {
				q = qvalue(v + 2, (size_t)(p - v - 2));
				if (q < 0)
					bad = 1;
			}
			while (is_ows(*p))
				p++;
		}
		if (*p != '\0' && *p != ',') {
			bad = 1;
			while (*p != '\0' && *p != ',')
				p++;
		}
		if (bad || q <= 0)
			continue;
		m = lang_match(tag, taglen);
		if (m != NULL && q > bestq) {
			best = m;
			bestq = q;
		}
	}
	return best;
}

const char *
lang_negotiate(const char *query, const char *cookie,
    const char *accept_language)
{
	const char *m;

	if ((m = match_str(query)) != NULL)
		return m;
	if ((m = match_str(cookie)) != NULL)
		return m;
	if (accept_language != NULL &&
	    (m = accept_best(accept_language)) != NULL)
		return m;
	return langs[0];
}

/* Dates and counts */

static const char *const month_names[12] = {
	N_("January"), N_("February"), N_("March"), N_("April"), N_("May"),
	N_("June"), N_("July"), N_("August"), N_("September"),
	N_("October"), N_("November"), N_("December"),
};

int
lang_date_buf(struct buf *b, const char *lang, const char *iso)
{
	/* TRANSLATORS: how a date is written. Keep the names in braces:
	 * {day} is the day of the month, {month} the month's name, {m}
	 * its number (1 to 12) and {year} the year. */
	const char *pat = tr(lang, N_("{month} {day}, {year}"));
	struct buf d;
	const char *p;
	int y, m, day, rc = -1;

	if (iso == NULL || parse_date(iso, &y, &m, &day) != 0)
		return -1;
	buf_init(&d, BUF_CAP_SMALL);
	for (p = pat; *p != '\0'; p++) {
		if (strncmp(p, "{day}", 5) == 0) {
			buf_printf(&d, "%d", day);
			p += 4;
		} else if (strncmp(p, "{month}", 7) == 0) {
			buf_adds(&d, tr(lang, month_names[m - 1]));
			p += 6;
		} else if (strncmp(p, "{m}", 3) == 0) {
			buf_printf(&d, "%d", m);
			p += 2;
		} else if (strncmp(p, "{year}", 6) == 0) {
			buf_printf(&d, "%d", y);
			p += 5;
		} else {
			buf_addch(&d, *p);
		}
	}
	if (d.overflow || d.len > b->cap - b->len)
		goto out;
	rc = buf_add(b, d.buf, d.len);
out:
	buf_release(&d);
	return rc;
}

const char *
lang_date(struct arena *a, const char *lang, const char *iso)
{
	struct buf b;
	const char *out = iso;

	buf_init(&b, BUF_CAP_SMALL);
	if (lang_date_buf(&b, lang, iso) == 0)
		out = arena_strdup(a, b.buf);
	buf_release(&b);
	return out;
}

const char *
lang_count(struct arena *a, const char *lang, const char *n)
{
	/* TRANSLATORS: one thousand two hundred and thirty-four, written
	 * with the separator between groups of three digits that your
	 * language uses (French: a narrow no-break space). Only what is
	 * between the 1 and the 234 is used. */
	const char *pat = tr(lang, N_("1,234"));
	char sep[16];
	struct buf b;
	const char *out;
	size_t len, i, seplen;

	if (n == NULL)
		return n;
	len = strspn(n, "0123456789");
	if (len == 0 || n[len] != '\0' || len < 4)
		return n;
	seplen = strlen(pat);
	if (seplen < 4 || pat[0] != '1' ||
	    strcmp(pat + seplen - 3, "234") != 0 || seplen - 4 >= sizeof(sep))
		return n;
	seplen -= 4;
	memcpy(sep, pat + 1, seplen);
	sep[seplen] = '\0';
	buf_init(&b, BUF_CAP_SMALL);
	for (i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf_adds(&b, sep);
		buf_addch(&b, n[i]);
	}
	out = b.overflow ? n : arena_strdup(a, b.buf);
	buf_release(&b);
	return out;
}

const char *
lang_list_sep(const char *lang)
{
	return lang != NULL && strcmp(lang, "zh-Hans") == 0 ? "\xe3\x80\x81" :
	    ", ";
}

/* Sorting */

/*
 * The Latin letters read as their base letters when sorting, by ranges
 * of code points, sorted and disjoint. Upper and lower case map to the
 * same lower-case base; ligatures and ß spell out their letters.
 */
static const struct fold_range {
	uint32_t	 first, last;
	const char	*base;
} fold_ranges[] = {
	{ 0x00C0, 0x00C5, "a" }, { 0x00C6, 0x00C6, "ae" },
	{ 0x00C7, 0x00C7, "c" }, { 0x00C8, 0x00CB, "e" },
	{ 0x00CC, 0x00CF, "i" }, { 0x00D0, 0x00D0, "d" },
	{ 0x00D1, 0x00D1, "n" }, { 0x00D2, 0x00D6, "o" },
	{ 0x00D8, 0x00D8, "o" }, { 0x00D9, 0x00DC, "u" },
	{ 0x00DD, 0x00DD, "y" }, { 0x00DE, 0x00DE, "th" },
	{ 0x00DF, 0x00DF, "ss" }, { 0x00E0, 0x00E5, "a" },
	{ 0x00E6, 0x00E6, "ae" }, { 0x00E7, 0x00E7, "c" },
	{ 0x00E8, 0x00EB, "e" }, { 0x00EC, 0x00EF, "i" },
	{ 0x00F0, 0x00F0, "d" }, { 0x00F1, 0x00F1, "n" },
	{ 0x00F2, 0x00F6, "o" }, { 0x00F8, 0x00F8, "o" },
	{ 0x00F9, 0x00FC, "u" }, { 0x00FD, 0x00FD, "y" },
	{ 0x00FE, 0x00FE, "th" }, { 0x00FF, 0x00FF, "y" },
	{ 0x0100, 0x0105, "a" }, { 0x0106, 0x010D, "c" },
	{ 0x010E, 0x0111, "d" }, { 0x0112, 0x011B, "e" },
	{ 0x011C, 0x0123, "g" }, { 0x0124, 0x0127, "h" },
	{ 0x0128, 0x0131, "i" }, { 0x0132, 0x0133, "ij" },
	{ 0x0134, 0x0135, "j" }, { 0x0136, 0x0138, "k" },
	{ 0x0139, 0x0142, "l" }, { 0x0143, 0x014B, "n" },
	{ 0x014C, 0x0151, "o" }, { 0x0152, 0x0153, "oe" },
	{ 0x0154, 0x0159, "r" }, { 0x015A, 0x0161, "s" },
	{ 0x0162, 0x0167, "t" }, { 0x0168, 0x0173, "u" },
	{ 0x0174, 0x0175, "w" }, { 0x0176, 0x0178, "y" },
	{ 0x0179, 0x017E, "z" }, { 0x017F, 0x017F, "s" },
	{ 0x0218, 0x0219, "s" }, { 0x021A, 0x021B, "t" },
};

#define NFOLD	(sizeof(fold_ranges) / sizeof(fold_ranges[0]))

static const char *
fold_base(uint32_t cp)
{
	size_t lo = 0, hi = NFOLD;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cp < fold_ranges[mid].first)
			hi = mid;
		else if (cp > fold_ranges[mid].last)
			lo = mid + 1;
		else
			return fold_ranges[mid].base;
	}
	return NULL;
}

/*
 * One code point of s, advancing *s. A byte that does not start a
 * well-formed sequence stands for itself, above every code point, so
 * that even a malformed name has a fixed place.
 */
static uint32_t
utf8_next(const unsigned char **s)
{
	const unsigned char *p = *s;
	uint32_t cp, min;
	int n, i;

	if (p[0] < 0x80) {
		*s = p + 1;
		return p[0];
	}
	if ((p[0] & 0xE0) == 0xC0) {
		n = 1; cp = p[0] & 0x1F; min = 0x80;
	} else if ((p[0] & 0xF0) == 0xE0) {
		n = 2; cp = p[0] & 0x0F; min = 0x800;
	} else if ((p[0] & 0xF8) == 0xF0) {
		n = 3; cp = p[0] & 0x07; min = 0x10000;
	} else {
		goto bad;
	}
	for (i = 1; i <= n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			goto bad;
		cp = cp << 6 | (p[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		goto bad;
	*s = p + n + 1;
	return cp;
bad:
	*s = p + 1;
	return 0x110000U + p[0];
}

/* Walks a name as the sequence of its sort letters. */
struct fold_it {
	const unsigned char	*s;
	const char		*pending;	/* the rest of a base, "s" of "ss" */
};

/* The next sort letter, or 0 at the end. */
static uint32_t
fold_next(struct fold_it *it)
{
	const char *base;
	uint32_t cp;

	if (it->pending != NULL && *it->pending != '\0')
		return (unsigned char)*it->pending++;
	if (*it->s == '\0')
		return 0;
	cp = utf8_next(&it->s);
	if (cp >= 'A' && cp <= 'Z')
		return cp - 'A' + 'a';
	if (cp < 0xC0 || (base = fold_base(cp)) == NULL)
		return cp;
	it->pending = base + 1;
	return (unsigned char)base[0];
}

int
lang_collate(const char *lang, const char *x, const char *y)
{
	struct fold_it a, b;
	uint32_t ca, cb;
	int c;

	(void)lang;	/* one rule serves every language we speak */
	if (x == NULL)
		x = "";
	if (y == NULL)
		y = "";
	a.s = (const unsigned char *)x;
	a.pending = NULL;
	b.s = (const unsigned char *)y;
	b.pending = NULL;
	do {
		ca = fold_next(&a);
		cb = fold_next(&b);
		if (ca != cb)
			return ca < cb ? -1 : 1;
	} while (ca != 0);
	c = strcmp(x, y);
	return c < 0 ? -1 : c > 0;
}
