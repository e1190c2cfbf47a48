// One direction of the emulated UART: bytes leave in order, no faster than `rate` bytes
// per second (115200 8N1 = 11,520 B/s; 0 = unthrottled), and, when `cut` is given, reach
// the reader in reads of the sizes it returns (split headers, merged messages).
export class Pipe {
  private queue: { at: number; b: Uint8Array }[] = [];
  private free = 0; // when the line is next idle (ms, performance.now() clock)
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  constructor(private rate: number, private sink: (bytes: Uint8Array) => void, private cut?: () => number) {}

  push(bytes: Uint8Array): void {
    if (this.closed || bytes.length === 0) return;
    const now = performance.now();
    const start = Math.max(now, this.free);
    this.free = this.rate > 0 ? start + (bytes.length * 1000) / this.rate : start;
    this.queue.push({ at: this.free, b: Uint8Array.prototype.slice.call(bytes) as Uint8Array });
    this.arm();
  }

  /** Bytes queued but not yet delivered. */
  get pending(): number { let total = 0; for (const entry of this.queue) total += entry.b.length; return total; }

  close(): void { this.closed = true; this.queue = []; if (this.timer) clearTimeout(this.timer); this.timer = null; }

  private arm(): void {
    if (this.timer || this.queue.length === 0) return;
    const wait = Math.max(0, this.queue[0].at - performance.now());
    this.timer = setTimeout(() => { this.timer = null; this.flush(); }, wait);
  }

  private flush(): void {
    const now = performance.now();
    const due: Uint8Array[] = [];
    while (this.queue.length && this.queue[0].at <= now + 0.5) due.push(this.queue.shift()!.b);
    if (due.length) {
      const all = due.length === 1 ? due[0] : Buffer.concat(due);
      if (!this.cut) this.sink(all);
      else for (let i = 0; i < all.length && !this.closed; ) { const size = Math.max(1, this.cut()); this.sink(all.subarray(i, i + size)); i += size; }
    }
    this.arm();
  }
}
