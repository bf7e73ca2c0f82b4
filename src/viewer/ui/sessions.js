// Sessions: the list (sort, filter, totals) from `sc sessions list`, and one session with its
// facts (`sc sessions show`) and a timeline in lanes drawn from its trace's spans and the domain
// events that trace caused, every item linked to its span.
import { h, text, message, formatMs, shortTime } from './dom.js';
import { get, ApiError } from './api.js';
import { link, replaceState } from './app.js';

const COLUMNS = [['id', 'Session'], ['taskId', 'Task'], ['exec', 'Agent'], ['outcome', 'Outcome'], ['durationMs', 'Duration'],
  ['toolsUsed', 'Tools'], ['toolsFailed', 'Failed'], ['tokens', 'Tokens'], ['costUsd', 'Cost']];

export async function sessionsView(main, _arg, params) {
  const answer = await get('sessions', { limit: 1000 });
  const sort = params.sort || '';
  const descending = params.desc === '1';
  const filter = h('input', { type: 'text', value: params.filter || '', placeholder: 'task, agent, outcome contains', 'data-testid': 'session-filter' });
  main.appendChild(h('div', { class: 'toolbar' }, h('strong', {}, 'Sessions'), filter));
  if (!answer.data.length) { main.appendChild(message('No sessions yet: `sc dispatch TASK` starts one.')); return; }
  const body = h('tbody', {});
  const totals = h('tfoot', {});
  const header = h('tr', {}, COLUMNS.map(([key, title]) => h('th', { class: key === 'id' || key === 'taskId' || key === 'exec' || key === 'outcome' ? '' : 'num', style: { cursor: 'pointer' },
    onclick: () => { location.hash = link('sessions', { sort: key, desc: sort === key && !descending ? '1' : '', filter: filter.value }); } },
    title, sort === key ? (descending ? ' ▼' : ' ▲') : '')));
  main.appendChild(h('table', { 'data-testid': 'session-list' }, h('thead', {}, header), body, totals));
  const render = () => {
    const needle = filter.value.toLowerCase();
    let rows = answer.data.filter((row) => !needle || `${row.id} ${row.taskId} ${row.exec} ${row.outcome || row.state}`.toLowerCase().includes(needle));
    if (sort) rows = [...rows].sort((a, b) => ((a[sort] ?? -Infinity) < (b[sort] ?? -Infinity) ? -1 : (a[sort] ?? -Infinity) > (b[sort] ?? -Infinity) ? 1 : 0) * (descending ? -1 : 1));
    body.replaceChildren(...rows.map((row) => h('tr', { 'data-testid': 'session-row', class: row.outcome && row.outcome !== 'success' ? 'error' : '' },
      h('td', {}, h('a', { href: link(`session/${row.id}`) }, row.id)), h('td', {}, h('a', { href: link(`task/${row.taskId}`) }, row.taskId)),
      h('td', {}, row.exec), h('td', { class: row.outcome === 'success' ? 'ok' : row.outcome ? 'err' : 'muted' }, row.outcome || row.state),
      h('td', { class: 'num' }, formatMs(row.durationMs)), h('td', { class: 'num' }, row.toolsUsed), h('td', { class: 'num' }, row.toolsFailed),
      h('td', { class: 'num' }, row.tokens), h('td', { class: 'num' }, row.costUsd === null || row.costUsd === undefined ? '' : `$${row.costUsd.toFixed(4)}`))));
    const sum = (key) => rows.reduce((n, row) => n + (row[key] || 0), 0);
    totals.replaceChildren(h('tr', { 'data-testid': 'session-totals' }, h('th', {}, `${rows.length} sessions`), h('th', {}), h('th', {}),
      h('th', {}, `${rows.filter((row) => row.outcome === 'success').length} succeeded`), h('th', { class: 'num' }, formatMs(sum('durationMs'))),
      h('th', { class: 'num' }, sum('toolsUsed')), h('th', { class: 'num' }, sum('toolsFailed')), h('th', { class: 'num' }, sum('tokens')),
      h('th', { class: 'num' }, `$${sum('costUsd').toFixed(4)}`)));
  };
  filter.addEventListener('input', () => { render(); replaceState('sessions', { sort, desc: descending ? '1' : '', filter: filter.value }); });
  render();
}

