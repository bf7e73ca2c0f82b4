// Building DOM from data without ever parsing data as HTML: every string becomes a text node
// or an attribute set through the DOM, so a span attribute such as "<img onerror=...>" is shown
// as those characters and never runs.
export function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') element.addEventListener(key.slice(2), value);
    else if (key === 'class') element.className = value;
    else if (key === 'style' && typeof value === 'object') Object.assign(element.style, value);
    else element.setAttribute(key, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else if (child instanceof Node) element.appendChild(child);
    else element.appendChild(document.createTextNode(String(child)));
  }
}

export function clear(element) {
  while (element.firstChild) element.removeChild(element.firstChild);
  return element;
}

// A value as text: strings as they are (capped so a huge value cannot freeze the page), others as JSON.
export function text(value, most = 4000) {
  const shown = typeof value === 'string' ? value : JSON.stringify(value);
  if (shown === undefined) return '';
  return shown.length > most ? shown.slice(0, most) + ` … (${shown.length - most} more characters)` : shown;
}

export function message(body, bad = false) {
  return h('div', { class: bad ? 'message bad' : 'message', 'data-testid': bad ? 'error' : 'notice' }, body);
}

export function formatMs(ms) {
  if (ms === null || ms === undefined) return '';
  if (ms < 1) return `${(ms * 1000).toFixed(ms < 0.01 ? 2 : 0)} µs`;
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(2) : ms.toFixed(1)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(2)} s`;
  const minutes = Math.floor(ms / 60000);
  return `${minutes}m ${String(Math.round((ms % 60000) / 1000)).padStart(2, '0')}s`;
}

export function shortTime(rfc3339) {
  return rfc3339 ? rfc3339.replace('T', ' ').replace(/(\.\d{3})\d*Z$/, '$1Z') : '';
}
