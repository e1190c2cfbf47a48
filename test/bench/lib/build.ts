// Bundles each bench worker into one .cjs file, so every client runs as plain `node file`
// (no tsx loader cost in its CPU or RSS). MQTT.js, and ws (external in glowmq's library build
// too), stay external: they load from node_modules exactly as a user's script loads them.
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH, CACHE, ROOT } from './paths';

export interface Built { [name: string]: string | Error }

let built: Promise<Built> | undefined;

async function bundle(name: string, entry: string): Promise<string | Error> {
  const outfile = join(CACHE, `${name}.cjs`);
  try {
    await esbuild.build({
      entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20',
      external: ['mqtt', 'ws'], logLevel: 'silent', absWorkingDir: ROOT,
    });
    return outfile;
  } catch (err) {
    return new Error(`cannot build ${entry}: ${(err as Error).message.split('\n').slice(0, 3).join(' ')}`);
  }
}

/** Build every worker once per process; a worker whose sources are missing is an Error entry. */
export function buildWorkers(): Promise<Built> {
  if (built) return built;
  mkdirSync(CACHE, { recursive: true });
  const entries: [string, string, string?][] = [
    ['mqttjs-worker', join(BENCH, 'workers/mqttjs.ts')],
    ['bare-worker', join(BENCH, 'workers/bare.ts')],
    ['raw-worker', join(BENCH, 'workers/raw.ts')],
    ['mqttjs-pub', join(BENCH, 'workers/mqttjs-pub.ts')],
    ['glowmq-worker', join(BENCH, 'workers/glowmq.ts'), join(ROOT, 'src/core/client.ts')],
    ['device-latency', join(BENCH, 'workers/device-latency.ts'), join(ROOT, 'src/app/index.ts')],
  ];
  built = (async () => {
    const out: Built = {};
    await Promise.all(entries.map(async ([name, entry, needs]) => {
      out[name] = needs && !existsSync(needs) ? new Error(`${needs.replace(ROOT + '/', '')} does not exist yet`) : await bundle(name, entry);
    }));
    return out;
  })();
  return built;
}
