// An inbound PUBLISH over the maximum packet size, with onSkip given: both codecs read its
// topic and packet id, read past the rest without buffering it, report it, and go on with
// the next packet, for any split of the stream (down to 1 byte). Without onSkip: the error.
import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import mqttPacket from 'mqtt-packet';
import { boardCodec } from '../../src/core/codec';
import { mqttPacketCodec } from '../../src/node/mqtt-packet-codec';
import type { Codec, Packet, SkippedPublish } from '../../src/core/types';
import { concat, plain, serverBytes, serverPacket, split } from '../fuzz/packets';

const CODECS: [string, Codec][] = [['board codec', boardCodec], ['mqtt-packet adapter', mqttPacketCodec]];
type Event = ['packet', unknown] | ['skip', SkippedPublish] | ['error', string];

function events(codec: Codec, chunks: Uint8Array[], max: number, withSkip = true): Event[] {
  const out: Event[] = [];
  const parser = codec.parser(max, (packet) => out.push(['packet', plain(packet)]), (error) => out.push(['error', error.message]),
    withSkip ? (skipped) => out.push(['skip', { ...skipped }]) : undefined);
  for (const chunk of chunks) parser.feed(chunk);
  return out;
}

function publish(topic: string, size: number, qos: 0 | 1 | 2, messageId?: number): Packet {
  const packet: any = { cmd: 'publish', topic, payload: new Uint8Array(size).fill(0x61), qos, retain: false, dup: false };
  if (qos) packet.messageId = messageId;
  return packet;
}

/** The remaining length of the PUBLISH as encoded. */
function remaining(packet: Packet): number {
  const bytes = serverBytes(packet);
  let length = 0, multiplier = 1, index = 1, byte;
  do { byte = bytes[index++]; length += (byte & 127) * multiplier; multiplier *= 128; } while (byte & 128);
  return length;
}

describe.each(CODECS)('%s: oversized PUBLISH with onSkip', (_name, codec) => {
  const MAX = 100;
  const big1 = publish('lightChange', 5000, 1, 7), big0 = publish('a/b', 300, 0), big2 = publish('q2', 200, 2, 9);
  const small = publish('s', 10, 0);
  const stream = concat([small, big1, { cmd: 'puback', messageId: 3 } as Packet, big0, big2, small].map(serverBytes));
  const expected: Event[] = [
    ['packet', plain(small)],
    ['skip', { topic: 'lightChange', size: remaining(big1), qos: 1, messageId: 7 }],
    ['packet', { cmd: 'puback', messageId: 3 }],
    ['skip', { topic: 'a/b', size: remaining(big0), qos: 0, messageId: undefined }],
    ['skip', { topic: 'q2', size: remaining(big2), qos: 2, messageId: 9 }],
    ['packet', plain(small)],
  ];
  const normalise = (list: Event[]) => list.map((event) => (event[0] === 'packet' ? ['packet', plainPacket(event[1])] : event));

  it('reports each and goes on, in one chunk and in 1-byte chunks', () => {
    expect(normalise(events(codec, [stream], MAX))).toEqual(normalise(expected));
    expect(normalise(events(codec, split(stream, [1]), MAX))).toEqual(normalise(expected));
  });
  it('the same for every split of the stream', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 8 }), (sizes) => {
      expect(normalise(events(codec, split(stream, sizes), MAX))).toEqual(normalise(expected));
    }), { numRuns: 300 });
  });
  it('without onSkip it is the old error, and nothing after it', () => {
    expect(events(codec, [stream], MAX, false)).toEqual([
      ['packet', expect.anything()], ['error', `packet too large: remaining length ${remaining(big1)}, maximum ${MAX}`],
    ]);
  });
  it('a head (topic and packet id) over the maximum is still the size error', () => {
    const longTopic = publish('t'.repeat(150), 10, 1, 1);
    expect(events(codec, [serverBytes(longTopic)], MAX)).toEqual([
      ['error', `packet too large: remaining length ${remaining(longTopic)}, maximum ${MAX}`],
    ]);
  });
  it('a bad topic or packet id 0 in a skipped PUBLISH is the usual malformed-packet error', () => {
    const wildcard = serverBytes(publish('a/+', 300, 0));
    expect(events(codec, split(wildcard, [1]), MAX)).toEqual([['error', 'malformed PUBLISH packet: topic "a/+" has a wildcard (+ or #)']]);
    const idZero = serverBytes(publish('t', 300, 1, 5));
    idZero[1 + 2 + 2 + 1 + 1] = 0; // remaining length takes 2 bytes; then topic length, "t", id
    idZero[1 + 2 + 2 + 1] = 0;
    expect(events(codec, [idZero], MAX)).toEqual([['error', 'malformed PUBLISH packet: packet id 0, must be 1..65535']]);
  });
  it('any other oversized packet is still an error', () => {
    const suback = serverBytes({ cmd: 'suback', messageId: 1, granted: new Array(200).fill(0) } as Packet);
    expect(events(codec, [suback], MAX)).toEqual([['error', `packet too large: remaining length 202, maximum ${MAX}`]]);
  });
  it('matches the other codec on random streams with oversized publishes, any split', () => {
    const other = codec === boardCodec ? mqttPacketCodec : boardCodec;
    fc.assert(fc.property(fc.array(serverPacket, { minLength: 1, maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 5 }), (packets, sizes) => {
      const bytes = concat(packets.map(serverBytes));
      expect(normalise(events(codec, split(bytes, sizes), 64))).toEqual(normalise(events(other, [bytes], 64)));
    }), { numRuns: 400 });
  });
});

