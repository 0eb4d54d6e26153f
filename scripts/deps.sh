#!/bin/sh
# Install the Debian 12 packages lookout needs to build, run and test.
# Idempotent: silent and quick when everything is already present.
set -eu

PACKAGES="
	gcc make cmake pkg-config clang libclang-rt-14-dev
	libmicrohttpd-dev libsqlite3-dev libsodium-dev libjansson-dev
	libseccomp-dev libcmocka-dev gettext python3 sqlite3 openssl
	libcairo2-dev libpango1.0-dev libqrencode-dev fonts-noto-core
	fonts-noto-cjk poppler-utils zbar-tools valgrind
	libcurl4-gnutls-dev zlib1g-dev chromium kannel kannel-extras
	libdb5.3 libicu72 libnsl2 libsasl2-2 libssl3
	wrk sqlmap musl-tools
"
# The browser tests run under node's test runner. A machine may bring its
# own Node.js (20 or later); without one, Debian's.
if ! command -v node >/dev/null 2>&1; then
	PACKAGES="$PACKAGES nodejs npm"
fi

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then
	SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive

if [ -n "$missing" ]; then
	echo "deps: installing$missing"
	if [ "$(id -u)" != 0 ] && [ -z "$SUDO" ]; then
		echo "deps: missing packages:$missing" >&2
		echo "deps: run this script as root to install them" >&2
		exit 1
	fi
	$SUDO apt-get update -qq
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
	# Kannel's package starts its own gateway as a system service; the
	# SMS tests run their own boxes on loopback, so it stays off.
	case "$missing" in *" kannel"*)
		$SUDO update-rc.d kannel disable >/dev/null 2>&1 || true
		$SUDO /etc/init.d/kannel stop >/dev/null 2>&1 || true ;;
	esac
fi

# Postfix's smtp-sink, the SMTP server tests/integration/test_email.py
# delivers to. The package is extracted into build/postfix, not
# installed: this machine gets no mail server. The libraries it needs are
# in PACKAGES above.
SINK_DIR="$(cd "$(dirname "$0")/.." && pwd)/build/postfix"
if [ ! -x "$SINK_DIR/usr/sbin/smtp-sink" ]; then
	echo "deps: extracting postfix's smtp-sink into $SINK_DIR"
	tmp=$(mktemp -d)
	if ! (cd "$tmp" && apt-get download -qq postfix 2>/dev/null); then
		$SUDO apt-get update -qq
		(cd "$tmp" && apt-get download -qq postfix)
	fi
	mkdir -p "$SINK_DIR"
	dpkg -x "$tmp"/postfix_*.deb "$SINK_DIR"
	rm -rf "$tmp"
fi

# The browser tests' packages (playwright-core, axe-core), exactly as
# tests/e2e/package-lock.json pins them. playwright-core never fetches a
# browser: the tests drive Debian's chromium.
E2E_DIR="$(cd "$(dirname "$0")/.." && pwd)/tests/e2e"
if [ ! -f "$E2E_DIR/node_modules/.package-lock.json" ] ||
    [ "$E2E_DIR/package-lock.json" -nt \
    "$E2E_DIR/node_modules/.package-lock.json" ]; then
	echo "deps: npm ci in $E2E_DIR"
	(cd "$E2E_DIR" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
	    npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
