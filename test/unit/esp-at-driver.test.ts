// The AT driver against scripted module output (esp-at-tcp.md §1-§7): start-up per dialect,
// Wi-Fi join errors, counted sends, every +IPD split, the §7 interleavings, hostile
// payloads, and every way a link dies. Time is a FakePlatform clock.
import { describe, it, expect } from 'vitest';
import { FakePlatform } from '../support/fake-platform';
import { createModem, type EspAtOptions } from '../../src/transport/esp-at/modem';
import type { Transport } from '../../src/core/types';

const NONOS_GMR = 'AT version:1.7.0.0(Aug 16 2018 00:57:04)\r\nSDK version:3.0.0(d49923c)\r\ncompile time:Aug 23 2018\r\nBin version(Wroom 02):v1.7.0\r\nOK\r\n';
const ESP32_GMR = 'AT version:2.2.0.0-dev(ca41ec4 - ESP32 - Sep 16 2020 11:28:17)\r\nSDK version:v4.0\r\ncompile time(98b95fc):Oct 29 2020\r\nBin version:2.1.0(MINI-1)\r\n\r\nOK\r\n';
const ESP8266_GMR = 'AT version:2.2.0.0(b097cdf - ESP8266 - Jun 17 2021 12:57:45)\r\nSDK version:v3.4\r\n\r\nOK\r\n';

const L = (s: string) => Buffer.from(s, 'latin1');
const S = (b: Uint8Array) => Buffer.from(b).toString('latin1');

function rig(opts: Partial<EspAtOptions> = {}) {
  const p = new FakePlatform();
  const out: string[] = [];
  let feedFn: (b: Uint8Array) => void = () => { throw new Error('no reader'); };
  const modem = createModem({ write: (b) => out.push(S(b)), onData: (fn) => { feedFn = fn; } }, p, { host: '10.0.0.7', port: 1883, passive: false, ...opts });
  const r = {
    p, modem, out,
    feed: (s: string | Uint8Array) => feedFn(typeof s === 'string' ? L(s) : s),
    /** Everything the host wrote since the last take. */
    take: () => { const s = out.join(''); out.length = 0; return s; },
    /** Expect exactly this command line from the host, then answer it. */
    expect(cmd: string, answer: string) { expect(r.take()).toBe(cmd + '\r\n'); r.feed(answer); },
  };
  return r;
}

function watch(t: Transport) {
  const ev: string[] = [];
  let data = '';
  const errs: (Error | undefined)[] = [];
  t.open({
    onOpen: () => ev.push('open'),
    onData: (b) => { data += S(b); },
    onDrain: () => ev.push('drain'),
    onClose: (e) => { ev.push('close'); errs.push(e); },
  });
  return { ev, errs, data: () => data, reset: () => { data = ''; } };
}

type Rig = ReturnType<typeof rig>;
/** Answer the start-up sequence for a dialect, and the CIPSTART. */
function startUp(r: Rig, gmr = ESP32_GMR, join?: string) {
  r.expect('AT', 'AT\r\r\n\r\nOK\r\n');
  r.expect('ATE0', 'ATE0\r\r\n\r\nOK\r\n');
  r.expect('AT+GMR', gmr);
  const cur = gmr === NONOS_GMR ? '_CUR' : '';
  r.expect(`AT+CWMODE${cur}=1`, '\r\nOK\r\n');
  if (join) r.expect(join, 'WIFI CONNECTED\r\nWIFI GOT IP\r\n\r\nOK\r\n');
  r.expect('AT+CIPMUX=0', '\r\nOK\r\n');
  r.expect('AT+CIPSTART="TCP","10.0.0.7",1883', 'CONNECT\r\n\r\nOK\r\n');
}
function openLink(r: Rig, gmr = ESP32_GMR) {
  const w = watch(r.modem.transport());
  startUp(r, gmr);
  expect(w.ev).toEqual(['open']);
  return w;
}

