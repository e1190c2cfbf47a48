// Wraps a TransportFactory and records every packet each way (parsed with mqtt-packet),
// per connection, without changing a byte: for fault tests that need to know what the
// client actually sent and what the broker acknowledged.
import type { Transport, TransportFactory, TransportHandlers } from '../../src/core/types';
import { mqttPacketCodec } from '../../src/node/mqtt-packet-codec';

export interface Tapped { conn: number; dir: 'out' | 'in'; at: number; p: any }

export function tapTransport(inner: TransportFactory): { factory: TransportFactory; log: Tapped[] } {
  const log: Tapped[] = [];
  let conns = 0;
  const factory = (): Transport => {
    const t = inner();
    const conn = conns++;
    const rec = (dir: 'out' | 'in') => mqttPacketCodec.parser(1 << 28, (p) => log.push({ conn, dir, at: Date.now(), p }), () => { /* bad bytes: not ours to judge */ });
    const outP = rec('out'), inP = rec('in');
    return {
      open(h: TransportHandlers) {
        t.open({ ...h, onData(b) { inP.feed(b); h.onData(b); } });
      },
      write(b) { outP.feed(b); return t.write(b); },
      close() { t.close(); },
    };
  };
  return { factory, log };
}
