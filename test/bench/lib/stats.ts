// Small statistics for benchmark figures: median with spread, percentiles.
export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Nearest-rank percentile (p in 0..100) of an already sorted array. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/** "median (min–max)"; one run: just the value. */
export function withSpread(values: number[], fmt: (value: number) => string): string {
  const mid = median(values);
  if (values.length < 2 || !isFinite(mid)) return fmt(mid);
  return `${fmt(mid)} (${fmt(Math.min(...values))}–${fmt(Math.max(...values))})`;
}

export function fmtNum(x: number, digits = 0): string {
  if (!isFinite(x)) return '–';
  return x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** Ratio a/b as "0.42×", or "–" when either side is missing. */
export function ratio(a: number, b: number): string {
  if (!isFinite(a) || !isFinite(b) || b === 0) return '–';
  return `${(a / b).toFixed(2)}×`;
}
