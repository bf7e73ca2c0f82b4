#!/bin/sh
# Times `sc task list --format json` on generated trees of 1,000 and 10,000 tasks, warm cache,
# with hyperfine (median wall time) and GNU time (peak memory). Budget: under 20 ms at 1,000.
#   bench/task_list_cli.sh BUILD/bench/gen_task_tree BUILD/src/apps/sc/sc
set -eu
generator=${1:?usage: task_list_cli.sh GEN_TASK_TREE SC_BINARY}
sc=${2:?usage: task_list_cli.sh GEN_TASK_TREE SC_BINARY}
work=$(mktemp -d "${SC_BENCH_DIR:-/var/tmp}/sc-list-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT
for count in 1000 10000; do
    home="$work/home-$count"
    project="$work/project-$count"
    mkdir -p "$project"
    # The store path is ~/.scopecraft/projects/<encoded project path>/tasks (docs/layout.md).
    encoded=$(printf '%s' "$project" | tr '/' '\n' | sed '/^$/d' | sed 's/[^a-zA-Z0-9-]/_/g' | paste -sd- | tr 'A-Z' 'a-z')
    "$generator" "$home/.scopecraft/projects/$encoded/tasks" "$count"
    echo "== $count tasks"
    HOME="$home" hyperfine --warmup 3 --runs 30 --style basic \
        "cd '$project' && '$sc' task list --format json > /dev/null"
    HOME="$home" /usr/bin/time -f "peak memory: %M KiB" sh -c "cd '$project' && '$sc' task list --format json > /dev/null"
done
