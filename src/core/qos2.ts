// QoS 2 (MQTT 3.1.1 §4.3.3), the parts a board profile without it leaves out: the client
// calls these only under `if (WITH_QOS2)`.
// Inbound: a QoS 2 message is delivered once. Its id is remembered, durably (store key
// 'i' + id), from its first PUBLISH until the broker's PUBREL, and a resent PUBLISH in
// between is acknowledged but not delivered again.
// Outbound: at PUBREC the outstanding PUBLISH becomes its PUBREL (stored in its place), which
// PUBCOMP completes.
import type { Store } from './types';
import type { Entry } from './inflight';
import { NAMES } from './codec/names';
import { PacketType } from './packet-type';

export type ReceivedIds = { [id: number]: 1 };
export const INBOUND_PREFIX = 'i', OUTBOUND_PREFIX = 'o';

/** True for the first PUBLISH of a QoS 2 message: deliver it. False for a resend. */
export function receiveQos2(received: ReceivedIds, store: Store | undefined, id: number): boolean {
  if (received[id]) return false;
  received[id] = 1;
  if (store) store.put(INBOUND_PREFIX + id, {});
  return true;
}

/** PUBREL: the broker has forgotten the message; its id may carry a new one. */
export function releaseQos2(received: ReceivedIds, store: Store | undefined, id: number): void {
  delete received[id];
  if (store) store.del(INBOUND_PREFIX + id);
}

/** A clean session on the broker: it will not PUBREL what it sent before. */
export function forgetQos2(received: ReceivedIds, store: Store | undefined): void {
  Object.keys(received).forEach((id) => releaseQos2(received, store, id as unknown as number));
}

/** PUBREC for an outstanding QoS 2 PUBLISH (or a repeated one for its PUBREL): the entry becomes its PUBREL. */
export function toPubrel(entry: Entry, store: Store | undefined): void {
  const id = entry.packet_.messageId;
  entry.packet_ = { cmd: NAMES[PacketType.Pubrel], messageId: id };
  if (store) store.put(OUTBOUND_PREFIX + id, entry.packet_);
}
