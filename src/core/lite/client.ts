// The lite profile's client (`npm run build:board -- --profile lite`): MQTT 3.1.1 at QoS 0
// and 1 both ways, the will, keepalive with dead-link detection, reconnect with backoff and
// jitter, resubscription, and a bounded offline queue, over any Transport and Codec. Same
// API, options and events as the full client (client.ts); left out: QoS 2 and a Store.
//
// Made for a board with 1,600 variables, where each live function object costs about six:
// - one class, its methods on the prototype: one closure per client (its timer's), seven per link;
// - a held publish is its encoded packet (one Uint8Array) with its callback: written as it
//   is, DUP set in place on a resend, nothing decoded again;
// - everything held counts against the queue's bounds (queueMax, queueBytes and the board's
//   free memory), connected or not: a board cannot hold an unbounded in-flight window.
// The outstanding work is one object in send order (resend order after a reconnect): keys
// 'p' + packet id for what waits for an acknowledgement, 'q' + a count for QoS 0 publishes
// waiting for the link. Walking it gives insertion order, as the keys are not array indexes.
import type { Callback, ClientDeps, ClientEvents, ClientOptions, ClientState, MqttClient, PublishOptions, SubscribeCallback, SubscribeOptions } from '../client-options';
import type { Packet, Platform, PublishPacket, QoS, SkippedPublish, Timer, Transport } from '../types';
import { Emitter } from '../emitter';
import { toBytes } from '../utf8';
import { topicFilterError, topicNameError } from '../topic';
import { backoff } from '../backoff';
import { keepalive } from '../keepalive';
import { nextId } from '../packet-ids';
import { queueError } from '../offline-queue';
import { refusal } from '../connack';

type Bytes = string | Uint8Array;

/** One piece of outstanding work: its encoded packet and what completes it. */
interface Held {
  bytes_: Uint8Array;
  callback_?: Function | undefined;
  /** The link (links_) it was last written on; a PUBLISH written again carries DUP. */
  writtenOn_?: number | undefined;
  /** SUBSCRIBE: its filters and the QoS asked for, for the SUBACK. */
  filters_?: string[] | undefined;
  qos_?: QoS | undefined;
  /** Payload bytes counted against queueBytes (publishes only). */
  size_: number;
  /** The SUBSCRIBE that restores the subscriptions after a CONNACK without a session: the
   *  next such CONNACK makes a new one, so an unanswered one is not sent twice. */
  restore_?: boolean | undefined;
}

const DEFAULT_KEEPALIVE_S = 60, DEFAULT_CONNECT_TIMEOUT_MS = 30000, DEFAULT_MAX_PACKET = 1048576;
const DEFAULT_RECONNECT_MIN_MS = 1000, DEFAULT_RECONNECT_MAX_MS = 30000, DEFAULT_END_TIMEOUT_MS = 5000;
const MS_PER_S = 1000;
// 2^32: added to a random 32-bit number, it gives 9 hex digits whose first (1) is dropped.
const TWO_POW_32 = 4294967296;
const ID_KEY = 'p', QUEUED_KEY = 'q';
/** The DUP flag in a PUBLISH's first byte (§3.3.1.1), and that byte's type for a PUBLISH. */
const DUP_FLAG = 8, TYPE_SHIFT = 4, PUBLISH_TYPE = 3;
/** A SUBACK return code at or above this refuses the subscription (§3.9.3: 0x80). */
const SUBACK_FAILURE = 128;
const CONNECTED = 'connected', CLOSED = 'closed', RECONNECTING = 'reconnecting';
const LOST = 'connection closed', ENDED = 'client ended', NO_PACKET_ID = 'all 65535 packet ids in use';

export class LiteClient extends Emitter<ClientEvents> implements MqttClient {
  declare state: ClientState;
  declare connected: boolean;
  declare clientId: string;
  declare options_: ClientOptions;
  declare deps_: ClientDeps;
  declare platform_: Platform;
  declare connectBytes_: Uint8Array;
  declare keepaliveMs_: number;
  declare held_: { [key: string]: Held };
  declare heldCount_: number;
  declare heldBytes_: number;
  declare queuedCount_: number;
  declare idsInUse_: number;
  declare lastId_: number;
  declare subscribed_: { [filter: string]: QoS };
  declare link_: Transport | null;
  /** Control packets (acks, PINGREQ, DISCONNECT) that wait for the link's drain. */
  declare waiting_: Uint8Array[];
  declare links_: number;
  declare linkFull_: boolean;
  declare timer_: Timer;
  /** The timer's callback: one function object for the client's life. */
  declare onTimer_: () => void;
  declare attempt_: number;
  declare backoffBase_: number;
  declare madeProgress_: boolean;
  declare ending_: boolean;
  declare endDeadline_: number;
  declare endCallback_: (() => void) | undefined;
  declare lastSentAt_: number;
  declare lastReceivedAt_: number;
  declare lastPingAt_: number;

