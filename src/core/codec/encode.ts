// Encodes the packets a client sends (CONNECT … DISCONNECT), byte-for-byte as mqtt-packet
// does. The packet is gathered as a list of byte arrays (plain or typed: Uint8Array#set
// takes both) and copied once into the result.
import type { Packet } from '../types';
import { utf8Encode } from '../utf8';
import { NAMES } from './names';

let A: ArrayLike<number>[];

// Text is UTF-8 encoded: board users pass strings for payloads and passwords too.
function bytes(v: Uint8Array | string | undefined): ArrayLike<number> {
  return typeof v == 'string' ? utf8Encode(v) : v || [];
}
function u16(n: number): void { A.push([n >> 8, n & 255]); }
// A 2-byte length and the bytes: MQTT's UTF-8 string and binary data fields (§1.5.3).
function field(v: Uint8Array | string | undefined): void {
  const b = bytes(v);
  if (b.length > 65535) throw new Error('field over 65535 bytes');
  u16(b.length);
  A.push(b);
}

export function encode(packet: Packet): Uint8Array {
  const p: any = packet, t = NAMES.indexOf(p.cmd), w = p.will;
  let h = t << 4, n = 0, x;
  A = [];
  if (t == 1) {
    // Protocol name and level, then the connect flags (x[1]), set as the fields are added.
    field('MQTT');
    A.push(x = [4, p.clean ? 2 : 0]);
    u16(p.keepalive);
    field(p.clientId);
    if (w) { x[1] |= 4 | w.qos << 3 | (w.retain ? 32 : 0); field(w.topic); field(w.payload); }
    if (p.username != null) { x[1] |= 128; field(p.username); }
    if (p.password != null) { x[1] |= 64; field(p.password); }
  } else if (t == 3) {
    h |= (p.dup ? 8 : 0) | p.qos << 1 | (p.retain ? 1 : 0);
    field(p.topic);
    if (p.qos) u16(p.messageId);
    A.push(bytes(p.payload));
  } else if (t > 3 && t < 11 && t != 9) {
    // puback pubrec pubrel pubcomp subscribe unsubscribe: a packet id; PUBREL and
    // (UN)SUBSCRIBE carry the reserved flags 0b0010 (§2.2.2).
    if (t == 6 || t > 7) h |= 2;
    u16(p.messageId);
    if (t == 8) for (x of p.subscriptions) { field(x.topic); A.push([x.qos]); }
    if (t == 10) for (x of p.unsubscriptions) field(x);
  } else if (t != 12 && t != 14) throw new Error('cannot encode a ' + p.cmd + ' packet');
  for (x of A) n += x.length;
  if (n > 268435455) throw new Error('packet over 268435455 bytes');
  // Fixed header: type and flags, then the remaining length, 7 bits a byte (§2.2.3).
  const head = [h];
  x = n;
  do head.push(x > 127 ? x & 127 | 128 : x); while (x >>= 7);
  A.unshift(head);
  const out = new Uint8Array(n + head.length);
  n = 0;
  for (x of A) { out.set(x, n); n += x.length; }
  return out;
}