/** mqtt-packet adds fields (length, Buffers); compare the packet's own fields only. */
function plainPacket(packet: any): any {
  const fields = ['cmd', 'topic', 'payload', 'qos', 'retain', 'dup', 'messageId', 'granted', 'returnCode', 'sessionPresent'];
  const out: any = {};
  for (const field of fields) if (packet[field] !== undefined && packet[field] !== null) out[field] = packet[field];
  if (out.cmd !== 'publish') { delete out.retain; delete out.dup; delete out.qos; delete out.payload; delete out.topic; }
  return out;
}

describe('a 256 MiB PUBLISH costs no memory', () => {
  const SIZE = 268435455; // the largest remaining length MQTT allows
  const header = [0x32, 0xff, 0xff, 0xff, 0x7f, 0, 3, 0x62, 0x69, 0x67, 0, 42]; // QoS 1, topic "big", id 42
  const chunk = new Uint8Array(1 << 20).fill(0x7a);
  function feedHuge(codec: Codec, counted: { bytes: number }): Event[] {
    const out: Event[] = [];
    const parser = codec.parser(1 << 16, (packet) => out.push(['packet', packet.cmd]), (error) => out.push(['error', error.message]),
      (skipped) => out.push(['skip', { ...skipped }]));
    parser.feed(new Uint8Array(header));
    let left = SIZE - (header.length - 5);
    while (left > 0) {
      const piece = chunk.subarray(0, Math.min(left, chunk.length));
      parser.feed(piece);
      left -= piece.length;
      counted.bytes += piece.length;
    }
    parser.feed(new Uint8Array([0xd0, 0]));
    return out;
  }
  const EXPECTED: Event[] = [['skip', { topic: 'big', size: SIZE, qos: 1, messageId: 42 }], ['packet', 'pingresp']];

  it('board codec: no allocation over 64 KiB while the payload streams by', () => {
    const Original = globalThis.Uint8Array;
    let largest = 0;
    (globalThis as any).Uint8Array = class extends Original {
      constructor(...args: any[]) { if (typeof args[0] === 'number') largest = Math.max(largest, args[0]); super(...(args as [])); }
    };
    let out: Event[];
    try { out = feedHuge(boardCodec, { bytes: 0 }); } finally { (globalThis as any).Uint8Array = Original; }
    expect(out).toEqual(EXPECTED);
    expect(largest).toBeLessThanOrEqual(16);
  });
  it('mqtt-packet adapter: mqtt-packet is never given the skipped bytes', () => {
    let given = 0;
    const realParser = mqttPacket.parser;
    const spy = vi.spyOn(mqttPacket, 'parser').mockImplementation((options?: any) => {
      const inner = realParser(options);
      const parse = inner.parse.bind(inner);
      inner.parse = (buffer: Buffer) => { given += buffer.length; return parse(buffer); };
      return inner;
    });
    try {
      expect(feedHuge(mqttPacketCodec, { bytes: 0 })).toEqual(EXPECTED);
    } finally { spy.mockRestore(); }
    expect(given).toBe(2); // the PINGRESP alone
  });
});
