// The BUILT board bundle (dist/espruino/glowmq.js) running in the Espruino stand-in
// (standin.ts) against a real mosquitto, directly over `net` and through the ESP-AT modem
// emulator on Serial1: lightChange switches the LED, readings arrive, a refused connect is
// survived, and a simulated board reset keeps the queued readings (Storage store on).
import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { discoveryProblems } from '../support/ha-discovery-schema';
import { startMosquitto, freePort, type Mosquitto } from '../support/mosquitto';
import { describeWithPeers, peers } from '../support/peers';
import { StandinBoard, StandinFlash } from './standin';
import { ModemSim, simStream } from '../../src/sim/modem/modem-sim';
import { waitFor } from '../support/wait';

const BUNDLE = 'dist/espruino/glowmq.js', DISCOVERY_BUNDLE = 'dist/espruino/glowmq-at-discovery-qos2-store.js';


interface Msg { topic: string; text: string; retain: boolean }
async function peer(url: string, filter: string): Promise<{ c: mqtt.MqttClient; msgs: Msg[] }> {
  const c = mqtt.connect(url, { clientId: 'phone-' + Math.random().toString(16).slice(2), reconnectPeriod: 0 });
  const msgs: Msg[] = [];
  c.on('message', (topic, payload, packet) => msgs.push({ topic, text: payload.toString('utf8'), retain: packet.retain }));
  await new Promise<void>((res, rej) => { c.once('connect', () => res()); c.once('error', rej); });
  await c.subscribeAsync(filter, { qos: 1 });
  return { c, msgs };
}

function prelude(cfg: object): string { return 'var glowmqConfig = ' + JSON.stringify(cfg) + ';'; }

describe('stand-in fidelity', () => {
  it('records a Uint8Array written to a socket or serial port, as the board would send its text', () => {
    const sent: Uint8Array[] = [];
    const b = new StandinBoard({ serial1: { write: (x) => sent.push(x), onData: () => {} } });
    b.run('Serial1.setup(9600, {}); Serial1.write(new Uint8Array([16, 12, 0]));');
    expect(b.violations.join()).toContain('Serial1.write');
    expect(Buffer.from(sent[0]).toString('latin1')).toBe('16,12,0');
    b.powerOff();
  });
  it('behaves like the interpreter where Node differs', () => {
    const b = new StandinBoard();
    b.run(`new Uint8Array(1).subarray(0, 2);
      var r = [typeof Map, typeof Array.from, typeof new Uint8Array(2).slice(0).subarray,
      String.fromCharCode(0x73b0).charCodeAt(0), typeof Promise.prototype.finally];
      try { clearTimeout(undefined); r.push('no throw'); } catch (e) { r.push('throws'); }
      try { require('net').connect({ host: '127.0.0.1', port: 1 }, function () {}); r.push('no throw'); } catch (e) { r.push('refused throws'); }
      console.log(JSON.stringify(r));`);
    expect(b.uncaught).toEqual([]);
    expect(b.violations).toEqual(['subarray(0, 2) past the end of 1 bytes: the board reads beyond the array']);
    expect(JSON.parse(b.logs[0])).toEqual(['undefined', 'undefined', 'undefined', 0xb0, 'undefined', 'throws', 'refused throws']);
    b.powerOff();
  });
});

