// The modem emulator, byte for byte (esp-at-tcp.md §11): boot, echo, the command parser,
// Wi-Fi, CIPSTART outcomes, counted sends per dialect, +IPD generation, and each fault.
// It opens real TCP connections to a server on 127.0.0.1 that the test plays.
import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import { ModemSim, parseArgs, type ModemSimOptions } from '../../src/sim/modem/modem-sim';
import { parseFault } from '../../src/sim/modem/faults';

const L = (s: string) => Buffer.from(s, 'latin1');
const open: { close(): void }[] = [];
afterEach(() => { while (open.length) open.pop()!.close(); });

function modem(o: ModemSimOptions = {}) {
  const sim = new ModemSim({ baud: 0, bootMs: 1, ...o });
  open.push(sim);
  let out = '';
  const reads: number[] = [];
  sim.onOutput((b) => { out += Buffer.from(b).toString('latin1'); reads.push(b.length); });
  const m = {
    sim, reads,
    get out() { return out; },
    send: (s: string | Buffer) => sim.input(typeof s === 'string' ? L(s) : s),
    /** Wait until the output contains `s` (after what was already taken), return it all and reset. */
    async take(s: string | RegExp, ms = 3000): Promise<string> {
      const end = Date.now() + ms;
      while (!(typeof s === 'string' ? out.includes(s) : s.test(out))) {
        if (Date.now() > end) throw new Error(`no ${JSON.stringify(String(s))} in ${JSON.stringify(out)}`);
        await new Promise((r) => setTimeout(r, 2));
      }
      const all = out;
      out = '';
      return all;
    },
    async cmd(line: string, until = /\r\n(OK|ERROR|FAIL)\r\n$/): Promise<string> { m.send(line + '\r\n'); return m.take(until); },
  };
  return m;
}
async function booted(o: ModemSimOptions = {}) {
  const m = modem(o);
  m.sim.start();
  await m.take(o.autoConnect === false ? 'ready\r\n' : 'WIFI GOT IP\r\n');
  await m.cmd('ATE0');
  return m;
}

/** A TCP server on 127.0.0.1 whose one connection the test holds. */
async function server() {
  const conns: net.Socket[] = [];
  let got = Buffer.alloc(0);
  const srv = net.createServer((c) => { conns.push(c); c.on('data', (d) => { got = Buffer.concat([got, d]); }); c.on('error', () => {}); });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const s = {
    port: (srv.address() as net.AddressInfo).port,
    get conn() { return conns[conns.length - 1]; },
    get got() { return got.toString('latin1'); },
    close() { for (const c of conns) c.destroy(); srv.close(); },
  };
  open.push(s);
  return s;
}
async function linked(o: ModemSimOptions = {}) {
  const srv = await server();
  const m = await booted(o);
  expect(await m.cmd(`AT+CIPSTART="TCP","127.0.0.1",${srv.port}`)).toBe('CONNECT\r\n\r\nOK\r\n');
  return { m, srv };
}

describe('boot and echo', () => {
  it('NonOS: ROM garbage, ready, auto-connect URCs', async () => {
    const m = modem({ dialect: 'nonos' });
    m.sim.start();
    const s = await m.take('WIFI GOT IP\r\n');
    const i = s.indexOf('\r\nready\r\n');
    expect(i).toBeGreaterThan(30);
    expect([...s.slice(0, i)].every((c) => c.charCodeAt(0) >= 0x80)).toBe(true);
    expect(s.slice(i)).toBe('\r\nready\r\nWIFI CONNECTED\r\nWIFI GOT IP\r\n');
  });
  it('ESP32: only the banner; without saved credentials, no Wi-Fi URCs', async () => {
    const m = modem({ dialect: 'esp32', autoConnect: false });
    m.sim.start();
    expect(await m.take('ready\r\n')).toBe('\r\nready\r\n');
  });
  it('echo is on after boot (AT\\r\\r\\n), ATE0 is still echoed, then silence', async () => {
    const m = modem({ autoConnect: false });
    m.sim.start();
    await m.take('ready\r\n');
    expect(await m.cmd('AT')).toBe('AT\r\r\n\r\nOK\r\n');
    expect(await m.cmd('ATE0')).toBe('ATE0\r\r\n\r\nOK\r\n');
    expect(await m.cmd('AT')).toBe('\r\nOK\r\n');
    expect(await m.cmd('ATE1')).toBe('\r\nOK\r\n');
    expect(await m.cmd('AT')).toBe('AT\r\r\n\r\nOK\r\n');
  });
  it('input before ready is lost, like on the real module', async () => {
    const m = modem({ bootMs: 30, autoConnect: false });
    m.sim.start();
    m.send('AT\r\n');
    await m.take('ready\r\n');
    expect(m.sim.stats.commands).toEqual([]);
  });
});

