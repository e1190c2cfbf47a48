// The device's command topics against mosquitto: `--command-topic '#'` (issue: the device obeyed
// its own /errors, 79,990 publishes in 5 s) now warns at start, reports a bad command once and
// ignores its own echo; <base>/light/set still works; an empty group topic turns lightChange off.
import { afterAll, beforeAll, expect, it } from 'vitest';
import mqtt, { type MqttClient } from 'mqtt';
import { describeWithPeers, peers } from '../support/peers';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { glowmq, type Proc } from './cli-process';
import { waitFor } from '../support/wait';

describeWithPeers('the device\'s command topics against mosquitto', [peers.mosquitto()], () => {
  let m: Mosquitto;
  let phone: MqttClient;
  const procs: Proc[] = [];
  const seen: { topic: string; text: string }[] = [];
  const device = (id: string, extra: string[]) => {
    const proc = glowmq(['device', '--broker', `mqtt://127.0.0.1:${m.port}`, '-u', 'admin', '-P', 'password', '--id', id, '--interval', '3600', '--no-discovery', ...extra]);
    procs.push(proc);
    return proc;
  };

  beforeAll(async () => {
    m = await startMosquitto();
    phone = await mqtt.connectAsync(`mqtt://127.0.0.1:${m.port}`, { clientId: 'phone', username: 'admin', password: 'password', reconnectPeriod: 0 });
    phone.on('message', (topic, payload) => seen.push({ topic, text: payload.toString() }));
    await phone.subscribeAsync('glowmq/#', { qos: 1 });
  });
  afterAll(async () => {
    for (const proc of procs) await proc.kill('SIGKILL');
    await phone?.endAsync();
    await m?.stop();
  });

  it("--command-topic '#': a warning at start, one report for a bad command, its own topics never obeyed", async () => {
    const dev = device('loopy', ['--command-topic', '#']);
    await dev.line(/warning: command filter # also matches the device's own topics \(glowmq\/loopy\/\.\.\.\): messages there are ignored/);
    await dev.line(/subscribed to # \(QoS 1\)/);
    await phone.publishAsync('anything/else', 'bogus', { qos: 1 });
    await waitFor('the report', () => seen.some((x) => x.topic === 'glowmq/loopy/errors'));
    // The report came back to the device under '#' (and so did its status and state): then a
    // command on its own topic, handled after them, shows the echo was ignored.
    await phone.publishAsync('glowmq/loopy/light/set', 'on', { qos: 1 });
    await dev.line(/LED on <- glowmq\/loopy\/light\/set "on"/);
    await waitFor('state on', () => seen.some((x) => x.topic === 'glowmq/loopy/light/state' && x.text === 'on'));
    expect(seen.filter((x) => x.topic === 'glowmq/loopy/errors').map((x) => JSON.parse(x.text).error)).toEqual(['unknown command on anything/else: "bogus" (expected on/off/toggle/1/0/true/false, {"state":"on"} or a phrase)']);
    expect(dev.stderr().split('\n').filter((line) => line.includes('unknown command')).length).toBe(1);
    expect(await dev.kill('SIGTERM')).toBe(0);
  });

  it('an empty --command-topic leaves only <base>/light/set', async () => {
    const dev = device('solo', ['--command-topic', '']);
    await dev.line(/subscribed to glowmq\/solo\/light\/set \(QoS 1\)/);
    await phone.publishAsync('lightChange', 'on', { qos: 1 });
    await phone.publishAsync('glowmq/solo/light/set', 'toggle', { qos: 1 });
    await dev.line(/LED on <- glowmq\/solo\/light\/set "toggle"/);
    expect(dev.stderr()).not.toMatch(/<- lightChange/);
    expect(await dev.kill('SIGTERM')).toBe(0);
  });
});
