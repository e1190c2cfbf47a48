// The board codec by example: remaining-length boundaries, UTF-8 edge cases, and every
// malformed-packet rule a client enforces, each with its exact message.
import { describe, expect, it } from 'vitest';
import { boardCodec } from '../../src/core/codec';
import { mqttPacketCodec } from '../../src/node/mqtt-packet-codec';
import type { Packet } from '../../src/core/types';
import { topicNameError } from '../../src/core/topic';
import { concat, plain, run, serverBytes, split } from '../fuzz/packets';

const u8 = (...b: number[]) => new Uint8Array(b);
const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
/** A PUBLISH frame built by hand: topic bytes as given, so invalid ones can be sent. */
function rawPublish(flags: number, topic: Uint8Array, rest: number[] = []): Uint8Array {
  const body = concat([u8(topic.length >> 8, topic.length & 255), topic, new Uint8Array(rest)]);
  return concat([u8(0x30 | flags, body.length), body]);
}
function errorOf(bytes: Uint8Array, max = 1 << 20): string {
  const whole = run(boardCodec, [bytes], max);
  const bytewise = run(boardCodec, split(bytes, [1]), max);
  expect(whole.thrown).toBeUndefined();
  expect(bytewise.errors.map((e) => e.message)).toEqual(whole.errors.map((e) => e.message));
  expect(whole.errors.length).toBe(1);
  return whole.errors[0].message;
}

describe('remaining length', () => {
  const cases: [number, number[]][] = [
    [0, [0x00]], [127, [0x7f]], [128, [0x80, 0x01]], [16383, [0xff, 0x7f]],
    [16384, [0x80, 0x80, 0x01]], [2097151, [0xff, 0xff, 0x7f]], [2097152, [0x80, 0x80, 0x80, 0x01]],
  ];
  for (const [len, header] of cases) {
    it(`${len}: same bytes as mqtt-packet, parsed back by both, in one chunk and split`, () => {
      const p: Packet = len === 0 ? { cmd: 'pingreq' }
        : { cmd: 'publish', topic: 't', payload: new Uint8Array(len - 3).fill(7), qos: 0, retain: false, dup: false };
      const ours = boardCodec.encode(p);
      expect(Array.from(ours.subarray(1, 1 + header.length))).toEqual(header);
      expect(ours.length).toBe(1 + header.length + len);
      expect(Buffer.from(ours).equals(Buffer.from(mqttPacketCodec.encode(p)))).toBe(true);
      if (len === 0) {
        expect(run(boardCodec, [u8(0xd0, 0)]).packets).toEqual([{ cmd: 'pingresp' }]);
        return;
      }
      for (const chunks of [[ours], split(ours, [1, 1, 1, 1, 1, 1000, 65536])]) {
        const r = run(boardCodec, chunks, len);
        expect(r.errors).toEqual([]);
        expect(r.packets.length).toBe(1);
        const got: any = r.packets[0];
        expect(got.topic).toBe('t');
        expect(got.payload.length).toBe(len - 3);
        expect(got.payload[len - 4]).toBe(7);
      }
      expect(run(mqttPacketCodec, [ours], len).packets.length).toBe(1);
    });
  }

  it('reads the largest header, 268,435,455, and compares it with the maximum', () => {
    const header = u8(0x30, 0xff, 0xff, 0xff, 0x7f);
    expect(errorOf(header, 268435454)).toBe('packet too large: remaining length 268435455, maximum 268435454');
    const r = run(boardCodec, split(header, [1]), 268435455);
    expect(r.errors).toEqual([]); // accepted: waiting for the body
    expect(r.packets).toEqual([]);
  });

  it('refuses a length above the maximum from the fixed header alone, before allocating anything', () => {
    const Orig = globalThis.Uint8Array;
    const sizes: number[] = [];
    const header = u8(0x30, 0x80, 0x80, 0x01); // 16,384, no body sent at all
    const parser = boardCodec.parser(16383, () => {}, (e) => sizes.push(-1) && void e);
    (globalThis as any).Uint8Array = class extends Orig { constructor(a: any, b?: any, c?: any) { if (typeof a === 'number') sizes.push(a); super(a, b, c); } };
    try { parser.feed(header); } finally { (globalThis as any).Uint8Array = Orig; }
    expect(sizes).toEqual([-1]);
    expect(errorOf(header, 16383)).toBe('packet too large: remaining length 16384, maximum 16383');
  });

  it('refuses a remaining length of more than 4 bytes', () => {
    expect(errorOf(u8(0x30, 0xff, 0xff, 0xff, 0xff, 0x01))).toBe('malformed PUBLISH packet: remaining length over 4 bytes');
  });
});