  constructor(options: ClientOptions, deps: ClientDeps) {
    super();
    const client = this, keepaliveSeconds = options.keepalive == null ? DEFAULT_KEEPALIVE_S : options.keepalive;
    client.clientId = options.clientId || 'glowmq_' + (deps.platform.random() * TWO_POW_32 + TWO_POW_32).toString(16).slice(1, 9);
    client.options_ = options;
    client.deps_ = deps;
    client.platform_ = deps.platform;
    client.keepaliveMs_ = keepaliveSeconds * MS_PER_S;
    // Encoded once: resent as it is on every connection attempt.
    client.connectBytes_ = deps.codec.encode({
      cmd: 'connect', clientId: client.clientId, clean: options.clean !== false, keepalive: keepaliveSeconds,
      username: options.username, password: toBytes(options.password), will: options.will,
    } as Packet);
    // The timer fired: what it means follows from the state.
    client.onTimer_ = () => {
      if (!client.link_) client.open_(); // the reconnect delay is over
      else if (!client.connected) client.drop_(new Error('no CONNACK within ' + (options.connectTimeout || DEFAULT_CONNECT_TIMEOUT_MS) + ' ms'));
      else client.tick_();
    };
    client.held_ = {};
    client.subscribed_ = {};
    client.heldCount_ = client.heldBytes_ = client.queuedCount_ = client.idsInUse_ = client.lastId_ = client.links_ = 0;
    client.setState_(CLOSED);
  }

  // ── the public API ──

  connect(): void {
    const client = this;
    if (client.state != CLOSED) return;
    client.ending_ = false;
    client.attempt_ = 0;
    client.backoffBase_ = client.options_.reconnectMin || DEFAULT_RECONNECT_MIN_MS;
    client.setState_('connecting');
    client.open_();
  }

  publish(topic: string, payload: Bytes, options?: PublishOptions, callback?: Callback): void {
    const client = this, qos = (options && options.qos) || 0, bytes = toBytes(payload);
    const error = client.publishError_(topic, qos, bytes.length);
    if (error) return client.fail_(callback, error);
    const packet = { cmd: 'publish', topic: topic, payload: bytes, qos: qos, retain: !!(options && options.retain), dup: false } as PublishPacket;
    if (qos) {
      const packetId = client.takeId_();
      if (!packetId) return client.fail_(callback, NO_PACKET_ID);
      packet.messageId = packetId;
    } else {
      // QoS 0 is written at once when the link can take it and nothing held waits to be
      // written before it; else it joins the end of the queue.
      let waits = !client.connected || client.linkFull_;
      for (const key in client.held_) waits = waits || client.held_[key]!.writtenOn_ !== client.links_;
      if (!waits) {
        client.send_(client.deps_.codec.encode(packet));
        if (callback) callback();
        return;
      }
    }
    client.hold_({ bytes_: client.deps_.codec.encode(packet), callback_: callback, size_: bytes.length }, packet.messageId);
  }

  subscribe(filters: string | string[], options?: SubscribeOptions, callback?: SubscribeCallback): void {
    // No QoS 2 in this client: a QoS 2 subscription asks for QoS 1.
    const qos = Math.min((options && options.qos) || 0, 1) as QoS;
    this.request_(filters, callback, qos);
  }

  unsubscribe(filters: string | string[], callback?: Callback): void {
    this.request_(filters, callback);
  }

  /** Graceful: waits for unacknowledged QoS 1 publishes (up to endTimeout) then DISCONNECT. */
  end(force?: boolean, callback?: () => void): void {
    const client = this;
    client.ending_ = true;
    if (callback) client.endCallback_ = callback;
    if (!force && client.connected && client.idsInUse_) {
      client.endDeadline_ = client.platform_.now() + (client.options_.endTimeout || DEFAULT_END_TIMEOUT_MS);
      client.tick_();
    } else client.disconnect_();
  }

  // ── outstanding work ──

  /** Why a publish cannot be accepted now ('' when it can). */
  publishError_(topic: string, qos: number, size: number): string {
    const client = this;
    if (client.ending_) return ENDED;
    const topicError = topicNameError(topic);
    if (topicError) return topicError;
    if (qos > 1) return qos == 2 ? 'QoS 2 is not in this build' : 'QoS must be 0, 1 or 2';
    if (!client.connected && !qos && !client.options_.queueQoS0) return 'not connected';
    return queueError(client, client.heldCount_, client.heldBytes_, size);
  }