describe('command parser', () => {
  it('blank, unknown and over-long lines get ERROR', async () => {
    const m = await booted();
    expect(await m.cmd('')).toBe('\r\nERROR\r\n');
    expect(await m.cmd('HELLO')).toBe('\r\nERROR\r\n');
    expect(await m.cmd('AT+NOPE')).toBe('\r\nERROR\r\n');
    expect(await m.cmd('AT+' + 'X'.repeat(300))).toBe('\r\nERROR\r\n');
    expect(m.sim.stats.unknown).toBe(4);
  });
  it('quoted parameters with \\\\ \\" \\, escapes', () => {
    expect(parseArgs('"my\\,net","p\\"w\\\\",1883')).toEqual(['my,net', 'p"w\\', 1883]);
    expect(parseArgs('"open')).toBeNull();
    expect(parseArgs('"a",x')).toBeNull();
  });
  it('AT+GMR per dialect, and _CUR variants only on NonOS', async () => {
    const n = await booted({ dialect: 'nonos' });
    expect(await n.cmd('AT+GMR')).toMatch(/^AT version:1\.7\.0\.0.*\r\nBin version\(Wroom 02\):v1\.7\.0\r\n\r\nOK\r\n$/s);
    expect(await n.cmd('AT+CWMODE_CUR=1')).toBe('\r\nOK\r\n');
    const e = await booted({ dialect: 'esp32' });
    expect(await e.cmd('AT+GMR')).toMatch(/^AT version:2\.2\.0\.0-dev\(ca41ec4 - ESP32/);
    expect(await e.cmd('AT+CWMODE_CUR=1')).toBe('\r\nERROR\r\n');
    expect(await e.cmd('AT+CWMODE=1')).toBe('\r\nOK\r\n');
  });
  it('a command line during a running command is answered busy p... and discarded', async () => {
    const m = await booted({ joinMs: 100 });
    m.send('AT+CWJAP="lab","pw"\r\n');
    m.send('AT+CIPMUX=0\r\n');
    const s = await m.take('\r\nOK\r\n');
    expect(s.startsWith('\r\nbusy p...\r\n')).toBe(true);
    expect(m.sim.stats.hostBusy).toBe(1);
    expect(m.sim.stats.commands).toEqual(['ATE0', 'AT+CWJAP="lab","pw"']);
  });
});

describe('Wi-Fi', () => {
  it('CWJAP against the access point in range: codes 3 and 2, then success; CIFSR follows the lease', async () => {
    for (const [dialect, term] of [['nonos', 'FAIL'], ['esp32', 'ERROR']] as const) {
      const m = await booted({ dialect, autoConnect: false, network: { ssid: 'my,net', password: 'p"w' } });
      expect(await m.cmd('AT+CIFSR')).toContain('+CIFSR:STAIP,"0.0.0.0"');
      expect(await m.cmd('AT+CWJAP="other","p\\"w"')).toBe(`+CWJAP:3\r\n\r\n${term}\r\n`);
      expect(await m.cmd('AT+CWJAP="my\\,net","bad"')).toBe(`+CWJAP:2\r\n\r\n${term}\r\n`);
      expect(await m.cmd('AT+CWJAP="my\\,net","p\\"w"')).toBe('WIFI CONNECTED\r\nWIFI GOT IP\r\n\r\nOK\r\n');
      expect(await m.cmd('AT+CIFSR')).toContain('+CIFSR:STAIP,"192.168.4.2"');
      expect(await m.cmd('AT+CWJAP="my\\,net","p\\"w"')).toBe('WIFI DISCONNECT\r\nWIFI CONNECTED\r\nWIFI GOT IP\r\n\r\nOK\r\n');
    }
  });
  it('scripted join failure codes 1..4', async () => {
    for (let code = 1; code <= 4; code++) {
      const m = await booted({ joinCode: code, autoConnect: false });
      expect(await m.cmd('AT+CWJAP="a","b"')).toBe(`+CWJAP:${code}\r\n\r\nERROR\r\n`);
    }
  });
});

describe('TCP link', () => {
  it('CIPSTART outcomes: no ip, DNS Fail (NonOS), refused, connected, ALREADY CONNECTED', async () => {
    const srv = await server();
    const n = await booted({ dialect: 'nonos', autoConnect: false });
    expect(await n.cmd(`AT+CIPSTART="TCP","127.0.0.1",${srv.port}`)).toBe('no ip\r\n\r\nERROR\r\n');
    await n.cmd('AT+CWJAP_CUR="x","y"');
    expect(await n.cmd('AT+CIPSTART="TCP","broker.example",1883')).toBe('DNS Fail\r\n\r\nERROR\r\n');
    const dead = await new Promise<number>((r) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => r(p)); }); });
    expect(await n.cmd(`AT+CIPSTART="TCP","127.0.0.1",${dead}`)).toBe('\r\nERROR\r\n');
    expect(await n.cmd(`AT+CIPSTART="TCP","127.0.0.1",${srv.port}`)).toBe('CONNECT\r\n\r\nOK\r\n');
    expect(await n.cmd(`AT+CIPSTART="TCP","127.0.0.1",${srv.port}`)).toBe('ALREADY CONNECTED\r\n\r\nERROR\r\n');
    expect(await n.cmd('AT+CIPMUX=0')).toBe('link is builded\r\n\r\nERROR\r\n');
    expect(await n.cmd('AT+CIPSTATUS')).toMatch(/^STATUS:3\r\n\+CIPSTATUS:0,"TCP","127\.0\.0\.1",\d+,\d+,0\r\n\r\nOK\r\n$/);
    const e = await booted({ dialect: 'esp32' });
    expect(await e.cmd('AT+CIPSTART="TCP","broker.example",1883')).toBe('\r\nERROR\r\n');
  });
  for (const [dialect, prompt, recv] of [
    ['nonos', '\r\nOK\r\n> ', '\r\nRecv 7 bytes\r\n'],
    ['esp8266', '\r\nOK\r\n\r\n>', 'Recv 7 bytes\r\n'],
    ['esp32', '\r\nOK\r\n\r\n>', '\r\nRecv 7 bytes\r\n'],
  ] as const) {
    it(`${dialect}: CIPSEND prompt, exactly n raw bytes, Recv, SEND OK; the peer gets them`, async () => {
      const { m, srv } = await linked({ dialect });
      expect(await m.cmd('AT+CIPSEND=7', /[> ]$/)).toBe(prompt);
      m.send(L('\r\nOK\x00\xff>'));
      expect(await m.take('SEND OK\r\n')).toBe(recv + '\r\nSEND OK\r\n');
      await until(() => srv.got === '\r\nOK\x00\xff>');
      expect(await m.cmd('AT')).toBe('\r\nOK\r\n'); // back in command mode
    });
  }
  it('CIPSEND rejections: too long (NonOS), no link', async () => {
    const { m } = await linked({ dialect: 'nonos' });
    expect(await m.cmd('AT+CIPSEND=2049')).toBe('too long\r\n\r\nERROR\r\n');
    expect(await m.cmd('AT+CIPCLOSE')).toBe('CLOSED\r\n\r\nOK\r\n');
    expect(await m.cmd('AT+CIPCLOSE')).toBe('\r\nERROR\r\n');
    expect(await m.cmd('AT+CIPSEND=5')).toBe('link is not valid\r\n\r\nERROR\r\n');
    const e = await booted({ dialect: 'esp32' });
    expect(await e.cmd('AT+CIPSEND=5')).toBe('\r\nERROR\r\n');
  });
  it('NonOS: a line feed between the payload and SEND OK gets busy s...', async () => {
    const { m } = await linked({ dialect: 'nonos', sendOkMs: 50 });
    await m.cmd('AT+CIPSEND=2', /> $/);
    m.send('ab\r\n');
    expect(await m.take('SEND OK\r\n')).toBe('\r\nRecv 2 bytes\r\n\r\nbusy s...\r\n\r\nSEND OK\r\n');
  });
  it('+IPD: the peer\'s data in frames of at most 1460 (NonOS) / 2920 (ESP-AT) bytes, then CLOSED', async () => {
    for (const [dialect, max] of [['nonos', 1460], ['esp8266', 2920]] as const) {
      const { m, srv } = await linked({ dialect });
      const data = Buffer.alloc(4000, 0x41);
      srv.conn.end(data);
      const s = await m.take('CLOSED\r\n');
      const frames = [...s.matchAll(/\r\n\+IPD,(\d+):/g)].map((x) => +x[1]);
      expect(frames.every((n) => n <= max)).toBe(true);
      expect(frames.reduce((a, b) => a + b, 0)).toBe(4000);
      expect(s.replace(/\r\n\+IPD,\d+:/g, '')).toBe('A'.repeat(4000) + 'CLOSED\r\n');
    }
  });
});

