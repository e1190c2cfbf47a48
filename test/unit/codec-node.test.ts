// The mqtt-packet adapter's size guard: packets before a refused header in the same chunk
// are delivered first, then the error; nothing after it.
import { describe, expect, it } from 'vitest';
import { mqttPacketCodec } from '../../src/node/mqtt-packet-codec';
import { concat, norm, run, serverBytes, split } from '../fuzz/packets';

const a = serverBytes({ cmd: 'puback', messageId: 1 });
const b = serverBytes({ cmd: 'publish', topic: 't', payload: new Uint8Array(40), qos: 1, retain: false, dup: false, messageId: 2 });
const tooBig = new Uint8Array([0x30, 0x80, 0x01]); // remaining length 128
const tooLong = new Uint8Array([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]);

describe('mqtt-packet adapter', () => {
  for (const [what, bad, message] of [
    ['an oversized packet', tooBig, 'packet too large: remaining length 128 exceeds the maximum 100'],
    ['a remaining length of more than 4 bytes', tooLong, 'malformed remaining length: more than 4 bytes'],
  ] as const) {
    it(`delivers the packets before ${what} in the same chunk, then one error`, () => {
      const r = run(mqttPacketCodec, [concat([a, b, bad, a])], 100);
      expect(r.packets.map(norm).map((p) => p.cmd)).toEqual(['puback', 'publish']);
      expect(r.errors.map((e) => e.message)).toEqual([message]);
    });
    it(`does the same for every split, down to 1 byte (${what})`, () => {
      for (const sz of [[1], [2], [3, 7], [50]]) {
        const r = run(mqttPacketCodec, split(concat([a, b, bad, a]), sz), 100);
        expect(r.packets.map(norm).map((p) => p.cmd)).toEqual(['puback', 'publish']);
        expect(r.errors.map((e) => e.message)).toEqual([message]);
      }
    });
  }

  it('still reports errors mqtt-packet finds in the packets before the refused header, once', () => {
    const r = run(mqttPacketCodec, [concat([new Uint8Array([0x41, 2, 0, 1]), tooBig])], 100);
    expect(r.packets).toEqual([]);
    expect(r.errors.length).toBe(1);
    expect(r.errors[0].message).toMatch(/header flag/i);
  });
});
