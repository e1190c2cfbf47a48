// The MQTT 3.1.1 session: ONE state machine (connecting → connected → reconnecting → closed)
// driven only by the Platform's clock and timers, a Transport per connection attempt and a
// Codec. Its state lives in the constructor's closure: the minifier shortens local names but
// not `this.` accesses, and a device runs one client.
//
// Outstanding work (inflight.ts) is kept in the order it must be (re)sent: after every
// CONNACK it is sent again in order, so in-flight messages (older) go before those queued
// offline (newer). QoS 1/2 publishes are put in the Store before they are written, under
// 'o' + packet id. One timer serves every state: connect timeout, keepalive tick and
// graceful-end deadline, reconnect delay.
import type { Callback, ClientDeps, ClientEvents, ClientOptions, ClientState, MqttClient, PublishOptions, SubscribeCallback, SubscribeOptions } from './client-options';
import type { Packet, QoS, SkippedPublish, Timer, Transport } from './types';
import { Emitter } from './emitter';
import { toBytes } from './utf8';
import { topicFilterError, topicNameError } from './topic';
import { backoff } from './backoff';
import { keepalive } from './keepalive';
import { refusal } from './connack';
import { queueError } from './offline-queue';
import { createOutstanding, ackFor, isOwed, type Entry } from './inflight';
import { receiveQos2, releaseQos2, forgetQos2, toPubrel, OUTBOUND_PREFIX, INBOUND_PREFIX, type ReceivedIds } from './qos2';
import { PacketType } from './packet-type';
import { WITH_QOS2, WITH_STORE } from './features';
import { NAMES } from './codec/names';

type Bytes = string | Uint8Array;
// Repeated strings, once each in the bundle.
const PUBLISH = NAMES[PacketType.Publish], CONNECTED = 'connected', CLOSED = 'closed', RECONNECTING = 'reconnecting',
  ENDED = 'client ended', LOST = 'connection closed';
const DEFAULT_KEEPALIVE_S = 60, DEFAULT_RECONNECT_MIN_MS = 1000, DEFAULT_RECONNECT_MAX_MS = 30000,
  DEFAULT_CONNECT_TIMEOUT_MS = 30000, DEFAULT_MAX_PACKET = 1048576, DEFAULT_QUEUE_MAX = 100,
  DEFAULT_QUEUE_BYTES = 65536, DEFAULT_SEND_QUEUE_BYTES = 1048576, DEFAULT_END_TIMEOUT_MS = 5000;
const MS_PER_S = 1000;
// A SUBACK return code at or above this refuses the subscription (MQTT 3.1.1 §3.9.3: 0x80).
const SUBACK_FAILURE = 128;
// 2^32: added to a random 32-bit number, it gives 9 hex digits whose first (1) is dropped,
// keeping the leading zeros of the 8 that make the generated client id.
const TWO_POW_32 = 4294967296;

function connectPacketFor(options: ClientOptions, clientId: string, keepaliveSeconds: number): Packet {
  return {
    cmd: NAMES[PacketType.Connect], clientId: clientId, clean: options.clean !== false, keepalive: keepaliveSeconds,
    // The will as given: both codecs read a missing qos/retain as 0/false and take a text payload.
    username: options.username, password: toBytes(options.password), will: options.will,
  } as Packet;
}

const subscribePacket = (filters: string[], qosOf: (filter: string) => number) =>
  ({ cmd: NAMES[PacketType.Subscribe], subscriptions: filters.map((filter) => ({ topic: filter, qos: qosOf(filter) })) });

export class Client extends Emitter<ClientEvents> implements MqttClient {
  declare state: ClientState;
  declare connected: boolean;
  declare clientId: string;
  declare connect: () => void;
  declare publish: (topic: string, payload: Bytes, opts?: PublishOptions, cb?: Callback) => void;
  declare subscribe: (filters: string | string[], opts?: SubscribeOptions, cb?: SubscribeCallback) => void;
  declare unsubscribe: (filters: string | string[], cb?: Callback) => void;
  declare end: (force?: boolean, cb?: () => void) => void;