describe('start-up', () => {
  it('NonOS: _CUR commands, escaped join, single link, then CIPSTART', () => {
    const r = rig({ ssid: 'my,"ssid"\\', password: 'p"w' });
    const w = watch(r.modem.transport());
    startUp(r, NONOS_GMR, 'AT+CWJAP_CUR="my\\,\\"ssid\\"\\\\","p\\"w"');
    expect(w.ev).toEqual(['open']);
    expect(r.modem.dialect()).toBe('nonos');
  });
  it('ESP-AT: plain names; ESP8266 and ESP32 told apart', () => {
    const a = rig();
    openLink(a, ESP8266_GMR);
    expect(a.modem.dialect()).toBe('esp8266');
    const b = rig();
    openLink(b, ESP32_GMR);
    expect(b.modem.dialect()).toBe('esp32');
  });
  it('an unsolicited ready while probing answers the probe (module was booting)', () => {
    const r = rig();
    const w = watch(r.modem.transport());
    expect(r.take()).toBe('AT\r\n');
    r.feed(L('\x83\xf1\x9a garbage \xfe\r\n\x90'));
    r.feed('\r\nready\r\nWIFI CONNECTED\r\nWIFI GOT IP\r\n');
    expect(r.take()).toBe(''); // settling after the boot
    r.feed('AT\r\r\n\r\nOK\r\n'); // the probe, answered late: nothing is pending, so it is dropped
    r.p.advance(500);
    r.expect('ATE0', '\r\nOK\r\n');
    r.expect('AT+GMR', ESP32_GMR);
    r.expect('AT+CWMODE=1', '\r\nOK\r\n');
    r.expect('AT+CIPMUX=0', '\r\nOK\r\n');
    r.expect('AT+CIPSTART="TCP","10.0.0.7",1883', 'CONNECT\r\n\r\nOK\r\n');
    expect(w.ev).toEqual(['open']);
  });
  it('a silent module is reset with AT+RST and the start-up waits for ready', () => {
    const r = rig();
    const w = watch(r.modem.transport());
    expect(r.take()).toBe('AT\r\n');
    r.p.advance(2000);
    expect(r.take()).toBe('AT+RST\r\n');
    r.feed('\r\nOK\r\n'); // OK alone does not end a reset
    expect(r.take()).toBe('');
    r.feed('\r\nready\r\n');
    r.p.advance(499);
    expect(r.take()).toBe('');
    r.p.advance(1);
    expect(r.take()).toBe('ATE0\r\n');
    expect(w.ev).toEqual([]);
  });
  it('a module that never answers fails the open with a timeout, naming the command', () => {
    const r = rig();
    const w = watch(r.modem.transport());
    r.p.advance(2000);
    r.p.advance(10000);
    expect(w.ev).toEqual(['close']);
    expect(w.errs[0]!.message).toBe('AT+RST timed out');
  });
  it('Wi-Fi already up (WIFI GOT IP seen) skips the join', () => {
    const r = rig({ ssid: 'net', password: 'pw' });
    const w = watch(r.modem.transport());
    r.expect('AT', '\r\nready\r\nWIFI CONNECTED\r\nWIFI GOT IP\r\n');
    r.p.advance(500);
    r.expect('ATE0', '\r\nOK\r\n');
    r.expect('AT+GMR', ESP32_GMR);
    r.expect('AT+CWMODE=1', '\r\nOK\r\n');
    r.expect('AT+CIPMUX=0', '\r\nOK\r\n');
    expect(r.take()).toMatch(/^AT\+CIPSTART/);
    expect(w.ev).toEqual([]);
  });
  it('CIPSTART failures close the transport with the module\'s detail lines, then CIPCLOSE', () => {
    for (const [ans, detail] of [['no ip\r\n\r\nERROR\r\n', 'no ip'], ['DNS Fail\r\n\r\nERROR\r\n', 'DNS Fail'], ['ALREADY CONNECTED\r\n\r\nERROR\r\n', 'ALREADY CONNECTED']]) {
      const r = rig();
      const w = watch(r.modem.transport());
      r.expect('AT', '\r\nOK\r\n'); r.expect('ATE0', '\r\nOK\r\n'); r.expect('AT+GMR', ESP32_GMR);
      r.expect('AT+CWMODE=1', '\r\nOK\r\n'); r.expect('AT+CIPMUX=0', '\r\nOK\r\n');
      r.expect('AT+CIPSTART="TCP","10.0.0.7",1883', ans);
      if (detail === 'no ip') { // off Wi-Fi: it waits up to 20 s for WIFI GOT IP first
        expect(w.ev).toEqual([]);
        r.p.advance(20000);
      }
      expect(w.ev).toEqual(['close']);
      expect(w.errs[0]!.message).toBe(`AT+CIPSTART failed: ERROR (${detail})`);
      expect(r.take()).toBe('AT+CIPCLOSE\r\n');
    }
  });
  it('CIPSTART answered "no ip" (Wi-Fi dropped): the link waits for WIFI GOT IP and connects then, without failing', () => {
    const r = rig();
    const w = watch(r.modem.transport());
    r.expect('AT', '\r\nOK\r\n'); r.expect('ATE0', '\r\nOK\r\n'); r.expect('AT+GMR', ESP32_GMR);
    r.expect('AT+CWMODE=1', '\r\nOK\r\n'); r.expect('AT+CIPMUX=0', '\r\nOK\r\n');
    r.expect('AT+CIPSTART="TCP","10.0.0.7",1883', 'no ip\r\n\r\nERROR\r\n');
    r.expect('AT+CIPCLOSE', '\r\nERROR\r\n');
    r.p.advance(1500);
    expect(w.ev).toEqual([]);
    r.feed('WIFI CONNECTED\r\nWIFI GOT IP\r\n');
    r.expect('AT+CIPSTART="TCP","10.0.0.7",1883', 'CONNECT\r\n\r\nOK\r\n');
    expect(w.ev).toEqual(['open']);
    r.p.advance(30000); // the wait's timer is gone
    expect(w.ev).toEqual(['open']);
  });
  it('a CIPSTART that times out is followed at once by AT+CIPCLOSE (a late CONNECT is undone)', () => {
    const r = rig();
    const w = watch(r.modem.transport());
    r.expect('AT', '\r\nOK\r\n'); r.expect('ATE0', '\r\nOK\r\n'); r.expect('AT+GMR', ESP32_GMR);
    r.expect('AT+CWMODE=1', '\r\nOK\r\n'); r.expect('AT+CIPMUX=0', '\r\nOK\r\n');
    expect(r.take()).toBe('AT+CIPSTART="TCP","10.0.0.7",1883\r\n');
    r.feed('\r\nbusy p...\r\n');
    r.p.advance(20000);
    expect(w.errs[0]!.message).toBe('AT+CIPSTART timed out');
    r.expect('AT+CIPCLOSE', 'CONNECT\r\n\r\nOK\r\nCLOSED\r\n\r\nOK\r\n'); // the late CONNECT/OK, then the close
    expect(r.take()).toBe(''); // the second OK (of the real close) found nothing pending: dropped
    const w2 = watch(r.modem.transport());
    startUp(r);
    expect(w2.ev).toEqual(['open']);
  });
  it('ERROR then a late CLOSED after a refused CIPSTART does not touch the next link', () => {
    const r = rig();
    const w = watch(r.modem.transport());
    r.expect('AT', '\r\nOK\r\n'); r.expect('ATE0', '\r\nOK\r\n'); r.expect('AT+GMR', ESP32_GMR);
    r.expect('AT+CWMODE=1', '\r\nOK\r\n'); r.expect('AT+CIPMUX=0', '\r\nOK\r\n');
    r.expect('AT+CIPSTART="TCP","10.0.0.7",1883', '\r\nERROR\r\n');
    expect(w.ev).toEqual(['close']);
    r.expect('AT+CIPCLOSE', 'CLOSED\r\n\r\nERROR\r\n');
    const w2 = watch(r.modem.transport());
    startUp(r);
    r.feed('WIFI CONNECTED\r\n\r\nbusy s...\r\n');
    expect(w2.ev).toEqual(['open']);
  });
  it('a URC inside the echo of the probe (NONOS_SDK#59) does not derail the start-up', () => {
    const r = rig();
    const w = watch(r.modem.transport());
    r.expect('AT', 'AWIFI CONNECTED\r\nT\r\r\n\r\nOK\r\n');
    r.expect('ATE0', 'ATE0\r\r\n\r\nOK\r\n');
    r.expect('AT+GMR', NONOS_GMR);
    r.expect('AT+CWMODE_CUR=1', '\r\nno change\r\n'); // old NonOS: success without OK
    r.expect('AT+CIPMUX=0', '\r\nOK\r\n');
    r.expect('AT+CIPSTART="TCP","10.0.0.7",1883', 'CONNECT\r\n\r\nOK\r\n');
    expect(w.ev).toEqual(['open']);
  });
  it('SSL and TCP keepalive go into CIPSTART', () => {
    const r = rig({ ssl: true, keepalive: 120, host: 'broker.example' });
    watch(r.modem.transport());
    r.expect('AT', '\r\nOK\r\n'); r.expect('ATE0', '\r\nOK\r\n'); r.expect('AT+GMR', ESP32_GMR);
    r.expect('AT+CWMODE=1', '\r\nOK\r\n'); r.expect('AT+CIPMUX=0', '\r\nOK\r\n');
    expect(r.take()).toBe('AT+CIPSTART="SSL","broker.example",1883,120\r\n');
  });
});