describeWithPeers('the built board bundle in the Espruino stand-in', [peers.mosquitto()], () => {
  let m: Mosquitto;
  const boards: StandinBoard[] = [];
  const clients: mqtt.MqttClient[] = [];
  const bundle = readFileSync(BUNDLE, 'utf8');
  const board = (o: ConstructorParameters<typeof StandinBoard>[0]) => { const b = new StandinBoard(o); boards.push(b); return b; };

  beforeAll(async () => { m = await startMosquitto({ dir: mkdtempSync(join(tmpdir(), 'glowmq-esp-')) }); });
  afterAll(async () => { await m.stop(); });
  afterEach(async () => {
    for (const b of boards.splice(0)) {
      expect(b.violations, 'the board would misbehave here').toEqual([]);
      expect(b.uncaught, 'uncaught on the board').toEqual([]);
      b.powerOff();
    }
    for (const c of clients.splice(0)) await c.endAsync(true);
  });

  const config = (id: string, extra?: object) => Object.assign({
    id: id, broker: 'mqtt://admin:password@127.0.0.1:' + m.port, interval: 0.2, keepalive: 10,
  }, extra || {});

  it('over net: lightChange switches LED1, state, status and readings arrive', async () => {
    const p = await peer(m.url, 'glowmq/pico1/#'); clients.push(p.c);
    const b = board({ prelude: prelude(config('pico1')), temperature: 23.25 });
    b.run(bundle);
    await waitFor('online', () => p.msgs.find((x) => x.topic === 'glowmq/pico1/status' && x.text === 'online'));
    await waitFor('subscribed', () => b.logs.find((l) => l.includes('subscribed to lightChange')));
    expect(b.level.LED1).toBe(0);
    await p.c.publishAsync('lightChange', 'on', { qos: 1 });
    await waitFor('LED1 on', () => b.level.LED1 === 1);
    await waitFor('state on', () => p.msgs.find((x) => x.topic === 'glowmq/pico1/light/state' && x.text === 'on'));
    await p.c.publishAsync('lightChange', '现在天亮了', { qos: 1 }); // the seed's "it is light now" → off
    await waitFor('LED1 off', () => b.level.LED1 === 0 && b.pinWrites.length >= 3);
    await p.c.publishAsync('lightChange', 'toggle', { qos: 0 });
    await waitFor('LED1 toggled on', () => b.level.LED1 === 1 && b.pinWrites.length >= 4);
    const readings = await waitFor('3 readings', () => { const r = p.msgs.filter((x) => x.topic === 'glowmq/pico1/sensors/temperature'); return r.length >= 3 && r; });
    const first = JSON.parse(readings[0].text);
    expect(first).toMatchObject({ value: 23.25, unit: '°C', seq: 0 });
    expect(readings.map((r) => JSON.parse(r.text).seq).slice(0, 3)).toEqual([0, 1, 2]);
    expect(b.pinWrites.every((w) => w.pin === 'LED1')).toBe(true);
  });

  it('over net: Home Assistant discovery from the board bundle (valid configs, retained), <base>/light/set switches LED1', async () => {
    const ha = await peer(m.url, 'homeassistant/+/pico7/#'); clients.push(ha.c); // the other tests' boards announce themselves too
    const p = await peer(m.url, 'glowmq/pico7/#'); clients.push(p.c);
    const b = board({ prelude: prelude(config('pico7', { sensors: ['temperature', 'free'] })), temperature: 21 });
    b.run(readFileSync(DISCOVERY_BUNDLE, 'utf8')); // discovery is an opt-in board module
    const configs = await waitFor('3 configs', () => { const c = ha.msgs.filter((x) => x.topic.endsWith('/config')); return c.length >= 3 && c; });
    expect(configs.map((x) => x.topic).sort()).toEqual(['homeassistant/light/pico7/light/config', 'homeassistant/sensor/pico7/free/config', 'homeassistant/sensor/pico7/temperature/config']);
    for (const x of configs) expect(discoveryProblems('homeassistant', x.topic, x.text), x.topic).toEqual([]);
    expect(JSON.parse(configs.find((x) => x.topic.includes('/temperature/'))!.text)).toMatchObject({ unit_of_measurement: '°C', device_class: 'temperature', state_topic: 'glowmq/pico7/sensors/temperature' });
    const light = JSON.parse(configs.find((x) => x.topic.includes('/light/'))!.text);
    expect(light).toMatchObject({ command_topic: 'glowmq/pico7/light/set', state_topic: 'glowmq/pico7/light/state', availability_topic: 'glowmq/pico7/status' });
    await waitFor('subscribed', () => b.logs.find((l) => l.includes('subscribed to lightChange, glowmq/pico7/light/set, homeassistant/status')));
    await p.c.publishAsync(light.command_topic, light.payload_on, { qos: 1 });
    await waitFor('LED1 on', () => b.level.LED1 === 1);
    await waitFor('state on', () => p.msgs.find((x) => x.topic === light.state_topic && x.text === 'on'));
  });

  it('on a build without Unicode strings (Pico, ESP32): the seed phrases switch the LED, a non-ASCII topic works both ways', async () => {
    const p = await peer(m.url, 'glowmq/pico9/#'); clients.push(p.c);
    // The command topic as a board without Unicode holds it: its UTF-8 bytes in a byte string.
    const topic = Buffer.from('灯/客厅', 'utf8').toString('latin1');
    const b = board({ prelude: prelude(config('pico9', { command: topic })), unicode: false });
    b.run(bundle);
    await waitFor('subscribed', () => b.logs.find((l) => l.includes('subscribed to ')));
    await p.c.publishAsync('灯/客厅', '现在天黑了', { qos: 1 }); // "it is dark now" → on
    await waitFor('LED1 on', () => b.level.LED1 === 1);
    await p.c.publishAsync('灯/客厅', '现在天亮了', { qos: 1 });
    await waitFor('LED1 off', () => b.level.LED1 === 0 && b.pinWrites.length >= 3);
    await waitFor('state off', () => p.msgs.filter((x) => x.topic === 'glowmq/pico9/light/state' && x.text === 'off').length >= 2);
    expect(b.logs.join('\n')).not.toMatch(/unknown command|Unicode not supported/);
  });

  it('flashed to .bootcde (runs at boot, then init fires): one device, one client', async () => {
    const p = await peer(m.url, 'glowmq/pico8/#'); clients.push(p.c);
    const b = board({ prelude: prelude(config('pico8')) });
    b.boot(bundle);
    await waitFor('subscribed', () => b.logs.find((l) => l.includes('subscribed to lightChange')));
    await waitFor('3 readings', () => p.msgs.filter((x) => x.topic === 'glowmq/pico8/sensors/temperature').length >= 3);
    expect(b.logs.filter((l) => l.includes('connected to '))).toHaveLength(1);
    expect(b.logs.join('\n')).not.toMatch(/connection closed/);
    expect(p.msgs.filter((x) => x.topic === 'glowmq/pico8/status' && x.text === 'online')).toHaveLength(1);
  });

  it('over net: a refused connection (connect throws) is a close with a reason, and it retries', async () => {
    const port = await freePort();
    const b = board({ prelude: prelude(Object.assign(config('pico2'), { broker: 'mqtt://admin:password@127.0.0.1:' + port })) });
    b.run(bundle);
    await waitFor('close with reason', () => b.logs.find((l) => /connection closed: 127\.0\.0\.1:\d+: connect failed: Unable to create socket/.test(l)));
    expect(b.get('glowmq').client.state).toBe('reconnecting');
  });

  it('a bad configuration is refused with the field named', () => {
    const b = new StandinBoard({ prelude: prelude({ id: 'pico3', interval: -1 }) });
    b.run(bundle);
    expect(b.logs.join('\n')).toMatch(/glowmq: bad config "interval": -1 \(allowed: a number from/);
    expect(b.uncaught).toEqual([]);
    b.powerOff();
  });

  it('configuration from glowmq.json in Storage when the file defines none', async () => {
    const p = await peer(m.url, 'glowmq/pico4/status'); clients.push(p.c);
    const flash = new StandinFlash();
    flash.files['glowmq.json'] = JSON.stringify(config('pico4'));
    const b = board({ flash });
    b.run(bundle);
    await waitFor('online', () => p.msgs.find((x) => x.text === 'online'));
    // 'connect' and 'close' share one listener on the board: the connect line names the broker
    expect(b.logs.join('\n')).toMatch(/glowmq info: connected to 127\.0\.0\.1:\d+ as pico4/);
    expect(b.logs.join('\n')).not.toMatch(/connection closed/);
  });

  it('with the Storage store: a board reset keeps the readings queued while offline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glowmq-esp-reset-'));
    const m2 = await startMosquitto({ dir });
    try {
      const cfg = Object.assign(config('pico5', { store: true }), { broker: 'mqtt://admin:password@127.0.0.1:' + m2.port });
      const flash = new StandinFlash();
      const a = board({ prelude: prelude(cfg), flash, temperature: 20 });
      a.run(bundle);
      await waitFor('A connected', () => a.logs.find((l) => l.includes('subscribed to lightChange')));
      await m2.stop();
      // Offline: QoS 1 readings go to the offline queue, and through the store to flash.
      const queued = await waitFor('3 readings stored in flash', () => {
        const recs = flash.files['glowmq.store'] ? Object.entries(JSON.parse(flash.files['glowmq.store']) as { [k: string]: any }) : [];
        const r = recs.filter((x) => x[1].topic === 'glowmq/pico5/sensors/temperature').map((x) => x[1].payload.$u8 as string);
        return r.length >= 3 && r;
      });
      expect(flash.writes).toBeGreaterThan(0);
      a.reset(); // reset(): E.on('kill') flushes, then everything in RAM is gone
      const after = Object.entries(JSON.parse(flash.files['glowmq.store']) as { [k: string]: any }).filter((x) => x[1].topic === 'glowmq/pico5/sensors/temperature').map((x) => x[1].payload.$u8 as string);
      expect(after.slice(0, queued.length)).toEqual(queued);

      const m3 = await m2.restart();
      try {
        const p = await peer(m3.url, 'glowmq/pico5/sensors/#'); clients.push(p.c);
        const b = board({ prelude: prelude(cfg), flash, temperature: 30 });
        b.run(bundle);
        // Each reading queued before the reset arrives, byte for byte (value 20 and its seq).
        await waitFor('queued readings delivered', () => after.every((t) => p.msgs.some((x) => x.text === Buffer.from(t, 'latin1').toString('utf8'))));
        for (const t of after) expect(JSON.parse(Buffer.from(t, 'latin1').toString('utf8'))).toMatchObject({ value: 20 });
        await waitFor('new readings after the reset', () => p.msgs.find((x) => JSON.parse(x.text).value === 30));
        await waitFor('store emptied once acknowledged', () => {
          const s = flash.files['glowmq.store'];
          return s === undefined || !Object.values(JSON.parse(s) as { [k: string]: any }).some((x) => after.includes(x.payload && x.payload.$u8));
        });
      } finally { await m3.stop(); }
    } finally { await m2.stop(); }
  });

  it('through an ESP-AT module on Serial1 (modem emulator): LED follows lightChange, readings arrive', async () => {
    const sim = new ModemSim({ dialect: 'esp8266', baud: 0, network: { ssid: 'lab', password: 'secret123' }, autoConnect: false });
    sim.start();
    try {
      const p = await peer(m.url, 'glowmq/wifi1/#'); clients.push(p.c);
      const b = board({
        prelude: prelude(config('wifi1', { serial: 'Serial1', baud: 115200, rx: 'D3', tx: 'D2', wifiSsid: 'lab', wifiPassword: 'secret123', led: 'D5' })),
        serial1: simStream(sim), temperature: 19.5,
      });
      b.run(bundle);
      await waitFor('online via the module', () => p.msgs.find((x) => x.topic === 'glowmq/wifi1/status' && x.text === 'online'), 20_000);
      expect(b.serialSetup?.baud).toBe(115200);
      expect(sim.stats.commands.some((c) => c.startsWith('AT+CWJAP='))).toBe(true);
      await waitFor('subscribed', () => b.logs.find((l) => l.includes('subscribed to lightChange')));
      await p.c.publishAsync('lightChange', '现在天黑了', { qos: 1 }); // "it is dark now" → on
      await waitFor('D5 on', () => b.level.D5 === 1);
      await waitFor('state on', () => p.msgs.find((x) => x.topic === 'glowmq/wifi1/light/state' && x.text === 'on'));
      await p.c.publishAsync('lightChange', 'off', { qos: 1 });
      await waitFor('D5 off', () => b.level.D5 === 0 && b.pinWrites.length >= 3);
      const r = await waitFor('2 readings', () => { const x = p.msgs.filter((y) => y.topic === 'glowmq/wifi1/sensors/temperature'); return x.length >= 2 && x; });
      expect(JSON.parse(r[0].text)).toMatchObject({ value: 19.5, unit: '°C' });
    } finally { sim.close(); }
  });
});
