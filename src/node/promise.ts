// Promise wrappers for Node callers over the callback-shaped core client (the core stays
// callback-only because the board's interpreter has no async/await).
import type { MqttClient, PublishOptions, SubscribeOptions } from '../core/client-options';

/** Resolves when the publish completes (QoS 0 written, 1 PUBACK, 2 PUBCOMP). */
export function publishAsync(c: MqttClient, topic: string, payload: string | Uint8Array, opts?: PublishOptions): Promise<void> {
  return new Promise((resolve, reject) => c.publish(topic, payload, opts ?? {}, (err) => (err ? reject(err) : resolve())));
}

/** Resolves with the granted list; rejects when any filter was refused (the error names them). */
export function subscribeAsync(c: MqttClient, filters: string | string[], opts?: SubscribeOptions): Promise<{ topic: string; qos: number }[]> {
  return new Promise((resolve, reject) => c.subscribe(filters, opts ?? {}, (err, granted) => (err ? reject(err) : resolve(granted))));
}

export function unsubscribeAsync(c: MqttClient, filters: string | string[]): Promise<void> {
  return new Promise((resolve, reject) => c.unsubscribe(filters, (err) => (err ? reject(err) : resolve())));
}

/** Graceful end (in-flight QoS 1/2 first), or at once with force. */
export function endAsync(c: MqttClient, force?: boolean): Promise<void> {
  return new Promise((resolve) => c.end(!!force, () => resolve()));
}

/**
 * Resolves at the first CONNACK accepted (at once if already connected). Rejects on a refused
 * CONNACK (the client's error names the cause, e.g. "bad user name or password"), or when the
 * client closes for good before connecting. Link failures in between are not failures: the
 * client is retrying them.
 */
export function connected(c: MqttClient): Promise<{ sessionPresent: boolean } | undefined> {
  if (c.connected) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const done = () => { c.off('connect', onConnect); c.off('error', onError); c.off('close', onClose); c.off('end', onEnd); };
    const onConnect = (ack: { sessionPresent: boolean }) => { done(); resolve(ack); };
    const onError = (e: Error) => { if (isRefusal(e)) { done(); reject(e); } };
    const onClose = (reason?: Error) => {
      if (c.state === 'closed') { done(); reject(reason ?? new Error('client closed before it connected')); }
    };
    const onEnd = () => { done(); reject(new Error('client ended before it connected')); };
    c.on('connect', onConnect); c.on('error', onError); c.on('close', onClose); c.on('end', onEnd);
  });
}

/** A CONNACK refusal, as the core reports it (returnCode on the error, or its message). */
function isRefusal(e: Error): boolean {
  const rc = (e as { returnCode?: unknown }).returnCode;
  if (typeof rc === 'number') return rc > 0;
  return /connection refused|unacceptable protocol version|identifier rejected|server unavailable|bad user name or password|not authori[sz]ed/i.test(e.message)
    && !/^cannot connect to/.test(e.message);
}
