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

/** A pending command. m: unset ends at OK/ERROR/FAIL, 2 the probe (OK or ready), 3 AT+RST
 * (ready only); a send (n bytes in d, no ms; d is dropped at its '>') ends at SEND OK/SEND
 * FAIL/ERROR. cb also gets the command. */
interface Cmd {
  s?: string; ms?: number; m?: number; // s: a send's (AT+CIPSEND=n) is set when it is sent
  cb: (e: Error | undefined, lines: string[], x: Cmd) => void;
  r?: string[];
  d?: Uint8Array[] | null; n?: number;
}
interface Link extends Transport { close(e?: Error, quiet?: number): void; h?: TransportHandlers }

// CIPSEND chunks: up to 2048 bytes each (the portable maximum on every firmware); above
// 4096 queued bytes write() asks the client to wait for onDrain. Literals, not constants:
// a top-level constant costs board memory.

function fail(s: string, code?: string): Error {
  const e: any = Error(s); // (no `new`: the same Error, on the board too)
  e.code = code;
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
  let frame: Uint8Array | null, done: Uint8Array[] = [];
  // A payload was just completed: the next byte must be one a module sends there: CR or LF
  // (before a line or the next +IPD), or the start of a line a module glues to a payload
  // (CLOSED, WIFI …, Recv N bytes, busy …, the '>' prompt: an upper-case letter, b or >).
  // Anything else means the payload was filled with what followed a reset: boot text (bytes
  // over 127 at the wrong baud rate), or `ready` cut in two ("rea" as payload, then "dy").
  let after: number | undefined;
  let link: Link | null;
  let up: number | undefined; // initialised since the last reset/timeout
  let ip: number | undefined; // WIFI GOT IP seen, no WIFI DISCONNECT since
  let D: Dialect | undefined;
  let ct: Timer; // the timer of the command in flight

  const noop = () => {};
  const cipclose = () => cmd('AT+CIPCLOSE', 5000);
  const drop = (e: Error, quiet?: number) => { if (link) link.close(e, quiet); };
  // The command name only: a CWJAP line carries the password.
  const name = (x: Cmd) => x.s!.split('=')[0];
  // The timer of the command in flight (fin clears it, so c is set when it fires).
  const expire = () => {
    // No answer: the module may have reset unseen (inside a payload). Resynchronise.
    up = need = 0;
    hdr = null;
    line = '';
    fin(fail(name(c!) + ' timed out'));
  };

  function cmd(s: string, ms: number, cb?: (e: Error | undefined, lines: string[], x: Cmd) => void, m?: number) {
    q.push({ s: s, ms: ms, m: m, cb: cb || noop });
    next();
  }
  function next() {
    if (c || !q.length) return;
    const x = (c = q.shift()!);
    x.r = [];
    if (x.d) x.s = 'AT+CIPSEND=' + x.n;
    // A send waits at most 2 s for its '>' (a module that reset unseen never gives one),
    // then 10 s for SEND OK.
    ct = p.setTimeout(expire, x.d ? 2000 : x.ms!);
    io.write(utf8Encode(x.s + '\r\n'));
  }
  function fin(e?: Error) {
    const x = c!;
    c = null;
    p.clearTimeout(ct);
    x.cb(e, x.r!, x);
    next();
  }

  // A module sends each +IPD payload as one burst: a pause inside one means it stopped
  // (a reset whose boot text we counted as payload, or lost bytes). Resynchronise then, rather
  // than wait for the next command or CONNACK to time out.
  let stall: unknown;
  // The stream is out of step with the module: the link is unusable, and the frames not yet
  // passed are void. The command in flight is ended only when `ended` says the module did
  // reset (a reset never answers it: end it now rather than at its timeout, so the module is
  // probed again at once); otherwise it is left to its answer or timeout, since the module may
  // be well, and an answer to an ended command would be taken for the next one's.
  // (Ended first: closing the link may queue and send an AT+CIPCLOSE, which is not to be ended.)
  const desync = (m: string, ended?: number) => {
    const e = fail(m, 'IPD');
    need = up = 0;
    done = [];
    if (ended && c) fin(e);
    drop(e);
  };
  // A stalled payload: a reset we did not see, its `ready` read as payload.
  const stalled = () => {
    stall = 0;
    if (need) desync('+IPD payload stalled (reset?)', 1);
  };

  // ---- receiver: LINE, +IPD header, counted payload ----
  function feed(b: Uint8Array) {
    p.clearTimeout(stall); // (0 or undefined when none: no timer has either id)
    stall = 0;
    feedBytes(b);
    if (need) stall = p.setTimeout(stalled, 1000);
    pass();
  }
  // Hand the completed frames to the link, while there is one (a frame may make the client
  // close it). It is the link they were read for: a link changes only at a line, and every
  // line but `ready` (which voids them) passes them on first.
  function pass() {
    while (link && done.length) link.h!.onData(done.shift()!);
    done = []; // the rest had no link, or its link closed: void
  }
  function feedBytes(b: Uint8Array) {
    let ch: number, t: string, f: string, j: number, x: Cmd, d: Uint8Array[], eol: boolean;
    for (let i = 0; i < b.length; ) {
      if (need) { // (never negative)
        j = Math.min(need, b.length - i);
        frame!.set(b.subarray(i, i + j), frame!.length - need);
        need -= j;
        if (!need) { done.push(frame!); frame = null; after = 1; }
        i += j;
        continue;
      }
      ch = b[i++];
      t = String.fromCharCode(ch);
      eol = ch == 13 || ch == 10;
      if (after && (after = 0, !/[\r\n+>A-Zb]/.test(t))) desync('data after +IPD payload (reset?)');
      if (hdr != null) {
        if (eol || ch == 58 || hdr.length > 48) {
          // ':' ends the header; only the length field is read
          need = ch == 58 && /^\d+$/.test(f = hdr.split(',')[0]) ? +f : 0;
          hdr = null;
          // A header we cannot trust: the payload length is unknown.
          if (need && need <= 8192) frame = new Uint8Array(need);
          else desync('corrupt +IPD header');
        } else hdr += t;
      } else if (eol) {
        if (line) onLine(line);
        line = '';
      } else if (!line && ch == 32) { /* NonOS "> " prompt: the space */ }
      else if (!line && ch == 62 && c && c.d) { // '>' prompt: send exactly n bytes, once (d is dropped)
        x = c;
        d = x.d!;
        x.d = null;
        p.clearTimeout(ct);
        ct = p.setTimeout(expire, 10000); // for SEND OK (set before writing: a write may finish the command)
        for (j = 0; c == x && j < d.length; j++) io.write(d[j]);
      } else {
        line += t;
        if (line == '+IPD,') { line = ''; hdr = ''; }
        else if (line.length > 512) line = ''; // garbage (boot log at 74880 baud): bound it
      }
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
      if (x && x.m! > 1) { x.r!.push(s); return fin(); }
      const old = q;
      q = [];
      if (x) fin(e);
      old.forEach((y) => y.cb(e, [], y));
      // (/^(\d,|)/, not /^(\d,)?/: the board's regex engine fails that one)
    } else if (pass(), /^(\d,|)CLOSED$/.test(s)) drop(fail('link closed (CLOSED)', 'CLOSED'), 1);
    else if (s == 'WIFI DISCONNECT') { ip = 0; drop(fail('Wi-Fi disconnected', 'WIFI')); }
    else if (s == 'WIFI GOT IP') ip = 1;
    else if (/^(WIFI |busy )/.test(s) || !x) { /* informational URC, or nothing pending */ }
    else if (x.n ? s == 'SEND OK' : x.m != 3 && (s == 'OK' || s == 'no change')) fin();
    else if (s == 'ERROR' || s == 'FAIL' || s == 'SEND FAIL') {
      fin(fail(name(x) + ' failed: ' + s + (x.r!.length ? ' (' + x.r!.join('; ') + ')' : '')));
    } else if (s != 'AT' && !/^AT[+E]/.test(s)) x.r!.push(s); // keep details, never the echo
    // (a class, not (\+|E|$): the board's regex engine fails that alternation)
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
      if (e) q = q.filter((x) => x.cb != sent); // an error: this link's unsent chunks are void
      if (link == l) {
        // The rest of this link's +IPD payload is void: read what follows as lines again, so a
        // reset inside a payload (boot text counted as payload) is seen now, not at a timeout.
        need = 0;
        hdr = link = null;
        if (!quiet) cipclose();
      }
      if (h) h.onClose(e);
    }
    const l: Link = {
      // Start-up (probe or reset, ATE0, GMR, station mode, join, single link), skipped while
      // the module is set up, then AT+CIPSTART. i: commands sent; the i-th's reply arrives here.
      open(hh) {
        let i = up ? 6 : 0, cur: string; // cur: set at the GMR reply, before its use
        const go = (e?: Error, r?: string[], x?: Cmd): unknown => {
          let n: any;
          if (e && x!.m == 2) return cmd('AT+RST', 10000, go, 3); // the probe failed: once
          // A timed-out, refused or unwanted start may still connect later: close whatever is there.
          // (Queued last: what can wait meanwhile is a start-up step (the link's end cleared up),
          // and the next AT+CIPSTART comes after the whole start-up, so after this close.)
          if (i > 6 && (e || st > 1)) cipclose();
          if (e) {
            if (i == 5) {
              // The +CWJAP:<code> detail line (exec stringifies the lines), "0" without one.
              n = (/CWJAP:(\d)/.exec(r as any) || '00')[1];
              e = fail('Wi-Fi join: ' + (['timeout', 'wrong password', 'AP not found', 'connect failed'][n - 1] || 'unknown') + ' (' + e.message + ')', 'CWJAP' + n);
            }
            if (/no ip/.test(e.message)) ip = 0; // (CIPSTART) join again next time
            return end(e);
          }
          if (i == 3) cur = (D = dialectOf(r!)) == 'nonos' ? '_CUR' : ''; // (dialect.ts)
          // Booted just now: let it settle (as Espruino does), so that a late answer to a probe
          // sent during the boot arrives while nothing is pending, and is dropped.
          if (i == 1 && /ready/.test(r as any)) return p.setTimeout(go, 500);
          if (i == 6) up = 1;
          if (st > 1) return; // closed meanwhile
          if (i > 6) {
            drop(fail('superseded'), 1);
            link = l;
            st = 2;
            return h.onOpen();
          }
          const s = ['AT', 'ATE0', 'AT+GMR', 'AT+CWMODE' + cur + '=1',
            o.ssid != null && !ip ? 'AT+CWJAP' + cur + '=' + qs(o.ssid) + ',' + qs(o.password || '') : '', 'AT+CIPMUX=0',
            'AT+CIPSTART="' + (o.ssl ? 'SSL",' : 'TCP",') + qs(o.host) + ',' + o.port + (o.keepalive ? ',' + o.keepalive : '')][i];
          i++;
          if (!s) return go();
          cmd(s, i == 1 ? 2000 : i == 5 || i > 6 ? 20000 : 5000, go, i == 1 ? 2 : 0);
        };
        h = l.h = hh;
        st = 1;
        go();
      },
      write(b) {
        let n: number;
        if (st != 2) return false;
        for (let i = 0; i < b.length; i += n) {
          // Coalesce into the last queued, not yet sent chunk: up to 2048 bytes per CIPSEND.
          if (!tail || tail.r || tail.n == 2048) q.push(tail = { cb: sent, d: [], n: 0 });
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
    };
    return l;
  }

  io.onData(feed);
  return { transport: transport, cmd: cmd, dialect: () => D };
}
