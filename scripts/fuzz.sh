#!/bin/sh
# Builds every libFuzzer target with clang and runs each for a bounded time ($1 seconds) from
# its seed corpus under tests/fuzz-corpus/. The fuzzers are those of tests/expected-suites.txt
# (with their seed folders): a listed fuzzer that does not build, or has no seeds, fails the
# run, naming it. A crash fails the run and leaves the input in build/fuzz/artifacts/.
set -eu
cd "$(dirname "$0")/.."
seconds=${1:-60}
expected=$(python3 scripts/check_suites.py list fuzz)
[ -n "$expected" ] || { echo "fuzz: tests/expected-suites.txt lists no fuzzer" >&2; exit 1; }
CXX=clang++-14 cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSC_BUILD_FUZZ=ON \
  -DSC_BUILD_TESTS=OFF -DSC_BUILD_BENCH=OFF >/dev/null
# Only the fuzzers: the libraries are instrumented for them, and other programs would not link.
targets=$(printf '%s\n' "$expected" | cut -d' ' -f1)
printf '%s\n' "$expected" | while read -r name seeds_below; do
  ninja -C build/fuzz -t query "$name" >/dev/null 2>&1 ||
    { echo "fuzz: expected fuzzer $name is not a target of the build (fuzz/*.cmake no longer defines it)" >&2; exit 1; }
  seeds="tests/fuzz-corpus/$seeds_below"
  if [ -z "$seeds_below" ] || [ ! -d "$seeds" ] || [ -z "$(ls -A "$seeds")" ]; then
    echo "fuzz: $name has no seed corpus at $seeds (tests/expected-suites.txt names it)" >&2
    exit 1
  fi
done
# shellcheck disable=SC2086
ninja -C build/fuzz -j"$(nproc)" $targets
mkdir -p build/fuzz/artifacts
ran=0
printf '%s\n' "$expected" | {
  while read -r name seeds_below; do
    fuzzer="build/fuzz/fuzz/$name"
    seeds="tests/fuzz-corpus/$seeds_below"
    [ -x "$fuzzer" ] || { echo "fuzz: expected fuzzer $name was not built at $fuzzer" >&2; exit 1; }
    work="build/fuzz/corpus/$name"
    mkdir -p "$work"
    cp -r "$seeds"/. "$work"/
    echo "fuzz: $name for ${seconds}s" >&2
    "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=0 \
      -artifact_prefix=build/fuzz/artifacts/"$name"- "$work" 2>build/fuzz/"$name".log ||
      { tail -40 build/fuzz/"$name".log >&2; echo "fuzz: $name failed" >&2; exit 1; }
    ran=$((ran + 1))
  done
  echo "fuzz: all $ran expected fuzzers ran without a crash" >&2
}
