// Outbound: publish, subscribe and unsubscribe, the session's outstanding entries (each QoS
// 1/2 publish stored under its id before it is first written), packet ids (a message waits
// for one when all are in use) and the resend after CONNACK.
import type { Entry, Session } from './session';
import type { Callback, PublishOptions, SubscribeCallback, SubscribeOptions } from './client-options';
import { PacketType } from './packet-type';
import { NAMES } from './codec/names';
import { toBytes } from './utf8';
import { topicFilterError, topicNameError } from './topic';
import { queueError } from './offline-queue';
import { OUTBOUND_PREFIX } from './qos2';
import { addEntry, removeEntry, takeId } from './inflight';
import { emitError, newError, write } from './link';
import { ENDED } from './lifecycle';
import { WITH_QOS2, WITH_STORE } from './features';

export const PUBLISH = NAMES[PacketType.Publish];
const DEFAULT_SEND_QUEUE_BYTES = 1048576;

export const subscribePacket = (filters: string[], qosOf: (filter: string) => number) =>
  ({ cmd: NAMES[PacketType.Subscribe], subscriptions: filters.map((filter) => ({ topic: filter, qos: qosOf(filter) })) });

const fail = (session: Session, callback: Function | null | false | undefined, message: string): void => {
  const error = newError(message);
  if (callback) callback(error, []); else emitError(session, error);
};

// DUP on every resend of a PUBLISH; a QoS 0 publish leaves the entries once written.
export const sendEntry = (session: Session, entry: Entry): void => {
  const packet = entry.packet_, isPublish = packet.cmd == PUBLISH, atMostOnce = isPublish && !packet.qos;
  if (isPublish) packet.dup = entry.writtenOn_ != null;
  entry.writtenOn_ = session.links_;
  if (atMostOnce) removeEntry(session, entry);
  write(session, packet, atMostOnce && entry.callback_);
};

// Stored BEFORE it is written; a store that cannot save it (a full disk) refuses the publish:
// its callback gets the store's error, and its packet id stays free.
const storeAndSend = (session: Session, entry: Entry): void => {
  if (WITH_STORE && session.store_ && entry.packet_.qos) {
    try { session.store_.put(OUTBOUND_PREFIX + entry.packet_.messageId, entry.packet_); } catch (refused) {
      return fail(session, entry.callback_, (refused as Error).message);
    }
  }
  addEntry(session, entry);
  if (session.connected_ && !session.resending_) sendEntry(session, entry); // else the resend reaches it, in order
};

// Entries take free ids in the order they came: a new one (if given) joins the line, and the
// line is served from its head. When no id is free they wait (an acknowledgement frees one and
// calls this again), never spin.
export const enqueue = (session: Session, entry?: Entry): void => {
  const waiting = session.awaitingId_;
  if (entry) waiting.push(entry);
  while (waiting.length && takeId(session, waiting[0]!.packet_)) storeAndSend(session, waiting.shift()!);
};

// After CONNACK: everything outstanding, in order (the resubscription went first), that this
// link has not carried yet, until the link asks to wait; the link's drain calls it again, and
// new entries join its end meanwhile: a full queue never sits encoded in memory at once. It
// walks the entries object itself (no copy of its keys), again after an entry left (on the
// board, deleting the current key ends a for-in) and until a walk finds nothing to send.
export const resend = (session: Session): void => {
  const entries = session.entries_;
  let sent = true;
  session.resending_ = true;
  while (sent) {
    sent = false;
    for (const key in entries) {
      const entry = entries[key]!;
      if (session.linkFull_ || !session.connected_) return;
      if (entry.writtenOn_ === session.links_) continue;
      sendEntry(session, entry);
      sent = true;
      if (entries[key] !== entry) break; // it left (a QoS 0 publish)
    }
  }
  session.resending_ = false;
};

// Why a publish cannot be accepted now ('' when it can).
const publishError = (session: Session, topic: string, qos: number, size: number): string => {
  const options = session.options_;
  if (session.ending_) return ENDED;
  const topicError = topicNameError(topic);
  if (topicError) return topicError;
  if (qos > 2) return 'QoS must be 0, 1 or 2';
  if (!WITH_QOS2 && qos == 2) return 'QoS 2 is not in this build';
  if (!session.connected_ && !qos && !options.queueQoS0) return 'not connected';
  // Offline, or while the resend waits for the link (a publish then joins its end): held.
  if (!session.connected_ || session.resending_) return queueError(session, session.heldMessages_, session.heldBytes_, size);
  // Connected: QoS 0 waiting for the link is bounded; QoS 1/2 wait in the session's queue.
  if (!qos) return session.unwrittenBytes_ + size > (options.sendQueueBytes || DEFAULT_SEND_QUEUE_BYTES) ? 'outbound queue full' : '';
  // All 65,535 ids in use: those waiting for one are counted (their bytes are not summed).
  const waiting = session.awaitingId_.length;
  return waiting ? queueError(session, waiting, 0, size) : '';
};

export const publish = (session: Session, topic: string, payload: string | Uint8Array, options?: PublishOptions, callback?: Callback): void => {
  const qos = (options && options.qos) || 0, bytes = toBytes(payload);
  const error = publishError(session, topic, qos, bytes.length);
  if (error) return fail(session, callback, error);
  const entry: Entry = { packet_: { cmd: PUBLISH, topic: topic, payload: bytes, qos: qos, retain: !!(options && options.retain), dup: false }, callback_: callback };
  (qos ? enqueue : storeAndSend)(session, entry); // (QoS 0 needs no packet id)
};

// SUBSCRIBE / UNSUBSCRIBE: sent now when connected, else queued until CONNACK.
const request = (session: Session, filters: string | string[], callback: Callback | SubscribeCallback | undefined, makePacket: (list: string[]) => object): void => {
  const list = typeof filters == 'string' ? [filters] : filters;
  let error = session.ending_ ? ENDED : list.length ? '' : 'no topic filter';
  list.forEach((filter) => { error = error || topicFilterError(filter); });
  if (error) return fail(session, callback, error);
  enqueue(session, { packet_: makePacket(list), callback_: callback });
};

// Without QoS 2 in the build, a QoS 2 subscription asks for QoS 1.
export const subscribe = (session: Session, filters: string | string[], options?: SubscribeOptions, callback?: SubscribeCallback): void => {
  const qos = (options && options.qos) || 0;
  request(session, filters, callback, (list) => subscribePacket(list, () => WITH_QOS2 || qos < 2 ? qos : 1));
};

export const unsubscribe = (session: Session, filters: string | string[], callback?: Callback): void => {
  request(session, filters, callback, (list) => {
    list.forEach((filter) => { delete session.subscribed_[filter]; });
    return { cmd: NAMES[PacketType.Unsubscribe], unsubscriptions: list };
  });
};