  constructor(options: ClientOptions, deps: ClientDeps) {
    super();
    const client = this, platform = deps.platform, store = WITH_STORE ? deps.store : undefined;
    const keepaliveSeconds = options.keepalive == null ? DEFAULT_KEEPALIVE_S : options.keepalive, keepaliveMs = keepaliveSeconds * MS_PER_S;
    const reconnectMin = options.reconnectMin || DEFAULT_RECONNECT_MIN_MS, reconnectMax = options.reconnectMax || DEFAULT_RECONNECT_MAX_MS;
    const queueMax = options.queueMax || DEFAULT_QUEUE_MAX, queueBytes = options.queueBytes || DEFAULT_QUEUE_BYTES;
    const outstanding = createOutstanding(), subscribed: { [filter: string]: QoS } = {}, receivedQos2: ReceivedIds = {};
    let link: Transport | null = null, timer: Timer, state: ClientState, isConnected = false;
    // Packets waiting for the transport (back-pressure), with the payload bytes they hold.
    let unwritten: Entry[] = [], unwrittenBytes = 0, linkFull = false;
    // Entries that wait for a packet id, when all 65,535 are in use.
    let awaitingId: Entry[] = [];
    let resubscription: Entry | null = null, attempt = 0, backoffBase = reconnectMin, madeProgress = false;
    let ending = false, endDeadline = 0, endCallback: Function | null | undefined;
    let lastSentAt = 0, lastReceivedAt = 0, lastPingAt = 0; // ms
    const put = (key: string, record: any) => { if (store) store.put(key, record); };

    const newError = (message: string) => new Error(message);
    const emitError = (error: Error) => client.emit('error', error);
    const setState = (next: ClientState) => { client.state = state = next; client.connected = isConnected = next == CONNECTED; };
    const setTimer = (ms: number, onTimeout?: false | (() => void)) => {
      if (timer != null) platform.clearTimeout(timer);
      timer = onTimeout ? platform.setTimeout(onTimeout, ms) : null;
    };
    const fail = (callback: Function | undefined, message: string) => {
      const error = newError(message);
      if (callback) callback(error, []); else emitError(error);
    };

    client.clientId = options.clientId || 'glowmq_' + (platform.random() * TWO_POW_32 + TWO_POW_32).toString(16).slice(1, 9);
    const connectPacket = connectPacketFor(options, client.clientId, keepaliveSeconds);

    // Records left by a previous run (power cut): resent after the first CONNACK.
    if (store) {
      const records: any = store.all();
      for (const key in records) {
        if (key[0] == INBOUND_PREFIX) { if (WITH_QOS2) receivedQos2[key.slice(1) as any] = 1; }
        else outstanding.add_({ packet_: records[key], sentBefore_: true });
      }
    }

    // --- Outbound: the write queue, and entries of the session ---
    const flush = () => {
      while (link && !linkFull && unwritten.length) {
        const next = unwritten.shift()!, payload = next.packet_.payload;
        if (payload) unwrittenBytes -= payload.length;
        lastSentAt = platform.now();
        linkFull = !link.write(deps.codec.encode(next.packet_));
        if (next.callback_) next.callback_(); // a QoS 0 publish completes when written
      }
    };
    const write = (packet: any, callback?: Function | null | false) => {
      unwritten.push({ packet_: packet, callback_: callback || null });
      if (packet.payload) unwrittenBytes += packet.payload.length;
      flush();
    };
    const acknowledge = (type: PacketType, id: number) => write({ cmd: NAMES[type], messageId: id });
    // DUP on every resend of a PUBLISH.
    const sendEntry = (entry: Entry) => {
      const packet = entry.packet_, isPublish = packet.cmd == PUBLISH;
      if (isPublish) { packet.dup = !!entry.sentBefore_; entry.sentBefore_ = true; }
      write(packet, isPublish && !packet.qos && entry.callback_);
    };
    // A QoS 1/2 publish is stored under its id before it is first written.
    const storeAndSend = (entry: Entry) => {
      if (entry.packet_.qos) put(OUTBOUND_PREFIX + entry.packet_.messageId, entry.packet_);
      if (isConnected) sendEntry(entry);
    };
    // Queues an entry that needs a packet id: when none is free (or others wait already) it
    // waits for one, never spins.
    const enqueue = (entry: Entry) => {
      if (!awaitingId.length && outstanding.takeId_(entry.packet_)) {
        outstanding.add_(entry);
        storeAndSend(entry);
      } else awaitingId.push(entry);
    };
    // An acknowledgement freed an id: the oldest entry waiting for one takes it.
    const serveAwaitingId = () => {
      while (awaitingId.length && outstanding.takeId_(awaitingId[0].packet_)) {
        const entry = awaitingId.shift()!;
        outstanding.add_(entry);
        storeAndSend(entry);
      }
    };
    // After CONNACK: everything outstanding, in order (the resubscription went first); a QoS 0
    // publish queued offline leaves once written.
    const resend = () => outstanding.entries_().forEach((entry) => {
      const packet = entry.packet_;
      if (packet.cmd == PUBLISH && !packet.qos) outstanding.remove_(entry);
      if (entry != resubscription) sendEntry(entry);
    });

    // --- The link: open, lose, end ---
    const open = () => {
      linkFull = madeProgress = false;
      unwritten = [];
      unwrittenBytes = 0;
      const transport = link = deps.transport(), timeout = options.connectTimeout || DEFAULT_CONNECT_TIMEOUT_MS;
      let opened = false;
      // Events from a transport we already left are ignored.
      const current = (handler: Function) => (arg?: any) => { if (link === transport) handler(arg); };
      // An unreachable broker (ECONNREFUSED, a DNS failure…) is an 'error' too, as in MQTT.js.
      const failed = (error?: Error) => {
        link = null;
        if (error && !opened) emitError(error);
        linkDown(error || newError(LOST));
      };
      const parser = deps.codec.parser(options.maxPacketSize || DEFAULT_MAX_PACKET, current(onPacket),
        current((error: Error) => violation(error.message)), current((skipped: SkippedPublish) => onPublish(skipped, skipped.size)));
      setTimer(timeout, () => drop(newError('no CONNACK within ' + timeout + ' ms')));
      try {
        transport.open({
          onOpen: current(() => { opened = true; write(connectPacket); }),
          onData: current((bytes: Uint8Array) => { lastReceivedAt = platform.now(); parser.feed(bytes); }),
          onDrain: current(() => { linkFull = false; flush(); }),
          onClose: current(failed),
        });
      } catch (error) { if (link === transport) failed(error as Error); } // Espruino's net throws on a refused connect
    };
    // We close the link ourselves; `broken`: the broker broke the protocol.
    const drop = (error?: Error, broken?: boolean) => {
      const transport = link;
      link = null;
      if (transport) transport.close();
      linkDown(error, broken);
    };
    const violation = (message: string) => {
      const error = newError('protocol violation: ' + message);
      emitError(error);
      drop(error, true);
    };
    // The link is gone: fail unwritten QoS 0, then reconnect after a backoff, or stay closed.
    const linkDown = (error?: Error, broken?: boolean) => {
      const unsent = unwritten, wasEnding = ending, again = !ending && options.reconnect !== false;
      let delay = 0;
      // A link that made progress (an ack, a PINGRESP or a message after CONNACK) resets the
      // backoff: the link is flaky, not the broker broken. One that died before any, or that
      // broke the protocol, keeps it climbing, so a broken broker is never hot-looped.
      if (madeProgress && !broken) { attempt = 0; backoffBase = reconnectMin; }
      unwritten = [];
      unwrittenBytes = 0;
      if (resubscription) outstanding.remove_(resubscription);
      setTimer(0);
      setState(again ? RECONNECTING : CLOSED);
      unsent.forEach((entry) => { if (entry.callback_) entry.callback_(error || newError(LOST)); });
      if (again) {
        delay = backoff(backoffBase, reconnectMin, reconnectMax, platform.random());
        backoffBase = Math.min(reconnectMax, backoffBase * 2);
        setTimer(delay, open);
        attempt++;
      }
      client.emit('close', error);
      // A 'close' listener may have called end() (which finished already).
      if (wasEnding) finish();
      else if (state == RECONNECTING) client.emit('reconnect', attempt, delay);
    };
    // Closed for good: fail what waits for an answer (durable publishes stay, and are stored).
    const finish = () => {
      const error = newError(ENDED), callback = endCallback;
      setTimer(0);
      setState(CLOSED);
      endCallback = null;
      const waiting = awaitingId;
      awaitingId = [];
      waiting.concat(outstanding.entries_()).forEach((entry) => {
        const entryCallback = entry.callback_;
        entry.callback_ = null;
        if (!isOwed(entry.packet_)) outstanding.remove_(entry);
        if (entryCallback) entryCallback(error, []);
      });
      client.emit('end');
      if (callback) callback();
    };
    // DISCONNECT when connected, then close for good.
    const disconnect = () => {
      if (isConnected) write({ cmd: NAMES[PacketType.Disconnect] });
      if (link) drop(); else finish();
    };
    // The one per-connection tick: keepalive, and the graceful-end deadline.
    const tick = (): void => {
      const now = platform.now();
      let wait = keepaliveMs ? keepalive(now, keepaliveMs, lastSentAt, lastReceivedAt, lastPingAt) : Infinity;
      if (wait < 0) return drop(newError('no answer from the broker for ' + Math.round((now - lastReceivedAt) / 100) / 10 + ' s (keepalive ' + keepaliveSeconds + ' s)'));
      // (lastSentAt too: a PINGREQ held back by back-pressure must not make the next tick due at once)
      if (!wait) {
        lastPingAt = lastSentAt = now;
        write({ cmd: NAMES[PacketType.Pingreq] });
        wait = keepalive(now, keepaliveMs, lastSentAt, lastReceivedAt, lastPingAt);
      }
      if (ending) {
        if (now >= endDeadline) return disconnect();
        wait = Math.min(wait, endDeadline - now);
      }
      setTimer(wait, wait < Infinity && tick);
    };

    // --- Inbound, one handler per packet type ---
    const onConnack = (connack: any) => {
      if (connack.returnCode) { const error = newError(refusal(connack.returnCode)); emitError(error); return drop(error); }
      lastPingAt = 0;
      resubscription = null;
      setState(CONNECTED);
      if (!connack.sessionPresent) {
        // No session on the broker: it will not PUBREL what it sent before, and the
        // subscriptions are restored, first.
        if (WITH_QOS2) forgetQos2(receivedQos2, store);
        const filters = Object.keys(subscribed);
        if (filters.length) enqueue(resubscription = { packet_: subscribePacket(filters, (filter) => subscribed[filter]) });
      }
      resend();
      tick();
      client.emit('connect', connack); // the CONNACK itself (sessionPresent, returnCode), as MQTT.js does
    };
    // A PUBLISH, or (with `oversize`, its size) one over maxPacketSize that the codec read past:
    // acknowledged all the same (the broker would resend it forever) and reported, never
    // delivered, and the link kept. A QoS 2 message is delivered (or reported) once.
    const onPublish = (packet: any, oversize?: number) => {
      const qos = packet.qos, id = packet.messageId;
      madeProgress = true;
      if (!(WITH_QOS2 && qos == 2) || receiveQos2(receivedQos2, store, id)) {
        if (oversize) client.emit('oversize', packet.topic, oversize, qos);
        else client.emit('message', packet.topic, packet.payload, packet);
      }
      if (qos) acknowledge(qos == 2 ? PacketType.Pubrec : PacketType.Puback, id);
    };
    // SUBACK: the granted QoS per filter; refused ones (0x80) are named in one error.
    const onSuback = (entry: Entry, granted: number[]) => {
      const refused: string[] = [];
      const result = entry.packet_.subscriptions.map((subscription: { topic: string }, i: number) => {
        const qos = granted[i];
        if (qos >= SUBACK_FAILURE) refused.push(subscription.topic); else subscribed[subscription.topic] = qos as QoS;
        return { topic: subscription.topic, qos: qos };
      });
      const error = refused.length ? newError('subscription refused: ' + refused.join(', ')) : undefined;
      if (entry.callback_) entry.callback_(error, result); else if (error) emitError(error);
    };
    const onAck = (type: PacketType, packet: any) => {
      const id = packet.messageId, entry = outstanding.find_(id), expected = entry && ackFor(entry.packet_);
      // Besides the expected ack: a PUBACK for a QoS 2 publish (RabbitMQ takes QoS 2 as QoS 1:
      // it has the message, so it is complete), and a repeated PUBREC (answered with PUBREL again).
      const tolerated = WITH_QOS2 && ((type == PacketType.Puback && expected == PacketType.Pubrec) ||
        (type == PacketType.Pubrec && expected == PacketType.Pubcomp));
      if (!entry || (type != expected && !tolerated)) return violation('unexpected ' + packet.cmd.toUpperCase() + (id ? ' for packet id ' + id : ''));
      if (WITH_QOS2 && type == PacketType.Pubrec) {
        toPubrel(entry, store);
        return sendEntry(entry);
      }
      if (tolerated && platform.log) platform.log('warn', 'QoS 2 PUBLISH completed by PUBACK');
      outstanding.remove_(entry);
      if (type == PacketType.Suback) onSuback(entry, packet.granted);
      else {
        if (store && type != PacketType.Unsuback) store.del(OUTBOUND_PREFIX + id);
        if (entry.callback_) entry.callback_();
      }
      serveAwaitingId();
      if (ending && !outstanding.idsInUse_()) disconnect();
    };
    const onPacket = (packet: any): void => {
      const type: PacketType = NAMES.indexOf(packet.cmd);
      if (!isConnected) return type == PacketType.Connack ? onConnack(packet) : violation(packet.cmd.toUpperCase() + ' before CONNACK');
      madeProgress = true; // (a protocol violation keeps the backoff climbing all the same)
      if (type == PacketType.Publish) onPublish(packet);
      else if (type == PacketType.Pubrel) {
        if (WITH_QOS2) releaseQos2(receivedQos2, store, packet.messageId);
        acknowledge(PacketType.Pubcomp, packet.messageId);
      } else if (type != PacketType.Pingresp) onAck(type, packet);
    };

    // --- The public API ---
    client.connect = () => {
      if (state != CLOSED) return;
      ending = false;
      attempt = 0;
      backoffBase = reconnectMin;
      setState('connecting');
      open();
    };

    // Why a publish cannot be accepted now ('' when it can).
    const publishError = (topic: string, qos: number, size: number) => {
      if (ending) return ENDED;
      const topicError = topicNameError(topic);
      if (topicError) return topicError;
      if (qos > 2) return 'QoS must be 0, 1 or 2';
      if (!WITH_QOS2 && qos == 2) return 'QoS 2 is not in this build';
      if (!isConnected) return qos || options.queueQoS0 ? queueError(outstanding.entries_(), queueMax, queueBytes, size, platform) : 'not connected';
      // Connected: QoS 0 waiting for the link is bounded; QoS 1/2 wait in the session's queue.
      if (!qos) return unwrittenBytes + size > (options.sendQueueBytes || DEFAULT_SEND_QUEUE_BYTES) ? 'outbound queue full' : '';
      return awaitingId.length ? queueError(awaitingId, queueMax, queueBytes, size, platform) : '';
    };
    client.publish = (topic, payload, opts, callback) => {
      const qos = (opts && opts.qos) || 0, bytes = toBytes(payload);
      const error = publishError(topic, qos, bytes.length);
      if (error) return fail(callback, error);
      const entry: Entry = { packet_: { cmd: PUBLISH, topic: topic, payload: bytes, qos: qos, retain: !!(opts && opts.retain), dup: false }, callback_: callback };
      if (qos) enqueue(entry);
      else if (isConnected) sendEntry(entry); // QoS 0 is never queued while connected
      else outstanding.add_(entry);
    };

    // SUBSCRIBE / UNSUBSCRIBE: sent now when connected, else queued until CONNACK.
    const request = (filters: string | string[], callback: Function | undefined, makePacket: (list: string[]) => any) => {
      const list = typeof filters == 'string' ? [filters] : filters;
      let error = ending ? ENDED : list.length ? '' : 'no topic filter';
      list.forEach((filter) => { error = error || topicFilterError(filter); });
      if (error) return fail(callback, error);
      enqueue({ packet_: makePacket(list), callback_: callback });
    };
    // Without QoS 2 in the build, a QoS 2 subscription asks for QoS 1.
    client.subscribe = (filters, opts, callback) => request(filters, callback, (list) =>
      subscribePacket(list, () => { const qos = (opts && opts.qos) || 0; return WITH_QOS2 || qos < 2 ? qos : 1; }));
    client.unsubscribe = (filters, callback) => request(filters, callback, (list) => {
      list.forEach((filter) => { delete subscribed[filter]; });
      return { cmd: NAMES[PacketType.Unsubscribe], unsubscriptions: list };
    });

    client.end = (force, callback) => {
      ending = true;
      if (callback) endCallback = callback;
      if (!force && isConnected && outstanding.idsInUse_()) { endDeadline = platform.now() + (options.endTimeout || DEFAULT_END_TIMEOUT_MS); tick(); }
      else disconnect();
    };

    setState(CLOSED);
  }
}
