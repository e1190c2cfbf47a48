// The seed's own Python scripts (test/seed/, paho-mqtt 1.x, Debian's /usr/bin/python3) as
// peers of `glowmq device` and `glowmq pub`, through mosquitto with the seed's admin /
// password. The device drives a GPIO line through a fake sysfs tree, so "the LED is on" is
// read from the line's value file.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describeWithPeers, peers } from '../support/peers';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { glowmq, run, start, type Proc } from './cli-process';

const SEED = resolve(__dirname, '../seed');
const PY = '/usr/bin/python3';
const SECRET = 'password';
const count = (p: Proc, re: RegExp) => (p.stdout() + p.stderr()).split('\n').filter((l) => re.test(l)).length;
async function until(f: () => boolean, what: string) {
  for (let i = 0; i < 4000; i++) { if (f()) return; await new Promise((r) => setTimeout(r, 20)); }
  throw new Error('never happened: ' + what);
}

describeWithPeers('the seed scripts as peers of glowmq', [peers.mosquitto(), peers.paho()], () => {
  let m: Mosquitto;
  let sys: string;
  const procs: Proc[] = [];
  const seedEnv = () => ({ SEED_HOST: '127.0.0.1', SEED_PORT: String(m.port), PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8' });
  const auth = () => ['-p', String(m.port), '-u', 'admin', '-P', SECRET];

  beforeAll(async () => {
    m = await startMosquitto();
    sys = mkdtempSync(join(tmpdir(), 'glowmq-sys-'));
    const put = (rel: string, t: string) => { mkdirSync(join(sys, rel, '..'), { recursive: true }); writeFileSync(join(sys, rel), t); };
    put('class/gpio/export', '');
    put('class/gpio/gpiochip512/base', '512\n'); put('class/gpio/gpiochip512/label', 'pinctrl-bcm2711\n'); put('class/gpio/gpiochip512/ngpio', '58\n');
    put('class/gpio/gpio529/direction', 'in'); put('class/gpio/gpio529/value', '0');
  });
  afterAll(async () => {
    for (const p of procs) await p.kill('SIGKILL');
    await m?.stop();
    rmSync(sys, { recursive: true, force: true });
  });

  it("seed publisher → glowmq device: the LED ends on and <base>/light/state is on", async () => {
    const dev = glowmq(['device', '--broker', `mqtt://127.0.0.1:${m.port}`, '-u', 'admin', '-P', SECRET, '--id', 'seedpi',
      '--gpio', 'sysfs:17', '--sys-root', sys, '--interval', '3600', '--log-level', 'debug']);
    procs.push(dev);
    await dev.line(/subscribed to lightChange, glowmq\/seedpi\/light\/set, homeassistant\/status \(QoS 1\)/);
    const pub = start(PY, [join(SEED, 'publish.py')], { env: { ...seedEnv(), SEED_COUNT: '3', SEED_INTERVAL: '0.1' } });
    expect(await pub.exited).toBe(0);
    expect(pub.stdout()).toBe('消息发布!----我是一个发布者:正在给设备和传感器发布主题-----\n已发送1条消息\n已发送2条消息\n已发送3条消息\n');
    await until(() => count(dev, /LED on <- lightChange "现在天黑了"/) === 3, 'three commands handled');
    expect(readFileSync(join(sys, 'class/gpio/gpio529/direction'), 'utf8')).toBe('out');
    expect(readFileSync(join(sys, 'class/gpio/gpio529/value'), 'utf8')).toBe('1');
    const state = await run(['sub', ...auth(), '-t', 'glowmq/seedpi/light/state', '-C', '1']);
    expect(state.stdout).toBe('on\n');
    expect(await dev.kill('SIGTERM')).toBe(0);
    // Its own output shows what happened but never the password (debug level included). The
    // secret is the word "password" itself: the debug line naming the field's source is left out.
    expect(dev.stderr()).toMatch(/connected to mqtt:\/\/127\.0\.0\.1:\d+ as seedpi/);
    expect(dev.stderr()).toMatch(/setting password = \(hidden\) from -P/);
    expect((dev.stdout() + dev.stderr()).replace(/setting password = \(hidden\) from -P/, '')).not.toMatch(/password/i);
  }, 90_000);

  it('glowmq pub 现在天黑了 → the seed light and phone subscribers print the seed lines, UTF-8 intact', async () => {
    const light = start(PY, [join(SEED, 'light_subcribe.py')], { env: { ...seedEnv(), SEED_COUNT: '1', SEED_CLIENT_ID: 'seed-light' } });
    const phone = start(PY, [join(SEED, 'phone_subcribe.py')], { env: { ...seedEnv(), SEED_COUNT: '1', SEED_CLIENT_ID: 'seed-phone' } });
    procs.push(light, phone);
    await light.line(/Connected with result code0/);
    await phone.line(/Connected with result code0/);
    // The scripts subscribe in on_connect, after printing; publish until both have had one.
    for (let i = 0; i < 100 && (light.proc.exitCode === null || phone.proc.exitCode === null); i++) {
      const r = await run(['pub', ...auth(), '-t', 'lightChange', '-m', '现在天黑了', '-q', '1']);
      expect(r.code).toBe(0);
    }
    expect(await light.exited).toBe(0);
    expect(await phone.exited).toBe(0);
    expect(light.stdout()).toBe('手电筒打开----我是一个订阅者:需要消费主题-----\nConnected with result code0\n' +
      'lightChange现在天黑了,回调消息:收到收到!我已经接收到发布者的消息,并且打开了光传感器\n');
    expect(phone.stdout()).toBe('手机启动----我是一个订阅者:需要消费主题-----\nConnected with result code0\n' +
      'lightChange现在天黑了,回调消息:收到收到!我已经接收到发布者的消息并给用户反馈手电筒已经打开\n');
  }, 90_000);

  it('status: online while running, offline after SIGTERM and as the will after SIGKILL; bad commands reach <base>/errors', async () => {
    const watch = glowmq(['sub', ...auth(), '-t', 'glowmq/willpi/status', '-t', 'glowmq/willpi/errors', '-v', '-d']);
    procs.push(watch);
    await watch.line(/subscribed/);
    const seen = (re: RegExp) => count(watch, re);
    const args = ['device', '--broker', `mqtt://admin:${SECRET}@127.0.0.1:${m.port}`, '--id', 'willpi', '--interval', '3600'];
    let dev = glowmq(args);
    procs.push(dev);
    await until(() => seen(/^glowmq\/willpi\/status online$/) === 1, 'online');
    expect((await run(['pub', ...auth(), '-t', 'lightChange', '-m', 'dim', '-q', '1'])).code).toBe(0);
    await until(() => seen(/^glowmq\/willpi\/errors /) === 1, 'error report');
    const report = watch.stdout().split('\n').find((l) => l.startsWith('glowmq/willpi/errors '))!;
    expect(JSON.parse(report.slice(21)).error).toMatch(/^unknown command on lightChange: "dim" \(expected on\/off\/toggle\/1\/0\/true\/false, \{"state":"on"\} or a phrase\)$/);
    await dev.line(/warning: unknown command on lightChange: "dim"/);
    expect(await dev.kill('SIGTERM')).toBe(0);
    // The broker URL carried the password: the log shows it redacted.
    expect(dev.stderr()).toMatch(/connected to mqtt:\/\/admin:\*\*\*@127\.0\.0\.1:\d+ as willpi/);
    expect(dev.stderr()).not.toContain(`:${SECRET}@`);
    await until(() => seen(/^glowmq\/willpi\/status offline$/) === 1, 'offline after SIGTERM');

    dev = glowmq(args);
    procs.push(dev);
    await until(() => seen(/^glowmq\/willpi\/status online$/) === 2, 'online again');
    await dev.kill('SIGKILL');
    // The broker sees the socket close and publishes the retained will.
    await until(() => seen(/^glowmq\/willpi\/status offline$/) === 2, 'the will after SIGKILL');
    expect(watch.stdout().split('\n').filter((l) => l.includes('/status ')))
      .toEqual(['glowmq/willpi/status online', 'glowmq/willpi/status offline', 'glowmq/willpi/status online', 'glowmq/willpi/status offline']);
  }, 90_000);
});
