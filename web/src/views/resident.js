// The resident's view of one home: live power (server-sent events), devices
// with on/off, usage history with cost, the plan against prices, schedules,
// preferences and notifications. Each section loads on its own; a feature
// this server does not have (404) says so instead of failing the page.

import { api, apiIf, hasRoute, q } from '../api.js';
import { connectEvents } from '../events.js';
import { chart, palette, stack } from '../charts.js';
import { el, section, note, describeError, fmtW, fmtKWh, fmtTime, fmtClock } from '../dom.js';
import { showBanner } from '../main.js';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const ESSENTIAL_BY_NAME = /fridge|freezer|medical/i;

export function renderResident(main, home) {
  if (!home) {
    main.append(el('div', { class: 'card' }, el('h1', { text: 'No home chosen' }),
      el('p', {}, 'Sign in again with a home id, or use the ', el('a', { href: '#/operator', text: 'operator view' }), '.')));
    return null;
  }
  const state = { home, devices: [], preferences: null, essential: new Set(), protectedSet: new Set() };
  const cleanups = [];

  main.append(el('h1', { class: 'page-title' }, 'Home ', el('span', { class: 'mono', text: home })));
  const grid = el('div', { class: 'grid' });
  main.append(grid);

  const live = liveSection(state, cleanups);
  const devices = devicesSection(state);
  const usage = usageSection(state, cleanups);
  const plan = planSection(state, cleanups);
  const schedules = schedulesSection(state);
  const prefs = preferencesSection(state, devices);
  const notes = notificationsSection(state);
  grid.append(live.node, devices.node, notes.node, usage.node, plan.node, schedules.node, prefs.node);

  // Devices first (the live list, the forms and the on/off buttons need them), then the rest.
  devices.load().then(() => { live.seed(); schedules.load(); usage.load(); return prefs.load(); });
  plan.load();
  notes.load();

  const conn = document.getElementById('conn');
  const stop = connectEvents(home, (name, data) => {
    if (name === 'power') { live.update(data); devices.updatePower(data); }
    else if (name === 'notification') notes.add(data, true);
    else if (name === 'command') devices.commandChanged(data);
    else if (name === 'plan') plan.load();
  }, (s, detail) => {
    conn.dataset.state = s;
    conn.textContent = s === 'live' ? 'Live' : s === 'connecting' ? 'Connecting…' : s === 'lost' ? 'Connection lost — reconnecting…' : '';
    if (s === 'lost') showBanner(`Live updates interrupted (${detail || 'network'}); reconnecting automatically.`);
    else if (s === 'live') { showBanner(''); notes.load(); }
    else if (s === 'closed' && detail) showBanner(`Live updates refused: ${detail}`);
  });
  cleanups.push(stop);
  return () => cleanups.forEach((f) => f());
}

// --- live power ----------------------------------------------------------

