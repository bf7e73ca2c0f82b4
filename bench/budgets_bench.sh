#!/bin/sh
# The budgets of issues 17 and 18 measured side by side, two builds in the same hyperfine runs
# (docs/performance.md, "Search" and "Sessions"), warm cache, telemetry on, medians:
#   sc search (two words: 1 match, 10,000 matches) and sc task get on 10,000 tasks; the
#   search's catch-up per `sc task create`; sc sessions stats over 10,000 sessions.
# Each build gets its own project, telemetry folder and session store, made the same way (one
# HOME: --root-dir finds each project's tasks, so no shell stands between hyperfine and sc).
# Usage: bench/budgets_bench.sh GEN_TASK_TREE GEN_SESSIONS OLD_SC NEW_SC
#        (sc-search, or sc-server, beside each sc)
set -eu
abs() { (cd "$(dirname "$1")" && printf '%s/%s' "$(pwd)" "$(basename "$1")"); }
generator=$(abs "${1:?usage: budgets_bench.sh GEN_TASK_TREE GEN_SESSIONS OLD_SC NEW_SC}")
sessions=$(abs "${2:?}")
old=$(abs "${3:?}")
new=$(abs "${4:?}")
work=$(mktemp -d "${SC_BENCH_DIR:-/var/tmp}/sc-budgets-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT
runs=${RUNS:-30}
export HOME="$work/home"

encode() { printf '%s' "$1" | tr '/' '\n' | sed '/^$/d' | sed 's/[^a-zA-Z0-9-]/_/g' | paste -sd- | tr 'A-Z' 'a-z'; }
medians() { # one median (ms) per command of a hyperfine export, in order
  python3 -c 'import json,sys; print(" ".join("%.2f" % (r["median"] * 1000) for r in json.load(open(sys.argv[1]))["results"]))' "$1"
}
cpu_means() { # the mean CPU time (user + system, ms) of each command: steadier than wall on a loaded machine
  python3 -c 'import json,sys; print(" ".join("%.2f" % ((r["user"] + r["system"]) * 1000) for r in json.load(open(sys.argv[1]))["results"]))' "$1"
}
instructions() { # instructions of one command, children included (callgrind)
  valgrind --tool=callgrind --trace-children=yes --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
    sed -n 's/.*I *refs: *//p' | tr -d , | awk '{ total += $1 } END { print total }'
}
sc_of() { if [ "$1" = old ]; then echo "$old"; else echo "$new"; fi; }
# The command line of build NAME in its own project: in_project NAME ARGS
in_project() { printf '%s --root-dir %s/project-%s --telemetry-dir %s/telemetry-%s %s' "$(sc_of "$1")" "$work" "$1" "$work" "$1" "$2"; }

for name in old new; do
  mkdir -p "$work/project-$name" "$work/sessions-$name"
  "$generator" "$HOME/.scopecraft/projects/$(encode "$work/project-$name")/tasks" 10000 >/dev/null
  $(in_project $name "task list --quiet") >/dev/null  # the tree state: the generated files recorded once
  $(in_project $name "search --reindex") >/dev/null
  "$sessions" "$work/sessions-$name" 10000
done

compare() { # label, arguments
  hyperfine -N --style none --warmup 3 --runs "$runs" --export-json "$work/h.json" \
    "$(in_project old "$2")" "$(in_project new "$2")" >/dev/null
  set -- "$1" $(medians "$work/h.json") $(cpu_means "$work/h.json")
  printf '  %-50s %8s ms %8s ms   CPU %7s ms %7s ms\n' "$1" "$2" "$3" "$4" "$5"
}
echo "== 10,000 tasks, telemetry on                       wall: old      new      (CPU means: old, new)"
compare "sc --version (start alone)" "--version"
compare "sc search number 4242 (two words, 1 match)" "search number 4242"
compare "sc search pull request (two words, 10,000 matches)" "search pull request"
compare "sc task get (the same start and check, no search)" "task get generated-task-number-4242-11A"

echo "== the search's catch-up per sc task create (20 creates, then a search)"
for name in old new; do
  create=$(in_project $name "task create --title Fresh --quiet")
  hyperfine -N --style none --warmup 2 --runs 10 --export-json "$work/after.json" \
    --prepare "sh -c 'for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do $create >/dev/null; done'" \
    "$(in_project $name "search number 4242")" >/dev/null
  hyperfine -N --style none --warmup 2 --runs 10 --export-json "$work/none.json" \
    "$(in_project $name "search number 4242")" >/dev/null
  after=$(medians "$work/after.json"); none=$(medians "$work/none.json")
  awk -v n="$name" -v a="$after" -v z="$none" \
    'BEGIN { printf "  %-4s search after 20 creates %8.2f ms, after none %8.2f ms: %6.3f ms per create\n", n, a, z, (a - z) / 20 }'
done

echo "== the same catch-up in instructions (callgrind: 5 rounds of 20 creates then a search, against a search after none)"
for name in old new; do
  $(in_project $name "search number 4242") >/dev/null
  none=$(instructions $(in_project $name "search number 4242"))
  total=0
  for round in 1 2 3 4 5; do
    for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do $(in_project $name "task create --title Fresh --quiet") >/dev/null; done
    total=$((total + $(instructions $(in_project $name "search number 4242"))))
  done
  awk -v n="$name" -v t="$total" -v z="$none" \
    'BEGIN { printf "  %-4s search after none %d instructions; added per create %.0f\n", n, z, (t / 5 - z) / 20 }'
done

echo "== sc sessions stats --no-reap over 10,000 sessions (50,000 events)"
hyperfine -N --style none --warmup 3 --runs "$runs" --export-json "$work/h.json" \
  "$old --telemetry-dir $work/sessions-old sessions stats --no-reap --format json" \
  "$new --telemetry-dir $work/sessions-new sessions stats --no-reap --format json" >/dev/null
set -- $(medians "$work/h.json") $(cpu_means "$work/h.json")
printf '  %-50s %8s ms %8s ms   CPU %7s ms %7s ms\n' "sessions stats" "$1" "$2" "$3" "$4"
for name in old new; do
  printf '  %-4s instructions: %s\n' "$name" "$(instructions $(sc_of $name) --telemetry-dir "$work/sessions-$name" sessions stats --no-reap --format json)"
done
