// The Node codec (src/node/node-codec.ts: the board codec with Node fast paths) held to the
// board codec: the same bytes for every client packet, and the same packets, skips and errors
// for valid, mutated and random streams, oversized publishes included, cut at any points.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { boardCodec } from '../../src/core/codec';
import { nodeCodec } from '../../src/node/node-codec';
import type { Codec, SkippedPublish } from '../../src/core/types';
import { clientPacket, concat, mutatedStream, plain, serverBytes, serverPacket, split } from '../fuzz/packets';

const runs = { numRuns: 500 };
type Event = ['packet', unknown] | ['skip', SkippedPublish] | ['error', string] | ['thrown', string];

function events(codec: Codec, chunks: Uint8Array[], max: number, withSkip: boolean): Event[] {
  const out: Event[] = [];
  const parser = codec.parser(max, (packet) => out.push(['packet', plain(packet)]), (error) => out.push(['error', error.message]),
    withSkip ? (skipped) => out.push(['skip', { ...skipped }]) : undefined);
  try { for (const chunk of chunks) parser.feed(chunk); } catch (error) { out.push(['thrown', String(error)]); }
  return out;
}

const mutated = mutatedStream(4);
const valid = fc.array(serverPacket, { minLength: 1, maxLength: 10 }).map((packets) => concat(packets.map(serverBytes)));
const stream = fc.oneof(valid, mutated, mutated, fc.uint8Array({ minLength: 1, maxLength: 300 }));
const sizes = fc.oneof(fc.constant<number[]>([1]), fc.array(fc.integer({ min: 1, max: 48 }), { minLength: 1, maxLength: 6 }));

describe('Node codec vs board codec', () => {
  it('encodes every client packet to the same bytes', () => {
    fc.assert(fc.property(clientPacket, (packet) => {
      expect(Array.from(nodeCodec.encode(packet))).toEqual(Array.from(boardCodec.encode(packet)));
    }), runs);
  });

  it('encodes text payloads, non-ASCII topics and multi-byte remaining lengths the same', () => {
    for (const size of [0, 1, 100, 127, 128, 16383, 16384, 70000]) {
      for (const packet of [
        { cmd: 'publish', topic: 'a/现在/😀', payload: 'é'.repeat(size), qos: 1, messageId: 65535, retain: true, dup: true },
        { cmd: 'publish', topic: 't', payload: new Uint8Array(size).fill(7), qos: 0, retain: false, dup: false },
      ] as const) expect(Array.from(nodeCodec.encode(packet as never))).toEqual(Array.from(boardCodec.encode(packet as never)));
    }
  });

  it('refuses what the board encoder refuses, with its message', () => {
    const long = { cmd: 'publish', topic: 'x'.repeat(65536), payload: '', qos: 0, retain: false, dup: false };
    expect(() => nodeCodec.encode(long as never)).toThrow('field over 65535 bytes');
    // A lone surrogate is encoded as the board encodes it (the fast path leaves it alone).
    const lone = { cmd: 'publish', topic: 'a\ud800', payload: 'b\udc00', qos: 0, retain: false, dup: false };
    expect(Array.from(nodeCodec.encode(lone as never))).toEqual(Array.from(boardCodec.encode(lone as never)));
  });

  it('parses every stream, valid or hostile, as the board parser does, for any split and maximum', () => {
    fc.assert(fc.property(stream, sizes, fc.constantFrom(8, 64, 1 << 20), fc.boolean(), (bytes, cuts, max, withSkip) => {
      const expected = events(boardCodec, [bytes], max, withSkip);
      expect(events(nodeCodec, split(bytes, cuts), max, withSkip)).toEqual(expected);
      expect(events(boardCodec, split(bytes, cuts), max, withSkip)).toEqual(expected);
    }), runs);
  });

  it('hands every rule a fast frame breaks to the board parser, which names it', () => {
    const frames = [
      [0x40, 2, 0, 0], // PUBACK packet id 0
      [0x62, 2, 0, 0], // PUBREL packet id 0
      [0x32, 5, 0, 1, 0x61, 0, 0], // PUBLISH QoS 1, packet id 0
      [0x30, 3, 0, 2, 0x61], // topic length past the body
      [0x30, 1, 0], // no room for the topic length
      [0x32, 3, 0, 1, 0x61], // no room for the packet id
      [0x30, 4, 0, 2, 0xc3, 0x28], // topic not UTF-8
      [0x30, 2, 0, 0], // empty topic
      [0x30, 4, 0, 2, 0x61, 0], // topic with U+0000
      [0x40, 3, 0, 1, 0], // PUBACK of 3 bytes
      [0x41, 2, 0, 1], // PUBACK with flags
      [0x36, 4, 0, 1, 0x61, 0], // PUBLISH QoS 3
      [0x30, 0xff, 0xff, 0xff, 0xff, 0x7f], // a fifth length byte
    ];
    for (const frame of frames) {
      const bytes = new Uint8Array([0x40, 2, 0, 9, ...frame, 0x40, 2, 0, 10]);
      const expected = events(boardCodec, [bytes], 1 << 20, true);
      expect(expected.some((event) => event[0] === 'error')).toBe(true);
      expect(events(nodeCodec, [bytes], 1 << 20, true)).toEqual(expected);
      expect(events(nodeCodec, split(bytes, [1]), 1 << 20, true)).toEqual(expected);
    }
  });

  it('the same topic again is the same topic; a changed one is decoded and checked again', () => {
    const publish = (topic: string, qos: 0 | 1) => serverBytes({ cmd: 'publish', topic, payload: new Uint8Array([1]), qos, retain: false, dup: false, ...(qos ? { messageId: 5 } : {}) } as never);
    const bytes = concat([publish('a/b', 1), publish('a/b', 0), publish('a/c', 1), publish('现在', 0), publish('a/+', 0)]);
    const ours = events(nodeCodec, [bytes], 1 << 20, true);
    expect(ours).toEqual(events(boardCodec, [bytes], 1 << 20, true));
    expect(ours.map((event) => (event[0] === 'packet' ? (event[1] as { topic: string }).topic : event[1]))).toEqual([
      'a/b', 'a/b', 'a/c', '现在', 'malformed PUBLISH packet: topic "a/+" has a wildcard (+ or #)',
    ]);
  });

  it('an exception from onPacket leaves the parser dead, as the board parser', () => {
    const bytes = concat([serverBytes({ cmd: 'puback', messageId: 1 }), serverBytes({ cmd: 'puback', messageId: 2 })]);
    for (const codec of [nodeCodec, boardCodec]) {
      const seen: number[] = [];
      const parser = codec.parser(1 << 20, (packet) => { seen.push((packet as { messageId: number }).messageId); throw new Error('handler'); }, () => {});
      expect(() => parser.feed(bytes)).toThrow('handler');
      parser.feed(bytes);
      expect(seen).toEqual([1]);
    }
  });
});
