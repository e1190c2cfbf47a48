// The ESP-AT module driver (esp-at-tcp.md): one byte-driven receiver, one command in
// flight, and a Transport per TCP link. Portable: it runs on the board (the Espruino subset).
// Four parts share one ModemState: the command queue, the receiver (line reader and +IPD
// framer), the line handler, and the link with its start-up sequence. Internal fields end
// in `_`, so the board build shortens them; constants are `const enum`s, inlined by the build.
// Passive receive and the CA load are a build module (WITH_AT_PASSIVE): a board build without
// it receives actively (+IPD with data) and refuses a CA.
import { WITH_AT_PASSIVE } from '../../core/features';
import type { Platform, Timer, Transport, TransportHandlers } from '../../core/types';
import { utf8Encode } from '../../core/utf8';
import type { ByteStream } from './byte-stream';
import { dialectOf, type Dialect } from './dialect';

export interface EspAtOptions {
  host: string;
  port: number;
  /** AT+CIPSTART "SSL" instead of "TCP": the module does the TLS. */
  ssl?: boolean;
  /** With ssl: a CA (PEM) the module checks the broker's certificate against: written into it
   * with AT+SYSMFG and turned on with AT+CIPSSLCCONF=2,0,0 (ESP-AT on ESP32). Without it the
   * module checks no certificate. */
  ca?: string;
  /** Join this network at start-up (AT+CWJAP); without it the module's saved network is used. */
  ssid?: string;
  password?: string;
  /** TCP keepalive seconds for AT+CIPSTART (0 = off). MQTT keepalive still pings. */
  keepalive?: number;
  /** false: active receive (+IPD with data) even where the firmware has passive receive. */
  passive?: boolean;
  /** Passive receive: bytes per AT+CIPRECVDATA (default 2048). A read's data is held whole, so a
   * board sets less (512: about 110 variables more than active receive; 2048: about 450). */
  readChunk?: number;
}

export interface EspAtModem {
  /** A new Transport per connection attempt; re-initialises the module when needed. */
  transport(): Transport;
  /** Queue one AT command line (no CRLF); cb gets the error or the reply's detail lines. */
  cmd(line: string, timeoutMs: number, done?: (error: Error | undefined, lines: string[]) => void): void;
  /** The dialect found by AT+GMR, once initialised. */
  dialect(): Dialect | undefined;
  /** The port the module is on was lost (or replaced): fail the link and every command now. */
  lost(error: Error): void;
}

const enum Limit {
  /** Bytes per AT+CIPSEND (the portable maximum on every firmware), and per AT+CIPRECVDATA. */
  SendChunk = 2048,
  /** Queued bytes above which write() asks the client to wait for onDrain. */
  SendBuffer = 4096,
  /** The largest +IPD payload we accept; a bigger length means a garbled header. */
  Payload = 8192,
  HeaderChars = 48,
  /** A longer line is garbage (a boot log at 74880 baud): dropped. */
  LineChars = 512,
  /** A send waits this long for its '>' (a module that reset unseen never gives one)… */
  PromptMs = 2000,
  /** …then this long for SEND OK. */
  SendOkMs = 10000,
  ProbeMs = 2000,
  CommandMs = 5000,
  /** AT+CWJAP and AT+CIPSTART wait for the network. */
  NetworkMs = 20000,
  ResetMs = 10000,
  /** A pause this long inside a +IPD payload means the module stopped sending it. */
  StallMs = 1000,
  /** After a boot, as Espruino's own driver waits. */
  SettleMs = 500,
}

const enum Char { LF = 10, CR = 13, Space = 32, Comma = 44, Colon = 58, Prompt = 62 }

/** How a command ends. Unset: at OK, ERROR or FAIL; a send (it has data_) at SEND OK, SEND
 * FAIL or ERROR. */
const enum Ends { Probe = 2 /* OK, or `ready` */, Reset = 3 /* `ready` only (AT+RST) */ }

/** Link states; a new link has none. */
const enum LinkState { Opening = 1, Open = 2, Closed = 3 }

