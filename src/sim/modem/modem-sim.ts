// An ESP8266/ESP32 running Espressif AT firmware, in software (esp-at-tcp.md §11): it
// speaks the AT subset a single-link TCP client uses on a byte stream, at a throttled
// baud rate, and opens real TCP connections for AT+CIPSTART. Faults (faults.ts) make it
// misbehave the way real modules do.
import net from 'node:net';
import tls from 'node:tls';
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
  onFault?: (kind: string, count: number) => void;
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

interface DataPhase { n: number; got: number; parts: Uint8Array[]; closed: boolean; closeMid: boolean; storeCa?: boolean }

/** Bytes a module holds per socket in passive mode (§6.2: 5760 on ESP8266). */
const PASSIVE_BUFFER = 5760;

const enc = (text: string) => Buffer.from(text, 'latin1');

export class ModemSim {
  readonly dialect: SimDialect;
  readonly stats: SimStats = { commands: [], hostBusy: 0, unknown: 0, sends: 0, sendBytes: 0, ipd: 0, ipdBytes: 0, resets: 0, connects: 0, faults: {} };
  readonly trace: { t: number; dir: 'in' | 'out'; b: Buffer }[] = [];
  /** Bytes the module forwarded to its TCP peer, in order (for tests). */
  private sinks: ((bytes: Uint8Array) => void)[] = [];
  private inPipe: Pipe;
  private outPipe: Pipe;
  private rnd: () => number;
  private epoch = 0;
  private timers = new Set<NodeJS.Timeout>();
  // module state (lost on reset)
  private booted = false; // booted and listening
  private dead = false; // a reset is under way: output truncated
  private echo = true;
  private line: number[] = [];
  private busy: '' | 'p' | 's' = '';
  private hung = false;
  private data: DataPhase | null = null;
  private sock: net.Socket | null = null;
  private connecting: net.Socket | null = null;
  private joined = false;
  private hasIp = false;
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
  // passive receive (§6.2): data held until the host asks; one notice until it reads
  private passive = false;
  private held: Buffer = Buffer.alloc(0);
  private noticed = false;
  private flapTimer: NodeJS.Timeout | undefined;
  // TLS (ESP-AT on ESP32): the CA written with AT+SYSMFG and the AT+CIPSSLCCONF auth mode live
  // in flash, so they survive resets; "SSL" links are real TLS, checked against that CA.
  private caCert: Buffer | null = null;
  private sslAuth = 0;

