#!/bin/sh
# `sc search`'s budgets (issue 18), two builds side by side (docs/performance.md, "Search"):
#   tasks   10,000 tasks: a 1-match and a 10,000-match two-word query, `task get` (the same start
#           and outside-edit check, no search) and `--version`, both builds in the same hyperfine
#           runs (wall medians, CPU means), then callgrind instructions, children included;
#   catchup the search's catch-up per `sc task create`: ROUNDS rounds of 100 creates then one
#           search, against a search after none (hyperfine medians; callgrind per round, median
#           and mean: FTS5's segment merges land on some rounds, the mean spreads them);
#   events  a store of 1,000,000 events: its first indexing, then two-word queries.
# Each build has its own project and telemetry folder, made the same way (one HOME; --root-dir
# finds the tasks, so no shell stands between hyperfine and sc). The machine is shared: read
# instructions and CPU time beside wall time.
# Usage: bench/search_compare.sh GEN_TASK_TREE SC_STORE_WRITER OLD_SC NEW_SC
#        (sc-search beside each sc); SECTIONS="tasks catchup events", RUNS=30, ROUNDS=5
set -eu
abs() { (cd "$(dirname "$1")" && printf '%s/%s' "$(pwd)" "$(basename "$1")"); }
generator=$(abs "${1:?usage: search_compare.sh GEN_TASK_TREE SC_STORE_WRITER OLD_SC NEW_SC}")
writer=$(abs "${2:?}")
old=$(abs "${3:?}")
new=$(abs "${4:?}")
work=$(mktemp -d "${SC_BENCH_DIR:-/var/tmp}/sc-search-compare-XXXXXX")
trap 'rm -rf "$work"' EXIT
runs=${RUNS:-30}
rounds=${ROUNDS:-5}
sections=${SECTIONS:-tasks catchup events}
export HOME="$work/home"

encode() { printf '%s' "$1" | tr '/' '\n' | sed '/^$/d' | sed 's/[^a-zA-Z0-9-]/_/g' | paste -sd- | tr 'A-Z' 'a-z'; }
medians() { # one median (ms) per command of a hyperfine export, in order
  python3 -c 'import json,sys; print(" ".join("%.2f" % (r["median"] * 1000) for r in json.load(open(sys.argv[1]))["results"]))' "$1"
}
cpu_means() { # mean CPU time (user + system, ms) per command
  python3 -c 'import json,sys; print(" ".join("%.2f" % ((r["user"] + r["system"]) * 1000) for r in json.load(open(sys.argv[1]))["results"]))' "$1"
}
instructions() { # instructions of one command, children included (callgrind)
  valgrind --tool=callgrind --trace-children=yes --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
    sed -n 's/.*I *refs: *//p' | tr -d , | awk '{ total += $1 } END { print total }'
}
median_of() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
sc_of() { if [ "$1" = old ]; then echo "$old"; else echo "$new"; fi; }
# The command line of build NAME in project KIND: in_project NAME KIND ARGS
in_project() { printf '%s --root-dir %s/project-%s-%s --telemetry-dir %s/telemetry-%s-%s %s' "$(sc_of "$1")" "$work" "$2" "$1" "$work" "$2" "$1" "$3"; }
make_project() { # NAME KIND TASKS
  mkdir -p "$work/project-$2-$1"
  "$generator" "$HOME/.scopecraft/projects/$(encode "$work/project-$2-$1")/tasks" "$3" >/dev/null
  $(in_project "$1" "$2" "task list --quiet") >/dev/null  # the tree state: the generated files recorded once
}
compare() { # KIND label arguments: both builds in the same hyperfine runs, then callgrind
  hyperfine -N --style none --warmup 3 --runs "$runs" --export-json "$work/h.json" \
    "$(in_project old "$1" "$3")" "$(in_project new "$1" "$3")" >/dev/null
  set -- "$1" "$2" "$3" $(medians "$work/h.json") $(cpu_means "$work/h.json")
  printf '  %-52s %8s %8s ms   CPU %7s %7s ms' "$2" "$4" "$5" "$6" "$7"
  printf '   %6.2f %6.2f M instructions\n' "$(instructions $(in_project old "$1" "$3") | awk '{ print $1 / 1e6 }')" \
    "$(instructions $(in_project new "$1" "$3") | awk '{ print $1 / 1e6 }')"
}