describe('Wi-Fi join errors are named, and never carry the password', () => {
  const names = ['timeout', 'wrong password', 'AP not found', 'connect failed'];
  for (const gmr of [NONOS_GMR, ESP32_GMR]) {
    const term = gmr === NONOS_GMR ? 'FAIL' : 'ERROR';
    for (let code = 1; code <= 4; code++) {
      it(`+CWJAP:${code} then ${term}`, () => {
        const r = rig({ ssid: 'home', password: 's3cret-pw' });
        const w = watch(r.modem.transport());
        const cur = gmr === NONOS_GMR ? '_CUR' : '';
        r.expect('AT', '\r\nOK\r\n'); r.expect('ATE0', '\r\nOK\r\n'); r.expect('AT+GMR', gmr);
        r.expect(`AT+CWMODE${cur}=1`, '\r\nOK\r\n');
        // echo back on (as after an unnoticed reset): the echoed line must not leak into the error
        r.expect(`AT+CWJAP${cur}="home","s3cret-pw"`, `AT+CWJAP${cur}="home","s3cret-pw"\r\r\nWIFI DISCONNECT\r\n+CWJAP:${code}\r\n\r\n${term}\r\n`);
        expect(w.ev).toEqual(['close']);
        const e = w.errs[0] as Error & { code: string };
        expect(e.code).toBe(`CWJAP${code}`);
        expect(e.message).toContain(names[code - 1]);
        expect(e.message).toContain(`+CWJAP:${code}`);
        expect(e.message).not.toContain('s3cret');
      });
    }
  }
  it('a join that never answers times out after 20 s', () => {
    const r = rig({ ssid: 'home', password: 'pw' });
    const w = watch(r.modem.transport());
    r.expect('AT', '\r\nOK\r\n'); r.expect('ATE0', '\r\nOK\r\n'); r.expect('AT+GMR', ESP32_GMR);
    r.expect('AT+CWMODE=1', '\r\nOK\r\n');
    expect(r.take()).toMatch(/^AT\+CWJAP=/);
    r.p.advance(19999);
    expect(w.ev).toEqual([]);
    r.p.advance(1);
    expect(w.errs[0]!.message).toContain('AT+CWJAP timed out');
    expect(w.errs[0]!.message).not.toContain('pw');
  });
});

