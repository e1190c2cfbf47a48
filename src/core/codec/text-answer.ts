// The wrong port: a server of another protocol (HTTP, SSH, SMTP…) answers the CONNECT with a
// line of text, and its first bytes read as an invalid fixed header ("malformed PUBACK packet:
// header flags 8" for "HTTP/1.1"). This wraps any codec so that such an answer is named:
// `not an MQTT broker (it answered "HTTP/1.1 400 Bad Request")`.
//
// A broker's stream never starts with MIN_ANSWER printable bytes: byte 2 of every valid first
// packet is below 0x20 (a CONNACK's ack flags, an ack's remaining length 2, the high byte of a
// PUBLISH topic length that fits in a one-byte remaining length), and SUBACK and PINGRESP
// start at 0x90. So the start of the stream is held while it is printable; at the first other
// byte (a line end), or MAX_ANSWER characters, it is either that text (the error) or MQTT,
// then given to the codec's parser as it came. The outcome does not depend on how the stream
// is split. Portable: a board target may wrap its codec too, when its budget allows.
import type { Codec, PacketParser } from '../types';

const FIRST_PRINTABLE = 0x20, LAST_PRINTABLE = 0x7e, MIN_ANSWER = 4, MAX_ANSWER = 80;

function isPrintable(byte: number): boolean { return byte >= FIRST_PRINTABLE && byte <= LAST_PRINTABLE; }

export function refuseTextAnswers(codec: Codec): Codec {
  return {
    encode: codec.encode,
    parser(maxPacketSize, onPacket, onError, onSkip): PacketParser {
      const inner = codec.parser(maxPacketSize, onPacket, onError, onSkip);
      // The start of the stream while it is printable; null once it is decided. After the
      // error the parser is dead, as any parser is after its first error.
      let held: number[] | null = [], refused = false;
      return {
        feed(chunk: Uint8Array): void {
          if (refused) return;
          if (!held) return inner.feed(chunk);
          let index = 0;
          while (index < chunk.length && isPrintable(chunk[index]!) && held.length < MAX_ANSWER) held.push(chunk[index++]!);
          if (index == chunk.length && held.length < MAX_ANSWER) return; // still undecided
          const start = held;
          held = null;
          if (start.length >= MIN_ANSWER) {
            refused = true;
            onError(new Error('not an MQTT broker (it answered "' + String.fromCharCode.apply(null, start).trim() + '")'));
            return;
          }
          if (start.length) inner.feed(new Uint8Array(start));
          inner.feed(chunk.subarray(index));
        },
      };
    },
  };
}
