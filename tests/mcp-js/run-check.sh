#!/bin/sh
# CTest driver: the official MCP TypeScript SDK client and the MCP Inspector CLI drive
# `sc mcp` over stdio (check-mcp.mjs, then two Inspector calls). Installs the pinned packages
# (package-lock.json) on first use. Fails, not skips, without node and npm: the MCP server's
# interoperability is a claim CI must check.
# Usage: run-check.sh SC_BINARY WORK_FOLDER
set -eu
here=$(cd "$(dirname "$0")" && pwd)
sc=$1
work=$2
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "mcp-js check failed: node and npm are needed (scripts/install-deps.sh installs them)" >&2
  exit 1
fi
if [ ! -d "$here/node_modules/@modelcontextprotocol/sdk" ] || [ ! -d "$here/node_modules/@modelcontextprotocol/inspector" ]; then
  (cd "$here" && INSPECTOR_SKIP_CLIENT_INSTALL=1 npm ci --no-audit --no-fund >&2)
fi
node "$here/check-mcp.mjs" "$sc" "$work/sdk"

# The Inspector in CLI mode: list the tools, then call one.
inspector="$here/node_modules/.bin/mcp-inspector"
home="$work/inspector/home"
project="$work/inspector/project"
rm -rf "$work/inspector"
mkdir -p "$home" "$project"
export HOME="$home" SCOPECRAFT_ROOT="$project"
(cd "$project" && "$sc" init >/dev/null && "$sc" task create --title 'Inspect me' --type chore >/dev/null)
listed=$(cd "$project" && "$inspector" --cli "$sc" mcp --method tools/list)
echo "$listed" | grep -q '"name": *"task_list"' || { echo "inspector: tools/list lacks task_list: $listed" >&2; exit 1; }
called=$(cd "$project" && "$inspector" --cli "$sc" mcp --method tools/call --tool-name task_list \
  --tool-args-json '{"task_type":"all"}')
echo "$called" | grep -q 'Inspect me' || { echo "inspector: task_list lacks the task: $called" >&2; exit 1; }
echo "mcp-js: the Inspector CLI listed the tools and called task_list"
