// The npm package as a user gets it: `npm pack`, `npm install ./glowmq-*.tgz` into an empty
// project, then plain Node (no loader, no tsx) from that project: ESM and CommonJS round trips
// at QoS 1 against mosquitto, connectAsync refused, 'error' for a closed port, the published
// types under a strict NodeNext tsconfig, `npx glowmq --help`, and a require() of the CLI file
// that leaves its host running.
//
// dist/ is built once for every suite by test/support/global-setup.ts; this suite adds the type
// declarations and packs with --ignore-scripts, so it never rewrites bundles that other suites
// are running at the same time (`npm pack` alone runs the same build through prepack).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startMosquitto, freePort, type Mosquitto } from '../support/mosquitto';
import { describeWithPeers, peers } from '../support/peers';

const run = promisify(execFile);
const REPO = resolve(__dirname, '../..');
const SETUP_MS = 240_000;

interface Ran { stdout: string; stderr: string; code: number }
async function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  try {
    const r = await run(cmd, args, { cwd, env: { ...process.env, npm_config_update_notifier: 'false', ...env }, maxBuffer: 16 << 20 });
    return { stdout: r.stdout, stderr: r.stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; code?: number };
    return { stdout: err.stdout ?? '', stderr: err.stderr ?? '', code: typeof err.code === 'number' ? err.code : 1 };
  }
}
const node = (dir: string, file: string, env: NodeJS.ProcessEnv = {}) => sh(process.execPath, [file], dir, env);

// The programs a user would write, run from the installing project.
const ESM_ROUND_TRIP = `
import { connectAsync } from 'glowmq';
const client = await connectAsync(process.env.URL, { clientId: 'pkg-esm', username: 'admin', password: 'password' });
const received = new Promise((done) => client.on('message', (topic, payload, packet) => done({ topic, text: payload.toString(), buffer: Buffer.isBuffer(payload), qos: packet.qos })));
await client.subscribeAsync('pkg/esm', { qos: 1 });
await client.publishAsync('pkg/esm', 'héllo from ESM', { qos: 1 });
console.log(JSON.stringify(await received));
await client.endAsync();
`;
const CJS_ROUND_TRIP = `
const mqtt = require('glowmq');
const client = mqtt.connect(process.env.URL, { clientId: 'pkg-cjs', username: 'admin', password: 'password' });
client.on('message', (topic, payload, packet) => {
  console.log(JSON.stringify({ topic, text: payload.toString(), buffer: Buffer.isBuffer(payload), qos: packet.qos }));
  client.end();
});
client.on('connect', () => client.subscribe('pkg/cjs', { qos: 1 }, (err) => {
  if (err) throw err;
  client.publish('pkg/cjs', 'hello from CommonJS', { qos: 1 }, (error) => { if (error) throw error; });
}));
`;
const WRONG_PASSWORD = `
import { connectAsync } from 'glowmq';
connectAsync(process.env.URL, { username: 'admin', password: 'wrong' }).then(
  () => console.log('resolved'), (e) => console.log('rejected: ' + e.message));
`;
const UNREACHABLE = `
const { connect } = require('glowmq');
const client = connect(process.env.URL, { reconnectPeriod: 0 });
client.on('error', (e) => console.log('error: ' + e.code + ' ' + e.message));
client.on('close', () => console.log('close'));
`;
const CLI_REQUIRED = `
require('glowmq/dist/node/glowmq.cjs');
setTimeout(() => console.log('host still running'), 100);
`;
// Uses the typed API; the @ts-expect-error lines must be errors (a typo'd option, a Buffer that is not a string).
const TYPED = `
import { connect, connectAsync, type IClientOptions, type MqttClient } from 'glowmq';
import { Client, topicMatches } from 'glowmq/core';
import mqtt from 'glowmq';
const viaDefault: MqttClient = mqtt.connect('mqtt://127.0.0.1:1', { manualConnect: true });
void viaDefault;
const options: IClientOptions = { clientId: 'typed', keepalive: 30, reconnectPeriod: 0, will: { topic: 'w', payload: 'gone', qos: 1, retain: true } };
const client: MqttClient = connect('mqtt://127.0.0.1:1', options);
client.on('message', (topic: string, payload: Buffer) => { const first: number | undefined = payload[0]; void topic; void first; });
client.on('error', (error: Error) => void error.message);
// @ts-expect-error a typo is not an option
connect('mqtt://127.0.0.1:1', { reconectPeriod: 0 });
// @ts-expect-error payloads are Buffers, not strings
client.on('message', (topic: string, payload: string) => void [topic, payload]);
export async function use(): Promise<void> {
  const other = await connectAsync('mqtt://127.0.0.1:1', { reconnectPeriod: 0 }, false);
  const granted = await other.subscribeAsync({ 'a/+': { qos: 1 } });
  const first = granted[0];
  if (first) void first.qos;
  await other.publishAsync('a/b', Buffer.from('x'), { qos: 2, retain: false });
  await other.endAsync();
}
void Client; void topicMatches('a/#', 'a/b');
`;
const TYPED_CJS = `
import glowmq = require('glowmq');
const client: glowmq.MqttClient = glowmq.connect('mqtt://127.0.0.1:1', { reconnectPeriod: 0 });
client.end(true);
`;
const STRICT_TSCONFIG = {
  compilerOptions: {
    module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true,
    exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, noEmit: true, skipLibCheck: false,
    types: ['node'], typeRoots: [join(REPO, 'node_modules/@types')],
  },
  files: ['typed.mts', 'typed-cjs.cts', 'readme.mts'],
};

