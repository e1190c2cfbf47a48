// Differential property tests: our board codec against mqtt-packet (through the Node
// adapter), on generated valid packets and multi-packet streams cut at random points.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { boardCodec } from '../../src/core/codec';
import { mqttPacketCodec } from '../../src/node/mqtt-packet-codec';
import { clientPacket, concat, expected, norm, plain, run, serverBytes, serverPacket, split } from '../fuzz/packets';

const runs = { numRuns: 400 };

describe('board codec vs mqtt-packet', () => {
  it('encodes every client packet to the same bytes', () => {
    fc.assert(fc.property(clientPacket, (p) => {
      expect(Array.from(boardCodec.encode(p))).toEqual(Array.from(mqttPacketCodec.encode(p)));
    }), runs);
  });

  it('mqtt-packet parses what we encode back to the same packet', () => {
    fc.assert(fc.property(clientPacket, (p) => {
      const r = run(mqttPacketCodec, [boardCodec.encode(p)]);
      expect(r.errors).toEqual([]);
      expect(r.packets.map(norm)).toEqual([expected(p)]);
    }), runs);
  });

  it('we parse what mqtt-packet encodes for a broker to the same packet, with no extra fields', () => {
    fc.assert(fc.property(serverPacket, (p) => {
      const bytes = serverBytes(p);
      const ours = run(boardCodec, [bytes]);
      const theirs = run(mqttPacketCodec, [bytes]);
      expect(ours.errors).toEqual([]);
      expect(ours.packets.map(plain)).toEqual([expected(p)]);
      expect(theirs.packets.map(norm)).toEqual(ours.packets.map(plain));
    }), runs);
  });

  it('parses its own PUBLISH and acks back', () => {
    const own = serverPacket.filter((p) => ['publish', 'puback', 'pubrec', 'pubrel', 'pubcomp'].includes(p.cmd));
    fc.assert(fc.property(own, (p) => {
      expect(run(boardCodec, [boardCodec.encode(p)]).packets.map(plain)).toEqual([expected(p)]);
    }), runs);
  });

  it('gives the same packet sequence for any split of a multi-packet stream (down to 1 byte)', () => {
    const sizes = fc.oneof(fc.constant<number[]>([1]), fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }));
    fc.assert(fc.property(fc.array(serverPacket, { minLength: 1, maxLength: 12 }), sizes, (ps, sz) => {
      const chunks = split(concat(ps.map(serverBytes)), sz);
      const ours = run(boardCodec, chunks);
      const theirs = run(mqttPacketCodec, chunks);
      expect(ours.errors).toEqual([]);
      expect(ours.thrown).toBeUndefined();
      expect(ours.packets.map(plain)).toEqual(ps.map(expected));
      expect(theirs.packets.map(norm)).toEqual(ps.map(expected));
    }), runs);
  });

  it('a truncated stream yields exactly the whole packets before the cut, and no error (more data needed)', () => {
    fc.assert(fc.property(fc.array(serverPacket, { minLength: 1, maxLength: 8 }), fc.nat(), fc.integer({ min: 1, max: 16 }), (ps, at, sz) => {
      const frames = ps.map(serverBytes);
      const all = concat(frames);
      const cut = at % (all.length + 1);
      let whole = 0;
      for (let end = 0, k = 0; k < frames.length && (end += frames[k].length) <= cut; k++) whole++;
      const r = run(boardCodec, split(all.subarray(0, cut), [sz]));
      expect(r.errors).toEqual([]);
      expect(r.packets.map(plain)).toEqual(ps.slice(0, whole).map(expected));
    }), runs);
  });
});
