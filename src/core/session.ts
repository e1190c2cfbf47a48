// What the parts of one client share (types only): link.ts (the transport and its write
// queue), outbound.ts (the session's outstanding work), inbound.ts (a handler per packet
// type) and client.ts (state, timers, the public API) each install their functions on one
// Session object and call each other's through it. Its fields end in `_`, so the board build
// shortens them.
import type { ClientDeps, ClientEvents, ClientOptions, ClientState } from './client-options';
import type { Platform, QoS, SkippedPublish, Store } from './types';
import type { Emitter } from './emitter';
import type { Entry, Outstanding } from './inflight';
import type { ReceivedIds } from './qos2';

export interface Session {
  options_: ClientOptions;
  deps_: ClientDeps;
  platform_: Platform;
  /** Undefined without WITH_STORE, or when none was given: the session is then in memory only. */
  store_: Store | undefined;
  client_: Emitter<ClientEvents> & { state: ClientState; connected: boolean };
  connectPacket_: object;
  outstanding_: Outstanding;
  /** Entries that wait for a packet id, when all 65,535 are in use. */
  awaitingId_: Entry[];
  subscribed_: { [filter: string]: QoS };
  receivedQos2_: ReceivedIds;
  /** The restoring SUBSCRIBE sent after a CONNACK without a session; it dies with its link. */
  resubscription_: Entry | null;
  connected_: boolean;
  ending_: boolean;
  /** This link got an answer or a message after CONNACK (see client.ts: the backoff). */
  madeProgress_: boolean;
  /** ms: the last bytes written, the last received, the last PINGREQ. */
  lastSentAt_: number;
  lastReceivedAt_: number;
  lastPingAt_: number;

  // link.ts
  open_(): void;
  write_(packet: any, callback?: Function | null | false): void;
  /** We close the link ourselves; `broken`: the broker broke the protocol. */
  drop_(error?: Error, broken?: boolean): void;
  violation_(message: string): void;
  hasLink_(): boolean;
  unwrittenBytes_(): number;
  // outbound.ts
  enqueue_(entry: Entry): void;
  sendEntry_(entry: Entry): void;
  resend_(): void;
  serveAwaitingId_(): void;
  // inbound.ts
  onPacket_(packet: any): void;
  onSkipped_(skipped: SkippedPublish): void;
  // client.ts
  newError_(message: string): Error;
  emitError_(error: Error): void;
  setState_(state: ClientState): void;
  setTimer_(delayMs: number, onTimeout?: false | (() => void)): void;
  /** The link is gone; `unsent`: what was still waiting to be written. */
  linkDown_(error: Error | undefined, broken: boolean | undefined, unsent: Entry[]): void;
  tick_(): void;
  disconnect_(): void;
}
