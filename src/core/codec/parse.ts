// Incremental parser for the packets a broker sends (CONNACK … PINGRESP). The fixed
// header is read byte by byte, so any split of the stream works; a body wholly inside
// the chunk is parsed where it lies (payloads are views onto it), only a partial body
// is copied, into a buffer of exactly its size allocated after the size check.
// Every malformed-packet rule a client enforces (MQTT 3.1.1 §1.5.3, §2.2, §3) is an
// error naming the packet and the rule; after the first error the parser is dead.
// Rule violations are thrown as strings inside and reported through onError; anything
// else (a throwing onPacket) propagates to the caller and also leaves the parser dead.
import type { Packet, PacketParser, SkippedPublish } from '../types';
import { PacketType } from '../packet-type';
import { utf8Decode } from '../utf8';
import { topicNameError } from '../topic';
import { NAMES } from './names';

// The packet being decoded: its type-and-flags byte, its body and the read position in the
// body. Module state, so nothing is allocated per packet; each parser sets it before use.
let headerByte: number, body: Uint8Array, position: number;

// Repeated in several messages: once in the bundle.
const REMAINING_LENGTH = 'remaining length', TOPIC_LENGTH = 'topic length', PACKET_ID = 'packet id';
export const RETURN_CODE = 'return code'; // (a CONNACK refusal's error names it too)

// Sets of packet types, one bit per type number.
/** The types a broker may send. */
const FROM_BROKER = 1 << PacketType.Connack | 1 << PacketType.Publish | 1 << PacketType.Puback | 1 << PacketType.Pubrec |
  1 << PacketType.Pubrel | 1 << PacketType.Pubcomp | 1 << PacketType.Suback | 1 << PacketType.Unsuback | 1 << PacketType.Pingresp;
/** The types whose body has any length; PINGRESP has none, every other one exactly 2 bytes. */
const VARIABLE_LENGTH = 1 << PacketType.Publish | 1 << PacketType.Suback;
const ACK_LENGTH = 2;

const TYPE_SHIFT = 4; // the type is the header byte's high nibble
const FLAGS_MASK = 15;
const PUBREL_FLAGS = 2; // the reserved flags of PUBREL (§2.2.2); every other type's are 0
const enum PublishFlag { Retain = 1, QosMask = 6, Dup = 8 }
const QOS_SHIFT = 1;
const INVALID_QOS = 3;
const MAX_CONNACK_RETURN_CODE = 5;
const SUBACK_FAILURE = 128;
const MAX_GRANTED_QOS = 2;
// The remaining length: 7 bits a byte, least significant first, in at most 4 bytes (§2.2.3).
const LENGTH_BITS = 127, MORE_LENGTH_BYTES = 128, MAX_LENGTH_BYTES = 4, BITS_PER_LENGTH_BYTE = 7;

export function packetName(type: number): string { return NAMES[type]!.toUpperCase(); }
function malformed(rule: string): string { return 'malformed ' + packetName(headerByte >> TYPE_SHIFT) + ' packet: ' + rule; }
// Where "broken", the rule's message: what, the value it has and what it must be.
function check(broken: unknown, what: string, value: number, allowed: string | number): void {
  if (broken) throw malformed(what + ' ' + value + ', must be ' + allowed);
}
// A length field (or the packet id) must fit in what is left of the remaining length.
function checkFits(size: number, what: string): void {
  if (position + size > body.length) throw malformed(what + ' does not fit in ' + REMAINING_LENGTH + ' ' + body.length);
}
// A 2-byte number, most significant byte first; a packet id (isPacketId set) is not 0.
function readUint16(what: string, isPacketId?: boolean): number {
  checkFits(2, what);
  const value = body[position++]! << 8 | body[position++]!;
  check(isPacketId && !value, what, value, '1..65535');
  return value;
}

function decode(packetBody: Uint8Array): Packet {
  // One object, its fields added by type (mqtt-packet's shape).
  const type = headerByte >> TYPE_SHIFT, packet: any = { cmd: NAMES[type]! };
  body = packetBody;
  position = 0;
  if (type == PacketType.Connack) {
    check(body[0]! > 1, 'ack flags', body[0]!, '0 or 1');
    check(body[1]! > MAX_CONNACK_RETURN_CODE, RETURN_CODE, body[1]!, '0..' + MAX_CONNACK_RETURN_CODE);
    packet.sessionPresent = body[0]! == 1;
    packet.returnCode = body[1]!;
  } else if (type == PacketType.Publish) {
    const topicLength = readUint16(TOPIC_LENGTH);
    checkFits(topicLength, TOPIC_LENGTH + ' ' + topicLength);
    const topic = utf8Decode(body.subarray(position, position + topicLength));
    position += topicLength;
    const topicError = topic == null ? 'topic is not valid UTF-8' : topicNameError(topic);
    if (topicError) throw malformed(topicError);
    const qos = (headerByte & PublishFlag.QosMask) >> QOS_SHIFT;
    packet.topic = topic;
    packet.qos = qos;
    packet.retain = (headerByte & PublishFlag.Retain) > 0;
    packet.dup = (headerByte & PublishFlag.Dup) > 0;
    if (qos) packet.messageId = readUint16(PACKET_ID, true);
    packet.payload = body.subarray(position);
  } else if (type != PacketType.Pingresp) {
    packet.messageId = readUint16(PACKET_ID, true);
    if (type == PacketType.Suback) {
      // One return code per subscription: a granted QoS or the failure code.
      if (position == body.length) throw malformed('no return codes');
      const granted: number[] = packet.granted = [];
      while (position < body.length) {
        const returnCode = body[position++]!;
        check(returnCode > MAX_GRANTED_QOS && returnCode != SUBACK_FAILURE, RETURN_CODE, returnCode, '0..2 or 128');
        granted.push(returnCode);
      }
    }
  }
  return packet;
}