describe('UTF-8', () => {
  const topics = ['现在天黑了', 'home/😀/𝄞', 'ä/ö/ü', '\u{10ffff}', '$SYS/x'];
  for (const topic of topics) {
    it(`topic ${JSON.stringify(topic)} encodes like mqtt-packet and parses back`, () => {
      const p: Packet = { cmd: 'publish', topic, payload: utf8('现在天黑了'), qos: 1, retain: true, dup: false, messageId: 9 };
      const bytes = boardCodec.encode(p);
      expect(Array.from(bytes)).toEqual(Array.from(mqttPacketCodec.encode(p)));
      expect(run(boardCodec, split(bytes, [1])).packets.map(plain)).toEqual([plain(p)]);
    });
  }

  it('encodes string payloads, will payloads and passwords as UTF-8', () => {
    const p: any = { cmd: 'publish', topic: 'lightChange', payload: '现在天黑了', qos: 0, retain: false, dup: false };
    expect(Array.from(boardCodec.encode(p))).toEqual(Array.from(mqttPacketCodec.encode({ ...p, payload: utf8('现在天黑了') })));
    const c: any = { cmd: 'connect', clientId: '𝄞', clean: true, keepalive: 60, username: 'admin', password: 'pässword',
      will: { topic: 'glowmq/x/status', payload: 'offline', qos: 1, retain: true } };
    const parsed: any = run(mqttPacketCodec, [boardCodec.encode(c)]).packets[0];
    expect(parsed.clientId).toBe('𝄞');
    expect(Buffer.from(parsed.password).toString()).toBe('pässword');
    expect(Buffer.from(parsed.will.payload).toString()).toBe('offline');
    expect(parsed.will).toMatchObject({ topic: 'glowmq/x/status', qos: 1, retain: true });
  });

  const invalid: [string, number[]][] = [
    ['overlong NUL', [0xc0, 0x80]], ['a lone continuation byte', [0x61, 0x80]], ['0xFF', [0xff]],
    ['a surrogate (U+D800)', [0xed, 0xa0, 0x80]], ['a truncated 3-byte char', [0xe7, 0x8e]], ['above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ];
  for (const [what, bytes] of invalid) {
    it(`refuses a topic with ${what}`, () => {
      expect(errorOf(rawPublish(0, new Uint8Array(bytes)))).toBe('malformed PUBLISH packet: topic is not valid UTF-8');
    });
  }
  it('refuses U+0000 in a topic', () => {
    expect(errorOf(rawPublish(0, u8(0x61, 0x00)))).toBe('malformed PUBLISH packet: ' + topicNameError('a\u0000'));
    expect(topicNameError('a\u0000')).toMatch(/U\+0000/);
  });
});

describe('malformed packets from the server', () => {
  const cases: [string, Uint8Array, string][] = [
    ['PUBACK with flags', u8(0x41, 2, 0, 1), 'malformed PUBACK packet: header flags 1, must be 0'],
    ['PUBREL without its 0b0010 flags', u8(0x60, 2, 0, 1), 'malformed PUBREL packet: header flags 0, must be 2'],
    ['CONNACK with flags', u8(0x28, 2, 0, 0), 'malformed CONNACK packet: header flags 8, must be 0'],
    ['SUBACK with flags', u8(0x92, 3, 0, 1, 0), 'malformed SUBACK packet: header flags 2, must be 0'],
    ['UNSUBACK with flags', u8(0xb2, 2, 0, 1), 'malformed UNSUBACK packet: header flags 2, must be 0'],
    ['PINGRESP with flags', u8(0xd1, 0), 'malformed PINGRESP packet: header flags 1, must be 0'],
    ['PUBLISH with QoS 3', u8(0x36, 5, 0, 1, 0x61, 0, 1), 'malformed PUBLISH packet: QoS 3, must be 0..2'],
    ['PUBLISH QoS 1 with packet id 0', rawPublish(2, utf8('a'), [0, 0]), 'malformed PUBLISH packet: packet id 0, must be 1..65535'],
    ['PUBACK with packet id 0', u8(0x40, 2, 0, 0), 'malformed PUBACK packet: packet id 0, must be 1..65535'],
    ['PUBREC with packet id 0', u8(0x50, 2, 0, 0), 'malformed PUBREC packet: packet id 0, must be 1..65535'],
    ['SUBACK with packet id 0', u8(0x90, 3, 0, 0, 1), 'malformed SUBACK packet: packet id 0, must be 1..65535'],
    ['UNSUBACK with packet id 0', u8(0xb0, 2, 0, 0), 'malformed UNSUBACK packet: packet id 0, must be 1..65535'],
    // Topic rules word their messages in src/core/topic.ts.
    ['PUBLISH topic with +', rawPublish(0, utf8('a/+/b')), 'malformed PUBLISH packet: ' + topicNameError('a/+/b')],
    ['PUBLISH topic #', rawPublish(0, utf8('#')), 'malformed PUBLISH packet: ' + topicNameError('#')],
    ['PUBLISH with an empty topic', rawPublish(0, new Uint8Array(0), [1, 2]), 'malformed PUBLISH packet: ' + topicNameError('')],
    ['PUBLISH topic longer than the packet', u8(0x30, 4, 0, 9, 0x61, 0x62), 'malformed PUBLISH packet: topic length 9 does not fit in remaining length 4'],
    ['PUBLISH with one byte', u8(0x30, 1, 0), 'malformed PUBLISH packet: topic length does not fit in remaining length 1'],
    ['PUBLISH QoS 2 without its packet id', rawPublish(4, utf8('a'), [7]), 'malformed PUBLISH packet: packet id does not fit in remaining length 4'],
    ['PUBACK of 3 bytes', u8(0x40, 3, 0, 1, 0), 'malformed PUBACK packet: remaining length 3, must be 2'],
    ['PUBCOMP of 1 byte', u8(0x70, 1, 0), 'malformed PUBCOMP packet: remaining length 1, must be 2'],
    ['CONNACK of 3 bytes', u8(0x20, 3, 0, 0, 0), 'malformed CONNACK packet: remaining length 3, must be 2'],
    ['PINGRESP with a body', u8(0xd0, 1, 0), 'malformed PINGRESP packet: remaining length 1, must be 0'],
    ['SUBACK of 1 byte', u8(0x90, 1, 0), 'malformed SUBACK packet: packet id does not fit in remaining length 1'],
    ['SUBACK without return codes', u8(0x90, 2, 0, 1), 'malformed SUBACK packet: no return codes'],
    ['SUBACK return code 3', u8(0x90, 4, 0, 1, 0, 3), 'malformed SUBACK packet: return code 3, must be 0..2 or 128'],
    ['SUBACK return code 0x81', u8(0x90, 3, 0, 1, 0x81), 'malformed SUBACK packet: return code 129, must be 0..2 or 128'],
    ['CONNACK reserved flag bits', u8(0x20, 2, 2, 0), 'malformed CONNACK packet: ack flags 2, must be 0 or 1'],
    ['CONNACK return code 6', u8(0x20, 2, 0, 6), 'malformed CONNACK packet: return code 6, must be 0..5'],
  ];
  for (const [what, bytes, message] of cases) it(what, () => expect(errorOf(bytes)).toBe(message));

  const unexpected: [number, string][] = [[0x10, 'CONNECT'], [0x82, 'SUBSCRIBE'], [0xa2, 'UNSUBSCRIBE'], [0xc0, 'PINGREQ'], [0xe0, 'DISCONNECT'], [0x00, 'RESERVED'], [0xf0, 'RESERVED']];
  for (const [byte, name] of unexpected) {
    it(`a ${name} packet (type ${byte >> 4}) is refused from its first byte`, () => {
      expect(errorOf(u8(byte))).toBe(`unexpected ${name} packet (type ${byte >> 4}) from the server`);
    });
  }

  it('accepts CONNACK codes 1..5 and sessionPresent, and delivers them', () => {
    const r = run(boardCodec, [1, 2, 3, 4, 5].map((c) => u8(0x20, 2, 0, c)).concat([u8(0x20, 2, 1, 0)]));
    expect(r.errors).toEqual([]);
    expect(r.packets).toEqual([1, 2, 3, 4, 5].map((returnCode) => ({ cmd: 'connack', returnCode, sessionPresent: false }))
      .concat([{ cmd: 'connack', returnCode: 0, sessionPresent: true }]));
  });

  it('reports one error, then is dead: packets before it are delivered, nothing after', () => {
    const good = serverBytes({ cmd: 'puback', messageId: 1 });
    const r = run(boardCodec, [concat([good, u8(0x41, 2, 0, 1), good]), good]);
    expect(r.packets).toEqual([{ cmd: 'puback', messageId: 1 }]);
    expect(r.errors.length).toBe(1);
  });

  it('lets an exception thrown by onPacket escape to the caller and stops', () => {
    let n = 0;
    const p = boardCodec.parser(100, () => { n++; throw new Error('handler'); }, () => {});
    const two = concat([u8(0xd0, 0), u8(0xd0, 0)]);
    expect(() => p.feed(two)).toThrow('handler');
    p.feed(two);
    expect(n).toBe(1);
  });
});

describe('Espruino semantics', () => {
  // On the interpreter, subarray(begin, end) does not clamp end to the length: it returns
  // bytes beyond the view (observed on Espruino 2v29's Linux build). Chunks here behave so,
  // with garbage after each view, and every split must still give the right packets.
  function espruinoChunks(bytes: Uint8Array, size: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += size) {
      const n = Math.min(size, bytes.length - i);
      const backing = new Uint8Array(n + 4096).fill(0xff);
      backing.set(bytes.subarray(i, i + n));
      const view = backing.subarray(0, n);
      Object.defineProperty(view, 'subarray', { value: (a: number, b?: number) => new Uint8Array(backing.buffer, a, (b ?? n) - a) });
      out.push(view);
    }
    return out;
  }
  it('parses a stream fed in chunks whose subarray reads past their end', () => {
    const ps: Packet[] = [
      { cmd: 'publish', topic: 'a/b', payload: new Uint8Array(100).fill(1), qos: 1, retain: false, dup: false, messageId: 5 },
      { cmd: 'puback', messageId: 7 }, { cmd: 'pingresp' },
      { cmd: 'publish', topic: 'c', payload: new Uint8Array(30).fill(2), qos: 0, retain: true, dup: false },
    ];
    const stream = concat(ps.map(serverBytes));
    for (const size of [1, 2, 3, 7, 50, 1000]) {
      const r = run(boardCodec, espruinoChunks(stream, size));
      expect(r.errors).toEqual([]);
      expect(r.packets.map(plain)).toEqual(ps.map(plain));
    }
  });
});

describe('encoder', () => {
  it('encodes DUP, retain and QoS bits, and PUBREL/SUBSCRIBE/UNSUBSCRIBE with flags 0b0010', () => {
    expect(boardCodec.encode({ cmd: 'publish', topic: 'a', payload: u8(), qos: 2, retain: true, dup: true, messageId: 258 })[0]).toBe(0x3d);
    expect(Array.from(boardCodec.encode({ cmd: 'pubrel', messageId: 258 }))).toEqual([0x62, 2, 1, 2]);
    expect(boardCodec.encode({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: '#', qos: 1 }] })[0]).toBe(0x82);
    expect(boardCodec.encode({ cmd: 'unsubscribe', messageId: 1, unsubscriptions: ['#'] })[0]).toBe(0xa2);
    expect(Array.from(boardCodec.encode({ cmd: 'disconnect' }))).toEqual([0xe0, 0]);
  });
  it('refuses a field over 65535 bytes and packets a client never sends', () => {
    expect(() => boardCodec.encode({ cmd: 'publish', topic: 'x'.repeat(65536), payload: u8(), qos: 0, retain: false, dup: false })).toThrow('field over 65535 bytes');
    expect(() => boardCodec.encode({ cmd: 'connack', returnCode: 0, sessionPresent: false })).toThrow('cannot encode connack');
  });
});
