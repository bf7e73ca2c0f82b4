// The viewer's shell: a router over location.hash (every view's state lives in its link:
// #/traces?q=..., #/trace/ID?span=..&search=.., #/logs?severity=.., #/task/ID?asof=..,
// #/now?after=SEQ, #/metrics, #/sessions?sort=.., #/session/ID), and the plain files opened with --open or dropped on the page.
import { h, clear, message } from './dom.js';
import { get, openFile } from './api.js';
import { tracesView, traceView } from './traces.js';
import { logsView, taskView, nowView } from './views.js';
import { metricsView } from './metrics.js';
import { sessionsView, sessionView } from './sessions.js';

// Files shown without storing them: key -> what /ui/api/open answered.
export const files = new Map();
let stopCurrent = null;

export function link(path, parameters = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(parameters))
    if (value !== undefined && value !== null && value !== '') query.set(key, value);
  const text = query.toString();
  return `#/${path}${text ? '?' + text : ''}`;
}

// Changes the hash without a new view (a view's own state: selected span, filter text).
export function replaceState(path, parameters) {
  history.replaceState(null, '', link(path, parameters));
}

function parseHash() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, query] = hash.split('?');
  const parts = path.split('/').map(decodeURIComponent);
  return { view: parts[0] || 'traces', arg: parts.slice(1).join('/'), params: Object.fromEntries(new URLSearchParams(query || '')) };
}

async function route() {
  if (stopCurrent) { stopCurrent(); stopCurrent = null; }
  const { view, arg, params } = parseHash();
  for (const a of document.querySelectorAll('nav a'))
    a.classList.toggle('active', a.dataset.view === view || (view === 'trace' && a.dataset.view === 'traces') || (view === 'session' && a.dataset.view === 'sessions'));
  const main = clear(document.getElementById('main'));
  const views = { traces: tracesView, trace: traceView, logs: logsView, task: taskView, now: nowView, metrics: metricsView, sessions: sessionsView, session: sessionView };
  const render = views[view];
  if (!render) { main.appendChild(message(`No view "${view}".`, true)); return; }
  try {
    stopCurrent = (await render(main, arg, params)) || null;
  } catch (error) {
    main.appendChild(message(error.message + (error.hint ? '\n' + error.hint : ''), true));
  }
}

async function addFile(key, data) {
  files.set(key, data);
  location.hash = link('traces', { file: key });
  await route();
}

async function dropFiles(list) {
  let index = files.size;
  for (const file of list) {
    const data = await openFile(file.name, await file.arrayBuffer());
    await addFile(`d${index++}`, data);
  }
}

async function start() {
  window.addEventListener('hashchange', route);
  document.getElementById('file-input').addEventListener('change', (event) => dropFiles(event.target.files));
  document.addEventListener('dragover', (event) => { event.preventDefault(); document.body.classList.add('dragging'); });
  document.addEventListener('dragleave', (event) => { if (!event.relatedTarget) document.body.classList.remove('dragging'); });
  document.addEventListener('drop', (event) => {
    event.preventDefault();
    document.body.classList.remove('dragging');
    if (event.dataTransfer && event.dataTransfer.files.length) dropFiles(event.dataTransfer.files);
  });
  try {
    const opened = await get('files');
    for (const file of opened.data) {
      const one = await get('file', { index: file.index });
      files.set(`f${file.index}`, one.data);
    }
    if (opened.data.length && !location.hash) location.hash = link('traces', { file: 'f0' });
  } catch (error) { /* no opened files */ }
  const source = document.getElementById('source');
  source.replaceChildren(...[...files.entries()].map(([key, data]) => h('a', { href: link('traces', { file: key }) }, data.name + ' ')));
  await route();
  document.body.dataset.ready = '1';
}

start();
