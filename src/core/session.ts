// One client's state (types only): the Client object's internal fields (client.ts), shared
// by the modules that work on it: inflight.ts (the outstanding entries), link.ts (the
// transport and its write queue), lifecycle.ts (state, timers, reconnect, end), outbound.ts
// (publish, subscribe, packet ids, resend) and inbound.ts (a handler per packet type). They
// are plain functions of the session, not closures per client: on the board every closure and
// every scope costs variables. Internal fields end in `_`, so the board build shortens them;
// `state` and `connected` are public.
import type { ClientDeps, ClientEvents, ClientOptions, ClientState } from './client-options';
import type { Platform, QoS, SkippedPublish, Store, Timer, Transport } from './types';
import type { Emitter } from './emitter';

export interface Entry {
  packet_: any;
  callback_?: Function | null | false | undefined;
  /** The link (Session.links_) it was last written on; EARLIER_RUN for a record loaded from a
   *  store, undefined when never written. A PUBLISH written again carries DUP. */
  writtenOn_?: number;
  /** Its key in Session.entries_ (see inflight.ts). */
  key_?: string;
}

/** What the link hands on: set once by client.ts, so link.ts, below inbound.ts and
 *  lifecycle.ts, imports neither (no import cycle). Module functions, no closures. */
export interface LinkHandlers {
  packet_(session: Session, packet: any): void;
  /** A PUBLISH over maxPacketSize that the codec read past (inbound.ts's onPublish, with its size). */
  skipped_(session: Session, skipped: SkippedPublish, size: number): void;
  linkDown_(session: Session, error: Error | undefined, broken: boolean | undefined, unsent: Entry[]): void;
  /** The link drained while a resend waits for it: go on with the resend. */
  resend_(session: Session): void;
}

/** The client's state: the Client object itself (client.ts), whose internal fields these are. */
export interface Session extends Emitter<ClientEvents> {
  state: ClientState;
  connected: boolean;
  handlers_: LinkHandlers;
  options_: ClientOptions;
  deps_: ClientDeps;
  platform_: Platform;
  /** Undefined without WITH_STORE, or when none was given: the session is then in memory only. */
  store_: Store | undefined;
  connectPacket_: object;
  keepaliveSeconds_: number;

  // The outstanding entries (inflight.ts)
  entries_: { [key: string]: Entry };
  queuedCount_: number;
  idsInUse_: number;
  lastId_: number;
  /** Publishes held (with a payload), and their payload bytes: the offline queue's bounds. */
  heldMessages_: number;
  heldBytes_: number;
  /** Entries that wait for a packet id, when all 65,535 are in use. */
  awaitingId_: Entry[];
  subscribed_: { [filter: string]: QoS };
  /** Inbound QoS 2 ids delivered and awaiting PUBREL (qos2.ts). */
  receivedQos2_: { [packetId: number]: 1 };
  /** The restoring SUBSCRIBE sent after a CONNACK without a session; it dies with its link. */
  resubscription_: Entry | null;

  // State and timers (lifecycle.ts)
  /** `connected`, under a name the board build shortens (read at almost every step). */
  connected_: boolean;
  ending_: boolean;
  endDeadline_: number;
  endCallback_: Function | null | undefined;
  timer_: Timer;
  attempt_: number;
  backoffBase_: number;
  /** This link got an answer or a message after CONNACK: the backoff starts again. */
  madeProgress_: boolean;

  // The link (link.ts)
  link_: Transport | null;
  /** Packets waiting for the transport (back-pressure), and the payload bytes they hold. */
  unwritten_: Entry[];
  /** unwritten_[unwrittenHead_] is the next to write (those before it are written). */
  unwrittenHead_: number;
  unwrittenBytes_: number;
  linkFull_: boolean;
  /** Links opened so far: numbers each one, for Entry.writtenOn_. */
  links_: number;
  /** After CONNACK, until every entry went out: the resend waits for each drain, and new
   *  entries join its end. */
  resending_: boolean;
  /** ms: the last bytes written, the last received, the last PINGREQ. */
  lastSentAt_: number;
  lastReceivedAt_: number;
  lastPingAt_: number;

}
