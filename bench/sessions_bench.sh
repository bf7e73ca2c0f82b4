#!/bin/sh
# Session figures (docs/performance.md, "Sessions"), median wall time with hyperfine:
#   1. what `sc dispatch --exec foreground` adds to an agent that exits at once (/bin/true),
#      the worktree reused, telemetry on; and `sc dispatch` (detached) returning to its caller;
#      plus, from the trace of one run, the time from the command's start to the agent's.
#   2. `sc sessions stats` over 10,000 sessions (50,000 events).
# Usage: bench/sessions_bench.sh SC GEN_SESSIONS
set -eu
abs() { (cd "$(dirname "$1")" && printf '%s/%s' "$(pwd)" "$(basename "$1")"); }
sc=$(abs "${1:?usage: sessions_bench.sh SC GEN_SESSIONS}")
gen=$(abs "${2:?}")
work=$(mktemp -d "${SC_BENCH_DIR:-/var/tmp}/sc-sessions-bench-XXXXXX")
trap 'tmux -L sc-bench kill-server 2>/dev/null; rm -rf "$work"' EXIT
median_ms() { sed -n 's/.*"median": *\([0-9.e-]*\).*/\1/p' "$1" | head -1 | awk '{printf "%.2f", $1 * 1000}'; }
time_command() {
  hyperfine -N --style none --warmup 3 --runs "${RUNS:-30}" --export-json "$work/h.json" "$2" >/dev/null
  printf '  %-52s %8s ms\n' "$1" "$(median_ms "$work/h.json")"
}
export HOME="$work/home" SCOPECRAFT_TELEMETRY_DIR="$work/telemetry" GIT_AUTHOR_NAME=b GIT_AUTHOR_EMAIL=b@b \
       GIT_COMMITTER_NAME=b GIT_COMMITTER_EMAIL=b@b
mkdir -p "$HOME" "$work/app"
cd "$work/app"
git init -q . && git commit -q --allow-empty -m init
"$sc" init >/dev/null
task=$("$sc" task create --title "Bench dispatch" --format json | sed -n 's/.*"id": "\([^"]*\)".*/\1/p' | head -1)
export SCOPECRAFT_AGENT=/bin/true
"$sc" env "$task" >/dev/null

echo "== dispatch overhead to an agent that exits at once (worktree reused, telemetry on)"
time_command "/bin/true" "/bin/true"
time_command "sc task list (a short command, for scale)" "$sc task list"
time_command "sc dispatch --exec foreground (whole session)" "$sc dispatch $task --exec foreground"
# One session per environment: the previous run's supervisor must be done before the next.
hyperfine -N --style none --warmup 3 --runs "${RUNS:-30}" --prepare "sleep 0.3" --export-json "$work/h.json" \
  "$sc dispatch $task --exec detached" >/dev/null
printf '  %-52s %8s ms\n' "sc dispatch --exec detached (until it returns)" "$(median_ms "$work/h.json")"
sleep 1
"$sc" dispatch "$task" --exec foreground >/dev/null
trace=$("$sc" events list --type SessionCompleted --last 1 --format json | sed -n 's/.*"trace_id": "\([0-9a-f]*\)".*/\1/p' | head -1)
"$sc" traces show "$trace" --format json > "$work/trace.json"
python3 - "$work/trace.json" <<'PY'
import json, sys
from datetime import datetime
spans = json.load(open(sys.argv[1]))["spans"]
def t(s):
    whole, frac = s.rstrip("Z").split(".")
    return datetime.fromisoformat(whole).timestamp() + int(frac) / 10 ** len(frac)
root = next(s for s in spans if s["name"] == "sc dispatch")
agent = next(s for s in spans if s["name"].startswith("invoke_agent"))
print("  %-52s %8.2f ms" % ("command span start -> agent span start (one run)", (t(agent["start"]) - t(root["start"])) * 1000))
print("  %-52s %8.2f ms" % ("agent span (spawn, wait, record the end)", agent["duration_ms"]))
PY

echo "== sc sessions stats over 10,000 sessions"
mkdir -p "$work/stats"
"$gen" "$work/stats" 10000
time_command "sc sessions stats --no-reap (10,000 sessions)" "$sc --telemetry-dir $work/stats sessions stats --no-reap --format json"
time_command "sc sessions stats (with the look for dead supervisors)" "$sc --telemetry-dir $work/stats sessions stats --format json"
# CPU time too: on a loaded machine the wall time is mostly waiting for a core.
for i in 1 2 3 4 5 6 7 8 9; do
  /usr/bin/time -f "%U %S" -a -o "$work/cpu.txt" "$sc" --telemetry-dir "$work/stats" sessions stats --no-reap --format json >/dev/null
done
awk '{print ($1 + $2) * 1000}' "$work/cpu.txt" | sort -n | sed -n 5p | awk '{printf "  %-52s %8.2f ms\n", "  the same, CPU time (user + system, median of 9)", $1}'
