// Checks our hand-written .proto files (proto/) against an independent definition of OTLP: the
// OpenTelemetry JS project's generated classes. Every message type reachable from the export
// requests and responses is filled with a distinct value in every field (each oneof member in
// turn), encoded with protobufjs from our .proto files, decoded with the generated class, and
// compared field by field. A wrong field number or wire type moves or loses a value here.
// Usage: node check-proto-files.js PROTO_ROOT
'use strict';
const path = require('path');
const protobuf = require('protobufjs');
const generated = require('@opentelemetry/otlp-proto-exporter-base/build/src/generated/root.js');

const protoRoot = process.argv[2];
const files = [
  'opentelemetry/proto/collector/trace/v1/trace_service.proto',
  'opentelemetry/proto/collector/metrics/v1/metrics_service.proto',
  'opentelemetry/proto/collector/logs/v1/logs_service.proto',
];
const ours = new protobuf.Root();
ours.resolvePath = (origin, target) => path.join(protoRoot, target);
ours.loadSync(files, { keepCase: false });
ours.resolveAll();

const toObjectOptions = { longs: String, enums: Number, bytes: String, defaults: false, arrays: false, oneofs: false };
let counter = 0;
let checkedFields = 0;
const problems = [];

function lookupGenerated(fullName) {
  return fullName.replace(/^\./, '').split('.').reduce((node, part) => (node ? node[part] : undefined), generated);
}

// A value for each field: distinct numbers so that two fields swapped are told apart.
function sample(field, depth, variant) {
  const next = () => ++counter;
  if (field.resolvedType instanceof protobuf.Enum) {
    const values = Object.values(field.resolvedType.values).filter((v) => v !== 0);
    return values[next() % values.length];
  }
  if (field.resolvedType instanceof protobuf.Type) return depth > 3 ? {} : fill(field.resolvedType, depth + 1, variant);
  switch (field.type) {
    case 'string': return 's' + next();
    case 'bytes': return Buffer.from([next() % 256, 7, 9]);
    case 'bool': return true;
    case 'double': case 'float': return next() + 0.5;
    default: return next();  // every integer type, signed or not, 32 or 64 bits
  }
}

// Fields the generated classes (OTLP of early 2024) do not know yet, which the specification
// added later; protobuf decoders skip them, as the specification requires of unknown fields.
// Any other field missing there is an error.
const k_newer_fields = new Set([
  'opentelemetry.proto.resource.v1.Resource.entityRefs',
  'opentelemetry.proto.trace.v1.Span.flags',
  'opentelemetry.proto.trace.v1.Span.Link.flags',
  'opentelemetry.proto.metrics.v1.Metric.metadata',
  'opentelemetry.proto.logs.v1.LogRecord.eventName',
]);
const skipped = new Set();

function fill(type, depth, variant) {
  const object = {};
  const Generated = lookupGenerated(type.fullName);
  for (const field of type.fieldsArray) {
    if (Generated && !(field.name in Generated.prototype)) {
      const name = type.fullName.replace(/^\./, '') + '.' + field.name;
      skipped.add(name);
      if (!k_newer_fields.has(name)) problems.push(`${name}: the generated classes have no such field`);
      continue;
    }
    if (field.partOf && !field.partOf.name.startsWith('_')) {  // a real oneof: one member per variant
      const members = field.partOf.fieldsArray;
      if (members[variant % members.length] !== field) continue;
    }
    object[field.name] = field.repeated ? [sample(field, depth, variant), sample(field, depth, variant)] : sample(field, depth, variant);
  }
  return object;
}

function compare(typeName, type, variant) {
  const Generated = lookupGenerated(type.fullName);
  if (!Generated) {
    problems.push(`${type.fullName}: the generated classes have no such message`);
    return;
  }
  const object = fill(type, 0, variant);
  const message = type.fromObject(object);
  const bytes = type.encode(message).finish();
  const expected = type.toObject(type.decode(bytes), toObjectOptions);
  let decoded;
  try {
    decoded = Generated.toObject(Generated.decode(bytes), toObjectOptions);
  } catch (error) {
    problems.push(`${type.fullName}: the generated class cannot decode our encoding: ${error.message}`);
    return;
  }
  const a = JSON.stringify(expected);
  const b = JSON.stringify(decoded);
  if (a !== b) problems.push(`${type.fullName} (variant ${variant}):\n  ours      ${a}\n  generated ${b}`);
  checkedFields += type.fieldsArray.length;
}

const seen = new Set();
function walk(type) {
  if (seen.has(type.fullName)) return;
  seen.add(type.fullName);
  const oneofSizes = type.oneofsArray.filter((o) => !o.name.startsWith('_')).map((o) => o.fieldsArray.length);
  const variants = Math.max(1, ...oneofSizes);
  for (let variant = 0; variant < variants; ++variant) compare(type.fullName, type, variant);
  for (const field of type.fieldsArray) {
    const name = type.fullName.replace(/^\./, '') + '.' + field.name;
    if (field.resolvedType instanceof protobuf.Type && !k_newer_fields.has(name)) walk(field.resolvedType);
  }
}

for (const signal of [['trace', 'Trace'], ['metrics', 'Metrics'], ['logs', 'Logs']]) {
  for (const suffix of ['ServiceRequest', 'ServiceResponse']) {
    walk(ours.lookupType(`opentelemetry.proto.collector.${signal[0]}.v1.Export${signal[1]}${suffix}`));
  }
}

for (const name of k_newer_fields)
  if (!skipped.has(name)) problems.push(`${name} is listed as newer than the generated classes, but they know it: remove it from the list`);
if (problems.length) {
  console.error(`our .proto files disagree with the OpenTelemetry JS generated classes:\n${problems.join('\n')}`);
  process.exit(1);
}
console.log(`${seen.size} message types, ${checkedFields} field checks: our .proto files encode as the OpenTelemetry JS classes decode`);
