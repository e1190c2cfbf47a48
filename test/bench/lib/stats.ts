// Small statistics for benchmark figures: median with spread, percentiles.
export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((left, right) => left - right);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Nearest-rank percentile (p in 0..100) of an already sorted array. */
export function percentile(sorted: number[], pct: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((pct / 100) * sorted.length) - 1));
  return sorted[i];
}

/** "median (min–max)"; one run: just the value. */
export function withSpread(values: number[], fmt: (value: number) => string): string {
  const mid = median(values);
  if (values.length < 2 || !isFinite(mid)) return fmt(mid);
  return `${fmt(mid)} (${fmt(Math.min(...values))}–${fmt(Math.max(...values))})`;
}

export function fmtNum(value: number, digits = 0): string {
  if (!isFinite(value)) return '–';
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** Ratio a/b as "0.42×", or "–" when either side is missing. */
export function ratio(numerator: number, denominator: number): string {
  if (!isFinite(numerator) || !isFinite(denominator) || denominator === 0) return '–';
  return `${(numerator / denominator).toFixed(2)}×`;
}