function lane(span, attributes) {
  if (attributes['gen_ai.tool.name'] || /tool/i.test(span.name)) return 'tool calls';
  if (attributes['gen_ai.operation.name'] || attributes['gen_ai.request.model'] || /^(chat|claude|agent)/i.test(span.name)) return 'agent requests';
  if (span.name.startsWith('sc ')) return 'sc operations';
  return 'other spans';
}

export async function sessionView(main, id) {
  let session;
  try {
    session = (await get('session', { id })).data;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) { main.appendChild(message(`Session ${id} is not in the store: it never ran here, or it was pruned.`, true)); return; }
    throw error;
  }
  main.appendChild(h('h2', { 'data-testid': 'session-title' }, `Session ${id}`, ' ', h('span', { class: session.outcome === 'success' ? 'ok' : 'err' }, session.outcome || session.state)));
  const facts = [['task', h('a', { href: link(`task/${session.taskId}`) }, session.taskId)], ['agent', session.exec], ['model', session.model], ['environment', session.envId],
    ['started', shortTime(session.started)], ['duration', formatMs(session.durationMs)], ['tools', `${session.toolsUsed} used, ${session.toolsFailed} failed`],
    ['tokens', session.tokens], ['cost', session.costUsd === null ? '' : `$${session.costUsd}`],
    ['trace', session.traceId ? h('a', { href: link(`trace/${session.traceId}`), 'data-testid': 'session-trace' }, session.traceId) : 'none']];
  main.appendChild(h('table', { class: 'attrs', 'data-testid': 'session-facts' }, h('tbody', {}, facts.map(([k, v]) => h('tr', {}, h('td', {}, k), h('td', {}, v))))));
  if (!session.traceId) return;
  let spans = [];
  try { spans = (await get('trace', { id: session.traceId })).data.spans; } catch (error) { main.appendChild(message(`The session's trace is not in the store: ${error.message}`)); return; }
  const events = (await get('events', { trace: session.traceId, limit: 1000 })).data;
  const seconds = (s) => Date.parse(s.slice(0, 19) + 'Z') / 1000 + (s.length > 20 ? parseFloat('0' + s.slice(19, -1)) : 0);
  const start = Math.min(...spans.map((s) => seconds(s.start)));
  const end = Math.max(...spans.map((s) => seconds(s.end)), start + 1e-3);
  const lanes = ['agent requests', 'tool calls', 'task and worktree events', 'sc operations', 'other spans'];
  const width = 1000, laneHeight = 26, left = 170;
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${lanes.length * laneHeight + 10}`);
  svg.setAttribute('width', '100%');
  svg.setAttribute('data-testid', 'session-timeline');
  const x = (t) => left + ((t - start) / (end - start)) * (width - left - 10);
  const add = (parent, tag, attributes, title) => {
    const node = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, v);
    if (title !== undefined) { const t = document.createElementNS(ns, 'title'); t.textContent = title; node.appendChild(t); }
    parent.appendChild(node);
    return node;
  };
  lanes.forEach((name, index) => { const label = add(svg, 'text', { x: 4, y: index * laneHeight + 18, 'font-size': 12 }); label.textContent = name; });
  for (const span of spans) {
    const index = lanes.indexOf(lane(span, span.attributes));
    const anchor = add(svg, 'a', { href: link(`trace/${session.traceId}`, { span: span.span_id }), 'data-testid': 'timeline-item' });
    add(anchor, 'rect', { x: x(seconds(span.start)), y: index * laneHeight + 6, width: Math.max(x(seconds(span.end)) - x(seconds(span.start)), 2), height: 14,
      fill: span.status === 'error' ? '#c62828' : '#4a7fd4' }, `${span.name}: ${formatMs(span.duration_ms)}${span.status === 'error' ? ' ✗' : ' ✓'}`);
  }
  for (const event of events) {
    const cx = x(seconds(event.time)), cy = 2 * laneHeight + 13;
    const anchor = add(svg, 'a', { href: event.meta && event.meta.span_id ? link(`trace/${session.traceId}`, { span: event.meta.span_id }) : link(`task/${(event.data && event.data.taskId) || ''}`), 'data-testid': 'timeline-event' });
    add(anchor, 'path', { d: `M${cx} ${cy - 7} L${cx + 7} ${cy} L${cx} ${cy + 7} L${cx - 7} ${cy} Z`, fill: '#8a5cd0' }, `${event.type} ${text(event.stream)}`);
  }
  main.appendChild(h('h3', {}, `Timeline (${spans.length} spans, ${events.length} events)`));
  main.appendChild(svg);
  await costLine(main, session, seconds, start, end);
}

// The running cost: the agent's api_request log records (their cost_usd, as the session bridge
// reads them) added up over the session, drawn as a step line under the timeline.
async function costLine(main, session, seconds, start, end) {
  const key = session.agentSessionId || session.id;
  const answer = await get('logs', { grep: key, limit: 1000 });
  const requests = answer.data.filter((record) => {
    const attributes = record.attributes || {};
    const name = String(attributes['event.name'] || record.body || '').replace(/^claude_code\./, '');
    return name === 'api_request' && typeof attributes.cost_usd === 'number' &&
      (attributes['session.id'] === key || attributes['scopecraft.session.id'] === session.id);
  }).sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  main.appendChild(h('h3', {}, 'Running cost'));
  if (!requests.length) {
    main.appendChild(h('p', { class: 'muted', 'data-testid': 'session-cost' }, 'No per-request cost was recorded for this session.'));
    return;
  }
  let total = 0;
  const points = requests.map((record) => { total += record.attributes.cost_usd; return { t: seconds(record.time), total, record }; });
  const first = Math.min(start, points[0].t), last = Math.max(end, points[points.length - 1].t, first + 1e-3);
  const width = 1000, height = 80, left = 170, ns = 'http://www.w3.org/2000/svg';
  const x = (t) => left + ((t - first) / (last - first)) * (width - left - 10);
  const y = (value) => height - 6 - (value / total) * (height - 16);
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('width', '100%');
  svg.setAttribute('data-testid', 'session-cost-line');
  let path = `M${x(first)} ${y(0)}`;
  for (const point of points) path += ` L${x(point.t)} ${y(point.total - point.record.attributes.cost_usd)} L${x(point.t)} ${y(point.total)}`;
  path += ` L${x(last)} ${y(total)}`;
  const line = document.createElementNS(ns, 'path');
  line.setAttribute('d', path);
  line.setAttribute('fill', 'none');
  line.setAttribute('stroke', '#2e7d32');
  line.setAttribute('stroke-width', '2');
  svg.appendChild(line);
  const label = document.createElementNS(ns, 'text');
  label.setAttribute('x', 4);
  label.setAttribute('y', 18);
  label.setAttribute('font-size', 12);
  label.textContent = `$${total.toFixed(4)}`;
  svg.appendChild(label);
  for (const point of points) {
    const dot = document.createElementNS(ns, 'circle');
    dot.setAttribute('cx', x(point.t));
    dot.setAttribute('cy', y(point.total));
    dot.setAttribute('r', 4);
    dot.setAttribute('fill', '#2e7d32');
    const title = document.createElementNS(ns, 'title');
    title.textContent = `${shortTime(point.record.time)}: +$${point.record.attributes.cost_usd} (${text(point.record.attributes.model || '')}), $${point.total.toFixed(4)} so far`;
    dot.appendChild(title);
    svg.appendChild(dot);
  }
  const recorded = session.costUsd === null || session.costUsd === undefined ? '' : ` (the session's cost: $${Number(session.costUsd).toFixed(4)})`;
  main.appendChild(h('p', { 'data-testid': 'session-cost' },
    `$${total.toFixed(4)} after ${requests.length} ${requests.length === 1 ? 'request' : 'requests'}${recorded}`));
  main.appendChild(svg);
}
