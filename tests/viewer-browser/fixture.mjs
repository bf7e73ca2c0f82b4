// The viewer tests' fixture: a project made with real `sc` commands, and OTLP JSON requests
// that the test posts to sc-server's own OTLP receiver (the path any OpenTelemetry SDK takes):
// a 2,000-span trace with 40 failed spans, a trace whose attributes are hostile HTML, and logs.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export function sc(binary, project, ...args) {
  return execFileSync(binary, args, { cwd: project, encoding: 'utf8', env: { ...process.env, SCOPECRAFT_ROOT: project } });
}

const hex = (bytes) => randomBytes(bytes).toString('hex');
const text = (key, value) => ({ key, value: { stringValue: value } });

function span(traceId, spanId, parentSpanId, name, startNs, durationNs, attributes = [], error = '') {
  return {
    traceId, spanId, parentSpanId, name, kind: 1,
    startTimeUnixNano: String(startNs), endTimeUnixNano: String(startNs + durationNs),
    attributes, status: error ? { code: 2, message: error } : { code: 0 },
  };
}

function request(service, spans) {
  return { resourceSpans: [{ resource: { attributes: [text('service.name', service), text('host.name', 'fixture-host')] },
    scopeSpans: [{ scope: { name: 'viewer-fixture', version: '1.0' }, spans }] }] };
}

// 1 root, 40 batches of 49 steps plus the batch span: 1 + 40 * 50 - 1 = 2,000 spans; the 40
// failed spans are step 7 of each batch.
export function bigTrace(taskId) {
  const traceId = hex(16);
  const base = BigInt(Date.now() - 60000) * 1000000n;
  const rootId = hex(8);
  const spans = [span(traceId, rootId, '', 'agent session', base, 30_000_000_000n, [text('scopecraft.task.id', taskId), text('gen_ai.request.model', 'claude-fixture')])];
  let failed = 0;
  for (let b = 0; b < 40; b++) {
    const batchId = hex(8);
    const batchStart = base + BigInt(b) * 700_000_000n;
    spans.push(span(traceId, batchId, rootId, `batch-${b}`, batchStart, 690_000_000n, [text('batch.index', String(b))]));
    for (let s = 0; s < 49 && spans.length < 2000; s++) {
      const fails = s === 7;
      if (fails) failed++;
      spans.push(span(traceId, hex(8), batchId, `step ${b}.${s}`, batchStart + BigInt(s) * 14_000_000n, 12_000_000n,
        [text('step.kind', s % 2 ? 'read' : 'write')], fails ? `step ${b}.${s} failed: disk full` : ''));
    }
  }
  return { traceId, rootId, request: request('agent-fixture', spans), spans: spans.length, failed };
}

// Work done in parallel: the trace's end waited for 'slow fetch' then 'render', not for
// 'fast fetch' (which ran beside 'slow fetch'): a critical path of 3 of the 4 spans.
export function parallelTrace() {
  const traceId = hex(16);
  const base = BigInt(Date.now() - 40000) * 1000000n;
  const rootId = hex(8);
  const ms = 1000000n;
  const spans = [span(traceId, rootId, '', 'parallel work', base, 100n * ms),
    span(traceId, hex(8), rootId, 'slow fetch', base + 5n * ms, 85n * ms),
    span(traceId, hex(8), rootId, 'fast fetch', base + 5n * ms, 25n * ms),
    span(traceId, hex(8), rootId, 'render', base + 90n * ms, 8n * ms)];
  return { traceId, rootId, request: request('parallel-fixture', spans) };
}

// A span that ends now (failed) and a warning, posted while the Now page is open.
export function liveSignals() {
  const traceId = hex(16);
  const now = BigInt(Date.now()) * 1000000n;
  const spanId = hex(8);
  return {
    traces: request('live-fixture', [span(traceId, spanId, '', 'live span', now - 3000000n, 3000000n, [], 'live failure')]),
    logs: { resourceLogs: [{ resource: { attributes: [text('service.name', 'live-fixture')] }, scopeLogs: [{ scope: { name: 'viewer-fixture' },
      logRecords: [{ timeUnixNano: String(now), severityNumber: 13, severityText: 'WARN', body: { stringValue: 'disk almost full' }, traceId, spanId },
        { timeUnixNano: String(now), severityNumber: 9, severityText: 'INFO', body: { stringValue: 'an info line the tail leaves out' } }] }] }] },
  };
}

export function hostileTrace() {
  const traceId = hex(16);
  const base = BigInt(Date.now() - 30000) * 1000000n;
  const rootId = hex(8);
  const spans = [span(traceId, rootId, '', 'hostile <img src=x onerror="window.__xss=1">', base, 5_000_000n, [
    text('note', '<script>window.__xss=2</script>'),
    text('html', '<img src=x onerror="window.__xss=3">'),
    text('huge', 'x'.repeat(100000)),
  ])];
  return { traceId, rootId, request: request('hostile<b>service</b>', spans) };
}

export function logsFor(traceId, spanId) {
  const now = BigInt(Date.now() - 20000) * 1000000n;
  const record = (body, severityNumber, severityText, offset) => ({ timeUnixNano: String(now + BigInt(offset)), severityNumber, severityText,
    body: { stringValue: body }, traceId, spanId, attributes: [text('log.kind', 'fixture')] });
  return { resourceLogs: [{ resource: { attributes: [text('service.name', 'agent-fixture')] }, scopeLogs: [{ scope: { name: 'viewer-fixture' },
    logRecords: [record('batch 7 failed: disk full', 17, 'ERROR', 0), record('session started', 9, 'INFO', 1000)] }] }] };
}

// A plain OTLP JSON Lines file for --open and drag-and-drop: one trace of 3 spans, a line that
// is not JSON (line 2), and a log record.
export function plainFile() {
  const traceId = hex(16);
  const base = BigInt(Date.now()) * 1000000n;
  const rootId = hex(8);
  const spans = [span(traceId, rootId, '', 'file root', base, 9_000_000n), span(traceId, hex(8), rootId, 'file child', base + 1_000_000n, 3_000_000n),
    span(traceId, hex(8), rootId, 'file failure', base + 5_000_000n, 2_000_000n, [], 'broken in a file')];
  const lines = [JSON.stringify(request('file-service', spans)), '{this is not json', JSON.stringify(logsFor(traceId, rootId))];
  return { traceId, text: lines.join('\n') + '\n' };
}