/** The README's complete program (the code block after "A complete program"), as a user would copy it. */
function readmeProgram(): string {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const block = /A complete program[^\n]*\n+```js\n([\s\S]*?)```/.exec(readme);
  if (!block?.[1]) throw new Error('README.md: no ```js block after "A complete program"');
  return block[1];
}

describeWithPeers('the npm package, installed from its tarball', [peers.mosquitto()], () => {
  let project = '', packDir = '', installOutput = '', tarball = '';
  let broker: Mosquitto;

  beforeAll(async () => {
    packDir = mkdtempSync(join(tmpdir(), 'glowmq-pack-'));
    project = mkdtempSync(join(tmpdir(), 'glowmq-consumer-'));
    const types = await sh('npm', ['run', '-s', 'build:types'], REPO);
    if (types.code !== 0) throw new Error(`npm run build:types failed: ${types.stderr}${types.stdout}`);
    const packed = await sh('npm', ['pack', '--ignore-scripts', '--pack-destination', packDir], REPO);
    if (packed.code !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
    tarball = join(packDir, readdirSync(packDir).find((f) => f.endsWith('.tgz'))!);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    const installed = await sh('npm', ['install', tarball, '--no-audit', '--no-fund', '--offline'], project);
    installOutput = installed.stdout + installed.stderr;
    if (installed.code !== 0) throw new Error(`npm install of the tarball failed: ${installOutput}`);
    const programs: [string, string][] = [['esm.mjs', ESM_ROUND_TRIP], ['cjs.cjs', CJS_ROUND_TRIP], ['refused.mjs', WRONG_PASSWORD],
      ['unreachable.cjs', UNREACHABLE], ['cli-required.cjs', CLI_REQUIRED], ['typed.mts', TYPED], ['typed-cjs.cts', TYPED_CJS],
      ['readme.mts', readmeProgram()],
      ['tsconfig.json', JSON.stringify(STRICT_TSCONFIG)]];
    for (const [file, source] of programs) writeFileSync(join(project, file), source);
    broker = await startMosquitto();
  }, SETUP_MS);

  afterAll(async () => {
    await broker?.stop();
    for (const dir of [project, packDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('installs quietly: no build, no size report, no install script', () => {
    expect(installOutput).not.toMatch(/install-scripts|OVER|glowmq build|limit/i);
  });

  it('ESM: import { connectAsync } from "glowmq", a QoS 1 round trip with a Buffer payload', async () => {
    const r = await node(project, 'esm.mjs', { URL: `mqtt://127.0.0.1:${broker.port}` });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ topic: 'pkg/esm', text: 'héllo from ESM', buffer: true, qos: 1 });
    expect(r.code).toBe(0);
  });

  it('CommonJS: require("glowmq"), callbacks and events, a QoS 1 round trip', async () => {
    const r = await node(project, 'cjs.cjs', { URL: `mqtt://127.0.0.1:${broker.port}` });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ topic: 'pkg/cjs', text: 'hello from CommonJS', buffer: true, qos: 1 });
    expect(r.code).toBe(0);
  });

  it('connectAsync rejects a wrong password with the broker\'s reason', async () => {
    const r = await node(project, 'refused.mjs', { URL: `mqtt://127.0.0.1:${broker.port}` });
    expect(r.stdout.trim()).toBe('rejected: connection refused: not authorised');
    expect(r.code).toBe(0);
  });

  it("an unreachable broker's reason reaches 'error', then 'close'", async () => {
    const r = await node(project, 'unreachable.cjs', { URL: `mqtt://127.0.0.1:${await freePort()}` });
    expect(r.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^error: ECONNREFUSED cannot connect to 127\.0\.0\.1:\d+: connection refused$/), 'close']);
  });

  it("the types compile in a strict NodeNext project (ESM and CommonJS consumers, and the README's program)", async () => {
    const r = await sh(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], project);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('npx glowmq --help runs the CLI', async () => {
    const r = await sh('npx', ['--offline', 'glowmq', '--help'], project);
    expect(r.stdout).toMatch(/^glowmq \d+\.\d+\.\d+: .*\n\nUsage: glowmq <command>/);
    expect(r.code).toBe(0);
  });

  it('require() of the CLI file does nothing: no usage text, the host keeps running', async () => {
    const r = await node(project, 'cli-required.cjs');
    expect(r).toEqual({ stdout: 'host still running\n', stderr: '', code: 0 });
  });
});
