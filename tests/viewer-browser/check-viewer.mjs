// The viewer in a real browser: Debian's chromium driven by playwright-core against
// `sc telemetry serve` on a fixture store made with real sc commands. Asserts what a person
// reads in each view, follows links between views, pages through the errors of a 2,000-span
// trace, sees a new event in the live tail within a second of `sc task create`, opens and drops
// plain files, and checks that hostile attribute values never run. Screenshots of each view go
// to WORK/screenshots/.
// Usage: node check-viewer.mjs SC_BINARY WORK_FOLDER
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { sc, bigTrace, hostileTrace, parallelTrace, liveSignals, logsFor, plainFile } from './fixture.mjs';

const [scBinary, work] = process.argv.slice(2);
const project = join(work, 'project');
const shots = join(work, 'screenshots');
rmSync(work, { recursive: true, force: true });
mkdirSync(project, { recursive: true });
mkdirSync(shots, { recursive: true });
process.env.HOME = join(work, 'home');
mkdirSync(process.env.HOME, { recursive: true });

let failures = 0;
let passed = 0;
async function check(name, body) {
  try {
    await body();
    passed++;
    console.log(`ok   ${name}`);
  } catch (error) {
    failures++;
    console.log(`FAIL ${name}\n     ${String(error && error.stack || error).split('\n').slice(0, 4).join('\n     ')}`);
  }
}
function expect(condition, what) { if (!condition) throw new Error(what); }
function equal(actual, wanted, what) { if (actual !== wanted) throw new Error(`${what}: got ${JSON.stringify(actual)}, wanted ${JSON.stringify(wanted)}`); }

// ---- The fixture store, made by sc itself. The project is a git repository, so `sc dispatch`
// can give the session its worktree; the agent is the sessions tests' stand-in for Claude Code.
const here = dirname(fileURLToPath(import.meta.url));
Object.assign(process.env, { SCOPECRAFT_AGENT: join(here, '../stand-in-agent/stand_in_agent.py'), STANDIN_SC: scBinary,
  SCOPECRAFT_AGENT_GRACE_MS: '300', GIT_AUTHOR_NAME: 'viewer test', GIT_AUTHOR_EMAIL: 'viewer@example.invalid',
  GIT_COMMITTER_NAME: 'viewer test', GIT_COMMITTER_EMAIL: 'viewer@example.invalid' });
execFileSync('git', ['init', '-q', project]);
execFileSync('git', ['-C', project, 'commit', '-q', '--allow-empty', '-m', 'init']);
execSc('init');
const created = execSc('task', 'create', '--title', 'Add login page', '--type', 'feature', '--format', 'json');
const taskId = JSON.parse(created).metadata.id;
execSc('task', 'update', taskId, '--status', 'in_progress');
execSc('task', 'update', taskId, '--status', 'done');
const sessionTask = JSON.parse(execSc('task', 'create', '--title', 'Agent work', '--type', 'chore', '--format', 'json')).metadata.id;
const sessionId = JSON.parse(execSc('dispatch', sessionTask, '--exec', 'foreground', '--format', 'json')).sessionName;
function execSc(...args) { return sc(scBinary, project, ...args); }

const file = plainFile();
const openedPath = join(work, 'opened.jsonl');
writeFileSync(openedPath, file.text);

// ---- The server: port 0, read from its "listening on" line.
const server = spawn(scBinary, ['telemetry', 'serve', '--port', '0', '--no-telemetry', '--open', openedPath],
  { cwd: project, env: { ...process.env, SCOPECRAFT_ROOT: project }, stdio: ['ignore', 'ignore', 'pipe'] });
let serverLog = '';
const port = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`the server did not start: ${serverLog}`)), 10000);
  server.stderr.on('data', (chunk) => {
    serverLog += chunk;
    const found = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(serverLog);
    if (found) { clearTimeout(timer); resolve(Number(found[1])); }
  });
});
const base = `http://127.0.0.1:${port}`;

