#!/bin/sh
# Regenerate po/lookout.pot from the sources and merge it into every
# po/LANG.po. Run from anywhere; needs gettext (xgettext, msgmerge).
#
# With --check it changes nothing, and fails, naming each message, when a
# po/LANG.po lacks a translation (missing, empty or fuzzy) of a message
# the sources use. The test suite runs it so.
set -eu
cd "$(dirname "$0")/.."
check=0
[ "${1:-}" = "--check" ] && check=1
body=$(mktemp)
trap 'rm -f "$body"' EXIT
# The core's validation messages reach the pages too: they are the
# third argument of loop_invalid() and the fifth of loop_invalid_at().
# Those xgettext cannot see (assignments, tables) are listed in
# src/web/labels.c.
xgettext --language=C --from-code=UTF-8 --keyword=tr:2 --keyword=N_ \
	--keyword=loop_invalid:3 --keyword=loop_invalid_at:5 \
	--add-comments=TRANSLATORS: --package-name=lookout \
	--msgid-bugs-address=translations@lookout.invalid --sort-by-file --add-location=file \
	--omit-header -o "$body" src/web/*.c src/web/*.h src/core/*.c \
	src/print/*.c src/util/i18n.c
if [ "$check" = 1 ]; then
	rc=0
	for po in po/*.po; do
		[ -e "$po" ] || continue
		if ! msgcmp "$po" "$body" 2>"$body.err"; then
			grep -v 'warning: this message is not used' "$body.err" >&2
			rc=1
		fi
		rm -f "$body.err"
	done
	[ "$rc" = 0 ] || echo "po/update.sh: translations are missing" \
		"(above); add them to each po/LANG.po" >&2
	exit "$rc"
fi
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
	cat "$body"
} > po/lookout.pot
for po in po/*.po; do
	[ -e "$po" ] || continue
	msgmerge --quiet --update --backup=none --no-fuzzy-matching "$po" po/lookout.pot
	msgfmt --check --statistics -o /dev/null "$po"
done
