/*
 * html.c: the escape-by-default formatter every page writes through.
 *
 * This is deliberately not printf: %s escapes, raw output has to be
 * spelled %R, and a conversion we do not know aborts instead of reading
 * an argument of the wrong type. The conversions are listed in web.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/log.h"
#include "web/web.h"
#include "util/banned.h"

int
html_escape(struct buf *b, const char *s)
{
	const char *run;

	if (s == NULL)
		return b->overflow ? -1 : 0;
	for (run = s; *s != '\0'; s++) {
		const char *ent;

		switch (*s) {
		case '&':	ent = "&amp;"; break;
		case '<':	ent = "&lt;"; break;
		case '>':	ent = "&gt;"; break;
		case '"':	ent = "&quot;"; break;
		case '\'':	ent = "&#39;"; break;
		default:	continue;
		}
		buf_add(b, run, (size_t)(s - run));
		buf_adds(b, ent);
		run = s + 1;
	}
	buf_add(b, run, (size_t)(s - run));
	return b->overflow ? -1 : 0;
}

static void __attribute__((noreturn))
bad_conversion(const char *fmt, const char *at)
{
	/* A template bug, not bad input: stop before it reads an argument
	 * of the wrong type. */
	log_error("html_printf: unknown conversion '%%%.3s' in \"%s\"", at,
	    fmt);
	abort();
}

int
html_printf(struct buf *b, const char *lang, const char *fmt, ...)
{
	const char *p, *run;
	va_list ap;

	va_start(ap, fmt);
	for (p = run = fmt; *p != '\0'; p++) {
		if (*p != '%')
			continue;
		buf_add(b, run, (size_t)(p - run));
		switch (p[1]) {
		case 's':
			html_escape(b, va_arg(ap, const char *));
			p += 1;
			break;
		case 'R': {
			const char *s = va_arg(ap, const char *);

			if (s != NULL)
				buf_adds(b, s);
			p += 1;
			break;
		}
		case 't':
			html_escape(b, tr(lang, va_arg(ap, const char *)));
			p += 1;
			break;
		case 'd':
			buf_printf(b, "%d", va_arg(ap, int));
			p += 1;
			break;
		case 'u':
			buf_printf(b, "%u", va_arg(ap, unsigned));
			p += 1;
			break;
		case 'l':
			if (p[2] != 'l' || p[3] != 'd')
				bad_conversion(fmt, p + 1);
			buf_printf(b, "%lld", va_arg(ap, long long));
			p += 3;
			break;
		case 'z':
			if (p[2] != 'u')
				bad_conversion(fmt, p + 1);
			buf_printf(b, "%zu", va_arg(ap, size_t));
			p += 2;
			break;
		case '%':
			buf_addch(b, '%');
			p += 1;
			break;
		default:
			bad_conversion(fmt, p + 1);
		}
		run = p + 1;
	}
	buf_add(b, run, (size_t)(p - run));
	va_end(ap);
	return b->overflow ? -1 : 0;
}
