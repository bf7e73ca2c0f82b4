#!/bin/sh
# Builds and runs every test: the release build with warnings as errors (unit, end-to-end and
# protocol tests), a smoke run of every benchmark, an ASan+UBSan build of the same tests, and each
# fuzzer for a bounded time. This is what `make test` and CI run.
#
# Nothing is skipped in silence: every suite of tests/expected-suites.txt must be registered and
# run, and SC_REQUIRE_ALL_SUITES=1 (set here) turns a test that would skip (no node or npm, no
# permission to mount) into a failure naming what it lacked. Run with SC_REQUIRE_ALL_SUITES=0 to
# allow skips on a machine that cannot run everything (tests/README.md).
set -eu
cd "$(dirname "$0")/.."
jobs=$(nproc)
fuzz_seconds=${SC_FUZZ_SECONDS:-20}
export SC_REQUIRE_ALL_SUITES="${SC_REQUIRE_ALL_SUITES:-1}"

step() { printf '\n== %s (%s)\n' "$*" "$(date +%T)" >&2; }

# ctest, failing when it finds no test, and (under SC_REQUIRE_ALL_SUITES=1, unless the second
# argument is skips-allowed) when it skipped one.
run_ctest() { # BUILD_DIR no-skips|skips-allowed [ctest options...]
  build=$1
  skips=$2
  shift 2
  log="$build/ctest.log"
  status=0
  ctest --test-dir "$build" --no-tests=error --output-on-failure "$@" >"$log" 2>&1 || status=$?
  cat "$log"
  [ "$status" -eq 0 ] || { echo "test.sh: ctest failed in $build" >&2; exit 1; }
  if [ "$SC_REQUIRE_ALL_SUITES" = 1 ] && [ "$skips" = no-skips ]; then
    python3 scripts/check_suites.py skipped "$log"
  fi
}

# ccache shares objects between clones of the repository (CI builds a fresh clone each time).
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1 CCACHE_SLOPPINESS=time_macros

step "release build (-Werror)"
cmake -S . -B build/ci -G Ninja -DCMAKE_BUILD_TYPE=Release -DSC_WERROR=ON -DSC_BUILD_BENCH=ON >/dev/null
ninja -C build/ci -j"$jobs"
python3 scripts/check_suites.py ctest build/ci
step "release tests"
run_ctest build/ci no-skips -j"$jobs" --timeout 600

step "benchmarks, a smoke run of each (results printed, not compared)"
./scripts/bench.sh --smoke build/ci

step "telemetry compiled out (-DSC_TELEMETRY=OFF)"
cmake -S . -B build/notelemetry -G Ninja -DCMAKE_BUILD_TYPE=Release -DSC_WERROR=ON -DSC_TELEMETRY=OFF \
  -DSC_BUILD_BENCH=OFF >/dev/null
ninja -C build/notelemetry -j"$jobs" sc e2e_tests
# Here the e2e tests that need telemetry skip by design ("this sc was built with
# -DSC_TELEMETRY=OFF"); the release and ASan runs require them.
run_ctest build/notelemetry skips-allowed -j"$jobs" --timeout 600 -L e2e

# The POSIX file-writing scheme (macOS's) instead of O_TMPFILE + linkat, the MCP server's
# tree check without inotify (a whole-tree check per request), and its allocator left as it is
# (no glibc mallopt), and the watch service's peer check left to the socket's mode (no
# SO_PEERCRED): built and tested here too (docs/layout.md, "How files are written" and "The
# watch service"; docs/mcp.md, "Performance").
step "portable file writes, tree watch, heap, mapping and peer check (-DSC_PORTABLE_FILES=ON -DSC_TREE_WATCH_INOTIFY=OFF -DSC_HEAP_KEEP_FREED=OFF -DSC_MAP_POPULATE=OFF -DSC_PEER_CRED=OFF)"
cmake -S . -B build/portable -G Ninja -DCMAKE_BUILD_TYPE=Release -DSC_WERROR=ON -DSC_PORTABLE_FILES=ON \
  -DSC_TREE_WATCH_INOTIFY=OFF -DSC_HEAP_KEEP_FREED=OFF -DSC_MAP_POPULATE=OFF -DSC_PEER_CRED=OFF -DSC_BUILD_BENCH=OFF >/dev/null
ninja -C build/portable -j"$jobs" sc util_tests tasks_tests observe_tests mcp_tests e2e_tests
build/portable/src/util/util_tests --gtest_brief=1
build/portable/src/tasks/tasks_tests --gtest_brief=1
build/portable/src/observe/observe_tests --gtest_brief=1
build/portable/src/mcp/mcp_tests --gtest_brief=1
ctest --test-dir build/portable -j"$jobs" --output-on-failure --timeout 600 -L e2e

step "ASan+UBSan build"
cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSC_WERROR=ON -DSC_SANITIZE=ON -DSC_BUILD_BENCH=OFF \
  >/dev/null
ninja -C build/asan -j"$jobs"
python3 scripts/check_suites.py ctest build/asan
step "ASan+UBSan tests"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run_ctest build/asan no-skips -j"$jobs" --timeout 900

step "fuzzers, ${fuzz_seconds}s each"
./scripts/fuzz.sh "$fuzz_seconds"

step "all tests passed"
