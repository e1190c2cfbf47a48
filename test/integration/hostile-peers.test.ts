// glowmq sub and pub as processes against small fake brokers that misbehave: a broker that
// never answers CONNECT, a SUBACK that never comes, protocol violations after CONNACK, a
// retained message over the size limit, and an HTTP server on the port. Each ends with a clear
// line and mosquitto's exit code, or is reported on stderr while sub carries on.
import { afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import net from 'node:net';
import { startScriptedBroker, behave, type ScriptedBroker, type ScriptedConn } from '../support/hostile-broker';
import { until } from '../support/wait';
import { glowmq, run } from '../e2e/cli-process';

/** A PUBLISH (QoS 0) with a payload of `size` bytes, built by hand. */
function bigPublish(topic: string, size: number): Buffer {
  const name = Buffer.from(topic);
  const body = Buffer.concat([Buffer.from([name.length >> 8, name.length & 0xff]), name, Buffer.alloc(size, 0x61)]);
  const lengthBytes: number[] = [];
  let remaining = body.length;
  do { let byte = remaining % 128; remaining = Math.floor(remaining / 128); if (remaining) byte |= 0x80; lengthBytes.push(byte); } while (remaining);
  return Buffer.concat([Buffer.from([0x30, ...lengthBytes]), body]);
}

describe('hostile peers', () => {
  let broker: ScriptedBroker | undefined;
  let server: net.Server | http.Server | undefined;
  afterEach(async () => {
    await broker?.close();
    broker = undefined;
    if (server) await new Promise((resolve) => server!.close(resolve));
    server = undefined;
  });

  it('a broker that never sends CONNACK: sub -W 2 exits 27, not after the 30 s connect timeout', async () => {
    broker = await startScriptedBroker(() => {});
    const r = await run(['sub', '-p', String(broker.port), '-t', 'a', '-W', '2']);
    expect(r).toEqual({ code: 27, stdout: '', stderr: 'glowmq sub: timed out after 2 s (0 messages)\n' });
  }, 60_000);

  it('a SUBACK that never comes: sub -W 2 exits 27', async () => {
    broker = await startScriptedBroker((conn, packet) => { if (packet.cmd !== 'subscribe') behave(conn, packet); });
    const r = await run(['sub', '-p', String(broker.port), '-t', 'a', '-W', '2']);
    expect(r).toEqual({ code: 27, stdout: '', stderr: 'glowmq sub: timed out after 2 s (0 messages)\n' });
    expect(broker.conns[0].packets.map((p) => p.cmd)).toEqual(['connect', 'subscribe', 'disconnect']);
  }, 60_000);

  it('protocol violations after CONNACK are printed each time, without -d, and sub reconnects', async () => {
    // Each link: CONNACK, SUBACK, then a PUBLISH with QoS 3 (a header no broker may send).
    broker = await startScriptedBroker((conn, packet) => {
      behave(conn, packet);
      if (packet.cmd === 'subscribe') conn.sendRaw([0x36, 0x05, 0x00, 0x01, 0x61, 0x00, 0x01]);
    });
    const sub = glowmq(['sub', '-p', String(broker.port), '-t', 'a']);
    await until(() => (sub.stderr().match(/protocol violation/g) ?? []).length >= 2, 'two violations reported');
    expect(await sub.kill('SIGINT')).toBe(0);
    const lines = sub.stderr().trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(line).toMatch(new RegExp(`^glowmq sub: mqtt://127\\.0\\.0\\.1:${broker.port}: protocol violation: .*QoS.* \\(reconnecting\\)$`));
    expect(broker.conns.length).toBeGreaterThanOrEqual(2);
    expect(sub.stdout()).toBe('');
  }, 60_000);

  it('a retained message over --max-packet-size is reported with its size on stderr, and the next message is printed', async () => {
    let sentBig = false;
    broker = await startScriptedBroker((conn: ScriptedConn, packet) => {
      behave(conn, packet);
      if (packet.cmd !== 'subscribe') return;
      if (!sentBig) { sentBig = true; conn.sendRaw(bigPublish('big/one', 5000)); }
      conn.send({ cmd: 'publish', topic: 'big/two', payload: Buffer.from('small'), qos: 0, retain: false });
    });
    const r = await run(['sub', '-p', String(broker.port), '-t', 'big/#', '--max-packet-size', '1000', '-v', '-C', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('big/two small\n');
    // (The size is the payload's or the packet's, 5,000 or 5,009 bytes.)
    expect(r.stderr).toMatch(/^glowmq sub: .*\b500\d\b.*\b1000\b.*\n$/);
  }, 60_000);

  it('an HTTP server on the port: one line, exit 1, for sub and pub', async () => {
    const web = http.createServer((_req, res) => { res.end('hello'); });
    server = web;
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', () => resolve()));
    const port = (web.address() as net.AddressInfo).port;
    for (const args of [['sub', '-t', 'a', '-W', '20'], ['pub', '-t', 'a', '-m', 'x', '-q', '1']]) {
      const r = await run([...args, '-p', String(port)]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(new RegExp(`^glowmq ${args[0]}: mqtt://127\\.0\\.0\\.1:${port}: .+\\n$`));
    }
  }, 60_000);
});