  /** A free packet id; 0 when all 65,535 are in use (with a queue bound above that, or as
   *  many unanswered (un)subscriptions). */
  takeId_(): number {
    const client = this, held = client.held_;
    return client.lastId_ = nextId(client.lastId_, (packetId) => held[ID_KEY + packetId], client.idsInUse_);
  }

  /** Adds outstanding work at the end of the queue, and writes it when the link can take it. */
  hold_(entry: Held, packetId?: number): void {
    const client = this;
    client.held_[packetId ? ID_KEY + packetId : QUEUED_KEY + client.queuedCount_++] = entry;
    if (packetId) client.idsInUse_++;
    if (!entry.filters_) { client.heldCount_++; client.heldBytes_ += entry.size_; }
    // A (un)subscription goes out at once when the link can take it, not behind queued
    // publishes (so after a reconnect the subscriptions are restored first).
    if (entry.filters_ && client.connected && !client.linkFull_) {
      entry.writtenOn_ = client.links_;
      client.send_(entry.bytes_);
    } else client.flush_();
  }

  /** Takes outstanding work off the queue (acknowledged, or a QoS 0 publish written). */
  release_(key: string): Held {
    const client = this, entry = client.held_[key]!;
    delete client.held_[key];
    if (key[0] == ID_KEY) client.idsInUse_--;
    if (!entry.filters_) { client.heldCount_--; client.heldBytes_ -= entry.size_; }
    return entry;
  }

  /** Writes, in order, what this link has not carried yet, until the link asks to wait (its
   *  drain calls this again). Walks again after an entry left: on the board, deleting the key
   *  at hand ends a for-in. */
  flush_(): void {
    const client = this, held = client.held_;
    let wrote = true;
    while (wrote && client.connected) {
      wrote = false;
      for (const key in held) {
        if (client.linkFull_) return;
        const entry = held[key]!, bytes = entry.bytes_;
        if (entry.writtenOn_ === client.links_) continue;
        if (entry.writtenOn_ != null && bytes[0]! >> TYPE_SHIFT == PUBLISH_TYPE) bytes[0]! |= DUP_FLAG;
        entry.writtenOn_ = client.links_;
        client.send_(bytes);
        wrote = true;
        if (key[0] == QUEUED_KEY) { // a QoS 0 publish is complete once written
          client.release_(key);
          if (entry.callback_) entry.callback_();
          break;
        }
      }
    }
  }

  /** SUBSCRIBE (qos given) or UNSUBSCRIBE: sent now when connected, else after CONNACK. */
  request_(filters: string | string[], callback: Function | undefined, qos?: QoS, restore?: boolean): void {
    const client = this, list = typeof filters == 'string' ? [filters] : filters, subscribing = qos != null;
    let error = client.ending_ ? ENDED : list.length ? '' : 'no topic filter';
    list.forEach((filter) => { error = error || topicFilterError(filter); });
    if (error) return client.fail_(callback, error);
    const packetId = client.takeId_();
    if (!packetId) return client.fail_(callback, NO_PACKET_ID);
    if (!subscribing) list.forEach((filter) => { delete client.subscribed_[filter]; });
    const packet = subscribing
      ? { cmd: 'subscribe', messageId: packetId, subscriptions: list.map((filter) => ({ topic: filter, qos: qos })) }
      : { cmd: 'unsubscribe', messageId: packetId, unsubscriptions: list };
    client.hold_({ bytes_: client.deps_.codec.encode(packet as Packet), callback_: callback, filters_: list, qos_: qos, size_: 0, restore_: restore }, packetId);
  }

  fail_(callback: Function | undefined, message: string): void {
    const error = new Error(message);
    if (callback) callback(error, []); else this.emit('error', error);
  }

  // ── the link ──

