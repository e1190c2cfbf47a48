// Every board bundle shortens internal fields (names ending in "_") and keeps the public API
// and the Storage record names ($i, $c, $d in the device bundle) that a later build reads back.
import { describe, it, expect } from 'vitest';
import * as esbuild from 'esbuild';

interface Target { name: string; opts: esbuild.BuildOptions }
const { targets } = (await import('../../esbuild.config.mjs' as string)) as { targets: Target[] };

const SOURCE = `export const made = { payloadRemaining_: 1, lastSentAt_: 2, messageId: 3, cmd: 'publish', dup: false, publish: 4 };
made.payloadRemaining_ += made.lastSentAt_;`;

async function bundleWith(name: string): Promise<string> {
  const target = targets.find((t) => t.name === name)!;
  const result = await esbuild.build({
    ...target.opts, stdin: { contents: SOURCE, loader: 'ts', resolveDir: '.' }, write: false, format: 'esm',
  });
  return result.outputFiles![0].text;
}

describe('board builds shorten internal fields', () => {
  for (const name of ['espruino-core', 'espruino']) {
    it(`${name}: names ending in _ are shortened, public names stay`, async () => {
      const code = await bundleWith(name);
      expect(code).not.toMatch(/payloadRemaining_|lastSentAt_/);
      expect(code).toMatch(/publish:4/);
    });
  }
  it('espruino-core keeps messageId, cmd and dup (the library API)', async () => {
    const code = await bundleWith('espruino-core');
    expect(code).toMatch(/messageId:3/);
    expect(code).toMatch(/cmd:"publish"/);
  });
  it('espruino (device) pins the Storage record names $i, $c, $d', async () => {
    const code = await bundleWith('espruino');
    expect(code).toMatch(/\$i:3/);
    expect(code).toMatch(/\$c:"publish"/);
    expect(code).toMatch(/\$d:!1/);
  });
});
