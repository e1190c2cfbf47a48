// An ESP8266/ESP32 running Espressif AT firmware, in software (esp-at-tcp.md §11): it
// speaks the AT subset a single-link TCP client uses on a byte stream, at a throttled
// baud rate, and opens real TCP connections for AT+CIPSTART. Faults (faults.ts) make it
// misbehave the way real modules do.
import net from 'node:net';
import { Pipe } from './pipe';
import { SIM_DIALECTS, type DialectName, type SimDialect } from './dialects';
import type { Fault, FaultKind } from './faults';

export interface ModemSimOptions {
  dialect?: DialectName; // default 'esp8266'
  /** UART baud rate, 8N1 (bytes/s = baud / 10). Default 115200; 0 = unthrottled. */
  baud?: number;
  faults?: Fault[];
  /** Seed for the split fault and the boot garbage. */
  seed?: number;
  /** The access point in range: CWJAP checks ssid and password against it. Default: any join succeeds. */
  network?: { ssid: string; password: string };
  /** Force every CWJAP to fail with +CWJAP:<code> (1..4); 5 = never answer. */
  joinCode?: number;
  /** Boot with saved credentials: WIFI CONNECTED / WIFI GOT IP after ready. Default true. */
  autoConnect?: boolean;
  /** ROM boot log before ready. Default: the dialect's (NonOS shares UART0 with it). */
  bootGarbage?: boolean;
  /** Which CIPSTART hosts resolve. Default: 127.0.0.1 and localhost only. */
  allowHost?: (host: string) => boolean;
  /** ms. Defaults: boot 50, join 30, connect: the real connect, SEND OK 0. */
  bootMs?: number;
  joinMs?: number;
  sendOkMs?: number;
  /** Keep a byte trace of both directions in `trace`. */
  trace?: boolean;
  /** Called at each injected fault (kind, how many of that kind so far). */
  onFault?: (kind: string, n: number) => void;
  /** Called with each command line the host sends. */
  onCommand?: (line: string) => void;
}

export interface SimStats {
  /** Every command line the host sent, in order. */
  commands: string[];
  /** Line feeds the host sent while a command was executing (a driver bug unless injected). */
  hostBusy: number;
  /** Command lines answered with ERROR because they were not understood. */
  unknown: number;
  sends: number; sendBytes: number; ipd: number; ipdBytes: number; resets: number; connects: number;
  /** Faults injected, by kind. */
  faults: { [k: string]: number };
}

interface DataPhase { n: number; got: number; parts: Uint8Array[]; closed: boolean; closeMid: boolean }

const enc = (s: string) => Buffer.from(s, 'latin1');

export class ModemSim {
  readonly d: SimDialect;
  readonly stats: SimStats = { commands: [], hostBusy: 0, unknown: 0, sends: 0, sendBytes: 0, ipd: 0, ipdBytes: 0, resets: 0, connects: 0, faults: {} };
  readonly trace: { t: number; dir: 'in' | 'out'; b: Buffer }[] = [];
  /** Bytes the module forwarded to its TCP peer, in order (for tests). */
  private sinks: ((b: Uint8Array) => void)[] = [];
  private inPipe: Pipe;
  private outPipe: Pipe;
  private rnd: () => number;
  private epoch = 0;
  private timers = new Set<NodeJS.Timeout>();
  // module state (lost on reset)
  private on = false; // booted and listening
  private dead = false; // a reset is under way: output truncated
  private echo = true;
  private line: number[] = [];
  private busy: '' | 'p' | 's' = '';
  private hung = false;
  private data: DataPhase | null = null;
  private sock: net.Socket | null = null;
  private connecting: net.Socket | null = null;
  private joined = false;
  private ip = false;
  private saved: boolean;
  private hold: Buffer[] = [];
  private holdTimer: NodeJS.Timeout | null = null;
  private spot = 0; // interleave: which CIPSEND spot gets the held data next
  private inSend = false;
  // fault counters (survive resets: they count the whole session)
  private outCount = 0;
  private resetAt = Infinity;
  private sendNo = 0;
  private replyNo = 0;
  private ipdNo = 0;
  private echoNo = 0;
  private startNo = 0;
  private closed = false;