case " $sections " in *" tasks "* | *" catchup "*)
  for name in old new; do
    make_project $name tasks 10000
    $(in_project $name tasks "search --reindex") >/dev/null
  done
esac

case " $sections " in *" tasks "*)
  echo "== 10,000 tasks, telemetry on                          wall: old      new       CPU: old     new          old    new"
  compare tasks "sc --version (start alone)" "--version"
  compare tasks "sc search number 4242 (two words, 1 match)" "search number 4242"
  compare tasks "sc search pull request (two words, 10,000 matches)" "search pull request"
  compare tasks "sc task get (the same start and check, no search)" "task get generated-task-number-4242-11A"
esac

case " $sections " in *" catchup "*)
  echo "== the search's catch-up per sc task create (10,000 tasks; $rounds rounds of 100 creates, then one search)"
  for name in old new; do
    create=$(in_project $name tasks "task create --title Fresh --quiet")
    hyperfine -N --style none --warmup 1 --runs "$rounds" --export-json "$work/after.json" \
      --prepare "sh -c 'i=0; while [ \$i -lt 100 ]; do $create >/dev/null; i=\$((i + 1)); done'" \
      "$(in_project $name tasks "search number 4242")" >/dev/null
    hyperfine -N --style none --warmup 2 --runs "$runs" --export-json "$work/none.json" \
      "$(in_project $name tasks "search number 4242")" >/dev/null
    after=$(medians "$work/after.json"); none=$(medians "$work/none.json")
    after_cpu=$(cpu_means "$work/after.json"); none_cpu=$(cpu_means "$work/none.json")
    awk -v n="$name" -v a="$after" -v z="$none" -v ac="$after_cpu" -v zc="$none_cpu" 'BEGIN {
      printf "  %-4s wall: search after 100 creates %7.2f ms, after none %6.2f ms: %6.3f ms per create\n", n, a, z, (a - z) / 100
      printf "       CPU:  search after 100 creates %7.2f ms, after none %6.2f ms: %6.3f ms per create\n", ac, zc, (ac - zc) / 100 }'
    : >"$work/per-create"
    round=0
    while [ $round -lt "$rounds" ]; do
      $(in_project $name tasks "search number 4242") >/dev/null
      none=$(instructions $(in_project $name tasks "search number 4242"))
      i=0
      while [ $i -lt 100 ]; do $create >/dev/null; i=$((i + 1)); done
      after=$(instructions $(in_project $name tasks "search number 4242"))
      echo "$(( (after - none) / 100 ))" >>"$work/per-create"
      round=$((round + 1))
    done
    printf '  %-4s instructions added per create: median %s, mean %s (rounds: %s)\n' "$name" \
      "$(median_of <"$work/per-create")" "$(awk '{ t += $1 } END { printf "%.0f", t / NR }' "$work/per-create")" \
      "$(tr '\n' ' ' <"$work/per-create")"
  done
esac

case " $sections " in *" events "*)
  echo "== 1,000,000 events (20 tasks)"
  for name in old new; do
    make_project $name events 20
    "$writer" "$work/telemetry-events-$name" events 1000000 10000 1000 >/dev/null
    start=$(date +%s.%N)
    $(in_project $name events "search nothing") >/dev/null
    end=$(date +%s.%N)
    awk -v n="$name" -v s="$start" -v e="$end" 'BEGIN { printf "  %-4s first search: indexes the 1,000,000 events: %.2f s\n", n, e - s }'
  done
  compare events "sc search written 424242 (word in every event)" "search written 424242"
  compare events "sc search number 7 (two words, 1 match)" "search number 7"
esac
