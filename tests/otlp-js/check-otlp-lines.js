#!/usr/bin/env node
// Checks OTLP JSON lines written by scopecraft with an independent decoder: the protobufjs
// classes that the OpenTelemetry JS project generated from the OTLP protos. Every line must
// verify, and must survive fromObject -> toObject with the same ids, names, attributes and
// values. Usage: node check-otlp-lines.js FILE... (each file holds one request per line).
'use strict';

const fs = require('fs');
const root = require('@opentelemetry/otlp-proto-exporter-base/build/src/generated/root.js');
const Long = require('protobufjs/minimal').util.Long;

const collector = root.opentelemetry.proto.collector;
const types = {
  resourceSpans: collector.trace.v1.ExportTraceServiceRequest,
  resourceMetrics: collector.metrics.v1.ExportMetricsServiceRequest,
  resourceLogs: collector.logs.v1.ExportLogsServiceRequest,
};
// Fields newer than these generated classes (OTLP 1.1+ span/link flags, 1.5 eventName): they are
// valid OTLP that older readers ignore, so the round trip is allowed to drop them.
const newerFields = new Set(['spans.flags', 'links.flags', 'logRecords.eventName']);
const idFields = new Set(['traceId', 'spanId', 'parentSpanId']);

function hexToBase64(hex) {
  if (typeof hex !== 'string' || !/^([0-9a-f]{2})*$/.test(hex)) throw new Error(`id is not lowercase hex: ${hex}`);
  return Buffer.from(hex, 'hex').toString('base64');
}

// The 64-bit integer fields of the OTLP messages we write: signed (int64) and unsigned
// (fixed64/uint64). The generated classes are static code without reflection, so the list is
// explicit.
const signed64 = new Set(['intValue', 'asInt']);
const unsigned64 = new Set(['startTimeUnixNano', 'endTimeUnixNano', 'timeUnixNano', 'observedTimeUnixNano', 'count', 'bucketCounts']);

function toLong(item, unsigned, where) {
  if (typeof item !== 'string' || !/^-?[0-9]+$/.test(item)) throw new Error(`${where}: 64-bit integer not written as a decimal string: ${JSON.stringify(item)}`);
  return Long.fromString(item, unsigned);
}

// OTLP JSON writes ids as hex and 64-bit integers as decimal strings; protobufjs' verify wants
// bytes as base64 and 64-bit integers as Longs. Convert, insisting on the OTLP JSON spellings.
function toVerifiable(value, path) {
  if (Array.isArray(value)) return value.map((item, index) => toVerifiable(item, `${path}[${index}]`));
  if (!value || typeof value !== 'object') return value;
  const out = {};
  for (const [key, inner] of Object.entries(value)) {
    const where = `${path}.${key}`;
    if (idFields.has(key)) out[key] = hexToBase64(inner);
    else if (signed64.has(key) || unsigned64.has(key)) {
      const unsigned = unsigned64.has(key);
      out[key] = Array.isArray(inner) ? inner.map((item, index) => toLong(item, unsigned, `${where}[${index}]`)) : toLong(inner, unsigned, where);
    } else out[key] = toVerifiable(inner, where);
  }
  return out;
}

function compare(original, decoded, path, parentKey, problems) {
  if (Array.isArray(original)) {
    if (!Array.isArray(decoded) || decoded.length !== original.length) {
      problems.push(`${path}: array of ${original.length} became ${JSON.stringify(decoded)}`);
      return;
    }
    original.forEach((item, index) => compare(item, decoded[index], `${path}[${index}]`, parentKey, problems));
    return;
  }
  if (original && typeof original === 'object') {
    if (!decoded || typeof decoded !== 'object') {
      problems.push(`${path}: object became ${JSON.stringify(decoded)}`);
      return;
    }
    for (const [key, value] of Object.entries(original)) {
      if (!(key in decoded)) {
        if (!newerFields.has(`${parentKey}.${key}`)) problems.push(`${path}.${key}: lost in the round trip`);
        continue;
      }
      compare(value, decoded[key], `${path}.${key}`, key, problems);
    }
    for (const key of Object.keys(decoded)) {
      if (!(key in original)) problems.push(`${path}.${key}: appeared in the round trip`);
    }
    return;
  }
  if (typeof original === 'number' && typeof decoded === 'number') {
    if (!Object.is(original, decoded)) problems.push(`${path}: ${original} became ${decoded}`);
    return;
  }
  if (String(original) !== String(decoded)) problems.push(`${path}: ${JSON.stringify(original)} became ${JSON.stringify(decoded)}`);
}

function checkLine(line, where) {
  const json = JSON.parse(line);
  const keys = Object.keys(json);
  if (keys.length !== 1 || !types[keys[0]]) throw new Error(`${where}: not one OTLP request object (keys ${keys})`);
  const Type = types[keys[0]];
  const object = toVerifiable(json, keys[0]);
  const error = Type.verify(object);
  if (error) throw new Error(`${where}: verify failed: ${error}`);
  const message = Type.fromObject(object);
  const decoded = Type.toObject(message, { longs: String, enums: Number, bytes: String, defaults: false });
  // Binary round trip as well: what a protobuf reader would see.
  const binary = Type.toObject(Type.decode(Type.encode(message).finish()), { longs: String, enums: Number, bytes: String, defaults: false });
  const problems = [];
  // Compare with the line as written, ids in base64 as toObject gives them.
  const expected = JSON.parse(JSON.stringify(object, (key, inner) => (inner instanceof Long ? inner.toString() : inner)));
  compare(expected, decoded, keys[0], keys[0], problems);
  compare(expected, binary, `${keys[0]} (binary)`, keys[0], problems);
  if (problems.length) throw new Error(`${where}:\n  ${problems.slice(0, 20).join('\n  ')}`);
  return keys[0];
}

const files = process.argv.slice(2);
if (!files.length) {
  console.error('usage: check-otlp-lines.js FILE...');
  process.exit(2);
}
const counts = {};
let failed = false;
for (const file of files) {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((line) => line.length > 0);
  if (!lines.length) {
    console.error(`${file}: no lines`);
    failed = true;
  }
  lines.forEach((line, index) => {
    try {
      const kind = checkLine(line, `${file}:${index + 1}`);
      counts[kind] = (counts[kind] || 0) + 1;
    } catch (error) {
      console.error(process.env.SC_DEBUG ? error.stack : error.message);
      failed = true;
    }
  });
}
console.log(`checked ${JSON.stringify(counts)}`);
process.exit(failed ? 1 : 0);
