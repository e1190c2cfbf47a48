// The BUILT bundles on the real Espruino interpreter (its Linux build), when one is given:
//   ESPRUINO_BIN=/path/to/espruino npx vitest run test/espruino/interpreter.test.ts
// The interpreter is never part of this repository (build it outside: see the README);
// CI has none, so without ESPRUINO_BIN this file skips with a loud notice and never fails.
// Its Linux build has `net` and an emulated flash file (espruino.flash in the working
// directory), so the device runs as on a WiFi board: code and config are put in Storage
// and evaluated from there, like a board's saved code.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { startMosquitto, freePort, waitForPort, type Mosquitto } from '../support/mosquitto';
import { peers } from '../support/peers';
import { waitFor } from '../support/wait';
import { runUntil as runOn, flash as flashFiles } from './interpreter';

const BIN = process.env.ESPRUINO_BIN;
const usable = !!BIN && existsSync(BIN) && peers.mosquitto().present;
if (!usable) {
  console.warn(`\n*** SKIPPED "the real Espruino interpreter": ${!BIN ? 'ESPRUINO_BIN is not set' : !existsSync(BIN) ? 'ESPRUINO_BIN=' + BIN + ' does not exist' : 'mosquitto is missing'} (optional; CI does not build the interpreter) ***\n`);
}

const runUntil = (file: string | null, cwd: string, until: RegExp, ms: number) => runOn(BIN!, file, cwd, until, ms);

