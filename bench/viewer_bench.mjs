// The viewer's budgets (issue 24, docs/performance.md "The viewer"): the API's trace list over
// a store of SPANS spans (budget: under 200 ms), and the first render of a 10,000-span waterfall
// in headless Chromium (budget: under 1 s). The store is filled through sc-server's OTLP
// receiver. Prints medians of RUNS.
// Usage: node bench/viewer_bench.mjs BUILD/bin/sc WORK [SPANS=1000000] [RUNS=5]
// (playwright-core comes from tests/viewer-browser: run its `npm ci` first.)
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const { chromium } = createRequire(join(here, '../tests/viewer-browser/package.json'))('playwright-core');
const [scArg, work, spansArg = '1000000', runsArg = '5'] = process.argv.slice(2);
const sc = resolve(scArg);
const totalSpans = Number(spansArg), runs = Number(runsArg);
rmSync(work, { recursive: true, force: true });
const project = join(work, 'project');
mkdirSync(project, { recursive: true });
const env = { ...process.env, HOME: join(work, 'home'), SCOPECRAFT_ROOT: project };
mkdirSync(env.HOME);
execFileSync(sc, ['init'], { cwd: project, env });

const server = spawn(sc, ['telemetry', 'serve', '--port', '0', '--no-telemetry'], { cwd: project, env, stdio: ['ignore', 'ignore', 'pipe'] });
process.on('exit', () => server.kill('SIGTERM'));
let log = '';
const port = await new Promise((resolve) => server.stderr.on('data', (chunk) => {
  log += chunk;
  const found = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(log);
  if (found) resolve(Number(found[1]));
}));
const base = `http://127.0.0.1:${port}`;
let counter = 0;
const id = (digits) => (++counter).toString(16).padStart(digits, '0');
const text = (key, value) => ({ key, value: { stringValue: value } });

// Traces of 10 spans (a root and 9 children), 5,000 spans per request.
function batch(traces, spansPer, startNs) {
  const spans = [];
  for (let t = 0; t < traces; t++) {
    const traceId = id(32), rootId = id(16);
    const start = startNs + BigInt(t) * 1_000_000n;
    for (let s = 0; s < spansPer; s++)
      spans.push({ traceId, spanId: s ? id(16) : rootId, parentSpanId: s ? rootId : '', name: s ? `step ${s}` : 'sc task create', kind: 1,
        startTimeUnixNano: String(start + BigInt(s) * 1000n), endTimeUnixNano: String(start + BigInt(s) * 1000n + 500_000n),
        attributes: [text('scopecraft.task.id', `task-${t % 100}`)], status: { code: s === 5 && t % 10 === 0 ? 2 : 0 } });
  }
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [text('service.name', 'bench')] }, scopeSpans: [{ scope: { name: 'bench' }, spans }] }] });
}
async function post(body) {
  const response = await fetch(`${base}/v1/traces`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
  if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
}
const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];

const filled = Date.now();
const startNs = BigInt(Date.now() - 3600_000) * 1_000_000n;
for (let sent = 0; sent < totalSpans; sent += 5000) await post(batch(500, 10, startNs + BigInt(sent) * 100_000n));
console.log(`load average: ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log(`store: ${totalSpans} spans in ${totalSpans / 10} traces, filled in ${((Date.now() - filled) / 1000).toFixed(1)} s`);

const listTimes = [];
for (let i = 0; i < runs; i++) {
  const started = performance.now();
  const answer = await (await fetch(`${base}/ui/api/traces?limit=50`)).json();
  listTimes.push(performance.now() - started);
  if (answer.total < totalSpans / 10) throw new Error(`trace list total ${answer.total}`);
}
console.log(`GET /ui/api/traces?limit=50 over ${totalSpans} spans: median ${median(listTimes).toFixed(0)} ms (runs: ${listTimes.map((t) => t.toFixed(0)).join(', ')}; budget 200 ms)`);

// One 10,000-span trace, drawn in Chromium.
const big = batch(1, 10000, BigInt(Date.now()) * 1_000_000n);
await post(big);
const bigId = JSON.parse(big).resourceSpans[0].scopeSpans[0].spans[0].traceId;
const apiTimes = [];
for (let i = 0; i < runs; i++) {
  const started = performance.now();
  await (await fetch(`${base}/ui/api/trace?id=${bigId}`)).json();
  apiTimes.push(performance.now() - started);
}
console.log(`GET /ui/api/trace of the 10,000-span trace: median ${median(apiTimes).toFixed(0)} ms (runs: ${apiTimes.map((t) => t.toFixed(0)).join(', ')})`);
const browser = await chromium.launch({ executablePath: process.env.SC_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
const renderTimes = [];
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
for (let i = 0; i < runs; i++) {
  await page.goto('about:blank');
  await page.goto(`${base}/ui/#/trace/${bigId}`);
  await page.waitForSelector('body[data-waterfall-ready="10000"]', { timeout: 60000 });
  renderTimes.push(Number(await page.getAttribute('body', 'data-waterfall-ms')));
}
await browser.close();
console.log(`first render of a 10,000-span waterfall (navigation start to rows drawn): median ${median(renderTimes)} ms (runs: ${renderTimes.join(', ')}; budget 1000 ms)`);
process.exit(0);
