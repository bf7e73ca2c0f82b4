#!/bin/sh
# Builds and runs every test: the release build with warnings as errors (unit, end-to-end and
# protocol tests), an ASan+UBSan build of the same tests, and each fuzzer for a bounded time.
# This is what `make test` and CI run.
set -eu
cd "$(dirname "$0")/.."
jobs=$(nproc)
fuzz_seconds=${SC_FUZZ_SECONDS:-20}

step() { printf '\n== %s (%s)\n' "$*" "$(date +%T)" >&2; }

# ccache shares objects between clones of the repository (CI builds a fresh clone each time).
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1 CCACHE_SLOPPINESS=time_macros

step "release build (-Werror)"
cmake -S . -B build/ci -G Ninja -DCMAKE_BUILD_TYPE=Release -DSC_WERROR=ON -DSC_BUILD_BENCH=ON >/dev/null
ninja -C build/ci -j"$jobs"
step "release tests"
ctest --test-dir build/ci -j"$jobs" --output-on-failure --timeout 600

step "telemetry compiled out (-DSC_TELEMETRY=OFF)"
cmake -S . -B build/notelemetry -G Ninja -DCMAKE_BUILD_TYPE=Release -DSC_WERROR=ON -DSC_TELEMETRY=OFF \
  -DSC_BUILD_BENCH=OFF >/dev/null
ninja -C build/notelemetry -j"$jobs" sc e2e_tests
ctest --test-dir build/notelemetry -j"$jobs" --output-on-failure --timeout 600 -L e2e

# The POSIX file-writing scheme (macOS's) instead of O_TMPFILE + linkat: built and crash-tested
# here too (docs/layout.md, "How files are written").
step "portable file writes (-DSC_PORTABLE_FILES=ON)"
cmake -S . -B build/portable -G Ninja -DCMAKE_BUILD_TYPE=Release -DSC_WERROR=ON -DSC_PORTABLE_FILES=ON \
  -DSC_BUILD_BENCH=OFF >/dev/null
ninja -C build/portable -j"$jobs" sc util_tests tasks_tests e2e_tests
build/portable/src/util/util_tests --gtest_brief=1
build/portable/src/tasks/tasks_tests --gtest_brief=1
ctest --test-dir build/portable -j"$jobs" --output-on-failure --timeout 600 -L e2e

step "ASan+UBSan build"
cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSC_WERROR=ON -DSC_SANITIZE=ON -DSC_BUILD_BENCH=OFF \
  >/dev/null
ninja -C build/asan -j"$jobs"
step "ASan+UBSan tests"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build/asan -j"$jobs" --output-on-failure --timeout 900

step "fuzzers, ${fuzz_seconds}s each"
./scripts/fuzz.sh "$fuzz_seconds"

step "all tests passed"
