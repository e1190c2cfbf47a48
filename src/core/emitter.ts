// A minimal event emitter (the board has no 'events' module). Listener lists are replaced,
// never mutated, so a listener added or removed during emit() does not disturb that emit.
export class Emitter<Events> {
  declare listeners_: { [event: string]: Function[] };
  constructor() { this.listeners_ = {}; }
  on<K extends keyof Events & string>(event: K, listener: Events[K]): void {
    this.listeners_[event] = (this.listeners_[event] || []).concat(listener as Function);
  }
  off<K extends keyof Events & string>(event: K, listener: Events[K]): void {
    this.listeners_[event] = (this.listeners_[event] || []).filter((registered) => registered !== (listener as unknown));
  }
  emit(event: keyof Events & string, first?: unknown, second?: unknown, third?: unknown): void {
    (this.listeners_[event] || []).forEach((listener) => listener(first, second, third));
  }
}
