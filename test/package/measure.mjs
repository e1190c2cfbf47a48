// The package's figures, glowmq next to MQTT.js 5 in one run (not a test: figures, no asserts):
//   node test/package/measure.mjs [runs]
// - the library's minified size: each package's Node entry bundled and minified by esbuild the
//   same way (platform node, ESM, everything inlined but Node's built-ins), plus gzip;
// - start-up to CONNACK in plain Node: from spawning `node program.mjs` until the program
//   prints that its CONNACK arrived, against one mosquitto; median of `runs` (default 9),
//   the two clients alternating. Needs dist/ (npm run build) and mosquitto.
import * as esbuild from 'esbuild';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import net from 'node:net';

const ROOT = resolve(import.meta.dirname, '../..');
const RUNS = Number(process.argv[2] ?? 9);

async function minified(entry) {
  const out = await esbuild.build({
    stdin: { contents: entry, resolveDir: ROOT, loader: 'ts' },
    bundle: true, minify: true, platform: 'node', format: 'esm', target: 'node20', write: false, legalComments: 'none', logLevel: 'error',
  });
  const code = out.outputFiles[0].contents;
  return { bytes: code.length, gzip: gzipSync(code).length };
}

function freePort() {
  return new Promise((done) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => { const { port } = server.address(); server.close(() => done(port)); });
  });
}

async function startMosquitto(dir) {
  const port = await freePort();
  writeFileSync(join(dir, 'mosquitto.conf'), `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n`);
  const proc = spawn('mosquitto', ['-c', join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
  for (;;) {
    const up = await new Promise((done) => net.connect(port, '127.0.0.1').on('connect', function () { this.destroy(); done(true); }).on('error', () => done(false)));
    if (up) return { port, proc };
    await new Promise((done) => setTimeout(done, 50));
  }
}

/** ms from spawn until the child prints "connack". */
function startup(program, port) {
  return new Promise((done, fail) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, [program], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] });
    let seen = false;
    child.stdout.on('data', (chunk) => {
      if (!seen && String(chunk).includes('connack')) { seen = true; done(Number(process.hrtime.bigint() - start) / 1e6); }
    });
    child.on('exit', (code) => { if (!seen) fail(new Error(`${program} exited ${code} before CONNACK`)); });
  });
}

const median = (values) => { const sorted = [...values].sort((a, b) => a - b); return sorted[Math.floor(sorted.length / 2)]; };

const dir = mkdtempSync(join(tmpdir(), 'glowmq-measure-'));
const glowmqProgram = join(dir, 'glowmq.mjs'), mqttProgram = join(dir, 'mqtt.mjs');
writeFileSync(glowmqProgram, `import { connect } from ${JSON.stringify(join(ROOT, 'dist/lib/index.mjs'))};
const client = connect('mqtt://127.0.0.1:' + process.env.PORT, { logLevel: 'silent' });
client.on('connect', () => { console.log('connack'); client.end(true, () => process.exit(0)); });\n`);
writeFileSync(mqttProgram, `import { connect } from ${JSON.stringify(join(ROOT, 'node_modules/mqtt/build/index.js'))};
const client = connect('mqtt://127.0.0.1:' + process.env.PORT);
client.on('connect', () => { console.log('connack'); client.end(true, () => process.exit(0)); });\n`);

const glowmqSize = await minified("export { connect, connectAsync } from './targets/node/index.ts';");
const mqttSize = await minified("export { connect, connectAsync } from 'mqtt';");
const mqttVersion = JSON.parse(execFileSync(process.execPath, ['-p', 'JSON.stringify(require("mqtt/package.json").version)'], { cwd: ROOT, encoding: 'utf8' }));
console.log(`library, minified by esbuild (node, esm): glowmq ${glowmqSize.bytes} B (${glowmqSize.gzip} B gzip), MQTT.js ${mqttVersion} ${mqttSize.bytes} B (${mqttSize.gzip} B gzip): ${(mqttSize.bytes / glowmqSize.bytes).toFixed(1)}x smaller`);

const broker = await startMosquitto(dir);
try {
  const times = { glowmq: [], mqtt: [] };
  await startup(glowmqProgram, broker.port); // warm the file cache for both, not counted
  await startup(mqttProgram, broker.port);
  for (let i = 0; i < RUNS; i++) {
    times.glowmq.push(await startup(glowmqProgram, broker.port));
    times.mqtt.push(await startup(mqttProgram, broker.port));
  }
  const ours = median(times.glowmq), theirs = median(times.mqtt);
  console.log(`start-up to CONNACK, plain Node ${process.version}, median of ${RUNS}: glowmq ${ours.toFixed(1)} ms, MQTT.js ${theirs.toFixed(1)} ms, glowmq / MQTT.js = ${(ours / theirs).toFixed(2)}`);
} finally {
  broker.proc.kill();
  rmSync(dir, { recursive: true, force: true });
}