// An oversized PUBLISH (onSkip given): its head (topic length, topic, packet id) is read into a
// buffer of its own size, which must be within the maximum; the rest is read past.
const TOPIC_LENGTH_BYTES = 2, PACKET_ID_BYTES = 2;

export function parser(maxPacketSize: number, onPacket: (packet: Packet) => void, onError: (error: Error) => void,
  onSkip?: (skipped: SkippedPublish) => void): PacketParser {
  // Where the parser is in the stream: the fixed header of the packet at hand (its type byte
  // and type, how many header bytes are read (0: the next byte is a type byte), the remaining
  // length so far), or a body (or skipped PUBLISH's head) that did not fit in one chunk
  // (bodyBuffer, `received` bytes of it).
  // Each is set before it is read: no initial values.
  let dead: any, typeByte: any, type: any, headerBytesRead: any, remainingLength: any, bodyBuffer: any, received: any;
  // An oversized PUBLISH being read past: how much of it is still to come (0: none is), and
  // what onSkip is told once all of it has passed.
  let skipLeft: any, skipped: any;

  function tooLarge(): string { return 'packet too large: ' + REMAINING_LENGTH + ' ' + remainingLength + ', maximum ' + maxPacketSize; }

  // The head of an oversized PUBLISH is in: at first only the topic length, which sizes the whole
  // head (topic and packet id; within the maximum, so within the packet too), then all of it.
  function readHead(head: Uint8Array): void {
    const headSize = TOPIC_LENGTH_BYTES + (head[0]! << 8 | head[1]!) + (typeByte & PublishFlag.QosMask ? PACKET_ID_BYTES : 0);
    if (head.length < headSize) {
      if (headSize > maxPacketSize) throw tooLarge();
      bodyBuffer = new Uint8Array(headSize);
      bodyBuffer.set(head);
      return;
    }
    // Its topic and packet id are checked as any PUBLISH's are.
    const packet: any = decode(head);
    skipped = { topic: packet.topic, size: remainingLength, qos: packet.qos, messageId: packet.messageId };
    skipLeft = remainingLength - headSize;
  }

  return {
    feed(chunk: Uint8Array): void {
      let index = 0, flags, required;
      headerByte = typeByte; // another parser may have run since this one's last chunk
      try {
        while (index < chunk.length && !dead) {
          if (bodyBuffer) {
            // The board's subarray does not clamp its end: take no more than the chunk holds.
            const count = Math.min(chunk.length - index, bodyBuffer.length - received);
            bodyBuffer.set(chunk.subarray(index, index + count), received);
            index += count;
            received += count;
            if (received == bodyBuffer.length) {
              const complete = bodyBuffer;
              bodyBuffer = 0;
              if (skipLeft) readHead(complete);
              else onPacket(decode(complete));
            }
          } else if (skipLeft) {
            const count = Math.min(chunk.length - index, skipLeft);
            index += count;
            skipLeft -= count;
            if (!skipLeft) onSkip!(skipped);
          } else if (!headerBytesRead) {
            // The type byte: a type a broker may send, with that type's flags.
            headerByte = typeByte = chunk[index++]!;
            type = typeByte >> TYPE_SHIFT;
            flags = typeByte & FLAGS_MASK;
            headerBytesRead = 1;
            remainingLength = 0;
            if (!(FROM_BROKER >> type & 1)) throw 'unexpected ' + packetName(type) + ' packet (type ' + type + ') from the server';
            if (type == PacketType.Publish) check((flags & PublishFlag.QosMask) == PublishFlag.QosMask, 'QoS', INVALID_QOS, '0..2');
            else {
              required = type == PacketType.Pubrel ? PUBREL_FLAGS : 0;
              check(flags != required, 'header flags', flags, required);
            }
          } else {
            const byte = chunk[index++]!;
            remainingLength += (byte & LENGTH_BITS) << BITS_PER_LENGTH_BYTE * (headerBytesRead - 1);
            if (byte & MORE_LENGTH_BYTES) {
              if (++headerBytesRead > MAX_LENGTH_BYTES) throw malformed(REMAINING_LENGTH + ' over 4 bytes');
              continue;
            }
            // The whole remaining length: the size check; PINGRESP and the acks have fixed sizes.
            headerBytesRead = 0;
            if (remainingLength > maxPacketSize) {
              if (!onSkip || type != PacketType.Publish || maxPacketSize < TOPIC_LENGTH_BYTES) throw tooLarge();
              // Read past it: first its topic length, into a buffer of that size.
              skipLeft = remainingLength;
              bodyBuffer = new Uint8Array(TOPIC_LENGTH_BYTES);
              received = 0;
              continue;
            }
            required = VARIABLE_LENGTH >> type & 1 ? remainingLength : type == PacketType.Pingresp ? 0 : ACK_LENGTH;
            check(remainingLength != required, REMAINING_LENGTH, remainingLength, required);
            if (chunk.length - index < remainingLength) {
              bodyBuffer = new Uint8Array(remainingLength);
              received = 0;
            } else {
              index += remainingLength;
              onPacket(decode(chunk.subarray(index - remainingLength, index)));
            }
          }
        }
      } catch (error) {
        dead = 1;
        if (typeof error != 'string') throw error;
        onError(new Error(error));
      }
    },
  };
}
