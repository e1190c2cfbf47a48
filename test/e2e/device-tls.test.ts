// `glowmq device` over mqtts against mosquitto TLS listeners whose CA the test makes with
// openssl (test/support/tls-certs.ts, plus an expired server certificate made here with
// `openssl ca -enddate` in the past): --cafile connects; without it, with the wrong name and
// with the expired certificate the problem is named in one line on every failed attempt;
// --insecure connects and warns what it turns off; the config file's cafile/certfile/keyfile
// carry a client certificate; an unreadable --cafile is one line, exit 2.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeWithPeers, peers } from '../support/peers';
import { startTlsMosquitto, type TlsMosquitto } from '../support/tls-mosquitto';
import { startMosquitto, freePort, waitForPort, type Mosquitto } from '../support/mosquitto';
import { glowmq, run, type Proc } from './cli-process';
import { waitFor } from '../support/wait';

/** A server certificate for 127.0.0.1 from the test CA whose validity ended in 2020. */
function expiredServerCert(dir: string): { crt: string; key: string } {
  const file = (name: string) => join(dir, name);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  ssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file('expired.key'));
  ssl('req', '-new', '-key', file('expired.key'), '-subj', '/CN=127.0.0.1', '-out', file('expired.csr'));
  writeFileSync(file('index.txt'), '');
  writeFileSync(file('ca.cnf'), [
    '[ca]', 'default_ca = test', '[test]', `dir = ${dir}`, 'database = $dir/index.txt', 'new_certs_dir = $dir',
    'serial = $dir/expired.srl', 'default_md = sha256', 'policy = any', 'copy_extensions = none', 'x509_extensions = server',
    '[any]', 'commonName = supplied', '[server]', 'subjectAltName = IP:127.0.0.1', 'extendedKeyUsage = serverAuth', '',
  ].join('\n'));
  writeFileSync(file('expired.srl'), '1000\n');
  ssl('ca', '-batch', '-config', file('ca.cnf'), '-cert', file('ca.crt'), '-keyfile', file('ca.key'), '-in', file('expired.csr'),
    '-startdate', '20190101000000Z', '-enddate', '20200101000000Z', '-out', file('expired.crt'));
  return { crt: file('expired.crt'), key: file('expired.key') };
}

describeWithPeers('glowmq device over TLS (mosquitto, a CA made with openssl)', [peers.mosquitto(), peers.openssl()], () => {
  let tls: TlsMosquitto;
  let expired: Mosquitto;
  let expiredPort: number;
  const procs: Proc[] = [];
  const device = (url: string, extra: string[]) => {
    const proc = glowmq(['device', '--broker', url, '-u', 'admin', '-P', 'password', '--id', 'tlsdev', '--interval', '3600', '--no-discovery', ...extra]);
    procs.push(proc);
    return proc;
  };
  const count = (proc: Proc, re: RegExp) => proc.stderr().split('\n').filter((line) => re.test(line)).length;

  beforeAll(async () => {
    tls = await startTlsMosquitto();
    const cert = expiredServerCert(tls.certs.dir);
    expiredPort = await freePort();
    expired = await startMosquitto({ extraConfig: [`listener ${expiredPort} 127.0.0.1`, `certfile ${cert.crt}`, `keyfile ${cert.key}`].join('\n') });
    await waitForPort(expiredPort);
  });
  afterAll(async () => {
    for (const proc of procs) await proc.kill('SIGKILL');
    await expired?.stop();
    await tls?.stop();
  });

  it('--cafile connects', async () => {
    const dev = device(`mqtts://127.0.0.1:${tls.ports.good}`, ['--cafile', tls.certs.files['ca.crt']]);
    await dev.line(/connected to mqtts:\/\/127\.0\.0\.1:\d+ as tlsdev/);
    expect(dev.stderr()).not.toMatch(/insecure|TLS:/);
    expect(await dev.kill('SIGTERM')).toBe(0);
  });

  it('names the certificate problem in one line on every failed attempt: unknown CA, name mismatch, expired', async () => {
    const cases: [Proc, string][] = [
      [device(`mqtts://127.0.0.1:${tls.ports.good}`, []), 'TLS: certificate signed by an unknown CA'],
      [device(`mqtts://127.0.0.1:${tls.ports.wrongName}`, ['--cafile', tls.certs.files['ca.crt']]), 'TLS: host name 127.0.0.1 does not match the certificate'],
      [device(`mqtts://127.0.0.1:${expiredPort}`, ['--cafile', tls.certs.files['ca.crt']]), 'TLS: certificate has expired'],
    ];
    for (const [dev, problem] of cases) {
      const line = new RegExp(problem.replace(/\./g, '\\.'));
      await waitFor(`${problem}, twice`, () => count(dev, line) >= 2, 20_000);
      // One line per attempt: each attempt's line is the problem, or the reconnect notice.
      const lines = dev.stderr().split('\n').filter((text) => text && !/reconnecting in|device tlsdev via|offline queue:/.test(text));
      expect(lines.every((text) => line.test(text)), lines.join('\n')).toBe(true);
      expect(dev.stderr()).not.toMatch(/connected to/);
      expect(await dev.kill('SIGTERM')).toBe(0);
    }
  }, 60_000);

  it('--insecure connects to an untrusted broker and warns at start what it turns off', async () => {
    const dev = device(`mqtts://127.0.0.1:${tls.ports.good}`, ['--insecure']);
    const warning = await dev.line(/--insecure/);
    expect(warning).toMatch(/warning: --insecure: the broker's certificate is not verified \(any CA, any name, expired too\)/);
    await dev.line(/connected to mqtts:\/\/127\.0\.0\.1:\d+ as tlsdev/);
    expect(await dev.kill('SIGTERM')).toBe(0);
  });

  it('the config file\'s cafile, certfile and keyfile carry a client certificate to a broker that requires one', async () => {
    const files = tls.certs.files;
    const config = join(tls.certs.dir, 'device.json');
    writeFileSync(config, JSON.stringify({ cafile: files['ca.crt'], certfile: files['client.crt'], keyfile: files['client.key'] }));
    const dev = device(`mqtts://127.0.0.1:${tls.ports.clientCert}`, ['--config', config]);
    await dev.line(/connected to mqtts:\/\/127\.0\.0\.1:\d+ as tlsdev/);
    expect(await dev.kill('SIGTERM')).toBe(0);
  });

  it('an unreadable --cafile is one line, exit 2, before anything connects', async () => {
    const result = await run(['device', '--broker', `mqtts://127.0.0.1:${tls.ports.good}`, '--cafile', '/nonexistent/ca.crt', '--id', 'x']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n').at(-1)).toBe('glowmq device: cannot read --cafile /nonexistent/ca.crt: ENOENT');
  });
});
