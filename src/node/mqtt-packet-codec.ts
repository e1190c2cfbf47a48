// The Node codec: mqtt-packet itself behind glowmq's Codec interface. mqtt-packet does not
// bound packet sizes, so the fixed header of each packet is read here first and an
// oversized remaining length is refused before mqtt-packet buffers a byte of it.
// mqtt-packet also lets through packets MQTT 3.1.1 forbids whichever side sends them
// (reserved types 0 and 15, acks of the wrong size, packet id 0, PUBLISH topics with
// wildcards, empty or with U+0000, CONNACK return codes above 5): those are refused here
// with the board codec's messages. Which types a *server* may send is not checked, since
// tests also use this parser for what a client sends; the client checks that itself.
import mqttPacket from 'mqtt-packet';
import type { Codec, Packet, PacketParser } from '../core/types';
import { topicNameError } from '../core/topic';

const NAMES = ['', 'CONNECT', 'CONNACK', 'PUBLISH', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP', 'SUBSCRIBE', 'SUBACK', 'UNSUBSCRIBE', 'UNSUBACK', 'PINGREQ', 'PINGRESP', 'DISCONNECT'];
// Remaining length of the fixed-size packets, by type.
const FIXED: Record<number, number> = { 2: 2, 4: 2, 5: 2, 6: 2, 7: 2, 11: 2, 12: 0, 13: 0, 14: 0 };
const WITH_ID = ['puback', 'pubrec', 'pubrel', 'pubcomp', 'subscribe', 'suback', 'unsubscribe', 'unsuback'];

/** A 3.1.1 rule mqtt-packet did not check, broken by a parsed packet: its message, or ''. */
function packetError(p: any): string {
  const bad = (m: string) => `malformed ${String(p.cmd).toUpperCase()} packet: ${m}`;
  if (p.cmd === 'publish') {
    const e = topicNameError(p.topic);
    if (e) return bad(e);
    // mqtt-packet decodes invalid UTF-8 to U+FFFD; a real U+FFFD in a topic is refused with it.
    if (p.topic.indexOf('\ufffd') >= 0) return bad('topic is not valid UTF-8 (it decodes to U+FFFD)');
  }
  if ((p.cmd === 'publish' && p.qos > 0) || WITH_ID.includes(p.cmd)) {
    if (p.messageId === 0) return bad('packet id 0, must be 1..65535');
  }
  if (p.cmd === 'connack' && p.returnCode > 5) return bad(`return code ${p.returnCode}, must be 0..5`);
  return '';
}

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
    inner.on('packet', (p: any) => {
      if (dead) return;
      const e = packetError(p);
      if (e) { dead = true; onError(new Error(e)); } else onPacket(p as Packet);
    });
    inner.on('error', (e: Error) => { if (!dead) { dead = true; onError(e); } });
    // Boundary tracker: where we are in the current packet's fixed header / body.
    let need = 0;          // body bytes still to pass through
    let hdr = 0;           // header bytes seen of the current packet (0 = expecting type byte)
    let len = 0, mul = 1;  // remaining length being decoded
    let type = 0;          // packet type of the current packet
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
          if (hdr === 0) {
            hdr = 1; len = 0; mul = 1; start = i - 1; type = b >> 4;
            if (type === 0 || type === 15) return refuse(bytes, start, `unexpected RESERVED packet (type ${type})`);
            continue;
          }
          len += (b & 127) * mul; mul *= 128; hdr++;
          if (b & 128) {
            if (hdr > 4) return refuse(bytes, start, 'malformed remaining length: more than 4 bytes');
            continue;
          }
          if (len > maxPacketSize) {
            return refuse(bytes, start, `packet too large: remaining length ${len}, maximum ${maxPacketSize}`);
          }
          if (FIXED[type] !== undefined && len !== FIXED[type]) {
            return refuse(bytes, start, `malformed ${NAMES[type]} packet: remaining length ${len}, must be ${FIXED[type]}`);
          }
          need = len; hdr = 0;
        }
        toInner(bytes);
      },
    };
  },
};
