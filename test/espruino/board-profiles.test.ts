// Board profiles (npm run build:board -- --profile lite|full, --with at,qos2,…): the features
// file is swapped for the profile's values, the lite bundles are built by the test run's build
// and pass the same AST checks as the full ones, and bad values are one line with exit 2.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as esbuild from 'esbuild';
import { checkBundle, formatFindings } from './bundle-checker';

interface Target { name: string; out: string; entry: string; modules?: string[]; opts: esbuild.BuildOptions }
const config = (await import('../../esbuild.config.mjs' as string)) as {
  targets: Target[]; MODULES: Record<string, string>; PROFILES: Record<string, string[]>; featuresPlugin(modules: string[]): esbuild.Plugin; boardTargets(modules: string[]): Target[];
};

/** The features file as a profile's build sees it. */
async function featuresFor(modules: string[]): Promise<string> {
  const result = await esbuild.build({
    entryPoints: ['src/core/features.ts'], bundle: true, write: false, format: 'esm', plugins: [config.featuresPlugin(modules)],
  });
  return result.outputFiles![0].text;
}

describe('board profiles', () => {
  it('the lite bundles are among the targets the build makes, with no module', () => {
    const lite = config.targets.filter((target) => target.out.endsWith('-lite.js'));
    expect(lite.map((target) => target.out).sort()).toEqual(['dist/espruino/core-lite.js', 'dist/espruino/glowmq-lite.js']);
    for (const target of lite) expect(target.modules).toEqual([]);
  });
  it('--with names its bundles after the modules; the full set is the default bundles', () => {
    expect(config.boardTargets(['at', 'qos2']).map((target) => target.out)).toEqual(['dist/espruino/core-at-qos2.js', 'dist/espruino/glowmq-at-qos2.js']);
    expect(config.boardTargets(config.PROFILES.full).map((target) => target.out)).toEqual(['dist/espruino/core.js', 'dist/espruino/glowmq.js']);
    expect(config.boardTargets([...config.PROFILES.full, 'passive']).map((target) => target.out))
      .toEqual(['dist/espruino/core-at-passive-qos2-store.js', 'dist/espruino/glowmq-at-passive-qos2-store.js']);
  });
  it('Home Assistant discovery is opt-in on a board: the default device has none, the discovery device is built too', () => {
    expect(config.PROFILES.full).not.toContain('discovery');
    expect(readFileSync('dist/espruino/glowmq.js', 'utf8')).not.toContain('unique_id');
    expect(readFileSync('dist/espruino/glowmq-at-discovery-qos2-store.js', 'utf8')).toContain('unique_id');
  });
  it('the full profile (the default bundles) leaves passive receive out; --with passive puts it in', async () => {
    expect(config.PROFILES.full).not.toContain('passive');
    expect(await featuresFor(config.PROFILES.full)).toMatch(/WITH_AT_PASSIVE = false/);
    expect(await featuresFor(['at', 'passive'])).toMatch(/WITH_AT_PASSIVE = true/);
    const device = readFileSync('dist/espruino/glowmq.js', 'utf8');
    expect(device).not.toContain('CIPRECV');
    expect(device).not.toContain('SYSMFG');
    expect(device).toContain('a CA needs a build --with passive');
  });
  it('the features file gets each flag from the module list', async () => {
    const lite = await featuresFor([]), some = await featuresFor(['qos2', 'utf8']);
    for (const flag of Object.values(config.MODULES)) expect(lite).toMatch(new RegExp(`${flag} = false`));
    expect(some).toMatch(/WITH_QOS2 = true/);
    expect(some).toMatch(/WITH_UTF8 = true/);
    expect(some).toMatch(/WITH_STORE = false/);
  });
  it('without utf8, the full UTF-8 decoder is not in the lite core (its U+10FFFF bound is gone)', () => {
    expect(readFileSync('dist/espruino/core-at-qos2-store-utf8.js', 'utf8')).toContain('1114111');
    expect(readFileSync('dist/espruino/core.js', 'utf8')).not.toContain('1114111');
    expect(readFileSync('dist/espruino/core-lite.js', 'utf8')).not.toContain('1114111');
  });
  for (const out of ['dist/espruino/core-lite.js', 'dist/espruino/glowmq-lite.js']) {
    it(`${out} has no construct or global the board lacks`, () => {
      const findings = checkBundle(readFileSync(out, 'utf8'));
      expect(findings.length, formatFindings(out, findings)).toBe(0);
    });
  }
  const usageCases: [string[], string][] = [
    [['--with', 'at,bogus'], 'unknown module "bogus" for --with: allowed qos2, store, at, discovery, utf8, passive'],
    [['--profile', 'tiny'], 'unknown profile "tiny" for --profile: allowed full, lite'],
    [['--profile', 'lite', '--with', 'at'], 'give --profile or --with, not both'],
    [['--profile'], '--profile needs a value'],
  ];
  for (const [flags, message] of usageCases) {
    it(`${flags.join(' ')}: one line, exit 2`, () => {
      const run = spawnSync(process.execPath, ['esbuild.config.mjs', '--only', 'espruino', ...flags], { encoding: 'utf8' });
      expect(run.status).toBe(2);
      expect(run.stderr.trim()).toBe(message);
      expect(run.stdout).toBe('');
    });
  }
});
