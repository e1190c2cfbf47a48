// TLS over an AT module, end to end: the driver writes an openssl-made CA into the emulated
// ESP32 (AT+SYSMFG) and turns certificate checking on (AT+CIPSSLCCONF=2,0,0); the emulator
// does the TLS for real with Node's tls against mosquitto's TLS listeners, checking the
// broker's certificate against exactly the CA the driver loaded. A broker whose certificate
// that CA did not sign, or for another name, is refused; an ESP8266 cannot load a CA.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithPeers, peers } from '../support/peers';
import { startTlsMosquitto, type TlsMosquitto } from '../support/tls-mosquitto';
import { ModemSim, simStream } from '../../src/sim/modem/modem-sim';
import type { DialectName } from '../../src/sim/modem/dialects';
import { createAtTransport } from '../../src/transport/esp-at';
import { Client } from '../../src/core/client';
import { boardCodec } from '../../src/core/codec/index';
import { nodePlatform } from '../../src/node/platform';
import { nextEvent, endP } from '../support/client-promises';

describeWithPeers('mqtts through an AT module that checks the broker\'s certificate', [peers.mosquitto(), peers.openssl()], () => {
  let tlsBroker: TlsMosquitto;
  beforeAll(async () => { tlsBroker = await startTlsMosquitto(); }, 60_000);
  afterAll(async () => { await tlsBroker?.stop(); });

  function device(port: number, ca: string | undefined, dialect: DialectName = 'esp32') {
    const sim = new ModemSim({ dialect, baud: 0, bootMs: 5, seed: 3 });
    const platform = nodePlatform({ level: 'silent' });
    const commands = sim.stats.commands;
    const client = new Client({ clientId: `at-tls-${port}-${dialect}`, username: 'admin', password: 'password', reconnect: false, connectTimeout: 15_000 },
      { platform, codec: boardCodec, transport: createAtTransport(simStream(sim), platform, { host: '127.0.0.1', port, ssl: true, ca }) });
    sim.start();
    return { sim, client, commands };
  }

  it('the CA loaded through AT commands lets the module connect to the broker it signed', async () => {
    const { sim, client, commands } = device(tlsBroker.ports.good, tlsBroker.certs.pem['ca.crt']);
    try {
      const connected = nextEvent(client, 'connect', 20_000);
      client.connect();
      await connected;
      expect(commands).toContain(`AT+SYSMFG=2,"client_ca","client_ca.0",8,${Buffer.byteLength(tlsBroker.certs.pem['ca.crt'])}`);
      expect(commands).toContain('AT+CIPSSLCCONF=2,0,0');
      expect(commands.find((line) => line.startsWith('AT+CIPSTART'))).toBe(`AT+CIPSTART="SSL","127.0.0.1",${tlsBroker.ports.good}`);
    } finally { await endP(client, true); sim.close(); }
  }, 30_000);

  for (const [what, port, ca] of [
    ['a CA that did not sign the broker\'s certificate', () => tlsBroker.ports.good, () => tlsBroker.certs.pem['other-ca.crt']],
    ['a certificate for another name', () => tlsBroker.ports.wrongName, () => tlsBroker.certs.pem['ca.crt']],
  ] as const) {
    it(`refuses ${what}: AT+CIPSTART fails`, async () => {
      const { sim, client } = device(port(), ca());
      try {
        const closed = nextEvent(client, 'close', 20_000);
        client.connect();
        const reason = await closed;
        expect(reason?.message).toMatch(/^AT\+CIPSTART failed: ERROR/);
      } finally { await endP(client, true); sim.close(); }
    }, 30_000);
  }

  it('an ESP8266 cannot load a CA: the start-up fails at AT+SYSMFG, nothing is sent unchecked', async () => {
    const { sim, client, commands } = device(tlsBroker.ports.good, tlsBroker.certs.pem['ca.crt'], 'esp8266');
    try {
      const closed = nextEvent(client, 'close', 20_000);
      client.connect();
      const reason = await closed;
      expect(reason?.message).toMatch(/^AT\+SYSMFG failed: ERROR/);
      expect(commands.some((line) => line.startsWith('AT+CIPSTART'))).toBe(false);
    } finally { await endP(client, true); sim.close(); }
  }, 30_000);
});
