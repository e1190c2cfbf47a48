// The device's own latency: a glowmq device (src/app startDevice) with an LED that records
// when it is written, and a second glowmq client in the same process sending lightChange
// commands one at a time (QoS 1, the contract's default). Latency = publish call → LED write.
// Prints {"ev":"done", p50, p99, max, n} (ms). Env BENCH_JOB: {url, count, warmup}.
import { createNodeClient } from '../../../src/node/connect';
import { startDevice, validateConfig } from '../../../src/app';
import type { DigitalOut } from '../../../src/hal/types';
import { nodePlatform } from '../../../src/node/platform';
import { wall } from './clock';
import { emit, fail } from './io';

const job = JSON.parse(process.env.BENCH_JOB ?? '{}') as { url: string; count: number; warmup: number };
process.on('uncaughtException', fail);
const brokerUrl = new URL(job.url);
const cfg = validateConfig({ id: `bench-${process.pid}`, broker: `mqtt://${brokerUrl.host}`, username: brokerUrl.username, password: brokerUrl.password, sensors: [], command: `bench-${process.pid}/lightChange` });

let level: 0 | 1 = 0;
let onWrite: (() => void) | undefined;
const led: DigitalOut = { read: () => level, write(value, done) { level = value; const waiter = onWrite; onWrite = undefined; if (waiter) waiter(); if (done) done(); } };

const platform = nodePlatform({ level: 'warn' });
const devClient = createNodeClient(job.url, { clientId: `bdev-${process.pid}`, reconnect: false });
const device = startDevice(devClient, { led, sensors: [] }, cfg, platform);
const cmd = createNodeClient(job.url, { clientId: `bcmd-${process.pid}`, reconnect: false });
devClient.on('error', fail);
cmd.on('error', fail);

const lat: number[] = [];
let i = 0;
const total = job.warmup + job.count;
function next(): void {
  if (i === total) {
    lat.sort((left, right) => left - right);
    const atPercentile = (pct: number) => lat[Math.min(lat.length - 1, Math.ceil(pct / 100 * lat.length) - 1)];
    emit({ ev: 'done', n: lat.length, p50: atPercentile(50), p99: atPercentile(99), max: lat[lat.length - 1] });
    device.stop(() => { devClient.end(true); cmd.end(true, () => process.exit(0)); });
    setTimeout(() => process.exit(0), 2000).unref();
    return;
  }
  const now = wall();
  onWrite = () => { if (i++ >= job.warmup) lat.push(wall() - now); setImmediate(next); };
  cmd.publish(cfg.command, level ? 'off' : 'on', { qos: 1 });
}

// Start once both are connected and the device's subscription is in place (its SUBACK
// precedes our own round trip through the broker on the device's connection).
let ready = 0;
const whenReady = () => { if (++ready === 2) devClient.subscribe(`bench-${process.pid}/sync`, { qos: 1 }, () => next()); };
devClient.on('connect', whenReady);
cmd.on('connect', whenReady);
