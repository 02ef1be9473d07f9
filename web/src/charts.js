// uPlot charts sized to their container, restyled when the theme changes.
// Each chart also gets a text summary for screen readers (the canvas is
// hidden from them).

import uPlot from 'uplot';

export const palette = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02', '#a6761d', '#1f78b4', '#b2df8a', '#fb9a99', '#cab2d6', '#999999'];

function axisColor() {
  return getComputedStyle(document.documentElement).getPropertyValue('--muted').trim() || '#666';
}
function gridColor() {
  return getComputedStyle(document.documentElement).getPropertyValue('--grid').trim() || '#ddd';
}

function axes(yLabel, xTime = true) {
  const stroke = axisColor();
  const grid = { stroke: gridColor(), width: 1 };
  return [
    { stroke, grid, ticks: grid, ...(xTime ? {} : {}) },
    { stroke, grid, ticks: grid, label: yLabel, size: 60 },
  ];
}

/**
 * A chart in `container` that follows its width.
 * @returns {{ set(data: any[]): void, destroy(): void, plot: uPlot }}
 */
export function chart(container, { series, yLabel, height = 220, bars = false, stepped = false }) {
  const width = () => Math.max(260, container.clientWidth - 8);
  const make = (data) => new uPlot({
    width: width(),
    height,
    legend: { show: true },
    cursor: { drag: { x: false, y: false } },
    // From zero (or below, for solar): bars and power read true against their axis.
    scales: { x: { time: true }, y: { range: (u, min, max) => [Math.min(0, min ?? 0), (max ?? 0) > 0 ? max * 1.1 : 1] } },
    axes: axes(yLabel),
    series: [{}, ...series.map((s, i) => ({
      label: s.label,
      stroke: s.color || palette[i % palette.length],
      fill: s.fill ?? (bars ? s.color || palette[i % palette.length] : undefined),
      width: bars ? 0 : 2,
      paths: bars ? uPlot.paths.bars({ size: [0.8, 60] }) : stepped ? uPlot.paths.stepped({ align: 1 }) : undefined,
      points: { show: false },
      value: s.value,
    }))],
  }, data, container);
  let data = [[], ...series.map(() => [])];
  let plot = make(data);
  plot.root.setAttribute('aria-hidden', 'true');
  const onResize = () => plot.setSize({ width: width(), height });
  const onTheme = () => { plot.destroy(); plot = make(data); plot.root.setAttribute('aria-hidden', 'true'); };
  const observer = new ResizeObserver(onResize);
  observer.observe(container);
  window.addEventListener('hems:theme', onTheme);
  return {
    set(next) { data = next; plot.setData(next); },
    destroy() { observer.disconnect(); window.removeEventListener('hems:theme', onTheme); plot.destroy(); },
    get plot() { return plot; },
  };
}

/** Cumulative sums of `rows` (one array per series), for stacked bars drawn top first. */
export function stack(rows) {
  const out = [];
  let running = rows.length ? rows[0].map(() => 0) : [];
  for (const row of rows) {
    running = running.map((v, i) => v + (row[i] || 0));
    out.push(running);
  }
  return out;
}