async function until(f: () => boolean, ms = 3000) {
  const end = Date.now() + ms;
  while (!f()) { if (Date.now() > end) throw new Error('timed out'); await new Promise((r) => setTimeout(r, 2)); }
}

describe('faults', () => {
  it('--fault syntax: kinds, numbers, and errors that name the value', () => {
    expect(parseFault('send-fail:3')).toEqual({ kind: 'send-fail', n: 3, m: undefined });
    expect(parseFault('wifi-drop:2:250')).toEqual({ kind: 'wifi-drop', n: 2, m: 250 });
    expect(parseFault('busy').n).toBe(3);
    expect(() => parseFault('explode:1')).toThrow(/"explode:1".*kind one of send-fail/);
    expect(() => parseFault('reset:0')).toThrow(/n must be a positive integer, got "0"/);
  });
  it('send-fail: SEND FAIL after Recv, then CLOSED; the payload never reaches the peer', async () => {
    const { m, srv } = await linked({ dialect: 'esp32', faults: [parseFault('send-fail:2')] });
    await m.cmd('AT+CIPSEND=3', />$/); m.send('one');
    await m.take('SEND OK\r\n');
    await m.cmd('AT+CIPSEND=3', />$/); m.send('two');
    expect(await m.take('CLOSED\r\n')).toBe('\r\nRecv 3 bytes\r\n\r\nSEND FAIL\r\nCLOSED\r\n');
    await until(() => srv.got === 'one');
    expect(m.sim.stats.faults['send-fail']).toBe(1);
  });
  it('closed-mid-send: CLOSED during the data phase, the n bytes still absorbed, then SEND FAIL', async () => {
    const { m } = await linked({ dialect: 'esp32', faults: [parseFault('closed-mid-send:1')] });
    await m.cmd('AT+CIPSEND=4', />$/);
    m.send('ab');
    expect(await m.take('CLOSED\r\n')).toBe('CLOSED\r\n');
    m.send('cd');
    expect(await m.take('SEND FAIL\r\n')).toBe('\r\nRecv 4 bytes\r\n\r\nSEND FAIL\r\n');
    expect(await m.cmd('AT')).toBe('\r\nOK\r\n');
  });
  it('reset at a byte offset: output cut exactly there, then the boot sequence; state is gone', async () => {
    const m = modem({ autoConnect: false, faults: [parseFault('reset:60')] });
    m.sim.start();
    await m.take('ready\r\n'); // 9 bytes
    m.send('ATE0\r\n'); // echo 'ATE0\r\r\n' 7 + OK 6 = 22
    await m.take('OK\r\n');
    m.send('AT+GMR\r\n'); // cut inside the GMR reply, at output byte 60
    const s = await m.take('ready\r\n');
    expect(s.indexOf('\r\nready\r\n')).toBe(60 - 22);
    expect(s.slice(0, 38)).toBe('AT version:2.2.0.0(b097cdf - ESP8266 -');
    expect(await m.cmd('AT')).toBe('AT\r\r\n\r\nOK\r\n'); // echo is back on
    expect(m.sim.stats.resets).toBe(1);
  });
  it('garble-ipd: a non-digit in the +IPD length', async () => {
    const { m, srv } = await linked({ faults: [parseFault('garble-ipd:1')] });
    srv.conn.write('hello!');
    expect(await m.take('hello!')).toBe('\r\n+IPD,Z:hello!');
  });
  it('busy: a spurious busy p... after every n-th reply', async () => {
    const m = await booted({ faults: [parseFault('busy:2')] });
    expect(await m.cmd('AT', /busy p\.\.\.\r\n$/)).toBe('\r\nOK\r\n\r\nbusy p...\r\n');
    expect(await m.cmd('AT')).toBe('\r\nOK\r\n');
  });
  it('hang: every line answered busy p... until AT+RST reboots the module', async () => {
    const m = await booted({ faults: [parseFault('hang:2')] });
    m.send('AT\r\n');
    expect(await m.cmd('AT', /busy p\.\.\.\r\n$/)).toBe('\r\nbusy p...\r\n');
    m.send('AT+RST\r\n');
    expect(await m.take('WIFI GOT IP\r\n')).toBe('\r\nready\r\nWIFI CONNECTED\r\nWIFI GOT IP\r\n');
  });
  it('wifi-drop: WIFI DISCONNECT and CLOSED, no ip meanwhile, then the module rejoins', async () => {
    const { m } = await linked({ dialect: 'esp32', faults: [parseFault('wifi-drop:1:80')] });
    await m.cmd('AT+CIPSEND=1', />$/); m.send('x');
    expect(await m.take('CLOSED\r\n')).toBe('\r\nRecv 1 bytes\r\n\r\nSEND OK\r\nWIFI DISCONNECT\r\nCLOSED\r\n');
    expect(await m.cmd('AT+CIPSTART="TCP","127.0.0.1",1')).toBe('no ip\r\n\r\nERROR\r\n');
    expect(await m.take('WIFI GOT IP\r\n')).toBe('WIFI CONNECTED\r\nWIFI GOT IP\r\n');
  });
  it('echo-urc: a URC inside the echo of a command line', async () => {
    const m = modem({ autoConnect: false, faults: [parseFault('echo-urc:2')] });
    m.sim.start();
    await m.take('ready\r\n');
    expect(await m.cmd('AT')).toBe('AT\r\r\n\r\nOK\r\n');
    expect(await m.cmd('AT+GMR')).toMatch(/^ATWIFI CONNECTED\r\n\+GMR\r\r\nAT version:/);
  });
  it('slow-connect: CIPSTART answers late, busy p... meanwhile', async () => {
    const srv = await server();
    const m = await booted({ faults: [parseFault('slow-connect:1:150')] });
    m.send(`AT+CIPSTART="TCP","127.0.0.1",${srv.port}\r\n`);
    await until(() => srv.conn !== undefined);
    m.send('AT+CIPCLOSE\r\n');
    expect(await m.take('OK\r\n')).toBe('\r\nbusy p...\r\nCONNECT\r\n\r\nOK\r\n');
    expect(m.sim.linked).toBe(true);
  });
  it('split: the host sees reads of 1..n bytes', async () => {
    const m = modem({ autoConnect: false, faults: [parseFault('split:3')] });
    m.sim.start();
    await m.take('ready\r\n');
    await m.cmd('AT+GMR');
    expect(m.reads.length).toBeGreaterThan(30);
    expect(Math.max(...m.reads)).toBeLessThanOrEqual(3);
  });
  it('interleave: data held from the peer lands between OK and >, after >, and before SEND OK', async () => {
    const { m, srv } = await linked({ faults: [parseFault('interleave:1:2000')] });
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      srv.conn.write(`d${i}`);
      await new Promise((r) => setTimeout(r, 5));
      m.send('AT+CIPSEND=1\r\n');
      await until(() => m.out.includes('>'));
      m.send('z');
      seen.push(await m.take('SEND OK\r\n'));
    }
    expect(seen[0]).toBe('\r\nOK\r\n\r\n+IPD,2:d0\r\n>Recv 1 bytes\r\n\r\nSEND OK\r\n');
    expect(seen[1]).toBe('\r\nOK\r\n\r\n>\r\n+IPD,2:d1Recv 1 bytes\r\n\r\nSEND OK\r\n');
    expect(seen[2]).toBe('\r\nOK\r\n\r\n>Recv 1 bytes\r\n\r\n+IPD,2:d2\r\nSEND OK\r\n');
  });
});