(usable ? describe : describe.skip)('the real Espruino interpreter (ESPRUINO_BIN)', () => {
  let dir: string;
  let m: Mosquitto;
  const procs: ChildProcess[] = [];
  beforeAll(async () => { dir = mkdtempSync(join(tmpdir(), 'glowmq-espruino-')); m = await startMosquitto(); });
  afterAll(async () => {
    for (const p of procs) p.kill('SIGKILL');
    await m.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Puts host files into the interpreter's emulated flash (Storage name → host path), as an
   *  upload to flash does. */
  const flash = (cwd: string, files: { [name: string]: string }) => flashFiles(BIN!, cwd, files);
  /** An MQTT client watching the device's topics, like the tutorial's phone. */
  async function phoneOn(url: string, clientId: string, filter: string) {
    const phone = mqtt.connect(url, { clientId });
    const msgs: { topic: string; text: string }[] = [];
    phone.on('message', (topic, p) => msgs.push({ topic, text: p.toString('utf8') }));
    await new Promise<void>((res) => phone.once('connect', () => res()));
    await phone.subscribeAsync(filter, { qos: 1 });
    return { phone, msgs };
  }
  const BUNDLE = join(process.cwd(), 'dist/espruino/glowmq.js');

  it('parses the core bundle and passes the self-test', async () => {
    const file = join(dir, 'selftest.js');
    writeFileSync(file, readFileSync('dist/espruino/core.js', 'utf8') + '\n' + readFileSync('test/espruino/board/core-selftest.js', 'utf8'));
    const r = runUntil(file, dir, /SELFTEST (PASS \d+|FAIL .*)/, 20_000);
    procs.push(r.proc);
    const out = await r.done;
    r.proc.kill('SIGKILL');
    expect(out).not.toMatch(/Uncaught|SyntaxError|OUT OF MEMORY/);
    expect(out).toMatch(/SELFTEST PASS \d+/);
    const mem = /MEMORY (\d+)/.exec(out);
    console.log(`[espruino] core bundle + self-test: ${mem ? mem[1] : '?'} variables in use after the client closed`);
  });

  it('runs the device from Storage: connects, subscribes, follows lightChange, publishes readings, survives save()', async () => {
    const { phone, msgs } = await phoneOn(m.url, 'phone-espruino', 'glowmq/espr1/#');
    try {
      // 1. put code and config into the (emulated) flash, as the Web IDE's "save to flash" does
      const cfg = { id: 'espr1', broker: 'mqtt://admin:password@127.0.0.1:' + m.port, led: 'D5', sensors: ['free'], interval: 1, keepalive: 30, store: true };
      writeFileSync(join(dir, 'cfg.json'), JSON.stringify(cfg));
      await flash(dir, { 'glowmq.js': BUNDLE, 'glowmq.json': join(dir, 'cfg.json') });
      // 2. boot: evaluate the stored code (config from glowmq.json); report memory once subscribed
      writeFileSync(join(dir, 'boot.js'), `eval(require('Storage').read('glowmq.js'));
var memT = setInterval(function () { if (glowmq.client.connected) { clearInterval(memT); setTimeout(function () { print('MEM ' + process.memory().usage + ' of ' + process.memory().total); }, 1500); } }, 100);`);
      const boot = runUntil(join(dir, 'boot.js'), dir, /MEM \d+ of \d+/, 20_000);
      procs.push(boot.proc);
      const out = await boot.done;
      expect(out).toMatch(/subscribed to lightChange/);
      await waitFor('online', () => msgs.find((x) => x.topic === 'glowmq/espr1/status' && x.text === 'online'));
      await waitFor('state off', () => msgs.find((x) => x.topic === 'glowmq/espr1/light/state' && x.text === 'off'));
      await phone.publishAsync('lightChange', 'on', { qos: 1 });
      await waitFor('state on', () => msgs.find((x) => x.topic === 'glowmq/espr1/light/state' && x.text === 'on'));
      await phone.publishAsync('lightChange', '现在天亮了', { qos: 1 });
      await waitFor('state off again', () => msgs.filter((x) => x.topic === 'glowmq/espr1/light/state' && x.text === 'off').length >= 2);
      const r = await waitFor('2 readings', () => { const x = msgs.filter((y) => y.topic === 'glowmq/espr1/sensors/free'); return x.length >= 2 && x; });
      expect(JSON.parse(r[0].text)).toMatchObject({ unit: 'vars' });
      expect(Number.isInteger(JSON.parse(r[0].text).ts)).toBe(true); // the board's Date.now() has fractions
      expect(boot.out()).not.toMatch(/Uncaught|OUT OF MEMORY|SyntaxError/);
      // save() from the console: E.on('kill') stops the device, E.on('init') starts it again
      boot.proc.stdin!.write('save()\n');
      await waitFor('online again after save()', () => msgs.filter((x) => x.topic === 'glowmq/espr1/status' && x.text === 'online').length >= 2, 20_000);
      const mem = /MEM (\d+) of (\d+)/.exec(out)!;
      console.log(`[espruino] device connected and subscribed: ${mem[1]} of ${mem[2]} variables in use (budget 1,500; function code stays in flash, this is function objects, scopes and state)`);
      boot.proc.kill('SIGKILL');
    } finally {
      await phone.endAsync(true);
    }
  });
  // The ESP-AT driver on the interpreter: the device's Serial port is a stand-in with a Serial
  // port's interface (setup, write of a binary string, 'data' events with binary strings) whose
  // bytes travel over TCP to the modem emulator, which opens the real link to mosquitto.
  it('runs the device through an AT module (the emulator on a UART stand-in): commands, readings, a garbled reply', async () => {
    const port = await freePort();
    const sim = spawn('socat', [`TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork`,
      `EXEC:${process.execPath} ${join(process.cwd(), 'dist/node/glowmq.cjs')} modem-sim --stdio --dialect esp8266 --ssid lab --password pw --no-autoconnect --local-only --fault garble-ipd\\:4`], { stdio: 'ignore' });
    procs.push(sim);
    await waitForPort(port);
    const { phone, msgs } = await phoneOn(m.url, 'phone-at', 'glowmq/espat/#');
    try {
      const cfg = { id: 'espat', broker: 'mqtt://admin:password@127.0.0.1:' + m.port, serial: 'ModemUART', wifiSsid: 'lab', wifiPassword: 'pw', led: 'D5', sensors: ['free'], interval: 1, clean: false };
      writeFileSync(join(dir, 'cfg.json'), JSON.stringify(cfg));
      await flash(dir, { 'glowmq.js': BUNDLE, 'glowmq.json': join(dir, 'cfg.json') });
      writeFileSync(join(dir, 'boot-at.js'), `var link = require('net').connect({ host: '127.0.0.1', port: ${port} }, function () {
  global.ModemUART = { setup: function () {}, write: function (s) { link.write(s); }, on: function (ev, fn) { link.on(ev, fn); } };
  eval(require('Storage').read('glowmq.js'));
  var memT = setInterval(function () { if (glowmq.client.connected) { clearInterval(memT); setTimeout(function () { print('MEM ' + process.memory().usage + ' of ' + process.memory().total); }, 1500); } }, 100);
});`);
      const boot = runUntil(join(dir, 'boot-at.js'), dir, /MEM \d+ of \d+/, 30_000);
      procs.push(boot.proc);
      const out = await boot.done;
      await waitFor('online', () => msgs.find((x) => x.topic === 'glowmq/espat/status' && x.text === 'online'));
      await phone.publishAsync('lightChange', '现在天黑了', { qos: 1 });
      await waitFor('state on', () => msgs.find((x) => x.topic === 'glowmq/espat/light/state' && x.text === 'on'), 20_000).catch((e) => { throw new Error(e.message + '\n' + boot.out().slice(-3000)); });
      // Every 4th +IPD header is garbled: the link is dropped and made again, and nothing is lost
      // (a persistent session: the broker keeps the commands sent meanwhile).
      for (const c of ['off', 'on', 'off']) await phone.publishAsync('lightChange', c, { qos: 1 });
      await waitFor('3 more states', () => msgs.filter((x) => x.topic === 'glowmq/espat/light/state').length >= 5, 30_000);
      expect(msgs.filter((x) => x.topic === 'glowmq/espat/light/state').map((x) => x.text).slice(-3)).toEqual(['off', 'on', 'off']);
      const r = await waitFor('3 readings', () => { const x = msgs.filter((y) => y.topic === 'glowmq/espat/sensors/free'); return x.length >= 3 && x; }, 20_000);
      // At least once: a garbled +IPD header drops the link before the PUBACK is read, so the
      // device resends (a duplicate, correct); a gap would be a lost reading.
      const seqs = r.map((x) => JSON.parse(x.text).seq as number);
      const highest = Math.max(...seqs);
      expect([...new Set(seqs)].sort((a, b) => a - b)).toEqual(Array.from({ length: highest + 1 }, (_, i) => i));
      expect(boot.out()).toMatch(/corrupt \+IPD header/);
      expect(boot.out()).not.toMatch(/Uncaught|OUT OF MEMORY|SyntaxError/);
      const mem = /MEM (\d+) of (\d+)/.exec(out)!;
      console.log(`[espruino] device over the AT driver, connected and subscribed: ${mem[1]} of ${mem[2]} variables in use (with the stand-in UART's socket)`);
      boot.proc.kill('SIGKILL');
    } finally {
      await phone.endAsync(true);
      sim.kill('SIGKILL');
    }
  });
  // The README's way to flash: the Web IDE's "Save on Send: Direct to Flash" and
  // `espruino --storage .bootcde:- upload.js` both write the uploaded file (config line + bundle)
  // to the Storage file .bootcde, which the board runs at every boot and then emits E's 'init'.
  it('boots from .bootcde as flashed by the README: one client, and a bad pin is an error, not OUT OF MEMORY', async () => {
    const { phone, msgs } = await phoneOn(m.url, 'phone-boot', 'glowmq/espr3/#');
    // upload.js as the README makes it (config line + bundle), flashed as .bootcde
    const flashBoot = (cwd: string, cfg: object) => {
      writeFileSync(join(cwd, 'upload.js'), 'var glowmqConfig = ' + JSON.stringify(cfg) + ';\n' + readFileSync(BUNDLE, 'utf8'));
      return flash(cwd, { '.bootcde': join(cwd, 'upload.js') });
    };
    try {
      const cfg = { id: 'espr3', broker: 'mqtt://admin:password@127.0.0.1:' + m.port, led: 'D5', sensors: ['free'], interval: 1, keepalive: 30 };
      const cwd = mkdtempSync(join(dir, 'boot-'));
      await flashBoot(cwd, cfg);
      const boot = runUntil(null, cwd, /subscribed to lightChange/, 20_000);
      procs.push(boot.proc);
      await boot.done;
      await phone.publishAsync('lightChange', 'on', { qos: 1 });
      await waitFor('state on', () => msgs.find((x) => x.topic === 'glowmq/espr3/light/state' && x.text === 'on'));
      await waitFor('3 readings', () => msgs.filter((x) => x.topic === 'glowmq/espr3/sensors/free').length >= 3);
      // Started once: a second start (on 'init') would be a second client with the same id,
      // and the broker would keep closing one for the other.
      expect(boot.out()).not.toMatch(/connection closed|OUT OF MEMORY|Uncaught/);
      expect(boot.out().match(/connected to /g)).toHaveLength(1);
      expect(msgs.filter((x) => x.topic === 'glowmq/espr3/status' && x.text === 'online')).toHaveLength(1);
      boot.proc.kill('SIGKILL');

      // A pin the board lacks: the error is printed. (A 21 KB one-line bundle ran out of memory
      // here: the trace of a thrown error copies its source line.)
      const cwd2 = mkdtempSync(join(dir, 'boot-'));
      await flashBoot(cwd2, Object.assign({}, cfg, { led: 'LED9' }));
      const bad = runUntil(null, cwd2, /glowmq: [^\n]*LED9[^\n]*\n|OUT OF MEMORY/, 20_000);
      procs.push(bad.proc);
      expect(await bad.done).toMatch(/glowmq: no "LED9" on this board/);
      bad.proc.kill('SIGKILL');
    } finally {
      await phone.endAsync(true);
    }
  });

  it('a power cut (process killed) loses no reading queued while offline (Storage store)', async () => {
    const mdir = mkdtempSync(join(tmpdir(), 'glowmq-espruino-mosq-'));
    let b1 = await startMosquitto({ dir: mdir });
    const cwd = mkdtempSync(join(dir, 'cut-'));
    try {
      const cfg = { id: 'espr2', broker: 'mqtt://admin:password@127.0.0.1:' + b1.port, led: 'D5', sensors: ['free'], interval: 0.3, keepalive: 30, store: true };
      writeFileSync(join(cwd, 'cfg.json'), JSON.stringify(cfg));
      await flash(cwd, { 'glowmq.js': BUNDLE, 'glowmq.json': join(cwd, 'cfg.json') });
      writeFileSync(join(cwd, 'boot.js'), `eval(require('Storage').read('glowmq.js'));`);
      const a = runUntil(join(cwd, 'boot.js'), cwd, /subscribed to lightChange/, 20_000);
      procs.push(a.proc);
      await a.done;
      await b1.stop(); // the broker goes away: readings queue, and go to flash
      const queued = await waitFor('3 readings in flash', () => {
        a.proc.stdin!.write("print('STORE ' + JSON.stringify(require('Storage').readJSON('glowmq.store', 1)))\n");
        const lines = a.out().split('\n').slice(0, -1).filter((l) => l.indexOf('STORE {') >= 0); // whole lines only
        if (!lines.length) return false;
        const last = lines[lines.length - 1].trim();
        const recs = Object.entries(JSON.parse(last.slice(last.indexOf('STORE ') + 6)) as { [k: string]: { topic: string; payload: { $u8: string } } });
        const r = recs.filter((x) => x[1].topic === 'glowmq/espr2/sensors/free').map((x) => Buffer.from(x[1].payload.$u8, 'latin1').toString('utf8'));
        return r.length >= 3 && r;
      }, 20_000);
      a.proc.kill('SIGKILL'); // power cut: no kill handlers, RAM gone
      b1 = await b1.restart();
      const { phone, msgs } = await phoneOn(b1.url, 'phone-cut', 'glowmq/espr2/sensors/#');
      try {
        const b = runUntil(join(cwd, 'boot.js'), cwd, /subscribed to lightChange/, 20_000);
        procs.push(b.proc);
        await b.done;
        await waitFor('every reading queued before the power cut', () => queued.every((q) => msgs.some((x) => x.text === q)), 20_000);
        b.proc.kill('SIGKILL');
        console.log(`[espruino] power cut: ${queued.length} queued readings in flash, all delivered after the restart`);
      } finally { await phone.endAsync(true); }
    } finally {
      await b1.stop();
      rmSync(mdir, { recursive: true, force: true });
    }
  });
});