/** A rig with one open link whose transport object the test holds. */
function linked(gmr = ESP32_GMR, opts: Partial<EspAtOptions> = {}) {
  const r = rig(opts);
  const t = r.modem.transport();
  const w = watch(t);
  startUp(r, gmr);
  expect(w.ev).toEqual(['open']);
  return { ...r, t, w };
}
function sendCycle(r: ReturnType<typeof linked>, payload: string, prompt = '\r\nOK\r\n\r\n>') {
  expect(r.take()).toBe(`AT+CIPSEND=${payload.length}\r\n`);
  r.feed(prompt);
  expect(r.take()).toBe(payload);
  r.feed(`\r\nRecv ${payload.length} bytes\r\n\r\nSEND OK\r\n`);
}

describe('counted send', () => {
  for (const [name, gmr, prompt] of [['NonOS "> "', NONOS_GMR, '\r\nOK\r\n> '], ['ESP-AT "\\r\\n>"', ESP32_GMR, '\r\nOK\r\n\r\n>']]) {
    it(`${name}: nothing before the prompt, exactly the bytes after it`, () => {
      const r = linked(gmr);
      expect(r.t.write(L('\x30\x05a/b\x00x'))).toBe(true);
      expect(r.take()).toBe('AT+CIPSEND=7\r\n');
      r.feed('\r\nOK\r\n');
      expect(r.take()).toBe(''); // no payload before '>'
      r.feed(prompt.slice(6));
      expect(r.take()).toBe('\x30\x05a/b\x00x');
      r.feed('\r\nRecv 7 bytes\r\n');
      r.t.write(L('z'));
      expect(r.take()).toBe(''); // still waiting for SEND OK
      r.feed('\r\nSEND OK\r\n');
      expect(r.take()).toBe('AT+CIPSEND=1\r\n');
    });
  }
  it('ESP8266 ESP-AT "Recv" without its leading CRLF right after the prompt', () => {
    const r = linked(ESP8266_GMR);
    r.t.write(L('hello'));
    r.take();
    r.feed('\r\nOK\r\n\r\n>');
    expect(r.take()).toBe('hello');
    r.feed('Recv 5 bytes\r\n\r\nSEND OK\r\n');
    r.t.write(L('x'));
    expect(r.take()).toBe('AT+CIPSEND=1\r\n');
  });
  it('writes made while a send is in flight coalesce into chunks of at most 2048 bytes', () => {
    const r = linked();
    r.t.write(L('A'));
    const big = 'B'.repeat(3000) + 'C'.repeat(1500);
    expect(r.t.write(L(big.slice(0, 3000)))).toBe(true);
    expect(r.t.write(L(big.slice(3000)))).toBe(false); // 4501 queued: back-pressure
    sendCycle(r, 'A');
    expect(r.w.ev).toEqual(['open']); // 4500 still queued
    sendCycle(r, big.slice(0, 2048));
    expect(r.w.ev).toEqual(['open', 'drain']); // below 4096 again
    sendCycle(r, big.slice(2048, 4096));
    sendCycle(r, big.slice(4096));
    expect(r.take()).toBe('');
  });
  it('close() sends what is queued (DISCONNECT), then AT+CIPCLOSE', () => {
    const r = linked();
    r.t.write(L('pub'));
    r.t.write(L('\xe0\x00'));
    r.t.close();
    expect(r.w.ev).toEqual(['open', 'close']);
    expect(r.w.errs[0]).toBeUndefined();
    sendCycle(r, 'pub');
    sendCycle(r, '\xe0\x00');
    r.expect('AT+CIPCLOSE', 'CLOSED\r\n\r\nOK\r\n');
    expect(r.t.write(L('late'))).toBe(false);
    expect(r.take()).toBe('');
  });
  const fatal: [string, string, string][] = [
    ['SEND FAIL', '\r\nRecv 3 bytes\r\n\r\nSEND FAIL\r\nCLOSED\r\n', 'AT+CIPSEND failed: SEND FAIL'],
    ['ERROR after data', '\r\nRecv 3 bytes\r\n\r\nERROR\r\n', 'AT+CIPSEND failed: ERROR'],
  ];
  for (const [what, answer, msg] of fatal) {
    it(`${what} closes the transport with the reason and drops the link`, () => {
      const r = linked();
      r.t.write(L('abc'));
      r.t.write(L('more'));
      r.take();
      r.feed('\r\nOK\r\n\r\n>');
      r.take();
      r.feed(answer);
      expect(r.w.ev).toEqual(['open', 'close']);
      expect(r.w.errs[0]!.message).toContain(msg);
      expect(r.take()).toBe('AT+CIPCLOSE\r\n'); // 'more' is void: never sent after a hole
    });
  }
  it('link is not valid before the prompt closes the transport', () => {
    const r = linked(NONOS_GMR);
    r.t.write(L('abc'));
    r.take();
    r.feed('link is not valid\r\n\r\nERROR\r\n');
    expect(r.w.errs[0]!.message).toBe('AT+CIPSEND failed: ERROR (link is not valid)');
  });
  it('no SEND OK within 10 s: the transport closes and the module is probed again next time', () => {
    const r = linked();
    r.t.write(L('abc'));
    r.take();
    r.feed('\r\nOK\r\n\r\n>');
    r.take();
    r.p.advance(10000);
    expect(r.w.errs[0]!.message).toBe('AT+CIPSEND timed out');
    expect(r.take()).toBe('AT+CIPCLOSE\r\n');
    r.feed('\r\nERROR\r\n');
    const w2 = watch(r.modem.transport());
    expect(r.take()).toBe('AT\r\n'); // re-initialised
    expect(w2.ev).toEqual([]);
  });
});

