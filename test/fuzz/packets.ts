// Shared by the codec tests and the fuzz script: fast-check arbitraries for the packets a
// client sends and a broker sends, normalisation of parsed packets (mqtt-packet adds
// `length`, header fields and Buffers), and small stream helpers.
import fc from 'fast-check';
import mqttPacket from 'mqtt-packet';
import type { Codec, Packet } from '../../src/core/types';
import { topicNameError } from '../../src/core/topic';

const text = (max = 24) => fc.string({ unit: 'binary', maxLength: max });
const topicName = fc.string({ unit: 'binary', minLength: 1, maxLength: 24 }).filter((s) => topicNameError(s) === '');
const topicFilter = fc.string({ unit: 'binary', minLength: 1, maxLength: 24 });
const payload = fc.uint8Array({ maxLength: 300 });
const id = fc.integer({ min: 1, max: 65535 });
const qos = fc.constantFrom(0 as const, 1 as const, 2 as const);

const publish = fc.record({ topic: topicName, payload, qos, retain: fc.boolean(), dup: fc.boolean(), messageId: id })
  .map((p): Packet => {
    const out: any = { cmd: 'publish', topic: p.topic, payload: p.payload, qos: p.qos, retain: p.retain, dup: p.qos > 0 && p.dup };
    if (p.qos) out.messageId = p.messageId;
    return out;
  });
const ack = (cmd: 'puback' | 'pubrec' | 'pubrel' | 'pubcomp' | 'unsuback') => id.map((messageId): Packet => ({ cmd, messageId }));

/** Every packet a client sends: what our encoder must produce byte-for-byte like mqtt-packet. */
export const clientPacket: fc.Arbitrary<Packet> = fc.oneof(
  fc.record({
    clientId: text(), clean: fc.boolean(), keepalive: fc.integer({ min: 0, max: 65535 }),
    username: fc.option(text(), { nil: undefined }),
    password: fc.option(fc.uint8Array({ maxLength: 40 }), { nil: undefined }),
    will: fc.option(fc.record({ topic: topicName, payload, qos, retain: fc.boolean() }), { nil: undefined }),
  }).filter((c) => c.clean || c.clientId !== '') // §3.1.3-7: an empty id needs a clean session (the client generates one)
    .map((c): Packet => {
    const p: any = { cmd: 'connect', clientId: c.clientId, clean: c.clean, keepalive: c.keepalive };
    if (c.will) p.will = c.will;
    if (c.username !== undefined) p.username = c.username;
    // MQTT 3.1.1 §3.1.2.9: no password without a user name.
    if (c.username !== undefined && c.password !== undefined) p.password = c.password;
    return p;
  }),
  publish,
  ack('puback'), ack('pubrec'), ack('pubrel'), ack('pubcomp'),
  fc.record({ messageId: id, subscriptions: fc.array(fc.record({ topic: topicFilter, qos }), { minLength: 1, maxLength: 5 }) })
    .map((s): Packet => ({ cmd: 'subscribe', messageId: s.messageId, subscriptions: s.subscriptions })),
  fc.record({ messageId: id, unsubscriptions: fc.array(topicFilter, { minLength: 1, maxLength: 5 }) })
    .map((s): Packet => ({ cmd: 'unsubscribe', messageId: s.messageId, unsubscriptions: s.unsubscriptions })),
  fc.constant<Packet>({ cmd: 'pingreq' }),
  fc.constant<Packet>({ cmd: 'disconnect' }),
);

/** Every packet a broker sends: what our parser must read like mqtt-packet. */
export const serverPacket: fc.Arbitrary<Packet> = fc.oneof(
  fc.record({ returnCode: fc.integer({ min: 0, max: 5 }), sessionPresent: fc.boolean() })
    .map((c): Packet => ({ cmd: 'connack', returnCode: c.returnCode, sessionPresent: c.sessionPresent })),
  publish, publish,
  ack('puback'), ack('pubrec'), ack('pubrel'), ack('pubcomp'), ack('unsuback'),
  fc.record({ messageId: id, granted: fc.array(fc.constantFrom(0, 1, 2, 128), { minLength: 1, maxLength: 8 }) })
    .map((s): Packet => ({ cmd: 'suback', messageId: s.messageId, granted: s.granted })),
  fc.constant<Packet>({ cmd: 'pingresp' }),
);

