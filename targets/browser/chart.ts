/// <reference lib="dom" />
// The readings chart: an SVG drawn from scratch at each reading (60-odd marks: cheaper to
// redraw than to patch). x is the reading's `seq`, so a missing reading leaves an empty step
// and the line breaks there; y is the value, with the unit on the axis. One colour per sensor.

export interface Reading { seq: number; value: number; unit: string; ts?: number }
export interface Series { name: string; readings: Reading[] }

const SVG_NS = 'http://www.w3.org/2000/svg';
const HEIGHT = 220;
const MARGIN = { left: 52, right: 14, top: 14, bottom: 34 };
const Y_TICKS = 4;
const X_TICKS = 6;
const MARK_RADIUS = 3.5;
/** Before layout (or hidden), and the narrowest the chart is drawn. */
const DEFAULT_WIDTH = 600;
const MIN_WIDTH = 280;
/** Room above and below the values, as a share of their span. */
const VALUE_PADDING = 0.1;
const COLOURS = ['#ff9f1c', '#2ec4b6', '#e71d36', '#7b6cf6'];
/** Kept per sensor, and so drawn: at least the last 60 (the page's promise), a little more. */
export const KEEP_READINGS = 90;

function element(name: string, attributes: { [name: string]: string | number }, parent: Element, text?: string): SVGElement {
  const node = document.createElementNS(SVG_NS, name);
  for (const key of Object.keys(attributes)) node.setAttribute(key, String(attributes[key]));
  if (text !== undefined) node.textContent = text;
  parent.appendChild(node);
  return node;
}

/** Round numbers for axis ticks: 1, 2 or 5 times a power of ten. */
function niceStep(span: number, count: number): number {
  const raw = span / count || 1;
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const scaled = raw / power;
  return (scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10) * power;
}

interface Frame { x(seq: number): number; y(value: number): number; firstSeq: number; lastSeq: number; low: number; high: number; width: number }

function frameFor(series: Series[], width: number): Frame | undefined {
  const all = series.reduce<Reading[]>((list, one) => list.concat(one.readings), []);
  if (all.length === 0) return undefined;
  const seqs = all.map((reading) => reading.seq), values = all.map((reading) => reading.value);
  const firstSeq = Math.min(...seqs), lastSeq = Math.max(firstSeq + 1, ...seqs);
  let low = Math.min(...values), high = Math.max(...values);
  // Some room above and below, and a visible span when every value is the same.
  const pad = (high - low) * VALUE_PADDING || 0.5;
  low -= pad; high += pad;
  const plotWidth = width - MARGIN.left - MARGIN.right, plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  return {
    firstSeq, lastSeq, low, high, width,
    x: (seq) => MARGIN.left + ((seq - firstSeq) / (lastSeq - firstSeq)) * plotWidth,
    y: (value) => MARGIN.top + (1 - (value - low) / (high - low)) * plotHeight,
  };
}

function drawAxes(svg: SVGSVGElement, frame: Frame, unit: string): void {
  const bottom = HEIGHT - MARGIN.bottom, right = frame.width - MARGIN.right;
  const axes = element('g', { class: 'axes' }, svg);
  element('line', { x1: MARGIN.left, y1: MARGIN.top, x2: MARGIN.left, y2: bottom }, axes);
  element('line', { x1: MARGIN.left, y1: bottom, x2: right, y2: bottom }, axes);
  const yStep = niceStep(frame.high - frame.low, Y_TICKS);
  for (let value = Math.ceil(frame.low / yStep) * yStep; value <= frame.high; value += yStep) {
    const yPos = frame.y(value);
    element('line', { class: 'grid', x1: MARGIN.left, y1: yPos, x2: right, y2: yPos }, axes);
    element('text', { x: MARGIN.left - 6, y: yPos + 4, 'text-anchor': 'end' }, axes, String(Number(value.toFixed(2))));
  }
  const xStep = Math.max(1, Math.round(niceStep(frame.lastSeq - frame.firstSeq, X_TICKS)));
  for (let seq = Math.ceil(frame.firstSeq / xStep) * xStep; seq <= frame.lastSeq; seq += xStep) {
    element('text', { x: frame.x(seq), y: bottom + 16, 'text-anchor': 'middle' }, axes, String(seq));
  }
  element('text', { class: 'unit', x: 4, y: MARGIN.top - 2 }, axes, unit);
  element('text', { class: 'unit', x: right, y: HEIGHT - 2, 'text-anchor': 'end' }, axes, 'reading (seq)');
}

/** One polyline per run of consecutive seq numbers: a gap in seq is a gap in the line. */
function runsOf(readings: Reading[]): Reading[][] {
  const runs: Reading[][] = [];
  for (const reading of readings) {
    const run = runs[runs.length - 1];
    if (run && reading.seq === run[run.length - 1].seq + 1) run.push(reading);
    else runs.push([reading]);
  }
  return runs;
}

export function drawChart(svg: SVGSVGElement, series: Series[]): void {
  const width = Math.max(MIN_WIDTH, Math.round(svg.getBoundingClientRect().width) || DEFAULT_WIDTH);
  svg.setAttribute('viewBox', `0 0 ${width} ${HEIGHT}`);
  svg.setAttribute('height', String(HEIGHT));
  while (svg.firstChild) svg.removeChild(svg.firstChild);
  const frame = frameFor(series, width);
  if (!frame) {
    element('text', { x: width / 2, y: HEIGHT / 2, 'text-anchor': 'middle', class: 'empty' }, svg, 'waiting for readings…');
    return;
  }
  const units = series.filter((one) => one.readings.length).map((one) => one.readings[0].unit);
  drawAxes(svg, frame, units.filter((unit, i) => units.indexOf(unit) === i).join(', '));
  series.forEach((one, index) => {
    const colour = COLOURS[index % COLOURS.length];
    const group = element('g', { class: 'series', 'data-sensor': one.name, fill: colour, stroke: colour }, svg);
    for (const run of runsOf(one.readings)) {
      if (run.length > 1) element('polyline', { fill: 'none', points: run.map((reading) => `${frame.x(reading.seq).toFixed(1)},${frame.y(reading.value).toFixed(1)}`).join(' ') }, group);
    }
    for (const reading of one.readings) {
      const mark = element('circle', { cx: frame.x(reading.seq).toFixed(1), cy: frame.y(reading.value).toFixed(1), r: MARK_RADIUS, 'data-seq': reading.seq }, group);
      element('title', {}, mark, `${one.name} #${reading.seq}: ${reading.value} ${reading.unit}`);
    }
  });
}
