// Compares what export.cjs sent with what `sc traces show`, `sc metrics` and `sc logs` print.
'use strict';
const fs = require('fs');
const path = require('path');

const work = process.argv[2];
const read = (name) => JSON.parse(fs.readFileSync(path.join(work, name), 'utf8'));
const sent = read('sent.json');
const metrics = read('metrics.json');
const logs = read('logs.json');
let failures = 0;
const fail = (message) => { failures++; console.error('otlp-sdk-js: ' + message); };

for (const run of sent) {
  const text = fs.readFileSync(path.join(work, `trace-${run.traceId}.txt`), 'utf8');
  const shown = JSON.stringify(read(`trace-${run.traceId}.json`));
  for (const name of run.spans) {
    if (!text.includes(name)) fail(`sc traces show ${run.traceId} lacks span ${name}`);
  }
  if (!text.includes(`(js-${run.protocol})`)) fail(`sc traces show ${run.traceId} does not name the service js-${run.protocol}`);
  if (!shown.includes('child failed')) fail(`the ${run.protocol} trace lost the failed child's status`);
  for (const [name, expected] of Object.entries(run.metrics)) {
    const metric = metrics.find((m) => m.name === name);
    if (!metric) { fail(`sc metrics lacks ${name}`); continue; }
    const value = metric.type === 'histogram' ? metric.count : metric.value;
    if (value !== expected) fail(`sc metrics shows ${name} = ${value}, the SDK sent ${expected}`);
  }
  for (const body of run.logs) {
    const record = logs.find((l) => l.body === body);
    if (!record) fail(`sc logs lacks "${body}"`);
    else if (body.endsWith('failed') && record.trace_id !== run.traceId) fail(`log "${body}" lost its trace id`);
  }
}
if (failures > 0) process.exit(1);
console.log(`otlp-sdk-js: ${sent.length} protocols: every span, metric and log record the JS SDK sent is shown by sc`);
