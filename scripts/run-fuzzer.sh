#!/bin/sh
# Run one libFuzzer target over its committed corpus for a bounded time.
# New inputs go to a scratch directory so the committed corpus only
# changes on purpose.
set -eu
bin=$1 corpus=$2 seconds=$3
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
	-print_final_stats=1 "$scratch" "$corpus"
