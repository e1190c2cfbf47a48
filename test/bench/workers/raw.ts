// Bench worker entry for the floor: a hand-written MQTT 3.1.1 client straight on node:net,
// the least a Node client must do (no session store, no validation, no reconnect, no
// options). Each packet is built into one Buffer and written at once with its own write(),
// Nagle off, as a plain hand-written client does; the parser frames whole packets out of
// the stream and reads PUBLISH, PUBACK, PUBREC, PUBCOMP, SUBACK and CONNACK only.
// Its CPU per message is what a client library adds its features on top of.
import net from 'node:net';
import type { BenchClient, Connect, QoS } from './adapter';
import { workerMain } from './worker-main';

const enum Type { Connect = 1, Connack = 2, Publish = 3, Puback = 4, Pubrec = 5, Pubrel = 6, Pubcomp = 7, Subscribe = 8, Suback = 9, Disconnect = 14 }
const TYPE_SHIFT = 4, QOS_SHIFT = 1, QOS_MASK = 6, RESERVED_FLAGS = 2;
const LENGTH_BITS = 127, MORE_LENGTH = 128, BITS_PER_LENGTH_BYTE = 7;
const KEEPALIVE_SECONDS = 60, CLEAN_SESSION = 2, USERNAME_FLAG = 128, PASSWORD_FLAG = 64, PROTOCOL_LEVEL = 4;
const MAX_PACKET_ID = 65535;

function lengthBytes(length: number): number[] {
  const out: number[] = [];
  do {
    const low = length & LENGTH_BITS;
    length >>= BITS_PER_LENGTH_BYTE;
    out.push(length ? low | MORE_LENGTH : low);
  } while (length);
  return out;
}

/** A packet from its header byte and body parts (Buffers). */
function packet(header: number, parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([header, ...lengthBytes(body.length)]), body]);
}
const field = (text: string) => { const bytes = Buffer.from(text); const length = Buffer.alloc(2); length.writeUInt16BE(bytes.length); return Buffer.concat([length, bytes]); };
const uint16 = (value: number) => { const out = Buffer.alloc(2); out.writeUInt16BE(value); return out; };

const connect: Connect = (url, clientId, onConnected, onError) => {
  const target = new URL(url);
  const socket = net.connect({ host: target.hostname, port: Number(target.port || 1883) });
  socket.setNoDelay(true);
  const pending = new Map<number, (err?: Error) => void>();
  let nextId = 0, onMessage: (topic: string, payload: Uint8Array) => void = () => {};
  let carry: Buffer | undefined;
  const takeId = () => { nextId = nextId % MAX_PACKET_ID + 1; return nextId; };
  const ack = (type: Type, packetId: number) => socket.write(Buffer.from([type << TYPE_SHIFT | (type === Type.Pubrel ? RESERVED_FLAGS : 0), 2, packetId >> 8, packetId & 255]));
  const complete = (packetId: number, err?: Error) => { const done = pending.get(packetId); pending.delete(packetId); done?.(err); };

  const client: BenchClient = {
    publish(topic, payload, qos: QoS, done) {
      const topicBytes = Buffer.byteLength(topic);
      const bodyLength = 2 + topicBytes + (qos ? 2 : 0) + payload.length;
      const head = lengthBytes(bodyLength);
      const out = Buffer.allocUnsafe(1 + head.length + bodyLength);
      let offset = 0;
      out[offset++] = Type.Publish << TYPE_SHIFT | qos << QOS_SHIFT;
      for (const byte of head) out[offset++] = byte;
      offset = out.writeUInt16BE(topicBytes, offset);
      offset += out.write(topic, offset);
      if (qos) { const packetId = takeId(); offset = out.writeUInt16BE(packetId, offset); pending.set(packetId, done); }
      payload.copy(out, offset);
      socket.write(out);
      if (!qos) done();
    },
    subscribe(topic, qos, done) {
      const packetId = takeId();
      pending.set(packetId, done);
      socket.write(packet(Type.Subscribe << TYPE_SHIFT | RESERVED_FLAGS, [uint16(packetId), field(topic), Buffer.from([qos])]));
    },
    onMessage(handler) { onMessage = handler; },
    end(done) { socket.end(packet(Type.Disconnect << TYPE_SHIFT, []), done); },
  };

  const handle = (type: number, flags: number, body: Buffer) => {
    switch (type) {
      case Type.Connack:
        if (body[1]) onError(new Error(`CONNACK return code ${body[1]}`)); else onConnected(client);
        return;
      case Type.Publish: {
        const qos = (flags & QOS_MASK) >> QOS_SHIFT;
        const topicLength = body.readUInt16BE(0);
        const topic = body.toString('utf8', 2, 2 + topicLength);
        let offset = 2 + topicLength;
        const packetId = qos ? body.readUInt16BE(offset) : 0;
        if (qos) offset += 2;
        onMessage(topic, body.subarray(offset));
        if (qos === 1) ack(Type.Puback, packetId); else if (qos === 2) ack(Type.Pubrec, packetId);
        return;
      }
      case Type.Puback: case Type.Pubcomp: case Type.Suback: return complete(body.readUInt16BE(0));
      case Type.Pubrec: return ack(Type.Pubrel, body.readUInt16BE(0));
      case Type.Pubrel: return ack(Type.Pubcomp, body.readUInt16BE(0));
    }
  };
  socket.on('data', (chunk: Buffer) => {
    const bytes = carry ? Buffer.concat([carry, chunk]) : chunk;
    carry = undefined;
    let offset = 0;
    while (offset < bytes.length) {
      // The fixed header: type byte, then the remaining length (up to 4 bytes).
      let length = 0, shift = 0, index = offset + 1, whole = false;
      while (index < bytes.length) {
        const byte = bytes[index++]!;
        length += (byte & LENGTH_BITS) << shift;
        shift += BITS_PER_LENGTH_BYTE;
        if (!(byte & MORE_LENGTH)) { whole = true; break; }
      }
      if (!whole || index + length > bytes.length) break;
      handle(bytes[offset]! >> TYPE_SHIFT, bytes[offset]! & 15, bytes.subarray(index, index + length));
      offset = index + length;
    }
    if (offset < bytes.length) carry = Buffer.from(bytes.subarray(offset));
  });
  socket.on('error', onError);
  socket.once('connect', () => {
    const user = decodeURIComponent(target.username), password = decodeURIComponent(target.password);
    const flags = CLEAN_SESSION | (user ? USERNAME_FLAG : 0) | (password ? PASSWORD_FLAG : 0);
    const parts = [field('MQTT'), Buffer.from([PROTOCOL_LEVEL, flags]), uint16(KEEPALIVE_SECONDS), field(clientId)];
    if (user) parts.push(field(user));
    if (password) parts.push(field(password));
    socket.write(packet(Type.Connect << TYPE_SHIFT, parts));
  });
};

workerMain(connect);