  constructor(private o: ModemSimOptions = {}) {
    this.d = SIM_DIALECTS[o.dialect ?? 'esp8266'];
    if (!this.d) throw new Error(`unknown dialect ${JSON.stringify(o.dialect)}: expected nonos, esp8266 or esp32`);
    let seed = (o.seed ?? 1) >>> 0;
    this.rnd = () => { seed = (seed + 0x6d2b79f5) >>> 0; let t = seed; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
    const rate = (o.baud ?? 115200) / 10;
    const split = this.fault('split');
    this.inPipe = new Pipe(rate, (b) => this.rx(b));
    // split: every read the host sees is cut to a random 1..n bytes (counted per cut read)
    const cut = split ? () => { const f = this.stats.faults; f.split = (f.split ?? 0) + 1; if (f.split === 1) this.o.onFault?.('split', 1); return 1 + Math.floor(this.rnd() * split.n); } : undefined;
    this.outPipe = new Pipe(rate, (b) => { for (const f of this.sinks) f(b); }, cut);
    const reset = this.fault('reset');
    if (reset) this.resetAt = reset.n;
    this.saved = o.autoConnect !== false;
  }

  /** Module → host bytes. */
  onOutput(fn: (b: Uint8Array) => void): void { this.sinks.push(fn); }
  /** Host → module bytes. */
  input(b: Uint8Array): void {
    if (this.closed) return;
    if (this.o.trace) this.trace.push({ t: performance.now(), dir: 'in', b: Buffer.from(b) });
    this.inPipe.push(b);
  }
  /** Power on (or the EN pin toggled): boot output, then ready. */
  start(): void { this.reboot(false); }
  /** The EN/RST pin: what a host does to a hung module. */
  hardReset(): void { this.reboot(true); }
  /** Whether the module has an open TCP link. */
  get linked(): boolean { return this.sock !== null; }
  /** Drop Wi-Fi now (URCs as on a real module); rejoin after ms. */
  wifiDrop(ms = 1500): void { this.count('wifi-drop'); this.wifiDown(ms); }
  close(): void {
    this.closed = true;
    this.epoch++;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.sock?.destroy(); this.connecting?.destroy();
    this.inPipe.close(); this.outPipe.close();
  }

  // ---------------------------------------------------------------- plumbing
  private fault(k: FaultKind): Fault | undefined { return this.o.faults?.find((f) => f.kind === k); }
  private count(k: string): void { const n = (this.stats.faults[k] = (this.stats.faults[k] ?? 0) + 1); this.o.onFault?.(k, n); }
  private hits(k: FaultKind, i: number): boolean { const f = this.fault(k); return !!f && i % f.n === 0; }
  private every(k: FaultKind, i: number): boolean { const hit = this.hits(k, i); if (hit) this.count(k); return hit; }
  /** A timer that dies with a reset. */
  private later(ms: number, fn: () => void): void {
    const e = this.epoch;
    const t = setTimeout(() => { this.timers.delete(t); if (e === this.epoch && !this.closed) fn(); }, ms);
    this.timers.add(t);
  }

  private out(x: string | Uint8Array): void {
    if (this.dead || this.closed || !this.on) return;
    let b = typeof x === 'string' ? enc(x) : x;
    if (this.outCount + b.length >= this.resetAt) {
      // The module resets here: everything after this byte offset is never sent.
      b = b.subarray(0, this.resetAt - this.outCount);
      this.resetAt += this.fault('reset')!.n;
      this.count('reset');
      this.dead = true;
      const e = this.epoch;
      setImmediate(() => { if (e === this.epoch && !this.closed) this.reboot(true); });
    }
    this.outCount += b.length;
    if (this.o.trace) this.trace.push({ t: performance.now(), dir: 'out', b: Buffer.from(b) });
    this.outPipe.push(b);
  }
  private raw(s: string | Uint8Array): void { this.on = true; this.out(s); }

  private reboot(counted: boolean): void {
    if (counted) this.stats.resets++;
    this.epoch++;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const s = this.sock; this.sock = null; s?.destroy();
    const c = this.connecting; this.connecting = null; c?.destroy();
    this.on = false; this.dead = false; this.echo = true; this.line = []; this.busy = ''; this.hung = false;
    this.data = null; this.joined = false; this.ip = false; this.hold = []; this.inSend = false;
    if (this.holdTimer) { clearTimeout(this.holdTimer); this.holdTimer = null; }
    this.later(this.o.bootMs ?? 50, () => {
      if (this.o.bootGarbage ?? this.d.bootGarbage) {
        const g = Buffer.alloc(40 + Math.floor(this.rnd() * 80));
        for (let i = 0; i < g.length; i++) g[i] = 0x80 + Math.floor(this.rnd() * 128);
        this.raw(g);
      }
      this.raw('\r\nready\r\n');
      if (this.saved) this.later(20, () => this.associate());
    });
  }
  private associate(): void { this.joined = true; this.ip = true; this.out('WIFI CONNECTED\r\nWIFI GOT IP\r\n'); }

  // ---------------------------------------------------------------- host → module
  private rx(b: Uint8Array): void {
    for (let i = 0; i < b.length; i++) {
      if (!this.on || this.dead || this.closed) return;
      const dp = this.data;
      if (dp) {
        const k = Math.min(dp.n - dp.got, b.length - i);
        dp.parts.push(b.subarray(i, i + k));
        dp.got += k;
        i += k - 1;
        if (dp.closeMid && dp.got * 2 >= dp.n) { dp.closeMid = false; this.count('closed-mid-send'); this.dropLink(); }
        if (dp.got === dp.n) this.endData();
        continue;
      }
      const c = b[i];
      if (this.busy || this.hung) {
        if (c !== 10) { if (this.hung) this.line.push(c); continue; }
        const l = Buffer.from(this.line).toString('latin1').replace(/\r$/, '');
        this.line = [];
        if (this.hung && l === 'AT+RST') { this.stats.commands.push(l); this.reboot(true); return; }
        if (!this.hung) this.stats.hostBusy++;
        this.out(this.busy === 's' ? '\r\nbusy s...\r\n' : '\r\nbusy p...\r\n');
        continue;
      }
      if (this.echo) {
        this.out(c === 10 ? '\r\n' : Buffer.of(c));
        // echo-urc: the echo is produced byte by byte, so a URC can land inside it
        if (this.line.length === 1 && c !== 10 && this.every('echo-urc', ++this.echoNo)) this.out('WIFI CONNECTED\r\n');
      }
      if (c !== 10) { if (this.line.length < 1024) this.line.push(c); continue; }
      const l = Buffer.from(this.line).toString('utf8').replace(/\r$/, '');
      this.line = [];
      this.exec(l);
    }
  }

  private reply(s: string): void {
    this.out(s);
    if (this.every('busy', ++this.replyNo)) this.out('\r\nbusy p...\r\n');
  }
  private ok(): void { this.reply('\r\nOK\r\n'); }
  private err(detail?: string | null): void { this.reply((detail ? detail + '\r\n' : '') + '\r\nERROR\r\n'); }

  private exec(l: string): void {
    this.stats.commands.push(l);
    this.o.onCommand?.(l);
    const hang = this.fault('hang');
    if (hang && this.stats.commands.length === hang.n) { this.count('hang'); this.hung = true; return; }
    const d = this.d;
    let m: RegExpExecArray | null;
    if (l.length > 256 || !l.startsWith('AT')) { this.stats.unknown++; return this.err(); }
    if (l === 'AT') return this.ok();
    if (l === 'ATE0' || l === 'ATE1') { this.echo = l === 'ATE1'; return this.ok(); }
    if (l === 'AT+RST') { this.ok(); this.busy = 'p'; this.later(20, () => this.reboot(true)); return; }
    if (l === 'AT+GMR') return this.reply(d.gmr.join('\r\n') + '\r\n\r\nOK\r\n');
    if ((m = /^AT\+CWMODE(_CUR|_DEF)?=([123])$/.exec(l))) return m[1] && !d.curVariants ? this.err() : this.ok();
    if ((m = /^AT\+CWJAP(_CUR|_DEF)?=(.*)$/.exec(l))) {
      const a = parseArgs(m[2]);
      if ((m[1] && !d.curVariants) || !a || a.length < 2 || typeof a[0] !== 'string' || typeof a[1] !== 'string') return this.err();
      return this.join(a[0], a[1]);
    }
    if (l === 'AT+CIFSR') return this.reply(`+CIFSR:STAIP,"${this.ip ? '192.168.4.2' : '0.0.0.0'}"\r\n+CIFSR:STAMAC,"aa:bb:cc:dd:ee:ff"\r\n\r\nOK\r\n`);
    if ((m = /^AT\+CIPMUX=([01])$/.exec(l))) {
      if (this.sock) return this.err(d.name === 'nonos' ? 'link is builded' : null);
      return m[1] === '0' ? this.ok() : this.err(); // the emulator models the single-link mode only
    }
    if ((m = /^AT\+CIPSTART=(.*)$/.exec(l))) return this.cipstart(parseArgs(m[1]));
    if (l === 'AT+CIPCLOSE') {
      if (!this.sock) return this.err();
      const s = this.sock; this.sock = null; s.destroy();
      this.flushHold();
      return this.reply('CLOSED\r\n\r\nOK\r\n');
    }
    if ((m = /^AT\+CIPSEND=(\d+)$/.exec(l))) return this.cipsend(+m[1]);
    if (l === 'AT+CIPSTATUS') {
      const s = this.sock;
      const st = s ? 3 : this.ip ? 2 : 5;
      return this.reply(`STATUS:${st}\r\n` + (s ? `+CIPSTATUS:0,"TCP","${s.remoteAddress}",${s.remotePort},${s.localPort},0\r\n` : '') + '\r\nOK\r\n');
    }
    this.stats.unknown++;
    this.err();
  }

  private join(ssid: string, password: string): void {
    this.busy = 'p';
    this.later(this.o.joinMs ?? 30, () => {
      const net = this.o.network;
      const code = this.o.joinCode ?? (net ? (ssid !== net.ssid ? 3 : password !== net.password ? 2 : 0) : 0);
      if (code === 5) return; // never answers: the host's timeout is what is tested
      this.busy = '';
      if (this.joined) { this.out('WIFI DISCONNECT\r\n'); this.dropLink(); }
      this.joined = this.ip = false;
      if (code) return this.reply(`+CWJAP:${code}\r\n\r\n${this.d.joinFail}\r\n`);
      this.saved = true;
      this.associate();
      this.ok();
    });
  }

  private cipstart(a: (string | number)[] | null): void {
    if (!a || a.length < 3 || typeof a[0] !== 'string' || typeof a[1] !== 'string' || typeof a[2] !== 'number') return this.err();
    if (a[0] !== 'TCP') return this.err(); // SSL/UDP: not emulated
    if (this.sock) return this.reply('ALREADY CONNECTED\r\n\r\nERROR\r\n');
    if (!this.ip) return this.reply('no ip\r\n\r\nERROR\r\n');
    const host = a[1];
    const allow = this.o.allowHost ?? ((h: string) => h === '127.0.0.1' || h === 'localhost');
    if (!allow(host)) return this.err(this.d.dnsFail);
    this.busy = 'p';
    const e = this.epoch;
    const s = net.connect({ host, port: a[2] });
    this.connecting = s;
    s.setNoDelay(true);
    let up = false;
    const slow = this.every('slow-connect', ++this.startNo) ? this.fault('slow-connect')!.m ?? 3000 : 0;
    s.once('connect', () => {
      if (e !== this.epoch || this.closed) { s.destroy(); return; }
      const done = () => {
        if (s.destroyed) return;
        up = true; this.connecting = null; this.busy = ''; this.sock = s; this.stats.connects++;
        this.reply('CONNECT\r\n\r\nOK\r\n');
      };
      if (slow) this.later(slow, done); else done();
    });
    s.on('error', () => {});
    s.on('data', (b: Buffer) => { if (this.sock === s) this.fromPeer(b); });
    s.on('close', () => {
      if (e !== this.epoch || this.closed) return;
      if (!up) { this.connecting = null; this.busy = ''; this.err(); return; }
      if (this.sock === s) this.dropLink();
    });
  }

  private cipsend(n: number): void {
    const d = this.d;
    if (!this.sock) return this.err(d.linkInvalid);
    if (n < 1 || n > d.sendMax) return this.err(n > d.sendMax && d.name === 'nonos' ? 'too long' : null);
    this.inSend = true;
    const no = ++this.sendNo;
    this.out(d.prompt.slice(0, 6)); // \r\nOK\r\n
    this.spotHold(0);
    this.out(d.prompt.slice(6));
    this.data = { n, got: 0, parts: [], closed: false, closeMid: this.hits('closed-mid-send', no) };
    this.spotHold(1);
  }

  private endData(): void {
    const dp = this.data!;
    this.data = null;
    this.stats.sends++; this.stats.sendBytes += dp.n;
    this.out(this.d.recv(dp.n));
    this.spotHold(2);
    const no = this.sendNo;
    if (dp.closed) return this.sendDone('\r\nSEND FAIL\r\n');
    const fail = this.every('send-fail', no), error = !fail && this.every('send-error', no);
    if (fail || error) {
      this.sendDone(fail ? '\r\nSEND FAIL\r\n' : '\r\nERROR\r\n');
      this.dropLink();
      return;
    }
    this.sock!.write(Buffer.concat(dp.parts));
    const done = () => {
      this.sendDone('\r\nSEND OK\r\n');
      if (this.every('wifi-drop', no)) this.later(5, () => this.wifiDown(this.fault('wifi-drop')!.m ?? 1500));
    };
    const ms = this.o.sendOkMs ?? 0;
    if (ms <= 0) done();
    else { this.busy = this.d.busyS ? 's' : 'p'; this.later(ms, () => { this.busy = ''; done(); }); }
  }
  private sendDone(s: string): void { this.inSend = false; this.reply(s); this.flushHold(); }

  private wifiDown(ms: number): void {
    this.joined = this.ip = false;
    this.out('WIFI DISCONNECT\r\n');
    this.dropLink();
    this.later(ms, () => this.associate());
  }

  /** The TCP link is gone (peer, error, Wi-Fi): CLOSED now, SEND FAIL later if mid-send. */
  private dropLink(): void {
    const s = this.sock;
    if (!s) return;
    this.sock = null;
    s.destroy();
    if (this.data) this.data.closed = true;
    this.flushHold();
    this.out('CLOSED\r\n');
  }

  // ---------------------------------------------------------------- TCP peer → host
  private fromPeer(b: Buffer): void {
    if (!this.fault('interleave')) return this.ipd(b);
    // Hold the data briefly so that it lands inside a CIPSEND exchange (§7 interleavings).
    this.hold.push(b);
    if (!this.holdTimer) this.holdTimer = setTimeout(() => { this.holdTimer = null; if (!this.inSend) this.flushHold(); }, this.fault('interleave')!.m ?? 20);
  }
  private spotHold(where: number): void {
    if (this.hold.length && this.spot % 3 === where) { this.spot++; this.count('interleave'); this.flushHold(); }
  }
  private flushHold(): void {
    const h = this.hold;
    this.hold = [];
    for (const b of h) this.ipd(b);
  }
  private ipd(b: Buffer): void {
    for (let i = 0; i < b.length; i += this.d.ipdMax) {
      const part = b.subarray(i, i + this.d.ipdMax);
      let len = String(part.length);
      if (this.every('garble-ipd', ++this.ipdNo)) len = len.slice(0, -1) + 'Z';
      this.stats.ipd++; this.stats.ipdBytes += part.length;
      this.out(Buffer.concat([enc(`\r\n+IPD,${len}:`), part]));
    }
  }
}

/** AT parameters: "quoted" (with \\ \" \, escapes) → string, bare digits → number. null if malformed. */
export function parseArgs(s: string): (string | number)[] | null {
  const out: (string | number)[] = [];
  let i = 0;
  for (;;) {
    if (s[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        if (i >= s.length) return null;
        const c = s[i++];
        if (c === '"') break;
        if (c === '\\') { if (i >= s.length) return null; v += s[i++]; } else v += c;
      }
      out.push(v);
    } else {
      const m = /^\d+/.exec(s.slice(i));
      if (!m) return null;
      out.push(+m[0]);
      i += m[0].length;
    }
    if (i === s.length) return out;
    if (s[i++] !== ',') return null;
  }
}

/** The host's side of an in-process emulator, as the driver's ByteStream. */
export function simStream(sim: ModemSim): { write(b: Uint8Array): void; onData(fn: (b: Uint8Array) => void): void } {
  return { write: (b) => sim.input(b), onData: (fn) => sim.onOutput(fn) };
}
