// A stand-in for the Espruino globals the board bundle touches, in a Node `vm` context, as
// they behave on the interpreter (probed on 2v29's Linux build, see shared/docs/espruino.md):
//  - require('net').connect THROWS when refused; sockets deliver and accept BINARY STRINGS
//    (a Uint8Array written is sent as its text "16,12,0,…" — and recorded as a violation);
//    write() always returns false, and 'drain' follows when the send buffer is empty;
//  - Serial1: setup(baud, {rx, tx}), on('data', str), write(str), wired to a byte stream
//    (the modem emulator);
//  - digitalWrite/digitalRead on pin objects (LED1, LED2, D0…D31); E.toString,
//    E.toUint8Array, E.asUTF8, E.getTemperature, E.on('kill'); getSerial(); process.memory();
//  - require('Storage'): read/write/readJSON/writeJSON/erase/list, names ≤ 28 characters,
//    kept OUTSIDE the context so a reset (new context) finds the same flash;
//  - timers: clearTimeout(undefined) throws, clearTimeout() clears all; an exception in a
//    callback is "Uncaught" (recorded), not fatal;
//  - what the interpreter lacks is removed (Map, Set, WeakMap, Symbol, Proxy, Reflect,
//    Array.from, Uint8Array.from, Promise.race/allSettled/any, Promise#finally, Number.isInteger…),
//    Uint8Array#slice returns a plain Array, String.fromCharCode is byte-wide, and a subarray
//    end past the length (which the board does not clamp) is a violation.
import vm from 'node:vm';
import net from 'node:net';
import { execFileSync } from 'node:child_process';

export interface ByteWire { write(b: Uint8Array): void; onData(fn: (b: Uint8Array) => void): void }

/** Flash that survives resets: one per simulated board. */
export class StandinFlash {
  files: { [name: string]: string } = {};
  writes = 0;
}

export interface BoardOptions {
  flash?: StandinFlash;
  /** Source put before the bundle, e.g. `var glowmqConfig = {...};` */
  prelude?: string;
  temperature?: number;
  /** false: a build without Unicode strings (Pico, Espruino WiFi, ESP8266, ESP32), where
   *  E.asUTF8 throws "Unicode not supported on this build". Default: with (the Linux build). */
  unicode?: boolean;
  serial?: string; // getSerial()
  /** What Serial1's TX/RX pins are wired to. */
  serial1?: ByteWire;
}

interface Pin { name: string; toString(): string }

function reachable(host: string, port: number): boolean {
  // The board's connect() blocks and throws; Node's is asynchronous, so ask synchronously.
  const probe = `const s=require('net').connect(${port},${JSON.stringify(host)});s.on('connect',()=>process.exit(0));s.on('error',()=>process.exit(1));setTimeout(()=>process.exit(1),3000)`;
  try { execFileSync(process.execPath, ['-e', probe], { stdio: 'ignore' }); return true; } catch { return false; }
}

export class StandinBoard {
  readonly ctx: vm.Context;
  readonly flash: StandinFlash;
  /** Console output, one entry per console.log/print. */
  readonly logs: string[] = [];
  /** Exceptions that escaped a callback ("Uncaught …" on the board). */
  readonly uncaught: string[] = [];
  /** Things the board would do differently (a Uint8Array written to a socket…): each one fails a test. */
  readonly violations: string[] = [];
  /** digitalWrite calls, in order. */
  readonly pinWrites: { pin: string; v: number }[] = [];
  readonly level: { [pin: string]: number } = {};
  /** What process.memory() reports free, of 5,000 variables: set it to imitate a board short of memory. */
  freeVariables = 4000;
  serialSetup?: { baud: number; opts: unknown };
  private timers = new Map<number, NodeJS.Timeout>();
  private nextTimer = 1;
  private killHandlers: (() => void)[] = [];
  private initHandlers: (() => void)[] = [];
  private sockets: net.Socket[] = [];
  private dead = false;

