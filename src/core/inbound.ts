// Inbound: one handler per packet type, after the codec has parsed it.
import type { Entry, Session } from './session';
import type { QoS } from './types';
import { ackFor, countHeld, findEntry, removeEntry } from './inflight';
import { refusal } from './connack';
import { receiveQos2, releaseQos2, forgetQos2, toPubrel, OUTBOUND_PREFIX } from './qos2';
import { drop, emitError, newError, violation, write } from './link';
import { disconnect, setState, tick, CONNECTED } from './lifecycle';
import { enqueue, resend, sendEntry, subscribePacket } from './outbound';
import { PacketType } from './packet-type';
import { NAMES } from './codec/names';
import { packetName } from './codec/parse';
import { WITH_QOS2, WITH_STORE } from './features';

// A SUBACK return code at or above this refuses the subscription (MQTT 3.1.1 §3.9.3: 0x80).
const SUBACK_FAILURE = 128;

const acknowledge = (session: Session, type: PacketType, packetId: number) => write(session, { cmd: NAMES[type], messageId: packetId });

const onConnack = (session: Session, connack: any): void => {
  if (connack.returnCode) {
    const error = newError(refusal(connack.returnCode));
    emitError(session, error);
    return drop(session, error);
  }
  const subscribed = session.subscribed_;
  session.lastPingAt_ = 0;
  session.resubscription_ = null;
  setState(session, CONNECTED);
  if (!connack.sessionPresent) {
    // No session on the broker: it will not PUBREL what it sent before, and the
    // subscriptions are restored, first.
    if (WITH_QOS2) forgetQos2(session.receivedQos2_, session.store_);
    const filters = Object.keys(subscribed);
    if (filters.length) enqueue(session, session.resubscription_ = { packet_: subscribePacket(filters, (filter) => subscribed[filter]!) });
  }
  resend(session);
  tick(session);
  session.emit('connect', connack); // the CONNACK itself (sessionPresent, returnCode), as MQTT.js does
};

// A PUBLISH, or (with `oversize`, its size) one over maxPacketSize that the codec read past:
// acknowledged all the same (the broker would resend it forever) and reported, never
// delivered, and the link kept. A QoS 2 message is delivered (or reported) once.
export const onPublish = (session: Session, packet: any, oversize?: number): void => {
  const qos = packet.qos, packetId = packet.messageId;
  session.madeProgress_ = true;
  if (!(WITH_QOS2 && qos == 2) || receiveQos2(session.receivedQos2_, session.store_, packetId)) {
    if (oversize) session.emit('oversize', packet.topic, oversize, qos);
    else session.emit('message', packet.topic, packet.payload, packet);
  }
  if (qos) acknowledge(session, qos == 2 ? PacketType.Pubrec : PacketType.Puback, packetId);
};

// SUBACK: the granted QoS per filter; refused ones (0x80) are named in one error.
const onSuback = (session: Session, entry: Entry, granted: number[]): void => {
  const refused: string[] = [];
  const result = entry.packet_.subscriptions.map((subscription: { topic: string }, i: number) => {
    const qos = granted[i]!;
    if (qos >= SUBACK_FAILURE) refused.push(subscription.topic); else session.subscribed_[subscription.topic] = qos as QoS;
    return { topic: subscription.topic, qos: qos };
  });
  const error = refused.length ? newError('subscription refused: ' + refused.join(', ')) : undefined;
  if (entry.callback_) entry.callback_(error, result); else if (error) emitError(session, error);
};

// PUBACK, PUBREC, PUBCOMP, SUBACK, UNSUBACK: the answer to an outstanding entry.
const onAck = (session: Session, type: PacketType, packet: any): void => {
  const packetId = packet.messageId, entry = findEntry(session, packetId), expected = entry && ackFor(entry.packet_), store = session.store_;
  // Besides the expected ack: a PUBACK for a QoS 2 publish (RabbitMQ takes QoS 2 as QoS 1:
  // it has the message, so it is complete), and a repeated PUBREC (answered with PUBREL again).
  const tolerated = WITH_QOS2 && ((type == PacketType.Puback && expected == PacketType.Pubrec) ||
    (type == PacketType.Pubrec && expected == PacketType.Pubcomp));
  if (!entry || (type != expected && !tolerated)) return violation(session, 'unexpected ' + packetName(type) + (packetId ? ' for packet id ' + packetId : ''));
  if (WITH_QOS2 && type == PacketType.Pubrec) {
    countHeld(session, entry.packet_, -1); // the PUBREL that replaces it holds no payload
    toPubrel(entry, store);
    return sendEntry(session, entry);
  }
  if (tolerated && session.platform_.log) session.platform_.log('warn', 'QoS 2 PUBLISH completed by PUBACK');
  removeEntry(session, entry);
  if (type == PacketType.Suback) onSuback(session, entry, packet.granted);
  else {
    // (An UNSUBSCRIBE has no record: deleting a missing key changes nothing.)
    if (WITH_STORE && store) store.del(OUTBOUND_PREFIX + packetId);
    if (entry.callback_) entry.callback_();
  }
  enqueue(session); // an id is free: the oldest entry waiting for one takes it
  if (session.ending_ && !session.idsInUse_) disconnect(session);
};

export const onPacket = (session: Session, packet: any): void => {
  const type: PacketType = NAMES.indexOf(packet.cmd);
  if (!session.connected_) return type == PacketType.Connack ? onConnack(session, packet) : violation(session, packetName(type) + ' before CONNACK');
  session.madeProgress_ = true; // (a protocol violation keeps the backoff climbing all the same)
  if (type == PacketType.Publish) onPublish(session, packet);
  else if (type == PacketType.Pubrel) {
    if (WITH_QOS2) releaseQos2(session.receivedQos2_, session.store_, packet.messageId);
    acknowledge(session, PacketType.Pubcomp, packet.messageId);
  } else if (type != PacketType.Pingresp) onAck(session, type, packet);
};