function liveSection(state, cleanups) {
  const total = el('p', { class: 'big', id: 'live-total', 'aria-live': 'polite', 'aria-atomic': 'true', text: '—' });
  const when = el('p', { class: 'help', id: 'live-when' });
  const list = el('ul', { class: 'bars', id: 'live-devices', 'aria-label': 'Power by device' });
  const chartBox = el('div', { class: 'chart', role: 'img', 'aria-label': 'Home power over the last minutes' });
  const node = section('live', 'Live power', total, when, chartBox, list);
  const trace = chart(chartBox, { series: [{ label: 'Home (W)', color: palette[0], fill: 'rgba(27,158,119,0.15)' }], yLabel: 'W', height: 160, stepped: true });
  cleanups.push(() => trace.destroy());
  const xs = [];
  const ys = [];
  let current = null;
  // The trace moves every second even when the power does not (events come only on change).
  const ticker = setInterval(() => {
    if (current == null) return;
    xs.push(Date.now() / 1000);
    ys.push(current);
    while (xs.length && xs[0] < Date.now() / 1000 - 600) { xs.shift(); ys.shift(); }
    trace.set([xs.slice(), ys.slice()]);
  }, 1000);
  cleanups.push(() => clearInterval(ticker));

  function render(devices, totalW, ts) {
    total.textContent = fmtW(totalW);
    when.textContent = ts ? `as of ${fmtClock(ts)}` : '';
    const max = Math.max(1, ...devices.map((d) => d.power_w || 0));
    list.replaceChildren(...devices.slice().sort((a, b) => (b.power_w || 0) - (a.power_w || 0)).map((d) => {
      const fill = el('span', { class: 'fill' });
      fill.style.width = `${Math.max(0, Math.min(100, 100 * (d.power_w || 0) / max))}%`;
      return el('li', { 'data-device': d.device },
        el('span', { class: 'name', text: d.device }),
        el('span', { class: 'bar', 'aria-hidden': 'true' }, fill),
        el('span', { class: 'value', 'data-testid': 'device-power', text: d.online === false ? 'offline' : fmtW(d.power_w) }));
    }));
  }
  return {
    node,
    seed() {
      const devs = state.devices.map((d) => ({ device: d.id, power_w: d.power_w, online: d.online, state: d.state }));
      if (total.textContent === '—') {
        current = devs.reduce((s, d) => s + (d.online ? d.power_w : 0), 0);
        render(devs, current, null);
      }
    },
    update(ev) {
      render(ev.devices || [], ev.power_w, ev.ts_ms);
      current = ev.power_w;
      xs.push(Date.now() / 1000);
      ys.push(ev.power_w);
      trace.set([xs.slice(), ys.slice()]);
    },
  };
}

// --- devices -------------------------------------------------------------

function devicesSection(state) {
  const body = el('div', { id: 'devices-body' }, note('Loading devices…'));
  const node = section('devices', 'Devices', body);
  const rows = new Map();

  function essentialReason(id) {
    if (state.essential.has(id)) return `${id} is essential: it is never switched off.`;
    if (state.protectedSet.has(id)) return `${id} is protected: it is never switched off.`;
    if (ESSENTIAL_BY_NAME.test(id)) return `${id} is essential (fridge, freezer and medical devices always are).`;
    return null;
  }

  async function send(device, action, row) {
    row.status.textContent = `Sending ${action}…`;
    try {
      const r = await api('/commands', { method: 'POST', body: { home: state.home, device, action, reason: 'dashboard' } });
      row.status.textContent = `${action}: ${r?.status || 'sent'}`;
    } catch (e) {
      row.status.textContent = `${action} failed: ${e.detail || e.message}`;
    }
  }

  function render() {
    rows.clear();
    const table = el('table', { class: 'devices' },
      el('caption', { class: 'sr-only', text: 'Devices of this home with their state, power and controls' }),
      el('thead', {}, el('tr', {}, ...['Device', 'Kind', 'State', 'Power', 'Control'].map((h) => el('th', { scope: 'col', text: h })))));
    const tbody = el('tbody');
    for (const d of state.devices) {
      const reason = essentialReason(d.id);
      const reasonId = `reason-${d.id}`;
      const row = {
        state: el('td', { text: d.online ? d.state : 'offline' }),
        power: el('td', { class: 'num', 'data-testid': 'power', text: fmtW(d.power_w) }),
        status: el('span', { class: 'help', role: 'status', 'aria-live': 'polite' }),
      };
      const on = el('button', { type: 'button', text: 'On', 'aria-label': `Switch ${d.id} on`, onclick: () => send(d.id, 'on', row) });
      const off = el('button', { type: 'button', text: 'Off', 'aria-label': `Switch ${d.id} off`, disabled: !!reason, 'aria-describedby': reason ? reasonId : undefined, onclick: () => send(d.id, 'off', row) });
      const controls = el('td', { class: 'controls' }, el('div', { class: 'buttons' }, on, off), reason ? el('p', { id: reasonId, class: 'help reason', text: reason }) : null, row.status);
      rows.set(d.id, row);
      tbody.append(el('tr', { 'data-device': d.id }, el('th', { scope: 'row', text: d.id }), el('td', { text: d.kind }), row.state, row.power, controls));
    }
    table.append(tbody);
    body.replaceChildren(el('div', { class: 'scroll' }, table));
  }

  return {
    node,
    async load() {
      try {
        const r = await api(`/devices?${q({ home: state.home })}`);
        state.devices = r.devices || [];
        if (!state.devices.length) body.replaceChildren(note('No devices have reported yet.'));
        else render();
      } catch (e) {
        body.replaceChildren(describeError(e, 'Devices'));
      }
    },
    refreshReasons() { if (state.devices.length) render(); },
    updatePower(ev) {
      for (const d of ev.devices || []) {
        const row = rows.get(d.device);
        if (!row) continue;
        row.power.textContent = fmtW(d.power_w);
        row.state.textContent = d.online === false ? 'offline' : d.state;
      }
    },
    commandChanged(cmd) {
      const row = rows.get(cmd.device);
      if (row) row.status.textContent = `${cmd.action || 'command'}: ${cmd.status || 'updated'}${cmd.detail ? ` (${cmd.detail})` : ''}`;
    },
  };
}

