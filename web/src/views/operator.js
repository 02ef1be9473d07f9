// The operator's view: the fleet's load curve, homes online, and
// demand-response events. Fields are read as docs/AUTOMATION.md and the fleet
// routes name them; a server without those routes says so.

import { apiIf } from '../api.js';
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
      const r = await apiIf('/fleet/usage', '/fleet/usage');
      const pts = points(r);
      const homes = r.homes_online ?? r.online ?? r.homes?.online;
      const total = r.homes_total ?? r.homes?.total;
      online.textContent = homes == null ? '—' : `${homes}${total != null ? ` of ${total}` : ''} homes online`;
      const now = r.power_w ?? r.total_power_w;
      const box = el('div', { class: 'chart', role: 'img', 'aria-label': 'Fleet load over time' });
      loadBody.replaceChildren(el('p', { text: now != null ? `Load now ${fmtW(now)}` : '' }), box);
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
      drBody.replaceChildren(el('ul', { class: 'plain', 'aria-label': 'Demand-response events' }, ...items.map((d) => el('li', {},
        el('strong', { text: d.id || 'event' }), ` ${d.status || ''} · ${fmtTime(d.start_ms ?? d.start)} – ${fmtTime(d.end_ms ?? d.end)}`,
        d.target_w != null || d.reduction_w != null ? ` · ${fmtW(d.target_w ?? d.reduction_w)}` : ''))));
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
