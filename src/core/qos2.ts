// QoS 2 (MQTT 3.1.1 §4.3.3), the parts a board profile without it leaves out: the client
// calls these only under `if (WITH_QOS2)`.
// Inbound: a QoS 2 message is delivered once. Its packet id is remembered, durably (store key
// 'i' + id), from its first PUBLISH until the broker's PUBREL, and a resent PUBLISH in
// between is acknowledged but not delivered again.
// Outbound: at PUBREC the outstanding PUBLISH becomes its PUBREL (stored in its place), which
// PUBCOMP completes.
import type { Store } from './types';
import type { Entry } from './session';
import { NAMES } from './codec/names';
import { PacketType } from './packet-type';

export type ReceivedIds = { [packetId: number]: 1 };
export const INBOUND_PREFIX = 'i', OUTBOUND_PREFIX = 'o';

/** True for the first PUBLISH of a QoS 2 message: deliver it. False for a resend. */
export const receiveQos2 = (received: ReceivedIds, store: Store | undefined, packetId: number): boolean => {
  if (received[packetId]) return false;
  received[packetId] = 1;
  if (store) store.put(INBOUND_PREFIX + packetId, {});
  return true;
};

/** PUBREL: the broker has forgotten the message; its packetId may carry a new one. */
export const releaseQos2 = (received: ReceivedIds, store: Store | undefined, packetId: number): void => {
  delete received[packetId];
  if (store) store.del(INBOUND_PREFIX + packetId);
};

/** A clean session on the broker: it will not PUBREL what it sent before. */
export const forgetQos2 = (received: ReceivedIds, store: Store | undefined): void => {
  Object.keys(received).forEach((packetId) => releaseQos2(received, store, packetId as unknown as number));
};

/** PUBREC for an outstanding QoS 2 PUBLISH (or a repeated one for its PUBREL): the entry becomes its PUBREL. */
export const toPubrel = (entry: Entry, store: Store | undefined): void => {
  const packetId = entry.packet_.messageId;
  entry.packet_ = { cmd: NAMES[PacketType.Pubrel], messageId: packetId };
  if (store) store.put(OUTBOUND_PREFIX + packetId, entry.packet_);
};
