// The Node codec: glowmq's board codec with Node fast paths for the packets of a message's life
// (PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP), which are nearly all the traffic. Same bytes out,
// same packets, errors and skips in (test/unit/codec-node-fast.test.ts holds it to the board codec):
//   - encode: one Buffer per packet, sized first, the topic and a text payload written by
//     Node's native UTF-8 encoder, a Buffer being what the socket takes without a copy; every
//     other packet (and anything unusual) goes to the board encoder;
//   - parse: whole frames are cut out here; a PUBLISH or an ack in a valid form is decoded here,
//     the topic by Node's native UTF-8 check and decoder, or taken from the last one when its
//     bytes are the same (a subscriber mostly receives a few topics); any other frame, and any
//     frame that breaks a rule, is handed whole to the board parser, which decodes it or reports
//     the error in its own words. The board parser only ever sees whole frames (or an oversized
//     PUBLISH it reads past), so it is always at a packet boundary when it is given the next one.
import { isUtf8 } from 'node:buffer';
import type { Codec, Packet, PacketParser, SkippedPublish } from '../core/types';
import { boardCodec } from '../core/codec/index';
import { PacketType } from '../core/packet-type';
import { topicNameError } from '../core/topic';

const TYPE_SHIFT = 4, QOS_SHIFT = 1, FLAGS_MASK = 15;
const enum PublishFlag { Retain = 1, QosMask = 6, Dup = 8 }
const PUBREL_FLAGS = 2;
const ACK_LENGTH = 2, FIELD_LENGTH_BYTES = 2, PACKET_ID_BYTES = 2;
const MAX_FIELD_BYTES = 65535, MAX_REMAINING_LENGTH = 268435455;
const LENGTH_BITS = 127, MORE_LENGTH_BYTES = 128, BITS_PER_LENGTH_BYTE = 7, MAX_LENGTH_BYTES = 4;
const BYTE_MASK = 255, BYTE_BITS = 8;
/** Remaining lengths below these take 1, 2, 3 bytes (§2.2.3). */
const ONE_BYTE_LENGTH = 128, TWO_BYTE_LENGTH = 16384, THREE_BYTE_LENGTH = 2097152;

const ACK_TYPES: { [cmd: string]: number } = {
  puback: PacketType.Puback << TYPE_SHIFT, pubrec: PacketType.Pubrec << TYPE_SHIFT,
  pubrel: PacketType.Pubrel << TYPE_SHIFT | PUBREL_FLAGS, pubcomp: PacketType.Pubcomp << TYPE_SHIFT,
};
/** Inbound acks decoded here, by their whole type byte (flags included): the cmd they carry. */
const ACK_NAMES: { [typeByte: number]: string } = {};
for (const cmd of Object.keys(ACK_TYPES)) ACK_NAMES[ACK_TYPES[cmd]!] = cmd;

const lengthBytes = (length: number): number =>
  length < ONE_BYTE_LENGTH ? 1 : length < TWO_BYTE_LENGTH ? 2 : length < THREE_BYTE_LENGTH ? 3 : MAX_LENGTH_BYTES;

/** Text the fast path may encode: well-formed UTF-16 (a lone surrogate is left to the board encoder, which keeps it as it is). */
const encodable = (text: string): boolean => (text as string & { isWellFormed(): boolean }).isWellFormed();

function encodePublish(packet: any): Uint8Array {
  const topic = packet.topic, payload = packet.payload ?? [], qos = packet.qos;
  if (typeof topic != 'string' || !encodable(topic) || (typeof payload == 'string' && !encodable(payload))) return boardCodec.encode(packet);
  const topicBytes = Buffer.byteLength(topic);
  const payloadBytes = typeof payload == 'string' ? Buffer.byteLength(payload) : payload.length;
  const remaining = FIELD_LENGTH_BYTES + topicBytes + (qos ? PACKET_ID_BYTES : 0) + payloadBytes;
  // Over a limit: the board encoder throws its error.
  if (topicBytes > MAX_FIELD_BYTES || remaining > MAX_REMAINING_LENGTH) return boardCodec.encode(packet);
  const out = Buffer.allocUnsafe(1 + lengthBytes(remaining) + remaining);
  out[0] = PacketType.Publish << TYPE_SHIFT | (packet.dup ? PublishFlag.Dup : 0) | qos << QOS_SHIFT | (packet.retain ? PublishFlag.Retain : 0);
  let offset = 1, rest = remaining;
  do {
    const low = rest & LENGTH_BITS;
    rest >>= BITS_PER_LENGTH_BYTE;
    out[offset++] = rest ? low | MORE_LENGTH_BYTES : low;
  } while (rest);
  out[offset++] = topicBytes >> BYTE_BITS;
  out[offset++] = topicBytes & BYTE_MASK;
  offset += out.write(topic, offset);
  if (qos) {
    out[offset++] = packet.messageId >> BYTE_BITS;
    out[offset++] = packet.messageId & BYTE_MASK;
  }
  if (typeof payload == 'string') out.write(payload, offset); else out.set(payload, offset);
  return out;
}

