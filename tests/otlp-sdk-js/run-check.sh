#!/bin/sh
# CTest driver: the OpenTelemetry JS SDK (npm, pinned in package-lock.json) exports spans,
# metrics and logs over OTLP/HTTP, protobuf and JSON, to a real `sc telemetry serve`; then every
# span must be in `sc traces show`, every metric in `sc metrics` with its value, every log
# record in `sc logs`. Installs the packages on first use. Fails, not skips, without node and
# npm: the receiver's interoperability is a claim CI must check.
# Usage: run-check.sh SC_BINARY WORK_FOLDER
set -eu
here=$(cd "$(dirname "$0")" && pwd)
sc=$1
work=$2
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "otlp-sdk-js check failed: node and npm are needed (scripts/install-deps.sh installs them)" >&2
  exit 1
fi
if [ ! -d "$here/node_modules/@opentelemetry/sdk-trace-base" ] || [ ! -d "$here/node_modules/@opentelemetry/exporter-logs-otlp-proto" ]; then
  (cd "$here" && npm ci --no-audit --no-fund >&2)
fi
rm -rf "$work"
mkdir -p "$work/home" "$work/project"
export HOME="$work/home" SCOPECRAFT_ROOT="$work/project"
unset OTEL_SDK_DISABLED SCOPECRAFT_TELEMETRY_DIR 2>/dev/null || true
cd "$work/project"
git init -q . 2>/dev/null || true
"$sc" init >/dev/null

: >"$work/server.log"
"$sc" telemetry serve --port 0 2>"$work/server.log" &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
port=""
for _ in $(seq 1 200); do
  port=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/server.log")
  [ -n "$port" ] && break
  sleep 0.05
done
[ -n "$port" ] || { cat "$work/server.log" >&2; echo "otlp-sdk-js: the server did not start" >&2; exit 1; }

node "$here/export.cjs" "http://127.0.0.1:$port" >"$work/sent.json"
kill -TERM "$server"
status=0
wait "$server" || status=$?
trap - EXIT
[ "$status" -eq 0 ] || { cat "$work/server.log" >&2; echo "otlp-sdk-js: the server exited $status after SIGTERM" >&2; exit 1; }
if grep -q " 4[0-9][0-9] \| 5[0-9][0-9] " "$work/server.log"; then
  cat "$work/server.log" >&2
  echo "otlp-sdk-js: the server refused a request of the JS SDK" >&2
  exit 1
fi

"$sc" traces list --format json >"$work/traces.json"
"$sc" metrics --format json >"$work/metrics.json"
"$sc" logs --format json >"$work/logs.json"
for id in $(node -e 'for (const r of JSON.parse(require("fs").readFileSync(process.argv[1]))) console.log(r.traceId)' "$work/sent.json"); do
  "$sc" traces show "$id" >"$work/trace-$id.txt"
  "$sc" traces show "$id" --format json >"$work/trace-$id.json"
done
node "$here/check.cjs" "$work"
