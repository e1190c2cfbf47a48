// Builds a Client on a FakePlatform and MemoryTransports for unit tests, records every event,
// and plays the broker's side of the handshake. The transport's side always uses mqtt-packet,
// so a test run with the board codec also checks it against mqtt-packet in both directions.
import { expect } from 'vitest';
import { Client } from '../../src/core/client';
import { LiteClient } from '../../src/core/lite/client';
import { boardCodec } from '../../src/core/codec';
import { mqttPacketCodec } from '../../src/node/mqtt-packet-codec';
import type { ClientOptions } from '../../src/core/client-options';
import type { Codec, Packet, Store } from '../../src/core/types';
import { FakePlatform } from './fake-platform';
import { memoryTransports, type MemoryTransport } from './memory-transport';

/** The board codec, marked to be driven by the lite profile's client (src/core/lite/client.ts). */
const LITE_CLIENT: Codec = Object.assign({ liteClient: true }, boardCodec);
/** The full client with both codecs, and the lite client, for describe.each: every client
 * suite runs with each. What the lite client leaves out (QoS 2, a store, 65,535 packet ids in
 * flight, an outbound queue apart from the offline one) is tested where `fullClient(codec)`. */
export const codecs: [string, Codec][] = [['mqtt-packet', mqttPacketCodec], ['board codec', boardCodec], ['lite client', LITE_CLIENT]];
/** Whether a suite's entry drives the full client (not the lite one). */
export const fullClient = (codec: Codec): boolean => codec !== LITE_CLIENT;

export type Ev = [string, ...unknown[]];

export function harness(codec: Codec, opts: ClientOptions = {}, store?: Store, platform = new FakePlatform()) {
  const t = memoryTransports();
  const client = new (fullClient(codec) ? Client : LiteClient)({ clientId: 'c1', ...opts }, { platform, transport: t.factory, codec, store }) as Client;
  const events: Ev[] = [];
  for (const name of ['connect', 'message', 'error', 'close', 'reconnect', 'end', 'oversize'] as const) {
    client.on(name, ((...a: unknown[]) => {
      while (a.length && a[a.length - 1] === undefined) a.pop();
      events.push([name, ...a]);
    }) as never);
  }
  const h = {
    platform, client, t, events,
    /** The current transport. */
    get tr(): MemoryTransport { return t.last(); },
    /** Events of one kind, their arguments. */
    ev(name: string): unknown[][] { return events.filter((e) => e[0] === name).map((e) => e.slice(1)); },
    /** Accept the transport the client opened, check CONNECT, answer CONNACK. Returns what the client sent after CONNACK. */
    handshake(sessionPresent = false, returnCode = 0): Packet[] {
      const tr = t.last();
      expect(tr.state).toBe('opening');
      tr.accept();
      const sent = tr.take();
      expect(sent.map((p) => p.cmd)).toEqual(['connect']);
      tr.deliver({ cmd: 'connack', returnCode, sessionPresent });
      return tr.take();
    },
    /** connect() then handshake(). */
    up(sessionPresent = false): Packet[] { client.connect(); return h.handshake(sessionPresent); },
  };
  return h;
}

/** A parsed packet as a plain object: no parser bookkeeping, payloads as text. */
export function plain(p: Packet): Record<string, unknown> {
  const o: Record<string, unknown> = { ...(p as object) };
  delete o.length;
  // mqtt-packet's parser fills fixed-header fields in for every packet type
  if (o.cmd && o.cmd !== 'publish') for (const k of ['retain', 'qos', 'dup', 'topic', 'payload']) delete o[k];
  if (o.payload instanceof Uint8Array) o.payload = Buffer.from(o.payload).toString();
  if (o.will) o.will = plain(o.will as Packet);
  if (o.password instanceof Uint8Array) o.password = Buffer.from(o.password).toString();
  return o;
}
export const plainAll = (ps: Packet[]) => ps.map(plain);
/** Just the command names. */
export const cmds = (ps: Packet[]) => ps.map((p) => p.cmd);
export const text = (b: unknown) => Buffer.from(b as Uint8Array).toString();
