// A minimal event emitter (the board has no 'events' module). Listener lists are replaced,
// never mutated, so a listener added or removed during emit() does not disturb that emit.
export class Emitter<E> {
  declare l: { [ev: string]: Function[] };
  constructor() { this.l = {}; }
  on<K extends keyof E & string>(ev: K, fn: E[K]): void { this.l[ev] = (this.l[ev] || []).concat(fn as Function); }
  off<K extends keyof E & string>(ev: K, fn: E[K]): void { this.l[ev] = (this.l[ev] || []).filter((f) => f !== (fn as unknown)); }
  emit(ev: keyof E & string, a?: unknown, b?: unknown, c?: unknown): void {
    (this.l[ev] || []).forEach((f) => f(a, b, c));
  }
}
