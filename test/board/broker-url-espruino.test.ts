// The portable broker-URL parser (src/core/broker-url.ts) on the real Espruino interpreter:
// the same URLs, good and bad, give the same parts and the same one-line errors as on Node
// (the board's regular expressions and its missing decodeURIComponent for %80-%FF were the
// reasons to write it by hand). On a build without Unicode strings the decoded text stays
// its UTF-8 bytes, as every string there does.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { parseBrokerAddress } from '../../src/core/broker-url';

const BIN = process.env.ESPRUINO_BIN;
const usable = !!BIN && existsSync(BIN);
if (!usable) console.warn(`\n*** SKIPPED "broker URLs on the Espruino interpreter": ${BIN ? 'ESPRUINO_BIN=' + BIN + ' does not exist' : 'ESPRUINO_BIN is not set'} ***\n`);

const URLS = [
  'mqtt://admin:password@127.0.0.1:1884', 'mqtts://h', 'TCP://h:1', 'ws://h', 'wss://u:p@ss/w:rd@h:9001/ws?x=1', 'mqtt://[::1]:1885',
  'mqtt://%E7%8E%B0:p%C3%A9@h', 'mqtt://u:%FF@h', 'mqtt://us%FFer@h', 'mqtt://u:%zz@h', 'http://h', 'mqtt://h:99999', 'mqtt://h:1x',
  'mqtt://h/x', 'ws://h/mqtt#x', 'constructor://h', 'mqtt://:p@h', '127.0.0.1:1883', '',
];

/** An output line as data; with `asBytes`, user and password as a byte-string board holds them. */
function normalise(line: string, asBytes: boolean): unknown {
  if (!line.startsWith('OK ')) return line;
  const parts = JSON.parse(line.slice(3)) as { [key: string]: unknown };
  for (const key of ['user', 'pass']) {
    if (asBytes && typeof parts[key] === 'string') parts[key] = Buffer.from(parts[key] as string, 'utf8').toString('latin1');
  }
  return parts;
}

function onNode(url: string): string {
  try { return 'OK ' + JSON.stringify(parseBrokerAddress(url)); } catch (err) { return 'ERR ' + (err as Error).message; }
}

(usable ? describe : describe.skip)('broker URLs on the Espruino interpreter (ESPRUINO_BIN)', () => {
  it('parse and refuse exactly as on Node', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glowmq-url-'));
    try {
      const built = await esbuild.build({
        stdin: {
          contents: `import { parseBrokerAddress } from './src/core/broker-url';
            for (const url of ${JSON.stringify(URLS)}) {
              try { print('OK ' + JSON.stringify(parseBrokerAddress(url))); } catch (err) { print('ERR ' + err.message); }
            }`,
          resolveDir: process.cwd(), loader: 'ts',
        },
        bundle: true, write: false, format: 'iife', platform: 'neutral', target: 'es2017', minify: true, charset: 'ascii', logLevel: 'error',
      });
      const file = join(dir, 'urls.js');
      writeFileSync(file, built.outputFiles[0].contents);
      const output = execFileSync(BIN!, [file], { encoding: 'latin1', timeout: 20_000 });
      const lines = output.split(/\r?\n/).filter((line) => /^(OK|ERR) /.test(line));
      expect(lines).toHaveLength(URLS.length);
      URLS.forEach((url, index) => {
        const expected = onNode(url);
        // On a byte-string build "\u73B0" arrives as its UTF-8 bytes, "\u00E7\u008E\u00B0".
        expect([normalise(expected, false), normalise(expected, true)], url).toContainEqual(normalise(lines[index], false));
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
