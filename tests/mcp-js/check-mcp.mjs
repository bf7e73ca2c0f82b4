// Drives `sc mcp` with the official MCP TypeScript SDK client, over stdio or over Streamable
// HTTP (`sc mcp --http`), and checks that every tool answer equals the CLI's `--format json` on
// the same project and validates against the tool's outputSchema.
// Usage: node check-mcp.mjs SC_BINARY WORK_FOLDER [stdio|http]
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import Ajv from 'ajv';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const [sc, work, transportKind = 'stdio'] = process.argv.slice(2);
fs.rmSync(work, { recursive: true, force: true });
const home = path.join(work, 'home');
const project = path.join(work, 'project');
fs.mkdirSync(home, { recursive: true });
fs.mkdirSync(project, { recursive: true });
const env = { ...process.env, HOME: home, SCOPECRAFT_ROOT: project, USER: 'tester' };
delete env.TRACEPARENT;
delete env.OTEL_SDK_DISABLED;

const cli = (...args) => JSON.parse(execFileSync(sc, [...args, '--format', 'json'], { cwd: project, env }).toString());
// The project is a git repository of its own from the start (environments and sessions need
// one, and a repository made later would change where the project's store is).
const git = (...args) => execFileSync('git', ['-c', 'user.name=check', '-c', 'user.email=check@example.com', ...args],
  { cwd: project, env });
git('init', '-q', '.');
git('commit', '-q', '--allow-empty', '-m', 'init');
execFileSync(sc, ['init'], { cwd: project, env });