  constructor(private o: BoardOptions = {}) {
    this.flash = o.flash ?? new StandinFlash();
    const sandbox: { [k: string]: unknown } = {};
    this.ctx = vm.createContext(sandbox);
    const C = (name: string) => vm.runInContext(name, this.ctx);
    // What the interpreter lacks, removed; what it does differently, made so.
    sandbox.__violation = (m: string) => this.violations.push(m);
    vm.runInContext(`(function(){
      var violation = __violation; delete globalThis.__violation;
      ['Map','Set','WeakMap','WeakSet','WeakRef','Symbol','Proxy','Reflect','SharedArrayBuffer','Atomics','queueMicrotask','structuredClone','TextEncoder','TextDecoder']
        .forEach(function(k){ delete globalThis[k]; });
      delete Array.from; delete Array.of; delete Uint8Array.from; delete Uint8Array.of; delete ArrayBuffer.isView;
      delete Promise.race; delete Promise.allSettled; delete Promise.any; delete Promise.prototype.finally;
      ['isInteger','isFinite','isNaN','isSafeInteger','parseInt','parseFloat','MAX_SAFE_INTEGER','MIN_SAFE_INTEGER','EPSILON'].forEach(function(k){ delete Number[k]; });
      ['trunc','imul','log2','log10','log1p','expm1','hypot','cbrt','clz32','fround'].forEach(function(k){ delete Math[k]; });
      delete Object.freeze; delete String.fromCodePoint; delete String.prototype.codePointAt; delete String.prototype.localeCompare;
      delete Array.prototype.flat; delete Array.prototype.flatMap; delete Number.prototype.toPrecision;
      var TA = Object.getPrototypeOf(Uint8Array.prototype), sl = TA.slice, sa = TA.subarray;
      TA.slice = function(a, b) { return [].slice.call(sl.call(this, a, b)); };
      // The board does not clamp subarray's end: it reads past the array (Node clamps).
      TA.subarray = function(a, b) {
        if (b > this.length) violation('subarray(' + a + ', ' + b + ') past the end of ' + this.length + ' bytes: the board reads beyond the array');
        return sa.call(this, a, b);
      };
      var fcc = String.fromCharCode;
      String.fromCharCode = function() { var a = []; for (var i = 0; i < arguments.length; i++) a.push(arguments[i] & 255); return fcc.apply(String, a); };
    })()`, this.ctx);
    const U8 = C('Uint8Array') as Uint8ArrayConstructor;
    const JSONc = C('JSON') as JSON;
    const guard = (what: string, fn: () => void) => {
      if (this.dead) return;
      try { fn(); } catch (e) { this.uncaught.push(what + ': ' + ((e as Error)?.stack ?? String(e))); }
    };
    const toBin = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength).toString('latin1');
    const isBin = (s: string) => { for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 255) return false; return true; };
    const fromBin = (s: string) => { const b = Buffer.from(s, 'latin1'); const u = new U8(b.length); u.set(b); return u; };
    const binary = (what: string, d: unknown): string => {
      if (typeof d === 'string') {
        if (!isBin(d)) this.violations.push(what + ': a string with characters above 255 (it is sent as UTF-8 on the board)');
        return d;
      }
      this.violations.push(what + ': ' + Object.prototype.toString.call(d) + ' written instead of a binary string (the board sends it as the text "' + String(d).slice(0, 20) + '…")');
      return String(d);
    };

    const pins: { [name: string]: Pin } = {};
    for (const n of ['LED1', 'LED2', 'BTN1'].concat(Array.from({ length: 32 }, (_, i) => 'D' + i))) {
      pins[n] = { name: n, toString: () => n };
      sandbox[n] = pins[n];
    }
    const isPin = (p: unknown): p is Pin => typeof p === 'object' && p !== null && Object.values(pins).includes(p as Pin);

    // --- timers
    const setT = (fn: () => void, ms: number, repeat: boolean) => {
      if (typeof fn !== 'function') throw new Error('setTimeout: expecting a function');
      const id = this.nextTimer++;
      const run = () => { if (!repeat) this.timers.delete(id); guard('timer', fn); };
      this.timers.set(id, repeat ? setInterval(run, Math.max(ms || 0, 1)) : setTimeout(run, ms || 0));
      return id;
    };
    const clearT = (...a: unknown[]) => {
      if (a.length === 0) { for (const t of this.timers.values()) clearTimeout(t); this.timers.clear(); return; }
      if (a[0] === undefined) throw new Error('clearTimeout(undefined) not allowed. Use clearTimeout() instead');
      const t = this.timers.get(a[0] as number);
      if (t) { clearTimeout(t); clearInterval(t); this.timers.delete(a[0] as number); }
    };
    const log = (...a: unknown[]) => { this.logs.push(a.map((x) => typeof x === 'string' ? x : JSON.stringify(x)).join(' ')); };

    // --- net
    const netModule = {
      connect: (opts: { host: string; port: number }, cb: () => void) => {
        if (!opts || typeof opts.host !== 'string' || typeof opts.port !== 'number') throw new Error('net.connect: expecting {host, port}');
        if (!reachable(opts.host, opts.port)) throw new Error('Unable to create socket'); // InternalError on the board
        const s = net.connect(opts.port, opts.host);
        this.sockets.push(s);
        const handlers: { [ev: string]: ((x?: unknown) => void)[] } = {};
        const emit = (ev: string, x?: unknown) => (handlers[ev] || []).forEach((f) => guard('socket ' + ev, () => f(x)));
        s.on('connect', () => guard('connect callback', cb));
        s.on('data', (b: Buffer) => emit('data', b.toString('latin1')));
        s.on('error', (e: NodeJS.ErrnoException) => emit('error', { code: e.code, message: e.message }));
        s.on('close', () => emit('close'));
        // As on the board: write() returns false, always; 'drain' when everything written has gone.
        let unsent = 0;
        s.on('connect', () => { if (!unsent) emit('drain'); });
        return {
          on: (ev: string, fn: (x?: unknown) => void) => { (handlers[ev] = handlers[ev] || []).push(fn); },
          write: (d: unknown) => {
            const b = Buffer.from(binary('socket.write', d), 'latin1');
            if (!this.dead && !s.destroyed) { unsent++; s.write(b, () => { if (--unsent === 0) emit('drain'); }); }
            return false;
          },
          end: () => { s.end(); },
        };
      },
    };

    // --- Storage (the flash outlives the context)
    const F = this.flash;
    const name = (n: string) => { if (typeof n !== 'string' || n.length === 0 || n.length > 28) throw new Error('Storage: name must be 1..28 characters, got ' + JSON.stringify(n)); return n; };
    const storage = {
      read: (n: string) => F.files[name(n)],
      write: (n: string, d: unknown) => { F.files[name(n)] = binary('Storage.write', d); F.writes++; return true; },
      readJSON: (n: string, noExceptions?: boolean) => {
        const s = F.files[name(n)];
        if (s === undefined) return undefined;
        try { return JSONc.parse(s); } catch (e) { if (noExceptions) return undefined; throw e; }
      },
      writeJSON: (n: string, d: unknown) => { F.files[name(n)] = JSON.stringify(d); F.writes++; return true; },
      erase: (n: string) => { delete F.files[name(n)]; F.writes++; },
      list: (re?: RegExp) => Object.keys(F.files).filter((k) => !re || re.test(k)),
    };

    // --- Serial1
    const wire = o.serial1;
    const serialHandlers: ((s: string) => void)[] = [];
    if (wire) wire.onData((b) => { const s = Buffer.from(b).toString('latin1'); serialHandlers.forEach((f) => guard('Serial1 data', () => f(s))); });
    const Serial1 = {
      setup: (baud: number, opts: unknown) => { this.serialSetup = { baud: baud, opts: opts }; },
      on: (ev: string, fn: (s: string) => void) => { if (ev === 'data') serialHandlers.push(fn); },
      write: (d: unknown) => {
        const s = binary('Serial1.write', d);
        if (!this.serialSetup) this.violations.push('Serial1.write before Serial1.setup');
        if (wire && !this.dead) wire.write(new Uint8Array(Buffer.from(s, 'latin1')));
      },
    };

    Object.assign(sandbox, {
      global: sandbox,
      console: { log: log },
      print: log,
      setTimeout: (fn: () => void, ms: number) => setT(fn, ms, false),
      setInterval: (fn: () => void, ms: number) => setT(fn, ms, true),
      clearTimeout: clearT,
      clearInterval: clearT,
      require: (m: string) => {
        if (m === 'net') return netModule;
        if (m === 'Storage') return storage;
        throw new Error('Module ' + m + ' not found');
      },
      digitalWrite: (p: unknown, v: unknown) => {
        if (!isPin(p)) throw new Error('Expecting a pin, got ' + String(p));
        const x = v ? 1 : 0;
        this.pinWrites.push({ pin: p.name, v: x });
        this.level[p.name] = x;
      },
      digitalRead: (p: unknown) => {
        if (!isPin(p)) throw new Error('Expecting a pin, got ' + String(p));
        return this.level[p.name] ?? 0;
      },
      getSerial: () => o.serial ?? '33FFD605-41573033-15720843',
      process: { version: '2v29', memory: () => ({ free: this.freeVariables, usage: 5000 - this.freeVariables, total: 5000 }), env: {} },
      E: {
        toString: (u: unknown) => {
          if (typeof u === 'string') return u;
          if (!ArrayBuffer.isView(u)) throw new Error('E.toString: expecting a Uint8Array');
          return toBin(u as Uint8Array);
        },
        toUint8Array: (s: unknown) => {
          if (typeof s !== 'string') throw new Error('E.toUint8Array: expecting a string');
          if (isBin(s)) return fromBin(s);
          // As the interpreter (2v29) does with a code point above 255: a build with Unicode
          // strings gives its UTF-8 bytes, one without keeps the low byte (measured on both).
          if (o.unicode === false) return Uint8Array.from(s, (char) => char.charCodeAt(0) & 0xff);
          return new Uint8Array(Buffer.from(s, 'utf8'));
        },
        asUTF8: (s: string) => {
          if (o.unicode === false) throw new Error('Unicode not supported on this build');
          return Buffer.from(s, 'latin1').toString('utf8');
        },
        getTemperature: () => o.temperature ?? 21.5,
        on: (ev: string, fn: () => void) => {
          if (ev === 'kill') this.killHandlers.push(fn);
          if (ev === 'init') this.initHandlers.push(fn);
        },
      },
    });
    if (wire === undefined) delete sandbox.Serial1; else sandbox.Serial1 = Serial1;
  }

  /** Upload and run code (the prelude first). Top-level exceptions become "Uncaught". */
  run(code: string, file = 'glowmq.js'): void {
    const src = (this.o.prelude ? this.o.prelude + '\n' : '') + code;
    try { vm.runInContext(src, this.ctx, { filename: file }); } catch (e) { this.uncaught.push('top level: ' + ((e as Error)?.stack ?? String(e))); }
  }

  /** Power-up with code in the Storage file .bootcde (the Web IDE's "Direct to Flash"): the
   *  board runs it, then emits 'init', as the interpreter does at every boot. */
  boot(code: string): void {
    this.run(code, '.bootcde');
    for (const f of this.initHandlers) { try { f(); } catch (e) { this.uncaught.push('init: ' + String(e)); } }
  }

  /** reset(): E.on('kill') handlers run, then every timer and socket is gone and the context dies. */
  reset(): void {
    for (const f of this.killHandlers) { try { f(); } catch (e) { this.uncaught.push('kill: ' + String(e)); } }
    this.killHandlers = [];
    this.powerOff();
  }

  /** Power cut: nothing runs any more (no kill handlers). */
  powerOff(): void {
    this.dead = true;
    for (const t of this.timers.values()) { clearTimeout(t); clearInterval(t); }
    this.timers.clear();
    for (const s of this.sockets) s.destroy();
  }

  /** A global of the board's context (e.g. `glowmq`). */
  get(name: string): any { return (this.ctx as { [k: string]: unknown })[name]; }
}