/** The start-up commands, in order (skipped while the module is set up). */
const enum Step { Probe, Echo, Version, StationMode, Join, SingleLink, ReceiveMode, LoadCa, VerifyServer, Connect }

type CommandDone = (error: Error | undefined, lines: string[], command: Command) => void;

/** A queued AT command. */
interface Command {
  /** Without CRLF; a send's (AT+CIPSEND=n) is made when it goes out. */
  line_?: string;
  timeoutMs_?: number;
  ends_?: Ends;
  done_: CommandDone;
  /** The reply's detail lines; set when the command goes out. */
  replies_?: string[];
  /** A send's bytes, dropped when they are written at its '>'. */
  data_?: Uint8Array[] | null;
  /** A send's byte count. */
  length_?: number;
  /** A passive read's data (AT+CIPRECVDATA), passed on only when the module confirms it with OK. */
  frame_?: Uint8Array;
}

interface Link extends Transport {
  close(error?: Error, quiet?: number): void;
  handlers_?: TransportHandlers;
}

/** What the parts share, one per module. Flags are 0/1 and unset values undefined. */
interface ModemState {
  io_: ByteStream;
  platform_: Platform;
  queue_: Command[];
  /** The command in flight, and the timer of its answer. */
  current_: Command | null;
  timer_?: Timer;
  /** The open link, if any. */
  link_: Link | null;
  /** Initialised since the last reset or timeout. */
  moduleReady_?: number;
  /** WIFI GOT IP seen, no WIFI DISCONNECT since. */
  wifiUp_?: number;
  /** A link's start-up waiting for WIFI GOT IP, if any. */
  onWifi_?: (() => unknown) | 0;
  /** Passive receive is on; a read (AT+CIPRECVDATA) is queued or in flight; a notice came
   * meanwhile (its length); the read's callback (made once). */
  passive_?: number;
  reading_?: number;
  readAgain_?: number;
  readDone_?: CommandDone;
  readChunk_?: number;
  dialect_?: Dialect;
  /** The command timer's callback (made once: each function object costs board memory). */
  expire_: () => void;
  /** The receiver forgets a partial payload (and line): read what follows as lines again. */
  forget_: (wholeLine?: number) => void;
  // Made by createCommands (see there):
  /** Queue a command; send the next one if none is in flight; end the one in flight. */
  send_: (line: string, timeoutMs: number, done?: CommandDone, ends?: Ends, data?: Uint8Array[]) => void;
  next_: () => void;
  finish_: (error?: Error) => void;
  /** The '>' prompt of the send in flight: write its bytes. */
  writePayload_: () => void;
  /** Close the module's link (AT+CIPCLOSE); end the open link, if any. */
  closeLink_: () => void;
  drop_: (error: Error, quiet?: number) => void;
  /** Passive receive: ask for the data a `+IPD,<length>` notice announced. */
  read_: (length: number) => void;
  /** The module reset or its port was lost. */
  gone_: (error?: Error) => void;
  /** A line from the module: a URC, or part of the answer to the command in flight. */
  handleLine_: (line: string) => void;
}

function fail(message: string, code?: string): Error {
  const error: any = Error(message); // (no `new`: the same Error, on the board too)
  error.code = code;
  return error;
}
/** The command queue (one command in flight), passive reads and the line handler, made once
 * per modem by createModem: on the board every function object costs memory from load, so
 * none of these exists until a serial link is configured. */