const freePort = () => new Promise((resolve) => {
  const probe = net.createServer();
  probe.listen(0, '127.0.0.1', () => { const { port } = probe.address(); probe.close(() => resolve(port)); });
});
let httpServer;
let transport;
if (transportKind === 'http') {
  const port = await freePort();
  // The network server exports its spans and metrics in the background (every 5 s and 60 s by
  // default): the standard variables shorten both, so the checks below need not wait a minute.
  httpServer = spawn(sc, ['mcp', '--http', '--host', '127.0.0.1', '--port', String(port)],
    { cwd: project, env: { ...env, OTEL_METRIC_EXPORT_INTERVAL: '500', OTEL_BSP_SCHEDULE_DELAY: '200' },
      stdio: ['ignore', 'inherit', 'inherit'] });
  for (let attempt = 0; ; attempt += 1) {
    try { if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) break; } catch { /* not listening yet */ }
    assert.ok(attempt < 200, 'sc mcp --http did not start listening');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  process.on('exit', () => httpServer.kill('SIGKILL')); // a failed assertion leaves no server behind
  transport = new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`));
} else {
  transport = new StdioClientTransport({ command: sc, args: ['mcp'], cwd: project, env, stderr: 'inherit' });
}
const client = new Client({ name: 'sc-mcp-check', version: '1.0.0' });
await client.connect(transport);
assert.equal(client.getServerVersion().name, 'scopecraft');

// tools/list, every page.
const tools = [];
let cursor;
do {
  const page = await client.listTools(cursor ? { cursor } : {});
  tools.push(...page.tools);
  cursor = page.nextCursor;
} while (cursor);
const byName = Object.fromEntries(tools.map((tool) => [tool.name, tool]));
for (const name of ['task_list', 'task_get', 'task_create', 'task_update', 'task_move', 'task_delete',
  'task_transform', 'parent_list', 'parent_get', 'parent_create', 'parent_operations', 'template_list',
  'init_root', 'get_current_root', 'list_projects', 'debug_code_path', 'search', 'search_reindex',
  'events_list', 'traces_list', 'traces_show', 'metrics', 'logs', 'task_history', 'events_replay_verify',
  'telemetry_status']) {
  assert.ok(byName[name], `tools/list lacks ${name}`);
}

const ajv = new Ajv({ strict: false, allErrors: true });
let calls = 0;
async function call(name, args, meta, options) {
  const result = await client.callTool({ name, arguments: args, ...(meta ? { _meta: meta } : {}) }, undefined, options);
  calls += 1;
  assert.equal(result.isError, false, `${name} failed: ${JSON.stringify(result.content)}`);
  const validate = ajv.compile(byName[name].outputSchema);
  assert.ok(validate(result.structuredContent), `${name}: ${ajv.errorsText(validate.errors)}`);
  assert.deepEqual(JSON.parse(result.content[0].text), result.structuredContent, `${name}: text != structured`);
  return result.structuredContent.data;
}

// Tasks: create, update, move, list, each equal to the CLI's view of the same tree.
const login = await call('task_create', { title: 'Add login page', type: 'feature', tags: ['ui', 'auth'] });
const loginId = login.metadata.id;
assert.deepEqual(login, cli('task', 'get', loginId));
const crash = await call('task_create', { title: 'Fix crash on save', type: 'bug', priority: 'high' });
const updated = await call('task_update', {
  id: loginId, updates: { status: 'in_progress', assignee: 'carol', deliverable: 'A login form.', add_log_entry: 'Started' },
});
assert.deepEqual(updated, cli('task', 'get', loginId));
const moved = await call('task_move', { id: crash.metadata.id, target_state: 'archive', archive_date: '2025-01' });
assert.deepEqual(moved, cli('task', 'get', crash.metadata.id));
assert.deepEqual(await call('task_get', { id: loginId }), cli('task', 'get', loginId));
const everything = await call('task_list', {
  task_type: 'all', include_completed: true, include_content: true, include_archived: true,
});
assert.deepEqual(everything, cli('task', 'list', '--all', '--include-parents'));
const archived = await call('task_list', { location: 'archive', include_completed: true, include_content: true });
assert.deepEqual(archived, cli('task', 'list', '--location', 'archive', '--include-parents'));

// Parents: create with subtasks, operate, and read back as `sc parent show`.
const tree = await call('parent_create', {
  title: 'Search revamp', type: 'feature', overview_content: 'Make search fast.',
  subtasks: [{ title: 'Pick an index library' }, { title: 'Build the indexer' }, { title: 'Build the query API' }],
});
const parentId = tree[0].metadata.id;
assert.deepEqual(tree, cli('parent', 'show', parentId));
await call('parent_operations', { parent_id: parentId, operation: 'add_subtask', subtask: { title: 'Roll out', type: 'chore' } });
const ids = cli('parent', 'show', parentId).slice(1).map((task) => task.metadata.id);
const parallel = await call('parent_operations', { parent_id: parentId, operation: 'parallelize', subtask_ids: [ids[1], ids[2]] });
assert.deepEqual(parallel, cli('parent', 'show', parentId));
const sequenceOf = (view, title) => view.find((task) => task.document.title === title).metadata.sequenceNumber;
assert.equal(sequenceOf(parallel, 'Build the indexer'), sequenceOf(parallel, 'Build the query API'));
const pick = parallel.find((task) => task.document.title === 'Pick an index library').metadata.id;
const renumbered = await call('parent_operations', {
  parent_id: parentId, operation: 'resequence', sequence_map: [{ id: pick, sequence: '05' }],
});
assert.equal(sequenceOf(renumbered, 'Pick an index library'), '05');
assert.deepEqual(renumbered, cli('parent', 'show', parentId));
assert.deepEqual(await call('parent_get', { id: parentId }), cli('parent', 'show', parentId));
assert.deepEqual(await call('parent_list', {}), cli('parent', 'list'));

// task_transform: extract a subtask, adopt it back (Scopecraft never implemented adopt).
const extracted = await call('task_transform', { id: pick.slice(3), parent_id: parentId, operation: 'extract' });
assert.equal(extracted.metadata.parentTask, undefined);
assert.deepEqual(extracted, cli('task', 'get', extracted.metadata.id));
const adopted = await call('task_transform', {
  id: extracted.metadata.id, operation: 'adopt', target_parent_id: parentId, sequence: '09',
});
assert.equal(adopted.metadata.parentTask, parentId);
assert.equal(adopted.metadata.sequenceNumber, '09');
assert.deepEqual(adopted, cli('task', 'get', adopted.metadata.id));


// Telemetry: the events the calls above recorded, as `sc events list` shows them, with the
// MCP client as their actor; a call's trace context is the parent of its spans.
const events = await call('events_list', { limit: 1000 });
assert.deepEqual(events, cli('events', 'list'));
assert.ok(events.length >= 8, `only ${events.length} events`);
const created = events.find((event) => event.type === 'TaskCreated');
assert.equal(created.meta.actor, 'mcp:sc-mcp-check');
const firstPage = await client.callTool({ name: 'events_list', arguments: { limit: 2 } });
assert.equal(firstPage.structuredContent.data.length, 2);
assert.ok(firstPage.structuredContent.nextCursor);
const secondPage = await call('events_list', { limit: 2, cursor: firstPage.structuredContent.nextCursor });
assert.deepEqual(secondPage, events.slice(2, 4));

const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
await call('task_create', { title: 'Traced task', type: 'chore' }, { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
// The server stores its spans and metrics once the client has been idle for 10 ms (docs/mcp.md):
// a reader in another process waits for them.
async function eventually(what, probe) {
  // Over HTTP the network server's batch processor writes spans every few seconds.
  for (let attempt = 0; attempt < (httpServer ? 1200 : 200); attempt += 1) {
    let value;
    try { value = probe(); } catch { value = undefined; }
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  assert.fail(`timed out waiting for ${what}`);
}
const trace = await eventually('the traced call in sc traces show', () => {
  const shownTrace = cli('traces', 'show', traceId);
  return shownTrace.spans.some((span) => span.name === 'tools/call task_create') ? shownTrace : undefined;
});
const serverSpan = trace.spans.find((span) => span.name === 'tools/call task_create');
assert.ok(serverSpan, `no MCP span in ${JSON.stringify(trace).slice(0, 400)}`);
assert.equal(serverSpan.kind, 2); // SERVER
assert.equal(serverSpan.parent_span_id, '00f067aa0ba902b7'); // the client's span, from _meta.traceparent
assert.equal(serverSpan.attributes['mcp.method.name'], 'tools/call');
assert.equal(serverSpan.attributes['gen_ai.tool.name'], 'task_create');
assert.equal(serverSpan.attributes['mcp.protocol.version'], '2025-11-25');
assert.ok(serverSpan.attributes['mcp.session.id']);
assert.ok(serverSpan.attributes['jsonrpc.request.id']);
const taskSpan = trace.spans.find((span) => span.name === 'task.create');
assert.equal(taskSpan?.parent_span_id, serverSpan.span_id, 'task.create is not beneath the MCP span');
const shown = await call('traces_show', { trace_id: traceId });
assert.deepEqual(shown, cli('traces', 'show', traceId));
if (httpServer) {
  await eventually('the server\'s first metric export', () => {
    try { return cli('metrics', 'mcp.server.operation.duration').length > 0; } catch { return false; }
  });
}
const durations = await call('metrics', { name: 'mcp.server.operation.duration' });
// The CLI sees one more request than the answer did: the metrics call itself.
if (!httpServer) { // over HTTP the metric is the server's, exported on its own schedule
  await eventually('the metrics call itself in sc metrics',
    () => cli('metrics', 'mcp.server.operation.duration')[0].count === durations[0].count + 1);
}
assert.ok(durations.some((metric) => metric.name === 'mcp.server.operation.duration'), JSON.stringify(durations));
await call('task_history', { id: loginId });
await call('telemetry_status', {});
await call('events_replay_verify', {});

// Cancellation: a listing of 4,000 files is stopped by the client's notifications/cancelled
// (sent when the SDK's request is aborted, here at its first progress notification); the
// server goes on serving, and the call's span ends as cancelled.
const tasksFolder = path.dirname(cli('task', 'get', loginId).metadata.path);
for (let i = 0; i < 4000; i += 1) {
  fs.writeFileSync(path.join(tasksFolder, `bulk-${String(i).padStart(4, '0')}-12A.task.md`),
    `# Bulk ${i}\n\n---\ntype: chore\nstatus: todo\narea: general\n---\n\n\n## Instruction\nWords.\n`);
}
await call('task_get', { id: loginId }); // records the 4,000 new files first
// Progress: a call that carries a progress token hears how far the listing is. (The SDK drops
// a notification that arrives in the same chunk as the response: no claim on the last one.)
const progressSeen = [];
await call('task_list', { task_type: 'all', include_completed: true, include_content: true }, undefined,
  { onprogress: (progress) => progressSeen.push(progress) });