// --- usage history -------------------------------------------------------

const RANGES = {
  day: { label: 'Day', resolution: '1h', span: 24 * 3600e3 },
  week: { label: 'Week', resolution: '1d', span: 7 * 24 * 3600e3 },
  month: { label: 'Month', resolution: '1d', span: 30 * 24 * 3600e3 },
};

function usageSection(state, cleanups) {
  let range = 'day';
  const tabs = el('div', { class: 'tabs', role: 'group', 'aria-label': 'Period' });
  const chartBox = el('div', { class: 'chart', role: 'img', 'aria-label': 'Energy by device, stacked' });
  const summary = el('div', { id: 'usage-summary', 'aria-live': 'polite' });
  const node = section('usage', 'Usage history', tabs, chartBox, summary);
  let plot = null;
  cleanups.push(() => plot?.destroy());

  for (const [key, r] of Object.entries(RANGES)) {
    tabs.append(el('button', { type: 'button', 'aria-pressed': String(key === range), 'data-range': key, text: r.label, onclick: (ev) => {
      range = key;
      tabs.querySelectorAll('button').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.range === key)));
      load();
      ev.currentTarget.focus();
    } }));
  }

  async function prices(from, to) {
    try {
      const p = await apiIf('/prices', `/prices?${q({ home: state.home, from, to })}`);
      return p;
    } catch { return null; }
  }

  async function load() {
    const devices = state.devices.filter((d) => d.kind !== 'meter');
    if (!devices.length) { summary.replaceChildren(note('No devices yet.')); return; }
    summary.replaceChildren(note('Loading usage…'));
    const { resolution, span } = RANGES[range];
    const to = Date.now();
    const from = to - span;
    try {
      const series = await Promise.all(devices.map((d) => api(`/usage?${q({ home: state.home, device: d.id, from, to, resolution })}`)));
      const starts = [...new Set(series.flatMap((s) => s.windows.map((w) => w.start)))].sort((a, b) => a - b);
      const index = new Map(starts.map((t, i) => [t, i]));
      const rows = series.map((s) => { const row = starts.map(() => 0); for (const w of s.windows) row[index.get(w.start)] = w.energy_wh / 1000; return row; });
      chartBox.hidden = !starts.length;
      const cum = stack(rows);
      plot?.destroy();
      // Drawn top (the total) first so that each device's band shows.
      const order = devices.map((_, i) => i).reverse();
      plot = chart(chartBox, { bars: true, yLabel: 'kWh', height: 240, series: order.map((i) => ({ label: devices[i].id, color: palette[i % palette.length], value: (u, v, si, idx) => (idx == null ? '' : `${rows[i][idx].toFixed(2)} kWh`) })) });
      plot.set([starts.map((t) => t / 1000), ...order.map((i) => cum[i])]);
      const p = await prices(from, to);
      const totals = devices.map((d, i) => ({ device: d.id, kwh: rows[i].reduce((a, b) => a + b, 0), cost: 0 }));
      let costFor = null;
      if (p && Array.isArray(p.import) && p.import.length) {
        // Each window's energy at the mean of the price slots inside it.
        const slot = p.slot_ms || 900000;
        const price = p.import.map((x) => (typeof x === 'number' ? x : x.price));
        const ends = new Map(series.flatMap((s) => s.windows.map((w) => [w.start, w.end])));
        const windowPrice = starts.map((t) => {
          const end = ends.get(t) ?? t + slot;
          const inside = price.slice(Math.max(0, Math.floor((t - p.from) / slot)), Math.max(0, Math.ceil((end - p.from) / slot)));
          return inside.length ? inside.reduce((a, b) => a + b, 0) / inside.length : price[price.length - 1];
        });
        totals.forEach((t, i) => { t.cost = rows[i].reduce((a, kwh, k) => a + kwh * windowPrice[k], 0); });
        costFor = (t) => t.cost;
      }
      const table = el('table', { class: 'compact' },
        el('caption', { text: `Energy ${RANGES[range].label.toLowerCase()} by device${costFor ? ' with cost' : ''}` }),
        el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'Device' }), el('th', { scope: 'col', text: 'Energy' }), costFor ? el('th', { scope: 'col', text: 'Cost' }) : null)),
        el('tbody', {}, ...totals.sort((a, b) => b.kwh - a.kwh).map((t) => el('tr', {}, el('th', { scope: 'row', text: t.device }), el('td', { class: 'num', text: fmtKWh(t.kwh * 1000) }), costFor ? el('td', { class: 'num', text: costFor(t).toFixed(2) }) : null))));
      const all = totals.reduce((a, t) => a + t.kwh, 0);
      const cost = totals.reduce((a, t) => a + t.cost, 0);
      summary.replaceChildren(el('p', {}, `Total ${fmtKWh(all * 1000)}`, costFor ? `, costing ${cost.toFixed(2)} at this home's prices` : ' — cost needs the tariff (not available on this server)'), table);
    } catch (e) {
      chartBox.hidden = true;
      if (e.status === 404 && !e.notAvailable) summary.replaceChildren(note('No usage recorded for this period yet: windows close a few minutes after the hour.', 'muted'));
      else summary.replaceChildren(describeError(e, 'Usage history'));
    }
  }
  return { node, load };
}

