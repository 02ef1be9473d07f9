// The operator's view: the fleet's load curve, homes online, and
// demand-response events. Fields are read as docs/FLEET.md names them
// (GET /fleet/usage: `homes`, `live.homes_online`, `live.power_w`, `windows`;
// GET /dr/events: `events` with `state`, `start`, `end`, `level`, `shed_kw`);
// a server without those routes says so.

import { apiIf, q } from '../api.js';
import { chart, palette } from '../charts.js';
import { el, section, note, describeError, fmtW, fmtTime } from '../dom.js';

function points(r) {
  const list = Array.isArray(r) ? r : r.series || r.points || r.load || r.windows || [];
  return list.map((p) => ({ t: p.ts_ms ?? p.start ?? p.ts ?? p.from, w: p.power_w ?? p.avg_power_w ?? p.load_w ?? p.value }))
    .filter((p) => Number.isFinite(p.t) && Number.isFinite(p.w));
}

export function renderOperator(main) {
  const cleanups = [];
  main.append(el('h1', { class: 'page-title', text: 'Fleet' }));
  const grid = el('div', { class: 'grid' });
  main.append(grid);

  const loadBody = el('div', {}, note('Loading the fleet load…'));
  const online = el('p', { class: 'big', id: 'homes-online', 'aria-live': 'polite', text: '—' });
  const drBody = el('div', {}, note('Loading demand-response events…'));
  grid.append(section('fleet-load', 'Fleet load', online, loadBody), section('dr', 'Demand response', drBody));

  let plot = null;
  cleanups.push(() => plot?.destroy());
  async function loadFleet() {
    try {
      // The last two hours, minute by minute, and the load now.
      const to = Date.now();
      const r = await apiIf('/fleet/usage', `/fleet/usage?${q({ from: to - 2 * 3600000, to, resolution: '1m' })}`);
      const pts = points(r);
      const homes = r.live?.homes_online ?? r.homes_online;
      const total = typeof r.homes === 'number' ? r.homes : r.homes_total;
      online.textContent = homes == null ? '—' : `${homes}${total != null ? ` of ${total}` : ''} homes online`;
      const now = r.live?.power_w ?? r.power_w;
      const box = el('div', { class: 'chart', role: 'img', 'aria-label': 'Fleet load over time' });
      loadBody.replaceChildren(el('p', { id: 'fleet-load-now', text: now != null ? `Load now ${fmtW(now)}` : '' }), box);
      plot?.destroy();
      plot = chart(box, { series: [{ label: 'Fleet load (W)', color: palette[2] }], yLabel: 'W', height: 240 });
      plot.set([pts.map((p) => p.t / 1000), pts.map((p) => p.w)]);
    } catch (e) {
      loadBody.replaceChildren(describeError(e, 'The fleet view'));
    }
  }
  async function loadDr() {
    try {
      const r = await apiIf('/dr/events', '/dr/events');
      const items = Array.isArray(r) ? r : r.events || [];
      if (!items.length) { drBody.replaceChildren(note('No demand-response events.')); return; }
      drBody.replaceChildren(el('ul', { class: 'plain', id: 'dr-list', 'aria-label': 'Demand-response events' }, ...items.map((d) => el('li', { 'data-id': d.id, 'data-state': d.state || d.status || '' },
        el('strong', { text: d.id || 'event' }), ` ${d.state || d.status || ''} · ${fmtTime(d.start_ms ?? d.start)} – ${fmtTime(d.end_ms ?? d.end)}`,
        d.shed_kw != null ? ` · shed ${fmtW(d.shed_kw * 1000)}` : d.level != null && d.level >= 0 ? ` · level ${d.level}` : '',
        Array.isArray(d.homes) ? ` · ${d.homes.length} home${d.homes.length === 1 ? '' : 's'}` : ''))));
    } catch (e) {
      drBody.replaceChildren(describeError(e, 'Demand response'));
    }
  }
  loadFleet();
  loadDr();
  const timer = setInterval(loadFleet, 30000);
  cleanups.push(() => clearInterval(timer));
  return () => cleanups.forEach((f) => f());
}
