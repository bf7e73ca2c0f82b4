// Exports spans, metrics and logs with the OpenTelemetry JS SDK to `sc telemetry serve`, once
// over OTLP/HTTP protobuf and once over OTLP/HTTP JSON, and prints what it sent as JSON (one
// trace id per protocol, span names, metric names and values, log bodies) for run-check.sh to
// look for in `sc traces show`, `sc metrics` and `sc logs`.
// Usage: node export.cjs BASE_URL   (http://127.0.0.1:PORT)
'use strict';

const { resourceFromAttributes } = require('@opentelemetry/resources');
const { BasicTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { MeterProvider, PeriodicExportingMetricReader } = require('@opentelemetry/sdk-metrics');
const { LoggerProvider, BatchLogRecordProcessor } = require('@opentelemetry/sdk-logs');
const { SeverityNumber } = require('@opentelemetry/api-logs');
const { context, trace } = require('@opentelemetry/api');
const { AggregationTemporalityPreference } = require('@opentelemetry/exporter-metrics-otlp-http');

const exporters = {
  protobuf: {
    traces: require('@opentelemetry/exporter-trace-otlp-proto').OTLPTraceExporter,
    metrics: require('@opentelemetry/exporter-metrics-otlp-proto').OTLPMetricExporter,
    logs: require('@opentelemetry/exporter-logs-otlp-proto').OTLPLogExporter,
  },
  json: {
    traces: require('@opentelemetry/exporter-trace-otlp-http').OTLPTraceExporter,
    metrics: require('@opentelemetry/exporter-metrics-otlp-http').OTLPMetricExporter,
    logs: require('@opentelemetry/exporter-logs-otlp-http').OTLPLogExporter,
  },
};

async function exportWith(base, protocol, temporality) {
  const resource = resourceFromAttributes({ 'service.name': `js-${protocol}`, 'deployment.environment': 'test' });
  const sent = { protocol, spans: [], metrics: {}, logs: [] };

  // Spans: a server span with children, attributes of every kind, an event and an error.
  const Traces = exporters[protocol].traces;
  const tracerProvider = new BasicTracerProvider({
    resource,
    spanProcessors: [new BatchSpanProcessor(new Traces({ url: `${base}/v1/traces` }))],
  });
  const tracer = tracerProvider.getTracer('sc-otlp-sdk-js-check', '1.0.0');
  const root = tracer.startSpan(`js-${protocol}-request`, {
    kind: 1,
    attributes: { 'http.request.method': 'GET', 'http.response.status_code': 200, 'ratio': 0.5, 'cached': false, 'tags': ['a', 'b'] },
  });
  sent.traceId = root.spanContext().traceId;
  sent.spans.push(`js-${protocol}-request`);
  const rootContext = trace.setSpan(context.active(), root);
  for (let i = 0; i < 3; i++) {
    const name = `js-${protocol}-child-${i}`;
    const child = tracer.startSpan(name, { attributes: { index: i } }, rootContext);
    child.addEvent('step', { index: i });
    if (i === 2) child.setStatus({ code: 2, message: 'child failed' });
    child.end();
    sent.spans.push(name);
  }
  root.end();
  await tracerProvider.forceFlush();
  await tracerProvider.shutdown();

  // Metrics: a counter (sum) and a histogram, with the temporality asked for.
  const Metrics = exporters[protocol].metrics;
  const reader = new PeriodicExportingMetricReader({
    exporter: new Metrics({ url: `${base}/v1/metrics`, temporalityPreference: temporality }),
    exportIntervalMillis: 600000,
  });
  const meterProvider = new MeterProvider({ resource, readers: [reader] });
  const meter = meterProvider.getMeter('sc-otlp-sdk-js-check');
  const counter = meter.createCounter(`js.${protocol}.orders`, { unit: '{order}' });
  counter.add(5, { shop: 'north' });
  counter.add(2, { shop: 'north' });
  const histogram = meter.createHistogram(`js.${protocol}.latency`, { unit: 's' });
  for (const seconds of [0.1, 0.2, 0.3]) histogram.record(seconds);
  sent.metrics[`js.${protocol}.orders`] = 7;
  sent.metrics[`js.${protocol}.latency`] = 3;  // observations
  await meterProvider.forceFlush();
  await meterProvider.shutdown();

  // Logs: two records, one inside the root span's context.
  const Logs = exporters[protocol].logs;
  const loggerProvider = new LoggerProvider({
    resource,
    processors: [new BatchLogRecordProcessor({ exporter: new Logs({ url: `${base}/v1/logs` }) })],
  });
  const logger = loggerProvider.getLogger('sc-otlp-sdk-js-check');
  logger.emit({ severityNumber: SeverityNumber.INFO, severityText: 'INFO', body: `js-${protocol}-log-started`, attributes: { step: 1 } });
  logger.emit({
    severityNumber: SeverityNumber.ERROR, severityText: 'ERROR', body: `js-${protocol}-log-failed`,
    attributes: { step: 2 }, context: rootContext,
  });
  sent.logs.push(`js-${protocol}-log-started`, `js-${protocol}-log-failed`);
  await loggerProvider.forceFlush();
  await loggerProvider.shutdown();
  return sent;
}

async function main() {
  const base = process.argv[2];
  // An exporter reports failures through the diagnostics channel and resolves anyway: count
  // them so that a refused export fails the check.
  const { diag, DiagLogLevel } = require('@opentelemetry/api');
  let errors = 0;
  diag.setLogger({
    error: (...args) => { errors++; console.error('otel error:', ...args); },
    warn: (...args) => console.error('otel warn:', ...args),
    info: () => {}, debug: () => {}, verbose: () => {},
  }, DiagLogLevel.WARN);
  const results = [];
  results.push(await exportWith(base, 'protobuf', AggregationTemporalityPreference.CUMULATIVE));
  results.push(await exportWith(base, 'json', AggregationTemporalityPreference.DELTA));
  if (errors > 0) {
    console.error(`${errors} export errors`);
    process.exit(1);
  }
  console.log(JSON.stringify(results));
}

main().catch((error) => { console.error(error); process.exit(1); });