assert.ok(progressSeen.length >= 1, 'no progress notification');
for (let i = 1; i < progressSeen.length; i += 1) assert.ok(progressSeen[i].progress > progressSeen[i - 1].progress);
assert.ok(progressSeen.every((progress) => progress.total > 0 && progress.progress < progress.total), JSON.stringify(progressSeen));
// The listing above left every file in the listing cache, and a listing from it is over before
// a cancellation can arrive: the files change (recorded by a task_get), so the one below reads
// them all again, as long as the first listing.
for (let i = 0; i < 4000; i += 1) {
  fs.writeFileSync(path.join(tasksFolder, `bulk-${String(i).padStart(4, '0')}-12A.task.md`),
    `# Bulk ${i}\n\n---\ntype: chore\nstatus: todo\narea: general\n---\n\n\n## Instruction\nWords, rewritten.\n`);
}
await call('task_get', { id: loginId });
const controller = new AbortController();
await assert.rejects(client.callTool({ name: 'task_list', arguments: { include_content: true } }, undefined,
  { signal: controller.signal, timeout: 120000, onprogress: () => controller.abort(new Error('enough')) }));
await client.ping();
// Over stdio the call's span is the root of its trace; over HTTP it is beneath the HTTP
// server's span of the POST that carried it.
const cancelledSpan = await eventually('the cancelled call in sc traces list --errors', () => {
  for (const listed of cli('traces', 'list', '--errors')) {
    const span = cli('traces', 'show', listed.trace_id).spans.find((shown) => shown.name === 'tools/call task_list');
    if (span) return span;
  }
  return undefined;
});
if (httpServer) assert.equal(cancelledSpan.attributes['network.transport'], 'tcp');
assert.equal(cancelledSpan.attributes['error.type'], 'cancelled', JSON.stringify(cancelledSpan));