// --- plan ----------------------------------------------------------------

function planSection(state, cleanups) {
  const body = el('div', { id: 'plan-body' }, note('Loading the plan…'));
  const node = section('plan', 'Plan', body);
  let plot = null;
  cleanups.push(() => plot?.destroy());
  return {
    node,
    async load() {
      try {
        const p = await apiIf('/plan', `/plan?${q({ home: state.home })}`);
        const slot = p.slot_ms || 900000;
        const prices = (p.prices || []).map((x) => (typeof x === 'number' ? x : x.price));
        const start = p.from;
        const end = start + slot * prices.length;
        const chartBox = el('div', { class: 'chart', role: 'img', 'aria-label': 'Import price over the plan' });
        const timeline = el('ul', { class: 'timeline', 'aria-label': 'Planned runs' });
        for (const load of p.loads || []) {
          const left = Math.max(0, (load.start_ms - start) / (end - start) * 100);
          const width = Math.max(1, (load.end_ms - load.start_ms) / (end - start) * 100);
          const bar = el('span', { class: 'run', 'data-left': left.toFixed(1), 'data-width': width.toFixed(1), title: load.explanation || '' });
          bar.style.left = `${left}%`;
          bar.style.width = `${width}%`;
          timeline.append(el('li', {}, el('span', { class: 'name', text: load.device }), el('span', { class: 'track', 'aria-hidden': 'true' }, bar),
            el('span', { class: 'help', text: `${fmtClock(load.start_ms)}–${fmtClock(load.end_ms)}, saves ${Number(load.saving || 0).toFixed(2)}${load.explanation ? ` — ${load.explanation}` : ''}` })));
        }
        body.replaceChildren(
          el('p', { class: 'big small' }, `Expected cost ${Number(p.expected_cost || 0).toFixed(2)}, savings ${Number(p.savings || 0).toFixed(2)}`),
          el('p', { class: 'help', text: `Computed ${fmtTime(p.computed_ms)} · status ${p.status}` }),
          chartBox, (p.loads || []).length ? timeline : note('Nothing to schedule in this plan.'));
        plot?.destroy();
        plot = chart(chartBox, { series: [{ label: 'Import price', color: palette[1] }], yLabel: 'price', height: 160, stepped: true });
        plot.set([prices.map((_, i) => (start + i * slot) / 1000), prices]);
      } catch (e) {
        body.replaceChildren(describeError(e, 'The plan'));
      }
    },
  };
}

