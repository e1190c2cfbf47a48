// The ESP-AT module driver (esp-at-tcp.md): one byte-driven receiver, one command in
// flight, and a Transport per TCP link. Portable: it runs on the board, so it is written
// as closures (local names minify, property names would not) in the Espruino subset.
import type { Platform, Timer, Transport, TransportHandlers } from '../../core/types';
import { utf8Encode } from '../../core/utf8';
import type { ByteStream } from './byte-stream';
import { dialectOf, type Dialect } from './dialect';

export interface EspAtOptions {
  host: string;
  port: number;
  /** AT+CIPSTART "SSL" instead of "TCP" (the module does TLS; no certificate check). */
  ssl?: boolean;
  /** Join this network at start-up (AT+CWJAP); without it the module's saved network is used. */
  ssid?: string;
  password?: string;
  /** TCP keepalive seconds for AT+CIPSTART (0 = off). MQTT keepalive still pings. */
  keepalive?: number;
}

export interface EspAtModem {
  /** A new Transport per connection attempt; re-initialises the module when needed. */
  transport(): Transport;
  /** Queue one AT command line (no CRLF); cb gets the error or the reply's detail lines. */
  cmd(s: string, ms: number, cb?: (e: Error | undefined, lines: string[]) => void): void;
  /** The dialect found by AT+GMR, once initialised. */
  dialect(): Dialect | undefined;
}

/** A pending command. m: 0 ends at OK/ERROR/FAIL, 1 a send (SEND OK/SEND FAIL/ERROR),
 * 2 the probe (OK or ready), 3 AT+RST (ready only). cb also gets the command itself. */
interface Cmd {
  s?: string; ms: number; m: number; // s: a send's (AT+CIPSEND=n) is set when it is sent
  cb: (e: Error | undefined, lines: string[], x: Cmd) => void;
  r?: string[]; t?: Timer;
  d?: Uint8Array[]; n?: number; o?: Link;
}
interface Link extends Transport { end(e?: Error, quiet?: number): void; rx(b: Uint8Array): void }

// CIPSEND chunks: up to 2048 bytes each (the portable maximum on every firmware); above
// 4096 queued bytes write() asks the client to wait for onDrain. Literals, not constants:
// a top-level constant costs board memory.

