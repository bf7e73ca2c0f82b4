#!/bin/sh
# The main job on a ready example: a scratch project where tasks are created and worked on,
# then shown. Runs in build/demo with its own HOME, so it never touches your ~/.scopecraft.
# Usage: scripts/demo.sh path/to/sc
set -eu
sc_binary=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
top=$(cd "$(dirname "$0")/.." && pwd)
demo="$top/build/demo"
rm -rf "$demo"
mkdir -p "$demo/home" "$demo/project"
export HOME="$demo/home" TZ=UTC
unset SCOPECRAFT_ROOT SCOPECRAFT_TELEMETRY_DIR
cd "$demo/project"
git init -q .

show() {
  printf '\n\033[1m$ sc %s\033[0m\n' "$*"
  "$sc_binary" "$@"
}

show init
show task create --title 'Add login page' --type feature --priority high --tags ui auth \
  --content 'Build the login form with email and password.'
show task create --title 'Fix crash on save' --type bug --priority '🔥' --assignee alice
show task create --title 'Write user guide' --type docs --status 'To Do'
show task start add-login-page-$(date +%m)A
show task log add-login-page-$(date +%m)A 'Form renders; validation next'
show task section add-login-page-$(date +%m)A tasks --set '- [x] Form
- [ ] Validation'
show parent create --title 'User authentication overhaul' --type feature \
  --subtask 'Design token format' 'Implement token service' 'Write migration guide'
parent=user-authentication-overhaul-$(date +%m)A
show parent show "$parent"
second=$("$sc_binary" task list --parent "$parent" --format minimal | sed -n 2p | cut -f1)
third=$("$sc_binary" task list --parent "$parent" --format minimal | sed -n 3p | cut -f1)
show parent parallelize "$parent" --subtasks "$second" "$third"
show parent show "$parent"
show task complete fix-crash-on-save-$(date +%m)A
show task list
show task list --all --format tree
show task get add-login-page-$(date +%m)A

printf '\nThe task files (cat them, diff them, keep them in git):\n'
find "$HOME/.scopecraft" -name '*.md' | sed "s|$HOME|~|" | sort

printf '\n\033[1mNow the telemetry every command above recorded.\033[0m\n'
# A hand edit behind sc's back: the next command that reads the tree records it.
overview="$HOME/.scopecraft/projects/$(ls "$HOME/.scopecraft/projects")/tasks/current/$parent/_overview.md"
printf '\nA note added by hand.\n' >> "$overview"
show task list --format minimal
show events list --last 8
show task history add-login-page-$(date +%m)A
show traces list --last 5
trace=$("$sc_binary" events list --type TaskCompleted --format json | sed -n 's/.*"trace_id": *"\([0-9a-f]*\)".*/\1/p' | tail -1)
show traces show "$trace"
show metrics
show logs
show events stats
show events replay --verify
show events replay --into "$demo/rebuilt"
show telemetry status
show traces export "$trace" --format jaeger --output "$demo/trace.jaeger.json"
printf '(load it in the Jaeger UI: Search, "JSON File"; docs/viewing.md)\n'

printf '\n\033[1mThe same tree through MCP, as an AI client drives it: sc mcp over stdio\033[0m\n'
login=add-login-page-$(date +%m)A
printf '%s\n' \
  '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"demo-agent","version":"1"}}}' \
  '{"jsonrpc":"2.0","method":"notifications/initialized"}' \
  '{"jsonrpc":"2.0","id":2,"method":"tools/list"}' \
  '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"task_update","arguments":{"id":"'"$login"'","updates":{"priority":"medium"}}}}' |
  "$sc_binary" mcp |
  jq -c 'if .id == 1 then {negotiated: .result.protocolVersion}
         elif .id == 2 then {tools: [.result.tools[].name]}
         else {task_update: .result.structuredContent.data.metadata.id, isError: .result.isError} end'
show events list --last 1

show search login

# An environment (the task's own git worktree) and an agent session in it. The agent here is a
# stand-in that only prints; set SCOPECRAFT_AGENT or sessions.agent_command for a real one.
printf '# The demo project\n' >README.md
git -c user.name=demo -c user.email=demo@example.com add -A >/dev/null
git -c user.name=demo -c user.email=demo@example.com commit -qm 'The demo project'
show env add-login-page-$(date +%m)A
SCOPECRAFT_AGENT='echo the agent would work here' show dispatch add-login-page-$(date +%m)A --exec foreground
show sessions list

# The network side: the OTLP receiver, Prometheus's /metrics and the web viewer on one server.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf '\n\033[1m$ sc telemetry serve --port %s &\033[0m\n' "$port"
"$sc_binary" telemetry serve --port "$port" 2>"$demo/serve.log" &
server=$!
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
  curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  sleep 0.1
done
printf '\n\033[1m$ curl http://127.0.0.1:%s/metrics | grep -E "scopecraft_project_(tasks|session_completions)"\033[0m\n' "$port"
curl -sf "http://127.0.0.1:$port/metrics" | grep -E '^scopecraft_project_(tasks|session_completions)' || true
# The MCP server over Streamable HTTP on the same server: initialize, then one tool call.
printf '\n\033[1m$ curl -X POST http://127.0.0.1:%s/mcp (initialize, then tools/call task_get)\033[0m\n' "$port"
mcp_post() {
  curl -s -X POST "http://127.0.0.1:$port/mcp" -H 'Content-Type: application/json' \
    -H 'Accept: application/json, text/event-stream' "$@"
}
mcp_session=$(mcp_post -D - -o /dev/null --data \
  '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"demo","version":"1"}}}' |
  tr -d '\r' | sed -n 's/^[Mm]cp-[Ss]ession-[Ii]d: *//p')
mcp_post -H "Mcp-Session-Id: $mcp_session" -H 'MCP-Protocol-Version: 2025-11-25' --data \
  "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"task_get\",\"arguments\":{\"id\":\"add-login-page-$(date +%m)A\",\"format\":\"summary\"}}}" |
  cut -c1-240
echo
# The server also runs the watch service (`sc watch` runs it alone): a listing asks it what
# changed instead of stat-ing every task file, and still sees an edit made outside sc.
task_file=$(ls "$HOME"/.scopecraft/projects/*/tasks/current/write-user-guide-*.task.md)
printf '\n\033[1m$ sed -i "s/^area: general/area: docs/" ~/%s   # an edit outside sc\033[0m\n' "${task_file#"$HOME"/}"
sed -i 's/^area: general/area: docs/' "$task_file"
show task list --area docs
show events list --last 1 --format json
printf '\nThe web viewer: http://127.0.0.1:%s/ui/ (docs/viewer.md)\n' "$port"
kill -TERM "$server"
wait "$server" || true

printf '\nEverything is plain JSON Lines: try  jq . %s/.scopecraft/projects/*/telemetry/events/*/*.jsonl\n' "$HOME"
