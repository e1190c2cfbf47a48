// Encodes the packets a client sends (CONNECT … DISCONNECT), byte-for-byte as mqtt-packet
// does. The packet is gathered as a list of byte arrays (plain or typed: Uint8Array#set
// takes both), N bytes in all, and copied once into the result.
import { toBytes } from '../utf8';
import { NAMES } from './names';

let A: ArrayLike<number>[], N: number;

function fail(m: string): void { throw new Error(m); }
function add(b: ArrayLike<number>): void { A.push(b); N += b.length; }
function u16(n: number): void { add([n >> 8, n & 255]); }
// A 2-byte length and the bytes: MQTT's UTF-8 string and binary data fields (§1.5.3).
function field(v: Uint8Array | string | undefined): void {
  const b = toBytes(v) || [];
  if (b.length > 65535) fail('field over 65535 bytes');
  u16(b.length);
  add(b);
}

export function encode(p: any): Uint8Array {
  const t = NAMES.indexOf(p.cmd), w = p.will;
  let h: any = t << 4, x; // h: the type and flags byte, at the end the fixed header
  A = [[]]; N = 0; // A[0]: the fixed header, once the size is known
  if (t == 1) {
    // Protocol name and level, then the connect flags (x[1]), set as the fields are added.
    field('MQTT');
    add(x = [4, p.clean ? 2 : 0]);
    u16(p.keepalive);
    field(p.clientId);
    if (w) { x[1]! |= 4 | w.qos << 3 | (w.retain ? 32 : 0); field(w.topic); field(w.payload); }
    if (p.username != null) { x[1]! |= 128; field(p.username); }
    if (p.password != null) { x[1]! |= 64; field(p.password); }
  } else if (t == 3) {
    h |= +!!p.dup << 3 | p.qos << 1 | +!!p.retain; // DUP, QoS, RETAIN (§3.3.1)
    field(p.topic);
    if (p.qos) u16(p.messageId);
    add(toBytes(p.payload) || []);
  } else if (1520 >> t & 1) {
    // Bits 4-8 and 10: puback pubrec pubrel pubcomp subscribe unsubscribe, a packet id; PUBREL
    // and (UN)SUBSCRIBE (bits 7, 9, 11 of 2688 at t = 6, 8, 10) carry the reserved flags 0b0010 (§2.2.2).
    h |= 2688 >> t & 2;
    u16(p.messageId);
    if (t == 8) for (x of p.subscriptions) { field(x.topic); add([x.qos]); }
    if (t == 10) for (x of p.unsubscriptions) field(x);
  } else if (t != 12 && t != 14) fail('cannot encode ' + p.cmd);
  if (N > 268435455) fail('packet over 268435455 bytes');
  // Fixed header: type and flags, then the remaining length, 7 bits a byte (§2.2.3), in front.
  A[0] = h = [h];
  x = N;
  do h.push(x > 127 ? x & 127 | 128 : x); while (x >>= 7);
  const out = new Uint8Array(N + h.length);
  N = 0;
  for (x of A) { out.set(x, N); N += x.length; }
  return out;
}
