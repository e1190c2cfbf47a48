// Counts numbered messages (payload = sequence number) per topic as an observer sees them,
// and judges them against the QoS contract: QoS 1 at least once and in order of first
// arrival, QoS 2 exactly once and in order.
export interface TallyVerdict {
  topic: string;
  expected: number;
  received: number;     // deliveries, duplicates included
  missing: number[];
  duplicates: number[];
  outOfOrder: number[]; // first arrivals that came after a higher number
}

export class SeqTally {
  private seen: { [topic: string]: number[] } = {};
  add(topic: string, payload: Uint8Array | string): void {
    const n = Number(typeof payload === 'string' ? payload : Buffer.from(payload).toString());
    (this.seen[topic] ??= []).push(n);
  }
  count(topic: string): number { return (this.seen[topic] ?? []).length; }
  distinct(topic: string): number { return new Set(this.seen[topic] ?? []).size; }
  has(topic: string, n: number): boolean { return (this.seen[topic] ?? []).includes(n); }
  /** Judge the numbers first..last-1 on `topic`. */
  verdict(topic: string, first: number, last: number): TallyVerdict {
    const got = this.seen[topic] ?? [];
    const counts = new Map<number, number>();
    const order: number[] = [];
    for (const n of got) { if (!counts.has(n)) order.push(n); counts.set(n, (counts.get(n) ?? 0) + 1); }
    const missing: number[] = [];
    for (let n = first; n < last; n++) if (!counts.has(n)) missing.push(n);
    const duplicates = [...counts].filter(([, c]) => c > 1).map(([n]) => n);
    const outOfOrder: number[] = [];
    let max = -Infinity;
    for (const n of order) { if (n < max) outOfOrder.push(n); else max = n; }
    return { topic, expected: last - first, received: got.length, missing, duplicates, outOfOrder };
  }
}

/** Resolve when cond() holds, polling every `everyMs`; reject after `timeoutMs` with `what`. */
export function until(cond: () => boolean, what: string, timeoutMs = 10_000, everyMs = 20): Promise<void> {
  const end = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (cond()) return resolve();
      if (Date.now() > end) return reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      setTimeout(tick, everyMs);
    };
    tick();
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
