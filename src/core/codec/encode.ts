// Encodes the packets a client sends (CONNECT … DISCONNECT), byte-for-byte as mqtt-packet
// does. The packet is gathered as a list of byte arrays (plain or typed: Uint8Array#set
// takes both), `size` bytes in all, and copied once into the result.
import { toBytes } from '../utf8';
import { PacketType } from '../packet-type';
import { NAMES } from './names';

// The packet being built (module state: nothing allocated per call but the packet itself).
let parts: ArrayLike<number>[], size: number;

const PROTOCOL_NAME = 'MQTT', PROTOCOL_LEVEL = 4; // MQTT 3.1.1 (§3.1.2.1, §3.1.2.2)
const enum ConnectFlag { CleanSession = 2, Will = 4, WillRetain = 32, Password = 64, Username = 128 }
const WILL_QOS_SHIFT = 3;
const enum PublishFlag { Retain = 1, Dup = 8 }
const QOS_SHIFT = 1;
const TYPE_SHIFT = 4;
/** The packets made of a packet id and, for (UN)SUBSCRIBE, a list. */
const WITH_PACKET_ID = 1 << PacketType.Puback | 1 << PacketType.Pubrec | 1 << PacketType.Pubrel | 1 << PacketType.Pubcomp |
  1 << PacketType.Subscribe | 1 << PacketType.Unsubscribe;
/** The packets whose header carries the reserved flags 0b0010 (§2.2.2); the rest have 0. */
const WITH_RESERVED_FLAGS = 1 << PacketType.Pubrel | 1 << PacketType.Subscribe | 1 << PacketType.Unsubscribe;
const RESERVED_FLAGS = 2;
const MAX_FIELD_BYTES = 65535, MAX_REMAINING_LENGTH = 268435455;
// The remaining length: 7 bits a byte, least significant first, the top bit set on all but the last (§2.2.3).
const LENGTH_BITS = 127, MORE_LENGTH_BYTES = 128, BITS_PER_LENGTH_BYTE = 7;
const BYTE_MASK = 255;

function fail(message: string): void { throw new Error(message); }
function append(bytes: ArrayLike<number>): void {
  parts.push(bytes);
  size += bytes.length;
}
function appendUint16(value: number): void { append([value >> 8, value & BYTE_MASK]); }
// A 2-byte length and the bytes: MQTT's UTF-8 string and binary data fields (§1.5.3).
function appendField(value: Uint8Array | string | undefined): void {
  const bytes = toBytes(value) || [];
  if (bytes.length > MAX_FIELD_BYTES) fail('field over ' + MAX_FIELD_BYTES + ' bytes');
  appendUint16(bytes.length);
  append(bytes);
}

function appendConnect(packet: any): void {
  const will = packet.will;
  // The connect flags are set as the fields they announce are added.
  let flags = packet.clean ? ConnectFlag.CleanSession : 0;
  const levelAndFlags = [PROTOCOL_LEVEL, flags];
  appendField(PROTOCOL_NAME);
  append(levelAndFlags);
  appendUint16(packet.keepalive);
  appendField(packet.clientId);
  if (will) {
    flags |= ConnectFlag.Will | will.qos << WILL_QOS_SHIFT | (will.retain ? ConnectFlag.WillRetain : 0);
    appendField(will.topic);
    appendField(will.payload);
  }
  if (packet.username != null) {
    flags |= ConnectFlag.Username;
    appendField(packet.username);
  }
  if (packet.password != null) {
    flags |= ConnectFlag.Password;
    appendField(packet.password);
  }
  levelAndFlags[1] = flags;
}

/** The packets that carry a packet id and nothing else but (un)subscriptions; returns the header flags. */
function appendWithPacketId(type: number, packet: any): number {
  appendUint16(packet.messageId);
  if (type == PacketType.Subscribe) {
    for (const subscription of packet.subscriptions) {
      appendField(subscription.topic);
      append([subscription.qos]);
    }
  }
  if (type == PacketType.Unsubscribe) for (const topic of packet.unsubscriptions) appendField(topic);
  return WITH_RESERVED_FLAGS >> type & 1 ? RESERVED_FLAGS : 0;
}

export function encode(packet: any): Uint8Array {
  const type = NAMES.indexOf(packet.cmd);
  let flags = 0;
  parts = [[]]; // parts[0]: the fixed header, once the size is known
  size = 0;
  if (type == PacketType.Connect) appendConnect(packet);
  else if (type == PacketType.Publish) {
    appendField(packet.topic);
    if (packet.qos) appendUint16(packet.messageId);
    append(toBytes(packet.payload) || []);
    flags = (packet.dup ? PublishFlag.Dup : 0) | packet.qos << QOS_SHIFT | (packet.retain ? PublishFlag.Retain : 0); // §3.3.1
  }
  else if (WITH_PACKET_ID >> type & 1) flags = appendWithPacketId(type, packet);
  else if (type != PacketType.Pingreq && type != PacketType.Disconnect) fail('cannot encode ' + packet.cmd);
  if (size > MAX_REMAINING_LENGTH) fail('packet over ' + MAX_REMAINING_LENGTH + ' bytes');
  const header = parts[0] = [type << TYPE_SHIFT | flags];
  let rest = size;
  do {
    const low = rest & LENGTH_BITS;
    rest >>= BITS_PER_LENGTH_BYTE;
    header.push(rest ? low | MORE_LENGTH_BYTES : low);
  } while (rest);
  const out = new Uint8Array(size + header.length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  parts = []; // not the packet's parts: on a board they would stay in memory until the next packet
  return out;
}
