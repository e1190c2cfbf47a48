// The mqtt-packet adapter: its size guard (packets before a refused header in the same
// chunk are delivered first, then the error; nothing after it), and the 3.1.1 rules it
// adds to mqtt-packet's own checks.
import { describe, expect, it } from 'vitest';
import { mqttPacketCodec } from '../../src/node/mqtt-packet-codec';
import { topicNameError } from '../../src/core/topic';
import { concat, norm, run, serverBytes, split } from '../fuzz/packets';

const a = serverBytes({ cmd: 'puback', messageId: 1 });
const b = serverBytes({ cmd: 'publish', topic: 't', payload: new Uint8Array(40), qos: 1, retain: false, dup: false, messageId: 2 });
const tooBig = new Uint8Array([0x30, 0x80, 0x01]); // remaining length 128
const tooLong = new Uint8Array([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]);

describe('mqtt-packet adapter', () => {
  for (const [what, bad, message] of [
    ['an oversized packet', tooBig, 'packet too large: remaining length 128, maximum 100'],
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

describe('mqtt-packet adapter: rules mqtt-packet does not check', () => {
  const u8 = (...b: number[]) => new Uint8Array(b);
  const pub = (flags: number, topic: number[], rest: number[] = []) => u8(0x30 | flags, topic.length + 2 + rest.length, topic.length >> 8, topic.length & 255, ...topic, ...rest);
  const ascii = (s: string) => [...Buffer.from(s)];
  const cases: [string, Uint8Array, string][] = [
    ['reserved type 0', u8(0x00, 0), 'unexpected RESERVED packet (type 0)'],
    ['reserved type 15', u8(0xf0, 0), 'unexpected RESERVED packet (type 15)'],
    ['PUBACK of 3 bytes', u8(0x40, 3, 0, 1, 0), 'malformed PUBACK packet: remaining length 3, must be 2'],
    ['PINGRESP with a body', u8(0xd0, 1, 0), 'malformed PINGRESP packet: remaining length 1, must be 0'],
    ['CONNACK of 3 bytes', u8(0x20, 3, 0, 0, 0), 'malformed CONNACK packet: remaining length 3, must be 2'],
    ['PUBLISH topic with a wildcard', pub(0, ascii('a/+/b')), 'malformed PUBLISH packet: ' + topicNameError('a/+/b')],
    ['PUBLISH with an empty topic', pub(0, [], [1]), 'malformed PUBLISH packet: ' + topicNameError('')],
    ['PUBLISH topic with U+0000', pub(0, [0x61, 0]), 'malformed PUBLISH packet: ' + topicNameError('a\u0000')],
    ['PUBLISH topic with invalid UTF-8', pub(0, [0x61, 0xff]), 'malformed PUBLISH packet: topic is not valid UTF-8 (it decodes to U+FFFD)'],
    ['PUBLISH QoS 1 with packet id 0', pub(2, ascii('a'), [0, 0]), 'malformed PUBLISH packet: packet id 0, must be 1..65535'],
    ['PUBREC with packet id 0', u8(0x50, 2, 0, 0), 'malformed PUBREC packet: packet id 0, must be 1..65535'],
    ['SUBACK with packet id 0', u8(0x90, 3, 0, 0, 1), 'malformed SUBACK packet: packet id 0, must be 1..65535'],
    ['CONNACK return code 6', u8(0x20, 2, 0, 6), 'malformed CONNACK packet: return code 6, must be 0..5'],
  ];
  for (const [what, bytes, message] of cases) {
    it(`${what}: one error, the packet before it delivered, in one chunk and byte by byte`, () => {
      for (const chunks of [[concat([a, bytes, a])], split(concat([a, bytes, a]), [1])]) {
        const r = run(mqttPacketCodec, chunks, 100);
        expect(r.errors.map((e) => e.message)).toEqual([message]);
        expect(r.packets.map(norm)).toEqual([{ cmd: 'puback', messageId: 1 }]);
      }
    });
  }
  it('still parses what a client sends (tests parse the client side with it)', () => {
    const r = run(mqttPacketCodec, [mqttPacketCodec.encode({ cmd: 'connect', clientId: 'x', clean: true, keepalive: 10 }), u8(0xc0, 0), u8(0xe0, 0)]);
    expect(r.errors).toEqual([]);
    expect(r.packets.map((p) => p.cmd)).toEqual(['connect', 'pingreq', 'disconnect']);
  });
});
