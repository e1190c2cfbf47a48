// The parser fuzzer: generated and mutated server frames through both parsers, each frame
// fed to a fresh parser in a random split. Shared by `npm run fuzz` (1,000,000 frames) and
// the 20,000-frame slice in test/unit/codec-fuzz-slice.test.ts.
import { boardCodec } from '../../src/core/codec';
import { mqttPacketCodec } from '../../src/node/mqtt-packet-codec';
import type { Codec, Packet } from '../../src/core/types';
import { serverBytes, split } from './packets';

export const MAX = 4096;

/** xorshift32: fast, seeded, reproducible. */
export function rng(seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(a: readonly T[]) => a[Math.floor(next() * a.length)] };
}
type Rng = ReturnType<typeof rng>;

const TOPICS = ['a', 'lightChange', 'glowmq/dev1/sensors/temp', '现在天黑了', 'x/😀/𝄞', '$SYS/broker/uptime', 'a/b/c/d/e/f', 'ä', ' ', '/'];

function payload(r: Rng): Uint8Array {
  const n = r.next() < 0.9 ? r.int(64) : r.int(MAX + 64);
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i += 7) b[i] = r.int(256);
  return b;
}

/** A valid packet a broker may send. */
function validPacket(r: Rng): Packet {
  const id = 1 + r.int(65535);
  switch (r.int(10)) {
    case 0: return { cmd: 'connack', returnCode: r.int(6), sessionPresent: r.next() < 0.5 };
    case 1: case 2: case 3: {
      const qos = r.int(3) as 0 | 1 | 2;
      const p: any = { cmd: 'publish', topic: r.pick(TOPICS), payload: payload(r), qos, retain: r.next() < 0.3, dup: qos > 0 && r.next() < 0.2 };
      if (qos) p.messageId = id;
      return p;
    }
    case 4: return { cmd: r.pick(['puback', 'pubrec', 'pubrel', 'pubcomp', 'unsuback'] as const), messageId: id };
    case 5: return { cmd: 'suback', messageId: id, granted: Array.from({ length: 1 + r.int(6) }, () => r.pick([0, 1, 2, 128])) };
    case 6: return { cmd: 'pingresp' };
    default: return { cmd: 'puback', messageId: id };
  }
}

function varint(n: number): number[] {
  const h: number[] = [];
  do { h.push(n > 127 ? (n & 127) | 128 : n); n = Math.floor(n / 128); } while (n && h.length < 6);
  return h;
}

export type FrameKind = 'valid' | 'mutated' | 'random' | 'header';

/** One frame: valid stream (1–4 packets), a mutation of one, random bytes, or a hostile header. */
export function frame(r: Rng): { kind: FrameKind; bytes: Uint8Array } {
  const x = r.next();
  if (x < 0.5) {
    const parts: number[] = [];
    for (let k = 1 + r.int(4); k > 0; k--) for (const b of serverBytes(validPacket(r))) parts.push(b);
    if (x < 0.15) return { kind: 'valid', bytes: new Uint8Array(parts) };
    for (let k = 1 + r.int(4); k > 0 && parts.length; k--) {
      const at = r.int(parts.length);
      switch (r.int(7)) {
        case 0: parts[at] ^= 1 << r.int(8); break;
        case 1: parts[at] = r.int(256); break;
        case 2: parts.splice(at, 0, r.int(256)); break;
        case 3: parts.splice(at, 1); break;
        case 4: parts.length = at; break; // truncate
        case 5: parts[0] = r.int(256); break; // another type / flags
        case 6: parts[Math.min(1, parts.length - 1)] = r.pick([0, 1, 2, 127, 128, 255]); break; // length byte
      }
    }
    return { kind: 'mutated', bytes: new Uint8Array(parts) };
  }
  if (x < 0.75) {
    const b = new Uint8Array(1 + r.int(200));
    for (let i = 0; i < b.length; i++) b[i] = r.int(256);
    return { kind: 'random', bytes: b };
  }
  // A plausible or hostile fixed header (any type, huge or over-long lengths), a short body.
  const len = r.pick([0, 1, 2, 3, 127, 128, MAX, MAX + 1, 16384, 2097152, 268435455, r.int(1 << 28)]);
  const h = [r.int(256), ...(r.next() < 0.1 ? [255, 255, 255, 255, 1] : varint(len))];
  for (let i = r.int(16); i > 0; i--) h.push(r.int(256));
  return { kind: 'header', bytes: new Uint8Array(h) };
}

