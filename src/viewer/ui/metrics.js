// The metrics board: domain-event and task cards (`sc events stats`), session cards (`sc sessions
// stats`, and its cost per day), and every metric of the store with a sparkline of its values
// per bucket (`sc metrics --buckets N`). Every figure comes from the server; charts are SVG
// built through the DOM, every label a text node.
import { h, message, formatMs } from './dom.js';
import { get } from './api.js';

const ns = 'http://www.w3.org/2000/svg';

function svgElement(tag, attributes) {
  const element = document.createElementNS(ns, tag);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

function titled(element, label) {
  const title = document.createElementNS(ns, 'title');
  title.textContent = label;
  element.appendChild(title);
  return element;
}

// A small bar chart, drawn from numbers.
function bars(values, labels, testid) {
  const width = 260, height = 60, most = Math.max(1e-12, ...values);
  const svg = svgElement('svg', { viewBox: `0 0 ${width} ${height + 12}`, width, height: height + 12, 'data-testid': testid });
  const step = width / Math.max(values.length, 1);
  values.forEach((value, index) => {
    const barHeight = (value / most) * height;
    svg.appendChild(titled(svgElement('rect', { x: index * step + 1, y: height - barHeight, width: Math.max(step - 2, 1), height: barHeight, fill: '#4a7fd4' }),
      `${labels[index]}: ${value}`));
  });
  return svg;
}

// A sparkline: one point per bucket (a circle, so the number of buckets can be read back), a
// line through the buckets that have a value, and a gap where a bucket has none.
function sparkline(series) {
  const width = 120, height = 22, pad = 2;
  const numbers = series.filter((value) => typeof value === 'number');
  const low = Math.min(0, ...numbers), high = Math.max(low + 1e-12, ...numbers);
  const svg = svgElement('svg', { viewBox: `0 0 ${width} ${height}`, width, height, class: 'spark', 'data-testid': 'sparkline' });
  const step = (width - 2 * pad) / Math.max(series.length - 1, 1);
  let path = '';
  let drawing = false;
  series.forEach((value, index) => {
    const x = pad + index * step;
    if (typeof value !== 'number') { drawing = false; return; }
    const y = height - pad - ((value - low) / (high - low)) * (height - 2 * pad);
    path += `${drawing ? 'L' : 'M'}${x.toFixed(1)} ${y.toFixed(1)} `;
    drawing = true;
    svg.appendChild(titled(svgElement('circle', { cx: x.toFixed(1), cy: y.toFixed(1), r: 1.5, fill: '#4a7fd4' }), `bucket ${index + 1}: ${value}`));
  });
  for (let index = 0; index < series.length; index++)
    if (typeof series[index] !== 'number')
      svg.appendChild(titled(svgElement('circle', { cx: (pad + index * step).toFixed(1), cy: height - pad, r: 1, fill: '#bbb' }), `bucket ${index + 1}: no point`));
  if (path) svg.insertBefore(svgElement('path', { d: path.trim(), fill: 'none', stroke: '#4a7fd4', 'stroke-width': 1 }), svg.firstChild);
  return svg;
}

const percent = (fraction) => `${(fraction * 100).toFixed(1)}%`;
const dollars = (usd) => (usd === null || usd === undefined ? '—' : `$${usd.toFixed(4)}`);

function card(title, testid, big, ...rest) {
  return h('div', { class: 'card' }, h('div', { class: 'muted' }, title), h('div', { class: 'big', 'data-testid': testid }, big), ...rest);
}

// The session cards; with no ended session, one card says so instead of rates of nothing.
function sessionCards(sessions, days) {
  if (!sessions || !sessions.completed)
    return h('div', { class: 'cards', 'data-testid': 'session-cards' },
      card('Sessions', 'card-sessions', sessions && sessions.running ? `${sessions.running} running, none ended yet` : 'no sessions yet'));
  const duration = sessions.durationMs || {};
  return h('div', { class: 'cards', 'data-testid': 'session-cards' },
    card('Session success rate', 'card-success-rate', percent(sessions.successRate),
      h('div', { class: 'muted' }, `${sessions.outcomes.success} of ${sessions.completed} ended sessions`)),
    card('Session duration', 'card-session-duration', `${formatMs(duration.p50)} p50`,
      h('div', { class: 'muted', 'data-testid': 'card-session-percentiles' }, `p90 ${formatMs(duration.p90)} · p99 ${formatMs(duration.p99)} · max ${formatMs(duration.max)}`)),
    card('Cost per day (UTC)', 'card-cost', dollars(sessions.costUsd),
      bars(days.map((day) => day.costUsd || 0), days.map((day) => `${day.day}: ${dollars(day.costUsd)}, ${day.sessions} sessions`), 'chart-cost-per-day')),
    card('Tool error rate', 'card-tool-error-rate', percent(sessions.toolErrorRate),
      h('div', { class: 'muted' }, `${sessions.toolFailures} of ${sessions.toolUses} tool calls failed`)),
    h('div', { class: 'card' }, h('div', { class: 'muted' }, 'Cost per model'),
      h('table', { 'data-testid': 'cost-per-model' }, h('tbody', {}, (sessions.byModel || []).map((row) =>
        h('tr', {}, h('td', {}, row.model || '(none)'), h('td', { class: 'num' }, row.sessions), h('td', { class: 'num' }, dollars(row.costUsd))))))));
}

export async function metricsView(main) {
  const answer = await get('metrics');
  const { metrics, stats, sessions, costPerDay } = answer.data;
  for (const warning of answer.warnings || []) main.appendChild(message(warning));
  const hours = stats.perHour || [];
  const cycle = stats.cycleTimeSeconds || {};
  main.appendChild(h('h2', {}, 'Board'));
  main.appendChild(h('div', { class: 'cards', 'data-testid': 'metric-cards' },
    card('Domain events', 'card-events', stats.events),
    card('Tasks created per hour', 'card-created', hours.reduce((n, hour) => n + hour.created, 0), bars(hours.map((x) => x.created), hours.map((x) => x.hour), 'chart-created')),
    card('Tasks completed per hour', 'card-completed', hours.reduce((n, hour) => n + hour.completed, 0), bars(hours.map((x) => x.completed), hours.map((x) => x.hour), 'chart-completed')),
    card('Cycle time (created → done)', 'card-cycle', cycle.count ? `${formatMs(cycle.median * 1000)} median` : 'none done', h('div', { class: 'muted' }, cycle.count ? `p90 ${formatMs(cycle.p90 * 1000)} · ${cycle.count} tasks` : '')),
    h('div', { class: 'card' }, h('div', { class: 'muted' }, 'Tasks by status'), h('table', {}, h('tbody', {}, Object.entries(stats.tasksByStatus || {}).map(([k, v]) => h('tr', {}, h('td', {}, k), h('td', { class: 'num' }, v))))))));
  main.appendChild(h('h2', {}, 'Sessions'));
  main.appendChild(sessionCards(sessions, costPerDay || []));
  main.appendChild(h('h2', {}, 'Metrics'));
  main.appendChild(h('table', { 'data-testid': 'metric-table' }, h('thead', {}, h('tr', {}, ['Name', 'Type', 'Value / count', 'p50', 'p95', 'Per hour', 'Unit', 'Over time'].map((title) => h('th', {}, title)))),
    h('tbody', {}, metrics.map((row) => h('tr', { 'data-testid': 'metric-row' }, h('td', {}, row.name), h('td', {}, row.type),
      h('td', { class: 'num' }, row.value ?? row.count), h('td', { class: 'num' }, row.p50 ?? ''), h('td', { class: 'num' }, row.p95 ?? ''),
      h('td', { class: 'num' }, row.per_hour ?? ''), h('td', {}, row.unit), h('td', {}, sparkline(row.series || [])))))));
}
