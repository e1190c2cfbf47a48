// The MQTT 3.1.1 session: ONE state machine (connecting → connected → reconnecting → closed)
// driven only by the Platform's clock and timers, a Transport per connection attempt and a
// Codec. Its parts share one Session object (session.ts): the link (link.ts), the outbound
// queue and packet ids (outbound.ts, inflight.ts), a handler per inbound packet type
// (inbound.ts), QoS 2 (qos2.ts); this file holds the state, the timers and the public API.
//
// Outstanding work is kept in the order it must be (re)sent: after every CONNACK it is sent
// again in order, so in-flight messages (older) go before those queued offline (newer).
// QoS 1/2 publishes are put in the Store before they are written, under 'o' + packet id.
// One timer serves every state: connect timeout, keepalive tick and graceful-end deadline,
// reconnect delay.
import type { Callback, ClientDeps, ClientEvents, ClientOptions, ClientState, MqttClient, PublishOptions, SubscribeCallback, SubscribeOptions } from './client-options';
import type { Packet, Timer } from './types';
import type { Session } from './session';
import { Emitter } from './emitter';
import { toBytes } from './utf8';
import { backoff } from './backoff';
import { keepalive } from './keepalive';
import { createOutstanding, isOwed } from './inflight';
import { INBOUND_PREFIX } from './qos2';
import { installLink, LOST } from './link';
import { installOutbound, ENDED } from './outbound';
import { installInbound, CONNECTED } from './inbound';
import { PacketType } from './packet-type';
import { WITH_QOS2, WITH_STORE } from './features';
import { NAMES } from './codec/names';

type Bytes = string | Uint8Array;
const CLOSED = 'closed', RECONNECTING = 'reconnecting';
const DEFAULT_KEEPALIVE_S = 60, DEFAULT_RECONNECT_MIN_MS = 1000, DEFAULT_RECONNECT_MAX_MS = 30000, DEFAULT_END_TIMEOUT_MS = 5000;
const MS_PER_S = 1000, TENTHS_PER_S = 10;
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

// Records left by a previous run (power cut): resent after the first CONNACK.
function loadRecords(session: Session): void {
  const records: any = session.store_!.all();
  for (const key in records) {
    if (key[0] == INBOUND_PREFIX) { if (WITH_QOS2) session.receivedQos2_[key.slice(1) as any] = 1; }
    else session.outstanding_.add_({ packet_: records[key], sentBefore_: true });
  }
}

export class Client extends Emitter<ClientEvents> implements MqttClient {
  declare state: ClientState;
  declare connected: boolean;
  declare clientId: string;
  declare connect: () => void;
  declare publish: (topic: string, payload: Bytes, opts?: PublishOptions, callback?: Callback) => void;
  declare subscribe: (filters: string | string[], opts?: SubscribeOptions, callback?: SubscribeCallback) => void;
  declare unsubscribe: (filters: string | string[], callback?: Callback) => void;
  declare end: (force?: boolean, callback?: () => void) => void;

