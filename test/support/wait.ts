// Waiting helpers for integration tests: poll a condition or wait for an event, failing with
// a message that says what never happened (never a timing assertion: the limit is a hang guard).
import type { MqttClient, ClientEvents } from '../../src/core/client-options';

export function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const check = () => {
      if (cond()) resolve();
      else if (Date.now() > end) reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
      else setTimeout(check, 10);
    };
    check();
  });
}

/** Polls f until it returns something truthy, and resolves to that (a found message, a list). */
export async function waitFor<T>(what: string, f: () => T | undefined | false, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function nextEvent<K extends keyof ClientEvents>(c: MqttClient, ev: K, ms = 10_000): Promise<Parameters<ClientEvents[K]>> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => { c.off(ev, fn); reject(new Error(`timed out after ${ms} ms waiting for '${ev}'`)); }, ms);
    const fn = ((...args: unknown[]) => { clearTimeout(t); c.off(ev, fn); resolve(args as Parameters<ClientEvents[K]>); }) as ClientEvents[K];
    c.on(ev, fn);
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export const text = (u8: Uint8Array) => Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength).toString('utf8');
