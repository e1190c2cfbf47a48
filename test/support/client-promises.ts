// Promise helpers around a glowmq client for the fault, hostile and interop suites.
import type { MqttClient, PublishOptions, ClientEvents } from '../../src/core/client-options';

export function publishP(c: MqttClient, topic: string, payload: string | Uint8Array, opts: PublishOptions = {}): Promise<void> {
  return new Promise((resolve, reject) => c.publish(topic, payload, opts, (e) => (e ? reject(e) : resolve())));
}

export function subscribeP(c: MqttClient, filters: string | string[], qos: 0 | 1 | 2 = 1): Promise<{ topic: string; qos: number }[]> {
  return new Promise((resolve, reject) => c.subscribe(filters, { qos }, (e, g) => (e ? reject(e) : resolve(g))));
}

export function endP(c: MqttClient, force = false): Promise<void> {
  return new Promise((resolve) => c.end(force, () => resolve()));
}

/** The next `ev` from `c` (its first argument), or a rejection after `timeoutMs`. */
export function nextEvent<K extends keyof ClientEvents>(c: MqttClient, ev: K, timeoutMs = 10_000): Promise<Parameters<ClientEvents[K]>[0]> {
  return new Promise((resolve, reject) => {
    const fn = ((a: any) => { clearTimeout(t); c.off(ev, fn); resolve(a); }) as ClientEvents[K];
    const t = setTimeout(() => { c.off(ev, fn); reject(new Error(`no "${ev}" event within ${timeoutMs} ms`)); }, timeoutMs);
    c.on(ev, fn);
  });
}
