#!/bin/sh
# Builds every libFuzzer target with clang and runs each for a bounded time ($1 seconds) from
# its seed corpus under tests/fuzz-corpus/. A crash fails the run and leaves the input in
# build/fuzz/artifacts/.
set -eu
cd "$(dirname "$0")/.."
seconds=${1:-60}
CXX=clang++-14 cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSC_BUILD_FUZZ=ON \
  -DSC_BUILD_TESTS=OFF -DSC_BUILD_BENCH=OFF >/dev/null
ninja -C build/fuzz -j"$(nproc)"
mkdir -p build/fuzz/artifacts
found=0
for fuzzer in $(find build/fuzz/fuzz -maxdepth 1 -type f -name '*_fuzz' -perm -u+x | sort); do
  name=$(basename "$fuzzer")
  seeds="tests/fuzz-corpus/${name%_fuzz}"
  [ -d "$seeds" ] || seeds="tests/fuzz-corpus/${name%%_*}"  # store_line_fuzz -> store
  work="build/fuzz/corpus/$name"
  mkdir -p "$work"
  [ -d "$seeds" ] && cp -r "$seeds"/. "$work"/ 2>/dev/null || true
  echo "fuzz: $name for ${seconds}s" >&2
  "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=0 \
    -artifact_prefix=build/fuzz/artifacts/"$name"- "$work" 2>build/fuzz/"$name".log ||
    { tail -40 build/fuzz/"$name".log >&2; exit 1; }
  found=$((found + 1))
done
echo "fuzz: $found fuzzers ran without a crash" >&2
