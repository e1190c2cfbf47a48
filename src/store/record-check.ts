// What a stored record must look like to be handed back to the client after a restart.
// Keys are the client's: 'o<packet id>' is a message owed to the broker (a QoS 1/2 PUBLISH,
// or the PUBREL of a QoS 2 one), 'i<packet id>' is an inbound QoS 2 message awaiting its
// PUBREL. A record that is valid JSON but not one of these (qos 9, cmd "connect", packet id
// 0) would make the client loop on reconnects or throw on every start, so loading sets it
// aside instead.
import { topicNameError } from '../core/topic';

const MAX_PACKET_ID = 65535;
const FORBIDDEN_KEYS = ['__proto__', 'constructor', 'prototype'];

function packetIdError(packetId: unknown): string {
  return typeof packetId === 'number' && Number.isInteger(packetId) && packetId >= 1 && packetId <= MAX_PACKET_ID ? '' :
    `messageId ${JSON.stringify(packetId)} is not a packet id (allowed: 1..${MAX_PACKET_ID})`;
}

function publishError(record: { [field: string]: unknown }): string {
  const topicError = topicNameError(record.topic as string);
  if (topicError) return topicError;
  if (!(record.payload instanceof Uint8Array)) return 'payload is not bytes';
  if (record.qos !== 1 && record.qos !== 2) return `qos ${JSON.stringify(record.qos)} is not allowed for a stored message (allowed: 1, 2)`;
  if (record.retain !== undefined && typeof record.retain !== 'boolean') return 'retain is not true/false';
  if (record.dup !== undefined && typeof record.dup !== 'boolean') return 'dup is not true/false';
  return '';
}

/** '' when the record is one the client wrote under this key; else why it is not. */
export function recordError(key: string, record: unknown): string {
  if (FORBIDDEN_KEYS.indexOf(key) >= 0) return `the key is named ${key}`;
  const match = /^([io])([1-9][0-9]{0,4})$/.exec(key);
  if (!match || +match[2]! > MAX_PACKET_ID) return `the key is not o<packet id> or i<packet id> (packet id 1..${MAX_PACKET_ID})`;
  if (!record || typeof record !== 'object' || Array.isArray(record)) return 'the record is not an object';
  const fields = record as { [field: string]: unknown };
  for (const name of Object.keys(fields)) if (FORBIDDEN_KEYS.indexOf(name) >= 0) return `a field is named ${name}`;
  if (match[1] === 'i') return Object.keys(fields).length ? 'an inbound QoS 2 marker has fields' : '';
  const idError = packetIdError(fields.messageId);
  if (idError) return idError;
  if (fields.messageId !== +match[2]!) return `messageId ${fields.messageId} differs from the key's packet id ${match[2]}`;
  if (fields.cmd === 'publish') return publishError(fields);
  if (fields.cmd === 'pubrel') return '';
  return `cmd ${JSON.stringify(fields.cmd)} is not a stored packet (allowed: publish, pubrel)`;
}
