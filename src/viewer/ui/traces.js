// Traces: the list (with the filter language of `sc traces list --where`) and one trace as a
// virtualized waterfall with collapse, keyboard navigation, search, error paging, pinned
// attribute pills and a span detail with its Activity (correlated logs and domain events).
import { h, clear, text, message, formatMs, shortTime } from './dom.js';
import { get, getText, ApiError } from './api.js';
import { files, link, replaceState } from './app.js';

const ROW = 22;
const DEFAULT_PINS = ['scopecraft.task.id', 'gen_ai.request.model', 'http.response.status_code'];

function fileOf(params) {
  if (!params.file) return null;
  const data = files.get(params.file);
  if (!data) throw new Error(`The file "${params.file}" is no longer open (files are not stored): open or drop it again.`);
  return data;
}

export async function tracesView(main, _arg, params) {
  const file = fileOf(params);
  const input = h('input', { type: 'text', value: params.q || '', placeholder: 'name:task service:sc status:error dur>2s attr.KEY=VALUE task:ID session:ID', 'data-testid': 'trace-filter' });
  const form = h('form', { class: 'toolbar', onsubmit: (event) => { event.preventDefault(); location.hash = link('traces', { q: input.value, file: params.file }); } },
    h('strong', {}, file ? `Traces in ${file.name}` : 'Traces'), file ? null : input, file ? null : h('button', {}, 'Filter'));
  main.appendChild(form);
  let rows, total, next;
  if (file) {
    for (const problem of file.problems) main.appendChild(message(problem.message, true));
    rows = file.traces;
    total = rows.length;
    main.appendChild(h('p', { class: 'muted', 'data-testid': 'file-summary' },
      `${file.format === 'jaeger' ? 'Jaeger JSON' : 'JSON Lines'}: ${file.traces.length} traces, ${file.logs.length} log records, ${file.events.length} events, ${file.metric_points} metric points (not stored)`));
  } else {
    const answer = await get('traces', { q: params.q, limit: params.limit || 50, cursor: params.cursor });
    rows = answer.data;
    total = answer.total;
    next = answer.nextCursor;
    for (const warning of answer.warnings || []) main.appendChild(message(warning));
  }
  if (!rows.length) {
    main.appendChild(message(params.q ? `No trace matches "${params.q}".` : 'No traces yet: run an sc command with telemetry on.'));
    return;
  }
  const table = h('table', { 'data-testid': 'trace-list' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Root'), h('th', {}, 'Service'), h('th', {}, 'Start'), h('th', { class: 'num' }, 'Duration'), h('th', { class: 'num' }, 'Spans'), h('th', { class: 'num' }, 'Errors'), h('th', {}, 'Trace'))),
    h('tbody', {}, rows.map((row) => h('tr', { class: row.errors ? 'error' : '', 'data-testid': 'trace-row' },
      h('td', {}, h('a', { href: link(`trace/${row.trace_id}`, { file: params.file }) }, row.root || '(no root)')),
      h('td', {}, row.service), h('td', {}, shortTime(row.start)), h('td', { class: 'num' }, formatMs(row.duration_ms)),
      h('td', { class: 'num' }, row.spans), h('td', { class: 'num' + (row.errors ? ' err' : '') }, row.errors),
      h('td', { class: 'muted' }, row.trace_id.slice(0, 8))))));
  main.appendChild(table);
  main.appendChild(h('p', { class: 'muted', 'data-testid': 'trace-count' }, `${rows.length} of ${total} traces`,
    next ? h('a', { href: link('traces', { q: params.q, cursor: next }), 'data-testid': 'next-page', style: { marginLeft: '10px' } }, 'next page') : null));
}

// RFC 3339 with nanoseconds -> milliseconds since `base` seconds, without losing precision.
function timeMs(rfc3339, baseSeconds) {
  const seconds = Date.parse(rfc3339.slice(0, 19) + 'Z') / 1000;
  const fraction = rfc3339.length > 20 ? parseFloat('0' + rfc3339.slice(19, -1)) : 0;
  return (seconds - baseSeconds) * 1000 + fraction * 1000;
}

export async function traceView(main, id, params) {
  const file = fileOf(params);
  let spans;
  let partial = '';
  if (file) {
    spans = file.spans[id];
    if (!spans) throw new Error(`Trace ${id} is not in ${file.name}.`);
  } else {
    try {
      const answer = await get('trace', { id });
      spans = answer.data.spans;
      id = answer.data.trace_id;
      if (answer.nextCursor) partial = `Showing the first ${spans.length} of ${answer.total} spans.`;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        main.appendChild(message(`Trace ${id} is not in the store: it was never recorded here, or it was pruned.`, true));
        return;
      }
      throw error;
    }
  }
  const baseSeconds = Date.parse(spans[0].start.slice(0, 19) + 'Z') / 1000;
  let traceStart = Infinity, traceEnd = -Infinity;
  const rows = spans.map((span, index) => {
    const start = timeMs(span.start, baseSeconds);
    const end = start + span.duration_ms;
    traceStart = Math.min(traceStart, start);
    traceEnd = Math.max(traceEnd, end);
    return { span, index, start, end, descendants: 0, error: span.status === 'error' };
  });
  // Descendant counts: rows are depth first, so a span's descendants follow it.
  const stack = [];
  for (const row of rows) {
    while (stack.length && stack[stack.length - 1].span.depth >= row.span.depth) stack.pop();
    for (const ancestor of stack) ancestor.descendants++;
    stack.push(row);
  }
  const total = Math.max(traceEnd - traceStart, 1e-6);
  const errors = rows.filter((row) => row.error);
  const pins = (params.pins ? params.pins.split(',') : DEFAULT_PINS).slice(0, 3);
  const collapsed = new Set((params.collapsed || '').split(',').filter(Boolean));
  const state = { selected: rows.findIndex((row) => row.span.span_id === params.span), search: params.search || '', matches: [], matchAt: -1, errorAt: -1,
    critical: params.critical === '1' };
  let criticalSet = null;  // computed on first use

  const root = rows[0].span;
  const save = () => replaceState(`trace/${id}`, { file: params.file, span: state.selected >= 0 ? rows[state.selected].span.span_id : '',
    search: state.search, collapsed: [...collapsed].join(','), pins: params.pins, critical: state.critical ? '1' : '' });

  // Header and exports.
  main.appendChild(h('h2', { 'data-testid': 'trace-title' }, root.name, ' ', h('span', { class: 'muted' }, `${formatMs(total)} · ${spans.length} spans · `),
    h('span', { class: errors.length ? 'err' : 'muted', 'data-testid': 'trace-errors' }, `${errors.length} ${errors.length === 1 ? 'error' : 'errors'}`)));
  const summary = h('pre', { 'data-testid': 'text-summary', hidden: true });
  const exports = h('div', { class: 'toolbar' }, h('span', { class: 'muted' }, `trace ${id}`),
    file ? null : h('a', { href: `/ui/api/trace/export?id=${id}&format=otlp`, download: `trace-${id.slice(0, 8)}.otlp.jsonl`, 'data-testid': 'export-otlp' }, 'OTLP JSON'),
    file ? null : h('a', { href: `/ui/api/trace/export?id=${id}&format=jaeger`, download: `trace-${id.slice(0, 8)}.jaeger.json`, 'data-testid': 'export-jaeger' }, 'Jaeger JSON'),
    file ? null : h('button', { 'data-testid': 'export-text', onclick: async () => {
      summary.textContent = await getText('trace/export', { id, format: 'text' });
      summary.hidden = false;
      navigator.clipboard && navigator.clipboard.writeText(summary.textContent).catch(() => {});
    } }, 'Copy summary for an agent'),
    h('a', { href: link('traces', { file: params.file }) }, 'all traces'));
  main.appendChild(exports);
  main.appendChild(summary);
  if (partial) main.appendChild(message(partial));

  // The critical path: what the trace's end waited for (criticalPath below).
  const criticalButton = h('button', { 'data-testid': 'critical-toggle', onclick: () => { state.critical = !state.critical; showCritical(); draw(); save(); } }, 'critical path');
  const criticalSummary = h('span', { 'data-testid': 'critical-summary', class: 'muted' });

  // Search and error paging.
  const searchBox = h('input', { type: 'text', value: state.search, placeholder: 'search in trace (name, attribute, id)', 'data-testid': 'trace-search' });
  const matchCount = h('span', { 'data-testid': 'match-count', class: 'muted' });
  const errorPosition = h('span', { 'data-testid': 'error-position', class: errors.length ? 'err' : 'muted' }, errors.length ? `${errors.length} errors` : 'no errors');
  main.appendChild(h('div', { class: 'toolbar' }, searchBox, matchCount,
    h('button', { onclick: () => gotoMatch(1), 'data-testid': 'match-next' }, 'next match (n)'),
    h('button', { onclick: () => pageError(-1), 'data-testid': 'error-prev', disabled: !errors.length }, '◀ error (E)'),
    errorPosition,
    h('button', { onclick: () => pageError(1), 'data-testid': 'error-next', disabled: !errors.length }, 'error (e) ▶'),
    h('button', { onclick: () => { collapsed.clear(); refresh(); } }, 'expand all'),
    criticalButton, criticalSummary,
    h('span', { class: 'muted' }, 'keys: j/k move, h/l collapse/expand, n/N match, e/E error')));

  const scroller = h('div', { class: 'wf-scroll', tabindex: 0, 'data-testid': 'waterfall' });
  function showCritical() {
    if (state.critical && !criticalSet) criticalSet = criticalPath(rows);
    criticalButton.classList.toggle('active', state.critical);
    scroller.classList.toggle('critical-on', state.critical);
    criticalSummary.textContent = state.critical ? `critical path: ${criticalSet.size} of ${rows.length} spans` : '';
  }
  const inner = h('div', { class: 'wf-rows' });
  scroller.appendChild(inner);
  const detail = h('div', { class: 'detail', 'data-testid': 'span-detail' });
  main.appendChild(h('div', { class: 'split' }, h('div', { class: 'wf' }, scroller), detail));

  let visible = [];
  function computeVisible() {
    visible = [];
    let hideDeeperThan = Infinity;
    for (const row of rows) {
      if (row.span.depth > hideDeeperThan) continue;
      hideDeeperThan = collapsed.has(row.span.span_id) ? row.span.depth : Infinity;
      visible.push(row);
    }
    inner.style.height = `${visible.length * ROW}px`;
  }
  function matchesSearch(row) {
    const needle = state.search.toLowerCase();
    if (!needle) return false;
    const span = row.span;
    if (span.name.toLowerCase().includes(needle) || span.span_id.startsWith(needle)) return true;
    for (const [key, value] of Object.entries(span.attributes))
      if (key.toLowerCase().includes(needle) || text(value).toLowerCase().includes(needle)) return true;
    return false;
  }
  function computeMatches() {
    state.matches = state.search ? rows.filter(matchesSearch).map((row) => row.index) : [];
    state.matchAt = -1;
    matchCount.textContent = state.search ? `${state.matches.length} ${state.matches.length === 1 ? 'match' : 'matches'}` : '';
  }
  function draw() {
    const first = Math.max(0, Math.floor(scroller.scrollTop / ROW) - 10);
    const last = Math.min(visible.length, first + Math.ceil((scroller.clientHeight || 600) / ROW) + 20);
    const matchSet = new Set(state.matches);
    const nodes = [];
    for (let i = first; i < last; i++) {
      const row = visible[i];
      const span = row.span;
      const left = ((row.start - traceStart) / total) * 100;
      const width = Math.max((span.duration_ms / total) * 100, 0.1);
      const pills = pins.filter((key) => span.attributes[key] !== undefined).map((key) => h('span', { class: 'pill', title: key }, text(span.attributes[key], 40)));
      const toggle = row.descendants ? (collapsed.has(span.span_id) ? `▸` : '▾') : '';
      const critical = state.critical && criticalSet.has(row.index) ? ' critical' : '';
      nodes.push(h('div', { class: `wf-row${row.error ? ' error' : ''}${row.index === state.selected ? ' selected' : ''}${matchSet.has(row.index) ? ' match' : ''}${critical}`,
        style: { top: `${i * ROW}px` }, 'data-testid': 'span-row', 'data-span-id': span.span_id, onclick: (event) => {
          if (event.target.classList.contains('wf-toggle')) toggleCollapse(row); else select(row.index);
        } },
        h('div', { class: 'wf-name', style: { paddingLeft: `${4 + span.depth * 14}px` } },
          h('span', { class: 'wf-toggle', title: row.descendants ? `${row.descendants} spans inside` : '' }, toggle),
          span.name, collapsed.has(span.span_id) ? h('span', { class: 'muted' }, ` (+${row.descendants})`) : null, pills),
        h('div', { class: 'wf-track' }, h('div', { class: 'wf-bar', style: { left: `${left}%`, width: `${width}%` } })),
        h('div', { class: 'wf-dur' }, formatMs(span.duration_ms), row.error ? h('span', { class: 'err' }, ' ✗') : '')));
    }
    inner.replaceChildren(...nodes);
  }
  function refresh() { computeVisible(); draw(); save(); }
  function toggleCollapse(row, value) {
    if (!row.descendants) return;
    const collapse = value === undefined ? !collapsed.has(row.span.span_id) : value;
    if (collapse) collapsed.add(row.span.span_id); else collapsed.delete(row.span.span_id);
    refresh();
  }
  // Opens the collapsed ancestors of a row so it can be shown.
  function reveal(index) {
    let depth = rows[index].span.depth;
    for (let i = index - 1; i >= 0 && depth > 0; i--)
      if (rows[i].span.depth < depth) { collapsed.delete(rows[i].span.span_id); depth = rows[i].span.depth; }
    computeVisible();
  }
  function select(index) {
    if (index < 0 || index >= rows.length) return;
    state.selected = index;
    reveal(index);
    const position = visible.indexOf(rows[index]);
    if (position * ROW < scroller.scrollTop || position * ROW > scroller.scrollTop + scroller.clientHeight - ROW)
      scroller.scrollTop = Math.max(0, position * ROW - scroller.clientHeight / 2);
    draw();
    save();
    showDetail(rows[index].span);
  }
  function pageError(step) {
    if (!errors.length) return;
    state.errorAt = (state.errorAt + step + errors.length) % errors.length;
    errorPosition.textContent = `error ${state.errorAt + 1} of ${errors.length}`;
    select(errors[state.errorAt].index);
  }
  function gotoMatch(step) {
    if (!state.matches.length) return;
    state.matchAt = (state.matchAt + step + state.matches.length) % state.matches.length;
    matchCount.textContent = `match ${state.matchAt + 1} of ${state.matches.length}`;
    select(state.matches[state.matchAt]);
  }
  function moveVisible(step) {
    const position = visible.indexOf(rows[state.selected]);
    const next = visible[Math.min(visible.length - 1, Math.max(0, position + step))];
    if (next) select(next.index);
  }

  let otlp = null;  // the trace's OTLP requests, for links and resources, fetched once
  async function showDetail(span) {
    clear(detail);
    const statusClass = span.status === 'error' ? 'err' : span.status === 'ok' ? 'ok' : 'muted';
    detail.appendChild(h('h2', { 'data-testid': 'detail-name' }, span.name));
    detail.appendChild(h('table', { class: 'attrs' }, h('tbody', {},
      [['span', span.span_id], ['parent', span.parent_span_id || '(root)'], ['service', span.service], ['start', shortTime(span.start)],
        ['duration', formatMs(span.duration_ms)]].map(([k, v]) => h('tr', {}, h('td', {}, k), h('td', {}, v))),
      h('tr', {}, h('td', {}, 'status'), h('td', { class: statusClass, 'data-testid': 'detail-status' }, span.status, span.status_message ? `: ${text(span.status_message)}` : '')))));
    const body = h('div', {});
    const tabs = { Attributes: () => attributesTab(span), Events: () => eventsTab(span), 'Links & resource': () => resourceTab(span), Activity: () => activityTab(span) };
    const bar = h('div', { class: 'tabs' });
    for (const name of Object.keys(tabs))
      bar.appendChild(h('button', { 'data-testid': `tab-${name.split(' ')[0].toLowerCase()}`, onclick: async (event) => {
        for (const b of bar.children) b.classList.toggle('active', b === event.target);
        clear(body);
        try { body.appendChild(await tabs[name]()); } catch (error) { body.appendChild(message(error.message, true)); }
      } }, name));
    detail.appendChild(bar);
    detail.appendChild(body);
    bar.children[0].click();
  }
  function attributeTable(attributes, testid) {
    const rowsOf = Object.entries(attributes || {});
    if (!rowsOf.length) return h('p', { class: 'muted' }, 'none');
    return h('table', { class: 'attrs', 'data-testid': testid }, h('tbody', {}, rowsOf.map(([k, v]) => h('tr', {}, h('td', {}, k), h('td', {}, text(v))))));
  }
  function attributesTab(span) {
    const box = h('div', {});
    const filter = h('input', { type: 'text', placeholder: 'filter attributes', 'data-testid': 'attribute-filter' });
    const groups = h('div', {});
    const render = () => {
      const needle = filter.value.toLowerCase();
      const byNamespace = new Map();
      for (const [key, value] of Object.entries(span.attributes)) {
        if (needle && !key.toLowerCase().includes(needle) && !text(value).toLowerCase().includes(needle)) continue;
        const namespace = key.includes('.') ? key.slice(0, key.indexOf('.')) : '(other)';
        if (!byNamespace.has(namespace)) byNamespace.set(namespace, {});
        byNamespace.get(namespace)[key] = value;
      }
      groups.replaceChildren(...[...byNamespace.entries()].flatMap(([namespace, attributes]) => [h('h3', {}, namespace), attributeTable(attributes, 'attributes')]));
      if (!byNamespace.size) groups.replaceChildren(h('p', { class: 'muted' }, 'no attribute'));
    };
    filter.addEventListener('input', render);
    render();
    box.append(filter, groups);
    return box;
  }
  function eventsTab(span) {
    if (!span.events.length) return h('p', { class: 'muted' }, 'no span events');
    return h('div', { 'data-testid': 'span-events' }, span.events.map((event) => h('div', {}, h('h3', {}, event.name, ' ', h('span', { class: 'muted' }, shortTime(event.time))), attributeTable(event.attributes))));
  }
  async function resourceTab(span) {
    if (file) return h('p', { class: 'muted' }, 'Links and resources are shown for stored traces.');
    if (!otlp) otlp = (await getText('trace/export', { id, format: 'otlp' })).split('\n').filter(Boolean).map((line) => JSON.parse(line));
    const plain = (attributes) => Object.fromEntries((attributes || []).map((a) => [a.key, Object.values(a.value || {})[0]]));
    for (const request of otlp)
      for (const resource of request.resourceSpans || [])
        for (const scope of resource.scopeSpans || [])
          for (const one of scope.spans || [])
            if (one.spanId === span.span_id)
              return h('div', {}, h('h3', {}, 'Links'),
                (one.links || []).length ? h('ul', { 'data-testid': 'span-links' }, one.links.map((l) => h('li', {}, h('a', { href: link(`trace/${l.traceId}`, { span: l.spanId }) }, `${l.traceId.slice(0, 8)} / ${l.spanId}`)))) : h('p', { class: 'muted' }, 'no links'),
                h('h3', {}, 'Resource'), attributeTable(plain(resource.resource && resource.resource.attributes), 'resource'),
                h('h3', {}, 'Scope'), h('p', {}, text((scope.scope && scope.scope.name) || ''), ' ', text((scope.scope && scope.scope.version) || '')));
    return h('p', { class: 'muted' }, 'not in the exported requests');
  }
  async function activityTab(span) {
    if (file) {
      const logs = file.logs.filter((r) => r.span_id === span.span_id);
      return h('div', {}, h('h3', {}, 'Logs'), logTable(logs));
    }
    const [logs, events] = await Promise.all([get('logs', { trace: id, limit: 1000 }), get('events', { trace: id, limit: 1000 })]);
    const mine = logs.data.filter((record) => record.span_id === span.span_id);
    const myEvents = events.data.filter((event) => !event.meta || !event.meta.span_id || event.meta.span_id === span.span_id);
    return h('div', { 'data-testid': 'activity' },
      h('h3', {}, `Logs of this span (${mine.length} of ${logs.data.length} in the trace)`), logTable(mine),
      h('h3', {}, `Domain events (${myEvents.length})`),
      myEvents.length ? h('table', { 'data-testid': 'activity-events' }, h('tbody', {}, myEvents.map((event) => h('tr', {},
        h('td', {}, shortTime(event.time)), h('td', {}, event.type),
        h('td', {}, event.data && event.data.taskId ? h('a', { href: link(`task/${event.data.taskId}`) }, event.data.taskId) : text(event.stream)))))) : h('p', { class: 'muted' }, 'none'));
  }

  scroller.addEventListener('scroll', draw);
  scroller.addEventListener('keydown', (event) => {
    const actions = { j: () => moveVisible(1), ArrowDown: () => moveVisible(1), k: () => moveVisible(-1), ArrowUp: () => moveVisible(-1),
      h: () => toggleCollapse(rows[state.selected], true), ArrowLeft: () => toggleCollapse(rows[state.selected], true),
      l: () => toggleCollapse(rows[state.selected], false), ArrowRight: () => toggleCollapse(rows[state.selected], false),
      n: () => gotoMatch(1), N: () => gotoMatch(-1), e: () => pageError(1), E: () => pageError(-1) };
    const action = actions[event.key];
    if (action && state.selected >= 0 || (action && 'neNE'.includes(event.key))) { event.preventDefault(); action(); }
    else if (action) { event.preventDefault(); select(0); }
  });
  searchBox.addEventListener('input', () => { state.search = searchBox.value; computeMatches(); draw(); save(); });
  searchBox.addEventListener('keydown', (event) => { if (event.key === 'Enter') { event.preventDefault(); gotoMatch(event.shiftKey ? -1 : 1); } });

  computeVisible();
  computeMatches();
  showCritical();
  draw();
  if (state.selected >= 0) select(state.selected);
  document.body.dataset.waterfallReady = String(spans.length);
  // Time from navigation start to the first drawn waterfall, for bench/viewer_bench.mjs.
  document.body.dataset.waterfallMs = String(Math.round(performance.now()));
}

