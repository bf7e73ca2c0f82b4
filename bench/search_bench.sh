#!/bin/sh
# `sc search` figures (docs/performance.md, "Search"), warm cache, medians (hyperfine):
#   1. a tree of 10,000 tasks: full reindex; a selective and a broad two-word query, sc's start
#      included, telemetry on (the outside-edit check included) and off; `task get` beside them
#      (the same check and start, no search) to separate the check from the search; the same
#      queries with `sc watch` running (the check stats only the files the service names);
#   2. the index catching up with `sc task create`: a search after 20 creates against a search
#      after none, per create; and `task create` itself, which never opens the index;
#   3. a store of 1,000,000 events (and a small tree): its first indexing, then a selective and a
#      broad two-word query.
# Usage: bench/search_bench.sh GEN_TASK_TREE SC SC_STORE_WRITER   (sc-server beside SC)
set -eu
abs() { (cd "$(dirname "$1")" && printf '%s/%s' "$(pwd)" "$(basename "$1")"); }
generator=$(abs "${1:?usage: search_bench.sh GEN_TASK_TREE SC SC_STORE_WRITER}")
sc=$(abs "${2:?}")
writer=$(abs "${3:?}")
work=$(mktemp -d "${SC_BENCH_DIR:-/var/tmp}/sc-search-bench-XXXXXX")
watch_pid=""
trap 'if [ -n "$watch_pid" ]; then kill "$watch_pid"; fi; rm -rf "$work"' EXIT
runs=${RUNS:-30}

encode() { printf '%s' "$1" | tr '/' '\n' | sed '/^$/d' | sed 's/[^a-zA-Z0-9-]/_/g' | paste -sd- | tr 'A-Z' 'a-z'; }
median_ms() { sed -n 's/.*"median": *\([0-9.e-]*\).*/\1/p' "$1" | head -1 | awk '{printf "%.2f", $1 * 1000}'; }
time_command() { # label, command, [runs] -> "label: median ms"
  label=$1; command=$2
  hyperfine -N --style none --warmup 3 --runs "${3:-$runs}" --export-json "$work/h.json" "$command" >/dev/null
  printf '  %-58s %9s ms\n' "$label" "$(median_ms "$work/h.json")"
}
project_with() { # NAME COUNT: a project of COUNT generated tasks; cd into it
  home="$work/home-$1"; project="$work/project-$1"; mkdir -p "$project"
  "$generator" "$home/.scopecraft/projects/$(encode "$project")/tasks" "$2" >/dev/null
  cd "$project"
  export HOME="$home" SCOPECRAFT_TELEMETRY_DIR="$work/telemetry-$1"
  "$sc" task list --quiet >/dev/null  # the tree state: the generated files are recorded once
}

echo "== 10,000 tasks"
project_with tasks 10000
"$sc" search --reindex >/dev/null
time_command "full reindex (sc search --reindex)" "$sc search --reindex" 5
time_command "two words, 1 match: sc search number 4242" "$sc search number 4242"
time_command "two words, 10,000 matches: sc search pull request" "$sc search pull request"
time_command "the same start and check, no search: sc task get" "$sc task get generated-task-number-4242-11A"
OTEL_SDK_DISABLED=true time_command "telemetry off (stat of each file): number 4242" "$sc search number 4242"
"$sc" watch 2>"$work/watch.err" &
watch_pid=$!
for _ in $(seq 100); do grep -q "watching" "$work/watch.err" 2>/dev/null && break; sleep 0.05; done
time_command "with sc watch running: number 4242" "$sc search number 4242"
time_command "with sc watch running: pull request" "$sc search pull request"
time_command "with sc watch running: sc task get" "$sc task get generated-task-number-4242-11A"
OTEL_SDK_DISABLED=true time_command "with sc watch running, telemetry off: number 4242" "$sc search number 4242"
kill "$watch_pid"; wait "$watch_pid" 2>/dev/null || true; watch_pid=""

echo "== index catching up with sc task create (10,000 tasks)"
creates="for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do $sc task create --title Fresh\$i >/dev/null; done"
hyperfine -N --style none --warmup 2 --runs 10 --prepare "sh -c '$creates'" --export-json "$work/after.json" \
  "$sc search number 4242" >/dev/null
hyperfine -N --style none --warmup 2 --runs 10 --export-json "$work/none.json" "$sc search number 4242" >/dev/null
after=$(median_ms "$work/after.json"); none=$(median_ms "$work/none.json")
printf '  %-58s %9s ms\n' "search after 20 creates" "$after" "search after none" "$none"
awk -v a="$after" -v n="$none" 'BEGIN { printf "  %-58s %9.3f ms\n", "catch-up per task create, paid by the next search", (a - n) / 20 }'
time_command "task create (never opens the index)" "$sc task create --title Bench --quiet" 20

echo "== 1,000,000 events (20 tasks)"
project_with events 20
"$writer" "$work/telemetry-events" events 1000000 10000 1000 >/dev/null
start=$(date +%s.%N)
"$sc" search nothing >/dev/null
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" 'BEGIN { printf "  %-58s %9.2f s\n", "first search: indexes the 1,000,000 events", e - s }'
time_command "two words, 1 match: sc search written 424242" "$sc search written 424242"
time_command "two words, 1 match, events only: --type event" "$sc search written 424242 --type event"
time_command "one word, 1,000,000 matches, --limit 20: sc search written" "$sc search written" 5