function createCommands(modem: ModemState) {
  const noop = () => {};
  // The command name only: a CWJAP line carries the password.
  const commandName = (command: Command) => command.line_!.split('=')[0];

  // ---- the command queue: one command in flight ----

  modem.send_ = (line, timeoutMs, done, ends, data) => {
    modem.queue_.push({ line_: line, timeoutMs_: timeoutMs, ends_: ends, done_: done || noop, data_: data });
    modem.next_();
  };
  modem.next_ = () => {
    if (modem.current_ || !modem.queue_.length) return;
    const command = (modem.current_ = modem.queue_.shift()!);
    command.replies_ = [];
    if (command.length_) command.line_ = 'AT+CIPSEND=' + command.length_;
    modem.timer_ = modem.platform_.setTimeout(modem.expire_, command.data_ ? Limit.PromptMs : command.timeoutMs_!);
    modem.io_.write(utf8Encode(command.line_ + '\r\n'));
  };
  modem.finish_ = (error) => {
    const command = modem.current_!;
    modem.current_ = null;
    modem.platform_.clearTimeout(modem.timer_!);
    command.done_(error, command.replies_!, command);
    modem.next_();
  };
  /** The '>' prompt of the send in flight: its bytes, exactly once. */
  modem.writePayload_ = () => {
    const command = modem.current_!;
    const data = command.data_!;
    command.data_ = null;
    modem.platform_.clearTimeout(modem.timer_!);
    // Set before writing: a write may finish the command.
    modem.timer_ = modem.platform_.setTimeout(modem.expire_, Limit.SendOkMs);
    for (let i = 0; modem.current_ == command && i < data.length; i++) modem.io_.write(data[i]);
  };
  modem.closeLink_ = () => modem.send_('AT+CIPCLOSE', Limit.CommandMs);
  modem.drop_ = (error, quiet) => {
    if (modem.link_) modem.link_.close(error, quiet);
  };

  // ---- passive receive (esp-at-tcp.md §6.2): the host asks for data inside its own command ----

  /** `+IPD,<length>` said data waits in the module: ask for it (one read at a time). A module
   * reset inside the reply never sends the OK that passes the data on (readDone_). */
  // (Its own statement under the flag: a board build without the module drops it whole.)
  if (WITH_AT_PASSIVE) {
    modem.read_ = (length) => {
      if (modem.reading_) modem.readAgain_ = length;
      else {
        modem.reading_ = 1;
        // Ahead of queued sends: acknowledgements read late make a link that fails at every n-th
        // send (SEND FAIL) look like one that made no progress.
        modem.queue_.unshift({ line_: 'AT+CIPRECVDATA=' + Math.min(length, modem.readChunk_!), timeoutMs_: Limit.CommandMs, done_: modem.readDone_! });
        modem.next_();
      }
    };
  }

  // ---- the line handler: URCs and the answer to the command in flight ----

  /** The module reset, or the port it is on was lost: its link, settings and queued work are
   * gone. Without an error, the command in flight and the queue are kept (a start-up step). */
  modem.gone_ = (error) => {
    modem.moduleReady_ = modem.wifiUp_ = 0;
    modem.drop_(error || fail('module reset (ready)', 'RESET'), 1);
    if (!error) return;
    const command = modem.current_;
    const abandoned = modem.queue_;
    modem.queue_ = [];
    modem.forget_(1);
    if (command) modem.finish_(error);
    abandoned.forEach((other) => other.done_(error, [], other));
  };

  modem.handleLine_ = (line) => {
    const command = modem.current_;
    if (line == 'ready') { // the module (re)booted
      // The probe and AT+RST wait for it; anything else was lost with the module's state.
      if (command && command.ends_! > 1) {
        modem.gone_();
        command.replies_!.push(line);
        return modem.finish_();
      }
      modem.gone_(fail('module reset (ready)', 'RESET'));
      // (/^(\d,|)/, not /^(\d,)?/: the board's regex engine fails that one)
    } else if (/^(\d,|)CLOSED$/.test(line)) modem.drop_(fail('link closed (CLOSED)', 'CLOSED'), 1);
    else if (line == 'WIFI DISCONNECT') { modem.wifiUp_ = 0; modem.drop_(fail('Wi-Fi disconnected', 'WIFI')); }
    else if (line == 'WIFI GOT IP') {
      const waiting = modem.onWifi_;
      modem.wifiUp_ = 1;
      modem.onWifi_ = 0;
      if (waiting) waiting();
    }
    else if (/^(WIFI |busy )/.test(line) || !command) { /* informational URC, or nothing pending */ }
    else if (command.length_ ? line == 'SEND OK' : command.ends_ != Ends.Reset && (line == 'OK' || line == 'no change')) modem.finish_();
    else if (line == 'ERROR' || line == 'FAIL' || line == 'SEND FAIL') {
      const replies = command.replies_!;
      modem.finish_(fail(commandName(command) + ' failed: ' + line + (replies.length ? ' (' + replies.join('; ') + ')' : '')));
    } else if (line != 'AT' && !/^AT[+E]/.test(line)) command.replies_!.push(line); // keep details, never the echo
    // (a class, not (\+|E|$): the board's regex engine fails that alternation)
  };
  // No answer: the module may have reset unseen (inside a payload). Resynchronise.
  modem.expire_ = () => {
    modem.moduleReady_ = 0;
    modem.forget_(1);
    modem.finish_(fail(commandName(modem.current_!) + ' timed out'));
  };
}

