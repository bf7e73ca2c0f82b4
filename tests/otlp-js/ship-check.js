#!/usr/bin/env node
// End-to-end checks of `sc telemetry ship` against a small OTLP/HTTP receiver written here,
// which decodes every request with the OpenTelemetry JS project's generated OTLP classes (an
// independent decoder) and compares what arrived with the store, field by field. Each scenario
// records a few real commands with `sc` into a fresh store, then ships it.
// Usage: node ship-check.js SC_BINARY WORK_FOLDER [SCENARIO...]
'use strict';

const assert = require('assert');
const child = require('child_process');
const fs = require('fs');
const http = require('http');
const net = require('net');
const path = require('path');
const zlib = require('zlib');
const root = require('@opentelemetry/otlp-proto-exporter-base/build/src/generated/root.js');
const Long = require('protobufjs/minimal').util.Long;

const [sc, work] = process.argv.slice(2, 4).map((p) => p && path.resolve(p));
const only = new Set(process.argv.slice(4));
if (!sc || !work) {
  console.error('usage: ship-check.js SC_BINARY WORK_FOLDER [SCENARIO...]');
  process.exit(2);
}

const collector = root.opentelemetry.proto.collector;
const types = {
  '/v1/traces': { Type: collector.trace.v1.ExportTraceServiceRequest, key: 'resourceSpans' },
  '/v1/metrics': { Type: collector.metrics.v1.ExportMetricsServiceRequest, key: 'resourceMetrics' },
  '/v1/logs': { Type: collector.logs.v1.ExportLogsServiceRequest, key: 'resourceLogs' },
};
const toObjectOptions = { longs: String, enums: Number, bytes: String, defaults: false };

// --- OTLP JSON (as stored) to the form protobufjs verifies: ids base64, 64-bit ints as Longs.
const idFields = new Set(['traceId', 'spanId', 'parentSpanId']);
const signed64 = new Set(['intValue', 'asInt']);
const unsigned64 = new Set(['startTimeUnixNano', 'endTimeUnixNano', 'timeUnixNano', 'observedTimeUnixNano', 'count', 'bucketCounts']);
function toVerifiable(value) {
  if (Array.isArray(value)) return value.map(toVerifiable);
  if (!value || typeof value !== 'object') return value;
  const out = {};
  for (const [key, inner] of Object.entries(value)) {
    if (idFields.has(key)) out[key] = Buffer.from(inner, 'hex').toString('base64');
    else if (signed64.has(key) || unsigned64.has(key)) {
      const convert = (item) => Long.fromString(String(item), unsigned64.has(key));
      out[key] = Array.isArray(inner) ? inner.map(convert) : convert(inner);
    } else out[key] = toVerifiable(inner);
  }
  return out;
}
function normalizeJson(Type, json) {
  const object = toVerifiable(json);
  const problem = Type.verify(object);
  if (problem) throw new Error(`verify failed: ${problem}`);
  return Type.toObject(Type.fromObject(object), toObjectOptions);
}

// --- The store, read as files: every line of a signal, oldest segment first.
function storeLines(store, signal) {
  const folder = path.join(store, signal);
  if (!fs.existsSync(folder)) return [];
  const lines = [];
  for (const day of fs.readdirSync(folder).sort()) {
    for (const file of fs.readdirSync(path.join(folder, day)).sort()) {
      for (const line of fs.readFileSync(path.join(folder, day, file), 'utf8').split('\n')) if (line) lines.push(line);
    }
  }
  return lines;
}
// What the store says each endpoint must receive, normalised by the independent classes.
function expectedFromStore(store) {
  const expected = {};
  for (const [signal, route] of [['traces', '/v1/traces'], ['metrics', '/v1/metrics'], ['logs', '/v1/logs']]) {
    const { Type, key } = types[route];
    expected[signal] = storeLines(store, signal).flatMap((line) => normalizeJson(Type, JSON.parse(line))[key] || []);
  }
  expected.events = storeLines(store, 'events');
  return expected;
}

