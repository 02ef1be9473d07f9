// Small DOM helpers: elements built with textContent (never innerHTML), so
// whatever the server sends is shown as text.

export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') node.textContent = value;
    else if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'value') node.value = value;
    else if (key === 'checked') node.checked = value;
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) { while (node.firstChild) node.firstChild.remove(); }

export function section(id, title, ...children) {
  const heading = el('h2', { id: `${id}-title`, text: title });
  return el('section', { id, class: 'card', 'aria-labelledby': `${id}-title` }, heading, ...children);
}

/** A message in place of a section's content: loading, empty, error or not available. */
export function note(text, kind = 'info') {
  return el('p', { class: `note ${kind}`, role: kind === 'error' ? 'alert' : undefined, text });
}

export function describeError(e, what) {
  if (e?.notAvailable) return note(`${what}: not available on this server.`, 'muted');
  if (e?.status === 403) return note(`${what}: your token may not see this (${e.detail}).`, 'error');
  if (e?.status === 0) return note(`${what}: the server cannot be reached. Retrying when it is back.`, 'error');
  return note(`${what}: ${e?.detail || e?.message || 'failed'}`, 'error');
}

export const fmtW = (w) => (w == null ? '—' : Math.abs(w) >= 1000 ? `${(w / 1000).toFixed(2)} kW` : `${Math.round(w)} W`);
export const fmtKWh = (wh) => `${(wh / 1000).toFixed(2)} kWh`;
export const fmtTime = (ms) => new Date(ms).toLocaleString([], { dateStyle: 'short', timeStyle: 'short' });
export const fmtClock = (ms) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
