// Reconnect delay: a doubling base (min, 2·min, … up to max) spread by jitter to
// 0.75–1.25 × base, never below min nor above max, so a fleet that lost its broker
// together does not come back together, and a refusing broker is never hot-looped.
// `random` in [0, 1) picks the point in the jitter range.
const JITTER_LOW = 0.75, JITTER_SPAN = 0.5;

export function backoff(base: number, min: number, max: number, random: number): number {
  return Math.round(Math.min(max, Math.max(min, base * (JITTER_LOW + random * JITTER_SPAN))));
}