export function encode(packet: Packet): Uint8Array {
  const cmd = packet.cmd;
  if (cmd == 'publish') return encodePublish(packet);
  const typeByte = ACK_TYPES[cmd];
  if (typeByte === undefined) return boardCodec.encode(packet);
  const packetId = (packet as { messageId: number }).messageId, out = Buffer.allocUnsafe(2 + ACK_LENGTH);
  out[0] = typeByte;
  out[1] = ACK_LENGTH;
  out[2] = packetId >> BYTE_BITS;
  out[3] = packetId & BYTE_MASK;
  return out;
}

const asBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** A PUBLISH with valid flags, or an ack with its flags: a frame that may be decoded here. */
const fastType = (typeByte: number): boolean => typeByte >> TYPE_SHIFT == PacketType.Publish
  ? (typeByte & PublishFlag.QosMask) != PublishFlag.QosMask : ACK_NAMES[typeByte] !== undefined;

/** And of a size the board parser would take: within the maximum, and 2 bytes for an ack. */
const fastSize = (typeByte: number, remaining: number, maxPacketSize: number): boolean =>
  remaining <= maxPacketSize && (typeByte >> TYPE_SHIFT == PacketType.Publish || remaining == ACK_LENGTH);

/**
 * Reads topics: the one in bytes[start, start + length) is the last one's when its bytes are the
 * same (a subscriber mostly receives a few topics), else decoded and checked ('' when invalid).
 */
function topicReader(): (bytes: Buffer, start: number, length: number) => string {
  let lastTopic = '', lastTopicBytes = Buffer.alloc(0);
  return (bytes, start, length) => {
    if (length == lastTopicBytes.length) {
      let same = true;
      for (let i = 0; i < length && same; i++) same = bytes[start + i] == lastTopicBytes[i];
      if (same) return lastTopic;
    }
    const topicBytes = bytes.subarray(start, start + length);
    if (!isUtf8(topicBytes)) return '';
    const topic = topicBytes.toString();
    if (topicNameError(topic)) return '';
    lastTopic = topic;
    lastTopicBytes = Buffer.from(topicBytes);
    return topic;
  };
}

