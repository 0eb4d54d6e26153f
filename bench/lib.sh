# bench/lib.sh: what bench/soak, bench/durable, bench/rss and bench/fanout
# share. Sourced, not run. Each bench sets ROOT before sourcing it.
#
# Everything listens on 127.0.0.1, on ports picked here, and everything
# started is stopped by cleanup when the bench ends, however it ends.
# BENCH_KEEP=1 leaves the work dir (data dir, logs) behind.

say() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

BUILD=$ROOT/build-bench
LOOKOUT=$BUILD/lookout
WORK=$(mktemp -d /tmp/lookout-bench.XXXXXX)
LOOKOUT_PID=""
EXTRA_PIDS=""
WRK_PID=""
cleanup() {
	rc=$?
	# Whatever the processes' own exit statuses, clean up everything.
	set +e
	[ -n "$WRK_PID" ] && kill "$WRK_PID" 2>/dev/null
	[ -n "$LOOKOUT_PID" ] && kill "$LOOKOUT_PID" 2>/dev/null &&
	    wait "$LOOKOUT_PID" 2>/dev/null
	for p in $EXTRA_PIDS; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	if [ "${BENCH_KEEP:-}" = 1 ]; then
		say "kept $WORK"
	else
		rm -rf "$WORK"
	fi
	# The bench's own status, not that of the last kill or wait here.
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Debian packages the bench needs beyond scripts/deps.sh, by command name
# and package: need_pkg wrk wrk.
need_pkg() {
	command -v "$1" >/dev/null 2>&1 && return 0
	[ "$(id -u)" = 0 ] || die "missing $2 (run as root to install it)"
	say "installing $2"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends "$2" >/dev/null 2>&1 || {
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		    --no-install-recommends "$2" >/dev/null
	}
}

# lookout (Release) and the seeding helpers, in build-bench.
# BENCH_BUILD=DIR uses an existing build instead (for trying a bench out;
# figures for the record come from the Release build).
build_bench() {
	if [ -n "${BENCH_BUILD:-}" ]; then
		BUILD=$(cd "$BENCH_BUILD" && pwd)
		LOOKOUT=$BUILD/lookout
		return 0
	fi
	say "building lookout (Release) in build-bench"
	cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release \
	    -DLOOKOUT_BENCH=ON >/dev/null
	cmake --build "$BUILD" -j"$(nproc 2>/dev/null || echo 2)" \
	    --target lookout "$@" >/dev/null
}

# Run a setup command quietly; show what it said only if it fails.
quiet() {
	"$@" >>"$WORK/setup.log" 2>&1 || {
		cat "$WORK/setup.log" >&2
		die "failed: $*"
	}
}

free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# A data dir in $DATA with the region ca-bc-van, an outreach account
# "bench" and a member "member", both with the password $PW.
make_world() {
	DATA=$WORK/data
	PW=bench-password-$$
	echo "$PW" | quiet "$LOOKOUT" init --data "$DATA" --admin admin
	quiet "$LOOKOUT" region add --data "$DATA" --code ca-bc-van \
	    --name Vancouver
	echo "$PW" | quiet "$LOOKOUT" user add --data "$DATA" --role outreach \
	    --name bench --region ca-bc-van
	echo "$PW" | quiet "$LOOKOUT" user add --data "$DATA" --role member \
	    --name member --region ca-bc-van
}

# Serve $DATA on a loopback port; sets LOOKOUT_PID and URL.
start_lookout() {
	"$LOOKOUT" serve --data "$DATA" --listen 127.0.0.1:0 \
	    >"$WORK/serve.out" 2>"$WORK/serve.log" &
	LOOKOUT_PID=$!
	i=0
	until grep -q '^listening on http://' "$WORK/serve.out" 2>/dev/null; do
		kill -0 "$LOOKOUT_PID" 2>/dev/null ||
		    { cat "$WORK/serve.log" >&2; die "lookout serve exited"; }
		i=$((i + 1))
		[ $i -le 1200 ] || die "lookout did not start in 120 s"
		sleep 0.1
	done
	URL=$(sed -n 's/^listening on \(http:\/\/[0-9.:]*\).*/\1/p' \
	    "$WORK/serve.out")
	case $URL in
	http://127.0.0.1:*) ;;
	*) die "unexpected listen address '$URL'" ;;
	esac
}

stop_lookout() {
	kill "$LOOKOUT_PID"
	wait "$LOOKOUT_PID" 2>/dev/null || true
	LOOKOUT_PID=""
}

# An API token for account $1.
login() {
	t=$(curl -sf -X POST -H 'Content-Type: application/json' \
	    -d "{\"name\":\"$1\",\"password\":\"$PW\"}" "$URL/api/v1/login" |
	    sed -n 's/.*"token": *"\([^"]*\)".*/\1/p')
	[ -n "$t" ] || die "cannot sign in to lookout as $1"
	echo "$t"
}

# wrk in the background, so that a signal to the bench is acted on at once.
run_wrk() {
	wrk "$@" &
	WRK_PID=$!
	wait "$WRK_PID"
	WRK_PID=""
}

rate() { awk '/^Requests\/sec:/ { print $2 }' "$1"; }

# Resident set size of a process, in KiB.
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
fd_count() { ls "/proc/$1/fd" | wc -l; }

machine() {
	echo "machine:  $(nproc) cores, $(sed -n \
	    's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), \
$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
	echo "date:     $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "load:     $(cut -d' ' -f1-3 /proc/loadavg) (before)"
}
