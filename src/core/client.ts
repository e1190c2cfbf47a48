// The MQTT 3.1.1 client: ONE state machine (connecting → connected → reconnecting → closed)
// driven only by the Platform's clock and timers, a Transport per connection attempt and a
// Codec. Its state is its own internal fields (the Session of session.ts: the client is its
// own session), worked on by plain functions: the link
// (link.ts), state and timers (lifecycle.ts), publish/subscribe and packet ids (outbound.ts,
// inflight.ts), a handler per inbound packet type (inbound.ts), QoS 2 (qos2.ts).
//
// Outstanding work is kept in the order it must be (re)sent: after every CONNACK it is sent
// again in order, so in-flight messages (older) go before those queued offline (newer).
// QoS 1/2 publishes are put in the Store before they are written, under 'o' + packet id.
import type { Callback, ClientDeps, ClientEvents, ClientOptions, ClientState, MqttClient, PublishOptions, SubscribeCallback, SubscribeOptions } from './client-options';
import type { LinkHandlers, Session } from './session';
import { Emitter } from './emitter';
import { toBytes } from './utf8';
import { addEntry, EARLIER_RUN } from './inflight';
import { INBOUND_PREFIX } from './qos2';
import { connect, end, linkDown, setState, CLOSED } from './lifecycle';
import { onPacket, onPublish } from './inbound';
import { publish, resend, subscribe, unsubscribe } from './outbound';
import { PacketType } from './packet-type';
import { WITH_QOS2, WITH_STORE } from './features';
import { NAMES } from './codec/names';

type Bytes = string | Uint8Array;
const DEFAULT_KEEPALIVE_S = 60;
// 2^32: added to a random 32-bit number, it gives 9 hex digits whose first (1) is dropped,
// keeping the leading zeros of the 8 that make the generated client id.
const TWO_POW_32 = 4294967296;

/** The link's handlers: one object for every client (session.ts says why). */
const LINK_HANDLERS: LinkHandlers = { packet_: onPacket, skipped_: onPublish, linkDown_: linkDown, resend_: resend };

// Records left by a previous run (power cut): resent after the first CONNACK.
const loadRecords = (session: Session): void => {
  const records: any = session.store_!.all();
  for (const key in records) {
    if (key[0] == INBOUND_PREFIX) { if (WITH_QOS2) session.receivedQos2_[key.slice(1) as any] = 1; }
    else addEntry(session, { packet_: records[key], writtenOn_: EARLIER_RUN });
  }
};

// The client is its own session: the module functions work on its internal fields (session.ts).
export interface Client extends Session {}
export class Client extends Emitter<ClientEvents> implements MqttClient {
  declare state: ClientState;
  declare connected: boolean;
  declare clientId: string;

  constructor(options: ClientOptions, deps: ClientDeps) {
    super();
    const client = this, platform = deps.platform, keepaliveSeconds = options.keepalive == null ? DEFAULT_KEEPALIVE_S : options.keepalive;
    client.clientId = options.clientId || 'glowmq_' + (platform.random() * TWO_POW_32 + TWO_POW_32).toString(16).slice(1, 9);
    Object.assign(client, {
      handlers_: LINK_HANDLERS, options_: options, deps_: deps, platform_: platform, store_: WITH_STORE ? deps.store : undefined,
      // The CONNECT packet, made once. The will as given: both codecs read a missing qos/retain
      // as 0/false and take a text payload.
      connectPacket_: {
        cmd: NAMES[PacketType.Connect], clientId: client.clientId, clean: options.clean !== false, keepalive: keepaliveSeconds,
        username: options.username, password: toBytes(options.password), will: options.will,
      },
      keepaliveSeconds_: keepaliveSeconds,
      entries_: {}, heldMessages_: 0, heldBytes_: 0, links_: 0, queuedCount_: 0, idsInUse_: 0, lastId_: 0, awaitingId_: [], subscribed_: {}, receivedQos2_: {},
      unwritten_: [], unwrittenHead_: 0, unwrittenBytes_: 0,
      // The rest is set before it is read: attempt_ by connect(), the times once the link is
      // up (a tick comes only after CONNACK), endDeadline_ by end(), backoffBase_ by connect().
    });
    if (WITH_STORE && client.store_) loadRecords(client);
    setState(client, CLOSED);
  }

  // Methods on the prototype, not closures per client: on the board each closure costs variables.
  connect(): void { connect(this); }
  publish(topic: string, payload: Bytes, options?: PublishOptions, callback?: Callback): void { publish(this, topic, payload, options, callback); }
  subscribe(filters: string | string[], options?: SubscribeOptions, callback?: SubscribeCallback): void { subscribe(this, filters, options, callback); }
  unsubscribe(filters: string | string[], callback?: Callback): void { unsubscribe(this, filters, callback); }
  end(force?: boolean, callback?: () => void): void { end(this, force, callback); }
}
