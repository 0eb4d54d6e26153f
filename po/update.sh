#!/bin/sh
# Regenerate po/lookout.pot from the sources and merge it into every
# po/LANG.po. Run from anywhere; needs gettext (xgettext, msgmerge).
set -eu
cd "$(dirname "$0")/.."
# The core's validation messages reach the pages too: they are the
# third argument of loop_invalid() and the fifth of loop_invalid_at().
# Those xgettext cannot see (assignments, tables) are listed in
# src/web/labels.c.
xgettext --language=C --from-code=UTF-8 --keyword=tr:2 --keyword=N_ \
	--keyword=loop_invalid:3 --keyword=loop_invalid_at:5 \
	--add-comments=TRANSLATORS: --package-name=lookout \
	--msgid-bugs-address=translations@lookout.invalid --sort-by-file --add-location=file \
	--omit-header -o po/lookout.pot.body src/web/*.c src/web/*.h src/core/*.c \
	src/print/*.c
{
	cat <<'HDR'
# Messages of lookout, a bad-date reporting service.
# This file is distributed under the same license as lookout.
msgid ""
msgstr ""
"Project-Id-Version: lookout\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Content-Transfer-Encoding: 8bit\n"

HDR
	cat po/lookout.pot.body
} > po/lookout.pot
rm -f po/lookout.pot.body
for po in po/*.po; do
	[ -e "$po" ] || continue
	msgmerge --quiet --update --backup=none --no-fuzzy-matching "$po" po/lookout.pot
	msgfmt --check --statistics -o /dev/null "$po"
done
