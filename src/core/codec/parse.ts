// Incremental parser for the packets a broker sends (CONNACK … PINGRESP). The fixed
// header is read byte by byte, so any split of the stream works; a body wholly inside
// the chunk is parsed where it lies (payloads are views onto it), only a partial body
// is copied, into a buffer of exactly its size allocated after the size check.
// Every malformed-packet rule a client enforces (MQTT 3.1.1 §1.5.3, §2.2, §3) is an
// error naming the packet and the rule; after the first error the parser is dead.
// Rule violations are thrown as strings inside and reported through onError; anything
// else (a throwing onPacket) propagates to the caller and also leaves the parser dead.
import type { Packet, PacketParser } from '../types';
import { utf8Decode } from '../utf8';
import { topicNameError } from '../topic';
import { NAMES } from './names';

// Type byte, body and read position of the packet at hand (module state: nothing per packet).
let H: number, B: Uint8Array, P: number;
// Repeated in several messages: once in the bundle.
const RL = 'remaining length', TL = 'topic length', ID = 'packet id', RC = 'return code';

function name(t: number): string { return NAMES[t]!.toUpperCase(); }
function bad(m: string): string { return 'malformed ' + name(H >> 4) + ' packet: ' + m; }
// Where "broken", the rule's message: what, the value it has and what it must be.
function must(broken: any, what: string, v: number, ok: string | number): void {
  if (broken) throw bad(what + ' ' + v + ', must be ' + ok);
}
// A length field (or the packet id) must fit in what is left of the remaining length.
function fit(n: number, what: string): void {
  if (P + n > B.length) throw bad(what + ' does not fit in ' + RL + ' ' + B.length);
}
// A 2-byte number; a packet id (id set) is not 0.
function u16(what: string, id?: any): number {
  fit(2, what);
  const v = B[P++]! << 8 | B[P++]!;
  must(id && !v, what, v, '1..65535');
  return v;
}

function decode(b: Uint8Array): Packet {
  // One object, its fields added by type (mqtt-packet's shape).
  const t = H >> 4, q = H >> 1 & 3, p: any = { cmd: NAMES[t] };
  let x: any, y: any;
  B = b; P = 0;
  if (t == 2) {
    must(b[0]! > 1, 'ack flags', b[0]!, '0 or 1');
    must(b[1]! > 5, RC, b[1]!, '0..5');
    p.sessionPresent = b[0] == 1;
    p.returnCode = b[1];
  } else if (t == 3) {
    x = u16(TL);
    fit(x, TL + ' ' + x);
    y = utf8Decode(b.subarray(P, P += x));
    if (x = y == null ? 'topic is not valid UTF-8' : topicNameError(y)) throw bad(x);
    p.topic = y; p.qos = q; p.retain = (H & 1) > 0; p.dup = (H & 8) > 0;
    if (q) p.messageId = u16(ID, 1);
    p.payload = b.subarray(P);
  } else if (t != 13) {
    p.messageId = u16(ID, 1);
    if (t == 9) {
      if (P == b.length) throw bad('no return codes');
      for (p.granted = x = []; P < b.length; x.push(y)) must((y = b[P++]!) > 2 && y != 128, RC, y, '0..2 or 128');
    }
  }
  return p;
}

export function parser(max: number, onPacket: (p: Packet) => void, onError: (e: Error) => void): PacketParser {
  // h, t: type byte and type; s: header bytes read (0 or unset: expecting a type byte); len:
  // remaining length being read; buf/got: a body that did not fit in one chunk. (Each is set
  // before it is read: no initial values.)
  let dead: any, h: any, t: any, s: any, len: any, buf: any, got: any;
  return {
    feed(c: Uint8Array): void {
      let i = 0, k: any;
      H = h; // another parser may have run since this one's last chunk
      try {
        while (i < c.length && !dead) {
          if (buf) {
            k = Math.min(c.length - i, len - got); // the board does not clamp subarray's end
            buf.set(c.subarray(i, i += k), got);
            if ((got += k) == len) { k = buf; buf = 0; onPacket(decode(k)); }
          } else if (!s) {
            H = h = c[i++]!; t = h >> 4; s = 1; len = 0;
            // Bit t of 0x2afc: the types a broker may send (CONNACK … PUBCOMP, SUBACK, UNSUBACK, PINGRESP).
            if (!(0x2afc >> t & 1)) throw 'unexpected ' + name(t) + ' packet (type ' + t + ') from the server';
            if (t == 3) must((h & 6) == 6, 'QoS', 3, '0..2');
            else must((h & 15) != (k = 128 >> t & 2), 'header flags', h & 15, k); // 2 for PUBREL (t 6)
          } else {
            k = c[i++];
            len += (k & 127) << 7 * s - 7; // 7 bits a byte, least significant first
            if (k & 128) {
              if (++s > 4) throw bad(RL + ' over 4 bytes');
            } else {
              s = 0;
              if (len > max) throw 'packet too large: ' + RL + ' ' + len + ', maximum ' + max;
              // Fixed sizes: CONNACK and the acks have 2 bytes, PINGRESP none.
              k = 520 >> t & 1 ? len : t == 13 ? 0 : 2; // bits 3, 9: PUBLISH, SUBACK
              must(len != k, RL, len, k);
              if (c.length - i < len) { buf = new Uint8Array(len); got = 0; }
              else onPacket(decode(c.subarray(i, i += len)));
            }
          }
        }
      } catch (e) {
        dead = 1;
        if (typeof e != 'string') throw e;
        onError(new Error(e));
      }
    },
  };
}
