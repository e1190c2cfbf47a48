// SVG charts drawn by the bench itself: plain strings, no library, no network, no web
// fonts, so a chart renders the same on GitHub, in a browser and in an editor's preview.
// Two kinds: grouped bars with min–max whiskers (figures from repeated runs), and lines.

export interface Spread { median: number; min: number; max: number }
export interface BarSeries { name: string; values: (Spread | undefined)[] }
export interface BarChartSpec { title: string; yLabel: string; groups: string[]; series: BarSeries[]; logScale?: boolean; note?: string }
export interface LineSeries { name: string; points: [number, number][]; dashed?: boolean }
export interface LineChartSpec { title: string; xLabel: string; yLabel: string; series: LineSeries[]; note?: string; yMax?: number; logScale?: boolean }

const WIDTH = 860;
const HEIGHT = 420;
const MARGIN = { left: 78, right: 170, top: 44, bottom: 78 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;
const TICKS = 5;
/** Colour-blind-safe (Okabe–Ito), one per series in order. */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];
const FONT = 'font-family="sans-serif"';

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (value: number) => (Math.round(value * 10) / 10).toString();

/** A short axis label: 1.2k, 35M, 0.05. */
export function shortNumber(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${+(value / 1e6).toPrecision(3)}M`;
  if (abs >= 1e3) return `${+(value / 1e3).toPrecision(3)}k`;
  return `${+value.toPrecision(3)}`;
}

/** Round tick values covering 0..max (linear) or decades covering min..max (log). */
function ticks(min: number, max: number, logScale: boolean): number[] {
  if (logScale) {
    const out: number[] = [];
    for (let decade = Math.floor(Math.log10(min)); decade <= Math.ceil(Math.log10(max)); decade++) out.push(10 ** decade);
    return out;
  }
  const rough = max / TICKS;
  const magnitude = 10 ** Math.floor(Math.log10(rough || 1));
  const step = [1, 2, 2.5, 5, 10].map((factor) => factor * magnitude).find((candidate) => candidate >= rough) ?? rough;
  const out: number[] = [];
  // Up to the first tick at or above max: the axis must hold the largest value, not clip it.
  for (let tick = 0; ; tick += step) {
    out.push(tick);
    if (tick >= max) return out;
  }
}

interface Scale { toY(value: number): number; ticks: number[] }

function yScale(values: number[], logScale: boolean, fixedMax?: number): Scale {
  const positive = values.filter((value) => value > 0 && isFinite(value));
  const high = fixedMax ?? Math.max(...positive, 1);
  if (logScale) {
    const low = Math.min(...positive, high);
    const tickList = ticks(low, high, true);
    const bottom = Math.log10(tickList[0]), top = Math.log10(tickList[tickList.length - 1]);
    return { ticks: tickList, toY: (value) => MARGIN.top + PLOT_H * (1 - (Math.log10(Math.max(value, tickList[0])) - bottom) / (top - bottom || 1)) };
  }
  const tickList = ticks(0, high, false);
  const top = tickList[tickList.length - 1];
  return { ticks: tickList, toY: (value) => MARGIN.top + PLOT_H * (1 - Math.min(value, top) / top) };
}

function frame(title: string, yLabel: string, scale: Scale, note: string | undefined, body: string[]): string {
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" ${FONT} font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>`,
    `<text transform="translate(16 ${MARGIN.top + PLOT_H / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`,
  ];
  for (const tick of scale.ticks) {
    const tickY = num(scale.toY(tick));
    out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + PLOT_W}" y1="${tickY}" y2="${tickY}" stroke="#dddddd"/>`);
    out.push(`<text x="${MARGIN.left - 6}" y="${tickY}" dy="4" text-anchor="end">${shortNumber(tick)}</text>`);
  }
  out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + PLOT_H}" stroke="#333333"/>`);
  out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + PLOT_W}" y1="${MARGIN.top + PLOT_H}" y2="${MARGIN.top + PLOT_H}" stroke="#333333"/>`);
  out.push(...body);
  if (note) out.push(`<text x="${MARGIN.left}" y="${HEIGHT - 8}" font-size="11" fill="#555555">${esc(note)}</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}

function legend(names: string[], dashed: boolean[] = []): string[] {
  return names.flatMap((name, i) => {
    const left = MARGIN.left + PLOT_W + 16, top = MARGIN.top + 10 + i * 20, colour = PALETTE[i % PALETTE.length];
    return [
      dashed[i]
        ? `<line x1="${left}" x2="${left + 14}" y1="${top}" y2="${top}" stroke="${colour}" stroke-width="2.5" stroke-dasharray="4 3"/>`
        : `<rect x="${left}" y="${top - 6}" width="14" height="12" fill="${colour}"/>`,
      `<text x="${left + 20}" y="${top}" dy="4">${esc(name)}</text>`,
    ];
  });
}

/** Grouped bars (one group per case, one bar per series) with min–max whiskers. */
export function barChart(spec: BarChartSpec): string {
  const all = spec.series.flatMap((series) => series.values.flatMap((value) => (value ? [value.median, value.max, value.min] : [])));
  const scale = yScale(all, !!spec.logScale);
  const groupW = PLOT_W / Math.max(1, spec.groups.length);
  const barW = (groupW * 0.8) / Math.max(1, spec.series.length);
  const body: string[] = [];
  spec.groups.forEach((group, groupIndex) => {
    const left = MARGIN.left + groupIndex * groupW + groupW * 0.1;
    // "QoS 1, 64 KiB" on two lines: on one, neighbouring labels run into each other.
    const labelX = num(left + groupW * 0.4);
    const lines = group.split(', ').map((line, i) => `<tspan x="${labelX}" dy="${i ? 12 : 0}">${esc(line)}</tspan>`).join('');
    body.push(`<text x="${labelX}" y="${MARGIN.top + PLOT_H + 16}" text-anchor="middle" font-size="11">${lines}</text>`);
    spec.series.forEach((series, seriesIndex) => {
      const value = series.values[groupIndex];
      if (!value || !isFinite(value.median)) return;
      const barX = left + seriesIndex * barW, top = scale.toY(value.median), base = MARGIN.top + PLOT_H;
      body.push(`<rect x="${num(barX)}" y="${num(top)}" width="${num(barW * 0.9)}" height="${num(base - top)}" fill="${PALETTE[seriesIndex % PALETTE.length]}"><title>${esc(`${series.name}, ${group}: ${shortNumber(value.median)} (${shortNumber(value.min)}–${shortNumber(value.max)})`)}</title></rect>`);
      if (value.max > value.min) {
        const mid = num(barX + barW * 0.45);
        body.push(`<line x1="${mid}" x2="${mid}" y1="${num(scale.toY(value.max))}" y2="${num(scale.toY(value.min))}" stroke="#222222"/>`);
      }
    });
  });
  body.push(...legend(spec.series.map((series) => series.name)));
  return frame(spec.title, spec.yLabel, scale, spec.note, body);
}

/** Lines over a linear x axis. */
export function lineChart(spec: LineChartSpec): string {
  const xValues = spec.series.flatMap((series) => series.points.map((point) => point[0]));
  const yValues = spec.series.flatMap((series) => series.points.map((point) => point[1]));
  const scale = yScale(yValues, !!spec.logScale, spec.yMax);
  const xTicks = ticks(0, Math.max(...xValues, 1), false);
  const xTop = xTicks[xTicks.length - 1];
  const toX = (value: number) => MARGIN.left + PLOT_W * (value / xTop);
  const body: string[] = [];
  for (const tick of xTicks) body.push(`<text x="${num(toX(tick))}" y="${MARGIN.top + PLOT_H + 16}" text-anchor="middle">${shortNumber(tick)}</text>`);
  body.push(`<text x="${MARGIN.left + PLOT_W / 2}" y="${MARGIN.top + PLOT_H + 36}" text-anchor="middle">${esc(spec.xLabel)}</text>`);
  spec.series.forEach((series, i) => {
    if (!series.points.length) return;
    const path = series.points.map((point, j) => `${j ? 'L' : 'M'}${num(toX(point[0]))} ${num(scale.toY(point[1]))}`).join(' ');
    body.push(`<path d="${path}" fill="none" stroke="${PALETTE[i % PALETTE.length]}" stroke-width="2"${series.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
  });
  body.push(...legend(spec.series.map((series) => series.name), spec.series.map((series) => !!series.dashed)));
  return frame(spec.title, spec.yLabel, scale, spec.note, body);
}

/** median/min/max of repeated figures, or undefined when there are none. */
export function spreadOf(values: number[]): Spread | undefined {
  const finite = values.filter((value) => isFinite(value));
  if (!finite.length) return undefined;
  const sorted = finite.slice().sort((left, right) => left - right);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}
