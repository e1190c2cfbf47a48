// Half-open link: the broker process is stopped (SIGSTOP) with its sockets open, so the
// kernel keeps the TCP connection up and nothing answers. The client must declare the link
// dead within 1.5 × keepalive of the last bytes it received, keep trying (its CONNECTs go
// unanswered: connect timeout), and be serving again once the broker is continued (SIGCONT),
// with what it published meanwhile delivered.
import { it, expect, afterEach } from 'vitest';
import { createNodeClient } from '../../src/node/connect';
import type { MqttClient } from '../../src/core/client-options';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { describeWithPeers, peers } from '../support/peers';
import { SeqTally, until, sleep } from '../support/seq-tally';
import { nextEvent, subscribeP, endP } from '../support/client-promises';

// Timer and scheduling latency on a loaded 2-core CI machine, on top of 1.5 × keepalive.
const SLACK_MS = 500;

describeWithPeers('fault: half-open link (broker SIGSTOPped)', [peers.mosquitto()], () => {
  let m: Mosquitto | undefined;
  let clients: MqttClient[] = [];
  afterEach(async () => {
    for (const c of clients) await endP(c, true);
    clients = [];
    if (m) { m.proc.kill('SIGCONT'); await m.stop('SIGKILL'); }
    m = undefined;
  });

  for (const keepalive of [1, 2]) {
    it(`keepalive ${keepalive} s: dead within ${1.5 * keepalive} s, reconnects after SIGCONT, nothing lost`, async () => {
      m = await startMosquitto();
      const topic = `fault/halfopen/${process.pid}/${keepalive}`;
      const sub = createNodeClient(m.url, { clientId: `ho-sub-${keepalive}`, clean: false, keepalive: 30, reconnectMin: 50, reconnectMax: 300, connectTimeout: 1000, logLevel: 'silent' });
      const c = createNodeClient(m.url, { clientId: `ho-dev-${keepalive}`, keepalive, reconnectMin: 50, reconnectMax: 300, connectTimeout: 1000, logLevel: 'silent' });
      clients.push(sub, c);
      const seen = new SeqTally();
      sub.on('message', (t, p) => seen.add(t, p));
      await Promise.all([nextEvent(c, 'connect'), nextEvent(sub, 'connect')]);
      await subscribeP(sub, topic, 1);
      // Let a keepalive round trip happen first, so the stop lands on a link in steady state.
      await sleep(keepalive * 1000 * 0.6);

      m.proc.kill('SIGSTOP');
      const stoppedAt = Date.now();
      const reason = await nextEvent(c, 'close', keepalive * 3000 + 5000);
      const deadAfter = Date.now() - stoppedAt;
      // Published while the broker is frozen: queued, delivered after the reconnect.
      let acked = 0;
      for (let i = 0; i < 5; i++) c.publish(topic, String(i), { qos: 1 }, (e) => { if (!e) acked++; });
      await sleep(1500); // at least one unanswered reconnect attempt (connect timeout 1 s)
      const attemptsWhileStopped = c.state;
      m.proc.kill('SIGCONT');
      const contAt = Date.now();
      if (!c.connected) await nextEvent(c, 'connect', 10_000);
      const backAfter = Date.now() - contAt;
      await until(() => acked === 5 && seen.distinct(topic) === 5, 'the 5 queued messages to arrive', 10_000);
      console.log(`[fault-half-open] keepalive ${keepalive} s: faults injected 1 SIGSTOP+SIGCONT; messages checked 5; ` +
        `declared dead ${deadAfter} ms after SIGSTOP ("${reason?.message}"); serving again ${backAfter} ms after SIGCONT`);
      expect(deadAfter).toBeLessThanOrEqual(1.5 * keepalive * 1000 + SLACK_MS);
      expect(reason?.message).toMatch(/keepalive|no answer|ping/i);
      expect(attemptsWhileStopped).toBe('reconnecting');
      expect(seen.verdict(topic, 0, 5)).toMatchObject({ missing: [], outOfOrder: [] });
    });
  }
});