// Failures are tool results with isError, and the server keeps serving.
const missing = await client.callTool({ name: 'task_get', arguments: { id: 'no-such-task-11A' } });
assert.equal(missing.isError, true);
// search: Scopecraft's parameters, answered with structuredContent that fits the outputSchema
// (call() checks it) and equals `sc search ... --format json`.
const found = await call('search', { query: 'login', types: ['task'], filters: { workflow_state: ['current'] }, limit: 10 });
assert.ok(found.length >= 1, JSON.stringify(found));
assert.equal(found[0].id, loginId);
assert.match(found[0].excerpt, /\*\*[Ll]ogin\*\*/);
// Scores move as telemetry is indexed between the two calls (BM25 counts every document).
const unscored = (hits) => hits.map(({ score, ...rest }) => rest);
assert.deepEqual(unscored(found), unscored(cli('search', 'login', '--type', 'task', '--location', 'current', '--limit', '10')));
const browsed = await call('search', { filters: { status: ['todo'] }, types: ['task'] });
assert.ok(browsed.every((hit) => hit.status === 'todo'), JSON.stringify(browsed));
const reindexed = await call('search_reindex', {});
assert.equal(reindexed.rebuilt, true);
assert.equal(typeof reindexed.seconds, 'number');
const badQuery = await client.callTool({ name: 'search', arguments: { query: 'x'.repeat(5000) } });
assert.equal(badQuery.isError, true);
assert.match(badQuery.content[0].text, /a query may have at most 4096/);
// Environments and agent sessions (issue 17): in the project's git repository, the CLI
// dispatches a stand-in agent twice (one success, one failure), and the tools answer what
// `sc env list`, `sc sessions list|show|stats` print.
const dispatchedId = (await call('task_create', { title: 'Dispatched task', type: 'chore' })).metadata.id;
const dispatch = (agent) => spawnSync(sc, ['dispatch', dispatchedId, '--exec', 'foreground'],
  { cwd: project, env: { ...env, SCOPECRAFT_AGENT: agent } });
assert.equal(dispatch('/bin/true').status, 0);
assert.equal(dispatch("sh -c 'exit 3'").status, 1);
const environments = await call('env_list', {});
assert.deepEqual(environments, cli('env', 'list'));
assert.equal(environments.length, 1);
assert.equal(environments[0].taskId, dispatchedId);
const sessions = await call('sessions_list', {});
assert.deepEqual(sessions, cli('sessions', 'list'));
assert.deepEqual(sessions.map((session) => session.outcome), ['success', 'failure']);
const failed = await call('sessions_show', { id: sessions[1].id });
assert.deepEqual(failed, cli('sessions', 'show', sessions[1].id));
const stats = await call('sessions_stats', {});
assert.deepEqual(stats, cli('sessions', 'stats'));
assert.equal(stats.sessions, 2);
const missingSession = await client.callTool({ name: 'sessions_show', arguments: { id: 'no-such-session' } });
assert.equal(missingSession.isError, true);

await client.ping();
const deleted = await call('task_delete', { id: loginId });
assert.deepEqual(deleted.deleted.length, 1);

if (httpServer) {
  await transport.terminateSession(); // DELETE /mcp
  await client.close();
  httpServer.kill('SIGTERM');
  await new Promise((resolve) => httpServer.on('exit', resolve));
} else {
  await client.close();
}
console.log(`mcp-js (${transportKind}): ${tools.length} tools listed, ${calls} tool calls checked against the CLI and their outputSchema`);
