#!/bin/sh
# CTest driver: write sample signals with the C++ pipeline, then decode them with the
# OpenTelemetry JS protobuf classes. Exits 77 (skipped) only when node or npm is missing.
# Usage: run-check.sh WRITER_PROGRAM WORK_FOLDER
set -eu
here=$(cd "$(dirname "$0")" && pwd)
writer=$1
work=$2
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "otlp-js check skipped: node and npm are needed"
  exit 77
fi
if [ ! -d "$here/node_modules/@opentelemetry/otlp-proto-exporter-base" ] || [ ! -d "$here/node_modules/protobufjs" ]; then
  (cd "$here" && npm ci --no-audit --no-fund)
fi
rm -rf "$work"
"$writer" "$work"
node "$here/check-otlp-lines.js" "$work/traces.jsonl" "$work/metrics.jsonl" "$work/logs.jsonl"
