// GET /events read with fetch() (EventSource cannot send Authorization):
// parses server-sent events, and reconnects by itself with a growing delay.

import { session } from './api.js';

/**
 * @param {string} home
 * @param {(name: string, data: any) => void} onEvent
 * @param {(state: 'connecting'|'live'|'lost'|'closed', detail?: string) => void} onState
 * @returns {() => void} stops the stream
 */
export function connectEvents(home, onEvent, onState) {
  let stopped = false;
  let controller = null;
  let delay = 500;
  let timer = null;

  async function run() {
    if (stopped) return;
    controller = new AbortController();
    onState('connecting');
    try {
      const res = await fetch(`/events?home=${encodeURIComponent(home)}`, {
        headers: { Authorization: `Bearer ${session.token}`, Accept: 'text/event-stream' },
        signal: controller.signal,
        cache: 'no-store',
      });
      if (!res.ok) {
        let detail = `HTTP ${res.status}`;
        try { detail = (await res.json()).detail || detail; } catch { /* not JSON */ }
        if (res.status === 401 || res.status === 403) { onState('closed', detail); return; }
        throw new Error(detail);
      }
      onState('live');
      delay = 500;
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          dispatch(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
      // The server ends streams now and then (keep-alive limit): reconnect at once.
      delay = 100;
    } catch (e) {
      if (stopped) return;
      onState('lost', e.message);
      delay = Math.min(delay * 2, 10000);
    }
    if (!stopped) timer = setTimeout(run, delay);
  }

  function dispatch(block) {
    let name = 'message';
    const data = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue; // keep-alive comment
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') name = value;
      else if (field === 'data') data.push(value);
    }
    if (!data.length) return;
    try { onEvent(name, JSON.parse(data.join('\n'))); } catch { /* ignore a malformed event */ }
  }

  run();
  return () => { stopped = true; clearTimeout(timer); controller?.abort(); onState('closed'); };
}
