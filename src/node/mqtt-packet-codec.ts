// The Node codec: mqtt-packet itself behind glowmq's Codec interface. mqtt-packet does not
// bound packet sizes, so the fixed header of each packet is read here first and an
// oversized remaining length is refused before mqtt-packet buffers a byte of it.
import mqttPacket from 'mqtt-packet';
import type { Codec, Packet, PacketParser } from '../core/types';

function toBuffer(u8: Uint8Array | string | undefined): Buffer | string | undefined {
  if (u8 === undefined || typeof u8 === 'string' || Buffer.isBuffer(u8)) return u8;
  return Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
}

export const mqttPacketCodec: Codec = {
  encode(packet: Packet): Uint8Array {
    const p: any = { ...packet };
    if ('payload' in p) p.payload = toBuffer(p.payload);
    if ('password' in p && p.password !== undefined) p.password = toBuffer(p.password);
    if (p.will) p.will = { ...p.will, payload: toBuffer(p.will.payload) };
    if (p.cmd === 'connect') { p.protocolId ??= 'MQTT'; p.protocolVersion ??= 4; }
    return mqttPacket.generate(p);
  },

  parser(maxPacketSize, onPacket, onError): PacketParser {
    const inner = mqttPacket.parser({ protocolVersion: 4 });
    let dead = false;
    inner.on('packet', (p: any) => { if (!dead) onPacket(p as Packet); });
    inner.on('error', (e: Error) => { if (!dead) { dead = true; onError(e); } });
    // Boundary tracker: where we are in the current packet's fixed header / body.
    let need = 0;          // body bytes still to pass through
    let hdr = 0;           // header bytes seen of the current packet (0 = expecting type byte)
    let len = 0, mul = 1;  // remaining length being decoded
    const toInner = (u8: Uint8Array) => { if (u8.length) inner.parse(Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength)); };
    // A refused header: mqtt-packet first gets the whole packets before it in this chunk
    // (they were valid and must not be swallowed), then the error is reported.
    const refuse = (bytes: Uint8Array, start: number, msg: string) => {
      toInner(bytes.subarray(0, start));
      if (!dead) { dead = true; onError(new Error(msg)); }
    };
    return {
      feed(bytes: Uint8Array) {
        if (dead) return;
        let start = 0; // where the current packet's fixed header began in this chunk (0: in an earlier one)
        for (let i = 0; i < bytes.length; ) {
          if (need > 0) { const n = Math.min(need, bytes.length - i); need -= n; i += n; continue; }
          const b = bytes[i++];
          if (hdr === 0) { hdr = 1; len = 0; mul = 1; start = i - 1; continue; }
          len += (b & 127) * mul; mul *= 128; hdr++;
          if (b & 128) {
            if (hdr > 4) return refuse(bytes, start, 'malformed remaining length: more than 4 bytes');
            continue;
          }
          if (len > maxPacketSize) {
            return refuse(bytes, start, `packet too large: remaining length ${len} exceeds the maximum ${maxPacketSize}`);
          }
          need = len; hdr = 0;
        }
        toInner(bytes);
      },
    };
  },
};