describe('link loss', () => {
  const cases: [string, string, string, boolean][] = [
    ['peer close', 'CLOSED\r\n', 'link closed (CLOSED)', false],
    ['multi-link form', '0,CLOSED\r\n', 'link closed (CLOSED)', false],
    ['Wi-Fi lost', 'WIFI DISCONNECT\r\n', 'Wi-Fi disconnected', true],
    ['module reset', '\r\nready\r\n', 'module reset (ready)', false],
    ['corrupt +IPD header', '\r\n+IPD,1x4:', 'corrupt +IPD header', true],
    ['+IPD length out of range', '\r\n+IPD,99999:', 'corrupt +IPD header', true],
    ['passive-mode notification', '\r\n+IPD,12\r\n', 'corrupt +IPD header', true],
    ['header without a colon', '\r\n+IPD,' + '1'.repeat(60), 'corrupt +IPD header', true],
  ];
  for (const [what, bytes, reason, cipclose] of cases) {
    it(`${what}: onClose(reason)${cipclose ? ', then AT+CIPCLOSE' : ''}`, () => {
      const r = linked();
      r.feed(bytes);
      expect(r.w.ev).toEqual(['open', 'close']);
      expect(r.w.errs[0]!.message).toBe(reason);
      expect(r.take()).toBe(cipclose ? 'AT+CIPCLOSE\r\n' : '');
    });
  }
  it('a payload that stops midway (a reset whose boot text was counted as payload) is dropped whole and closes the link after 1 s; lines are read again', () => {
    const r = linked();
    r.feed('\r\n+IPD,40:abc');
    r.feed('\r\nready\r\n'); // the boot text, counted as payload bytes
    r.p.advance(999);
    expect(r.w.ev).toEqual(['open']); // a slow UART is not a stall
    r.feed('def');
    r.p.advance(999);
    expect(r.w.ev).toEqual(['open']);
    r.p.advance(1);
    expect(r.w.ev).toEqual(['open', 'close']);
    expect(r.w.errs[0]!.message).toBe('+IPD payload stalled (reset?)');
    expect(r.take()).toBe('AT+CIPCLOSE\r\n');
    r.feed('\r\nERROR\r\n'); // the answer is read as a line again, not as payload
    expect(r.w.data()).toBe(''); // nothing of the cut frame reached MQTT
  });
  it('a reset right after a frame completed in the same read discards that frame (its tail may be boot text)', () => {
    const r = linked();
    r.feed('\r\n+IPD,4:ab\r\n\r\nready\r\n'); // 'ab' + the first 2 bytes of the boot text complete the frame
    expect(r.w.data()).toBe('');
    expect(r.w.errs[0]!.message).toBe('module reset (ready)');
  });
  it.each([
    ['`ready` cut in two', 'rea', 'dy\r\n'],
    ['boot text at the wrong baud rate', '\x91\xe3', '\xa7\xff\r\n\r\nready\r\n'],
    ['`ready` after a line break', '\r\nr', 'eady\r\n'],
  ])('a payload filled by what followed a reset (%s): the frame is void and the link closed', (_what, fill, rest) => {
    const r = linked();
    r.feed('\r\n+IPD,5:ab');
    r.feed(fill + rest); // the frame completes with the first 3 bytes of the fill
    expect(r.w.data()).toBe('');
    expect(r.w.errs[0]!.message).toBe('data after +IPD payload (reset?)');
  });
  it.each([['\r\n+IPD,2:xy'], ['CLOSED\r\n'], ['WIFI DISCONNECT\r\n'], ['busy p...\r\n'], ['Recv 5 bytes\r\n'], ['> '], ['\r\nOK\r\n']])('a payload followed at once by %j is passed on', (next) => {
    const r = linked();
    r.feed('\r\n+IPD,3:abc' + next);
    expect(r.w.data().slice(0, 3)).toBe('abc');
    expect(r.w.errs.map((e) => e?.message)).not.toContain('data after +IPD payload (reset?)');
  });
  it('a frame arrives whole: nothing of it before its last byte', () => {
    const r = linked();
    r.feed('\r\n+IPD,6:abc');
    expect(r.w.data()).toBe('');
    r.feed('def\r\n');
    expect(r.w.data()).toBe('abcdef');
  });
  it('a whole payload leaves no stall timer behind', () => {
    const r = linked();
    const before = r.p.pending;
    r.feed('\r\n+IPD,3:a');
    r.feed('bc');
    expect(r.p.pending).toBe(before);
    expect(r.w.data()).toBe('abc');
  });
  it('a stall while a send waits for its prompt (the reset was read as payload) ends that send at once: the next link is probed, not held 10 s', () => {
    const r = linked();
    r.feed('\r\n+IPD,40:abc');
    r.t.write(L('xyz')); // the client answers something meanwhile
    expect(r.take()).toBe('AT+CIPSEND=3\r\n');
    r.feed('\r\nready\r\nWIFI GOT IP\r\n'); // boot text: counted as payload, the prompt never comes
    r.p.advance(1000);
    expect(r.w.errs[0]!.message).toBe('+IPD payload stalled (reset?)');
    expect(r.take()).toBe('AT+CIPCLOSE\r\n'); // sent now, not after the send's timeout
    r.feed('\r\nERROR\r\n');
    const w2 = watch(r.modem.transport());
    startUp(r);
    expect(w2.ev).toEqual(['open']);
  });
  it('a send that gets no prompt fails after 2 s, not 10 (a module that reset unseen)', () => {
    const r = linked();
    r.t.write(L('abc'));
    expect(r.take()).toBe('AT+CIPSEND=3\r\n');
    r.p.advance(1999);
    expect(r.w.ev).toEqual(['open']);
    r.p.advance(1);
    expect(r.w.errs[0]!.message).toBe('AT+CIPSEND timed out');
    expect(r.take()).toBe('AT+CIPCLOSE\r\n');
  });
  it('a reset in the middle of a send fails it at once, and the next link re-initialises', () => {
    const r = linked();
    r.t.write(L('abcdef'));
    r.take();
    r.feed('\r\nOK\r\n\r\n>');
    r.take();
    r.feed('\r\nRe\x91\xff\r\nready\r\n'); // truncated output, boot garbage, banner
    expect(r.w.errs[0]!.message).toBe('module reset (ready)');
    expect(r.take()).toBe('');
    const w2 = watch(r.modem.transport());
    startUp(r);
    expect(w2.ev).toEqual(['open']);
  });
  it('busy p... and busy s... are ignored whatever is pending', () => {
    const r = linked(NONOS_GMR);
    r.feed('\r\nbusy p...\r\n');
    r.t.write(L('ab'));
    r.take();
    r.feed('\r\nOK\r\n> ');
    r.take();
    r.feed('\r\nbusy s...\r\n\r\nRecv 2 bytes\r\n\r\nSEND OK\r\n');
    expect(r.w.ev).toEqual(['open']);
    r.t.write(L('c'));
    expect(r.take()).toBe('AT+CIPSEND=1\r\n');
  });
});

