// The client's public contract (types only). The implementation is src/core/client.ts.
import type { Codec, Platform, QoS, Store, TransportFactory, PublishPacket } from './types';

export interface ClientOptions {
  /** Generated ("glowmq_" + 8 hex digits) when empty. */
  clientId?: string;
  username?: string;
  password?: string | Uint8Array;
  /** Seconds; 0 disables. Default 60. A dead link is declared within 1.5 × keepalive. */
  keepalive?: number;
  /** Default true. With false the broker keeps the session (subscriptions, queued QoS 1/2). */
  clean?: boolean;
  will?: { topic: string; payload: string | Uint8Array; qos?: QoS; retain?: boolean };
  /** Reconnect backoff in ms: doubles from min up to max, with jitter. Defaults 1000 / 30000. */
  reconnectMin?: number;
  reconnectMax?: number;
  /** false: no automatic reconnect. Default true. */
  reconnect?: boolean;
  /** ms from transport open to CONNACK. Default 30000. */
  connectTimeout?: number;
  /** Largest packet accepted from the broker (bytes of remaining length). Default 1 MiB. */
  maxPacketSize?: number;
  /**
   * Offline queue bounds: publishes held while not connected (queued and unacknowledged
   * together), and, while connected, publishes waiting for a free packet id when all 65,535
   * are in use. Defaults 100 messages / 65536 payload bytes. A publish over them fails with an
   * error; nothing already accepted is dropped. On a board whose platform has `memoryError`, a
   * publish the free memory cannot hold is refused the same way, with that error.
   */
  queueMax?: number;
  queueBytes?: number;
  /**
   * While connected, payload bytes of QoS 0 publishes that may wait for the transport
   * (back-pressure from a slow link or a stalled broker). Over it a QoS 0 publish fails with
   * an error; QoS 1/2 publishes are never refused for it: they wait in the session. Default 1 MiB
   * (createNodeClient: 16 MiB).
   */
  sendQueueBytes?: number;
  /** Queue QoS 0 publishes while offline too. Default false (they fail with an error). */
  queueQoS0?: boolean;
  /** ms a graceful end() waits for in-flight QoS 1/2 before DISCONNECT. Default 5000. */
  endTimeout?: number;
}

export interface ClientDeps {
  platform: Platform;
  transport: TransportFactory;
  codec: Codec;
  /** Where in-flight QoS 1/2 and the offline queue live. Default: memory. */
  store?: Store;
}

export interface PublishOptions { qos?: QoS; retain?: boolean }
export interface SubscribeOptions { qos?: QoS }
/** Completion: QoS 0 when written, QoS 1 at PUBACK, QoS 2 at PUBCOMP. */
export type Callback = (err?: Error) => void;
export type SubscribeCallback = (err: Error | undefined, granted: { topic: string; qos: number }[]) => void;

export type ClientState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

/**
 * Events (client.on(name, fn)):
 *  'connect'  (connack: the CONNACK packet: { cmd: 'connack', sessionPresent: boolean, returnCode: 0 })
 *  'message'  (topic: string, payload: Uint8Array, packet: PublishPacket)
 *  'error'    (err: Error)   — protocol violations, refused CONNACK, an unreachable broker
 *             (ECONNREFUSED…, as in MQTT.js; the reconnect loop goes on), queue full, …
 *  'close'    (reason?: Error) — the link went down (a reconnect may follow)
 *  'reconnect' (attempt: number, delayMs: number) — a reconnect is scheduled
 *  'end'      () — closed for good after end()
 *  'oversize' (topic: string, size: number, qos: QoS) — an inbound PUBLISH over maxPacketSize,
 *             skipped (acknowledged at QoS 1/2, never delivered); the link stays up
 */
export interface ClientEvents {
  connect: (connack: { cmd: 'connack'; sessionPresent: boolean; returnCode: number }) => void;
  message: (topic: string, payload: Uint8Array, packet: PublishPacket) => void;
  error: (err: Error) => void;
  close: (reason?: Error) => void;
  reconnect: (attempt: number, delayMs: number) => void;
  end: () => void;
  oversize: (topic: string, size: number, qos: QoS) => void;
}

export interface MqttClient {
  readonly state: ClientState;
  readonly connected: boolean;
  readonly clientId: string;
  connect(): void;
  publish(topic: string, payload: string | Uint8Array, opts?: PublishOptions, callback?: Callback): void;
  subscribe(filters: string | string[], opts?: SubscribeOptions, callback?: SubscribeCallback): void;
  unsubscribe(filters: string | string[], callback?: Callback): void;
  /** Graceful: waits for in-flight QoS 1/2 (up to `timeout` ms, default 5000), then DISCONNECT. force: close at once. */
  end(force?: boolean, callback?: () => void): void;
  on<K extends keyof ClientEvents>(event: K, listener: ClientEvents[K]): void;
  off<K extends keyof ClientEvents>(event: K, listener: ClientEvents[K]): void;
}

export type { Codec, Platform, Store, TransportFactory };