// --- The receiver.
class Receiver {
  constructor(respond) {
    this.requests = [];
    this.respond = respond || (() => ({ status: 200 }));
    this.server = http.createServer((request, response) => this.handle(request, response));
  }
  listen(port = 0) {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve(this.server.address().port));
    });
  }
  close() {
    this.server.closeAllConnections?.();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
  handle(request, response) {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', async () => {
      let body = Buffer.concat(chunks);
      const record = { path: request.url, time: Date.now(), headers: request.headers, size: body.length };
      try {
        if (request.headers['content-encoding'] === 'gzip') body = zlib.gunzipSync(body);
        const { Type, key } = types[request.url];
        if (request.headers['content-type'] === 'application/x-protobuf') {
          record.decoded = Type.toObject(Type.decode(body), toObjectOptions);
        } else if (request.headers['content-type'] === 'application/json') {
          record.json = JSON.parse(body.toString('utf8'));
          record.decoded = normalizeJson(Type, record.json);
        } else throw new Error(`unexpected content type ${request.headers['content-type']}`);
        record.items = record.decoded[key] || [];
      } catch (error) {
        record.error = error.message;
      }
      this.requests.push(record);
      const answer = await this.respond(record, this.requests.length);
      if (answer === 'hang') return; // the test kills the client; nothing is answered
      response.writeHead(answer.status, { 'Content-Type': answer.type || 'application/json', ...(answer.headers || {}) });
      response.end(answer.body || '{}');
    });
  }
  // Requests to one path that decoded, as a flat list of resource items.
  items(route) {
    return this.requests.filter((r) => r.path === route && !r.error && r.accepted !== false).flatMap((r) => r.items);
  }
}

// --- Recording real commands with sc, and running the shipper.
function sandbox(name) {
  const folder = path.join(work, name);
  fs.rmSync(folder, { recursive: true, force: true });
  fs.mkdirSync(path.join(folder, 'home'), { recursive: true });
  fs.mkdirSync(path.join(folder, 'project'), { recursive: true });
  const env = { ...process.env, HOME: path.join(folder, 'home'), SCOPECRAFT_TELEMETRY_DIR: path.join(folder, 'telemetry') };
  for (const variable of Object.keys(env)) if (variable.startsWith('OTEL_') || variable === 'SCOPECRAFT_ROOT' || variable === 'TRACEPARENT') delete env[variable];
  const run = (...args) => child.spawnSync(sc, args, { cwd: path.join(folder, 'project'), env, encoding: 'utf8' });
  child.spawnSync('git', ['init', '-q', '.'], { cwd: path.join(folder, 'project') });
  return { folder, env, run, store: env.SCOPECRAFT_TELEMETRY_DIR };
}
function record(box, commands = 3) {
  assert.strictEqual(box.run('init').status, 0);
  for (let i = 0; i < commands; ++i) assert.strictEqual(box.run('task', 'create', '--title', `Task ${i}`).status, 0);
  assert.strictEqual(box.run('parent', 'create', '--title', 'Release', '--subtask', 'Tag', 'Announce').status, 0);
  box.run('task', 'get', 'no-such-task'); // a failure: a log record
}
function record2(box) {
  assert.strictEqual(box.run('task', 'create', '--title', 'While serving').status, 0);
  assert.strictEqual(box.run('task', 'create', '--title', 'While serving too').status, 0);
}
// Asynchronous: the receiver answers from this same event loop.
async function ship(box, args, extraEnv = {}) {
  const shipper = startShip(box, args, extraEnv);
  const { code } = await shipper.exited;
  return { status: code, stdout: shipper.stdoutText, stderr: shipper.stderrText };
}
function startShip(box, args, extraEnv = {}) {
  const process_ = child.spawn(sc, ['telemetry', 'ship', ...args], { cwd: path.join(box.folder, 'project'), env: { ...box.env, ...extraEnv } });
  process_.stderrText = '';
  process_.stdoutText = '';
  process_.stderr.on('data', (chunk) => (process_.stderrText += chunk));
  process_.stdout.on('data', (chunk) => (process_.stdoutText += chunk));
  process_.exited = new Promise((resolve) => process_.on("close", (code, signal) => resolve({ code, signal })));
  return process_;
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(what, check, ms = 30000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}
async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// --- Comparisons.
function eventRecords(receiver) {
  return receiver.items('/v1/logs').flatMap((resource) => (resource.scopeLogs || [])
    .filter((scope) => scope.scope && scope.scope.name === 'scopecraft.events').flatMap((scope) => scope.logRecords));
}
function signalLogResources(receiver) {
  return receiver.items('/v1/logs').filter((resource) => !(resource.scopeLogs || []).some((scope) => scope.scope && scope.scope.name === 'scopecraft.events'));
}
function attribute(record, key) {
  const found = (record.attributes || []).find((a) => a.key === key);
  return found && found.value;
}
function checkEvent(record, line) {
  const envelope = JSON.parse(line);
  assert.strictEqual(record.body.stringValue, line, 'the body is the envelope as stored');
  assert.deepStrictEqual(attribute(record, 'event.name'), { stringValue: envelope.type });
  assert.deepStrictEqual(attribute(record, 'scopecraft.event.seq'), { intValue: String(envelope.seq) });
  assert.deepStrictEqual(attribute(record, 'scopecraft.event.stream'), { stringValue: envelope.stream });
  const nanos = BigInt(Date.parse(envelope.time.slice(0, 19) + 'Z')) * 1000000n + BigInt((envelope.time.slice(20, 29) || '0').padEnd(9, '0'));
  assert.strictEqual(record.timeUnixNano, String(nanos));
  if (envelope.meta && envelope.meta.trace_id) assert.strictEqual(Buffer.from(record.traceId, 'base64').toString('hex'), envelope.meta.trace_id);
  if (envelope.meta && envelope.meta.span_id) assert.strictEqual(Buffer.from(record.spanId, 'base64').toString('hex'), envelope.meta.span_id);
}
function checkEverythingArrivedOnce(receiver, store) {
  const expected = expectedFromStore(store);
  assert.ok(expected.traces.length > 0 && expected.metrics.length > 0 && expected.logs.length > 0 && expected.events.length > 0, 'the store has every signal');
  assert.deepStrictEqual(receiver.items('/v1/traces'), expected.traces, 'traces differ from the store');
  assert.deepStrictEqual(receiver.items('/v1/metrics'), expected.metrics, 'metrics differ from the store');
  assert.deepStrictEqual(signalLogResources(receiver), expected.logs, 'logs differ from the store');
  const events = eventRecords(receiver);
  assert.strictEqual(events.length, expected.events.length, 'one log record per event');
  events.forEach((record, index) => checkEvent(record, expected.events[index]));
  return expected;
}
function spanIds(resources) {
  return resources.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans.map((span) => span.spanId)));
}