function fail(s: string, code?: string): Error {
  const e: any = new Error(s);
  if (code) e.code = code;
  return e;
}
/** A quoted AT string parameter: \ " and , escaped. */
function qs(s: string): string {
  return '"' + s.replace(/[\\",]/g, (c) => '\\' + c) + '"';
}

// Closures made once per modem (and once per link), none per command or chunk: each
// function object costs board memory.
export function createModem(io: ByteStream, p: Platform, o: EspAtOptions): EspAtModem {
  // Flags are 0/1 and unset values undefined (no initialiser): fewer bytes on the board.
  let q: Cmd[] = [];
  let c: Cmd | null;
  let line = '';
  let hdr: string | null; // +IPD header text while it is being read
  let need = 0; // +IPD payload bytes still to come
  // The +IPD frame being read, and frames completed during the current read. A frame goes to
  // the link only whole, and only at the end of the read that completed it: a module reset
  // inside a payload puts its boot text where the payload should be, and a frame cut short
  // (or followed by `ready` in the same read, which closes the link) must never reach MQTT.
  let frame: Uint8Array | null, got: number, done: any[] = []; // done: link, frame, link, frame…
  let link: Link | null;
  let up: number | undefined; // initialised since the last reset/timeout
  let ip: number | undefined; // WIFI GOT IP seen, no WIFI DISCONNECT since
  let D: Dialect | undefined;

  const noop = () => {};
  const drop = (e: Error, quiet?: number) => { if (link) link.end(e, quiet); };
  // The command name only: a CWJAP line carries the password.
  const name = (x: Cmd) => x.s!.split('=')[0];
  // The pending command's timer (each finished command clears its own).
  const expire = () => {
    // No answer: the module may have reset unseen (inside a payload). Resynchronise.
    if (c) { up = need = 0; hdr = null; line = ''; fin(fail(name(c) + ' timed out')); }
  };

  function cmd(s: string, ms: number, cb?: (e: Error | undefined, lines: string[], x: Cmd) => void, m?: number, front?: number) {
    const x: Cmd = { s: s, ms: ms, m: m || 0, cb: cb || noop };
    if (front) q.unshift(x); else q.push(x);
    next();
  }
  function next() {
    if (c || !q.length) return;
    const x = (c = q.shift()!);
    x.r = [];
    if (x.d) x.s = 'AT+CIPSEND=' + x.n;
    // A send waits at most 2 s for its '>' (a module that reset unseen never gives one),
    // then its own time for SEND OK.
    x.t = p.setTimeout(expire, x.d ? 2000 : x.ms);
    io.write(utf8Encode(x.s + '\r\n'));
  }
  function fin(e?: Error) {
    const x = c!;
    c = null;
    p.clearTimeout(x.t);
    x.cb(e, x.r!, x);
    next();
  }

  // A module sends each +IPD payload as one burst: a pause inside one means it stopped
  // (a reset whose boot text we counted as payload, or lost bytes). Resynchronise then, rather
  // than wait for the next command or CONNACK to time out.
  let stall: unknown;
  const stalled = () => {
    stall = 0;
    if (need) {
      const x = c, e = fail('+IPD payload stopped midway (module reset?)', 'IPD');
      need = up = 0;
      drop(e);
      // A reset we did not see (its `ready` was read as payload) never answers the command in
      // flight: end it now rather than at its timeout, so the module is probed again at once.
      if (x && x == c) fin(e);
    }
  };

  // ---- receiver: LINE, +IPD header, counted payload ----
  function feed(b: Uint8Array) {
    if (stall) { p.clearTimeout(stall); stall = 0; }
    feedBytes(b);
    if (need) stall = p.setTimeout(stalled, 1000);
    pass();
  }
  // Hand the completed frames to their link (rx() passes data on only while it is open).
  function pass() {
    const d = done;
    done = [];
    for (let k = 0; k < d.length; k += 2) if (d[k]) d[k].rx(d[k + 1]);
  }
  function feedBytes(b: Uint8Array) {
    let ch: number, t: string, f: string, j: number;
    for (let i = 0; i < b.length; ) {
      if (need) { // (never negative)
        j = Math.min(need, b.length - i);
        need -= j;
        frame!.set(b.subarray(i, i + j), got);
        got += j;
        if (!need) { done.push(link, frame); frame = null; }
        i += j;
        continue;
      }
      ch = b[i++];
      t = String.fromCharCode(ch);
      if (hdr != null) {
        if (ch == 58 || ch == 13 || ch == 10 || hdr.length > 48) {
          // ':' ends the header; only the length field is read
          f = ch == 58 ? hdr.split(',')[0] : '';
          need = /^\d+$/.test(f) ? +f : 0;
          hdr = null;
          got = 0;
          if (need > 0 && need <= 8192) frame = new Uint8Array(need);
          else {
            // A header we cannot trust: the payload length is unknown, so the link is unusable.
            need = up = 0;
            drop(fail('corrupt +IPD header', 'IPD'));
          }
        } else hdr += t;
        continue;
      }
      if (ch == 13 || ch == 10) {
        if (line) onLine(line);
        line = '';
        continue;
      }
      if (!line) {
        if (ch == 32) continue; // NonOS "> " prompt: the space
        if (ch == 62 && c && c.d && c.r!.indexOf('>') < 0) { // '>' prompt: send exactly n bytes
          c.r!.push('>');
          p.clearTimeout(c.t);
          c.t = p.setTimeout(expire, c.ms); // (set before writing: a write may finish the command)
          for (j = 0; c && j < c.d!.length; j++) io.write(c.d![j]);
          continue;
        }
      }
      line += t;
      if (line == '+IPD,') { line = ''; hdr = ''; }
      else if (line.length > 512) line = ''; // garbage (boot log at 74880 baud): bound it
    }
  }

  function onLine(s: string) {
    const x = c;
    // Data before a line goes first (CLOSED glued to a payload: the data, then the close),
    // except before `ready`: frames completed since the last one may hold the boot text.
    if (s == 'ready') { // the module (re)booted: link, settings and queued work are gone
      done = [];
      const e = fail('module reset (ready)', 'RESET');
      up = ip = 0;
      drop(e, 1);
      if (x && x.m > 1) { x.r!.push(s); return fin(); }
      const old = q;
      q = [];
      if (x) fin(e);
      old.forEach((y) => y.cb(e, [], y));
    } else if (pass(), s == 'CLOSED' || /^\d,CLOSED$/.test(s)) drop(fail('link closed (CLOSED)', 'CLOSED'), 1);
    else if (s == 'WIFI DISCONNECT') { ip = 0; drop(fail('Wi-Fi disconnected', 'WIFI')); }
    else if (s == 'WIFI GOT IP') ip = 1;
    else if (/^(WIFI |busy )/.test(s) || !x) { /* informational URC, or nothing pending */ }
    else if (x.m == 1 ? s == 'SEND OK' : x.m < 3 && (s == 'OK' || s == 'no change')) fin();
    else if (s == 'ERROR' || s == 'FAIL' || s == 'SEND FAIL') {
      fin(fail(name(x) + ' failed: ' + s + (x.r!.length ? ' (' + x.r!.join('; ') + ')' : '')));
    } else if (s != 'AT' && !/^AT[+E]/.test(s)) x.r!.push(s); // keep details, never the echo
    // (a class, not (\+|E|$): the board's regex engine fails that alternation)
  }

  // ---- start-up: probe (or reset), ATE0, GMR, station mode, join, single link ----
  function ensure(cb: (e?: Error) => void) {
    if (up) return cb();
    let i = 0, rst = 0;
    // i: commands sent so far; a reply to the i-th arrives here.
    const go = (e?: Error, r?: string[]): unknown => {
      let n: number, m: RegExpExecArray | null, cur: string;
      if (e) {
        if (i == 1 && !rst) { rst = 1; return cmd('AT+RST', 10000, go, 3); }
        if (i == 5) {
          m = /\+CWJAP:(\d)/.exec(r!.join());
          n = m ? +m[1] : 0;
          e = fail('Wi-Fi join failed: ' + (['timeout', 'wrong password', 'AP not found', 'connect failed'][n - 1] || 'unknown') + ' (' + e.message + ')', 'CWJAP' + n);
        }
        return cb(e);
      }
      if (i == 3) D = dialectOf(r!);
      // Booted just now: let it settle (as Espruino does), so that a late answer to a probe
      // sent during the boot arrives while nothing is pending, and is dropped.
      if (i == 1 && r && r.indexOf('ready') >= 0) return p.setTimeout(go, 500);
      if (i > 5) { up = 1; return cb(); }
      cur = D ? D.cur : '';
      const s = ['AT', 'ATE0', 'AT+GMR', 'AT+CWMODE' + cur + '=1',
        o.ssid != null && !ip ? 'AT+CWJAP' + cur + '=' + qs(o.ssid) + ',' + qs(o.password || '') : '', 'AT+CIPMUX=0'][i];
      i++;
      if (!s) return go();
      cmd(s, i == 1 ? 2000 : i == 5 ? 20000 : 5000, go, i == 1 ? 2 : 0);
    };
    go();
  }

  function transport(): Transport {
    let h: TransportHandlers;
    let st!: number; // undefined (no initialiser: fewer bytes) new, 1 opening, 2 open, 3 closed
    let k = 0; // bytes queued, not yet confirmed by SEND OK
    let full: number | undefined;
    let tail: Cmd | null;
    // Every chunk's callback: its bytes are confirmed (or the link failed).
    const sent = (e: Error | undefined, r: string[], x: Cmd) => {
      k -= x.n!;
      if (e) end(e);
      else if (full && k < 4096 && st == 2) { full = 0; h.onDrain(); }
    };
    function end(e?: Error, quiet?: number) {
      if (st > 2) return;
      st = 3;
      up = 0; // the next link re-checks the module: cheap, and heals any desync
      if (e) q = q.filter((x) => x.o != l); // an error: unsent chunks are void
      if (link == l) {
        // The rest of this link's +IPD payload is void: read what follows as lines again, so a
        // reset inside a payload (boot text counted as payload) is seen now, not at a timeout.
        need = 0;
        hdr = link = null;
        if (!quiet) cmd('AT+CIPCLOSE', 5000);
      }
      if (h) h.onClose(e);
    }
    const l: Link = {
      open(hh) {
        h = hh;
        st = 1;
        ensure((e) => {
          if (e) return end(e);
          if (st > 1) return;
          cmd('AT+CIPSTART=' + (o.ssl ? '"SSL",' : '"TCP",') + qs(o.host) + ',' + o.port + (o.keepalive ? ',' + o.keepalive : ''), 20000, (e2) => {
            // A timed-out or refused start may still connect later: close whatever is there.
            if (e2 || st > 1) cmd('AT+CIPCLOSE', 5000, noop, 0, 1);
            if (e2) {
              if (/no ip/.test(e2.message)) ip = 0; // join again next time
              return end(e2);
            }
            if (st > 1) return;
            if (link) link.end(fail('superseded'), 1);
            link = l;
            st = 2;
            h.onOpen();
          });
        });
      },
      write(b) {
        let n: number;
        if (st != 2) return false;
        for (let i = 0; i < b.length; i += n) {
          // Coalesce into the last queued, not yet sent chunk: up to 2048 bytes per CIPSEND.
          if (!tail || tail.r || tail.n == 2048) q.push(tail = { ms: 10000, m: 1, cb: sent, d: [], n: 0, o: l });
          n = Math.min(2048 - tail.n!, b.length - i);
          tail.d!.push(b.subarray(i, i + n));
          tail.n! += n;
          k += n;
        }
        next();
        if (k >= 4096) full = 1;
        return !full;
      },
      close: end,
      end: end,
      rx(b) { if (st == 2) h.onData(b); },
    };
    return l;
  }

  io.onData(feed);
  return { transport: transport, cmd: cmd, dialect: () => D };
}
