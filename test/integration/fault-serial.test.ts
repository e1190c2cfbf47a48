// Serial faults with QoS 2: the rig (Client → AT driver → serialport on a real pty →
// modem emulator → TCP → mosquitto) under module reset, SEND FAIL, Wi-Fi drop and a garbled
// +IPD header. serial-pty.test.ts already proves QoS 1 at least once for each fault; this
// adds the exactly-once angle: numbered QoS 1 and QoS 2 traffic both ways at once, QoS 2
// delivered exactly once in order on both sides, nothing lost, while the link is torn down
// and rebuilt by the faults.
import { it, expect, beforeAll, afterAll } from 'vitest';
import { describeWithPeers, peers } from '../support/peers';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { startPtyModem } from '../support/pty-modem';
import { openSerialStream } from '../../src/transport/serialport-stream';
import { createAtTransport } from '../../src/transport/esp-at';
import { Client } from '../../src/core/client';
import { createNodeClient } from '../../src/node/connect';
import { mqttPacketCodec } from '../../src/node/mqtt-packet-codec';
import { nodePlatform } from '../../src/node/platform';
import { nextEvent, endP } from '../support/client-promises';
import { sleep } from '../support/seq-tally';
import { startFlow, broken, MOSQUITTO_NO_INFLIGHT_LIMIT } from '../support/fault-flow';

// In active receive, a reset that truncates the module's output inside a +IPD payload can
// leave the driver counting payload bytes through the boot text; the codec then rejects the
// packet as malformed and the client reconnects (a protocol-violation error, and the right
// defence). Only that case may report one. In passive receive (the ESP-AT 2.x dialects' default)
// the data of a read passes only at its OK, which a reset never sends: no violation at all.
const CASES = [
  { fault: 'reset:4000', dialect: 'esp32', passive: false, violationsAllowed: true },
  { fault: 'reset:4000', dialect: 'esp32', passive: true, violationsAllowed: false },
  { fault: 'send-fail:6', dialect: 'nonos', passive: false, violationsAllowed: false },
  { fault: 'wifi-drop:8:300', dialect: 'esp8266', passive: true, violationsAllowed: false },
  { fault: 'garble-ipd:7', dialect: 'nonos', passive: false, violationsAllowed: false },
  { fault: 'garble-ipd:15', dialect: 'esp8266', passive: true, violationsAllowed: false },
];

describeWithPeers('fault: serial link faults at QoS 2 (pty + emulator + mosquitto)', [peers.socat(), peers.mosquitto()], () => {
  let mosq: Mosquitto;
  beforeAll(async () => { mosq = await startMosquitto({ extraConfig: MOSQUITTO_NO_INFLIGHT_LIMIT }); });
  afterAll(async () => { await mosq?.stop(); });

  for (const c of CASES) {
    const tag = c.fault.replace(/\W+/g, '-') + (c.passive ? '-passive' : '');
    it(`${c.fault} (${c.dialect}, ${c.passive ? 'passive' : 'active'} receive): QoS 2 exactly once and QoS 1 at least once, both ways, in order`, async () => {
      const modem = await startPtyModem(['--dialect', c.dialect, '--baud', '921600', '--ssid', 'lab', '--password', 'pw', '--no-autoconnect', '--local-only', '--fault', c.fault]);
      const serial = await openSerialStream(modem.path, 115200);
      const platform = nodePlatform({ level: 'silent' });
      const dev = new Client(
        { clientId: `q2rig-${tag}-${process.pid}`, username: 'admin', password: 'password', keepalive: 10, clean: false,
          reconnectMin: 100, reconnectMax: 400, connectTimeout: 8000, queueMax: 10_000, queueBytes: 1 << 20 },
        { platform, codec: mqttPacketCodec, transport: createAtTransport(serial.stream, platform, { host: '127.0.0.1', port: mosq.port, ssid: 'lab', password: 'pw', passive: c.passive }) },
      );
      const obs = createNodeClient(mosq.url, { clientId: `q2obs-${tag}-${process.pid}`, clean: false, keepalive: 30, queueMax: 10_000, logLevel: 'silent' });
      let connects = 0;
      dev.on('connect', () => { connects++; });
      const violations: string[] = [];
      dev.on('error', (e) => violations.push(e.message));
      try {
        const connected = nextEvent(dev, 'connect', 20_000);
        dev.connect();
        await Promise.all([connected, nextEvent(obs, 'connect')]);
        const flow = await startFlow(dev, obs, `fault/serial/${tag}/${process.pid}`, 60, 0);
        await sleep(3000);
        // A reset whose `ready` is lost inside a payload costs the link up to ~2 s to resynchronise
        // (the payload stall, or a CIPSEND without its '>'); the window is generous: what is
        // checked is the count, not the time.
        const r = await flow.finish(80_000);
        const kind = c.fault.split(':')[0];
        console.log(`[fault-serial] ${c.fault} ${c.passive ? 'passive' : 'active'}: faults injected ${modem.faults(kind)}; messages checked ${r.sent} device→observer + ${r.received} observer→device; ` +
          `connects ${connects}; QoS 1 duplicates ${r.verdicts[0].duplicates.length}+${r.verdicts[2].duplicates.length}`);
        const bad = broken(r);
        if (bad.length) console.log(`[fault-serial] ${c.fault} broken: ${bad.join(' / ').slice(0, 1500)}`);
        expect(bad).toEqual([]);
        expect(modem.faults(kind)).toBeGreaterThan(0);
        expect(connects).toBeGreaterThan(1); // each of these faults drops the link
        expect(r.sent).toBeGreaterThan(20);
        const pv = violations.filter((v) => /protocol violation/.test(v));
        if (pv.length) console.log(`[fault-serial] ${c.fault} protocol violations: ${pv.join(' | ')}`);
        if (!c.violationsAllowed) expect(pv).toEqual([]);
      } finally {
        await endP(dev, true);
        await endP(obs, true);
        await serial.close();
        await modem.stop();
      }
    }, 130_000);
  }
});
