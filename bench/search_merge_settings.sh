#!/bin/sh
# FTS5's merge settings weighed for the search index (docs/performance.md, "Search"): for each
# setting, a fresh project of 10,000 tasks is indexed, the setting written into the index with
# the sqlite3 shell, then ROUNDS rounds of CREATES `task create`s each followed by one search
# are counted with callgrind (children included). Printed per setting: the instructions a
# search added per create over a search with nothing new (mean over the rounds, FTS5's merges
# included, and the largest round), then a search with nothing new and a broad search at the
# end (what the segments left behind cost queries), and the segment count.
# Usage: bench/search_merge_settings.sh GEN_TASK_TREE SC "SETTING" ...
#        SETTING: FTS5 configuration statements, e.g. "automerge=8" "automerge=8 crisismerge=32"
#        ("default" for none); CREATES=1, ROUNDS=40
set -eu
abs() { (cd "$(dirname "$1")" && printf '%s/%s' "$(pwd)" "$(basename "$1")"); }
generator=$(abs "${1:?usage: search_merge_settings.sh GEN_TASK_TREE SC SETTING...}")
sc=$(abs "${2:?}")
shift 2
work=$(mktemp -d "${SC_BENCH_DIR:-/var/tmp}/sc-search-merge-XXXXXX")
trap 'rm -rf "$work"' EXIT
creates=${CREATES:-1}
rounds=${ROUNDS:-40}
export HOME="$work/home"

encode() { printf '%s' "$1" | tr '/' '\n' | sed '/^$/d' | sed 's/[^a-zA-Z0-9-]/_/g' | paste -sd- | tr 'A-Z' 'a-z'; }
instructions() {
  valgrind --tool=callgrind --trace-children=yes --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
    sed -n 's/.*I *refs: *//p' | tr -d , | awk '{ total += $1 } END { print total }'
}

n=0
for setting in "$@"; do
  n=$((n + 1))
  project="$work/project-$n"
  mkdir -p "$project"
  "$generator" "$HOME/.scopecraft/projects/$(encode "$project")/tasks" 10000 >/dev/null
  run() { "$sc" --root-dir "$project" --telemetry-dir "$work/telemetry-$n" "$@"; }
  run task list --quiet >/dev/null
  run search --reindex >/dev/null
  index="$work/telemetry-$n/projections/search.sqlite"
  if [ "$setting" != default ]; then
    for statement in $setting; do
      sqlite3 "$index" "INSERT INTO fts(fts, rank) VALUES('${statement%%=*}', ${statement#*=})"
    done
  fi
  run search number 4242 >/dev/null
  : >"$work/added"
  round=0
  while [ $round -lt "$rounds" ]; do
    none=$(instructions "$sc" --root-dir "$project" --telemetry-dir "$work/telemetry-$n" search number 4242)
    i=0
    while [ $i -lt "$creates" ]; do run task create --title "Fresh $round $i" --quiet >/dev/null; i=$((i + 1)); done
    after=$(instructions "$sc" --root-dir "$project" --telemetry-dir "$work/telemetry-$n" search number 4242)
    echo $(( (after - none) / creates )) >>"$work/added"
    round=$((round + 1))
  done
  quiet=$(instructions "$sc" --root-dir "$project" --telemetry-dir "$work/telemetry-$n" search number 4242)
  broad=$(instructions "$sc" --root-dir "$project" --telemetry-dir "$work/telemetry-$n" search pull request)
  segments=$(sqlite3 "$index" "SELECT count(DISTINCT segid) FROM fts_idx")
  awk -v s="$setting" -v q="$quiet" -v b="$broad" -v g="$segments" '
    { total += $1; if ($1 > max) max = $1 }
    END { printf "  %-34s added per create: mean %8.0f, largest round %9.0f | search after none %5.2f M, broad %6.2f M | segments %s\n",
          s, total / NR, max, q / 1e6, b / 1e6, g }' "$work/added"
  printf '    rounds: %s\n' "$(tr '\n' ' ' <"$work/added")"
done
