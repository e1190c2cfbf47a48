// A Platform with a hand-driven clock, so keepalive and backoff arithmetic is exact in tests.
import type { Platform } from '../../src/core/types';

interface FakeTimer { id: number; at: number; fn: () => void }

export class FakePlatform implements Platform {
  t = 0;
  private timers: FakeTimer[] = [];
  private nextId = 1;
  private seed: number;
  logs: string[] = [];
  /** Unset: no memory limit, as on Node. A test sets it to stand in for a board's process.memory(). */
  memoryError?: (bytes: number, offline: boolean) => string;
  constructor(seed = 1) { this.seed = seed; }
  now(): number { return this.t; }
  setTimeout(fn: () => void, ms: number): unknown {
    const timer = { id: this.nextId++, at: this.t + Math.max(0, ms), fn };
    this.timers.push(timer);
    return timer.id;
  }
  clearTimeout(id: unknown): void { this.timers = this.timers.filter((x) => x.id !== id); }
  /** Deterministic LCG in [0, 1). */
  random(): number { this.seed = (this.seed * 1103515245 + 12345) % 2147483648; return this.seed / 2147483648; }
  /** An arrow, as on the board and in nodePlatform: callers may call it without `this`. */
  log = (level: string, msg: string): void => { this.logs.push(`${level}: ${msg}`); };
  /** Timers still pending. */
  get pending(): number { return this.timers.length; }
  /** Advance the clock by ms, firing due timers in time order (timers set by timers included). */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let next: FakeTimer | undefined;
      for (const x of this.timers) if (x.at <= end && (!next || x.at < next.at || (x.at === next.at && x.id < next.id))) next = x;
      if (!next) break;
      this.timers = this.timers.filter((x) => x !== next);
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    this.t = end;
  }
}
