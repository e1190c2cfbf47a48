// `glowmq web` as a process, without a browser: what it serves (the page with its
// Content-Security-Policy and no credentials, 404 elsewhere, /mqtt only with the subprotocol
// mqtt), the relay to a broker's TCP port as a byte pipe (glowmq's own WebSocket transport
// through it to aedes), a broker that is down, and the warnings (not loopback; credentials in
// the URL, never printed).
import { describe, it, expect, afterEach } from 'vitest';
import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import WebSocket from 'ws';
import { glowmq, type Proc } from './cli-process';
import { startAedes } from '../support/aedes';
import { freePort } from '../support/mosquitto';
import { rawConnect } from '../support/raw-mqtt';
import { NodeWsTransport } from '../../src/transport/node-ws';
import tls from 'node:tls';
import net from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTlsCerts } from '../support/tls-certs';
import { describeWithPeers, peers } from '../support/peers';

let cleanup: (() => Promise<unknown> | void)[] = [];
afterEach(async () => { for (const undo of cleanup.reverse()) await undo(); cleanup = []; });

function web(args: string[]): Proc {
  const proc = glowmq(['web', ...args]);
  cleanup.push(() => proc.kill());
  return proc;
}
const printed = async (proc: Proc) => new URL((await proc.line(/^http:\/\/[^ ]+:\d+\/$/)).trim());

function get(url: string, headers: http.OutgoingHttpHeaders = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (client: Buffer) => chunks.push(client));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

describe('glowmq web', () => {
  it('serves one self-contained page with a strict CSP, gzipped when asked, no credentials inside; 404 elsewhere', async () => {
    const proc = web(['--broker', 'mqtt://127.0.0.1:1883', '--listen', '127.0.0.1:0', '--device', 'pi-1']);
    const url = await printed(proc);
    expect(url.hostname).toBe('127.0.0.1');
    const page = await get(url.href);
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/^default-src 'none'; script-src 'sha256-[^']+'; style-src 'sha256-[^']+'; connect-src 'self'/);
    const html = page.body.toString('utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('data-device="pi-1"');
    expect(html).not.toMatch(/data-(user|password)=|src="http|href="http/);
    const zipped = await get(url.href, { 'accept-encoding': 'gzip' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(zipped.body).toString('utf8')).toBe(html);
    expect((await get(url.href + 'favicon.ico')).status).toBe(404);
  });

  it('relays a WebSocket on /mqtt to the broker byte for byte: CONNECT and CONNACK pass, credentials from the client', async () => {
    const broker = await startAedes(); cleanup.push(() => broker.close());
    const proc = web(['--broker', `mqtt://127.0.0.1:${broker.port}`, '--listen', '127.0.0.1:0']);
    const url = await printed(proc);
    const result = await rawConnect(new NodeWsTransport({ host: '127.0.0.1', port: Number(url.port) }));
    expect(result.packets[0]).toMatchObject({ cmd: 'connack', returnCode: 0 });
    expect(broker.connects[0].username).toBe('admin');
    const refused = await rawConnect(new NodeWsTransport({ host: '127.0.0.1', port: Number(url.port) }), 'admin', 'wrong');
    expect(refused.packets[0]).toMatchObject({ cmd: 'connack', returnCode: 4 });
    await proc.line(/\[web\] browser 127\.0\.0\.1:\d+ ✕ broker/);
  });

  it('only /mqtt, only with the subprotocol mqtt', async () => {
    const proc = web(['--broker', 'mqtt://127.0.0.1:1883', '--listen', '127.0.0.1:0']);
    const url = await printed(proc);
    const wrongPath = await rawConnect(new NodeWsTransport({ host: '127.0.0.1', port: Number(url.port), path: '/ws' }));
    expect(wrongPath.closeReason?.message).toMatch(/HTTP 404/);
    const noProtocol = await new Promise<string>((resolve) => {
      const socket = new WebSocket(`ws://127.0.0.1:${url.port}/mqtt`);
      socket.on('close', (code) => resolve(String(code)));
      socket.on('error', () => {});
    });
    expect(noProtocol).toBe('1002');
  });

  it('a broker that is down: the WebSocket is closed and the reason is logged', async () => {
    const port = await freePort();
    const proc = web(['--broker', `mqtt://127.0.0.1:${port}`, '--listen', '127.0.0.1:0']);
    const url = await printed(proc);
    const result = await rawConnect(new NodeWsTransport({ host: '127.0.0.1', port: Number(url.port) }));
    expect(result.packets).toEqual([]);
    expect(result.closeReason?.message).toMatch(new RegExp(`^connection closed by 127\\.0\\.0\\.1:${url.port}`));
    expect(await proc.line(/✕ broker/)).toContain(`✕ broker 127.0.0.1:${port}: broker: ECONNREFUSED`);
  });

  it('warns when listening beyond loopback, and when the broker URL carries credentials (never printing them)', async () => {
    const proc = web(['--broker', 'mqtt://admin:S3cr3t-pw@127.0.0.1:1883', '--listen', '0.0.0.0:0']);
    const url = await printed(proc);
    expect(url.hostname).toBe('0.0.0.0');
    expect(proc.stderr()).toContain('[web] warning: the user name and password in --broker are not used: the page asks for them');
    expect(proc.stderr()).toContain('[web] warning: listening on 0.0.0.0, not loopback: anyone who can reach it gets the page and a relay to 127.0.0.1:1883');
    expect(proc.stderr() + proc.stdout()).not.toContain('S3cr3t-pw');
    expect(await proc.kill('SIGTERM')).toBe(0);
  });
});

describeWithPeers('glowmq web to an mqtts:// broker', [peers.openssl()], () => {
  it('relays to an mqtts:// broker with --cafile (TLS from the relay, plain WebSocket from the browser)', async () => {
    const certs = makeTlsCerts(); cleanup.push(() => certs.cleanup());
    const broker = await startAedes(); cleanup.push(() => broker.close());
    // TLS in front of aedes: a TLS server that hands each decrypted stream to the broker.
    const server = tls.createServer({ key: certs.pem['server.key'], cert: certs.pem['server.crt'] }, (socket) => broker.broker.handle(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const tlsPort = (server.address() as net.AddressInfo).port;
    const caFile = join(certs.dir, 'relay-ca.pem');
    writeFileSync(caFile, certs.pem['ca.crt']);
    const trusted = web(['--broker', `mqtts://127.0.0.1:${tlsPort}`, '--cafile', caFile, '--listen', '127.0.0.1:0']);
    const result = await rawConnect(new NodeWsTransport({ host: '127.0.0.1', port: Number((await printed(trusted)).port) }));
    expect(result.packets[0]).toMatchObject({ cmd: 'connack', returnCode: 0 });
    // Without the CA the relay refuses the broker's certificate, and says so.
    const untrusted = web(['--broker', `mqtts://127.0.0.1:${tlsPort}`, '--listen', '127.0.0.1:0']);
    const refused = await rawConnect(new NodeWsTransport({ host: '127.0.0.1', port: Number((await printed(untrusted)).port) }));
    expect(refused.packets).toEqual([]);
    expect(await untrusted.line(/✕ broker/)).toMatch(/✕ broker 127\.0\.0\.1:\d+: broker: (UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)/);
  });
});
