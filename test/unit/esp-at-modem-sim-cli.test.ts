// `glowmq modem-sim` options: every flag's bad value is refused with a message naming the
// flag, the value and what is allowed; the emulator then really serves stdin/stdout.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { parseModemSimArgs, runModemSim, MODEM_SIM_USAGE } from '../../src/node/modem-sim-command';

describe('modem-sim arguments', () => {
  it('defaults, and every option', () => {
    expect(parseModemSimArgs(['--stdio'])).toMatchObject({ stdio: true, dialect: 'esp8266', baud: 115200, faults: [], seed: 1, auto: true, local: false });
    const a = parseModemSimArgs(['--stdio', '--dialect', 'nonos', '--baud', '0', '--fault', 'send-fail:3', '--fault', 'wifi-drop:2:100',
      '--seed', '9', '--ssid', 'lab', '--password', 'pw', '--no-autoconnect', '--local-only', '--log']);
    expect(a).toMatchObject({ dialect: 'nonos', baud: 0, seed: 9, ssid: 'lab', password: 'pw', auto: false, local: true, log: true });
    expect(a.faults).toEqual([{ kind: 'send-fail', n: 3, m: undefined }, { kind: 'wifi-drop', n: 2, m: 100 }]);
  });
  const bad: [string[], RegExp][] = [
    [['--dialect', 'esp8285'], /^--dialect "esp8285": expected nonos, esp8266 or esp32$/],
    [['--baud', 'fast'], /^--baud "fast": expected a non-negative integer$/],
    [['--baud', '50'], /^--baud 50: expected 0 \(unthrottled\) or 300\.\.5000000$/],
    [['--fault', 'meteor'], /^--fault "meteor": expected kind\[:n\[:m\]\] with kind one of send-fail, /],
    [['--fault', 'busy:x'], /^--fault "busy:x": n must be a positive integer, got "x"$/],
    [['--seed', '-1'], /^--seed "-1": expected a non-negative integer$/],
    [['--ssid'], /^--ssid: needs a value$/],
    [['--password', 'pw'], /^--password needs --ssid$/],
    [['--turbo'], /^unknown option "--turbo"/],
  ];
  for (const [argv, msg] of bad) {
    it(`refuses ${argv.join(' ')}`, () => {
      expect(() => parseModemSimArgs(['--stdio', ...argv])).toThrow(msg);
    });
  }
  it('runModemSim: exit code 2 and the reason on stderr for a bad flag; --help lists every fault kind', async () => {
    const writes: string[] = [];
    const orig = process.stderr.write.bind(process.stderr);
    (process.stderr as any).write = (s: string) => { writes.push(String(s)); return true; };
    try { expect(await runModemSim(['--stdio', '--baud', 'x'])).toBe(2); } finally { (process.stderr as any).write = orig; }
    expect(writes.join('')).toBe('glowmq modem-sim: --baud "x": expected a non-negative integer\n');
    for (const k of ['send-fail', 'send-error', 'busy', 'closed-mid-send', 'reset', 'split', 'wifi-drop', 'garble-ipd', 'interleave', 'hang', 'echo-urc', 'slow-connect']) expect(MODEM_SIM_USAGE).toContain(k);
  });
});

describe('modem-sim on stdin/stdout', () => {
  it('boots, answers AT commands, and never logs the Wi-Fi password', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/modem-sim-stdio.ts', '--stdio', '--baud', '0', '--log', '--no-autoconnect', '--ssid', 'lab', '--password', 'hunter2'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (d) => { out += d.toString('latin1'); });
    child.stderr.on('data', (d) => { err += String(d); });
    const until = async (f: () => boolean, what: string) => {
      const end = Date.now() + 20_000;
      while (!f()) { if (Date.now() > end) throw new Error(`waiting for ${what}: out=${JSON.stringify(out)} err=${err}`); await new Promise((r) => setTimeout(r, 10)); }
    };
    try {
      await until(() => out.includes('\r\nready\r\n'), 'ready');
      child.stdin.write('ATE0\r\nAT+CWJAP="lab","hunter2"\r\n');
      await until(() => out.includes('WIFI GOT IP\r\n\r\nOK\r\n'), 'the join');
      child.stdin.end();
      const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
      expect(code).toBe(0);
      expect(out.slice(out.indexOf('ATE0'))).toBe('ATE0\r\r\n\r\nOK\r\nWIFI CONNECTED\r\nWIFI GOT IP\r\n\r\nOK\r\n');
      expect(err).toContain('modem-sim: < AT+CWJAP="lab","***"');
      expect(err).toContain('modem-sim: stats {"commands":2,');
      expect(err).not.toContain('hunter2');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
