// glowmq pub / sub as processes against Debian's mosquitto (admin / password): UTF-8 round
// trips, -l lines in order, retained, -C, -W, credentials from env and file, and the exit
// codes with one clear line for refused credentials and for a message the broker will not take.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithPeers, peers } from '../support/peers';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { glowmq, run } from './cli-process';

describeWithPeers('glowmq pub/sub against mosquitto', [peers.mosquitto()], () => {
  let m: Mosquitto;
  let dir: string;
  let auth: string[];
  beforeAll(async () => {
    m = await startMosquitto();
    dir = mkdtempSync(join(tmpdir(), 'glowmq-cli-'));
    auth = ['-p', String(m.port), '-u', 'admin', '-P', 'password'];
  }, 90_000);
  afterAll(async () => { await m?.stop(); rmSync(dir, { recursive: true, force: true }); });

  it('sub -v -C 2 prints "topic payload" for QoS 1 UTF-8 messages and exits 0', async () => {
    const sub = glowmq(['sub', ...auth, '-t', 'lightChange', '-t', 'other/#', '-v', '-C', '2', '-q', '1', '-d']);
    expect(await sub.line(/subscribed/)).toBe('glowmq sub: subscribed to lightChange (QoS 1), other/# (QoS 1)');
    const r = await run(['pub', ...auth, '-t', 'lightChange', '-m', '现在天黑了', '-q', '1', '-d']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^glowmq pub: connected to mqtt:\/\/127\.0\.0\.1:\d+ as glowmq_[0-9a-f]{8}\nglowmq pub: delivered 15 bytes to lightChange \(QoS 1\)\n$/);
    expect((await run(['pub', ...auth, '-t', 'other/x/y', '-m', 'two', '-q', '2'])).code).toBe(0);
    expect(await sub.exited).toBe(0);
    expect(sub.stdout()).toBe('lightChange 现在天黑了\nother/x/y two\n');
  }, 90_000);

  it('pub -l sends each stdin line in order (the empty one as an empty message); password from MQTT_PASSWORD and --password-file', async () => {
    const pw = join(dir, 'pw');
    writeFileSync(pw, 'password\n');
    const sub = glowmq(['sub', '-p', String(m.port), '-u', 'admin', '--password-file', pw, '-t', 'lines/+', '-C', '5', '-q', '2', '-d']);
    await sub.line(/subscribed to lines\/\+ \(QoS 2\)/);
    const r = await run(['pub', '-p', String(m.port), '-u', 'admin', '-t', 'lines/a', '-l', '-q', '1'], { env: { MQTT_PASSWORD: 'password' }, stdin: 'one\n\ntwo 二\nthree\nfour\n' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(await sub.exited).toBe(0);
    expect(sub.stdout()).toBe('one\ntwo 二\nthree\nfour\n');
  }, 90_000);

  it('-n, -f and -s send an empty message, a file and standard input byte for byte', async () => {
    const file = join(dir, 'blob');
    writeFileSync(file, Buffer.from([0, 1, 2, 0xff, 0x0a, 0xe7, 0x8e]));
    const sub = glowmq(['sub', ...auth, '-t', 'raw', '-C', '3', '-q', '1', '-d']);
    await sub.line(/subscribed/);
    expect((await run(['pub', ...auth, '-t', 'raw', '-n', '-q', '1'])).code).toBe(0);
    expect((await run(['pub', ...auth, '-t', 'raw', '-f', file, '-q', '1'])).code).toBe(0);
    expect((await run(['pub', ...auth, '-t', 'raw', '-s', '-q', '1'], { stdin: 'line one\n现在天亮了' })).code).toBe(0);
    expect(await sub.exited).toBe(0);
    // The empty message prints nothing at all, as with mosquitto_sub.
    expect(Buffer.from(sub.stdoutBytes())).toEqual(Buffer.concat([Buffer.from([0, 1, 2, 0xff, 0x0a, 0xe7, 0x8e]), Buffer.from('\nline one\n现在天亮了\n')]));
  }, 90_000);

  it('-r retains: a later subscriber gets it; -R skips it; -W gives up with 27', async () => {
    expect((await run(['pub', ...auth, '-t', 'kept/x', '-m', 'on', '-r', '-q', '1'])).code).toBe(0);
    const r = await run(['sub', ...auth, '-t', 'kept/#', '-C', '1', '-v']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('kept/x on\n');
    const skip = await run(['sub', ...auth, '-t', 'kept/#', '-R', '-W', '2', '-d']);
    expect(skip.stdout).toBe('');
    expect(skip.code).toBe(27);
    // It was subscribed (so the retained message did arrive, and was skipped) before giving up.
    expect(skip.stderr).toMatch(/\nglowmq sub: subscribed to kept\/# \(QoS 0\)\nglowmq sub: timed out after 2 s \(0 messages\)\n$/);
  }, 90_000);

  it('refused credentials: exit 1 with one line, the password never shown', async () => {
    for (const cmd of [['pub', '-t', 'a', '-m', 'x'], ['sub', '-t', 'a']]) {
      const r = await run([cmd[0], '-p', String(m.port), '-u', 'admin', '-P', 'wrong-Secret-42', ...cmd.slice(1)]);
      expect(r.code).toBe(1);
      // mosquitto 2.0 answers a wrong password with CONNACK 5 (not authorised).
      expect(r.stderr).toBe(`glowmq ${cmd[0]}: mqtt://127.0.0.1:${m.port}: connection refused: not authorised\n`);
      expect(r.stdout + r.stderr).not.toContain('wrong-Secret-42');
    }
    const r = await run(['pub', '-L', `mqtt://admin:wrong-Secret-42@127.0.0.1:${m.port}/a`, '-m', 'x']);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('wrong-Secret-42');
  }, 90_000);
  it('a message the broker will not take (over its max_packet_size): pub gives up after 3 lost links, exit 1, one line', async () => {
    const small = await startMosquitto({ extraConfig: 'max_packet_size 2000' });
    try {
      const file = join(dir, 'big');
      writeFileSync(file, Buffer.alloc(5000, 0x61));
      const r = await run(['pub', '-p', String(small.port), '-u', 'admin', '-P', 'password', '-t', 'big', '-f', file, '-q', '1']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^glowmq pub: connection lost 3 times in a row before delivery \(last: .+\); the broker may be refusing the message, e\.g\. over its maximum packet size\n$/);
      expect(small.output.join('').match(/disconnected due to oversize packet/g)?.length).toBe(3);
    } finally { await small.stop(); }
  }, 90_000);
});
