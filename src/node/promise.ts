// Promise wrappers for Node callers over the callback-shaped core client (the core stays
// callback-only because the board's interpreter has no async/await).
import type { MqttClient, PublishOptions, SubscribeOptions } from '../core/client-options';

/** Resolves when the publish completes (QoS 0 written, 1 PUBACK, 2 PUBCOMP). */
export function publishAsync(client: MqttClient, topic: string, payload: string | Uint8Array, opts?: PublishOptions): Promise<void> {
  return new Promise((resolve, reject) => client.publish(topic, payload, opts ?? {}, (err) => (err ? reject(err) : resolve())));
}

/** Resolves with the granted list; rejects when any filter was refused (the error names them). */
export function subscribeAsync(client: MqttClient, filters: string | string[], opts?: SubscribeOptions): Promise<{ topic: string; qos: number }[]> {
  return new Promise((resolve, reject) => client.subscribe(filters, opts ?? {}, (err, granted) => (err ? reject(err) : resolve(granted))));
}

export function unsubscribeAsync(client: MqttClient, filters: string | string[]): Promise<void> {
  return new Promise((resolve, reject) => client.unsubscribe(filters, (err) => (err ? reject(err) : resolve())));
}

/** Graceful end (in-flight QoS 1/2 first), or at once with force. */
export function endAsync(client: MqttClient, force?: boolean): Promise<void> {
  return new Promise((resolve) => client.end(!!force, () => resolve()));
}

/**
 * Resolves at the first CONNACK accepted (at once if already connected). Rejects on a refused
 * CONNACK (the client's error names the cause, e.g. "bad user name or password"), or when the
 * client closes for good before connecting. Link failures in between are not failures: the
 * client is retrying them.
 */
export function connected(client: MqttClient): Promise<{ sessionPresent: boolean } | undefined> {
  if (client.connected) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const done = () => { client.off('connect', onConnect); client.off('error', onError); client.off('close', onClose); client.off('end', onEnd); };
    const onConnect = (ack: { sessionPresent: boolean }) => { done(); resolve(ack); };
    const onError = (error: Error) => { if (isRefusal(error)) { done(); reject(error); } };
    const onClose = (reason?: Error) => {
      if (client.state === 'closed') { done(); reject(reason ?? new Error('client closed before it connected')); }
    };
    const onEnd = () => { done(); reject(new Error('client ended before it connected')); };
    client.on('connect', onConnect); client.on('error', onError); client.on('close', onClose); client.on('end', onEnd);
  });
}

/** A CONNACK refusal, as the core reports it (returnCode on the error, or its message). */
function isRefusal(error: Error): boolean {
  const returnCode = (error as { returnCode?: unknown }).returnCode;
  if (typeof returnCode === 'number') return returnCode > 0;
  return /connection refused|unacceptable protocol version|identifier rejected|server unavailable|bad user name or password|not authori[sz]ed/i.test(error.message)
    && !/^cannot connect to/.test(error.message);
}
