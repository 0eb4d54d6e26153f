#!/bin/sh
# Install the Debian 12 packages lookout needs to build, run and test.
# Idempotent: silent and quick when everything is already present.
set -eu

PACKAGES="
	gcc make cmake pkg-config clang libclang-rt-14-dev
	libmicrohttpd-dev libsqlite3-dev libsodium-dev libjansson-dev
	libcmocka-dev gettext python3 sqlite3
"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "deps: installing$missing"
SUDO=""
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO=sudo
	else
		echo "deps: missing packages:$missing" >&2
		echo "deps: run this script as root to install them" >&2
		exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
