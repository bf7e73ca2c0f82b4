#!/bin/sh
# Whole-command figures for `sc`, measured side by side in one run (docs/performance.md):
#   1. `sc task list --format json` on generated trees of 1,000, 10,000 and 100,000 tasks
#      (SIZES), warm page cache and warm listing cache: median wall time (hyperfine) and peak
#      memory, telemetry on and off, beside the read-every-file floor and, when given, the
#      previous build (SC_PREVIOUS), each build in its own project; and the same listing with
#      `sc watch` running beside it (the watch service: only the files it names are stat-ed).
#   1b. `sc task create` / `sc task get` at 10,000 tasks against the same at 20 tasks (and the
#       previous build's, when given).
#   2. Telemetry on vs off vs compiled out for `sc task list` and `sc task create` on a small
#      project: median wall time.
#   3. Instructions (callgrind) of the same commands: telemetry off at run time vs compiled out,
#      and telemetry on vs off (with the system calls each adds, from strace -c, when present).
# Usage: bench/cli_bench.sh GEN_TASK_TREE SC SC_COMPILED_OUT|none [SC_PREVIOUS]
#   SIZES="1000 10000 100000" (default), RUNS (40), RUNS_LARGE (runs at 100,000 tasks: 5)
set -eu
abs() { (cd "$(dirname "$1")" && printf '%s/%s' "$(pwd)" "$(basename "$1")"); }
generator=$(abs "${1:?usage: cli_bench.sh GEN_TASK_TREE SC SC_COMPILED_OUT}")
sc=$(abs "${2:?}")
sc_out=none
if [ "${3:?}" != none ]; then sc_out=$(abs "$3"); fi
sc_previous=""
if [ -n "${4:-}" ]; then sc_previous=$(abs "$4"); fi
work=$(mktemp -d "${SC_BENCH_DIR:-/var/tmp}/sc-cli-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT

encode() { printf '%s' "$1" | tr '/' '\n' | sed '/^$/d' | sed 's/[^a-zA-Z0-9-]/_/g' | paste -sd- | tr 'A-Z' 'a-z'; }
median_ms() { # hyperfine JSON -> median in ms
  sed -n 's/.*"median": *\([0-9.e-]*\).*/\1/p' "$1" | head -1 | awk '{printf "%.2f", $1 * 1000}'
}
# hyperfine's errors (a command that fails, exits non-zero) stay on stderr and stop the script.
cpu_ms() { # hyperfine JSON -> mean user + system time in ms (steadier than wall time on a busy machine)
  sed -n 's/.*"\(user\|system\)": *\([0-9.e-]*\).*/\2/p' "$1" | head -2 | awk '{ t += $1 } END { printf "%.2f", t * 1000 }'
}
time_command() { # label, command -> prints "label: median ms (cpu ms)"
  hyperfine -N --style none --warmup 5 --runs "${RUNS:-40}" --export-json "$work/h.json" "$2" >/dev/null
  printf '  %-44s %8s ms  (cpu %s ms)\n' "$1" "$(median_ms "$work/h.json")" "$(cpu_ms "$work/h.json")"
}

floors=$(dirname "$generator")  # floor_read_files, floor_stat_files, floor_page_faults beside it
median_of() { hyperfine -N --style none --warmup 5 --runs "${RUNS:-40}" --export-json "$work/h.json" "$1" >/dev/null
              median_ms "$work/h.json"; }

echo "== the floors on this machine: process start, page faults"
time_command "/bin/true" "/bin/true"
time_command "sc --version" "$sc --version"
one=$(median_of "$floors/floor_page_faults 1"); many=$(median_of "$floors/floor_page_faults 2001")
awk -v a="$one" -v b="$many" 'BEGIN { printf "  %-44s %8.2f us\n", "one page fault (first touch of 4 KiB)", (b - a) * 1000 / 2000 }'
/usr/bin/time -f "  minor page faults, sc --version: %R" "$sc" --version >/dev/null

echo "== sc task list --format json, warm cache (median wall time, peak memory)"
# One project per build: the previous build has no listing cache, and with telemetry on the
# builds would otherwise share one task-tree state.
make_tree() { # count, label -> a project with a generated tree; cd into it
  home="$work/home-$1-$2"; project="$work/project-$1-$2"
  if [ ! -d "$project" ]; then
    mkdir -p "$project"
    "$generator" "$home/.scopecraft/projects/$(encode "$project")/tasks" "$1" >/dev/null
  fi
  cd "$project"
  export HOME="$home" SCOPECRAFT_TELEMETRY_DIR="$work/telemetry-$1-$2"
  tree="$home/.scopecraft/projects/$(encode "$project")/tasks"
}
watch_pid=""
start_watch() { # `sc watch` for the current project, in the background, until stop_watch
  "$sc" watch 2>"$work/watch.err" &
  watch_pid=$!
  for _ in $(seq 100); do grep -q "watching" "$work/watch.err" 2>/dev/null && return 0; sleep 0.05; done
  echo "sc watch did not start:" >&2; cat "$work/watch.err" >&2; exit 1
}
stop_watch() { kill "$watch_pid"; wait "$watch_pid" 2>/dev/null || true; watch_pid=""; }
trap 'if [ -n "$watch_pid" ]; then kill "$watch_pid"; fi; rm -rf "$work"' EXIT
peak() { # label, command... -> peak memory and page faults (GNU time)
  label=$1; shift
  /usr/bin/time -f "%M %R" "$@" >/dev/null 2>"$work/time"
  tail -1 "$work/time" | awk -v l="$label" '{ printf "  %-44s %8d KiB, %d minor page faults\n", l, $1, $2 }'
}
for count in ${SIZES:-1000 10000 100000}; do
  saved_runs=${RUNS:-40}
  if [ "$count" -ge 100000 ]; then RUNS=${RUNS_LARGE:-5}; fi
  make_tree "$count" new
  time_command "$count tasks, floor: read every file" "$floors/floor_read_files $tree"
  time_command "$count tasks, floor: stat every file" "$floors/floor_stat_files $tree"
  time_command "$count tasks, telemetry on" "$sc task list --format json --quiet"
  OTEL_SDK_DISABLED=true time_command "$count tasks, telemetry off" "$sc task list --format json"
  peak "peak, telemetry on" "$sc" task list --format json --quiet
  OTEL_SDK_DISABLED=true peak "peak, telemetry off" "$sc" task list --format json
  rm -f "$tree/.sc-listing-cache"
  peak "peak, telemetry on, cache deleted first" "$sc" task list --format json --quiet
  time_command "$count tasks, table, telemetry on" "$sc task list --quiet"
  start_watch
  time_command "$count tasks, with \`sc watch\` running, on" "$sc task list --format json --quiet"
  OTEL_SDK_DISABLED=true time_command "$count tasks, with \`sc watch\` running, off" "$sc task list --format json"
  stop_watch
  if [ -n "$sc_previous" ]; then
    make_tree "$count" previous
    time_command "$count tasks, previous build, telemetry on" "$sc_previous task list --format json --quiet"
    OTEL_SDK_DISABLED=true time_command "$count tasks, previous build, telemetry off" \
      "$sc_previous task list --format json"
    peak "peak, previous build, telemetry on" "$sc_previous" task list --format json --quiet
  fi
  if [ "$count" -lt 100000 ] && [ "$sc_out" != none ]; then
    make_tree "$count" out
    time_command "$count tasks, compiled out" "$sc_out task list --format json"
  fi
  RUNS=$saved_runs
done

echo "== task create and task get: 10,000 tasks against 20 (budget: within 1.5x)"
for count in ${WRITE_SIZES:-20 10000}; do
  for mode in on off; do
    make_tree "$count" "write-$mode"
    id=$(ls "$tree/current" | sed -n 's/\.task\.md$//p' | head -1)
    if [ "$mode" = on ]; then
      time_command "$count tasks, task get, telemetry on" "$sc task get $id --quiet"
      time_command "$count tasks, task create, telemetry on" "$sc task create --title Bench --quiet"
    else
      OTEL_SDK_DISABLED=true time_command "$count tasks, task get, telemetry off" "$sc task get $id"
      OTEL_SDK_DISABLED=true time_command "$count tasks, task create, telemetry off" "$sc task create --title Bench"
    fi
    if [ -n "$sc_previous" ]; then  # the previous build, in a project of its own
      make_tree "$count" "write-$mode-previous"
      if [ "$mode" = on ]; then
        time_command "$count tasks, task get, on, previous build" "$sc_previous task get $id --quiet"
        time_command "$count tasks, task create, on, previous build" "$sc_previous task create --title Bench --quiet"
      else
        OTEL_SDK_DISABLED=true time_command "$count tasks, task get, off, previous build" "$sc_previous task get $id"
        OTEL_SDK_DISABLED=true time_command "$count tasks, task create, off, previous build" \
          "$sc_previous task create --title Bench"
      fi
    fi
  done
done

if [ "$sc_out" = none ]; then exit 0; fi  # what follows compares with the compiled-out build

echo "== one command on a small project (20 tasks): telemetry on vs off vs compiled out"
# One project per variant: a project shared by the variants would make the telemetry-on runs
# record the other variants' new tasks as edits made outside sc, and time that instead.
use_project() { # on | off | out: a project of 20 tasks made once, then cd into it
  home="$work/home-small-$1"; project="$work/project-small-$1"
  if [ ! -d "$project" ]; then
    mkdir -p "$project"
    "$generator" "$home/.scopecraft/projects/$(encode "$project")/tasks" 20 >/dev/null
  fi
  cd "$project"
  export HOME="$home" SCOPECRAFT_TELEMETRY_DIR="$work/telemetry-small-$1"
}
use_project on; time_command "task list, telemetry on" "$sc task list --quiet"
use_project off; OTEL_SDK_DISABLED=true time_command "task list, telemetry off" "$sc task list"
use_project out; time_command "task list, compiled out" "$sc_out task list"
# create: each run adds a task (same title: ids move on through the letters, then numbers)
use_project on; time_command "task create, telemetry on" "$sc task create --title Bench --quiet"
use_project off; OTEL_SDK_DISABLED=true time_command "task create, telemetry off" "$sc task create --title Bench"
use_project out; time_command "task create, compiled out" "$sc_out task create --title Bench"

if command -v valgrind >/dev/null 2>&1; then
  echo "== instructions (callgrind): telemetry off at run time vs compiled out"
  instructions() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
                   sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'; }
  for command in "task list" "task create --title Counted"; do
    # shellcheck disable=SC2086
    off=$(use_project off; OTEL_SDK_DISABLED=true instructions "$sc" $command)
    # shellcheck disable=SC2086
    out=$(use_project out; instructions "$sc_out" $command)
    awk -v c="$command" -v a="$off" -v b="$out" \
      'BEGIN { printf "  %-28s off %10d  compiled out %10d  (%+.2f%%)\n", c, a, b, (a - b) * 100.0 / b }'
  done
  echo "== instructions (callgrind) and system calls: telemetry on vs off"
  calls() { strace -f -c -o "$work/calls" "$@" >/dev/null && awk '/total/ { print $4 }' "$work/calls"; }
  for command in "task list" "task create --title Counted"; do
    # shellcheck disable=SC2086
    on=$(use_project on; instructions "$sc" $command --quiet)
    # shellcheck disable=SC2086
    off=$(use_project off; OTEL_SDK_DISABLED=true instructions "$sc" $command)
    line=$(awk -v c="$command" -v a="$on" -v b="$off" \
      'BEGIN { printf "  %-28s on %10d  off %10d  (+%d)", c, a, b, a - b }')
    if command -v strace >/dev/null 2>&1; then
      # shellcheck disable=SC2086
      son=$(use_project on; calls "$sc" $command --quiet)
      # shellcheck disable=SC2086
      soff=$(use_project off; OTEL_SDK_DISABLED=true calls "$sc" $command)
      line="$line  system calls $son / $soff"
    fi
    echo "$line"
  done
fi