// --- Scenarios, named after the behaviour they check.
const scenarios = {
  async ShippedProtobufMatchesTheStoreFieldByFieldWithGzipAndHeaders() {
    const box = sandbox('protobuf');
    record(box);
    const receiver = new Receiver();
    const port = await receiver.listen();
    const result = await ship(box, ['--endpoint', `http://127.0.0.1:${port}`], {
      OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip', OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20t0ken,X-Team=a',
    });
    assert.strictEqual(result.status, 0, result.stderr);
    for (const request of receiver.requests) {
      assert.ifError(request.error);
      assert.strictEqual(request.headers['content-type'], 'application/x-protobuf');
      assert.strictEqual(request.headers['content-encoding'], 'gzip');
      assert.strictEqual(request.headers.authorization, 'Bearer t0ken');
      assert.strictEqual(request.headers['x-team'], 'a');
    }
    checkEverythingArrivedOnce(receiver, box.store);
    // Everything is acknowledged: a second run sends nothing.
    const before = receiver.requests.length;
    assert.strictEqual((await ship(box, ['--endpoint', `http://127.0.0.1:${port}`])).status, 0);
    assert.strictEqual(receiver.requests.length, before, 'a second run resent acknowledged lines');
    await receiver.close();
  },

  async ShippedJsonIsTheStoresLinesMergedPerBatch() {
    const box = sandbox('json');
    record(box);
    const receiver = new Receiver();
    const port = await receiver.listen();
    const result = await ship(box, ['--endpoint', `http://127.0.0.1:${port}`, '--protocol', 'http/json', '--format', 'json']);
    assert.strictEqual(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    const expected = checkEverythingArrivedOnce(receiver, box.store);
    assert.strictEqual(report.signals.events.lines, expected.events.length);
    // Byte-level: the JSON requests carry the stored resource objects unchanged.
    const raw = receiver.requests.filter((r) => r.path === '/v1/traces').flatMap((r) => r.json.resourceSpans);
    assert.deepStrictEqual(raw, storeLines(box.store, 'traces').flatMap((line) => JSON.parse(line).resourceSpans));
    await receiver.close();
  },

  async BackendDownThenUpLosesNothing() {
    const box = sandbox('down-then-up');
    record(box, 2);
    const port = await freePort();
    const shipper = startShip(box, ['--follow', '--endpoint', `http://127.0.0.1:${port}`]);
    await until('a failed attempt', () => /no answer/.test(shipper.stderrText), 15000);
    record(box, 2); // more lines while the backend is down
    const receiver = new Receiver();
    await receiver.listen(port);
    const traceLines = () => storeLines(box.store, 'traces').length;
    const wanted = () => expectedFromStore(box.store).traces.length;
    await until('every span', () => receiver.items('/v1/traces').length >= wanted() && eventRecords(receiver).length >= storeLines(box.store, 'events').length, 40000);
    assert.ok(traceLines() > 0);
    shipper.kill('SIGTERM');
    const { code } = await shipper.exited;
    assert.strictEqual(code, 0, shipper.stderrText);
    checkEverythingArrivedOnce(receiver, box.store);
    await receiver.close();
  },

  async Backend503WithRetryAfterIsHonoured() {
    const box = sandbox('retry-after');
    record(box, 1);
    const receiver = new Receiver((request, count) => {
      if (count === 1) {
        request.accepted = false;
        return { status: 503, headers: { 'Retry-After': '2' } };
      }
      return { status: 200 };
    });
    const port = await receiver.listen();
    const result = await ship(box, ['--endpoint', `http://127.0.0.1:${port}`]);
    assert.strictEqual(result.status, 0, result.stderr);
    const [first, second] = receiver.requests;
    assert.strictEqual(second.path, first.path, 'the same batch is sent again');
    assert.ok(second.time - first.time >= 1900, `retried after ${second.time - first.time} ms, not the 2 s asked`);
    assert.match(result.stderr, /503 Service Unavailable; retrying in 2\.0s \(Retry-After\)/);
    checkEverythingArrivedOnce(receiver, box.store);
    await receiver.close();
  },

  async Backend400StopsTheBatchWithoutLooping() {
    const box = sandbox('bad-request');
    record(box, 1);
    const receiver = new Receiver((request) => {
      if (request.path === '/v1/traces') {
        request.accepted = false;
        return { status: 400, body: JSON.stringify({ code: 3, message: 'span name too long' }) };
      }
      return { status: 200 };
    });
    const port = await receiver.listen();
    const result = await ship(box, ['--endpoint', `http://127.0.0.1:${port}`]);
    assert.strictEqual(result.status, 5, result.stderr);
    assert.match(result.stderr, /the backend refused the traces batch of \d+ lines to http:\/\/127\.0\.0\.1:\d+\/v1\/traces with 400 Bad Request: span name too long; not resent/);
    assert.strictEqual(receiver.requests.filter((r) => r.path === '/v1/traces').length, 1, 'the refused batch was sent again');
    const problems = fs.readFileSync(path.join(box.store, 'cursors', 'otlp.problems.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    assert.strictEqual(problems.length, 1);
    assert.strictEqual(problems[0].kind, 'rejected');
    assert.strictEqual(problems[0].status, 400);
    assert.strictEqual(problems[0].message, 'span name too long');
    // The other signals went through; a second run does not send the refused batch again.
    assert.ok(receiver.items('/v1/metrics').length > 0);
    assert.strictEqual((await ship(box, ['--endpoint', `http://127.0.0.1:${port}`])).status, 0);
    assert.strictEqual(receiver.requests.filter((r) => r.path === '/v1/traces').length, 1);
    await receiver.close();
  },

  async Backend401StopsShippingAndKeepsTheCursor() {
    const box = sandbox('unauthorized');
    record(box, 1);
    let allow = false;
    const receiver = new Receiver((request) => {
      if (!allow) {
        request.accepted = false;
        return { status: 401, body: JSON.stringify({ code: 16, message: 'missing token' }) };
      }
      return { status: 200 };
    });
    const port = await receiver.listen();
    const refused = await ship(box, ['--endpoint', `http://127.0.0.1:${port}`]);
    assert.strictEqual(refused.status, 6, refused.stderr);
    assert.match(refused.stderr, /answered 401 Unauthorized: missing token/);
    assert.strictEqual(receiver.requests.length, 1, 'no retry after a 401');
    allow = true;
    assert.strictEqual((await ship(box, ['--endpoint', `http://127.0.0.1:${port}`])).status, 0);
    checkEverythingArrivedOnce(receiver, box.store);
    await receiver.close();
  },

  async KilledMidBatchResumesFromItsCursor() {
    const box = sandbox('killed');
    record(box, 4);
    let shipper = null;
    let traces = 0;
    const receiver = new Receiver((request) => {
      if (request.path !== '/v1/traces') return { status: 200 };
      traces += 1;
      if (traces === 2 && shipper) {
        request.accepted = false; // killed before it was answered: it never counted
        shipper.kill('SIGKILL');
        return 'hang';
      }
      return { status: 200 };
    });
    const port = await receiver.listen();
    shipper = startShip(box, ['--endpoint', `http://127.0.0.1:${port}`, '--batch-lines', '2']);
    const { signal } = await shipper.exited;
    assert.strictEqual(signal, 'SIGKILL');
    const firstBatch = spanIds(receiver.requests.filter((r) => r.path === '/v1/traces')[0].items);
    shipper = null;
    const again = await ship(box, ['--endpoint', `http://127.0.0.1:${port}`, '--batch-lines', '2']);
    assert.strictEqual(again.status, 0, again.stderr);
    // Nothing lost, and the acknowledged first batch was not sent again: the restart began at
    // the batch in flight when the shipper died (the at-least-once window).
    const expected = expectedFromStore(box.store);
    assert.deepStrictEqual(receiver.items('/v1/traces'), expected.traces);
    const resent = receiver.requests.filter((r) => r.path === '/v1/traces').slice(1);
    for (const id of firstBatch) assert.ok(!resent.some((r) => r.accepted !== false && spanIds(r.items).includes(id)), 'an acknowledged batch was resent');
    await receiver.close();
  },

  async ServerShipsContinuouslyWhenAnEndpointIsConfigured() {
    const box = sandbox('serve');
    record(box, 1);
    const receiver = new Receiver();
    const port = await receiver.listen();
    const server = child.spawn(sc, ['telemetry', 'serve', '--port', '0'], {
      cwd: path.join(box.folder, 'project'),
      env: { ...box.env, OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
    });
    let stderr = '';
    server.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise((resolve) => server.on('close', (code) => resolve(code)));
    const shipped = () => eventRecords(receiver).map((r) => r.body.stringValue);
    await until('the events recorded before the server started', () => shipped().length === storeLines(box.store, 'events').length && shipped().length > 0, 30000);
    record2(box); // lines written while it runs are shipped as they come
    await until('the events recorded while it runs', () => shipped().length === storeLines(box.store, 'events').length, 30000);
    assert.deepStrictEqual(shipped(), storeLines(box.store, 'events'));
    const traces = expectedFromStore(box.store).traces;
    await until('the spans of those commands', () => receiver.items('/v1/traces').length >= traces.length, 30000);
    assert.deepStrictEqual(receiver.items('/v1/traces').slice(0, traces.length), traces);
    server.kill('SIGTERM');
    assert.strictEqual(await exited, 0, stderr);
    assert.match(stderr, /sc-server: ship: following the store to http:\/\/127\.0\.0\.1:\d+\/v1\/traces and the metrics and logs endpoints beside it \(http\/json, cursor server\)/);
    assert.ok(fs.existsSync(path.join(box.store, 'cursors', 'server.events.json')));
    await receiver.close();
  },
};

(async () => {
  let failed = 0;
  for (const [name, scenario] of Object.entries(scenarios)) {
    if (only.size && !only.has(name)) continue;
    const started = Date.now();
    try {
      await scenario();
      console.log(`ok   ${name} (${Date.now() - started} ms)`);
    } catch (error) {
      failed += 1;
      console.log(`FAIL ${name}: ${process.env.SC_DEBUG ? error.stack : error.message}`);
    }
  }
  process.exit(failed ? 1 : 0);
})();
