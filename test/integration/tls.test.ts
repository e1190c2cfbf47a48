// mqtts:// (the transport alone, then createNodeClient) against mosquitto's TLS listeners with certificates the
// test made with openssl: the right CA connects, a wrong CA and a name mismatch are refused
// with clear errors, a client certificate gets through require_certificate.
import { it, expect, beforeAll, afterAll } from 'vitest';
import { NodeTcpTransport, type NodeTcpOptions } from '../../src/transport/node-tcp';
import { describeWithPeers, peers } from '../support/peers';
import { startTlsMosquitto, type TlsMosquitto } from '../support/tls-mosquitto';
import { rawConnect } from '../support/raw-mqtt';
import { createNodeClient, type NodeClientOptions } from '../../src/node/connect';
import { connected, publishAsync, subscribeAsync, endAsync } from '../../src/node/promise';
import { nextEvent, until, text } from '../support/wait';

describeWithPeers('TLS transport against mosquitto', [peers.mosquitto(), peers.openssl()], () => {
  let m: TlsMosquitto;
  beforeAll(async () => { m = await startTlsMosquitto(); });
  afterAll(async () => { await m?.stop(); });
  const tls = (port: number, o: Partial<NodeTcpOptions> = {}) => new NodeTcpTransport({ host: '127.0.0.1', port, tls: true, ...o });

  it('connects with the right CA and gets CONNACK 0', async () => {
    const r = await rawConnect(tls(m.ports.good, { ca: m.certs.pem['ca.crt'] }));
    expect(r.closeReason).toBeUndefined();
    expect(r.packets[0]).toMatchObject({ cmd: 'connack', returnCode: 0 });
  });

  it('refuses a server whose CA is not trusted: "TLS: certificate signed by an unknown CA"', async () => {
    const r = await rawConnect(tls(m.ports.good, { ca: m.certs.pem['other-ca.crt'] }));
    expect(r.opened).toBe(false);
    expect(r.packets).toEqual([]);
    expect(r.closeReason?.message).toBe('TLS: certificate signed by an unknown CA');
  });

  it('refuses with the system CAs only (no ca option) the same way', async () => {
    const r = await rawConnect(tls(m.ports.good));
    expect(r.opened).toBe(false);
    expect(r.closeReason?.message).toBe('TLS: certificate signed by an unknown CA');
  });

  it('refuses a certificate for another name: "TLS: host name 127.0.0.1 does not match the certificate"', async () => {
    const r = await rawConnect(tls(m.ports.wrongName, { ca: m.certs.pem['ca.crt'] }));
    expect(r.opened).toBe(false);
    expect(r.closeReason?.message).toBe('TLS: host name 127.0.0.1 does not match the certificate');
  });

  it('servername makes the name check use that name (the wrong-name certificate then passes)', async () => {
    const r = await rawConnect(tls(m.ports.wrongName, { ca: m.certs.pem['ca.crt'], servername: 'broker.example' }));
    expect(r.packets[0]).toMatchObject({ cmd: 'connack', returnCode: 0 });
  });

  it('rejectUnauthorized false accepts an untrusted certificate (tests only)', async () => {
    const r = await rawConnect(tls(m.ports.good, { rejectUnauthorized: false }));
    expect(r.packets[0]).toMatchObject({ cmd: 'connack', returnCode: 0 });
  });

  it('a client certificate from the CA passes require_certificate', async () => {
    const r = await rawConnect(tls(m.ports.clientCert, { ca: m.certs.pem['ca.crt'], cert: m.certs.pem['client.crt'], key: m.certs.pem['client.key'] }));
    expect(r.packets[0]).toMatchObject({ cmd: 'connack', returnCode: 0 });
  });

  it('without a client certificate require_certificate refuses, and the error says a certificate is required', async () => {
    const r = await rawConnect(tls(m.ports.clientCert, { ca: m.certs.pem['ca.crt'] }));
    expect(r.packets).toEqual([]);
    expect(r.closeReason?.message).toBe(`TLS: the broker at 127.0.0.1:${m.ports.clientCert} requires a client certificate (give cert and key)`);
  });

  it('TLS to a plain MQTT port says the port does not speak TLS', async () => {
    const plain = m.mosq.port;
    const r = await rawConnect(tls(plain, { ca: m.certs.pem['ca.crt'] }));
    expect(r.opened).toBe(false);
    expect(r.closeReason?.message).toMatch(/^(TLS: 127\.0\.0\.1:\d+ does not speak TLS \(is it a plain mqtt:\/\/ port\?\)|cannot connect to 127\.0\.0\.1:\d+: connection reset by the broker|cannot connect to 127\.0\.0\.1:\d+: closed before the connection was set up)$/);
  });

  // The same through createNodeClient and an mqtts:// URL, as a user writes it.
  const client = (port: number, o: NodeClientOptions) => createNodeClient(`mqtts://admin:password@127.0.0.1:${port}`, { logLevel: 'silent', reconnect: false, ...o });

  it('createNodeClient(mqtts://…) with the CA: QoS 1 round trip over TLS', async () => {
    const c = client(m.ports.good, { ca: m.certs.pem['ca.crt'] });
    try {
      const got: string[] = [];
      c.on('message', (_t, p) => got.push(text(p)));
      await connected(c);
      await subscribeAsync(c, 'tls/echo', { qos: 1 });
      await publishAsync(c, 'tls/echo', 'over TLS 现在天黑了', { qos: 1 });
      await until(() => got.length === 1, 'the echo');
      expect(got).toEqual(['over TLS 现在天黑了']);
    } finally { await endAsync(c); }
  });

  for (const [what, port, o, msg] of [
    ['a wrong CA', () => m.ports.good, () => ({ ca: m.certs.pem['other-ca.crt'] }), () => 'TLS: certificate signed by an unknown CA'],
    ['a name mismatch', () => m.ports.wrongName, () => ({ ca: m.certs.pem['ca.crt'] }), () => 'TLS: host name 127.0.0.1 does not match the certificate'],
  ] as [string, () => number, () => NodeClientOptions, () => string][]) {
    it(`createNodeClient refuses ${what}: 'close' carries the clear error, and it never connects`, async () => {
      const c = client(port(), o());
      let connects = 0;
      c.on('connect', () => { connects++; });
      const [reason] = await nextEvent(c, 'close');
      expect(reason?.message).toBe(msg());
      expect(connects).toBe(0);
      expect(c.state).toBe('closed');
      c.end(true);
    });
  }

  it('createNodeClient with a client certificate passes require_certificate', async () => {
    const c = client(m.ports.clientCert, { ca: m.certs.pem['ca.crt'], cert: m.certs.pem['client.crt'], key: m.certs.pem['client.key'] });
    try { await connected(c); expect(c.connected).toBe(true); } finally { await endAsync(c); }
  });

  it('createNodeClient refuses bad TLS material at once, naming what is wrong', () => {
    const pem = m.certs.pem;
    expect(() => createNodeClient('mqtt://127.0.0.1:1', { ca: pem['ca.crt'] })).toThrow('TLS options (ca/cert/key) given for a plain mqtt:// URL: use mqtts://');
    expect(() => createNodeClient('mqtts://127.0.0.1:1', { cert: pem['client.crt'] })).toThrow('TLS: give both cert and key for a client certificate, or neither');
    expect(() => createNodeClient('mqtts://127.0.0.1:1', { ca: m.certs.files['ca.crt'] })).toThrow('TLS: the ca option must be PEM text ("-----BEGIN …"), not a file name or other data: read the file first');
    expect(() => createNodeClient('mqtts://127.0.0.1:1', { cert: pem['server.crt'], key: pem['client.key'] })).toThrow('TLS: the key does not belong to the certificate');
  });

  it('the transport reports bad TLS material as one failed open (onClose with the reason), never a throw', async () => {
    const r = await rawConnect(tls(m.ports.good, { ca: [m.certs.pem['ca.crt'], 'ca.pem'] }));
    expect(r.opened).toBe(false);
    expect(r.closeReason?.message).toMatch(/^TLS: the ca option must be PEM text/);
  });
});
