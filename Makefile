# lookout: the two commands are `make run` and `make check`.
# CMake and ctest do the work underneath; this file only orders them.

JOBS	?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 300
CMAKE	?= cmake

.PHONY: all build run check check-pg check-e2e deps asan fuzz-build fuzz clean bench-screen \
	valgrind bench-soak bench-durable bench-rss bench-fanout bench-migrate \
	security

all: build

deps:
	@sh scripts/deps.sh

build/Makefile:
	@$(CMAKE) -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

build: build/Makefile
	@$(CMAKE) --build build -j$(JOBS)

build-asan/Makefile:
	@$(CMAKE) -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug \
		-DLOOKOUT_SANITIZE=ON >/dev/null

asan: build-asan/Makefile
	@$(CMAKE) --build build-asan -j$(JOBS)

build-fuzz/Makefile:
	@CC=clang $(CMAKE) -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug \
		-DLOOKOUT_FUZZ=ON >/dev/null

fuzz-build: build-fuzz/Makefile
	@$(CMAKE) --build build-fuzz -j$(JOBS)

run: deps build
	@sh scripts/demo.sh build/lookout demo

# The integration suite runs twice in the plain build: on SQLite, and
# (label pg) on a throwaway PostgreSQL cluster the test files share, in
# one ctest run with the browser journeys (label e2e) so that all keep
# the cores busy. The sanitizer pass is SQLite's, without a browser.
check: deps build asan fuzz-build
	@echo "== unit, integration and browser tests, on SQLite and PostgreSQL =="
	@cd build && ctest -j$(JOBS) --output-on-failure
	@echo "== the same tests under ASan and UBSan =="
	@cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest -j$(JOBS) --output-on-failure -LE pg
	@echo "== fuzzers, briefly, on their corpora =="
	@cd build-fuzz && ctest -j$(JOBS) --output-on-failure -L fuzz

# The unit tests under valgrind's memcheck: a Debug build without the
# sanitizers (which valgrind cannot run under). Any error or leak fails.
VALGRIND ?= valgrind --error-exitcode=1 --leak-check=full -q \
	--num-callers=30

build-valgrind/Makefile:
	@$(CMAKE) -S . -B build-valgrind -DCMAKE_BUILD_TYPE=Debug \
		-DLOOKOUT_SANITIZE=OFF >/dev/null

valgrind: deps build-valgrind/Makefile
	@$(CMAKE) --build build-valgrind -j$(JOBS)
	@echo "== unit tests under valgrind =="
	@cd build-valgrind && fail=0; for t in test_*; do \
		[ -f "$$t" ] && [ -x "$$t" ] || continue; \
		echo "-- $$t"; \
		$(VALGRIND) ./$$t >$$t.valgrind.log 2>&1 || \
			{ fail=1; tail -n 60 $$t.valgrind.log; }; \
	done; exit $$fail

# The PostgreSQL half of check on its own, and the browser journeys in
# Chromium.
check-pg: deps build
	@cd build && ctest -j$(JOBS) --output-on-failure -L pg

check-e2e: deps build
	@cd build && ctest --output-on-failure -L e2e

fuzz: deps fuzz-build
	@cd build-fuzz && $(CMAKE) -DFUZZ_SECONDS=$(FUZZ_SECONDS) . >/dev/null && \
		ctest --output-on-failure -L fuzz; \
		rc=$$?; $(CMAKE) -DFUZZ_SECONDS=10 . >/dev/null; exit $$rc

# Not part of check: minutes of seeding and load, figures not pass/fail.
# See docs/BENCHMARKS.md; BENCH_ALERTS=10000 makes a quick run.
bench-screen:
	@sh bench/screen

# Each exits non-zero when its check fails (soak: errors, memory growth,
# descriptor leaks; rss: a goal missed). SOAK_SECONDS=60 by default.
bench-soak:
	@sh bench/soak

bench-durable:
	@sh bench/durable

bench-rss:
	@sh bench/rss

bench-fanout:
	@sh bench/fanout

# sqlmap against every form and API input of a throwaway instance, as
# each role; fails on any injection point. Minutes, so not part of check.
security: deps build
	@LOOKOUT_BIN=$(CURDIR)/build/lookout python3 tests/security/sqlmap_scan.py

bench-migrate:
	@python3 bench/migrate

clean:
	rm -rf build build-asan build-fuzz build-bench build-valgrind
