// Board profiles, as a user builds and runs them: a --with build holds exactly its modules, a
// profile build prints what each module costs, and the lite device runs in the Espruino
// stand-in against a real mosquitto with only what it was built with (board-profiles.test.ts
// checks the build's plumbing and its refusals).
import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { describeWithPeers, peers } from '../support/peers';
import { StandinBoard } from './standin';
import { waitFor } from '../support/wait';

const LITE = 'dist/espruino/glowmq-lite.js', FULL = 'dist/espruino/glowmq.js';


/** Runs the build as a user would; returns its exit code and output. */
function build(...args: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, ['esbuild.config.mjs', ...args], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('board profile builds', () => {
  it('a --with build carries exactly the modules named: the AT driver in, or out', () => {
    const r = build('--only', 'espruino', '--with', 'at,qos2', '--quiet', '--no-limits');
    expect(r.status, r.out).toBe(0);
    // The AT driver's commands are in a bundle built with it, and in none built without.
    expect(readFileSync('dist/espruino/glowmq-at-qos2.js', 'utf8')).toContain('AT+CIPSTART');
    expect(readFileSync(LITE, 'utf8')).not.toContain('AT+CIPSTART');
    expect(readFileSync(FULL, 'utf8')).toContain('AT+CIPSTART');
    expect(statSync(LITE).size).toBeLessThan(statSync(FULL).size);
  });
  it('a profile build prints what each module costs, and warns where the device does not fit a board\'s Storage', () => {
    // Not the default bundles' names: other suites read those while this one builds.
    const r = build('--only', 'espruino', '--with', 'qos2,store,at,discovery', '--no-limits');
    expect(r.status, r.out).toBe(0);
    for (const module of ['qos2', 'store', 'at', 'discovery']) expect(r.out).toMatch(new RegExp('modules: .*\\b' + module + ' \\d+ B'));
    expect(r.out).toMatch(/modules: .*\butf8 would add \d+ B/);
    const device = 'dist/espruino/glowmq-at-discovery-qos2-store.js';
    expect(statSync(device).size).toBeGreaterThan(16 * 1024);
    expect(r.out).toContain(`warning: ${device} (${statSync(device).size} B) does not fit the Storage of ESP8266 (512 KB flash)`);
  });
});

function prelude(cfg: object): string { return 'var glowmqConfig = ' + JSON.stringify(cfg) + ';'; }

describeWithPeers('the lite device bundle in the Espruino stand-in', [peers.mosquitto()], () => {
  let m: Mosquitto;
  const boards: StandinBoard[] = [];
  let phone: mqtt.MqttClient | undefined;
  const bundle = readFileSync(LITE, 'utf8');
  beforeAll(async () => { m = await startMosquitto({ dir: mkdtempSync(join(tmpdir(), 'glowmq-lite-')) }); });
  afterAll(async () => { await m.stop(); });
  afterEach(async () => {
    for (const b of boards.splice(0)) {
      expect(b.violations, 'the board would misbehave here').toEqual([]);
      expect(b.uncaught, 'uncaught on the board').toEqual([]);
      b.powerOff();
    }
    if (phone) await phone.endAsync(true);
    phone = undefined;
  });
  const config = (id: string, extra?: object) => Object.assign({
    id, broker: 'mqtt://admin:password@127.0.0.1:' + m.port, interval: 0.2, keepalive: 10,
  }, extra || {});

  it('over net: lightChange switches the LED at QoS 1, readings arrive in order', async () => {
    phone = mqtt.connect(m.url, { clientId: 'phone-lite', reconnectPeriod: 0 });
    const msgs: { topic: string; text: string }[] = [];
    phone.on('message', (topic, p) => msgs.push({ topic, text: p.toString('utf8') }));
    await new Promise<void>((res) => phone!.once('connect', () => res()));
    await phone.subscribeAsync('glowmq/lite1/#', { qos: 1 });
    const b = new StandinBoard({ prelude: prelude(config('lite1')), temperature: 19.5 });
    boards.push(b);
    b.run(bundle);
    await waitFor('subscribed', () => b.logs.find((l) => l.includes('subscribed to lightChange')));
    await phone.publishAsync('lightChange', '现在天黑了', { qos: 1 });
    await waitFor('LED1 on', () => b.level.LED1 === 1);
    await waitFor('state on', () => msgs.find((x) => x.topic === 'glowmq/lite1/light/state' && x.text === 'on'));
    const r = await waitFor('3 readings', () => { const x = msgs.filter((y) => y.topic === 'glowmq/lite1/sensors/temperature'); return x.length >= 3 && x; });
    expect(r.map((x) => JSON.parse(x.text).seq).slice(0, 3)).toEqual([0, 1, 2]);
  });

  it('short of memory during an outage: readings are refused, not queued, counted and reported when back online', async () => {
    let own = await startMosquitto({ dir: mkdtempSync(join(tmpdir(), 'glowmq-lite-mem-')) });
    try {
      const b = new StandinBoard({ prelude: prelude({ ...config('lite3'), broker: 'mqtt://admin:password@127.0.0.1:' + own.port }) });
      boards.push(b);
      b.run(bundle);
      await waitFor('subscribed', () => b.logs.find((l) => l.includes('subscribed to lightChange')));
      // The board has little free memory left: the queue's bound follows it (process.memory()).
      b.freeVariables = 150;
      await own.stop();
      await waitFor('readings refused', () => b.logs.filter((l) => /publish failed: short of memory/.test(l)).length >= 3);
      b.freeVariables = 4000;
      own = await own.restart();
      const line = await waitFor('the count reported', () => b.logs.find((l) => /\d+ readings dropped while offline/.test(l)), 20_000);
      expect(Number(/(\d+) readings dropped/.exec(line)![1])).toBeGreaterThanOrEqual(3);
    } finally {
      await own.stop();
    }
  });

  it('a configuration that needs a module the build left out is refused, naming it', () => {
    const b = new StandinBoard({ prelude: prelude(config('lite2', { serial: 'Serial1', wifiSsid: 'lab', wifiPassword: 'pw' })) });
    boards.push(b);
    b.run(bundle);
    expect(b.logs.join('\n')).toMatch(/glowmq: "serial": this build has no ESP-AT transport \(build it with --with at\)/);
  });
});