// ---- the receiver: lines, +IPD headers and counted payloads ----

/** The byte handler for the module's output. */
function createReceiver(modem: ModemState): (bytes: Uint8Array) => void {
  let line = '';
  let header: string | null; // +IPD (or +CIPRECVDATA) header text while it is being read
  let readReply: number | undefined; // the header and payload are a passive read's reply
  let payloadRemaining = 0;
  // The +IPD frame being read, and frames completed during the current read. A frame goes to
  // the link only whole, and only at the end of the read that completed it: a module reset
  // inside a payload puts its boot text where the payload should be, and a frame cut short
  // (or followed by `ready` in the same read, which closes the link) must never reach MQTT.
  let frame: Uint8Array | null;
  let completed: Uint8Array[] = [];
  // A payload was just completed: the next byte must be one a module sends there: CR or LF
  // (before a line or the next +IPD), or the start of a line a module glues to a payload
  // (CLOSED, WIFI …, Recv N bytes, busy …, the '>' prompt: an upper-case letter, b or >).
  // Anything else means the payload was filled with what followed a reset: boot text (bytes
  // over 127 at the wrong baud rate), or `ready` cut in two ("rea" as payload, then "dy").
  let checkNextByte: number | undefined;
  // A module sends each +IPD payload as one burst: a pause inside one means it stopped (a reset
  // whose boot text we counted as payload, or lost bytes). Resynchronise then, rather than wait
  // for the next command or CONNACK to time out.
  let stallTimer: unknown;

  modem.forget_ = (wholeLine) => {
    payloadRemaining = readReply = 0;
    header = null;
    if (wholeLine) line = '';
  };
  // The stream is out of step with the module: the link is unusable, and the frames not yet
  // passed are void. The command in flight is ended only when `resetSeen` says the module did
  // reset (a reset never answers it: end it now rather than at its timeout, so the module is
  // probed again at once); otherwise it is left to its answer or timeout, since the module may
  // be well, and an answer to an ended command would be taken for the next one's.
  // (Ended first: closing the link may queue and send an AT+CIPCLOSE, which is not to be ended.)
  const desync = (message: string, resetSeen?: number) => {
    const error = fail(message, 'IPD');
    payloadRemaining = modem.moduleReady_ = 0;
    completed = [];
    if (resetSeen && modem.current_) modem.finish_(error);
    modem.drop_(error);
  };
  // A stalled payload: a reset we did not see, its `ready` read as payload.
  const stalled = () => {
    stallTimer = 0;
    if (payloadRemaining) desync('+IPD payload stalled (reset?)', 1);
  };
  // Hand the completed frames to the link, while there is one (a frame may make the client
  // close it). It is the link they were read for: a link changes only at a line, and every
  // line but `ready` (which voids them) passes them on first.
  function passFrames() {
    while (modem.link_ && completed.length) modem.link_.handlers_!.onData(completed.shift()!);
    completed = []; // the rest had no link, or its link closed: void
  }
  function readBytes(bytes: Uint8Array) {
    let byte: number, text: string, endOfLine: boolean, count: number, length: string;
    for (let i = 0; i < bytes.length; ) {
      if (payloadRemaining) { // the +IPD framer: a counted payload (never negative)
        count = Math.min(payloadRemaining, bytes.length - i);
        frame!.set(bytes.subarray(i, i + count), frame!.length - payloadRemaining);
        payloadRemaining -= count;
        if (!payloadRemaining) {
          // A read's data waits for the module's OK, in the command; +IPD data for the read's end.
          if (!WITH_AT_PASSIVE || !readReply) completed.push(frame!);
          else if (modem.current_) modem.current_.frame_ = frame!;
          frame = null;
          if (WITH_AT_PASSIVE) readReply = 0;
          checkNextByte = 1;
        }
        i += count;
        continue;
      }
      byte = bytes[i++];
      text = String.fromCharCode(byte);
      endOfLine = byte == Char.CR || byte == Char.LF;
      if (checkNextByte) {
        checkNextByte = 0;
        if (!/[\r\n+>A-Zb]/.test(text)) desync('data after +IPD payload (reset?)');
      }
      if (header != null) { // the +IPD framer: a header
        if (endOfLine || byte == (WITH_AT_PASSIVE && readReply ? Char.Comma : Char.Colon) || header.length > Limit.HeaderChars) {
          // ':' (',' in a read's reply) ends the header; only the length field is read
          length = header.split(',')[0];
          payloadRemaining = !endOfLine && /^\d+$/.test(length) ? +length : 0;
          header = null;
          // Passive: `+IPD,<len>` notices data waiting; a garbled length does no harm, since the
          // read's reply counts what it carries.
          if (WITH_AT_PASSIVE && endOfLine && modem.passive_ && !readReply) modem.read_(/^\d+$/.test(length) ? +length : Limit.Payload);
          // A header we cannot trust: the payload length is unknown (or data came unasked in passive mode).
          else if (payloadRemaining && payloadRemaining <= Limit.Payload && (!WITH_AT_PASSIVE || readReply || !modem.passive_)) frame = new Uint8Array(payloadRemaining);
          else desync('corrupt +IPD header');
          if (WITH_AT_PASSIVE && !payloadRemaining) readReply = 0;
        } else header += text;
      } else if (endOfLine) { // the line reader
        if (line) {
          // Data before a line goes first (CLOSED glued to a payload: the data, then the close),
          // except before `ready`: frames completed since the last one may hold the boot text.
          if (line == 'ready') completed = [];
          else passFrames();
          modem.handleLine_(line);
        }
        line = '';
      } else if (!line && byte == Char.Space) { /* NonOS "> " prompt: the space */ }
      else if (!line && byte == Char.Prompt && modem.current_ && modem.current_.data_) modem.writePayload_();
      else {
        line += text;
        if (line == '+IPD,' || (WITH_AT_PASSIVE && line == '+CIPRECVDATA:')) {
          if (WITH_AT_PASSIVE) readReply = line.length > 5 ? 1 : 0;
          line = '';
          header = '';
        }
        else if (line.length > Limit.LineChars) line = '';
      }
    }
  }
  return (bytes) => {
    modem.platform_.clearTimeout(stallTimer as Timer); // (0 or undefined when none: no timer has either id)
    stallTimer = 0;
    readBytes(bytes);
    if (payloadRemaining) stallTimer = modem.platform_.setTimeout(stalled, Limit.StallMs);
    passFrames();
  };
}

