#!/bin/sh
# Builds every libFuzzer target with clang and runs each for a bounded time ($1 seconds) from
# its seed corpus under tests/fuzz-corpus/. A crash fails the run and leaves the input in
# build/fuzz/artifacts/.
set -eu
cd "$(dirname "$0")/.."
seconds=${1:-60}
CXX=clang++-14 cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSC_BUILD_FUZZ=ON \
  -DSC_BUILD_TESTS=OFF -DSC_BUILD_BENCH=OFF >/dev/null
# Only the fuzzers: the libraries are instrumented for them, and other programs would not link.
targets=$(ninja -C build/fuzz -t targets all | sed -n 's/^\([a-z_]*_fuzz\): .*/\1/p' | grep -v '^cmake_' | sort -u)
# shellcheck disable=SC2086
ninja -C build/fuzz -j"$(nproc)" $targets
mkdir -p build/fuzz/artifacts
found=0
for fuzzer in $(find build/fuzz/fuzz -maxdepth 1 -type f -name '*_fuzz' -perm -u+x | sort); do
  name=$(basename "$fuzzer")
  base=${name%_fuzz}                       # store_line
  seeds="tests/fuzz-corpus/$base"
  [ -d "$seeds" ] || seeds="tests/fuzz-corpus/${base%%_*}/${base#*_}"  # store/line
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