// --- schedules -----------------------------------------------------------

function schedulesSection(state) {
  const list = el('div', { id: 'schedule-list' }, note('Loading schedules…'));
  const status = el('p', { class: 'help', role: 'status', 'aria-live': 'polite' });
  const device = el('select', { id: 'sch-device', name: 'device' });
  const type = el('select', { id: 'sch-type', name: 'type' }, el('option', { value: 'on', text: 'Switch on' }), el('option', { value: 'off', text: 'Switch off' }));
  const start = el('input', { id: 'sch-start', name: 'start', type: 'time', required: true, value: '07:00' });
  const days = el('fieldset', { class: 'days' }, el('legend', { text: 'Days (none: every day)' }),
    ...DAYS.map((d) => el('label', { class: 'inline' }, el('input', { type: 'checkbox', name: 'day', value: d }), d)));
  const form = el('form', { class: 'stack', 'aria-label': 'New schedule' },
    el('label', { for: 'sch-device', text: 'Device' }), device,
    el('label', { for: 'sch-type', text: 'Action' }), type,
    el('label', { for: 'sch-start', text: 'At (home time)' }), start, days,
    el('button', { type: 'submit', class: 'primary', text: 'Add schedule' }), status);
  const newHeading = el('h3', { text: 'New schedule' });
  const node = section('schedules', 'Schedules', list, newHeading, form);
  let available = true;

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const chosen = [...days.querySelectorAll('input:checked')].map((i) => i.value);
    const body = { home: state.home, device: device.value, type: type.value, start: start.value, params: {}, enabled: true };
    if (chosen.length) body.days = chosen;
    status.textContent = 'Saving…';
    try {
      await apiIf('/schedule', '/schedule', { method: 'POST', body });
      status.textContent = 'Schedule added.';
      load();
    } catch (e) {
      status.textContent = e.notAvailable ? 'Schedules are not available on this server.' : `Not saved: ${e.detail || e.message}`;
    }
  });

  async function load() {
    device.replaceChildren(...state.devices.map((d) => el('option', { value: d.id, text: d.id })));
    try {
      const r = await apiIf('/schedule', `/schedule?${q({ home: state.home })}`);
      const items = Array.isArray(r) ? r : r.schedules || r.items || [];
      if (!items.length) { list.replaceChildren(note('No schedules yet.')); return; }
      list.replaceChildren(el('ul', { class: 'plain', 'aria-label': 'Schedules' }, ...items.map((s) => el('li', { 'data-id': s.id },
        el('span', {}, el('strong', { text: s.type }), ` ${s.device || 'whole home'}`, s.start ? ` at ${s.start}` : '', s.end ? ` until ${s.end}` : '', s.days ? ` (${s.days.join(', ')})` : ''),
        el('button', { type: 'button', class: 'ghost', 'aria-label': `Delete schedule ${s.type} ${s.device || ''} ${s.start || ''}`, text: 'Delete', onclick: async () => {
          try { await api(`/schedule/${encodeURIComponent(s.id)}`, { method: 'DELETE' }); load(); } catch (e) { status.textContent = `Not deleted: ${e.detail || e.message}`; }
        } })))));
    } catch (e) {
      available = !e.notAvailable;
      list.replaceChildren(describeError(e, 'Schedules'));
      form.hidden = !available;
      newHeading.hidden = !available;
    }
  }
  return { node, load };
}

