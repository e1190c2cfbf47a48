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
const RL = 'remaining length', TL = 'topic length';

function name(t: number): string { return NAMES[t].toUpperCase(); }
function bad(m: string): string { return 'malformed ' + name(H >> 4) + ' packet: ' + m; }
function must(what: string, v: number, ok: string | number): string { return bad(what + ' ' + v + ', must be ' + ok); }
// A length field (or the packet id) must fit in what is left of the remaining length.
function fit(n: number, what: string): void {
  if (P + n > B.length) throw bad(what + ' does not fit in the ' + RL + ' ' + B.length);
}
function u16(what: string): number {
  fit(2, what);
  return B[P++] << 8 | B[P++];
}
function packetId(): number {
  const v = u16('packet id');
  if (!v) throw must('packet id', v, '1..65535');
  return v;
}

function decode(b: Uint8Array): Packet {
  // One object, its fields added by type (mqtt-packet's shape).
  const t = H >> 4, q = H >> 1 & 3, p: any = { cmd: NAMES[t] };
  let x: any, y: any;
  B = b; P = 0;
  if (t == 2) {
    if (b[0] > 1) throw must('acknowledge flags', b[0], '0 or 1');
    if (b[1] > 5) throw must('return code', b[1], '0..5');
    p.sessionPresent = b[0] == 1;
    p.returnCode = b[1];
  } else if (t == 3) {
    x = u16(TL);
    fit(x, TL + ' ' + x);
    y = utf8Decode(b.subarray(P, P += x));
    if (y == null) throw bad('topic is not valid UTF-8');
    if (x = topicNameError(y)) throw bad(x);
    p.topic = y; p.qos = q; p.retain = (H & 1) > 0; p.dup = (H & 8) > 0;
    if (q) p.messageId = packetId();
    p.payload = b.subarray(P);
  } else if (t != 13) {
    p.messageId = packetId();
    if (t == 9) {
      if (P == b.length) throw bad('no return codes');
      for (p.granted = x = []; P < b.length; x.push(y)) {
        if ((y = b[P++]) > 2 && y != 128) throw must('return code', y, '0, 1, 2 or 128');
      }
    }
  }
  return p;
}

export function parser(max: number, onPacket: (p: Packet) => void, onError: (e: Error) => void): PacketParser {
  // h: type byte; s: header bytes read (0: expecting a type byte); len: remaining
  // length being read; buf/got: a body that did not fit in one chunk.
  let dead = false, h = 0, s = 0, len = 0, buf: Uint8Array | null = null, got = 0;
  return {
    feed(c: Uint8Array): void {
      let i = 0, k: any, t;
      try {
        while (i < c.length && !dead) {
          if (buf) {
            k = c.subarray(i, Math.min(c.length, i + len - got)); // the board does not clamp subarray's end
            buf.set(k, got);
            i += k.length;
            if ((got += k.length) == len) { k = buf; buf = null; H = h; onPacket(decode(k)); }
          } else if (!s) {
            H = h = c[i++]; t = h >> 4; s = 1; len = 0;
            // Bit t of 0x2afc: the types a broker may send (CONNACK … PUBCOMP, SUBACK, UNSUBACK, PINGRESP).
            if (!(0x2afc >> t & 1)) throw 'unexpected ' + name(t) + ' packet (type ' + t + ') from the server';
            if (t == 3) { if ((h & 6) == 6) throw must('QoS', 3, '0..2'); }
            else if ((h & 15) != (k = t == 6 ? 2 : 0)) throw must('header flags', h & 15, k);
          } else {
            k = c[i++];
            len += (k & 127) << 7 * s - 7; // 7 bits a byte, least significant first
            if (k & 128) {
              if (++s > 4) throw bad(RL + ' over 4 bytes');
              continue;
            }
            s = 0; H = h; t = h >> 4;
            if (len > max) throw 'packet too large: ' + RL + ' ' + len + ' exceeds the maximum ' + max;
            // Fixed sizes: CONNACK and the acks have 2 bytes, PINGRESP none.
            t = t == 3 || t == 9 ? len : t == 13 ? 0 : 2;
            if (len != t) throw must(RL, len, t);
            if (c.length - i < len) { buf = new Uint8Array(len); got = 0; }
            else onPacket(decode(c.subarray(i, i += len)));
          }
        }
      } catch (e) {
        dead = true;
        if (typeof e != 'string') throw e;
        onError(new Error(e));
      }
    },
  };
}
