// Outbound: publish, subscribe and unsubscribe, the session's outstanding entries (each QoS
// 1/2 publish stored under its id before it is first written), packet ids (a message waits
// for one when all are in use) and the resend after CONNACK.
import type { Session } from './session';
import type { Entry } from './inflight';
import type { Callback, MqttClient, SubscribeCallback } from './client-options';
import { PacketType } from './packet-type';
import { NAMES } from './codec/names';
import { toBytes } from './utf8';
import { topicFilterError, topicNameError } from './topic';
import { queueError } from './offline-queue';
import { OUTBOUND_PREFIX } from './qos2';
import { WITH_QOS2 } from './features';

export const PUBLISH = NAMES[PacketType.Publish], ENDED = 'client ended';
const DEFAULT_QUEUE_MAX = 100, DEFAULT_QUEUE_BYTES = 65536, DEFAULT_SEND_QUEUE_BYTES = 1048576;

export const subscribePacket = (filters: string[], qosOf: (filter: string) => number) =>
  ({ cmd: NAMES[PacketType.Subscribe], subscriptions: filters.map((filter) => ({ topic: filter, qos: qosOf(filter) })) });

export function installOutbound(session: Session, client: MqttClient): void {
  const options = session.options_, platform = session.platform_, outstanding = session.outstanding_;
  const queueMax = options.queueMax || DEFAULT_QUEUE_MAX, queueBytes = options.queueBytes || DEFAULT_QUEUE_BYTES;

  const fail = (callback: Function | undefined, message: string) => {
    const error = session.newError_(message);
    if (callback) callback(error, []); else session.emitError_(error);
  };
  // DUP on every resend of a PUBLISH.
  const sendEntry = session.sendEntry_ = (entry) => {
    const packet = entry.packet_, isPublish = packet.cmd == PUBLISH;
    if (isPublish) { packet.dup = !!entry.sentBefore_; entry.sentBefore_ = true; }
    session.write_(packet, isPublish && !packet.qos && entry.callback_);
  };
  const storeAndSend = (entry: Entry) => {
    if (session.store_ && entry.packet_.qos) session.store_.put(OUTBOUND_PREFIX + entry.packet_.messageId, entry.packet_);
    if (session.connected_) sendEntry(entry);
  };
  // When no id is free (or others wait already) an entry waits for one, never spins.
  session.enqueue_ = (entry) => {
    if (!session.awaitingId_.length && outstanding.takeId_(entry.packet_)) {
      outstanding.add_(entry);
      storeAndSend(entry);
    } else session.awaitingId_.push(entry);
  };
  // An acknowledgement freed an id: the oldest entry waiting for one takes it.
  session.serveAwaitingId_ = () => {
    const waiting = session.awaitingId_;
    while (waiting.length && outstanding.takeId_(waiting[0].packet_)) {
      const entry = waiting.shift()!;
      outstanding.add_(entry);
      storeAndSend(entry);
    }
  };
  // After CONNACK: everything outstanding, in order (the resubscription went first); a QoS 0
  // publish queued offline leaves once written.
  session.resend_ = () => outstanding.entries_().forEach((entry) => {
    const packet = entry.packet_;
    if (packet.cmd == PUBLISH && !packet.qos) outstanding.remove_(entry);
    if (entry != session.resubscription_) sendEntry(entry);
  });

  // Why a publish cannot be accepted now ('' when it can).
  const publishError = (topic: string, qos: number, size: number) => {
    if (session.ending_) return ENDED;
    const topicError = topicNameError(topic);
    if (topicError) return topicError;
    if (qos > 2) return 'QoS must be 0, 1 or 2';
    if (!WITH_QOS2 && qos == 2) return 'QoS 2 is not in this build';
    if (!session.connected_) return qos || options.queueQoS0 ? queueError(outstanding.entries_(), queueMax, queueBytes, size, platform) : 'not connected';
    // Connected: QoS 0 waiting for the link is bounded; QoS 1/2 wait in the session's queue.
    if (!qos) return session.unwrittenBytes_() + size > (options.sendQueueBytes || DEFAULT_SEND_QUEUE_BYTES) ? 'outbound queue full' : '';
    return session.awaitingId_.length ? queueError(session.awaitingId_, queueMax, queueBytes, size, platform) : '';
  };
  client.publish = (topic, payload, publishOptions, callback) => {
    const qos = (publishOptions && publishOptions.qos) || 0, bytes = toBytes(payload);
    const error = publishError(topic, qos, bytes.length);
    if (error) return fail(callback, error);
    const entry: Entry = { packet_: { cmd: PUBLISH, topic: topic, payload: bytes, qos: qos, retain: !!(publishOptions && publishOptions.retain), dup: false }, callback_: callback };
    if (qos) session.enqueue_(entry);
    else if (session.connected_) sendEntry(entry); // QoS 0 is never queued while connected
    else outstanding.add_(entry);
  };

  // SUBSCRIBE / UNSUBSCRIBE: sent now when connected, else queued until CONNACK.
  const request = (filters: string | string[], callback: Callback | SubscribeCallback | undefined, makePacket: (list: string[]) => object) => {
    const list = typeof filters == 'string' ? [filters] : filters;
    let error = session.ending_ ? ENDED : list.length ? '' : 'no topic filter';
    list.forEach((filter) => { error = error || topicFilterError(filter); });
    if (error) return fail(callback, error);
    session.enqueue_({ packet_: makePacket(list), callback_: callback });
  };
  // Without QoS 2 in the build, a QoS 2 subscription asks for QoS 1.
  client.subscribe = (filters, subscribeOptions, callback) => request(filters, callback, (list) =>
    subscribePacket(list, () => { const qos = (subscribeOptions && subscribeOptions.qos) || 0; return WITH_QOS2 || qos < 2 ? qos : 1; }));
  client.unsubscribe = (filters, callback) => request(filters, callback, (list) => {
    list.forEach((filter) => { delete session.subscribed_[filter]; });
    return { cmd: NAMES[PacketType.Unsubscribe], unsubscriptions: list };
  });
}