// --- preferences ---------------------------------------------------------

function preferencesSection(state, devices) {
  const body = el('div', { id: 'prefs-body' }, note('Loading preferences…'));
  const tariffBody = el('div', { id: 'tariff-body' });
  const awayBody = el('div', { id: 'away-body' });
  const node = section('preferences', 'Preferences', body, el('h3', { text: 'Tariff' }), tariffBody, el('h3', { text: 'When nobody is home' }), awayBody);

  function prefsForm(p) {
    const status = el('p', { class: 'help', role: 'status', 'aria-live': 'polite' });
    const peak = (p.peak_hours || [])[0] || { start: '17:00', end: '21:00', days: DAYS.slice(0, 5) };
    const peakStart = el('input', { id: 'peak-start', type: 'time', value: peak.start });
    const peakEnd = el('input', { id: 'peak-end', type: 'time', value: peak.end });
    const essentials = el('fieldset', {}, el('legend', { text: 'Essential devices (never switched off)' }),
      ...state.devices.map((d) => el('label', { class: 'inline' }, el('input', { type: 'checkbox', value: d.id, checked: (p.essential_devices || []).includes(d.id) }), d.id)));
    const form = el('form', { class: 'stack', 'aria-label': 'Preferences' },
      el('fieldset', {}, el('legend', { text: 'Peak hours (weekdays)' }),
        el('label', { for: 'peak-start', text: 'From' }), peakStart, el('label', { for: 'peak-end', text: 'To' }), peakEnd),
      essentials, el('button', { type: 'submit', class: 'primary', text: 'Save preferences' }), status);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const next = { ...p, peak_hours: [{ start: peakStart.value, end: peakEnd.value, days: peak.days || DAYS.slice(0, 5) }],
        essential_devices: [...essentials.querySelectorAll('input:checked')].map((i) => i.value) };
      status.textContent = 'Saving…';
      try {
        await apiIf('/preferences', `/preferences?${q({ home: state.home })}`, { method: 'PUT', body: next });
        status.textContent = 'Saved.';
        apply(next);
      } catch (e) { status.textContent = `Not saved: ${e.detail || e.message}`; }
    });
    return form;
  }

  function apply(p) {
    state.preferences = p;
    state.essential = new Set(p.essential_devices || []);
    state.protectedSet = new Set(p.protected_devices || []);
    devices.refreshReasons();
  }

  async function loadTariff() {
    try {
      const t = await apiIf('/tariff', `/tariff?${q({ home: state.home })}`);
      const versions = Array.isArray(t) ? t : t.versions || t.tariffs || [];
      const now = versions[0];
      const status = el('p', { class: 'help', role: 'status', 'aria-live': 'polite' });
      const price = el('input', { id: 'tariff-default', type: 'number', step: '0.01', min: '0', value: now?.import?.default ?? 0.3 });
      const peakPrice = el('input', { id: 'tariff-peak', type: 'number', step: '0.01', min: '0', value: now?.import?.periods?.[0]?.price ?? 0.45 });
      const form = el('form', { class: 'stack', 'aria-label': 'Tariff' },
        el('label', { for: 'tariff-default', text: `Import price (${now?.currency || 'EUR'}/kWh)` }), price,
        el('label', { for: 'tariff-peak', text: 'Peak-hour import price' }), peakPrice,
        el('button', { type: 'submit', text: 'Add tariff version' }), status);
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        const peak = state.preferences?.peak_hours?.[0] || { start: '17:00', end: '21:00', days: DAYS.slice(0, 5) };
        const body = { valid_from: Date.now(), currency: now?.currency || 'EUR',
          import: { default: Number(price.value), periods: [{ days: peak.days, start: peak.start, end: peak.end, price: Number(peakPrice.value) }] },
          export: now?.export || { default: 0.08, periods: [] } };
        try { await api(`/tariff?${q({ home: state.home })}`, { method: 'PUT', body }); status.textContent = 'Saved: applies from now.'; } catch (e) { status.textContent = `Not saved: ${e.detail || e.message}`; }
      });
      tariffBody.replaceChildren(form);
    } catch (e) {
      tariffBody.replaceChildren(describeError(e, 'Tariffs'));
    }
  }

  function awayForm() {
    const status = el('p', { class: 'help', role: 'status', 'aria-live': 'polite' });
    const minutes = el('input', { id: 'away-minutes', type: 'number', min: '1', max: '1440', value: '30' });
    const form = el('form', { class: 'stack', 'aria-label': 'Away rule' },
      el('label', { for: 'away-minutes', text: 'Switch lights and plugs off after the home is empty for (minutes)' }), minutes,
      el('button', { type: 'submit', text: 'Add away rule' }), status);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      try {
        await api('/schedule', { method: 'POST', body: { home: state.home, type: 'away_off', params: { minutes: Number(minutes.value), kinds: ['light', 'plug'] }, enabled: true } });
        status.textContent = 'Away rule added (listed under Schedules).';
      } catch (e) { status.textContent = e.notAvailable ? 'Away rules are not available on this server.' : `Not saved: ${e.detail || e.message}`; }
    });
    return form;
  }

  return {
    node,
    async load() {
      awayBody.replaceChildren(await hasRoute('/schedule', 'post') ? awayForm() : note('Away rules: not available on this server.', 'muted'));
      loadTariff();
      try {
        const p = await apiIf('/preferences', `/preferences?${q({ home: state.home })}`);
        apply(p);
        body.replaceChildren(prefsForm(p));
      } catch (e) {
        body.replaceChildren(describeError(e, 'Preferences'));
      }
    },
    rerender() { if (state.preferences) body.replaceChildren(prefsForm(state.preferences)); },
  };
}

