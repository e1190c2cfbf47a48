// A server of another protocol answering: the wrapped codecs name it as not an MQTT broker,
// quoting its first line, for any split of the stream; MQTT streams pass through unchanged.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { boardCodec } from '../../src/core/codec';
import { refuseTextAnswers } from '../../src/core/codec/text-answer';
import { mqttPacketCodec } from '../../src/node/mqtt-packet-codec';
import type { Codec } from '../../src/core/types';
import { concat, plain, run, serverBytes, serverPacket, split } from '../fuzz/packets';

const ascii = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));
const HTTP = 'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nBad Request';

describe.each([['board codec', boardCodec], ['mqtt-packet adapter', mqttPacketCodec]] as [string, Codec][])('%s wrapped', (_name, codec) => {
  const wrapped = refuseTextAnswers(codec);
  const messages = (chunks: Uint8Array[]) => run(wrapped, chunks).errors.map((error) => error.message);

  it('names an HTTP server, whatever the split (down to 1 byte)', () => {
    const expected = ['not an MQTT broker (it answered "HTTP/1.1 400 Bad Request")'];
    expect(messages([ascii(HTTP)])).toEqual(expected);
    expect(messages(split(ascii(HTTP), [1]))).toEqual(expected);
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 5 }), (sizes) => {
      expect(messages(split(ascii(HTTP), sizes))).toEqual(expected);
    }), { numRuns: 100 });
  });
  it('names SSH and SMTP banners, trimmed, and cuts a long line at 80 characters', () => {
    expect(messages([ascii('SSH-2.0-OpenSSH_9.6\r\n')])).toEqual(['not an MQTT broker (it answered "SSH-2.0-OpenSSH_9.6")']);
    expect(messages([ascii('220 mail.example.com ESMTP   \r\n')])).toEqual(['not an MQTT broker (it answered "220 mail.example.com ESMTP")']);
    expect(messages([ascii('x'.repeat(200))])).toEqual([`not an MQTT broker (it answered "${'x'.repeat(80)}")`]);
  });
  it('is dead after the error', () => {
    const r = run(wrapped, [ascii(HTTP), serverBytes({ cmd: 'connack', returnCode: 0, sessionPresent: false })]);
    expect(r.packets).toEqual([]);
    expect(r.errors).toHaveLength(1);
  });
  it('waits while the answer is still printable and short', () => {
    expect(run(wrapped, [ascii('HTT')]).errors).toEqual([]);
  });
  it('short printable starts keep the codec\'s own error', () => {
    expect(messages([new Uint8Array([0x48, 0x02, 0, 1])])).toEqual(run(codec, [new Uint8Array([0x48, 0x02, 0, 1])]).errors.map((error) => error.message));
  });
  it('any MQTT stream from a broker gives exactly what the bare codec gives, for any split', () => {
    fc.assert(fc.property(fc.array(serverPacket, { minLength: 1, maxLength: 6 }), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 5 }), (packets, sizes) => {
      const bytes = concat(packets.map(serverBytes));
      const bare = run(codec, [bytes]), through = run(wrapped, split(bytes, sizes));
      expect(through.packets.map(plain)).toEqual(bare.packets.map(plain));
      expect(through.errors.map((error) => error.message)).toEqual(bare.errors.map((error) => error.message));
    }), { numRuns: 400 });
  });
});