// The module's side of one CIPSEND of 'xyz' with +IPD frames interleaved at the §7 spots.
const IPD1 = '\r\n+IPD,4:\x20\x02\x00\x00';
const IPD2 = '\r\n+IPD,6:\x40\x02\x00\x07OK';
function exchange(spot: number): string {
  const parts = ['\r\nOK\r\n', '\r\n>', '\r\nRecv 3 bytes\r\n', '\r\nSEND OK\r\n'];
  parts.splice(spot, 0, IPD1 + IPD2);
  return parts.join('');
}

describe('receiving: +IPD', () => {
  it('payloads pass through whatever the split of the module output (every boundary, 1..n-byte reads)', () => {
    const stream = 'WIFI GOT IP\r\n' + IPD1 + '\r\n+IPD,10,"10.0.0.7",1883:\r\nSEND OK\r' + IPD2 + '\r\n+IPD,3,10.0.0.7,1883:\r\n\rCLOSED\r\n';
    const want = '\x20\x02\x00\x00' + '\r\nSEND OK\r' + '\x40\x02\x00\x07OK' + '\r\n\r';
    for (let cut = 0; cut <= stream.length; cut++) {
      const r = linked();
      r.feed(stream.slice(0, cut));
      r.feed(stream.slice(cut));
      expect(r.w.data()).toBe(want);
      expect(r.w.ev).toEqual(['open', 'close']);
    }
    for (let n = 1; n <= 9; n++) {
      const r = linked();
      for (let i = 0; i < stream.length; i += n) r.feed(stream.slice(i, i + n));
      expect(r.w.data()).toBe(want);
      expect(r.w.errs.map((e) => e!.message)).toEqual(['link closed (CLOSED)']);
    }
  });
  it('a frame that arrives with no link open is dropped, not handed to the next link', () => {
    const r = linked();
    r.t.close();
    expect(r.take()).toBe('AT+CIPCLOSE\r\n');
    r.feed('\r\n+IPD,3:old'); // still in flight when the host closed
    r.feed('\r\nCLOSED\r\n\r\nOK\r\n');
    const w = watch(r.modem.transport());
    startUp(r);
    r.feed('\r\n+IPD,3:new');
    expect(w.ev).toEqual(['open']);
    expect(w.data()).toBe('new');
  });
  it('several +IPD in one read, and CLOSED glued to the end of a payload', () => {
    const r = linked();
    r.feed(IPD1 + IPD2 + '\r\n+IPD,2:hiCLOSED\r\n');
    expect(r.w.data()).toBe('\x20\x02\x00\x00\x40\x02\x00\x07OKhi');
    expect(r.w.errs[0]!.message).toBe('link closed (CLOSED)');
  });
  for (let spot = 0; spot <= 4; spot++) {
    const where = ['before OK', 'between OK and >', 'between > and Recv (host still writing)', 'between Recv and SEND OK', 'after SEND OK'][spot];
    it(`+IPD ${where}: the send completes and the data arrives`, () => {
      const all = exchange(spot);
      for (let cut = 0; cut <= all.length; cut++) {
        const r = linked();
        r.t.write(L('xyz'));
        expect(r.take()).toBe('AT+CIPSEND=3\r\n');
        r.feed(all.slice(0, cut));
        r.feed(all.slice(cut));
        expect(r.take()).toBe('xyz');
        expect(r.w.data()).toBe('\x20\x02\x00\x00\x40\x02\x00\x07OK');
        r.t.write(L('n'));
        expect(r.take()).toBe('AT+CIPSEND=1\r\n'); // SEND OK was recognised
      }
    });
  }
  it('+IPD during another pending command (CIPSTART of nothing, GMR) is delivered and the command still completes', () => {
    const r = linked();
    let lines: string[] = [];
    r.modem.cmd('AT+CIPSTATUS', 5000, (e, l) => { lines = l; });
    expect(r.take()).toBe('AT+CIPSTATUS\r\n');
    r.feed('STATUS:3\r\n' + IPD1 + '+CIPSTATUS:0,"TCP","10.0.0.7",1883,50123,0\r\n' + IPD2 + '\r\nOK\r\n');
    expect(lines).toEqual(['STATUS:3', '+CIPSTATUS:0,"TCP","10.0.0.7",1883,50123,0']);
    expect(r.w.data()).toBe('\x20\x02\x00\x00\x40\x02\x00\x07OK');
  });
  const hostile = ['\r\nOK\r\n', '\r\nERROR\r\n', '\r\nSEND OK\r\n', '+IPD,5:xxxxx', 'CLOSED\r\n', 'ready\r\n', '>', '\x00', '\xff', '+++', '\r\n',
    'AT+RST\r\n', 'WIFI DISCONNECT\r\n', 'busy p...\r\n', '\r\nSEND FAIL\r\n', '\x00\xff>\r\n+IPD,1:'];
  it('hostile payloads are delivered verbatim, change nothing, and are never written back', () => {
    const r = linked();
    let want = '';
    r.t.write(L('q'));
    expect(r.take()).toBe('AT+CIPSEND=1\r\n');
    for (const h of hostile) {
      r.feed(`\r\n+IPD,${h.length}:${h}`);
      want += h;
    }
    expect(r.w.data()).toBe(want);
    expect(r.take()).toBe(''); // no bytes of a payload went back, not even as the CIPSEND data
    r.feed('\r\nOK\r\n\r\n>');
    expect(r.take()).toBe('q');
    for (const h of hostile) r.feed(`\r\n+IPD,${h.length}:${h}`);
    r.feed('\r\nRecv 1 bytes\r\n\r\nSEND OK\r\n');
    expect(r.w.ev).toEqual(['open']);
    expect(r.take()).toBe('');
    r.t.write(L('r'));
    expect(r.take()).toBe('AT+CIPSEND=1\r\n');
  });
});

