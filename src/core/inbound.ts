// Inbound: one handler per packet type, after the codec has parsed it.
import type { Session } from './session';
import type { Entry } from './inflight';
import type { QoS } from './types';
import { ackFor } from './inflight';
import { refusal } from './connack';
import { receiveQos2, releaseQos2, forgetQos2, toPubrel, OUTBOUND_PREFIX } from './qos2';
import { subscribePacket } from './outbound';
import { PacketType } from './packet-type';
import { NAMES } from './codec/names';
import { WITH_QOS2 } from './features';

export const CONNECTED = 'connected';
// A SUBACK return code at or above this refuses the subscription (MQTT 3.1.1 §3.9.3: 0x80).
const SUBACK_FAILURE = 128;

export function installInbound(session: Session): void {
  const client = session.client_, store = session.store_, outstanding = session.outstanding_, subscribed = session.subscribed_;
  const acknowledge = (type: PacketType, packetId: number) => session.write_({ cmd: NAMES[type], messageId: packetId });

  const onConnack = (connack: any) => {
    if (connack.returnCode) {
      const error = session.newError_(refusal(connack.returnCode));
      session.emitError_(error);
      return session.drop_(error);
    }
    session.lastPingAt_ = 0;
    session.resubscription_ = null;
    session.setState_(CONNECTED);
    if (!connack.sessionPresent) {
      // No session on the broker: it will not PUBREL what it sent before, and the
      // subscriptions are restored, first.
      if (WITH_QOS2) forgetQos2(session.receivedQos2_, store);
      const filters = Object.keys(subscribed);
      if (filters.length) session.enqueue_(session.resubscription_ = { packet_: subscribePacket(filters, (filter) => subscribed[filter]) });
    }
    session.resend_();
    session.tick_();
    client.emit('connect', connack); // the CONNACK itself (sessionPresent, returnCode), as MQTT.js does
  };
  // A PUBLISH, or (with `oversize`, its size) one over maxPacketSize that the codec read past:
  // acknowledged all the same (the broker would resend it forever) and reported, never
  // delivered, and the link kept. A QoS 2 message is delivered (or reported) once.
  const onPublish = (packet: any, oversize?: number) => {
    const qos = packet.qos, packetId = packet.messageId;
    session.madeProgress_ = true;
    if (!(WITH_QOS2 && qos == 2) || receiveQos2(session.receivedQos2_, store, packetId)) {
      if (oversize) client.emit('oversize', packet.topic, oversize, qos);
      else client.emit('message', packet.topic, packet.payload, packet);
    }
    if (qos) acknowledge(qos == 2 ? PacketType.Pubrec : PacketType.Puback, packetId);
  };
  session.onSkipped_ = (skipped) => onPublish(skipped, skipped.size);
  // SUBACK: the granted QoS per filter; refused ones (0x80) are named in one error.
  const onSuback = (entry: Entry, granted: number[]) => {
    const refused: string[] = [];
    const result = entry.packet_.subscriptions.map((subscription: { topic: string }, i: number) => {
      const qos = granted[i];
      if (qos >= SUBACK_FAILURE) refused.push(subscription.topic); else subscribed[subscription.topic] = qos as QoS;
      return { topic: subscription.topic, qos: qos };
    });
    const error = refused.length ? session.newError_('subscription refused: ' + refused.join(', ')) : undefined;
    if (entry.callback_) entry.callback_(error, result); else if (error) session.emitError_(error);
  };
  // PUBACK, PUBREC, PUBCOMP, SUBACK, UNSUBACK: the answer to an outstanding entry.
  const onAck = (type: PacketType, packet: any) => {
    const packetId = packet.messageId, entry = outstanding.find_(packetId), expected = entry && ackFor(entry.packet_);
    // Besides the expected ack: a PUBACK for a QoS 2 publish (RabbitMQ takes QoS 2 as QoS 1:
    // it has the message, so it is complete), and a repeated PUBREC (answered with PUBREL again).
    const tolerated = WITH_QOS2 && ((type == PacketType.Puback && expected == PacketType.Pubrec) ||
      (type == PacketType.Pubrec && expected == PacketType.Pubcomp));
    if (!entry || (type != expected && !tolerated)) return session.violation_('unexpected ' + packet.cmd.toUpperCase() + (packetId ? ' for packet id ' + packetId : ''));
    if (WITH_QOS2 && type == PacketType.Pubrec) {
      toPubrel(entry, store);
      return session.sendEntry_(entry);
    }
    if (tolerated && session.platform_.log) session.platform_.log('warn', 'QoS 2 PUBLISH completed by PUBACK');
    outstanding.remove_(entry);
    if (type == PacketType.Suback) onSuback(entry, packet.granted);
    else {
      if (store && type != PacketType.Unsuback) store.del(OUTBOUND_PREFIX + packetId);
      if (entry.callback_) entry.callback_();
    }
    session.serveAwaitingId_();
    if (session.ending_ && !outstanding.idsInUse_()) session.disconnect_();
  };
  session.onPacket_ = (packet) => {
    const type: PacketType = NAMES.indexOf(packet.cmd);
    if (!session.connected_) return type == PacketType.Connack ? onConnack(packet) : session.violation_(packet.cmd.toUpperCase() + ' before CONNACK');
    session.madeProgress_ = true; // (a protocol violation keeps the backoff climbing all the same)
    if (type == PacketType.Publish) onPublish(packet);
    else if (type == PacketType.Pubrel) {
      if (WITH_QOS2) releaseQos2(session.receivedQos2_, store, packet.messageId);
      acknowledge(PacketType.Pubcomp, packet.messageId);
    } else if (type != PacketType.Pingresp) onAck(type, packet);
  };
}
