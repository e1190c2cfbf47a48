// Codec: encode and parse operations per second for glowmq's board codec (src/core/codec),
// glowmq's Node codec (src/node/node-codec.ts: the board codec with Node fast paths,
// createNodeClient's default), the Node adapter around mqtt-packet (src/node/mqtt-packet-codec.ts)
// and mqtt-packet itself, on the same packets. Parsing feeds a stream of many
// packets in 64 KiB chunks, as a TCP socket delivers them.
//   tsx test/bench/codec.ts [--quick] [--runs N]
import mqttPacket from 'mqtt-packet';
import { boardCodec } from '../../src/core/codec';
import { mqttPacketCodec } from '../../src/node/mqtt-packet-codec';
import { nodeCodec } from '../../src/node/node-codec';
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

interface Side { name: string; encode(packet: Packet): unknown; parse(chunks: Buffer[], expect: number): void }

function viaCodec(name: string, codec: Codec): Side {
  return {
    name, encode: (packet) => codec.encode(packet),
    parse(chunks, expect) {
      let parsed = 0;
      const parser = codec.parser(1 << 28, () => { parsed++; }, (err) => { throw err; });
      for (const chunk of chunks) parser.feed(chunk);
      if (parsed !== expect) throw new Error(`${name}: parsed ${parsed} of ${expect}`);
    },
  };
}

const raw: Side = {
  name: 'mqtt-packet (raw)',
  encode: (packet) => mqttPacket.generate({ protocolId: 'MQTT', protocolVersion: 4, ...(packet as any) }),
  parse(chunks, expect) {
    let parsed = 0;
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    parser.on('packet', () => { parsed++; });
    parser.on('error', (err) => { throw err; });
    for (const chunk of chunks) parser.parse(chunk);
    if (parsed !== expect) throw new Error(`mqtt-packet: parsed ${parsed} of ${expect}`);
  },
};

const SIDES: Side[] = [viaCodec('glowmq board codec', boardCodec), viaCodec('glowmq Node codec', nodeCodec), viaCodec('mqtt-packet via glowmq adapter', mqttPacketCodec), raw];

/** ops/s of fn (which performs `per` operations) over about `ms` milliseconds. */
function rate(body: () => void, per: number, sliceMs: number): number {
  body(); // warm up
  let ops = 0;
  const started = performance.now();
  let now = started;
  while (now - started < sliceMs) { body(); ops += per; now = performance.now(); }
  return ops / ((now - started) / 1000);
}

function stream(packet: Packet): { chunks: Buffer[]; count: number } {
  const one = Buffer.from(mqttPacket.generate({ ...(packet as any) }));
  const count = Math.max(16, Math.ceil((1 << 18) / one.length)); // about 256 KiB of packets
  const all = Buffer.concat(Array.from({ length: count }, () => one));
  const chunks: Buffer[] = [];
  for (let i = 0; i < all.length; i += 65536) chunks.push(all.subarray(i, i + 65536));
  return { chunks, count };
}

export interface CodecRow { op: 'encode' | 'parse'; packet: string; side: string; rates: number[] }

export async function run(args: BenchArgs): Promise<CodecRow[]> {
  const sliceMs = args.quick ? 60 : 250;
  const rows: CodecRow[] = [];
  for (const [packet] of ENCODE) for (const side of SIDES) rows.push({ op: 'encode', packet, side: side.name, rates: [] });
  for (const [packet] of PARSE) for (const side of SIDES) rows.push({ op: 'parse', packet, side: side.name, rates: [] });
  const streams = new Map(PARSE.map(([n, p]) => [n, stream(p)]));
  // Round -1 only warms the JIT; rounds interleave the codecs, so drift on a busy machine
  // hits each alike.
  for (let round = -1; round < args.runs; round++) {
    for (const row of rows) {
      const slice = round < 0 ? 20 : sliceMs;
      const keep = (value: number) => { if (round >= 0) row.rates.push(value); };
      const side = SIDES.find((candidate) => candidate.name === row.side)!;
      if (row.op === 'encode') {
        const packet = ENCODE.find((entry) => entry[0] === row.packet)![1];
        keep(rate(() => { for (let i = 0; i < 100; i++) side.encode(packet); }, 100, slice));
      } else {
        const packets = streams.get(row.packet)!;
        keep(rate(() => side.parse(packets.chunks, packets.count), packets.count, slice));
      }
    }
  }
  publish({
    title: `Codec operations per second (median of ${args.runs} round${args.runs > 1 ? 's' : ''}, min–max in brackets, ${sliceMs} ms each)`,
    columns: ['op', 'packet', 'codec', 'ops/s', 'glowmq ×mqtt-packet adapter', 'Node ×board codec'],
    rows: rows.map((row) => {
      const sideRow = (side: Side) => rows.find((other) => other.op === row.op && other.packet === row.packet && other.side === side.name)!;
      const mine = row.side === SIDES[0].name || row.side === SIDES[1].name;
      return [row.op, row.packet, row.side, withSpread(row.rates, (value) => fmtNum(value)),
        mine ? ratio(median(row.rates), median(sideRow(SIDES[2]).rates)) : '',
        row.side === SIDES[1].name ? ratio(median(row.rates), median(sideRow(SIDES[0]).rates)) : ''];
    }),
    notes: ['parse: about 256 KiB of identical packets fed in 64 KiB chunks (packets straddle chunk boundaries); ops = packets parsed', 'all four in one process (tsx), interleaved, after a 20 ms warm-up round'],
  });
  return rows;
}

runIfMain(import.meta.url, run);
