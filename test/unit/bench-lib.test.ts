// The bench's own arithmetic and drawing (test/bench/lib): the figures BENCHMARKS.md is built
// from must be right even though the bench itself is never run by `npm test`.
import { describe, it, expect } from 'vitest';
import { warmShare } from '../bench/lib/pair';
import { withSpread, fmtNum } from '../bench/lib/stats';
import { barChart, lineChart, spreadOf, shortNumber } from '../bench/lib/svg';

describe('bench arithmetic', () => {
  it('warm-up share: 0 for a run at one pace throughout or with a late stall, the excess time for a slow first fifth', () => {
    const steady = Array.from({ length: 10 }, (_, i) => 100 + (i + 1) * 10);
    expect(warmShare(100, steady)).toBeCloseTo(0, 9);
    // The first tenth took 30 ms instead of 10: 20 ms of a 120 ms run is warm-up.
    const slowStart = Array.from({ length: 10 }, (_, i) => 100 + 20 + (i + 1) * 10);
    expect(warmShare(100, slowStart)).toBeCloseTo(20 / 120, 9);
    // A stall late in the run (another process) is not warm-up.
    const lateStall = Array.from({ length: 10 }, (_, i) => 100 + (i + 1) * 10 + (i >= 7 ? 50 : 0));
    expect(warmShare(100, lateStall)).toBe(0);
    expect(warmShare(100, [110, 120])).toBeNaN();
  });

  it('figures are "median (min–max)"; one run is the value alone', () => {
    expect(withSpread([3, 1, 2], (value) => fmtNum(value))).toBe('2 (1–3)');
    expect(withSpread([5], (value) => fmtNum(value))).toBe('5');
    expect(spreadOf([4, NaN, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4 });
    expect(spreadOf([])).toBeUndefined();
    expect([shortNumber(1234), shortNumber(35_000_000), shortNumber(0.05)]).toEqual(['1.23k', '35M', '0.05']);
  });
});

describe('bench charts', () => {
  it('a bar chart has one bar per figure, whiskers where runs differ, escaped text, no external reference', () => {
    const svg = barChart({
      title: 'a <b> & c', yLabel: 'msg/s', groups: ['QoS 0', 'QoS 1'], logScale: true,
      series: [{ name: 'glowmq', values: [{ median: 100, min: 90, max: 120 }, undefined] }, { name: 'MQTT.js', values: [{ median: 50, min: 50, max: 50 }, { median: 10, min: 9, max: 11 }] }],
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('a &lt;b&gt; &amp; c');
    expect(svg.match(/<rect x=/g)).toHaveLength(3 + 2); // three bars, two legend swatches
    expect(svg.match(/<line x1="[\d.]+" x2="[\d.]+" y1="[\d.]+" y2="[\d.]+" stroke="#222222"\/>/g)).toHaveLength(2);
    expect(svg).not.toMatch(/href|@import|url\(/);
  });

  it('a line chart draws one path per series and clamps values above yMax to the top', () => {
    const svg = lineChart({ title: 't', xLabel: 'x', yLabel: 'y', yMax: 10, series: [{ name: 'a', points: [[0, 1], [50, 5], [100, 1000]] }, { name: 'b', points: [[0, 2], [100, 3]], dashed: true }] });
    const paths = svg.match(/<path d="([^"]+)"/g)!;
    expect(paths).toHaveLength(2);
    const yValues = [...paths[0].matchAll(/[ML][\d.]+ ([\d.]+)/g)].map((match) => Number(match[1]));
    expect(Math.min(...yValues)).toBeGreaterThanOrEqual(44); // never above the plot's top margin
    expect(svg).toContain('stroke-dasharray="6 4"');
  });

  it('without yMax the axis reaches past the largest value (80.7 is drawn below the top tick, not clipped to 80)', () => {
    const svg = lineChart({ title: 't', xLabel: 'x', yLabel: 'MiB', series: [{ name: 'rss', points: [[0, 54.2], [100, 80.7], [200, 80.7]] }] });
    const yValues = [...svg.match(/<path d="([^"]+)"/)![1].matchAll(/[ML][\d.]+ ([\d.]+)/g)].map((match) => Number(match[1]));
    expect(Math.min(...yValues)).toBeGreaterThan(44); // below the plot's top: not clamped
    expect(svg).toContain('>100</text>'); // the top tick
  });

  it('a bar group label of two parts ("QoS 1, 64 KiB") is set on two lines', () => {
    const svg = barChart({ title: 't', yLabel: 'y', groups: ['QoS 1, 64 KiB'], series: [{ name: 'a', values: [{ median: 1, min: 1, max: 1 }] }] });
    expect(svg).toMatch(/<tspan x="[\d.]+" dy="0">QoS 1<\/tspan><tspan x="[\d.]+" dy="12">64 KiB<\/tspan>/);
  });
});