/** mqtt-packet playing the broker: it encodes the server's packets. */
export function serverBytes(p: Packet): Uint8Array {
  const q: any = { ...p };
  if (q.payload) q.payload = Buffer.from(q.payload);
  return new Uint8Array(mqttPacket.generate(q));
}

const FIELDS: Record<string, string[]> = {
  connect: ['protocolId', 'protocolVersion', 'clientId', 'clean', 'keepalive', 'will', 'username', 'password'],
  connack: ['returnCode', 'sessionPresent'],
  publish: ['topic', 'payload', 'qos', 'retain', 'dup', 'messageId'],
  subscribe: ['messageId', 'subscriptions'],
  suback: ['messageId', 'granted'],
  unsubscribe: ['messageId', 'unsubscriptions'],
};

/** Byte arrays (Buffer or Uint8Array) become plain arrays, recursively, so equality ignores the class. */
export function plain(v: any): any {
  if (v instanceof Uint8Array) return Array.from(v);
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') {
    const o: any = {};
    for (const k of Object.keys(v)) if (v[k] !== undefined) o[k] = plain(v[k]);
    return o;
  }
  return v;
}

/** A parsed packet reduced to the fields of its kind (drops mqtt-packet's length, null topic, …). */
export function norm(p: any): any {
  const o: any = { cmd: p.cmd };
  for (const k of FIELDS[p.cmd] ?? ['messageId']) if (p[k] !== undefined && p[k] !== null) o[k] = p[k];
  if (o.will) o.will = { topic: o.will.topic, payload: o.will.payload, qos: o.will.qos, retain: o.will.retain };
  return plain(o);
}

/** The packet as a parser should return it (the CONNECT defaults filled in). */
export function expected(p: Packet): any {
  return p.cmd === 'connect' ? norm({ protocolId: 'MQTT', protocolVersion: 4, ...p }) : norm(p);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** A valid stream of broker packets, then up to `maxEdits` byte flips, replaced bytes,
 *  insertions and deletions. */
export function mutatedStream(maxEdits: number): fc.Arbitrary<Uint8Array> {
  return fc.record({
    packets: fc.array(serverPacket, { minLength: 1, maxLength: 6 }),
    edits: fc.array(fc.record({ kind: fc.constantFrom('flip', 'set', 'insert', 'delete'), at: fc.nat(), value: fc.nat(255) }), { minLength: 1, maxLength: maxEdits }),
  }).map(({ packets, edits }) => {
    const bytes = Array.from(concat(packets.map(serverBytes)));
    for (const edit of edits) {
      const at = edit.at % (bytes.length + 1);
      if (edit.kind === 'flip') bytes[at % bytes.length] ^= 1 << (edit.value % 8);
      else if (edit.kind === 'set') bytes[at % bytes.length] = edit.value;
      else if (edit.kind === 'insert') bytes.splice(at, 0, edit.value);
      else if (bytes.length > 1) bytes.splice(at % bytes.length, 1);
    }
    return new Uint8Array(bytes);
  });
}

/** Cuts bytes into chunks whose sizes cycle through `sizes` (each ≥ 1). */
export function split(bytes: Uint8Array, sizes: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0, k = 0; i < bytes.length; k++) {
    const n = Math.max(1, sizes.length ? sizes[k % sizes.length] : bytes.length);
    out.push(bytes.subarray(i, i + n));
    i += n;
  }
  return out;
}

export interface Outcome { packets: Packet[]; errors: Error[]; thrown?: unknown }

/** Feeds chunks to a fresh parser; records packets, errors and any exception that escaped. */
export function run(codec: Codec, chunks: Uint8Array[], max = 1 << 20): Outcome {
  const r: Outcome = { packets: [], errors: [] };
  const parser = codec.parser(max, (p) => r.packets.push(p), (e) => r.errors.push(e));
  try { for (const c of chunks) parser.feed(c); } catch (e) { r.thrown = e; }
  return r;
}