export interface ParserStats { packets: Record<string, number>; errors: Record<string, number>; escaped: number; multipleErrors: number; samples: string[] }
export interface FuzzStats {
  frames: number; bytes: number; byKind: Record<string, number>;
  ours: ParserStats; mqttPacket: ParserStats;
  splitMismatches: number; largestAllocation: number; maxHeapGrowth: number; heapGrowth: number[]; elapsedMs: number;
}

const newStats = (): ParserStats => ({ packets: {}, errors: {}, escaped: 0, multipleErrors: 0, samples: [] });
const hex = (b: Uint8Array) => Buffer.from(b.subarray(0, 64)).toString('hex') + (b.length > 64 ? '…' : '');
// An error's kind: its message with numbers and quoted topics blanked.
const kindOf = (m: string) => m.replace(/"[\s\S]*"/g, '"…"').replace(/\d+/g, 'N');

// Sizes of the Uint8Arrays our parser allocates: the global is swapped only while it is fed.
let largest = 0;
const Original = globalThis.Uint8Array;
class Counted extends Original {
  constructor(a?: any, b?: any, c?: any) { if (typeof a === 'number' && a > largest) largest = a; super(a, b, c); }
}

function feed(codec: Codec, chunks: Uint8Array[], st: ParserStats, bytes: Uint8Array, count = false): string {
  const seen: string[] = [];
  let errors = 0;
  const p = codec.parser(MAX, (pk) => { st.packets[pk.cmd] = (st.packets[pk.cmd] ?? 0) + 1; seen.push(pk.cmd); },
    (e) => { errors++; const k = kindOf(e.message); st.errors[k] = (st.errors[k] ?? 0) + 1; seen.push('!' + e.message); });
  if (count) (globalThis as any).Uint8Array = Counted;
  try { for (const c of chunks) p.feed(c); } catch (e) {
    st.escaped++;
    if (st.samples.length < 5) st.samples.push(`escaped ${String(e)} on ${hex(bytes)}`);
  }
  if (count) (globalThis as any).Uint8Array = Original;
  if (errors > 1) { st.multipleErrors++; if (st.samples.length < 5) st.samples.push(`${errors} errors on ${hex(bytes)}`); }
  return seen.join(',');
}

/**
 * Runs n frames. onFrame (optional) is told each frame before it is fed, so a watchdog can
 * show the frame a hang happened on.
 */
export function fuzz(n: number, seed: number, onFrame?: (i: number, bytes: Uint8Array) => void): FuzzStats {
  const r = rng(seed);
  const s: FuzzStats = { frames: 0, bytes: 0, byKind: {}, ours: newStats(), mqttPacket: newStats(), splitMismatches: 0, largestAllocation: 0, maxHeapGrowth: 0, heapGrowth: [], elapsedMs: 0 };
  // Heap is sampled after a full GC when one can be forced (the script enables it), so the
  // growth shown is what the parsers retain, not garbage waiting for collection.
  const gc = (globalThis as any).gc as (() => void) | undefined;
  const heap = () => { gc?.(); return process.memoryUsage().heapUsed; };
  const every = gc ? 50000 : 4096;
  // mqtt-packet builds a cache of 65,536 encoded numbers (~8 MB) on its first generate():
  // do that before the baseline so it is not counted as growth.
  serverBytes({ cmd: 'puback', messageId: 1 });
  const t0 = Date.now();
  const heap0 = heap();
  largest = 0;
  for (let i = 0; i < n; i++) {
    const f = frame(r);
    onFrame?.(i, f.bytes);
    s.frames++; s.bytes += f.bytes.length; s.byKind[f.kind] = (s.byKind[f.kind] ?? 0) + 1;
    const sizes = r.next() < 0.2 ? [1] : [1 + r.int(64), 1 + r.int(8)];
    const chunks = split(f.bytes, sizes);
    // Every 16th frame with allocations counted (counting slows every allocation down).
    const a = feed(boardCodec, chunks, s.ours, f.bytes, i % 16 === 0);
    // Every 8th frame also whole: the outcome must not depend on the split.
    if (i % 8 === 0 && feed(boardCodec, [f.bytes], newStats(), f.bytes) !== a) {
      s.splitMismatches++;
      if (s.ours.samples.length < 5) s.ours.samples.push(`split-dependent outcome on ${hex(f.bytes)}`);
    }
    feed(mqttPacketCodec, chunks, s.mqttPacket, f.bytes);
    if (i % every === every - 1) {
      const g = heap() - heap0;
      s.heapGrowth.push(g);
      s.maxHeapGrowth = Math.max(s.maxHeapGrowth, g);
    }
  }
  s.largestAllocation = largest;
  s.elapsedMs = Date.now() - t0;
  return s;
}
