// Reconnect delay: a doubling base (min, 2·min, … up to max) spread by jitter to
// 0.75–1.25 × base, never below min nor above max, so a fleet that lost its broker
// together does not come back together, and a refusing broker is never hot-looped.
export function backoff(base: number, min: number, max: number, r: number): number {
  return Math.round(Math.min(max, Math.max(min, base * (0.75 + r / 2))));
}