async function post(path, body) {
  const response = await fetch(base + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
}
const big = bigTrace(taskId);
const hostile = hostileTrace();
const parallel = parallelTrace();
await post('/v1/traces', big.request);
await post('/v1/traces', parallel.request);
await post('/v1/traces', hostile.request);
await post('/v1/logs', logsFor(big.traceId, big.rootId));

process.on('exit', () => server.kill('SIGTERM'));
const browser = await chromium.launch({
  executablePath: process.env.SC_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],  // playwright gives it a fresh profile folder
});
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
const dialogs = [];
page.on('dialog', (dialog) => { dialogs.push(dialog.message()); dialog.dismiss(); });
const pageErrors = [];
page.on('pageerror', (error) => pageErrors.push(error.message));
const shot = (name) => page.screenshot({ path: join(shots, `${name}.png`) });
const go = async (hash) => { await page.goto(`${base}/ui/${hash}`); await page.waitForSelector('body[data-ready="1"]'); };

try {
  await check('the trace list shows the fixture traces with their span and error counts', async () => {
    await go('#/traces');
    await page.waitForSelector('[data-testid=trace-row]');
    const row = page.locator('[data-testid=trace-row]', { hasText: 'agent session' });
    const cells = await row.locator('td').allInnerTexts();
    equal(cells[1], 'agent-fixture', 'service');
    equal(cells[4], '2000', 'spans');
    equal(cells[5], '40', 'errors');
    expect(await page.locator('[data-testid=trace-row]', { hasText: 'sc task create' }).count() >= 1, 'no "sc task create" trace');
    await shot('traces');
  });

  await check('the filter language keeps only matching traces, and its link holds the filter', async () => {
    await page.fill('[data-testid=trace-filter]', `status:error task:${taskId}`);
    await page.press('[data-testid=trace-filter]', 'Enter');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=trace-row]').length === 1);
    equal(await page.locator('[data-testid=trace-row] td').first().innerText(), 'agent session', 'the one row');
    expect(page.url().includes('q=status%3Aerror'), `the link lacks the filter: ${page.url()}`);
    await go('#/traces?q=colour%3Ared');
    const error = await page.locator('[data-testid=error]').innerText();
    expect(error.includes('"colour:" is not a condition'), `message: ${error}`);
  });

  await check('the waterfall of a 2,000-span trace pages through its 40 errors', async () => {
    await go('#/traces');
    await page.click('[data-testid=trace-row] >> text=agent session');
    await page.waitForSelector('body[data-waterfall-ready="2000"]');
    expect((await page.innerText('[data-testid=trace-title]')).includes('2000 spans'), 'title');
    equal(await page.innerText('[data-testid=trace-errors]'), '40 errors', 'error count');
    for (let i = 0; i < 3; i++) await page.click('[data-testid=error-next]');
    equal(await page.innerText('[data-testid=error-position]'), 'error 3 of 40', 'position after 3');
    equal(await page.innerText('[data-testid=detail-name]'), 'step 2.7', 'the third failed span');
    expect((await page.innerText('[data-testid=detail-status]')).includes('step 2.7 failed: disk full'), 'status message');
    await page.focus('[data-testid=waterfall]');
    await page.keyboard.press('e');
    equal(await page.innerText('[data-testid=error-position]'), 'error 4 of 40', 'e key');
    await page.keyboard.press('Shift+E');
    equal(await page.innerText('[data-testid=error-position]'), 'error 3 of 40', 'E key');
    for (let i = 0; i < 38; i++) await page.click('[data-testid=error-next]');
    equal(await page.innerText('[data-testid=error-position]'), 'error 1 of 40', 'wraps around after 40');
    await shot('waterfall');
  });

  await check('search in the trace counts matches and n walks them; j/k move; h collapses', async () => {
    await page.fill('[data-testid=trace-search]', 'step 3.');
    equal(await page.innerText('[data-testid=match-count]'), '49 matches', 'match count');
    await page.press('[data-testid=trace-search]', 'Enter');
    equal(await page.innerText('[data-testid=match-count]'), 'match 1 of 49', 'first match');
    equal(await page.innerText('[data-testid=detail-name]'), 'step 3.0', 'selected match');
    await page.focus('[data-testid=waterfall]');
    await page.keyboard.press('j');
    equal(await page.innerText('[data-testid=detail-name]'), 'step 3.1', 'j');
    await page.keyboard.press('k');
    await page.keyboard.press('k');
    equal(await page.innerText('[data-testid=detail-name]'), 'batch-3', 'k twice');
    await page.keyboard.press('h');
    expect((await page.innerText('.wf-row.selected')).includes('(+49)'), 'collapsed batch shows its hidden count');
    // The link holds the selection, the search and the collapsed span.
    const url = page.url();
    await page.goto('about:blank');
    await page.goto(url);
    await page.waitForSelector('body[data-waterfall-ready="2000"]');
    equal(await page.innerText('[data-testid=detail-name]'), 'batch-3', 'selection from the link');
    equal(await page.inputValue('[data-testid=trace-search]'), 'step 3.', 'search from the link');
    expect((await page.innerText('.wf-row.selected')).includes('(+49)'), 'collapse from the link');
  });

  await check('span detail: attributes, resource, and the Activity tab with the correlated log', async () => {
    await go(`#/trace/${big.traceId}?span=${big.rootId}`);
    await page.waitForSelector('[data-testid=detail-name]');
    expect((await page.innerText('[data-testid=span-detail]')).includes('claude-fixture'), 'gen_ai model attribute');
    await page.click('[data-testid=tab-links]');
    await page.waitForSelector('[data-testid=resource]');
    expect((await page.innerText('[data-testid=resource]')).includes('fixture-host'), 'resource host.name');
    await page.click('[data-testid=tab-activity]');
    await page.waitForSelector('[data-testid=activity]');
    expect((await page.innerText('[data-testid=activity]')).includes('batch 7 failed: disk full'), 'correlated log');
    await shot('span-detail');
  });

  await check('the text summary for an agent and the exports come from the trace', async () => {
    await page.click('[data-testid=export-text]');
    await page.waitForFunction(() => document.querySelector('[data-testid=text-summary]').textContent.length > 0);
    const summary = await page.innerText('[data-testid=text-summary]');
    expect(summary.startsWith(`trace ${big.traceId}: 2000 spans, 40 errors`), `summary: ${summary.slice(0, 80)}`);
    const jaeger = await (await fetch(`${base}/ui/api/trace/export?id=${big.traceId}&format=jaeger`)).json();
    equal(jaeger.data[0].spans.length, 2000, 'Jaeger spans');
    const otlp = await (await fetch(`${base}/ui/api/trace/export?id=${big.traceId}&format=otlp`)).text();
    expect(otlp.includes('"resourceSpans"'), 'OTLP JSON lines');
  });

  await check('hostile attribute values are shown as text and never run', async () => {
    await go(`#/trace/${hostile.traceId}?span=${hostile.rootId}`);
    await page.waitForSelector('[data-testid=detail-name]');
    const detail = await page.innerText('[data-testid=span-detail]');
    expect(detail.includes('<script>window.__xss=2</script>'), 'script shown as text');
    expect(detail.includes('<img src=x onerror="window.__xss=3">'), 'img shown as text');
    expect(detail.includes('more characters'), 'a huge value is cut');
    equal(await page.innerText('[data-testid=detail-name]'), 'hostile <img src=x onerror="window.__xss=1">', 'name as text');
    await page.waitForTimeout(300);
    equal(await page.evaluate(() => window.__xss), undefined, 'window.__xss');
    equal(await page.locator('main img, main script').count(), 0, 'no element made from data');
    equal(dialogs.length, 0, 'dialogs');
    await shot('hostile');
  });

  await check('logs: severity filter, and each row links to its span', async () => {
    await go('#/logs?severity=error');
    await page.waitForSelector('[data-testid=log-row]');
    const rows = await page.locator('[data-testid=log-row]').allInnerTexts();
    equal(rows.length, 1, 'error rows');
    expect(rows[0].includes('batch 7 failed: disk full') && rows[0].includes('ERROR'), rows[0]);
    await shot('logs');
    await page.click('[data-testid=log-row] >> text=span');
    await page.waitForSelector('body[data-waterfall-ready="2000"]');
    equal(await page.innerText('[data-testid=detail-name]'), 'agent session', 'linked span');
  });

  await check('task: events beside their traces, and the as-of slider rebuilds the status', async () => {
    await go(`#/task/${taskId}`);
    await page.waitForSelector('[data-testid=asof-status]');
    const events = await page.locator('[data-testid=task-events] tbody tr').allInnerTexts();
    expect(events.length >= 3 && events[0].includes('TaskCreated'), `events: ${events}`);
    expect((await page.innerText('[data-testid=task-traces]')).includes('agent session'), 'the task\'s traces');
    equal(await page.innerText('[data-testid=asof-status]'), 'done', 'now');
    await page.locator('[data-testid=asof-slider]').fill('0');
    await page.waitForFunction(() => document.querySelector('[data-testid=asof-status]')?.textContent === 'todo');
    expect(page.url().includes('asof=0'), 'link holds the moment');
    await shot('task');
    await page.click('[data-testid=event-trace] >> nth=0');
    await page.waitForSelector('[data-testid=trace-title]');
    expect((await page.innerText('[data-testid=trace-title]')).startsWith('sc task create'), 'the creating trace');
  });

  await check('now: a new event reaches the live tail within a second of sc task create', async () => {
    await go('#/now');
    await page.waitForFunction(() => document.querySelector('[data-testid=live-status]')?.textContent.startsWith('live from position'));
    const started = Date.now();
    execSc('task', 'create', '--title', 'Live one', '--type', 'chore');
    await page.waitForSelector('[data-testid=live-event][data-type=TaskCreated]', { timeout: 5000 });
    const elapsed = Date.now() - started;
    console.log(`     live tail: ${elapsed} ms from sc task create to the row`);
    expect(elapsed < 1000, `took ${elapsed} ms`);
    expect((await page.innerText('[data-testid=live-feed]')).includes('live-one'), 'the new task');
    await shot('now');
    // Resumable: the link holds the position; paused events are held and counted.
    const after = new URL(page.url()).hash.match(/after=(\d+)/)[1];
    await page.click('[data-testid=live-pause]');
    execSc('task', 'create', '--title', 'While paused', '--type', 'chore');
    // sc's own spans of that command are held too, counted apart from the domain event.
    await page.waitForFunction(() => document.querySelector('[data-testid=live-status]')?.textContent.startsWith('paused (1 new'), null, { timeout: 5000 });
    await go(`#/now?after=${after}`);
    await page.waitForSelector('[data-testid=live-event] >> text=while-paused', { timeout: 5000 });
  });

  await check('sessions: the list with totals, and a session page with its timeline linked to spans', async () => {
    await go('#/sessions');
    await page.waitForSelector('[data-testid=session-row]');
    const row = await page.locator('[data-testid=session-row]', { hasText: sessionId }).locator('td').allInnerTexts();
    equal(row[1], sessionTask, 'task');
    equal(row[3], 'success', 'outcome');
    expect((await page.innerText('[data-testid=session-totals]')).startsWith('1 sessions'), 'totals');
    await shot('sessions');
    await page.click(`text=${sessionId}`);
    await page.waitForSelector('[data-testid=session-timeline]');
    expect(await page.locator('[data-testid=timeline-item]').count() >= 1, 'spans in the timeline');
    expect(await page.locator('[data-testid=timeline-event]').count() >= 1, 'events in the timeline');
    await shot('session');
    await page.locator('[data-testid=timeline-item]').first().click();
    await page.waitForSelector('[data-testid=detail-name]');
  });

  await check('the critical-path toggle marks what the trace waited for, and its link holds it', async () => {
    await go(`#/trace/${parallel.traceId}`);
    await page.waitForSelector('body[data-waterfall-ready="4"]');
    equal(await page.innerText('[data-testid=critical-summary]'), '', 'off at first');
    await page.click('[data-testid=critical-toggle]');
    equal(await page.innerText('[data-testid=critical-summary]'), 'critical path: 3 of 4 spans', 'summary');
    const critical = await page.locator('[data-testid=span-row].critical .wf-name').allInnerTexts();
    equal(critical.map((name) => name.replace(/^[▾▸]\s*/, '').trim()).sort().join(', '), 'parallel work, render, slow fetch', 'spans on the path');
    expect(page.url().includes('critical=1'), 'link holds the toggle');
    await shot('critical-path');
    await go(`#/trace/${parallel.traceId}?critical=1`);
    await page.waitForSelector('body[data-waterfall-ready="4"]');
    equal(await page.innerText('[data-testid=critical-summary]'), 'critical path: 3 of 4 spans', 'from the link');
    await page.click('[data-testid=critical-toggle]');
    equal(await page.locator('[data-testid=span-row].critical').count(), 0, 'off again');
  });

  await check('now: span ends and warnings reach the live tail, info records do not', async () => {
    await go('#/now');
    await page.waitForFunction(() => document.querySelector('[data-testid=live-status]')?.textContent.startsWith('live from position'));
    const live = liveSignals();
    const started = Date.now();
    await post('/v1/traces', live.traces);
    await post('/v1/logs', live.logs);
    await page.waitForSelector('[data-testid=live-span] >> text=live span', { timeout: 5000 });
    await page.waitForSelector('[data-testid=live-warning] >> text=disk almost full', { timeout: 5000 });
    console.log(`     live tail: ${Date.now() - started} ms from the OTLP requests to the rows`);
    const span = await page.locator('[data-testid=live-span]', { hasText: 'live span' }).locator('td').allInnerTexts();
    equal(span[1], 'span failed', 'what the span row says');
    equal(span[2], 'live-fixture', 'its service');
    expect(span[3].includes('live failure'), `the failure in "${span[3]}"`);
    const warning = await page.locator('[data-testid=live-warning]').first().locator('td').allInnerTexts();
    equal(warning[1], 'WARN', 'severity');
    equal(warning[3], 'disk almost full', 'body');
    expect(!(await page.innerText('[data-testid=live-feed]')).includes('an info line'), 'info records stay out');
    await page.locator('[data-testid=live-span]', { hasText: 'live span' }).locator('a').click();
    await page.waitForSelector('[data-testid=detail-name]');
    equal(await page.innerText('[data-testid=detail-name]'), 'live span', 'the row links to its span');
  });

  await check('now: a running session is on top of the page, with its task', async () => {
    await go('#/now');
    await page.waitForSelector('[data-testid=running-title]');
    equal(await page.innerText('[data-testid=running-title]'), 'No session running', 'before');
    const hungTask = JSON.parse(execSc('task', 'create', '--title', 'Long agent work', '--type', 'chore', '--format', 'json')).metadata.id;
    process.env.STANDIN_BEHAVIOUR = 'hang';
    let hung;
    try { hung = JSON.parse(execSc('dispatch', hungTask, '--exec', 'detached', '--timeout', '8s', '--format', 'json')).sessionName; } finally { delete process.env.STANDIN_BEHAVIOUR; }
    await page.waitForSelector('[data-testid=running-session]', { timeout: 8000 });
    equal(await page.innerText('[data-testid=running-title]'), 'Running sessions (1)', 'title');
    const cells = await page.locator('[data-testid=running-session] td').allInnerTexts();
    equal(cells[0], hung, 'session');
    equal(cells[1], hungTask, 'task');
    await shot('now-running');
    // The timeout stops it; the list follows the session's events.
    await page.waitForFunction(() => document.querySelector('[data-testid=running-title]')?.textContent === 'No session running', null, { timeout: 20000 });
  });

  await check('session: the running cost line adds up the agent\'s per-request costs', async () => {
    mkdirSync(join(project, '.scopecraft'), { recursive: true });
    writeFileSync(join(project, '.scopecraft', 'config.yaml'), `sessions:\n  agent_otlp_endpoint: ${base}\n`);
    process.env.STANDIN_OTLP = '1';
    let costed;
    try {
      const costTask = JSON.parse(execSc('task', 'create', '--title', 'Costed work', '--type', 'chore', '--format', 'json')).metadata.id;
      costed = JSON.parse(execSc('dispatch', costTask, '--exec', 'foreground', '--format', 'json')).sessionName;
    } finally { delete process.env.STANDIN_OTLP; }
    await go(`#/session/${costed}`);
    await page.waitForSelector('[data-testid=session-cost]');
    equal(await page.innerText('[data-testid=session-cost]'), '$0.0123 after 1 request (the session\'s cost: $0.0123)', 'cost line');
    equal(await page.locator('[data-testid=session-cost-line] circle').count(), 1, 'one point per request');
    await shot('session-cost');
    await go(`#/session/${sessionId}`);
    await page.waitForSelector('[data-testid=session-cost]');
    equal(await page.innerText('[data-testid=session-cost]'), 'No per-request cost was recorded for this session.', 'a session without its agent\'s telemetry');
  });

  await check('metrics: the board counts the domain events', async () => {
    const stats = JSON.parse(execSc('events', 'stats', '--format', 'json'));
    await go('#/metrics');
    await page.waitForSelector('[data-testid=card-events]');
    equal(await page.innerText('[data-testid=card-events]'), String(stats.data?.events ?? stats.events), 'events');
    expect(await page.locator('[data-testid=chart-created] rect').count() >= 1, 'created chart');
    await shot('metrics');
  });

  await check('metrics: the session cards show the success rate, cost per model and tool error rate of sc sessions stats', async () => {
    // Four ended sessions: two succeeded (the first dispatch and the costed one), the hung one
    // timed out, and this one fails; each stand-in session makes two tool calls, one failing, and
    // the three that reach their result line cost $0.0123 each on the stand-in's model.
    const failingTask = JSON.parse(execSc('task', 'create', '--title', 'Failing work', '--type', 'chore', '--format', 'json')).metadata.id;
    process.env.STANDIN_BEHAVIOUR = 'failure';
    try { execSc('dispatch', failingTask, '--exec', 'foreground', '--format', 'json'); } catch { /* the agent failed, as asked */ } finally { delete process.env.STANDIN_BEHAVIOUR; }
    const stats = JSON.parse(execSc('sessions', 'stats', '--format', 'json'));
    equal(stats.completed, 4, 'ended sessions in the fixture');
    await page.goto('about:blank');  // the board is open already: load it again, with this session
    await go('#/metrics');
    await page.waitForSelector('[data-testid=card-success-rate]');
    equal(await page.innerText('[data-testid=card-success-rate]'), '50.0%', 'success rate');
    equal(await page.innerText('[data-testid=card-tool-error-rate]'), '50.0%', 'tool error rate');
    const model = await page.locator('[data-testid=cost-per-model] tr').first().locator('td').allInnerTexts();
    equal(model.join(' | '), 'claude-standin-1 | 4 | $0.0369', 'cost per model');
    equal(await page.innerText('[data-testid=card-cost]'), '$0.0369', 'total cost');
    equal(await page.locator('[data-testid=chart-cost-per-day] rect').count(), 14, 'one bar per day');
    expect((await page.innerText('[data-testid=card-session-duration]')).endsWith(' p50'), 'duration p50');
    expect((await page.innerText('[data-testid=card-session-percentiles]')).startsWith('p90 '), 'duration p90');
  });

  await check('metrics: each metric row has a sparkline with one point per bucket', async () => {
    const api = await (await fetch(`${base}/ui/api/metrics`)).json();
    const rows = page.locator('[data-testid=metric-row]');
    const count = await rows.count();
    expect(count >= 2, `metric rows: ${count}`);
    equal(count, api.data.metrics.length, 'rows against the API');
    for (let index = 0; index < count; index++) {
      const row = rows.nth(index);
      equal(await row.locator('[data-testid=sparkline]').count(), 1, `sparkline of row ${index}`);
      equal(await row.locator('[data-testid=sparkline] circle').count(), 12, `points of row ${index}`);
    }
    const operations = page.locator('[data-testid=metric-row]', { hasText: 'scopecraft.operations' });
    expect(await operations.locator('[data-testid=sparkline] path').count() === 1, 'the operations line');
    await shot('metrics-sessions');
  });

  await check('metrics: with no ended session the board says "no sessions yet"', async () => {
    const none = await (await fetch(`${base}/ui/api/metrics?until=2000-01-01`)).json();
    equal(none.data.sessions.completed, 0, 'sessions before 2000');
    await page.route('**/ui/api/metrics*', (route) => route.fulfill({ json: none }));
    try {
      await page.goto('about:blank');
      await go('#/metrics');
      await page.waitForSelector('[data-testid=card-sessions]');
      equal(await page.innerText('[data-testid=card-sessions]'), 'no sessions yet', 'empty session card');
      equal(await page.locator('text=NaN').count(), 0, 'NaN on the page');
    } finally { await page.unroute('**/ui/api/metrics*'); }
  });

  await check('a file given to --open is shown without storing it; its bad line is named', async () => {
    await go('#/traces?file=f0');
    await page.waitForSelector('[data-testid=file-summary]');
    expect((await page.innerText('[data-testid=file-summary]')).includes('1 traces, 2 log records'), 'summary');
    expect((await page.innerText('[data-testid=error]')).includes('line 2'), 'the bad line');
    await page.click('[data-testid=trace-row] >> text=file root');
    await page.waitForSelector('body[data-waterfall-ready="3"]');
    equal(await page.innerText('[data-testid=trace-errors]'), '1 error', 'error in the file');
    const stored = await (await fetch(`${base}/ui/api/traces?q=name:file`)).json();
    equal(stored.total, 0, 'traces of the file in the store');
  });

  await check('a dropped Jaeger JSON file and a chosen OTLP file are shown', async () => {
    await go('#/traces');
    const jaeger = await (await fetch(`${base}/ui/api/trace/export?id=${big.traceId}&format=jaeger`)).text();
    await page.evaluate(async (content) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([content], 'trace.jaeger.json', { type: 'application/json' }));
      document.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, jaeger);
    await page.waitForSelector('[data-testid=file-summary]');
    expect((await page.innerText('[data-testid=file-summary]')).startsWith('Jaeger JSON: 1 traces'), 'Jaeger summary');
    const cells = await page.locator('[data-testid=trace-row] td').allInnerTexts();
    equal(cells[4], '2000', 'spans read back from Jaeger JSON');
    equal(cells[5], '40', 'errors read back from Jaeger JSON');
    await shot('dropped');
    await page.setInputFiles('[data-testid=file-input]', { name: 'plain.jsonl', mimeType: 'application/json', buffer: Buffer.from(file.text) });
    await page.waitForFunction(() => document.querySelector('[data-testid=trace-row]')?.textContent.includes('file root'));
  });

  await check('Host and Origin are checked; no CORS header is sent', async () => {
    const status = (headers) => new Promise((resolve, reject) => {
      const request = httpRequest({ host: '127.0.0.1', port, path: '/ui/api/traces', headers }, (response) => {
        response.resume();
        resolve({ status: response.statusCode, cors: response.headers['access-control-allow-origin'] });
      });
      request.on('error', reject);
      request.end();
    });
    equal((await status({ Host: 'attacker.example:80' })).status, 403, 'rebinding Host');
    equal((await status({ Host: `127.0.0.1:${port}`, Origin: 'http://attacker.example' })).status, 403, 'foreign Origin');
    const allowed = await status({ Host: `localhost:${port}`, Origin: `http://localhost:${port}` });
    equal(allowed.status, 200, 'own origin');
    equal(allowed.cors, undefined, 'Access-Control-Allow-Origin');
  });

  await check('the page raised no script error', async () => { equal(pageErrors.join('\n'), '', 'page errors'); });
} finally {
  await browser.close();
  server.kill('SIGTERM');
}
console.log(`viewer-browser: ${passed} passed, ${failures} failed; screenshots in ${shots}`);
process.exit(failures ? 1 : 0);