// --- notifications -------------------------------------------------------

function notificationsSection(state) {
  const list = el('ol', { class: 'plain notes', id: 'notification-list', 'aria-live': 'polite', 'aria-label': 'Notifications, newest first' });
  const body = el('div', {}, note('Loading notifications…'));
  const node = section('notifications', 'Notifications', body);
  const seen = new Set();

  function item(n) {
    const ts = n.ts_ms ?? n.ts;
    const key = `${ts}|${n.kind}|${n.subject}`;
    if (seen.has(key)) return null;
    seen.add(key);
    return el('li', { class: `sev-${n.severity || 'info'}`, 'data-kind': n.kind },
      el('strong', { text: n.title || n.kind }), ' ', el('span', { class: 'help', text: `${n.subject || ''} · ${fmtTime(ts)}` }),
      el('p', { text: n.message }));
  }
  return {
    node,
    add(n, live) {
      const li = item(n);
      if (!li) return;
      if (body.firstChild !== list) body.replaceChildren(list);
      if (live) list.prepend(li); else list.append(li);
    },
    async load() {
      try {
        const r = await api(`/notifications?${q({ home: state.home })}`);
        const items = (r.notifications || []).slice().sort((a, b) => (b.ts_ms ?? b.ts) - (a.ts_ms ?? a.ts));
        if (!items.length && !list.childElementCount) { body.replaceChildren(note('No notifications.')); return; }
        for (const n of items) this.add(n, false);
      } catch (e) {
        body.replaceChildren(describeError(e, 'Notifications'));
      }
    },
  };
}