// The spans the trace's end waited for, as Jaeger's critical path: from the root's end, the
// child that ended last before that moment is on the path (and, inside it, the same rule from
// its end), then the child that ended last before that child started, and so on. Children
// sorted by end once, and the moment only moves back, so each child is looked at once.
export function criticalPath(rows) {
  const children = new Map();
  const ids = new Set(rows.map((row) => row.span.span_id));
  for (const row of rows) {
    const parent = row.span.parent_span_id;
    if (parent && ids.has(parent) && parent !== row.span.span_id) {
      if (!children.has(parent)) children.set(parent, []);
      children.get(parent).push(row);
    }
  }
  for (const list of children.values()) list.sort((a, b) => b.end - a.end || b.start - a.start);
  const path = new Set();
  const stack = [[rows[0], Infinity]];
  while (stack.length) {
    const [row, until] = stack.pop();
    if (path.has(row.index)) continue;
    path.add(row.index);
    let moment = Math.min(row.end, until);
    for (const child of children.get(row.span.span_id) || []) {
      if (child.start >= moment) continue;  // started after the moment: waited for by nothing on the path
      stack.push([child, moment]);
      moment = child.start;
    }
  }
  return path;
}

export function logTable(records) {
  if (!records.length) return h('p', { class: 'muted' }, 'no log records');
  return h('table', { 'data-testid': 'log-table' }, h('tbody', {}, records.map((record) => h('tr', { 'data-testid': 'log-row', class: record.severity_number >= 17 ? 'error' : '' },
    h('td', {}, shortTime(record.time)), h('td', { class: record.severity_number >= 17 ? 'err' : '' }, record.severity),
    h('td', {}, text(record.body)),
    h('td', {}, record.trace_id ? h('a', { href: link(`trace/${record.trace_id}`, { span: record.span_id }) }, 'span') : '')))));
}
