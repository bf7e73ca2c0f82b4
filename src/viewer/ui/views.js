// Logs, Task (events beside their traces, with an "as of" slider rebuilt from events), Now (the
// live tail over Server-Sent Events) and Metrics (the business board, SVG drawn here).
import { h, clear, text, message, formatMs, shortTime } from './dom.js';
import { get } from './api.js';
import { link, replaceState } from './app.js';
import { logTable } from './traces.js';

export async function logsView(main, _arg, params) {
  const severity = h('select', { 'data-testid': 'log-severity' }, ['', 'debug', 'info', 'warn', 'error'].map((level) =>
    h('option', { value: level, selected: level === (params.severity || '') }, level || 'any severity')));
  const grep = h('input', { type: 'text', value: params.grep || '', placeholder: 'text in body or attributes', 'data-testid': 'log-grep' });
  main.appendChild(h('form', { class: 'toolbar', onsubmit: (event) => { event.preventDefault(); location.hash = link('logs', { severity: severity.value, grep: grep.value, trace: params.trace }); } },
    h('strong', {}, 'Logs'), severity, grep, h('button', {}, 'Filter'), params.trace ? h('span', { class: 'muted' }, `trace ${params.trace}`) : null));
  const answer = await get('logs', { severity: params.severity, grep: params.grep, trace: params.trace, limit: 200, cursor: params.cursor });
  for (const warning of answer.warnings || []) main.appendChild(message(warning));
  main.appendChild(logTable(answer.data));
  main.appendChild(h('p', { class: 'muted', 'data-testid': 'log-count' }, `${answer.data.length} of ${answer.total} records (newest first)`,
    answer.nextCursor ? h('a', { href: link('logs', { ...params, cursor: answer.nextCursor }), style: { marginLeft: '10px' } }, 'older') : null));
}

function eventSummary(event) {
  const data = event.data || {};
  const parts = [];
  for (const field of data.fields || []) parts.push(`${field.field}=${text(field.new, 80)}`);
  if (data.title) parts.push(text(data.title, 80));
  if (!parts.length && data.taskId) parts.push(data.taskId);
  return parts.join(', ');
}

export async function taskView(main, id, params) {
  if (!id) {
    const created = await get('events', { type: 'TaskCreated', limit: 1000 });
    main.appendChild(h('h2', {}, 'Tasks with events'));
    if (!created.data.length) { main.appendChild(message('No task events yet.')); return; }
    main.appendChild(h('ul', { 'data-testid': 'task-list' }, created.data.map((event) => {
      const taskId = (event.data && event.data.taskId) || event.stream.replace(/^task:/, '');
      return h('li', {}, h('a', { href: link(`task/${taskId}`) }, taskId), ' ', h('span', { class: 'muted' }, shortTime(event.time)));
    })));
    return;
  }
  let history;
  try {
    history = await get('task', { id, limit: 1000 });
  } catch (error) {
    main.appendChild(message(`${error.message}${error.hint ? '\n' + error.hint : ''}`, true));
    return;
  }
  const events = history.data;
  main.appendChild(h('h2', { 'data-testid': 'task-title' }, `Task ${id}`, h('span', { class: 'muted' }, ` · ${events.length} events`)));
  const traces = await get('traces', { q: `task:${id}`, limit: 100 });
  const eventTable = h('table', { 'data-testid': 'task-events' }, h('thead', {}, h('tr', {}, h('th', {}, 'Time'), h('th', {}, 'Event'), h('th', {}, 'What changed'), h('th', {}, 'Caused by'))),
    h('tbody', {}, events.map((event, index) => h('tr', { 'data-index': index },
      h('td', {}, shortTime(event.time)), h('td', {}, event.type), h('td', {}, eventSummary(event)),
      h('td', {}, event.meta && event.meta.trace_id ? h('a', { href: link(`trace/${event.meta.trace_id}`, { span: event.meta.span_id }), 'data-testid': 'event-trace' }, event.meta.trace_id.slice(0, 8)) : h('span', { class: 'muted' }, 'no trace'))))));
  const traceTable = h('table', { 'data-testid': 'task-traces' }, h('thead', {}, h('tr', {}, h('th', {}, 'Trace'), h('th', {}, 'Start'), h('th', { class: 'num' }, 'Duration'))),
    h('tbody', {}, traces.data.map((row) => h('tr', { class: row.errors ? 'error' : '' },
      h('td', {}, h('a', { href: link(`trace/${row.trace_id}`) }, row.root)), h('td', {}, shortTime(row.start)), h('td', { class: 'num' }, formatMs(row.duration_ms))))));
  main.appendChild(h('div', { class: 'cols' }, h('div', {}, h('h3', {}, 'Domain events'), eventTable), h('div', {}, h('h3', {}, 'Traces of this task'), traceTable)));

  // "As of": the task's file rebuilt from the events up to the chosen one.
  const at = params.asof !== undefined ? Math.min(Number(params.asof), events.length - 1) : events.length - 1;
  const slider = h('input', { type: 'range', min: 0, max: events.length - 1, value: at, 'data-testid': 'asof-slider', style: { width: '60%' } });
  const label = h('span', { 'data-testid': 'asof-label' });
  const state = h('div', { 'data-testid': 'asof-state' });
  main.appendChild(h('h3', {}, 'As of'));
  main.appendChild(h('div', { class: 'toolbar' }, slider, label));
  main.appendChild(state);
  async function show() {
    const index = Number(slider.value);
    const event = events[index];
    label.textContent = `after event ${index + 1} of ${events.length}: ${event.type} at ${shortTime(event.time)}`;
    for (const row of eventTable.tBodies[0].rows) row.classList.toggle('selected', Number(row.dataset.index) > index);
    replaceState(`task/${id}`, { asof: index });
    const answer = await get('task/state', { id, as_of: event.time });
    if (!answer.data.files.length) { state.replaceChildren(message('The task has no file at that moment (deleted, or not created yet).')); return; }
    state.replaceChildren(...answer.data.files.map((file) => {
      const status = /^status:\s*(.*)$/m.exec(file.content);
      return h('div', {}, h('p', {}, h('strong', {}, 'status: '), h('span', { 'data-testid': 'asof-status' }, status ? status[1] : '(none)'), h('span', { class: 'muted' }, `  ${file.path}`)), h('pre', {}, text(file.content, 20000)));
    }));
  }
  slider.addEventListener('change', show);
  await show();
}

