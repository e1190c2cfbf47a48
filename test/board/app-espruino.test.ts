// The app's payload and config logic on the real Espruino interpreter (its Linux build),
// where strings differ from V8: String.fromCharCode is byte-wide, so the seed's phrases must
// match as bytes. Runs only when ESPRUINO_BIN names an interpreter binary (CI has none).
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';

const BIN = process.env.ESPRUINO_BIN;
const suite = BIN ? describe : describe.skip;
if (!BIN) console.warn('\n*** SKIPPED "app on the Espruino interpreter": set ESPRUINO_BIN to an Espruino Linux binary ***\n');

const CASES = ['现在天黑了', ' 现在天亮了\n', 'ON', 'off', 'toggle', '1', 'false', '{"state":"on"}', '现在天黑', 'dim', '灯'];

suite('app on the Espruino interpreter', () => {
  it('parses every command form and validates config as on Node', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glowmq-esp-'));
    try {
      const src = resolve(__dirname, '../../src/app');
      // Built as the board bundle is (charset ascii). Inputs arrive as bytes, as they do from the
      // broker and from a config file in Storage: a \u escape in source would be cut to one byte
      // on a build without Unicode strings.
      const hex = (t: string) => Buffer.from(t, 'utf8').toString('hex');
      writeFileSync(join(dir, 'h.ts'), `
import { parseCommand } from '${src}/command';
import { validateConfig, SEED_PHRASES } from '${src}/config';
import { utf8Decode } from '${src}/../core/utf8';
const bytes = (h: string) => { const u = new Uint8Array(h.length / 2); for (let i = 0; i < u.length; i++) u[i] = parseInt(h.substr(i * 2, 2), 16); return u; };
const bin = (h: string) => { let s = ''; for (let i = 0; i < h.length; i += 2) s += String.fromCharCode(parseInt(h.substr(i, 2), 16)); return s; };
const cases = ${JSON.stringify(CASES.map(hex))};
const out = cases.map((c) => parseCommand(bytes(c), SEED_PHRASES) || '-');
// A table from JSON (as a config file in Storage is): keys arrive as UTF-8 byte strings.
out.push(parseCommand(bytes('${hex('灯')}'), JSON.parse(bin('${hex('{"灯":"toggle"}')}'))) || '-');
let err = '';
try { validateConfig({ id: 'pico', interval: -1 }); } catch (e) { err = (e as Error).message; }
const c = validateConfig({ id: 'pico' });
console.log('RESULT ' + JSON.stringify({ out: out, err: err, base: c.base, phr: c.phrases[utf8Decode(bytes(cases[0]))!] }));
`);
      const js = join(dir, 'h.js');
      buildSync({ entryPoints: [join(dir, 'h.ts')], outfile: js, bundle: true, format: 'iife', target: 'es2017', minify: true, charset: 'ascii', platform: 'neutral' });
      const text = execFileSync(BIN!, [js], { encoding: 'utf8', timeout: 20000, input: '' });
      const line = text.split('\n').find((l) => l.startsWith('RESULT '));
      expect(line, text).toBeDefined();
      const r = JSON.parse(line!.slice(7));
      expect(r.out).toEqual(['on', 'off', 'on', 'off', 'toggle', 'on', 'off', 'on', '-', '-', '-', 'toggle']);
      expect(r.err).toBe('bad config "interval": -1 (allowed: a number from 0.1 to 86400)');
      expect(r.base).toBe('glowmq/pico');
      expect(r.phr).toBe('on');
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});
