// Drives one Transport by hand: open, send CONNECT, wait for CONNACK. Proves a transport
// against a real broker without the client state machine in the way.
import type { Packet, Transport } from '../../src/core/types';
import { mqttPacketCodec } from '../../src/node/mqtt-packet-codec';

export interface RawResult { opened: boolean; packets: Packet[]; closeReason?: Error; closed: boolean }

/** Opens `t`, sends a CONNECT, resolves at CONNACK (then closes) or at close. */
export function rawConnect(t: Transport, username = 'admin', password = 'password', timeoutMs = 10_000): Promise<RawResult> {
  const r: RawResult = { opened: false, packets: [], closed: false };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { t.close(); reject(new Error('rawConnect: neither CONNACK nor close')); }, timeoutMs);
    const parser = mqttPacketCodec.parser(1 << 20, (p) => {
      r.packets.push(p);
      if (p.cmd === 'connack') { t.close(); }
    }, (e) => { t.close(); reject(e); });
    t.open({
      onOpen() {
        r.opened = true;
        t.write(mqttPacketCodec.encode({ cmd: 'connect', clientId: 'raw' + process.pid + Math.floor(Math.random() * 1e6), clean: true, keepalive: 10, username, password: new TextEncoder().encode(password) }));
      },
      onData(b) { parser.feed(b); },
      onDrain() {},
      onClose(reason) {
        if (r.closed) { reject(new Error('onClose called twice')); return; }
        r.closed = true; r.closeReason = reason; clearTimeout(timer);
        // Let a second onClose (a bug) show up before resolving.
        setTimeout(() => resolve(r), 20);
      },
    });
  });
}
