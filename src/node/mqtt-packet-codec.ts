// The Node codec: mqtt-packet itself behind glowmq's Codec interface. mqtt-packet does not
// bound packet sizes, so the fixed header of each packet is read here first and an
// oversized remaining length is refused before mqtt-packet buffers a byte of it; or, for a
// PUBLISH when onSkip is given, its topic and packet id are read here and the rest is read
// past, so mqtt-packet never sees it (a fixed header cut by a chunk's end is held back until
// it is whole, to know that in time).
// mqtt-packet also lets through packets MQTT 3.1.1 forbids whichever side sends them
// (reserved types 0 and 15, acks of the wrong size, packet id 0, PUBLISH topics with
// wildcards, empty or with U+0000, CONNACK return codes above 5): those are refused here
// with the board codec's messages. Which types a *server* may send is not checked, since
// tests also use this parser for what a client sends; the client checks that itself.
import mqttPacket from 'mqtt-packet';
import type { Codec, Packet, PacketParser, QoS, SkippedPublish } from '../core/types';
import { topicNameError } from '../core/topic';
import { utf8Decode } from '../core/utf8';

const NAMES = ['', 'CONNECT', 'CONNACK', 'PUBLISH', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP', 'SUBSCRIBE', 'SUBACK', 'UNSUBSCRIBE', 'UNSUBACK', 'PINGREQ', 'PINGRESP', 'DISCONNECT'];
// Remaining length of the fixed-size packets, by type.
const FIXED: Record<number, number> = { 2: 2, 4: 2, 5: 2, 6: 2, 7: 2, 11: 2, 12: 0, 13: 0, 14: 0 };
const TOPIC_LENGTH_BYTES = 2, PACKET_ID_BYTES = 2, QOS_FLAGS = 6;
const WITH_ID = ['puback', 'pubrec', 'pubrel', 'pubcomp', 'subscribe', 'suback', 'unsubscribe', 'unsuback'];

/** A 3.1.1 rule mqtt-packet did not check, broken by a parsed packet: its message, or ''. */
function packetError(packet: any): string {
  const bad = (rule: string) => `malformed ${String(packet.cmd).toUpperCase()} packet: ${rule}`;
  if (packet.cmd === 'publish') {
    const topicError = topicNameError(packet.topic);
    if (topicError) return bad(topicError);
    // mqtt-packet decodes invalid UTF-8 to U+FFFD; a real U+FFFD in a topic is refused with it.
    if (packet.topic.indexOf('\ufffd') >= 0) return bad('topic is not valid UTF-8 (it decodes to U+FFFD)');
  }
  if ((packet.cmd === 'publish' && packet.qos > 0) || WITH_ID.includes(packet.cmd)) {
    if (packet.messageId === 0) return bad('packet id 0, must be 1..65535');
  }
  if (packet.cmd === 'connack' && packet.returnCode > 5) return bad(`return code ${packet.returnCode}, must be 0..5`);
  return '';
}

function toBuffer(bytes: Uint8Array | string | undefined): Buffer | string | undefined {
  if (bytes === undefined || typeof bytes === 'string' || Buffer.isBuffer(bytes)) return bytes;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export const mqttPacketCodec: Codec = {
  encode(packet: Packet): Uint8Array {
    const copy: any = { ...packet };
    if ('payload' in copy) copy.payload = toBuffer(copy.payload);
    if ('password' in copy && copy.password !== undefined) copy.password = toBuffer(copy.password);
    if (copy.will) copy.will = { ...copy.will, payload: toBuffer(copy.will.payload) };
    if (copy.cmd === 'connect') { copy.protocolId ??= 'MQTT'; copy.protocolVersion ??= 4; }
    return mqttPacket.generate(copy);
  },

  parser(maxPacketSize, onPacket, onError, onSkip): PacketParser {
    const inner = mqttPacket.parser({ protocolVersion: 4 });
    let dead = false;
    const fail = (message: string) => { if (!dead) { dead = true; onError(new Error(message)); } };
    inner.on('packet', (packet: any) => {
      if (dead) return;
      const error = packetError(packet);
      if (error) fail(error); else onPacket(packet as Packet);
    });
    inner.on('error', (error: Error) => fail(error.message));
    const toInner = (bytes: Uint8Array) => { if (bytes.length && !dead) inner.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)); };

    // Boundary tracker: where we are in the current packet's fixed header or body. A fixed
    // header split across chunks is held back (`carry`) until it is whole, so that an oversized
    // PUBLISH can be kept from mqtt-packet entirely.
    let carry = new Uint8Array(0);
    let bodyLeft = 0;      // body bytes still to pass through
    let headerRead = 0;    // header bytes seen of the current packet (0 = expecting type byte)
    let length = 0, multiplier = 1; // remaining length being decoded
    let type = 0;          // packet type of the current packet
    // An oversized PUBLISH being read past: bytes still to come, its head (topic length, topic,
    // packet id) as it fills, and the head's size once the topic length is known.
    let skipLeft = 0, head: number[] = [], headSize = 0, skipped: SkippedPublish | undefined;

    // A refused packet: mqtt-packet first gets the whole packets before it (they were valid and
    // must not be swallowed), then the error is reported.
    const refuse = (bytes: Uint8Array, passFrom: number, start: number, message: string) => {
      toInner(bytes.subarray(passFrom, start));
      fail(message);
    };
    const tooLarge = () => `packet too large: remaining length ${length}, maximum ${maxPacketSize}`;
    /** The head of an oversized PUBLISH, as far as it is in: '' or the error it breaks. */
    const readHead = (): string => {
      const malformed = (rule: string) => `malformed PUBLISH packet: ${rule}`;
      if (head.length === TOPIC_LENGTH_BYTES && !headSize) {
        // Within the maximum, so within the packet too.
        headSize = TOPIC_LENGTH_BYTES + (head[0]! << 8 | head[1]!) + (type & QOS_FLAGS ? PACKET_ID_BYTES : 0);
        if (headSize > maxPacketSize) return tooLarge();
      }
      if (!headSize || head.length < headSize) return '';
      const topic = utf8Decode(new Uint8Array(head.slice(TOPIC_LENGTH_BYTES, headSize - (type & QOS_FLAGS ? PACKET_ID_BYTES : 0))));
      const topicError = topic == null ? 'topic is not valid UTF-8' : topicNameError(topic);
      if (topicError) return malformed(topicError);
      const qos = ((type & QOS_FLAGS) >> 1) as QoS;
      skipped = { topic: topic!, size: length, qos };
      if (qos) {
        skipped.messageId = head[headSize - 2]! << 8 | head[headSize - 1]!;
        if (!skipped.messageId) return malformed('packet id 0, must be 1..65535');
      }
      return '';
    };

    return {
      feed(chunk: Uint8Array) {
        if (dead) return;
        let bytes = chunk;
        if (carry.length) {
          bytes = new Uint8Array(carry.length + chunk.length);
          bytes.set(carry);
          bytes.set(chunk, carry.length);
          carry = new Uint8Array(0);
          headerRead = 0; // the held-back header is read again from its first byte
        }
        let passFrom = 0; // the bytes before it that mqtt-packet has not had yet begin here
        let start = 0;    // where the current packet's fixed header began
        for (let i = 0; i < bytes.length && !dead;) {
          if (skipLeft > 0) {
            let count = Math.min(skipLeft, bytes.length - i);
            if (head.length < (headSize || TOPIC_LENGTH_BYTES)) {
              count = Math.min(count, (headSize || TOPIC_LENGTH_BYTES) - head.length);
              for (let j = 0; j < count; j++) head.push(bytes[i + j]!);
              const error = readHead();
              if (error) return fail(error);
            }
            skipLeft -= count;
            i += count;
            passFrom = i;
            if (!skipLeft) onSkip!(skipped!);
            continue;
          }
          if (bodyLeft > 0) { const count = Math.min(bodyLeft, bytes.length - i); bodyLeft -= count; i += count; continue; }
          const byte = bytes[i++]!;
          if (headerRead === 0) {
            headerRead = 1; length = 0; multiplier = 1; start = i - 1; type = byte;
            if (byte >> 4 === 0 || byte >> 4 === 15) return refuse(bytes, passFrom, start, `unexpected RESERVED packet (type ${byte >> 4})`);
            continue;
          }
          length += (byte & 127) * multiplier; multiplier *= 128; headerRead++;
          if (byte & 128) {
            if (headerRead > 4) return refuse(bytes, passFrom, start, 'malformed remaining length: more than 4 bytes');
            continue;
          }
          headerRead = 0;
          const packetType = type >> 4;
          if (length > maxPacketSize) {
            if (!onSkip || packetType !== 3 || maxPacketSize < TOPIC_LENGTH_BYTES) return refuse(bytes, passFrom, start, tooLarge());
            toInner(bytes.subarray(passFrom, start));
            skipLeft = length; head = []; headSize = 0; skipped = undefined;
            passFrom = i;
            continue;
          }
          if (FIXED[packetType] !== undefined && length !== FIXED[packetType]) {
            return refuse(bytes, passFrom, start, `malformed ${NAMES[packetType]} packet: remaining length ${length}, must be ${FIXED[packetType]}`);
          }
          bodyLeft = length;
        }
        if (dead) return;
        // A fixed header cut by the chunk's end waits for the rest.
        const end = headerRead ? start : bytes.length;
        if (headerRead) carry = bytes.slice(start);
        toInner(bytes.subarray(passFrom, end));
      },
    };
  },
};