  open_(): void {
    const client = this, options = client.options_, deps = client.deps_;
    const transport = client.link_ = deps.transport();
    let opened = false;
    client.linkFull_ = client.madeProgress_ = false;
    client.waiting_ = [];
    client.links_++;
    // Each handler first checks that this transport is still the client's: events of one it
    // left are ignored. (Written out: a shared check would be one more closure per link.)
    const closed = (error?: Error) => {
      if (client.link_ != transport) return;
      if (error && !opened) client.emit('error', error); // an unreachable broker, as in MQTT.js
      client.down_(error || new Error(LOST));
    };
    const parser = deps.codec.parser(options.maxPacketSize || DEFAULT_MAX_PACKET,
      (packet: any) => { if (client.link_ == transport) client.packet_(packet); },
      (error: Error) => { if (client.link_ == transport) client.violation_(error.message); },
      (skipped: SkippedPublish) => { if (client.link_ == transport) client.received_(skipped, skipped.size); });
    client.setTimer_(options.connectTimeout || DEFAULT_CONNECT_TIMEOUT_MS);
    try {
      transport.open({
        onOpen: () => { if (client.link_ == transport) { opened = true; client.send_(client.connectBytes_); } },
        onData: (bytes: Uint8Array) => { if (client.link_ == transport) { client.lastReceivedAt_ = client.platform_.now(); parser.feed(bytes); } },
        // What waited goes first, then the outstanding work.
        onDrain: () => {
          if (client.link_ != transport) return;
          client.linkFull_ = false;
          while (client.waiting_.length && !client.linkFull_) client.send_(client.waiting_.shift()!);
          client.flush_();
        },
        onClose: closed,
      });
    } catch (error) { closed(error as Error); } // Espruino's net throws on a refused connect
  }

  /** Writes a packet now, or (a control packet while the link asks to wait) after its drain. */
  send_(bytes: Uint8Array): void {
    const client = this;
    if (client.linkFull_) { client.waiting_.push(bytes); return; }
    client.lastSentAt_ = client.platform_.now();
    client.linkFull_ = !client.link_!.write(bytes);
  }

  /** We close the link ourselves; `broken`: the broker broke the protocol. */
  drop_(error?: Error, broken?: boolean): void {
    const transport = this.link_;
    this.link_ = null;
    if (transport) transport.close();
    this.down_(error, broken);
  }

  violation_(message: string): void {
    const error = new Error('protocol violation: ' + message);
    this.emit('error', error);
    this.drop_(error, true);
  }

  /** The link is gone: reconnect after a backoff, or stay closed. What is held stays, in order. */
  down_(error: Error | undefined, broken?: boolean): void {
    const client = this, options = client.options_, wasEnding = client.ending_;
    const again = !wasEnding && options.reconnect !== false, min = options.reconnectMin || DEFAULT_RECONNECT_MIN_MS, max = options.reconnectMax || DEFAULT_RECONNECT_MAX_MS;
    let delay = 0;
    client.link_ = null;
    client.waiting_ = [];
    // A link that made progress resets the backoff (the link is flaky, not the broker broken);
    // one that died first, or broke the protocol, keeps it climbing: never a hot loop.
    if (client.madeProgress_ && !broken) { client.attempt_ = 0; client.backoffBase_ = min; }
    client.setTimer_();
    client.setState_(again ? RECONNECTING : CLOSED);
    if (again) {
      delay = backoff(client.backoffBase_, min, max, client.platform_.random());
      client.backoffBase_ = Math.min(max, client.backoffBase_ * 2);
      client.setTimer_(delay);
      client.attempt_++;
    }
    client.emit('close', error);
    if (wasEnding) client.finish_(); // (a 'close' listener may have called end(), which finished already)
    else if (client.state == RECONNECTING) client.emit('reconnect', client.attempt_, delay);
  }

  // ── inbound ──

  packet_(packet: any): void {
    const client = this, cmd = packet.cmd;
    if (!client.connected) return cmd == 'connack' ? client.connack_(packet) : client.violation_(cmd.toUpperCase() + ' before CONNACK');
    client.madeProgress_ = true;
    if (cmd == 'publish') return client.received_(packet);
    if (cmd == 'pingresp') return;
    if (cmd == 'pubrel') return client.send_(client.deps_.codec.encode({ cmd: 'pubcomp', messageId: packet.messageId }));
    // An acknowledgement: of the entry its id names, and of the kind that entry expects.
    const key = ID_KEY + packet.messageId, entry = client.held_[key], callback = entry && entry.callback_;
    const expected = entry && (entry.filters_ ? (entry.qos_ == null ? 'unsuback' : 'suback') : 'puback');
    if (cmd != expected) return client.violation_('unexpected ' + cmd.toUpperCase() + (packet.messageId ? ' for packet id ' + packet.messageId : ''));
    client.release_(key);
    if (cmd == 'suback') {
      // The granted QoS per filter; refused ones (0x80) are named in one error.
      const refused: string[] = [];
      const result = entry!.filters_!.map((filter, i) => {
        const qos = packet.granted[i];
        if (qos >= SUBACK_FAILURE) refused.push(filter); else client.subscribed_[filter] = entry!.qos_!;
        return { topic: filter, qos: qos };
      });
      const error = refused.length ? new Error('subscription refused: ' + refused.join(', ')) : undefined;
      if (callback) callback(error, result); else if (error) client.emit('error', error);
    } else if (callback) callback();
    if (client.ending_ && !client.idsInUse_) client.disconnect_();
  }

