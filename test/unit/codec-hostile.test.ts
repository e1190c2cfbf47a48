// Hostile streams: mutated valid streams and random bytes, through both parsers. Never an
// exception, at most one error and nothing after it, the same outcome for every split,
// and no allocation above the maximum packet size.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { boardCodec } from '../../src/core/codec';
import { mqttPacketCodec } from '../../src/node/mqtt-packet-codec';
import type { Codec } from '../../src/core/types';
import { mutatedStream, plain, run, serverBytes, split, type Outcome } from '../fuzz/packets';

const MAX = 512;

const mutated = mutatedStream(6);
const hostile = fc.oneof(mutated, fc.uint8Array({ minLength: 1, maxLength: 600 }));
const sizes = fc.oneof(fc.constant<number[]>([1]), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 6 }));

/** Runs the parser while recording every Uint8Array it allocates by size. */
function runCountingAllocations(codec: Codec, chunks: Uint8Array[], max: number): { r: Outcome; largest: number } {
  const Orig = globalThis.Uint8Array;
  let largest = 0;
  (globalThis as any).Uint8Array = class extends Orig {
    constructor(a: any, b?: any, c?: any) { if (typeof a === 'number') largest = Math.max(largest, a); super(a, b, c); }
  };
  try { return { r: run(codec, chunks, max), largest }; } finally { (globalThis as any).Uint8Array = Orig; }
}

/** Splits a stream into [type byte, body] per whole frame (the remaining length read as MQTT reads it). */
function frames(b: Uint8Array): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < b.length;) {
    let len = 0, mul = 1, j = i + 1;
    for (let n = 0; n < 4 && j < b.length; n++, mul *= 128) { const x = b[j++]; len += (x & 127) * mul; if (!(x & 128)) { mul = 0; break; } }
    if (mul !== 0 || j + len > b.length) break;
    out.push([b[i], ...b.subarray(j, j + len)]);
    i = j + len;
  }
  return out;
}

function summary(r: Outcome) {
  return { packets: r.packets.map(plain), errors: r.errors.map((e) => e.message), thrown: r.thrown };
}

describe('hostile input', () => {
  it('board parser: no exception, at most one error, the same outcome for every split, allocation ≤ max', () => {
    fc.assert(fc.property(hostile, sizes, (bytes, sz) => {
      const whole = runCountingAllocations(boardCodec, [bytes], MAX);
      const pieces = runCountingAllocations(boardCodec, split(bytes, sz), MAX);
      expect(whole.r.thrown).toBeUndefined();
      expect(whole.r.errors.length).toBeLessThanOrEqual(1);
      expect(whole.largest).toBeLessThanOrEqual(MAX);
      expect(pieces.largest).toBeLessThanOrEqual(MAX);
      expect(summary(pieces.r)).toEqual(summary(whole.r));
    }), { numRuns: 1500 });
  });

  it('every packet the board parser accepts from garbage is re-encoded by mqtt-packet to the same bytes', () => {
    // A parser that accepts a malformed frame as a valid packet would fail this: the bytes it
    // consumed must be exactly the canonical encoding of what it returned.
    // (The remaining length may use more bytes than needed, which MQTT 3.1.1 allows, so
    // frames are compared by type byte and body.)
    fc.assert(fc.property(hostile, (bytes) => {
      const r = run(boardCodec, [bytes], MAX);
      const got = frames(bytes).slice(0, r.packets.length);
      expect(got.length).toBe(r.packets.length);
      expect(got).toEqual(r.packets.map((p) => frames(serverBytes(p))[0]));
    }), { numRuns: 1500 });
  });

  it('mqtt-packet adapter: no exception escapes and at most one error', () => {
    fc.assert(fc.property(hostile, sizes, (bytes, sz) => {
      const r = run(mqttPacketCodec, split(bytes, sz), MAX);
      expect(r.thrown).toBeUndefined();
      expect(r.errors.length).toBeLessThanOrEqual(1);
    }), { numRuns: 1000 });
  });

  it('a header claiming up to 268,435,455 bytes with a small maximum allocates nothing', () => {
    fc.assert(fc.property(fc.constantFrom<number>(0x30, 0x90), fc.integer({ min: MAX + 1, max: 268435455 }), (type, len) => {
      const h = [type];
      let x = len;
      do { h.push(x > 127 ? (x & 127) | 128 : x); x >>= 7; } while (x);
      const { r, largest } = runCountingAllocations(boardCodec, [new Uint8Array(h)], MAX);
      expect(largest).toBe(0);
      expect(r.errors.map((e) => e.message)).toEqual([`packet too large: remaining length ${len}, maximum ${MAX}`]);
    }), { numRuns: 300 });
  });
});