  constructor(private options: ModemSimOptions = {}) {
    this.dialect = SIM_DIALECTS[options.dialect ?? 'esp8266'];
    if (!this.dialect) throw new Error(`unknown dialect ${JSON.stringify(options.dialect)}: expected nonos, esp8266 or esp32`);
    let seed = (options.seed ?? 1) >>> 0;
    this.rnd = () => { seed = (seed + 0x6d2b79f5) >>> 0; let mixed = seed; mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1); mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61); return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296; };
    const rate = (options.baud ?? 115200) / 10;
    const split = this.fault('split');
    this.inPipe = new Pipe(rate, (bytes) => this.receive(bytes));
    // split: every read the host sees is cut to a random 1..n bytes (counted per cut read)
    const cut = split ? () => { const faults = this.stats.faults; faults.split = (faults.split ?? 0) + 1; if (faults.split === 1) this.options.onFault?.('split', 1); return 1 + Math.floor(this.rnd() * split.n); } : undefined;
    this.outPipe = new Pipe(rate, (bytes) => { for (const sink of this.sinks) sink(bytes); }, cut);
    const reset = this.fault('reset');
    if (reset) this.resetAt = reset.n;
    this.saved = options.autoConnect !== false;
  }

  /** Module → host bytes. */
  onOutput(sink: (bytes: Uint8Array) => void): void { this.sinks.push(sink); }
  /** Host → module bytes. */
  input(bytes: Uint8Array): void {
    if (this.closed) return;
    if (this.options.trace) this.trace.push({ t: performance.now(), dir: 'in', b: Buffer.from(bytes) });
    this.inPipe.push(bytes);
  }
  /** Power on (or the EN pin toggled): boot output, then ready. */
  start(): void {
    this.reboot(false);
    const flap = this.fault('wifi-flap');
    if (flap) this.scheduleFlap(flap.n, flap.m ?? 1000);
  }
  /** The EN/RST pin: what a host does to a hung module. */
  hardReset(): void { this.reboot(true); }
  /** Whether the module has an open TCP link. */
  get linked(): boolean { return this.sock !== null; }
  /** Drop Wi-Fi now (URCs as on a real module); rejoin after ms. */
  wifiDrop(rejoinMs = 1500): void { this.count('wifi-drop'); this.wifiDown(rejoinMs); }
  close(): void {
    this.closed = true;
    this.epoch++;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (this.holdTimer) clearTimeout(this.holdTimer);
    clearTimeout(this.flapTimer);
    this.sock?.destroy(); this.connecting?.destroy();
    this.inPipe.close(); this.outPipe.close();
  }

  // ---------------------------------------------------------------- plumbing
  private fault(kind: FaultKind): Fault | undefined { return this.options.faults?.find((fault) => fault.kind === kind); }
  private count(kind: string): void { const count = (this.stats.faults[kind] = (this.stats.faults[kind] ?? 0) + 1); this.options.onFault?.(kind, count); }
  private hits(kind: FaultKind, i: number): boolean { const fault = this.fault(kind); return !!fault && i % fault.n === 0; }
  private every(k: FaultKind, i: number): boolean { const hit = this.hits(k, i); if (hit) this.count(k); return hit; }
  /** A timer that dies with a reset. */
  private later(delayMs: number, action: () => void): void {
    const epoch = this.epoch;
    const timer = setTimeout(() => { this.timers.delete(timer); if (epoch === this.epoch && !this.closed) action(); }, delayMs);
    this.timers.add(timer);
  }

  private out(output: string | Uint8Array): void {
    if (this.dead || this.closed || !this.booted) return;
    let bytes = typeof output === 'string' ? enc(output) : output;
    if (this.outCount + bytes.length >= this.resetAt) {
      // The module resets here: everything after this byte offset is never sent.
      bytes = bytes.subarray(0, this.resetAt - this.outCount);
      this.resetAt += this.fault('reset')!.n;
      this.count('reset');
      this.dead = true;
      const epoch = this.epoch;
      setImmediate(() => { if (epoch === this.epoch && !this.closed) this.reboot(true); });
    }
    this.outCount += bytes.length;
    if (this.options.trace) this.trace.push({ t: performance.now(), dir: 'out', b: Buffer.from(bytes) });
    this.outPipe.push(bytes);
  }
  private raw(output: string | Uint8Array): void { this.booted = true; this.out(output); }

  private reboot(counted: boolean): void {
    if (counted) this.stats.resets++;
    this.epoch++;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const sock = this.sock; this.sock = null; sock?.destroy();
    const connecting = this.connecting; this.connecting = null; connecting?.destroy();
    this.booted = false; this.dead = false; this.echo = true; this.line = []; this.busy = ''; this.hung = false;
    this.data = null; this.joined = false; this.hasIp = false; this.hold = []; this.inSend = false;
    this.passive = false; this.held = Buffer.alloc(0); this.noticed = false;
    if (this.holdTimer) { clearTimeout(this.holdTimer); this.holdTimer = null; }
    this.later(this.options.bootMs ?? 50, () => {
      if (this.options.bootGarbage ?? this.dialect.bootGarbage) {
        const garbage = Buffer.alloc(40 + Math.floor(this.rnd() * 80));
        for (let i = 0; i < garbage.length; i++) garbage[i] = 0x80 + Math.floor(this.rnd() * 128);
        this.raw(garbage);
      }
      this.raw('\r\nready\r\n');
      if (this.saved) this.later(20, () => this.associate());
    });
  }
  private associate(): void { this.joined = true; this.hasIp = true; this.out('WIFI CONNECTED\r\nWIFI GOT IP\r\n'); }

  // ---------------------------------------------------------------- host → module
  private receive(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) {
      if (!this.booted || this.dead || this.closed) return;
      const phase = this.data;
      if (phase) {
        const k = Math.min(phase.n - phase.got, bytes.length - i);
        phase.parts.push(bytes.subarray(i, i + k));
        phase.got += k;
        i += k - 1;
        if (phase.closeMid && phase.got * 2 >= phase.n) { phase.closeMid = false; this.count('closed-mid-send'); this.dropLink(); }
        if (phase.got === phase.n) { if (phase.storeCa) this.endStoreCa(); else this.endData(); }
        continue;
      }
      const byte = bytes[i];
      if (this.busy || this.hung) {
        if (byte !== 10) { if (this.hung) this.line.push(byte); continue; }
        const line = Buffer.from(this.line).toString('latin1').replace(/\r$/, '');
        this.line = [];
        if (this.hung && line === 'AT+RST') { this.stats.commands.push(line); this.reboot(true); return; }
        if (!this.hung) this.stats.hostBusy++;
        this.out(this.busy === 's' ? '\r\nbusy s...\r\n' : '\r\nbusy p...\r\n');
        continue;
      }
      if (this.echo) {
        this.out(byte === 10 ? '\r\n' : Buffer.of(byte));
        // echo-urc: the echo is produced byte by byte, so a URC can land inside it
        if (this.line.length === 1 && byte !== 10 && this.every('echo-urc', ++this.echoNo)) this.out('WIFI CONNECTED\r\n');
      }
      if (byte !== 10) { if (this.line.length < 1024) this.line.push(byte); continue; }
      const line = Buffer.from(this.line).toString('utf8').replace(/\r$/, '');
      this.line = [];
      this.exec(line);
    }
  }

  private reply(text: string | Uint8Array): void {
    this.out(text);
    if (this.every('busy', ++this.replyNo)) this.out('\r\nbusy p...\r\n');
  }
  private replyOk(): void { this.reply('\r\nOK\r\n'); }
  private err(detail?: string | null): void { this.reply((detail ? detail + '\r\n' : '') + '\r\nERROR\r\n'); }

  private exec(line: string): void {
    this.stats.commands.push(line);
    this.options.onCommand?.(line);
    const hang = this.fault('hang');
    if (hang && this.stats.commands.length === hang.n) { this.count('hang'); this.hung = true; return; }
    const dialect = this.dialect;
    let match: RegExpExecArray | null;
    if (line.length > 256 || !line.startsWith('AT')) { this.stats.unknown++; return this.err(); }
    if (line === 'AT') return this.replyOk();
    if (line === 'ATE0' || line === 'ATE1') { this.echo = line === 'ATE1'; return this.replyOk(); }
    if (line === 'AT+RST') { this.replyOk(); this.busy = 'p'; this.later(20, () => this.reboot(true)); return; }
    if (line === 'AT+GMR') return this.reply(dialect.gmr.join('\r\n') + '\r\n\r\nOK\r\n');
    if ((match = /^AT\+CWMODE(_CUR|_DEF)?=([123])$/.exec(line))) return match[1] && !dialect.curVariants ? this.err() : this.replyOk();
    if ((match = /^AT\+CWJAP(_CUR|_DEF)?=(.*)$/.exec(line))) {
      const args = parseArgs(match[2]);
      if ((match[1] && !dialect.curVariants) || !args || args.length < 2 || typeof args[0] !== 'string' || typeof args[1] !== 'string') return this.err();
      return this.join(args[0], args[1]);
    }
    if (line === 'AT+CIFSR') return this.reply(`+CIFSR:STAIP,"${this.hasIp ? '192.168.4.2' : '0.0.0.0'}"\r\n+CIFSR:STAMAC,"aa:bb:cc:dd:ee:ff"\r\n\r\nOK\r\n`);
    if ((match = /^AT\+CIPMUX=([01])$/.exec(line))) {
      if (this.sock) return this.err(dialect.name === 'nonos' ? 'link is builded' : null);
      return match[1] === '0' ? this.replyOk() : this.err(); // the emulator models the single-link mode only
    }
    if ((match = /^AT\+CIPSTART=(.*)$/.exec(line))) return this.cipstart(parseArgs(match[1]));
    if (line === 'AT+CIPCLOSE') {
      if (!this.sock) return this.err();
      const sock = this.sock; this.sock = null; sock.destroy();
      this.flushHold();
      this.dropHeld();
      return this.reply('CLOSED\r\n\r\nOK\r\n');
    }
    if ((match = /^AT\+SYSMFG=2,"client_ca","client_ca\.0",8,(\d+)$/.exec(line))) {
      if (dialect.name !== 'esp32' || +match[1] < 1 || +match[1] > 8192) return this.err();
      this.out('\r\n>');
      this.data = { n: +match[1], got: 0, parts: [], closed: false, closeMid: false, storeCa: true };
      return;
    }
    if ((match = /^AT\+CIPSSLCCONF=([0-3])(,0,0)?$/.exec(line))) {
      if (dialect.name !== 'esp32') return this.err();
      this.sslAuth = +match[1];
      return this.replyOk();
    }
    if ((match = /^AT\+CIPRECVMODE=([01])$/.exec(line))) {
      if (!dialect.passive || this.sock) return this.err();
      this.passive = match[1] === '1';
      return this.replyOk();
    }
    if ((match = /^AT\+CIPRECVDATA=(\d+)$/.exec(line))) return this.recvData(+match[1]);
    if (line === 'AT+CIPRECVLEN?') return this.passive ? this.reply(`+CIPRECVLEN:${this.held.length}\r\n\r\nOK\r\n`) : this.err();
    if ((match = /^AT\+CIPSEND=(\d+)$/.exec(line))) return this.cipsend(+match[1]);
    if (line === 'AT+CIPSTATUS') {
      const sock = this.sock;
      const status = sock ? 3 : this.hasIp ? 2 : 5;
      return this.reply(`STATUS:${status}\r\n` + (sock ? `+CIPSTATUS:0,"TCP","${sock.remoteAddress}",${sock.remotePort},${sock.localPort},0\r\n` : '') + '\r\nOK\r\n');
    }
    this.stats.unknown++;
    this.err();
  }

  private join(ssid: string, password: string): void {
    this.busy = 'p';
    this.later(this.options.joinMs ?? 30, () => {
      const net = this.options.network;
      const code = this.options.joinCode ?? (net ? (ssid !== net.ssid ? 3 : password !== net.password ? 2 : 0) : 0);
      if (code === 5) return; // never answers: the host's timeout is what is tested
      this.busy = '';
      if (this.joined) { this.out('WIFI DISCONNECT\r\n'); this.dropLink(); }
      this.joined = this.hasIp = false;
      if (code) return this.reply(`+CWJAP:${code}\r\n\r\n${this.dialect.joinFail}\r\n`);
      this.saved = true;
      this.associate();
      this.replyOk();
    });
  }

  private cipstart(args: (string | number)[] | null): void {
    if (!args || args.length < 3 || typeof args[0] !== 'string' || typeof args[1] !== 'string' || typeof args[2] !== 'number') return this.err();
    if (args[0] !== 'TCP' && args[0] !== 'SSL') return this.err(); // UDP: not emulated
    if (this.sock) return this.reply('ALREADY CONNECTED\r\n\r\nERROR\r\n');
    if (!this.hasIp) return this.reply('no ip\r\n\r\nERROR\r\n');
    const host = args[1];
    const allow = this.options.allowHost ?? ((name: string) => name === '127.0.0.1' || name === 'localhost');
    if (!allow(host)) return this.err(this.dialect.dnsFail);
    this.busy = 'p';
    const epoch = this.epoch;
    // SSL: real TLS; the broker's certificate is checked only when AT+CIPSSLCCONF asked for it
    // (auth mode 2 or 3) against the CA written into the module, as on the real firmware.
    const verify = args[0] === 'SSL' && (this.sslAuth & 2) !== 0;
    const sock = args[0] === 'SSL'
      ? tls.connect({ host, port: args[2], ca: verify && this.caCert ? [this.caCert] : undefined, rejectUnauthorized: verify, servername: net.isIP(host) ? undefined : host })
      : net.connect({ host, port: args[2] });
    this.connecting = sock;
    sock.setNoDelay(true);
    let connected = false;
    const slow = this.every('slow-connect', ++this.startNo) ? this.fault('slow-connect')!.m ?? 3000 : 0;
    sock.once(args[0] === 'SSL' ? 'secureConnect' : 'connect', () => {
      if (epoch !== this.epoch || this.closed) { sock.destroy(); return; }
      const done = () => {
        if (sock.destroyed) return;
        connected = true; this.connecting = null; this.busy = ''; this.sock = sock; this.stats.connects++;
        this.reply('CONNECT\r\n\r\nOK\r\n');
      };
      if (slow) this.later(slow, done); else done();
    });
    sock.on('error', () => {});
    sock.on('data', (bytes: Buffer) => { if (this.sock === sock) this.fromPeer(bytes); });
    sock.on('close', () => {
      if (epoch !== this.epoch || this.closed) return;
      if (!connected) { this.connecting = null; this.busy = ''; this.err(); return; }
      if (this.sock === sock) this.dropLink();
    });
  }

  private endStoreCa(): void {
    const phase = this.data!;
    this.data = null;
    this.caCert = Buffer.concat(phase.parts);
    this.replyOk();
  }

  private cipsend(length: number): void {
    const dialect = this.dialect;
    if (!this.sock) return this.err(dialect.linkInvalid);
    if (length < 1 || length > dialect.sendMax) return this.err(length > dialect.sendMax && dialect.name === 'nonos' ? 'too long' : null);
    this.inSend = true;
    const sendNo = ++this.sendNo;
    this.out(dialect.prompt.slice(0, 6)); // \r\nOK\r\n
    this.spotHold(0);
    this.out(dialect.prompt.slice(6));
    this.data = { n: length, got: 0, parts: [], closed: false, closeMid: this.hits('closed-mid-send', sendNo) };
    this.spotHold(1);
  }

  private endData(): void {
    const phase = this.data!;
    this.data = null;
    this.stats.sends++; this.stats.sendBytes += phase.n;
    this.out(this.dialect.recv(phase.n));
    this.spotHold(2);
    const sendNo = this.sendNo;
    if (phase.closed) return this.sendDone('\r\nSEND FAIL\r\n');
    const fail = this.every('send-fail', sendNo), error = !fail && this.every('send-error', sendNo);
    if (fail || error) {
      this.sendDone(fail ? '\r\nSEND FAIL\r\n' : '\r\nERROR\r\n');
      this.dropLink();
      return;
    }
    this.sock!.write(Buffer.concat(phase.parts));
    const done = () => {
      this.sendDone('\r\nSEND OK\r\n');
      if (this.every('wifi-drop', sendNo)) this.later(5, () => this.wifiDown(this.fault('wifi-drop')!.m ?? 1500));
    };
    const delayMs = this.options.sendOkMs ?? 0;
    if (delayMs <= 0) done();
    else { this.busy = this.dialect.busyS ? 's' : 'p'; this.later(delayMs, () => { this.busy = ''; done(); }); }
  }
  private sendDone(text: string): void { this.inSend = false; this.reply(text); this.flushHold(); }

  /** wifi-flap: the access point drops the module every everyMs..2·everyMs (not a module
   * fault, so the timer outlives resets), and the module rejoins after rejoinMs. */
  private scheduleFlap(everyMs: number, rejoinMs: number): void {
    this.flapTimer = setTimeout(() => {
      if (this.closed) return;
      if (this.booted && this.hasIp) { this.count('wifi-flap'); this.wifiDown(rejoinMs); }
      this.scheduleFlap(everyMs, rejoinMs);
    }, everyMs + this.rnd() * everyMs);
  }

  private wifiDown(rejoinMs: number): void {
    this.joined = this.hasIp = false;
    this.out('WIFI DISCONNECT\r\n');
    this.dropLink();
    this.later(rejoinMs, () => this.associate());
  }

  /** The TCP link is gone (peer, error, Wi-Fi): CLOSED now, SEND FAIL later if mid-send. */
  private dropLink(): void {
    const sock = this.sock;
    if (!sock) return;
    this.sock = null;
    sock.destroy();
    if (this.data) this.data.closed = true;
    this.flushHold();
    this.dropHeld();
    this.out('CLOSED\r\n');
  }

  // ---------------------------------------------------------------- TCP peer → host
  private fromPeer(bytes: Buffer): void {
    if (!this.fault('interleave')) return this.ipd(bytes);
    // Hold the data briefly so that it lands inside a CIPSEND exchange (§7 interleavings).
    this.hold.push(bytes);
    if (!this.holdTimer) this.holdTimer = setTimeout(() => { this.holdTimer = null; if (!this.inSend) this.flushHold(); }, this.fault('interleave')!.m ?? 20);
  }
  private spotHold(where: number): void {
    if (this.hold.length && this.spot % 3 === where) { this.spot++; this.count('interleave'); this.flushHold(); }
  }
  private flushHold(): void {
    const held = this.hold;
    this.hold = [];
    for (const bytes of held) this.ipd(bytes);
  }
  /** Passive mode: hold the data (the TCP window closes while 5760 bytes wait) and notify once. */
  private holdPassive(bytes: Buffer): void {
    this.held = Buffer.concat([this.held, bytes]);
    if (this.held.length >= PASSIVE_BUFFER) this.sock?.pause();
    this.notice();
  }
  /** The link is gone: what it held is void (a real module holds CLOSED back until it is read). */
  private dropHeld(): void { this.held = Buffer.alloc(0); this.noticed = false; }
  private notice(): void {
    if (this.noticed || !this.held.length) return;
    this.noticed = true;
    let length = String(this.held.length);
    if (this.every('garble-ipd', ++this.ipdNo)) length = length.slice(0, -1) + 'Z';
    this.out(`\r\n+IPD,${length}\r\n`);
  }
  private recvData(max: number): void {
    if (!this.passive || !this.held.length || max < 1) return this.err();
    const part = this.held.subarray(0, Math.min(max, this.held.length));
    this.held = this.held.subarray(part.length);
    this.noticed = false;
    let length = String(part.length);
    if (this.every('garble-ipd', ++this.ipdNo)) length = length.slice(0, -1) + 'Z';
    this.stats.ipd++; this.stats.ipdBytes += part.length;
    this.reply(Buffer.concat([enc(`+CIPRECVDATA:${length},`), part, enc('\r\nOK\r\n')]));
    if (this.held.length < PASSIVE_BUFFER) this.sock?.resume();
    this.notice();
  }
  private ipd(bytes: Buffer): void {
    if (this.passive) return this.holdPassive(bytes);
    for (let i = 0; i < bytes.length; i += this.dialect.ipdMax) {
      const part = bytes.subarray(i, i + this.dialect.ipdMax);
      let len = String(part.length);
      if (this.every('garble-ipd', ++this.ipdNo)) len = len.slice(0, -1) + 'Z';
      this.stats.ipd++; this.stats.ipdBytes += part.length;
      this.out(Buffer.concat([enc(`\r\n+IPD,${len}:`), part]));
    }
  }
}

/** AT parameters: "quoted" (with \\ \" \, escapes) → string, bare digits → number. null if malformed. */
export function parseArgs(text: string): (string | number)[] | null {
  const out: (string | number)[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) return null;
        const char = text[i++];
        if (char === '"') break;
        if (char === '\\') { if (i >= text.length) return null; value += text[i++]; } else value += char;
      }
      out.push(value);
    } else {
      const digits = /^\d+/.exec(text.slice(i));
      if (!digits) return null;
      out.push(+digits[0]);
      i += digits[0].length;
    }
    if (i === text.length) return out;
    if (text[i++] !== ',') return null;
  }
}

/** The host's side of an in-process emulator, as the driver's ByteStream. */
export function simStream(sim: ModemSim): { write(bytes: Uint8Array): void; onData(sink: (bytes: Uint8Array) => void): void } {
  return { write: (bytes) => sim.input(bytes), onData: (sink) => sim.onOutput(sink) };
}