  constructor(options: ClientOptions, deps: ClientDeps) {
    super();
    const client = this, platform = deps.platform;
    const keepaliveSeconds = options.keepalive == null ? DEFAULT_KEEPALIVE_S : options.keepalive, keepaliveMs = keepaliveSeconds * MS_PER_S;
    const reconnectMin = options.reconnectMin || DEFAULT_RECONNECT_MIN_MS, reconnectMax = options.reconnectMax || DEFAULT_RECONNECT_MAX_MS;
    let timer: Timer, state: ClientState, attempt = 0, backoffBase = reconnectMin, endDeadline = 0, endCallback: Function | null | undefined;
    client.clientId = options.clientId || 'glowmq_' + (platform.random() * TWO_POW_32 + TWO_POW_32).toString(16).slice(1, 9);
    const session = {
      options_: options, deps_: deps, platform_: platform, store_: WITH_STORE ? deps.store : undefined, client_: client,
      connectPacket_: connectPacketFor(options, client.clientId, keepaliveSeconds),
      outstanding_: createOutstanding(), awaitingId_: [], subscribed_: {}, receivedQos2_: {}, resubscription_: null,
      lastSentAt_: 0, lastReceivedAt_: 0, lastPingAt_: 0,
    } as unknown as Session;
    const outstanding = session.outstanding_;
    const newError = session.newError_ = (message) => new Error(message);
    session.emitError_ = (error) => client.emit('error', error);
    const setState = session.setState_ = (next) => { client.state = state = next; client.connected = session.connected_ = next == CONNECTED; };
    const setTimer: Session['setTimer_'] = session.setTimer_ = (delayMs, onTimeout) => {
      if (timer != null) platform.clearTimeout(timer);
      timer = onTimeout ? platform.setTimeout(onTimeout, delayMs) : null;
    };
    installLink(session);
    installOutbound(session, client);
    installInbound(session);
    if (session.store_) loadRecords(session);

    // The link is gone: fail unwritten QoS 0, then reconnect after a backoff, or stay closed.
    session.linkDown_ = (error, broken, unsent) => {
      const wasEnding = session.ending_, again = !wasEnding && options.reconnect !== false;
      let delay = 0;
      // A link that made progress (an ack, a PINGRESP or a message after CONNACK) resets the
      // backoff: the link is flaky, not the broker broken. One that died before any, or that
      // broke the protocol, keeps it climbing, so a broken broker is never hot-looped.
      if (session.madeProgress_ && !broken) { attempt = 0; backoffBase = reconnectMin; }
      if (session.resubscription_) outstanding.remove_(session.resubscription_);
      setTimer(0);
      setState(again ? RECONNECTING : CLOSED);
      unsent.forEach((entry) => { if (entry.callback_) entry.callback_(error || newError(LOST)); });
      if (again) {
        delay = backoff(backoffBase, reconnectMin, reconnectMax, platform.random());
        backoffBase = Math.min(reconnectMax, backoffBase * 2);
        setTimer(delay, session.open_);
        attempt++;
      }
      client.emit('close', error);
      // A 'close' listener may have called end() (which finished already).
      if (wasEnding) finish();
      else if (state == RECONNECTING) client.emit('reconnect', attempt, delay);
    };
    // Closed for good: fail what waits for an answer (durable publishes stay, and are stored).
    const finish = () => {
      const error = newError(ENDED), callback = endCallback, waiting = session.awaitingId_;
      setTimer(0);
      setState(CLOSED);
      endCallback = null;
      session.awaitingId_ = [];
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
    const disconnect = session.disconnect_ = () => {
      if (session.connected_) session.write_({ cmd: NAMES[PacketType.Disconnect] });
      if (session.hasLink_()) session.drop_(); else finish();
    };
    // The one per-connection tick: keepalive, and the graceful-end deadline.
    const tick = session.tick_ = () => {
      const now = platform.now(), due = () => keepalive(now, keepaliveMs, session.lastSentAt_, session.lastReceivedAt_, session.lastPingAt_);
      let wait = keepaliveMs ? due() : Infinity;
      if (wait < 0) {
        const silentTenths = Math.round((now - session.lastReceivedAt_) / (MS_PER_S / TENTHS_PER_S));
        return session.drop_(newError('no answer from the broker for ' + silentTenths / TENTHS_PER_S + ' s (keepalive ' + keepaliveSeconds + ' s)'));
      }
      // (lastSentAt too: a PINGREQ held back by back-pressure must not make the next tick due at once)
      if (!wait) {
        session.lastPingAt_ = session.lastSentAt_ = now;
        session.write_({ cmd: NAMES[PacketType.Pingreq] });
        wait = due();
      }
      if (session.ending_) {
        if (now >= endDeadline) return disconnect();
        wait = Math.min(wait, endDeadline - now);
      }
      setTimer(wait, wait < Infinity && tick);
    };

    client.connect = () => {
      if (state != CLOSED) return;
      session.ending_ = false;
      attempt = 0;
      backoffBase = reconnectMin;
      setState('connecting');
      session.open_();
    };
    client.end = (force, callback) => {
      session.ending_ = true;
      if (callback) endCallback = callback;
      if (!force && session.connected_ && outstanding.idsInUse_()) { endDeadline = platform.now() + (options.endTimeout || DEFAULT_END_TIMEOUT_MS); tick(); }
      else disconnect();
    };

    setState(CLOSED);
  }
}
