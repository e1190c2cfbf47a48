// The client as MQTT.js 5 users know it (connect, connectAsync, callback and *Async methods,
// its event names and their order), over glowmq's core client. Porting from MQTT.js is one
// import line; what glowmq adds (bounded offline queue, durable store, backoff with jitter,
// per-filter handlers) is opt-in.
import { EventEmitter } from 'node:events';
import type { Client } from '../core/client';
import { Router } from '../core/router';
import type { PublishPacket, QoS, TransportFactory } from '../core/types';
import { brokerTransport, createNodeClient, type NodeClientOptions } from './connect';
import { translateOptions, type IClientOptions, type TranslatedOptions } from './mqtt-options';
import { parseBrokerUrl } from './url';

export type { IClientOptions, WillOptions, Pem } from './mqtt-options';
export type { QoS } from '../core/types';

/** A received PUBLISH; on Node its payload is a Buffer. */
export interface IPublishPacket {
  cmd: 'publish';
  topic: string;
  payload: Buffer;
  qos: QoS;
  retain: boolean;
  dup: boolean;
  messageId?: number;
}
export interface IConnackPacket { cmd: 'connack'; returnCode: number; sessionPresent: boolean }
export interface IClientPublishOptions { qos?: QoS | undefined; retain?: boolean | undefined; dup?: boolean | undefined }
export interface IClientSubscribeOptions { qos?: QoS | undefined }
export interface ISubscriptionGrant { topic: string; qos: number }
export interface ISubscriptionMap { [filter: string]: { qos: QoS } }
export type PacketCallback = (error?: Error) => void;
export type ClientSubscribeCallback = (error: Error | null, granted?: ISubscriptionGrant[]) => void;
export type OnMessageCallback = (topic: string, payload: Buffer, packet: IPublishPacket) => void;

/** Event name → listener arguments, as MQTT.js emits them. */
export interface MqttClientEventMap {
  connect: [connack: IConnackPacket];
  message: [topic: string, payload: Buffer, packet: IPublishPacket];
  error: [error: Error];
  close: [];
  reconnect: [];
  offline: [];
  end: [];
}

type Payload = string | Buffer | Uint8Array;

const asBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** A socket error (it carries Node's code, e.g. ECONNREFUSED): MQTT.js reports those as 'error'. */
const isSocketError = (reason: Error | undefined): reason is Error => !!reason && typeof (reason as { code?: unknown }).code === 'string';

/** The broker URL from connect()'s arguments: the URL, with options' protocol/host/port over it. */
function brokerUrl(url: string | undefined, where: TranslatedOptions['url']): string {
  if (url !== undefined && !where) return url;
  const base = url === undefined ? undefined : parseBrokerUrl(url);
  const protocol = where?.protocol ?? (base ? (base.tls ? 'mqtts' : 'mqtt') : 'mqtt');
  const host = where?.host ?? base?.host ?? 'localhost';
  const port = where?.port ?? (base && (where?.protocol === undefined) ? base.port : undefined);
  const user = base?.username === undefined ? '' : encodeURIComponent(base.username)
    + (base.password === undefined ? '' : `:${encodeURIComponent(base.password)}`) + '@';
  return `${protocol}://${user}${host.includes(':') ? `[${host}]` : host}${port === undefined ? '' : `:${port}`}`;
}

export class MqttClient extends EventEmitter<MqttClientEventMap> {
  /** The options connect() was given. */
  readonly options: IClientOptions;
  private readonly core: Client;
  private readonly router = new Router();
  private lastError: Error | undefined;
  private attempts = 0;
  private offline = false;
  private ending = false;
  /** Why the link last closed (MQTT.js's 'close' has no argument; glowmq keeps the reason here). */
  lastCloseReason: Error | undefined;

  constructor(url: string | undefined, opts: IClientOptions = {}) {
    super();
    this.options = opts;
    const given = translateOptions(opts);
    const target = brokerUrl(url, given.url);
    const parsed = parseBrokerUrl(target);
    const base: TransportFactory = given.transport ?? brokerTransport(parsed, given.tls);
    // Each attempt after the first is a reconnect: MQTT.js emits 'reconnect' as it starts one.
    const transport: TransportFactory = () => {
      if (this.attempts++) this.emit('reconnect');
      return base();
    };
    const wiring: NodeClientOptions = { ...given.core, transport, autoConnect: false };
    if (given.codec) wiring.codec = given.codec;
    if (given.platform) wiring.platform = given.platform;
    if (given.store) wiring.store = given.store;
    if (given.logLevel) wiring.logLevel = given.logLevel;
    this.core = createNodeClient(target, wiring);
    this.wireEvents();
    if (!given.manualConnect) this.core.connect();
  }

  private wireEvents(): void {
    const core = this.core;
    core.on('connect', (connack) => {
      this.offline = false;
      this.emit('connect', connack);
    });
    core.on('message', (topic, payload, packet: PublishPacket) => {
      const buffer = asBuffer(payload);
      const received: IPublishPacket = { ...packet, payload: buffer };
      this.router.dispatch(topic, buffer, packet);
      this.emit('message', topic, buffer, received);
    });
    core.on('error', (error) => {
      this.lastError = error;
      this.emit('error', error);
    });
    core.on('close', (reason) => {
      this.lastCloseReason = reason;
      // An unreachable broker or a reset link: its reason reaches 'error' first, once.
      if (isSocketError(reason) && reason !== this.lastError && reason.message !== this.lastError?.message) this.emit('error', reason);
      this.lastError = undefined;
      this.emit('close');
      if (!this.ending && !this.offline) { this.offline = true; this.emit('offline'); }
    });
    core.on('end', () => this.emit('end'));
  }

  get connected(): boolean { return this.core.connected; }
  get reconnecting(): boolean { return this.core.state === 'reconnecting'; }
  get disconnecting(): boolean { return this.ending && this.core.state !== 'closed'; }
  get disconnected(): boolean { return !this.core.connected; }
  get clientId(): string { return this.core.clientId; }

  /** With manualConnect: open the connection. Also reopens a client that ended. */
  connect(): this {
    this.ending = false;
    this.core.connect();
    return this;
  }

  /** Opens the connection again after end() (MQTT.js's reconnect()). */
  reconnect(): this { return this.connect(); }

  publish(topic: string, message: Payload, callback?: PacketCallback): this;
  publish(topic: string, message: Payload, opts?: IClientPublishOptions, callback?: PacketCallback): this;
  publish(topic: string, message: Payload, opts?: IClientPublishOptions | PacketCallback, callback?: PacketCallback): this {
    if (typeof opts === 'function') { callback = opts; opts = {}; }
    // Without a callback a failure goes to 'error' (the core's rule, and MQTT.js's).
    this.core.publish(topic, message, { qos: opts?.qos ?? 0, retain: !!opts?.retain }, callback);
    return this;
  }

  /** Resolves when the publish completes: QoS 0 written, QoS 1 at PUBACK, QoS 2 at PUBCOMP. */
  publishAsync(topic: string, message: Payload, opts?: IClientPublishOptions): Promise<void> {
    return new Promise((resolve, reject) => this.publish(topic, message, opts ?? {}, (error) => (error ? reject(error) : resolve())));
  }

  subscribe(filters: string | string[] | ISubscriptionMap, callback?: ClientSubscribeCallback): this;
  subscribe(filters: string | string[] | ISubscriptionMap, opts?: IClientSubscribeOptions, callback?: ClientSubscribeCallback): this;
  subscribe(filters: string | string[] | ISubscriptionMap, opts?: IClientSubscribeOptions | ClientSubscribeCallback, callback?: ClientSubscribeCallback): this {
    if (typeof opts === 'function') { callback = opts; opts = {}; }
    const qos = opts?.qos ?? 0;
    const wanted: [string, QoS][] = typeof filters === 'string' ? [[filters, qos]]
      : Array.isArray(filters) ? filters.map((filter): [string, QoS] => [filter, qos])
        : Object.keys(filters).map((filter): [string, QoS] => [filter, filters[filter]?.qos ?? qos]);
    // One SUBSCRIBE per QoS asked for (the core's subscribe takes one QoS for its filters).
    const byQos = new Map<QoS, string[]>();
    for (const [filter, level] of wanted) byQos.set(level, (byQos.get(level) ?? []).concat(filter));
    if (!byQos.size) byQos.set(qos, []); // no filter at all: the core's error says so
    const granted: ISubscriptionGrant[] = [];
    let pending = byQos.size, failure: Error | null = null;
    const done = callback;
    for (const [level, group] of byQos) {
      this.core.subscribe(group, { qos: level }, (error, grants) => {
        if (error && !failure) failure = error;
        granted.push(...(grants ?? []));
        if (--pending) return;
        if (done) done(failure, wanted.map(([filter]) => granted.find((grant) => grant.topic === filter) ?? { topic: filter, qos: 128 }));
        else if (failure) this.emit('error', failure);
      });
    }
    return this;
  }

  /** Resolves with the granted list; rejects when a filter was refused (the error names it). */
  subscribeAsync(filters: string | string[] | ISubscriptionMap, opts?: IClientSubscribeOptions): Promise<ISubscriptionGrant[]> {
    return new Promise((resolve, reject) => this.subscribe(filters, opts ?? {}, (error, granted) => (error ? reject(error) : resolve(granted ?? []))));
  }

  unsubscribe(filters: string | string[], callback?: PacketCallback): this;
  unsubscribe(filters: string | string[], opts?: object, callback?: PacketCallback): this;
  unsubscribe(filters: string | string[], opts?: object | PacketCallback, callback?: PacketCallback): this {
    this.core.unsubscribe(filters, typeof opts === 'function' ? opts as PacketCallback : callback);
    return this;
  }

  unsubscribeAsync(filters: string | string[]): Promise<void> {
    return new Promise((resolve, reject) => this.unsubscribe(filters, (error) => (error ? reject(error) : resolve())));
  }

  /** Graceful (in-flight QoS 1/2 complete first, up to endTimeout), or at once with force. */
  end(callback?: () => void): this;
  end(force?: boolean, callback?: () => void): this;
  end(force?: boolean, opts?: object, callback?: () => void): this;
  end(force?: boolean | (() => void), opts?: object | (() => void), callback?: () => void): this {
    if (typeof force === 'function') { callback = force; force = false; }
    if (typeof opts === 'function') callback = opts as () => void;
    this.ending = true;
    this.core.end(!!force, callback);
    return this;
  }

  endAsync(force?: boolean): Promise<void> {
    return new Promise((resolve) => this.end(!!force, () => resolve()));
  }

  /**
   * glowmq's per-filter handlers: `handler` gets every message whose topic matches `filter`
   * (wildcards included) besides 'message'. It does not subscribe. Returns a function that removes it.
   */
  handle(filter: string, handler: OnMessageCallback): () => void {
    const routed = (topic: string, payload: Uint8Array, packet?: PublishPacket) =>
      handler(topic, asBuffer(payload), { ...(packet as PublishPacket), payload: asBuffer(payload) });
    this.router.add(filter, routed);
    return () => this.router.remove(filter, routed);
  }
}

/** A client that starts connecting at once (MQTT.js's mqtt.connect). */
export function connect(url: string, opts?: IClientOptions): MqttClient;
export function connect(opts: IClientOptions): MqttClient;
export function connect(url: string | IClientOptions, opts?: IClientOptions): MqttClient {
  return typeof url === 'string' ? new MqttClient(url, opts) : new MqttClient(undefined, url);
}

/**
 * Resolves with the client at its first CONNACK; rejects (and ends the client) on the first
 * 'error', e.g. a refused CONNACK or an unreachable broker, as MQTT.js 5 does. With
 * allowRetries false, or reconnectPeriod 0, a link that closes before CONNACK rejects too.
 */
export function connectAsync(url: string, opts?: IClientOptions, allowRetries?: boolean): Promise<MqttClient>;
export function connectAsync(opts: IClientOptions, allowRetries?: boolean): Promise<MqttClient>;
export function connectAsync(url: string | IClientOptions, opts?: IClientOptions | boolean, allowRetries = true): Promise<MqttClient> {
  if (typeof url !== 'string') { allowRetries = opts !== false; opts = url; url = ''; }
  const options = typeof opts === 'object' ? opts : {};
  return new Promise((resolve, reject) => {
    const client = url === '' ? new MqttClient(undefined, options) : new MqttClient(url, options);
    const settle = () => { client.off('connect', onConnect); client.off('error', onError); client.off('close', onClose); client.off('end', onEnd); };
    const onConnect = () => { settle(); resolve(client); };
    const onEnd = () => { settle(); resolve(client); };
    // Ended after the core has finished reporting the failure, not from inside its emit.
    const onError = (error: Error) => { settle(); process.nextTick(() => client.end(true)); reject(error); };
    const onClose = () => {
      if (allowRetries && client.reconnecting) return;
      onError(client.lastCloseReason ?? new Error('connection closed before CONNACK'));
    };
    client.on('connect', onConnect);
    client.on('error', onError);
    client.on('close', onClose);
    client.on('end', onEnd);
  });
}