  connack_(connack: any): void {
    const client = this, subscribed = client.subscribed_, filters = Object.keys(subscribed);
    if (connack.returnCode) {
      const error = new Error(refusal(connack.returnCode));
      client.emit('error', error);
      return client.drop_(error);
    }
    client.lastPingAt_ = 0;
    client.setState_(CONNECTED);
    // No session on the broker: the subscriptions are restored, first (one SUBSCRIBE per QoS).
    if (!connack.sessionPresent) {
      // (The keys first: on the board, deleting the key at hand ends a for-in.)
      Object.keys(client.held_).forEach((key) => { if (client.held_[key]!.restore_) client.release_(key); });
      [0, 1].forEach((qos) => {
        const list = filters.filter((filter) => subscribed[filter] == qos);
        if (list.length) client.request_(list, undefined, qos as QoS, true);
      });
    }
    client.flush_();
    client.tick_();
    client.emit('connect', connack); // the CONNACK itself, as MQTT.js does
  }

  /** A PUBLISH, or (with `oversize`, its size) one over maxPacketSize the codec read past:
   *  acknowledged all the same (the broker would resend it forever) and reported, not delivered. */
  received_(packet: any, oversize?: number): void {
    const client = this, qos = packet.qos;
    client.madeProgress_ = true;
    if (oversize) client.emit('oversize', packet.topic, oversize, qos);
    else client.emit('message', packet.topic, packet.payload, packet);
    // QoS 2 (it never subscribes at 2, but a session from another build may hold one) is
    // answered, at least once: PUBREC here, PUBCOMP for the PUBREL.
    if (qos) client.send_(client.deps_.codec.encode({ cmd: qos > 1 ? 'pubrec' : 'puback', messageId: packet.messageId } as Packet));
  }

  // ── state and the one timer ──

  setState_(state: ClientState): void {
    this.state = state;
    this.connected = state == CONNECTED;
  }

  /** The one timer: (re)set to fire in `delayMs`, or stopped (none, or Infinity). */
  setTimer_(delayMs?: number): void {
    const platform = this.deps_.platform;
    if (this.timer_ != null) platform.clearTimeout(this.timer_);
    this.timer_ = delayMs! < Infinity ? platform.setTimeout(this.onTimer_, delayMs!) : null;
  }


  /** The one per-connection tick: keepalive (a dead link is dropped), and the graceful end's deadline. */
  tick_(): void {
    const client = this, now = client.platform_.now(), periodMs = client.keepaliveMs_;
    const due = () => keepalive(now, periodMs, client.lastSentAt_, client.lastReceivedAt_, client.lastPingAt_);
    let wait = periodMs ? due() : Infinity;
    if (wait < 0) return client.drop_(new Error('no answer from the broker for ' + Math.round((now - client.lastReceivedAt_) / MS_PER_S) + ' s (keepalive ' + periodMs / MS_PER_S + ' s)'));
    // (lastSentAt too: a PINGREQ held back by back-pressure must not make the next tick due at once)
    if (!wait) {
      client.lastPingAt_ = client.lastSentAt_ = now;
      client.send_(client.deps_.codec.encode({ cmd: 'pingreq' }));
      wait = due();
    }
    if (client.ending_) {
      if (now >= client.endDeadline_) return client.disconnect_();
      wait = Math.min(wait, client.endDeadline_ - now);
    }
    client.setTimer_(wait);
  }

  /** DISCONNECT when connected, then close for good. */
  disconnect_(): void {
    const client = this;
    if (client.connected) client.send_(client.deps_.codec.encode({ cmd: 'disconnect' }));
    if (client.link_) client.drop_(); else client.finish_();
  }

  /** Closed for good: what waits for an answer fails; unacknowledged publishes stay held (a
   *  later connect() sends them again). */
  finish_(): void {
    const client = this, error = new Error(ENDED), callback = client.endCallback_, held = client.held_;
    client.setTimer_();
    client.setState_(CLOSED);
    client.endCallback_ = undefined;
    Object.keys(held).forEach((key) => {
      const entry = held[key]!, entryCallback = entry.callback_;
      entry.callback_ = undefined;
      if (entry.filters_ || key[0] == QUEUED_KEY) client.release_(key);
      if (entryCallback) entryCallback(error, []);
    });
    client.emit('end');
    if (callback) callback();
  }
}
