#!/bin/sh
# `make bench`: every benchmark, from a Release build with the bench programs (BUILD, default
# build/release), plus a build with telemetry compiled out for the side-by-side CLI figures.
# Figures are medians; docs/performance.md says how to read them.
#
# `scripts/bench.sh --smoke BUILD` (scripts/test.sh, CI): each Google Benchmark program of
# tests/expected-suites.txt runs every one of its benchmarks briefly (the smaller sizes, a few
# iterations), so that a benchmark that crashes, reports an error or is no longer built fails the
# run. The figures are printed, never compared: CI machines are shared and noisy.
#
# A benchmark that fails (a non-zero exit, or "ERROR OCCURRED" from SkipWithError) stops the
# script with its whole output.
set -eu

# Runs one Google Benchmark program; prints the lines matching FILTER_LINES of its output.
run_benchmark() { # PROGRAM FILTER_LINES [benchmark options...]
  program=$1
  lines=$2
  shift 2
  [ -x "$program" ] || { echo "bench: $program is missing (not built?)" >&2; exit 1; }
  out=$(mktemp)
  status=0
  "$program" "$@" >"$out" 2>&1 || status=$?
  if [ "$status" -ne 0 ] || grep -q "ERROR OCCURRED" "$out"; then
    cat "$out" >&2
    rm -f "$out"
    echo "bench: $(basename "$program") failed (exit status $status)" >&2
    exit 1
  fi
  grep -E "$lines" "$out" || true  # a filter that shows nothing is not an error
  rm -f "$out"
}

if [ "${1:-}" = "--smoke" ]; then
  build=${2:?usage: bench.sh --smoke BUILD}
  started=$(date +%s)
  for program in $(python3 "$(dirname "$0")/check_suites.py" list bench); do
    # The largest sizes only add set-up time (a store of 1 M events, a tree of 10,000 tasks);
    # every benchmark still runs at its smaller sizes.
    echo "== $program (smoke run)"
    run_benchmark "$build/bench/$program" "." --benchmark_min_time=0.01 \
      --benchmark_filter='-/(10000|1000000)(/|$)'
  done
  echo "bench: smoke run of every benchmark in $(($(date +%s) - started)) s" >&2
  exit 0
fi

build=${1:-build/release}
notel=${SC_BENCH_NOTEL_BUILD:-build/bench-notel}
cmake -S . -B "$notel" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSC_TELEMETRY=OFF -DSC_BUILD_BENCH=OFF \
  -DSC_BUILD_TESTS=OFF >/dev/null
ninja -C "$notel" sc >/dev/null
for program in tasks_bench store_bench telemetry_bench telemetry_off_bench prometheus_bench; do
  echo "== $program"
  run_benchmark "$build/bench/$program" "_median|^-|Benchmark" --benchmark_repetitions=5 \
    --benchmark_report_aggregates_only=true --benchmark_display_aggregates_only=true
done
echo "== whole commands"
bench/cli_bench.sh "$build/bench/gen_task_tree" "$build/bin/sc" "$notel/bin/sc"
echo "== telemetry on vs off, alternating run by run"
for command in "task create --title Measured" "task list"; do
  # shellcheck disable=SC2086
  bench/on_off.py "$build/bin/sc" "$build/bench/gen_task_tree" -- $command
done