export async function nowView(main, _arg, params) {
  const filter = h('input', { type: 'text', value: params.filter || '', placeholder: 'event type, span, service or text contains', 'data-testid': 'live-filter' });
  const pause = h('button', { 'data-testid': 'live-pause' }, 'Pause');
  const status = h('span', { class: 'muted', 'data-testid': 'live-status' }, 'connecting…');
  const feed = h('table', { class: 'feed', 'data-testid': 'live-feed' }, h('tbody', {}));
  // The running sessions on top, read again when a session event arrives and every 5 s.
  const running = h('div', { 'data-testid': 'running-sessions' });
  main.appendChild(running);
  main.appendChild(h('div', { class: 'toolbar' }, h('strong', {}, 'Now'), filter, pause, status));
  main.appendChild(feed);
  async function loadRunning() {
    let answer;
    try { answer = await get('sessions', { state: 'running', limit: 100 }); } catch (error) { running.replaceChildren(message(error.message, true)); return; }
    const rows = answer.data;
    running.replaceChildren(h('h3', { 'data-testid': 'running-title' }, rows.length ? `Running sessions (${rows.length})` : 'No session running'),
      rows.length ? h('table', {}, h('thead', {}, h('tr', {}, ['Session', 'Task', 'Agent', 'Model', 'Started', 'Running for'].map((title) => h('th', {}, title)))),
        h('tbody', {}, rows.map((row) => h('tr', { 'data-testid': 'running-session' },
          h('td', {}, h('a', { href: link(`session/${row.id}`) }, row.id)), h('td', {}, h('a', { href: link(`task/${row.taskId}`) }, row.taskId)),
          h('td', {}, row.exec), h('td', {}, row.model || ''), h('td', {}, row.started ? shortTime(row.started) : ''),
          h('td', { class: 'num' }, row.started ? formatMs(Date.now() - Date.parse(row.started)) : ''))))) : null);
  }
  const timer = setInterval(loadRunning, 5000);
  await loadRunning();
  let paused = false;
  let held = [];
  let heldEvents = 0;
  let position = params.after;
  const matches = (row) => !filter.value || row.dataset.text.toLowerCase().includes(filter.value.toLowerCase());
  const place = (row, text) => {
    row.dataset.text = text;
    row.hidden = !matches(row);
    feed.tBodies[0].prepend(row);
  };
  const add = (event) => place(h('tr', { 'data-testid': 'live-event', 'data-type': event.type },
    h('td', {}, shortTime(event.time)), h('td', {}, event.type),
    h('td', {}, event.data && event.data.taskId ? h('a', { href: link(`task/${event.data.taskId}`) }, event.data.taskId) : text(event.stream)),
    h('td', {}, eventSummary(event)),
    h('td', {}, event.meta && event.meta.trace_id ? h('a', { href: link(`trace/${event.meta.trace_id}`, { span: event.meta.span_id }) }, 'trace') : '')),
  `${event.type} ${event.stream} ${JSON.stringify(event.data || {})}`);
  const addSpan = (span) => place(h('tr', { 'data-testid': 'live-span', 'data-type': 'span', class: span.status === 'error' ? 'error' : '' },
    h('td', {}, shortTime(span.end)), h('td', { class: span.status === 'error' ? 'err' : 'muted' }, span.status === 'error' ? 'span failed' : 'span end'),
    h('td', {}, text(span.service, 60)),
    h('td', {}, text(span.name, 200), ' ', h('span', { class: 'muted' }, formatMs(span.duration_ms)), span.status === 'error' ? h('span', { class: 'err' }, ` ✗ ${text(span.status_message, 200)}`) : ''),
    h('td', {}, h('a', { href: link(`trace/${span.trace_id}`, { span: span.span_id }) }, 'span'))),
  `span ${span.name} ${span.service} ${span.status}`);
  const addWarning = (record) => place(h('tr', { 'data-testid': 'live-warning', 'data-type': 'warning', class: record.severity_number >= 17 ? 'error' : '' },
    h('td', {}, shortTime(record.time)), h('td', { class: 'err' }, text(record.severity, 20)), h('td', {}, text(record.service, 60)),
    h('td', {}, text(record.body, 500)),
    h('td', {}, record.trace_id ? h('a', { href: link(`trace/${record.trace_id}`, { span: record.span_id }) }, 'span') : '')),
  `warning ${record.severity} ${record.service} ${record.body}`);
  const showStatus = () => {
    const others = held.length - heldEvents;
    status.textContent = paused ? (held.length ? `paused (${heldEvents} new${others ? `, ${others} span ends and warnings` : ''})` : 'paused')
      : `live from position ${position}`;
  };
  filter.addEventListener('input', () => {
    for (const row of feed.tBodies[0].rows) row.hidden = !matches(row);
    replaceState('now', { after: position, filter: filter.value });
  });
  pause.addEventListener('click', () => {
    paused = !paused;
    pause.textContent = paused ? 'Resume' : 'Pause';
    if (!paused) { held.forEach((show) => show()); held = []; heldEvents = 0; }
    showStatus();
  });
  const source = new EventSource(`/ui/api/stream${position ? `?after=${encodeURIComponent(position)}` : ''}`);
  const moved = (id) => { position = id; replaceState('now', { after: position, filter: filter.value }); };
  const arrive = (message, show, isEvent) => {
    moved(message.lastEventId);
    if (paused) { held.push(show); heldEvents += isEvent ? 1 : 0; } else show();
    showStatus();
  };
  source.addEventListener('position', (message) => { moved(message.lastEventId); showStatus(); });
  source.addEventListener('event', (message) => {
    const event = JSON.parse(message.data);
    arrive(message, () => add(event), true);
    if (event.type.startsWith('Session')) loadRunning();
  });
  source.addEventListener('span', (message) => { const span = JSON.parse(message.data); arrive(message, () => addSpan(span), false); });
  source.addEventListener('warning', (message) => { const record = JSON.parse(message.data); arrive(message, () => addWarning(record), false); });
  source.addEventListener('skipped', (message) => {
    const count = JSON.parse(message.data).count;
    arrive(message, () => place(h('tr', { 'data-testid': 'live-skipped' }, h('td', { colspan: 5, class: 'muted' }, `${count} more span ends and warnings not shown`)), 'skipped'), false);
  });
  source.addEventListener('open', () => { if (!paused && position !== undefined) showStatus(); });
  // Each answer of the stream ends (a long poll) and EventSource reconnects at once with
  // Last-Event-ID, firing 'error' every time: only a closed source is worth saying.
  source.addEventListener('error', () => {
    if (source.readyState === EventSource.CLOSED) status.textContent = `disconnected at position ${position}: reload to resume`;
  });
  return () => { source.close(); clearInterval(timer); };
}
