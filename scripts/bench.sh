#!/bin/sh
# `make bench`: every benchmark, from a Release build with the bench programs (BUILD, default
# build/release), plus a build with telemetry compiled out for the side-by-side CLI figures.
# Figures are medians; docs/performance.md says how to read them.
set -eu
build=${1:-build/release}
notel=${SC_BENCH_NOTEL_BUILD:-build/bench-notel}
cmake -S . -B "$notel" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSC_TELEMETRY=OFF -DSC_BUILD_BENCH=OFF \
  -DSC_BUILD_TESTS=OFF >/dev/null
ninja -C "$notel" sc >/dev/null
for program in tasks_bench store_bench telemetry_bench telemetry_off_bench; do
  echo "== $program"
  "$build/bench/$program" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
    --benchmark_display_aggregates_only=true 2>/dev/null | grep -E "_median|^-|Benchmark" || true
done
echo "== whole commands"
bench/cli_bench.sh "$build/bench/gen_task_tree" "$build/bin/sc" "$notel/bin/sc"
echo "== telemetry on vs off, alternating run by run"
for command in "task create --title Measured" "task list"; do
  # shellcheck disable=SC2086
  bench/on_off.py "$build/bin/sc" "$build/bench/gen_task_tree" -- $command
done
