// glowmq pub/sub as drop-in mosquitto_pub/mosquitto_sub: each case runs Debian's mosquitto
// client and glowmq with the same arguments against the same mosquitto broker and the same
// messages, and compares stdout byte for byte and the exit code. Fields that print the time of
// receipt (%I, %U, @-fields, %j's tst) are compared in format only (digits masked).
//
// Messages reach both subscribers the same way: each tool first creates a persistent session
// with -c -i ID -E (exit once subscribed), the messages are published, then each tool runs the
// case's arguments with the same -c -i ID and receives the messages queued for it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithPeers, peers } from '../support/peers';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { until } from '../support/wait';
import { CLI, start } from './cli-process';

type Tool = 'mosquitto' | 'glowmq';
const TOOLS: Tool[] = ['mosquitto', 'glowmq'];

interface Outcome { code: number; stdout: Buffer }

describeWithPeers('glowmq pub/sub print what mosquitto_pub/mosquitto_sub print', [peers.mosquitto(), peers.mosquittoClients()], () => {
  let broker: Mosquitto;
  let dir: string;
  let auth: string[];
  let caseNo = 0;
  /** Client ids of the last subscribeBoth() sessions (one pair per call). */
  let sessionNo = 0;
  let lastIds: string[] = [];
  beforeAll(async () => {
    // QoS 0 messages are queued for an offline persistent session too, so every QoS can be compared.
    broker = await startMosquitto({ extraConfig: 'queue_qos0_messages true' });
    dir = mkdtempSync(join(tmpdir(), 'glowmq-parity-'));
    auth = ['-h', '127.0.0.1', '-p', String(broker.port), '-u', 'admin', '-P', 'password'];
  }, 90_000);
  afterAll(async () => { await broker?.stop(); rmSync(dir, { recursive: true, force: true }); });

  const command = (tool: Tool, which: 'pub' | 'sub') => tool === 'mosquitto' ? [`mosquitto_${which}`] : [process.execPath, CLI, which];
  function launch(tool: Tool, which: 'pub' | 'sub', args: string[], stdin?: string) {
    const [cmd, ...pre] = command(tool, which);
    return start(cmd, [...pre, ...auth, ...args], { stdin });
  }
  async function exec(tool: Tool, which: 'pub' | 'sub', args: string[], stdin?: string): Promise<Outcome & { stderr: string }> {
    const proc = launch(tool, which, args, stdin);
    const code = await proc.exited;
    return { code, stdout: proc.stdoutBytes(), stderr: proc.stderr() };
  }
  const mosquittoPub = async (args: string[], stdin?: string) => {
    const result = await exec('mosquitto', 'pub', args, stdin);
    expect(result.code, result.stderr).toBe(0);
  };

  /** A fresh topic prefix per case, so cases never see each other's messages. */
  const prefix = () => `parity${++caseNo}`;

  /**
   * Both tools subscribe `filters` in a persistent session, `publish` runs, then each tool runs
   * `args` with that session and the outcomes are returned (mosquitto's first).
   */
  async function subscribeBoth(filters: string[], qos: string, publish: () => Promise<void>, args: string[]): Promise<Outcome[]> {
    const ids = lastIds = TOOLS.map((tool) => `${tool}-${++sessionNo}`);
    const topicArgs = filters.flatMap((filter) => ['-t', filter]);
    for (const [i, tool] of TOOLS.entries()) {
      const primed = await exec(tool, 'sub', ['-c', '-i', ids[i], '-q', qos, '-E', ...topicArgs]);
      expect(primed.code, `${tool} -E: ${primed.stderr}`).toBe(0);
      expect(primed.stdout.length).toBe(0);
    }
    await publish();
    return Promise.all(TOOLS.map((tool, i) => exec(tool, 'sub', ['-c', '-i', ids[i], '-q', qos, ...topicArgs, ...args])));
  }

  /** Digits of time-of-receipt fields become 9: equal in format, not in value. */
  const maskTimes = (text: string) => text.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?([+-]\d{4})?/g, (t) => t.replace(/\d/g, '9'))
    .replace(/\d{10}(\.\d{9})?/g, (t) => t.replace(/\d/g, '9'));

  function expectSame(outcomes: Outcome[], mask = false): void {
    const [theirs, ours] = outcomes.map((o) => ({ code: o.code, stdout: mask ? maskTimes(o.stdout.toString('utf8')) : o.stdout.toString('latin1') }));
    expect(ours).toEqual(theirs);
  }

  const publishAll = (topic: string, messages: (string | null)[], extra: string[] = ['-q', '1']) => async () => {
    for (const message of messages) await mosquittoPub(['-t', topic, ...(message === null ? ['-n'] : ['-m', message]), ...extra]);
  };

  it('plain payloads, -v with an empty payload printing (null), -N', async () => {
    const t = prefix();
    const messages = ['hello', '现在天黑了', null, 'tab\there', 'a\nb'];
    for (const args of [['-C', '5'], ['-v', '-C', '5'], ['-v', '-N', '-C', '5'], ['-N', '-C', '5'], ['-V', 'mqttv311', '-C', '5']]) {
      expectSame(await subscribeBoth([`${t}/#`], '1', publishAll(`${t}/x`, messages), args));
    }
  }, 180_000);

  it('-F with every format code, escapes, field widths', async () => {
    const t = prefix();
    const messages = ['hello', '{"x": [1, 2.50, "é"], "o": {}}', null, 'x y'];
    const formats = [
      '%t|%p|%q|%r|%l|%m|%x|%X|%%|\\t|\\\\|\\e\\a\\v\\r|end\\n',
      '%5t|%-8t|%.3t|%05l|%-3l|%5m|%05m|%3q|%r',
      '%l %t',
    ];
    for (const format of formats) {
      expectSame(await subscribeBoth([`${t}/#`], '2', publishAll(`${t}/a`, messages, ['-q', '2']), ['-F', format, '-C', '4']));
    }
    for (const args of [['-F', '%j'], ['-F', '%J'], ['-F', '%j', '--pretty'], ['-F', '%J', '--pretty'], ['-F', '%j', '-N']]) {
      expectSame(await subscribeBoth([`${t}/#`], '1', publishAll(`${t}/b`, messages), [...args, '-C', '4']), true);
    }
  }, 180_000);

  it('-F time fields %I %U %j and @-fields match in format', async () => {
    const t = prefix();
    expectSame(await subscribeBoth([`${t}/#`], '1', publishAll(`${t}/c`, ['one', 'two']),
      ['-F', '%I|%U|@Y-@m-@dT@H:@M:@S.@N|@s|@@|@z|%j', '-C', '2']), true);
  }, 180_000);

  it('-T filters topics out; -U drops an old subscription; -q 2', async () => {
    const t = prefix();
    const publish = async () => {
      await publishAll(`${t}/keep`, ['k1'], ['-q', '2'])();
      await publishAll(`${t}/drop/x`, ['d1'], ['-q', '2'])();
      await publishAll(`${t}/keep`, ['k2'], ['-q', '2'])();
    };
    expectSame(await subscribeBoth([`${t}/#`], '2', publish, ['-T', `${t}/drop/#`, '-v', '-C', '2']));
    // Each session subscribed to a and b; -U b -E leaves only a, so the next run sees only a's message.
    const u = prefix();
    const outcomes = await subscribeBoth([`${u}/a`, `${u}/b`], '1', async () => {}, ['-U', `${u}/b`, '-E']);
    expectSame(outcomes);
    const ids = lastIds;
    await publishAll(`${u}/b`, ['from b'])();
    await publishAll(`${u}/a`, ['from a'])();
    expectSame(await Promise.all(TOOLS.map((tool, i) => exec(tool, 'sub', ['-c', '-i', ids[i], '-q', '1', '-t', `${u}/a`, '-v', '-C', '1']))));
  }, 180_000);

  it('retained: -R, --retained-only, --remove-retained; pub -r -n removes a retained message', async () => {
    const t = prefix();
    await mosquittoPub(['-t', `${t}/r1`, '-m', 'kept one', '-r', '-q', '1']);
    await mosquittoPub(['-t', `${t}/r2`, '-m', 'kept two', '-r', '-q', '1']);
    const both = (args: string[]) => Promise.all(TOOLS.map((tool) => exec(tool, 'sub', ['-t', `${t}/#`, ...args])));
    expectSame(await both(['-v', '-C', '2']));
    expectSame(await both(['--retained-only', '-v', '-W', '5']));
    expectSame(await both(['-R', '-W', '1']));
    // Each tool clears the retained messages in turn (and sees its own clearing messages come
    // back as empty live ones); afterwards a subscriber gets nothing.
    const clearing: Outcome[] = [];
    for (const tool of TOOLS) {
      // (-W, not -C: mosquitto_sub 2.0.11 never exits with --remove-retained -C.)
      clearing.push(await exec(tool, 'sub', ['-t', `${t}/#`, '--remove-retained', '-v', '-W', '2']));
      const after = await exec('mosquitto', 'sub', ['-t', `${t}/#`, '-W', '1']);
      expect({ tool, code: after.code, stdout: after.stdout.toString() }).toEqual({ tool, code: 27, stdout: '' });
      await mosquittoPub(['-t', `${t}/r1`, '-m', 'kept one', '-r', '-q', '1']);
      await mosquittoPub(['-t', `${t}/r2`, '-m', 'kept two', '-r', '-q', '1']);
    }
    expectSame(clearing);
    expect(clearing[0].stdout.toString()).toContain(`${t}/r2 kept two\n`);
    for (const tool of TOOLS) {
      const removed = await exec(tool, 'pub', ['-t', `${t}/r1`, '-r', '-n']);
      expect(removed.code).toBe(0);
      const left = await exec('mosquitto', 'sub', ['-t', `${t}/#`, '-v', '-W', '1']);
      expect({ tool, code: left.code, stdout: left.stdout.toString() }).toEqual({ tool, code: 27, stdout: `${t}/r2 kept two\n` });
      await mosquittoPub(['-t', `${t}/r1`, '-m', 'kept one', '-r', '-q', '1']);
    }
  }, 180_000);

  it('-W with nothing to receive exits 27; -E exits 0 once subscribed', async () => {
    const t = prefix();
    expectSame(await Promise.all(TOOLS.map((tool) => exec(tool, 'sub', ['-t', `${t}/none`, '-W', '1']))));
    expectSame(await Promise.all(TOOLS.map((tool) => exec(tool, 'sub', ['-t', `${t}/none`, '-E']))));
  }, 180_000);

  it('Ctrl-C exits 0', async () => {
    const t = prefix();
    const codes: number[] = [];
    for (const tool of TOOLS) {
      const id = `${tool}-int-${caseNo}`;
      const proc = launch(tool, 'sub', ['-t', `${t}/x`, '-i', id]);
      await until(() => broker.output.join('').includes(`as ${id} `), `${tool} connected`);
      codes.push(await proc.kill('SIGINT'));
      expect(proc.stdout()).toBe('');
    }
    expect(codes).toEqual([0, 0]);
  }, 180_000);

  /** What a watcher (mosquitto_sub, persistent session) receives from each tool's pub. */
  async function watchBoth(args: string[], count: number, stdin?: string): Promise<Outcome[]> {
    const t = prefix();
    const outcomes: Outcome[] = [];
    for (const tool of TOOLS) {
      const id = `watch-${tool}-${caseNo}`;
      expect((await exec('mosquitto', 'sub', ['-c', '-i', id, '-q', '2', '-t', `${t}/#`, '-E'])).code).toBe(0);
      const published = await exec(tool, 'pub', ['-t', `${t}/in`, ...args], stdin);
      expect(published.stderr).toBe('');
      const watched = await exec('mosquitto', 'sub', ['-c', '-i', id, '-q', '2', '-t', `${t}/#`, '-F', '%t %q %r %l|%p', '-C', String(count)]);
      outcomes.push({ code: published.code, stdout: Buffer.concat([published.stdout, Buffer.from(`--watched ${watched.code}--\n`), watched.stdout]) });
    }
    return outcomes;
  }

  it('pub -m, -n, -f, -s, -l (empty lines, \\r, a last line without newline), --repeat, -q 0/1/2', async () => {
    const file = join(dir, 'blob');
    writeFileSync(file, Buffer.from([0x68, 0x69, 0x0a, 0xe7, 0x8e, 0xb0]));
    expectSame(await watchBoth(['-m', '现在天黑了', '-q', '1'], 1));
    expectSame(await watchBoth(['-n', '-q', '2'], 1));
    expectSame(await watchBoth(['-f', file, '-q', '1'], 1));
    expectSame(await watchBoth(['-s', '-q', '2'], 1, 'line one\nline two\n'));
    expectSame(await watchBoth(['-l', '-q', '1'], 5, 'one\n\ntwo\r\nthree 三\nlast'));
    expectSame(await watchBoth(['-l', '-q', '0', '-V', 'mqttv311'], 3, 'a\nb\nc\n'));
    expectSame(await watchBoth(['-m', 'again', '-q', '1', '--repeat', '3', '--repeat-delay', '0.1'], 3));
  }, 180_000);

  it('--will-* flags: the broker publishes the will when the client vanishes', async () => {
    const t = prefix();
    const outcomes: Outcome[] = [];
    for (const tool of TOOLS) {
      // (sub only: pub -l would need a stdin left open; the will flags are the same code for both.)
      for (const which of ['sub'] as const) {
        const id = `will-${tool}-${which}-${caseNo}`;
        const watcher = launch('mosquitto', 'sub', ['-t', `${t}/will`, '-v', '-C', '1', '-i', `${id}-watcher`]);
        await until(() => broker.output.join('').includes(`as ${id}-watcher `), 'the watcher connected');
        const proc = launch(tool, which, ['-t', `${t}/idle`, '-i', id, '--will-topic', `${t}/will`, '--will-payload', `gone ${which}`, '--will-qos', '1', '--will-retain']);
        await until(() => broker.output.join('').includes(`as ${id} `), `${tool} ${which} connected`);
        proc.proc.kill('SIGKILL');
        await proc.exited;
        const code = await watcher.exited;
        const retained = await exec('mosquitto', 'sub', ['-t', `${t}/will`, '-F', '%t %r %q %p', '-C', '1']);
        outcomes.push({ code, stdout: Buffer.concat([watcher.stdoutBytes(), retained.stdout]) });
        await mosquittoPub(['-t', `${t}/will`, '-r', '-n']);
      }
    }
    expectSame(outcomes);
  }, 180_000);
});