// ---- a link: the start-up sequence, then CIPSEND chunks ----

function createLink(modem: ModemState, options: EspAtOptions): Link {
  const quoted = (text: string) => '"' + text.replace(/[\\",]/g, (found) => '\\' + found) + '"'; // AT string: \ " , escaped
  let handlers: TransportHandlers;
  let state!: LinkState; // undefined while new
  let unconfirmed = 0; // bytes queued, not yet confirmed by SEND OK
  let full: number | undefined;
  let tail: Command | null;
  let wifiTimer: unknown; // while the start-up waits for WIFI GOT IP (once per link)
  // Every chunk's callback: its bytes are confirmed (or the link failed).
  const chunkDone = (error: Error | undefined, lines: string[], command: Command) => {
    unconfirmed -= command.length_!;
    if (error) end(error);
    else if (full && unconfirmed < Limit.SendBuffer && state == LinkState.Open) { full = 0; handlers.onDrain(); }
  };
  function end(error?: Error, quiet?: number) {
    if (state > LinkState.Open) return;
    state = LinkState.Closed;
    modem.platform_.clearTimeout(wifiTimer as Timer);
    modem.moduleReady_ = 0; // the next link re-checks the module: cheap, and heals any desync
    if (error) modem.queue_ = modem.queue_.filter((command) => command.done_ != chunkDone); // this link's unsent chunks are void
    if (modem.link_ == link) {
      // The rest of this link's +IPD payload is void: read what follows as lines again, so a
      // reset inside a payload (boot text counted as payload) is seen now, not at a timeout.
      modem.forget_();
      modem.link_ = null;
      if (!quiet) modem.closeLink_();
    }
    if (handlers) handlers.onClose(error);
  }
  // Start-up (probe or reset, ATE0, GMR, station mode, join, single link), skipped while the
  // module is set up, then AT+CIPSTART. `sent`: commands sent; the latest one's reply arrives here.
  let sent: number;
  let variant: string; // '_CUR' on NonOS (dialect.ts), set at the GMR reply
  let receiveMode = ''; // the command that turns passive receive on, or '' (active)
  const startUp = (error?: Error, replies?: string[], command?: Command): unknown => {
    modem.platform_.clearTimeout(wifiTimer as Timer);
    if (error && command!.ends_ == Ends.Probe) return modem.send_('AT+RST', Limit.ResetMs, startUp, Ends.Reset); // the probe failed: once
    // A timed-out, refused or unwanted start may still connect later: close whatever is there.
    // (Queued last: what can wait meanwhile is a start-up step (the link's end cleared up),
    // and the next AT+CIPSTART comes after the whole start-up, so after this close.)
    if (sent > Step.Connect && (error || state > LinkState.Opening)) modem.closeLink_();
    if (WITH_AT_PASSIVE && sent == Step.ReceiveMode + 1) {
      // Passive where the module took it; an ERROR (a firmware without it) leaves it active.
      modem.passive_ = receiveMode && !error ? 1 : 0;
      error = undefined;
    }
    if (error) {
      if (sent == Step.Join + 1) {
        // The +CWJAP:<code> detail line (exec stringifies the lines), "0" without one.
        const code: any = (/CWJAP:(\d)/.exec(replies as any) || '00')[1];
        error = fail('Wi-Fi join: ' + (['timeout', 'wrong password', 'AP not found', 'connect failed'][code - 1] || 'unknown') + ' (' + error.message + ')', 'CWJAP' + code);
      }
      if (/no ip/.test(error.message)) {
        // (CIPSTART) Off Wi-Fi: a module rejoins its network by itself, often within a second
        // or two. Wait for its WIFI GOT IP and connect then, rather than fail the link and back
        // off; without it in time, fail (and join again at the next start-up).
        modem.wifiUp_ = 0;
        if (!wifiTimer) {
          wifiTimer = modem.platform_.setTimeout(() => { modem.onWifi_ = 0; end(error); }, Limit.NetworkMs);
          sent = Step.Connect;
          return (modem.onWifi_ = startUp);
        }
      }
      return end(error);
    }
    if (sent == Step.Version + 1) variant = (modem.dialect_ = dialectOf(replies!)) == 'nonos' ? '_CUR' : '';
    // (A statement of its own: terser drops `if (WITH_…)` only where it is the whole test.)
    if (WITH_AT_PASSIVE && sent == Step.Version + 1) {
      // Passive receive where the firmware has it: AT+CIPRECVTYPE from ESP-AT 3.3 on, before it
      // AT+CIPRECVMODE; NonOS (whose read reply has another format) stays active.
      const version: any = /AT version:(\d+)\.(\d+)/.exec(replies as any) || [];
      receiveMode = variant || options.passive === false ? '' : 'AT+CIPRECV' + (version[1] * 100 + +version[2] > 302 ? 'TYPE=1' : 'MODE=1');
    }
    // Booted just now: let it settle, so that a late answer to a probe sent during the boot
    // arrives while nothing is pending, and is dropped.
    if (sent == Step.Probe + 1 && /ready/.test(replies as any)) return modem.platform_.setTimeout(startUp, Limit.SettleMs);
    if (sent == Step.ReceiveMode + 1) modem.moduleReady_ = 1;
    if (state > LinkState.Opening) return; // closed meanwhile
    if (sent > Step.Connect) {
      modem.drop_(fail('superseded'), 1);
      modem.link_ = link;
      state = LinkState.Open;
      return handlers.onOpen();
    }
    const caBytes = WITH_AT_PASSIVE && options.ssl && options.ca ? utf8Encode(options.ca) : 0;
    const line = ['AT', 'ATE0', 'AT+GMR', 'AT+CWMODE' + variant + '=1',
      options.ssid != null && !modem.wifiUp_ ? 'AT+CWJAP' + variant + '=' + quoted(options.ssid) + ',' + quoted(options.password || '') : '', 'AT+CIPMUX=0', receiveMode,
      caBytes ? 'AT+SYSMFG=2,"client_ca","client_ca.0",8,' + caBytes.length : '', caBytes ? 'AT+CIPSSLCCONF=2,0,0' : '',
      'AT+CIPSTART="' + (options.ssl ? 'SSL",' : 'TCP",') + quoted(options.host) + ',' + options.port + (options.keepalive ? ',' + options.keepalive : '')][sent];
    const step = sent++;
    if (!line) return startUp();
    modem.send_(line, step == Step.Probe ? Limit.ProbeMs : step == Step.Join || step == Step.Connect ? Limit.NetworkMs : Limit.CommandMs,
      startUp, step == Step.Probe ? Ends.Probe : undefined, WITH_AT_PASSIVE && step == Step.LoadCa ? [caBytes as Uint8Array] : undefined);
  };
  const link: Link = {
    open(given) {
      sent = modem.moduleReady_ ? Step.Connect : Step.Probe;
      handlers = link.handlers_ = given;
      state = LinkState.Opening;
      startUp();
    },
    write(bytes) {
      let count: number;
      if (state != LinkState.Open) return false;
      for (let i = 0; i < bytes.length; i += count) {
        // Coalesce into the last queued, not yet sent chunk.
        if (!tail || tail.replies_ || tail.length_ == Limit.SendChunk) modem.queue_.push(tail = { done_: chunkDone, data_: [], length_: 0 });
        count = Math.min(Limit.SendChunk - tail.length_!, bytes.length - i);
        tail.data_!.push(bytes.subarray(i, i + count));
        tail.length_! += count;
        unconfirmed += count;
      }
      modem.next_();
      if (unconfirmed >= Limit.SendBuffer) full = 1;
      return !full;
    },
    close: end,
  };
  return link;
}

export function createModem(stream: ByteStream, platform: Platform, options: EspAtOptions): EspAtModem {
  // Refused here, not left unchecked: the module would accept any certificate.
  if (!WITH_AT_PASSIVE && options.ssl && options.ca) throw fail('a CA needs a build --with passive (certificate checking over AT)', 'CA');
  const modem = { io_: stream, platform_: platform, queue_: [], current_: null, link_: null } as unknown as ModemState; // the rest is set just below
  createCommands(modem);
  if (WITH_AT_PASSIVE) {
    modem.readChunk_ = options.readChunk || Limit.SendChunk;
    modem.readDone_ = (error, lines, command) => {
      const again = modem.readAgain_;
      modem.reading_ = modem.readAgain_ = 0;
      // A read that failed (no answer: a reset) leaves the link's data unknown: drop it.
      if (error) modem.drop_(error);
      else if (command.frame_ && modem.link_) modem.link_.handlers_!.onData(command.frame_);
      if (again) modem.read_(again);
    };
  }
  stream.onData(createReceiver(modem));
  return {
    transport: () => createLink(modem, options),
    cmd: (line, timeoutMs, done) => modem.send_(line, timeoutMs, done),
    dialect: () => modem.dialect_,
    lost: (error) => modem.gone_(error),
  };
}
