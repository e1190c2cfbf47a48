// Size: the board bundles (dist/espruino, built by esbuild.config.mjs) minified and gzip,
// next to MQTT.js's browser bundle and the Espruino MQTT module's published figure.
//   tsx test/bench/size.ts
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import type { BenchArgs } from './lib/args';
import { runIfMain } from './lib/main';
import { ROOT } from './lib/paths';
import { publish } from './lib/report';
import { fmtNum } from './lib/stats';

/** Espruino's own MQTT module (modules/MQTT.min.js), as published. */
const ESPRUINO_MQTT = 6160;

export interface SizeRow { what: string; bytes: number; gz: number }

export async function run(_args: BenchArgs): Promise<SizeRow[]> {
  const files: [string, string][] = [
    ['glowmq core (codec + client + router): dist/espruino/core.js', 'dist/espruino/core.js'],
    ['glowmq board bundle (device + AT driver): dist/espruino/glowmq.js', 'dist/espruino/glowmq.js'],
    ['glowmq one-file Node build: dist/node/glowmq.cjs', 'dist/node/glowmq.cjs'],
    ['MQTT.js 5: node_modules/mqtt/dist/mqtt.min.js', 'node_modules/mqtt/dist/mqtt.min.js'],
  ];
  const rows: SizeRow[] = [];
  const notes: string[] = [];
  for (const [what, f] of files) {
    const path = join(ROOT, f);
    if (!existsSync(path)) { notes.push(`${f} missing (npm run build)`); continue; }
    const bytes = readFileSync(path);
    rows.push({ what, bytes: bytes.length, gz: gzipSync(bytes, { level: 9 }).length });
  }
  rows.push({ what: 'Espruino MQTT module (published figure)', bytes: ESPRUINO_MQTT, gz: NaN });
  publish({
    title: 'Size (bytes)',
    columns: ['artifact', 'minified', 'gzip -9', '×Espruino MQTT'],
    rows: rows.map((row) => [row.what, fmtNum(row.bytes), isFinite(row.gz) ? fmtNum(row.gz) : '–', `${(row.bytes / ESPRUINO_MQTT).toFixed(2)}×`]),
    notes: ['built by `node esbuild.config.mjs` (the bench runs it first); ×Espruino MQTT = minified bytes / 6,160', ...notes],
  });
  return rows;
}

runIfMain(import.meta.url, run);
