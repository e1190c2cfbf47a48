// An in-memory Transport whose far end the test plays by hand (packets in, packets out),
// for unit tests of the client state machine.
import type { Codec, Packet, Transport, TransportHandlers } from '../../src/core/types';
import { mqttPacketCodec } from '../../src/node/mqtt-packet-codec';

export class MemoryTransport implements Transport {
  h?: TransportHandlers;
  state: 'new' | 'opening' | 'open' | 'closed' = 'new';
  /** Packets the client wrote, parsed. */
  sent: Packet[] = [];
  bytes: Uint8Array[] = [];
  /** When false, write() reports back-pressure. */
  writable = true;
  private parser;
  constructor(private codec: Codec = mqttPacketCodec) {
    this.parser = codec.parser(1 << 28, (p) => this.sent.push(p), (e) => { throw e; });
  }
  open(h: TransportHandlers): void { this.h = h; this.state = 'opening'; }
  write(b: Uint8Array): boolean {
    if (this.state !== 'open') throw new Error(`write on a ${this.state} transport`);
    this.bytes.push(b); this.parser.feed(b);
    return this.writable;
  }
  close(): void { if (this.state !== 'closed') { this.state = 'closed'; this.h!.onClose(); } }
  // --- the test's side ---
  accept(): void { this.state = 'open'; this.h!.onOpen(); }
  refuse(err = new Error('connect ECONNREFUSED')): void { this.state = 'closed'; this.h!.onClose(err); }
  deliver(p: Packet): void { this.h!.onData(this.codec.encode(p)); }
  deliverBytes(b: Uint8Array): void { this.h!.onData(b); }
  drop(err = new Error('connection reset')): void { if (this.state !== 'closed') { this.state = 'closed'; this.h!.onClose(err); } }
  drain(): void { this.writable = true; this.h!.onDrain(); }
  take(): Packet[] { const s = this.sent; this.sent = []; return s; }
}

/** A TransportFactory that remembers every transport it made. */
export function memoryTransports(codec?: Codec) {
  const made: MemoryTransport[] = [];
  return { made, factory: () => { const t = new MemoryTransport(codec); made.push(t); return t; }, last: () => made[made.length - 1] };
}