describe('passive receive (esp-at-tcp.md §6.2)', () => {
  const ESP33_GMR = 'AT version:3.3.0.0(3b1e3b5 - ESP32 - Apr 23 2024 08:59:31)\r\nSDK version:v5.0.5\r\n\r\nOK\r\n';
  /** Start-up with passive receive: the receive-mode command before CIPSTART. */
  function passiveLink(r: Rig, gmr = ESP32_GMR, receiveMode = 'AT+CIPRECVMODE=1', answer = '\r\nOK\r\n') {
    const w = watch(r.modem.transport());
    r.expect('AT', '\r\nOK\r\n'); r.expect('ATE0', '\r\nOK\r\n'); r.expect('AT+GMR', gmr);
    r.expect('AT+CWMODE=1', '\r\nOK\r\n'); r.expect('AT+CIPMUX=0', '\r\nOK\r\n');
    r.expect(receiveMode, answer);
    r.expect('AT+CIPSTART="TCP","10.0.0.7",1883', 'CONNECT\r\n\r\nOK\r\n');
    expect(w.ev).toEqual(['open']);
    return w;
  }
  it('ESP-AT 2.x: AT+CIPRECVMODE=1; a notice is read with AT+CIPRECVDATA, and its data passed on only at the OK', () => {
    const r = rig({ passive: undefined });
    const w = passiveLink(r);
    r.feed('\r\n+IPD,6\r\n');
    expect(r.take()).toBe('AT+CIPRECVDATA=6\r\n');
    r.feed('+CIPRECVDATA:6,\r\nOK\r\n');
    expect(w.data()).toBe(''); // the payload looks like an OK: only the real one counts
    r.feed('\r\nOK\r\n');
    expect(w.data()).toBe('\r\nOK\r\n');
  });
  it('ESP-AT 3.3 and later: AT+CIPRECVTYPE=1', () => {
    passiveLink(rig({ passive: undefined }), ESP33_GMR, 'AT+CIPRECVTYPE=1');
  });
  it('a firmware that answers ERROR stays in active receive', () => {
    const r = rig({ passive: undefined });
    const w = passiveLink(r, ESP32_GMR, 'AT+CIPRECVMODE=1', '\r\nERROR\r\n');
    r.feed('\r\n+IPD,3:abc');
    expect(w.data()).toBe('abc');
  });
  it('NonOS and passive: false stay active: no receive-mode command', () => {
    const r = rig({ passive: undefined });
    openLink(r, NONOS_GMR.replace('AT+', 'AT+')); // (startUp expects CIPMUX then CIPSTART)
  });
  it('a module reset inside a read\'s payload passes nothing on: the boot text never ends in the OK', () => {
    const r = rig({ passive: undefined });
    const w = passiveLink(r);
    r.feed('\r\n+IPD,20\r\n');
    expect(r.take()).toBe('AT+CIPRECVDATA=20\r\n');
    r.feed('+CIPRECVDATA:20,0123456789\r\nready\r\nWIFI'); // reset after 10 bytes: 20 counted, then
    r.feed(' CONNECTED\r\nWIFI GOT IP\r\n'); // what the rebooted module says: no OK
    expect(w.data()).toBe('');
    r.p.advance(5000); // the read is never answered
    expect(w.data()).toBe('');
    expect(w.errs[0]!.message).toBe('AT+CIPRECVDATA timed out');
  });
  it('a garbled notice length still reads (the reply counts its data); a garbled reply length drops the link', () => {
    const r = rig({ passive: undefined });
    const w = passiveLink(r);
    r.feed('\r\n+IPD,1Z\r\n');
    expect(r.take()).toBe('AT+CIPRECVDATA=2048\r\n');
    r.feed('+CIPRECVDATA:2,hi\r\nOK\r\n');
    expect(w.data()).toBe('hi');
    r.feed('\r\n+IPD,5\r\n');
    expect(r.take()).toBe('AT+CIPRECVDATA=5\r\n');
    r.feed('+CIPRECVDATA:5Z,hello\r\nOK\r\n');
    expect(w.data()).toBe('hi');
    expect(w.errs[0]!.message).toBe('corrupt +IPD header');
  });
  it('data sent unasked as active +IPD while passive is on is refused', () => {
    const r = rig({ passive: undefined });
    const w = passiveLink(r);
    r.feed('\r\n+IPD,3:abc');
    expect(w.data()).toBe('');
    expect(w.errs[0]!.message).toBe('corrupt +IPD header');
  });
});
