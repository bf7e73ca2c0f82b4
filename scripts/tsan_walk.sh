#!/bin/sh
# ThreadSanitizer run of the parallel walk (tasks/tree_walk.hpp): its sources and the few util
# files they use, compiled with -fsanitize=thread into tests/tsan/tree_walk_driver.cpp, run on a
# generated tree (docs/performance.md, "A walk on two threads"). Cheap: 8 files, no libraries.
# Usage: scripts/tsan_walk.sh [BUILD_FOLDER]   (default build/tsan-walk)
set -eu
out=${1:-build/tsan-walk}
mkdir -p "$out"
${CXX:-g++} -std=c++20 -O1 -g -fsanitize=thread -Isrc -I. tests/tsan/tree_walk_driver.cpp \
  src/tasks/tree_walk.cpp src/tasks/folder_listing.cpp src/util/environment.cpp src/util/files.cpp \
  src/util/files_write.cpp src/util/result.cpp src/util/text.cpp -o "$out/tree_walk_driver"
tree=$(mktemp -d "${TMPDIR:-/tmp}/sc-tsan-walk-XXXXXX")
trap 'rm -rf "$tree"' EXIT
TSAN_OPTIONS="halt_on_error=1 ${TSAN_OPTIONS:-}" "$out/tree_walk_driver" "$tree"
