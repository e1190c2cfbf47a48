// The contracts between layers (see shared/docs/architecture.md). Everything here is
// type-only, so it costs no bytes on the board. Packet objects use mqtt-packet's shape,
// so mqtt-packet (Node) and our own codec (board) are interchangeable.

export type QoS = 0 | 1 | 2;

export interface Will {
  topic: string;
  payload: Uint8Array;
  qos: QoS;
  retain: boolean;
}

export interface ConnectPacket {
  cmd: 'connect';
  protocolId?: 'MQTT';
  protocolVersion?: 4;
  clientId: string;
  clean: boolean;
  keepalive: number;
  username?: string;
  password?: Uint8Array;
  will?: Will;
}
export interface ConnackPacket { cmd: 'connack'; returnCode: number; sessionPresent: boolean }
export interface PublishPacket {
  cmd: 'publish';
  topic: string;
  payload: Uint8Array;
  qos: QoS;
  retain: boolean;
  dup: boolean;
  messageId?: number; // present when qos > 0
}
export interface AckPacket { cmd: 'puback' | 'pubrec' | 'pubrel' | 'pubcomp' | 'unsuback'; messageId: number }
export interface Subscription { topic: string; qos: QoS }
export interface SubscribePacket { cmd: 'subscribe'; messageId: number; subscriptions: Subscription[] }
export interface SubackPacket { cmd: 'suback'; messageId: number; granted: number[] }
export interface UnsubscribePacket { cmd: 'unsubscribe'; messageId: number; unsubscriptions: string[] }
export interface EmptyPacket { cmd: 'pingreq' | 'pingresp' | 'disconnect' }

export type Packet =
  | ConnectPacket | ConnackPacket | PublishPacket | AckPacket
  | SubscribePacket | SubackPacket | UnsubscribePacket | EmptyPacket;

/** Incremental parser: fed any split of the byte stream. After onError it is dead. */
export interface PacketParser { feed(bytes: Uint8Array): void }

/** An inbound PUBLISH over the size limit, read past without being buffered. */
export interface SkippedPublish { topic: string; size: number; qos: QoS; messageId?: number }

/**
 * A codec. `parser(max, onPacket, onError, onSkip)`: a remaining length above `max` is an
 * error raised from the fixed header alone, before any allocation; except for a PUBLISH when
 * `onSkip` is given: its topic and packet id are read, the rest is skipped as it streams by
 * (never buffered), and `onSkip` reports it, so one oversized message never kills the link.
 */
export interface Codec {
  encode(packet: Packet): Uint8Array;
  parser(maxPacketSize: number, onPacket: (packet: Packet) => void, onError: (error: Error) => void,
    onSkip?: (skipped: SkippedPublish) => void): PacketParser;
}

/** What a transport reports. onClose is called exactly once per transport, also after a failed open. */
export interface TransportHandlers {
  onOpen(): void;
  onData(bytes: Uint8Array): void;
  onDrain(): void;
  onClose(reason?: Error): void;
}

/** One connection to one broker. It never looks inside packets. */
export interface Transport {
  /** Start connecting; report through `handlers`. */
  open(handlers: TransportHandlers): void;
  /** Queue bytes. false: the transport's buffer is full; wait for onDrain before writing more. */
  write(bytes: Uint8Array): boolean;
  /** Close (idempotent); onClose follows. */
  close(): void;
}
/** A new Transport per connection attempt. */
export type TransportFactory = () => Transport;

export type Timer = unknown;
export interface Platform {
  now(): number; // milliseconds, monotonic enough for keepalive
  setTimeout(callback: () => void, delayMs: number): Timer;
  clearTimeout(timer: Timer): void;
  random(): number; // [0, 1), for client ids and backoff jitter
  log?(level: 'debug' | 'info' | 'warn' | 'error', msg: string): void;
  /** Why memory cannot hold `bytes` more of queued payload ('' when it can; a board:
   * process.memory()). A publish it refuses fails with this error, as one over the queue's
   * bounds does. `offline`: it waits for a link not yet made, and making that link (a
   * connection, CONNACK, the first packets of the resend) needs memory too. */
  memoryError?(bytes: number, offline: boolean): string;
}

/**
 * Durable key/value store for in-flight QoS 1/2 state and the offline queue.
 * Synchronous on purpose: memory, a file on Node and Espruino's Storage all are,
 * and an accepted message must be stored before publish() returns.
 * Values are plain JSON-able objects whose Uint8Array fields the store must round-trip.
 */
export interface Store {
  put(key: string, value: StoredRecord): void;
  del(key: string): void;
  /** Every record, in insertion order of their keys' first put. */
  all(): { [key: string]: StoredRecord };
}
export interface StoredRecord { [field: string]: unknown }