export function parser(maxPacketSize: number, onPacket: (packet: Packet) => void, onError: (error: Error) => void,
  onSkip?: (skipped: SkippedPublish) => void): PacketParser {
  let dead = false;
  const board = boardCodec.parser(maxPacketSize, onPacket, (error) => { dead = true; onError(error); }, onSkip);
  // The frame at hand: its fixed header as read so far (the first `headerLength` bytes of
  // `header`, an array kept for every frame; `boardFrame`: a type only the board parser takes,
  // whose header bytes go to it as they come, so it reports a bad one at once), and its body
  // when that did not come in one chunk (`received` bytes of it); or how much of a frame handed
  // to the board parser is still to come.
  const header: number[] = [];
  let headerLength = 0, boardFrame = false, body: Buffer | undefined, received = 0, boardLeft = 0;
  const topicAt = topicReader();

  /** The first `headerSize` bytes of the fixed header, to the board parser. */
  const headerToBoard = (headerSize: number) => board.feed(Uint8Array.from(header.slice(0, headerSize)));

  /** The board parser decodes the frame (or reports what is wrong with it). */
  const toBoard = (headerSize: number, bytes: Buffer, start: number, end: number) => {
    headerToBoard(headerSize);
    board.feed(bytes.subarray(start, end));
  };

  /** The frame whose header is header[0, headerSize) and whose body is bytes[start, end). */
  const decode = (headerSize: number, bytes: Buffer, start: number, end: number): void => {
    const typeByte = header[0]!;
    if (typeByte >> TYPE_SHIFT != PacketType.Publish) {
      const packetId = bytes[start]! << BYTE_BITS | bytes[start + 1]!;
      if (!packetId) return toBoard(headerSize, bytes, start, end);
      return onPacket({ cmd: ACK_NAMES[typeByte], messageId: packetId } as Packet);
    }
    const qos = (typeByte & PublishFlag.QosMask) >> QOS_SHIFT;
    const topicLength = end - start < FIELD_LENGTH_BYTES ? -1 : bytes[start]! << BYTE_BITS | bytes[start + 1]!;
    let position = start + FIELD_LENGTH_BYTES + topicLength;
    if (topicLength < 0 || position + (qos ? PACKET_ID_BYTES : 0) > end) return toBoard(headerSize, bytes, start, end);
    const topic = topicAt(bytes, start + FIELD_LENGTH_BYTES, topicLength);
    if (!topic) return toBoard(headerSize, bytes, start, end);
    // mqtt-packet's shape, its fields in the board parser's order.
    const packet: any = { cmd: 'publish', topic, qos, retain: (typeByte & PublishFlag.Retain) > 0, dup: (typeByte & PublishFlag.Dup) > 0 };
    if (qos) {
      packet.messageId = bytes[position]! << BYTE_BITS | bytes[position + 1]!;
      if (!packet.messageId) return toBoard(headerSize, bytes, start, end);
      position += PACKET_ID_BYTES;
    }
    packet.payload = bytes.subarray(position, end);
    onPacket(packet);
  };

  /** The fixed header is complete: decode its frame here, or hand it to the board parser. */
  const headerDone = (bytes: Buffer, index: number): number => {
    let remaining = 0;
    for (let i = headerLength - 1; i > 0; i--) remaining = remaining * ONE_BYTE_LENGTH + (header[i]! & LENGTH_BITS);
    const headerSize = headerLength;
    headerLength = 0;
    if (boardFrame || !fastSize(header[0]!, remaining, maxPacketSize)) {
      if (!boardFrame) headerToBoard(headerSize);
      boardLeft = remaining;
      return index;
    }
    if (bytes.length - index >= remaining) {
      decode(headerSize, bytes, index, index + remaining);
      return index + remaining;
    }
    headerLength = headerSize; // kept until the body is in
    body = Buffer.allocUnsafe(remaining);
    received = 0;
    return index;
  };

  const feed = (bytes: Buffer): void => {
    let index = 0;
    while (index < bytes.length && !dead) {
      if (boardLeft) {
        const count = Math.min(boardLeft, bytes.length - index);
        board.feed(bytes.subarray(index, index + count));
        boardLeft -= count;
        index += count;
      } else if (body) {
        const count = Math.min(body.length - received, bytes.length - index);
        bytes.copy(body, received, index, index + count);
        received += count;
        index += count;
        if (received == body.length) {
          const headerSize = headerLength, frameBody = body;
          headerLength = 0;
          body = undefined;
          decode(headerSize, frameBody, 0, frameBody.length);
        }
      } else {
        const byte = bytes[index++]!;
        header[headerLength++] = byte;
        if (headerLength == 1) boardFrame = !fastType(byte);
        if (boardFrame) board.feed(bytes.subarray(index - 1, index));
        if (headerLength == 1) continue;
        if (!(byte & MORE_LENGTH_BYTES)) index = headerDone(bytes, index);
        else if (headerLength > MAX_LENGTH_BYTES && !boardFrame) {
          // A fifth length byte: the board parser reports it.
          headerToBoard(headerLength);
          headerLength = 0;
        }
      }
    }
  };

  return {
    feed(chunk: Uint8Array): void {
      if (dead) return;
      // An error thrown by onPacket leaves the parser dead, as the board parser's does.
      try { feed(asBuffer(chunk)); } catch (error) { dead = true; throw error; }
    },
  };
}

/** glowmq's codec on Node: the board codec with the fast paths above. */
export const nodeCodec: Codec = { encode, parser };
