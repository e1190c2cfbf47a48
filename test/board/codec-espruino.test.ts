// The board codec on the real Espruino interpreter (its Linux build), when one is given:
//   ESPRUINO_BIN=/path/to/espruino npx vitest run test/unit/codec-espruino.test.ts
// The same bundle (test/fuzz/board-harness.ts: every client packet encoded, a stream of
// every server packet parsed in 1-byte, 7-byte and whole chunks, malformed frames) runs on
// Node and on the interpreter; the outputs must be identical. CI has no interpreter, so
// without ESPRUINO_BIN this file skips with a loud notice.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { concat, serverBytes } from '../fuzz/packets';
import type { Packet } from '../../src/core/types';

const BIN = process.env.ESPRUINO_BIN;
const usable = !!BIN && existsSync(BIN);
if (!usable) console.warn(`\n*** SKIPPED "board codec on the Espruino interpreter": ${BIN ? 'ESPRUINO_BIN=' + BIN + ' does not exist' : 'ESPRUINO_BIN is not set'} (optional; CI has no interpreter) ***\n`);

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const server: Packet[] = [
  { cmd: 'connack', returnCode: 0, sessionPresent: true },
  { cmd: 'publish', topic: 'lightChange', payload: utf8('现在天黑了'), qos: 0, retain: false, dup: false },
  { cmd: 'publish', topic: '现在/😀', payload: new Uint8Array(300).fill(5), qos: 2, retain: true, dup: true, messageId: 65535 },
  { cmd: 'puback', messageId: 1 }, { cmd: 'pubrec', messageId: 2 }, { cmd: 'pubrel', messageId: 3 }, { cmd: 'pubcomp', messageId: 4 },
  { cmd: 'suback', messageId: 5, granted: [0, 1, 2, 128] }, { cmd: 'unsuback', messageId: 6 }, { cmd: 'pingresp' },
];

(usable ? describe : describe.skip)('board codec on the Espruino interpreter (ESPRUINO_BIN)', () => {
  it('encodes, parses and refuses exactly as on Node', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glowmq-codec-'));
    try {
      const stream = Buffer.from(concat(server.map(serverBytes))).toString('hex');
      const built = await esbuild.build({
        entryPoints: ['test/fuzz/board-harness.ts'], bundle: true, write: false, format: 'iife', platform: 'neutral',
        target: 'es2017', minify: true, charset: 'utf8', define: { STREAM: JSON.stringify(stream) }, logLevel: 'error',
      });
      const file = join(dir, 'harness.js');
      writeFileSync(file, built.outputFiles[0].contents);
      const lines = (s: string) => s.split(/\r?\n/).filter((l) => /^(enc|pkt|err|throw|done) /.test(l));
      const onNode = lines(execFileSync(process.execPath, [file], { encoding: 'utf8' }));
      const onBoard = lines(execFileSync(BIN!, [file], { cwd: dir, encoding: 'latin1', timeout: 60_000 }));
      expect(onNode.length).toBe(60); // 13 encodings, 3 × 10 packets, 15 refusals, 1 throw, done
      expect(onNode[onNode.length - 1]).toBe(`done ${onNode.length - 1}`);
      expect(onBoard).toEqual(onNode);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});
