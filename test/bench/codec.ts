// Codec: encode and parse operations per second for glowmq's board codec (src/core/codec),
// the Node adapter around mqtt-packet (src/node/mqtt-packet-codec.ts, createNodeClient's
// default) and mqtt-packet itself, on the same packets. Parsing feeds a stream of many
// packets in 64 KiB chunks, as a TCP socket delivers them.
//   tsx test/bench/codec.ts [--quick] [--runs N]
import mqttPacket from 'mqtt-packet';
import { boardCodec } from '../../src/core/codec';
import { mqttPacketCodec } from '../../src/node/mqtt-packet-codec';
import type { Codec, Packet } from '../../src/core/types';
import type { BenchArgs } from './lib/args';
import { runIfMain } from './lib/main';
import { publish } from './lib/report';
import { fmtNum, median, ratio, withSpread } from './lib/stats';
import { performance } from 'node:perf_hooks';

const pub = (qos: 0 | 1, size: number): Packet => ({ cmd: 'publish', topic: 'glowmq/bench/topic', payload: Buffer.alloc(size, 0x61), qos, retain: false, dup: false, ...(qos ? { messageId: 4242 } : {}) });

const ENCODE: [string, Packet][] = [
  ['publish QoS 0, 16 B', pub(0, 16)],
  ['publish QoS 1, 1 KiB', pub(1, 1024)],
  ['publish QoS 1, 64 KiB', pub(1, 65536)],
  ['puback', { cmd: 'puback', messageId: 4242 }],
  ['subscribe', { cmd: 'subscribe', messageId: 7, subscriptions: [{ topic: 'glowmq/+/light/#', qos: 1 }] }],
  ['connect (user, password, will)', { cmd: 'connect', clientId: 'glowmq_0123abcd', clean: true, keepalive: 60, username: 'admin', password: Buffer.from('password'), will: { topic: 'glowmq/dev/status', payload: Buffer.from('offline'), qos: 1, retain: true } }],
];
// What a broker sends (our parser accepts only those).
const PARSE: [string, Packet][] = [
  ['publish QoS 0, 16 B', pub(0, 16)],
  ['publish QoS 1, 1 KiB', pub(1, 1024)],
  ['publish QoS 1, 64 KiB', pub(1, 65536)],
  ['puback', { cmd: 'puback', messageId: 4242 }],
  ['suback', { cmd: 'suback', messageId: 7, granted: [1] }],
];

interface Side { name: string; encode(p: Packet): unknown; parse(chunks: Buffer[], expect: number): void }

function viaCodec(name: string, c: Codec): Side {
  return {
    name, encode: (p) => c.encode(p),
    parse(chunks, expect) {
      let n = 0;
      const ps = c.parser(1 << 28, () => { n++; }, (e) => { throw e; });
      for (const ch of chunks) ps.feed(ch);
      if (n !== expect) throw new Error(`${name}: parsed ${n} of ${expect}`);
    },
  };
}

const raw: Side = {
  name: 'mqtt-packet (raw)',
  encode: (p) => mqttPacket.generate({ protocolId: 'MQTT', protocolVersion: 4, ...(p as any) }),
  parse(chunks, expect) {
    let n = 0;
    const ps = mqttPacket.parser({ protocolVersion: 4 });
    ps.on('packet', () => { n++; });
    ps.on('error', (e) => { throw e; });
    for (const ch of chunks) ps.parse(ch);
    if (n !== expect) throw new Error(`mqtt-packet: parsed ${n} of ${expect}`);
  },
};

const SIDES: Side[] = [viaCodec('glowmq board codec', boardCodec), viaCodec('mqtt-packet via glowmq adapter', mqttPacketCodec), raw];

/** ops/s of fn (which performs `per` operations) over about `ms` milliseconds. */
function rate(fn: () => void, per: number, ms: number): number {
  fn(); // warm up
  let ops = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) { fn(); ops += per; t = performance.now(); }
  return ops / ((t - t0) / 1000);
}

function stream(p: Packet): { chunks: Buffer[]; count: number } {
  const one = Buffer.from(mqttPacket.generate({ ...(p as any) }));
  const count = Math.max(16, Math.ceil((1 << 18) / one.length)); // about 256 KiB of packets
  const all = Buffer.concat(Array.from({ length: count }, () => one));
  const chunks: Buffer[] = [];
  for (let i = 0; i < all.length; i += 65536) chunks.push(all.subarray(i, i + 65536));
  return { chunks, count };
}

export interface CodecRow { op: 'encode' | 'parse'; packet: string; side: string; rates: number[] }

export async function run(a: BenchArgs): Promise<CodecRow[]> {
  const ms = a.quick ? 60 : 250;
  const rows: CodecRow[] = [];
  for (const [packet] of ENCODE) for (const s of SIDES) rows.push({ op: 'encode', packet, side: s.name, rates: [] });
  for (const [packet] of PARSE) for (const s of SIDES) rows.push({ op: 'parse', packet, side: s.name, rates: [] });
  const streams = new Map(PARSE.map(([n, p]) => [n, stream(p)]));
  // Round -1 only warms the JIT; rounds interleave the codecs, so drift on a busy machine
  // hits each alike.
  for (let r = -1; r < a.runs; r++) {
    for (const row of rows) {
      const slice = r < 0 ? 20 : ms;
      const keep = (x: number) => { if (r >= 0) row.rates.push(x); };
      const s = SIDES.find((x) => x.name === row.side)!;
      if (row.op === 'encode') {
        const p = ENCODE.find((x) => x[0] === row.packet)![1];
        keep(rate(() => { for (let i = 0; i < 100; i++) s.encode(p); }, 100, slice));
      } else {
        const st = streams.get(row.packet)!;
        keep(rate(() => s.parse(st.chunks, st.count), st.count, slice));
      }
    }
  }
  publish({
    title: `Codec operations per second (median of ${a.runs} round${a.runs > 1 ? 's' : ''}, min–max in brackets, ${ms} ms each)`,
    columns: ['op', 'packet', 'codec', 'ops/s', 'board ×mqtt-packet adapter'],
    rows: rows.map((row) => {
      const ref = rows.find((x) => x.op === row.op && x.packet === row.packet && x.side === SIDES[1].name)!;
      return [row.op, row.packet, row.side, withSpread(row.rates, (x) => fmtNum(x)), row.side === SIDES[0].name ? ratio(median(row.rates), median(ref.rates)) : ''];
    }),
    notes: ['parse: about 256 KiB of identical packets fed in 64 KiB chunks (packets straddle chunk boundaries); ops = packets parsed', 'all three in one process (tsx), interleaved, after a 20 ms warm-up round'],
  });
  return rows;
}

runIfMain(import.meta.url, run);
