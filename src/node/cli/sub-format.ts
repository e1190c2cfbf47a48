// How `glowmq sub` prints a message: the payload alone, "topic payload" (-v), or mosquitto_sub's
// -F format (%t topic, %p payload, %q QoS, %r retain, %l length, %m message id, %x/%X hex,
// %j/%J JSON, %I/%U time of receipt, @… strftime fields, \n \t … escapes), byte for byte as
// mosquitto_sub 2.0 prints them. The format is compiled once into a list of pieces.
import type { PublishPacket } from '../../core/types';

export interface Received {
  topic: string;
  payload: Buffer;
  packet: Pick<PublishPacket, 'qos' | 'retain' | 'messageId'>;
  /** Time of receipt, ms since the epoch, and its sub-millisecond part in ns. */
  receivedAt: number;
}

/** A message payload %J cannot print, reported as mosquitto_sub reports it. */
export class NotJsonError extends Error {}

type Piece = (message: Received, parts: Buffer[]) => void;

export interface PrintOptions {
  verbose: boolean;
  /** -N: no newline after each message. */
  noEol: boolean;
  /** -F: mosquitto's format string. */
  format?: string;
  /** --pretty: %j/%J as indented JSON. */
  pretty: boolean;
}

const NEWLINE = Buffer.from('\n');
const NULL_TEXT = Buffer.from('(null)');
const SPACE = Buffer.from(' ');
const DIGITS = [Buffer.from('0'), Buffer.from('1'), Buffer.from('2')];
const MS_PER_SECOND = 1000;
const NS_PER_MS = 1e6;

const ESCAPES: { [letter: string]: string } = { '\\': '\\', 0: '\0', a: '\x07', e: '\x1b', n: '\n', r: '\r', t: '\t', v: '\v' };

/** Appends a message's output to `parts` (no copy of the payload: stdout gets one write per batch). */
export type Printer = (message: Received, parts: Buffer[]) => void;

/** Builds the printer; throws an Error (the caller's usage error) for a bad -F format. */
export function messagePrinter(options: PrintOptions): Printer {
  const eol = !options.noEol;
  if (options.format !== undefined) {
    const pieces = compileFormat(options.format, options.pretty);
    return (message, parts) => {
      const start = parts.length;
      try { for (const piece of pieces) piece(message, parts); } catch (err) {
        if (!(err instanceof NotJsonError)) throw err;
        // mosquitto_sub abandons the rest of the format, prints the error and the line end.
        parts.length = start;
        process.stderr.write(err.message + '\n');
      }
      if (eol) parts.push(NEWLINE);
    };
  }
  if (options.verbose) {
    return (message, parts) => {
      // mosquitto_sub prints "topic (null)" for an empty payload, and nothing at all under -N.
      if (!message.payload.length) { if (eol) parts.push(Buffer.from(message.topic, 'utf8'), SPACE, NULL_TEXT, NEWLINE); return; }
      parts.push(Buffer.from(message.topic, 'utf8'), SPACE, message.payload);
      if (eol) parts.push(NEWLINE);
    };
  }
  // An empty payload prints nothing, not even the newline (as mosquitto_sub).
  return (message, parts) => {
    if (!message.payload.length) return;
    parts.push(message.payload);
    if (eol) parts.push(NEWLINE);
  };
}

/** One message's output as one Buffer (tests, and callers outside a batch). */
export function printOne(printer: Printer, message: Received): Buffer {
  const parts: Buffer[] = [];
  printer(message, parts);
  return Buffer.concat(parts);
}

interface FieldSpec { leftAlign: boolean; zeroPad: boolean; width: number; precision: number }

function padded(text: string, spec: FieldSpec): string {
  if (text.length >= spec.width) return text;
  if (spec.leftAlign) return text.padEnd(spec.width);
  return text.padStart(spec.width, spec.zeroPad ? '0' : ' ');
}

const textPiece = (text: string): Piece => { const bytes = Buffer.from(text, 'utf8'); return (_message, parts) => { parts.push(bytes); }; };

/** The %-codes: each turns a message into bytes, padded as printf would. */
function percentPiece(code: string, spec: FieldSpec, pretty: boolean): Piece | undefined {
  const text = (get: (message: Received) => string): Piece => (message, parts) => { parts.push(Buffer.from(padded(get(message), spec), 'utf8')); };
  const int = (get: (message: Received) => number) => text((message) => String(get(message)));
  switch (code) {
    case '%': return textPiece('%');
    case 't': return text((message) => spec.precision >= 0 ? message.topic.slice(0, spec.precision) : message.topic);
    // mosquitto_sub ignores a width on %q and %r.
    case 'q': return (message, parts) => { parts.push(DIGITS[message.packet.qos]); };
    case 'r': return (message, parts) => { parts.push(DIGITS[message.packet.retain ? 1 : 0]); };
    case 'l': return int((message) => message.payload.length);
    case 'm': return int((message) => message.packet.messageId ?? 0);
    case 'p': return spec.width > 0
      ? text((message) => message.payload.toString('utf8').slice(0, spec.width))
      : (message, parts) => { parts.push(message.payload); };
    case 'x': return (message, parts) => { parts.push(Buffer.from(message.payload.toString('hex'))); };
    case 'X': return (message, parts) => { parts.push(Buffer.from(message.payload.toString('hex').toUpperCase())); };
    case 'j': return (message, parts) => { parts.push(Buffer.from(jsonRecord(message, false, pretty), 'utf8')); };
    case 'J': return (message, parts) => { parts.push(Buffer.from(jsonRecord(message, true, pretty), 'utf8')); };
    case 'I': return text((message) => isoTime(message.receivedAt, false));
    case 'U': return text((message) => `${Math.floor(message.receivedAt / MS_PER_SECOND)}.${nanoseconds(message.receivedAt)}`);
    default: return undefined;
  }
}

function compileFormat(format: string, pretty: boolean): Piece[] {
  const pieces: Piece[] = [];
  let literal = '';
  const flushLiteral = () => { if (literal) pieces.push(textPiece(literal)); literal = ''; };
  for (let i = 0; i < format.length; i++) {
    const char = format[i];
    if (char === '%') {
      const spec: FieldSpec = { leftAlign: false, zeroPad: false, width: 0, precision: -1 };
      let j = i + 1;
      for (; format[j] === '-' || format[j] === '0'; j++) { if (format[j] === '-') spec.leftAlign = true; else spec.zeroPad = true; }
      const width = /^\d+/.exec(format.slice(j));
      if (width) { spec.width = Number(width[0]); j += width[0].length; }
      const precision = /^\.(\d*)/.exec(format.slice(j));
      if (precision) { spec.precision = Number(precision[1] || 0); j += precision[0].length; }
      if (j >= format.length) throw new Error('incomplete format specifier');
      const piece = percentPiece(format[j], spec, pretty);
      if (!piece) throw new Error(`invalid format specifier '${format[j]}'`);
      flushLiteral();
      pieces.push(piece);
      i = j;
    } else if (char === '@') {
      if (i + 1 >= format.length) throw new Error('incomplete format specifier');
      const code = format[++i];
      if (code === '@') { literal += '@'; continue; }
      const field = TIME_FIELDS[code];
      if (!field) throw new Error(`unsupported time field '@${code}'`);
      flushLiteral();
      pieces.push((message, parts) => { parts.push(Buffer.from(field(message.receivedAt), 'utf8')); });
    } else if (char === '\\') {
      if (i + 1 >= format.length) throw new Error('incomplete escape specifier');
      const escaped = ESCAPES[format[++i]];
      if (escaped === undefined) throw new Error(`invalid escape specifier '${format[i]}'`);
      literal += escaped;
    } else literal += char;
  }
  flushLiteral();
  return pieces;
}

const two = (value: number) => String(value).padStart(2, '0');
const nanoseconds = (epochMs: number) => String(Math.round((epochMs % MS_PER_SECOND) * NS_PER_MS)).padStart(9, '0');

/** The local UTC offset as strftime's %z prints it (+0100). */
function zoneOffset(date: Date): string {
  const minutes = -date.getTimezoneOffset();
  const sign = minutes < 0 ? '-' : '+';
  return sign + two(Math.floor(Math.abs(minutes) / 60)) + two(Math.abs(minutes) % 60);
}

const dateText = (date: Date) => `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}`;
const clockText = (date: Date) => `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** strftime's fields as mosquitto_sub's @-codes use them (local time), and @N for nanoseconds. */
const TIME_FIELDS: { [code: string]: (epochMs: number) => string } = {
  Y: (epochMs) => String(new Date(epochMs).getFullYear()),
  m: (epochMs) => two(new Date(epochMs).getMonth() + 1),
  d: (epochMs) => two(new Date(epochMs).getDate()),
  H: (epochMs) => two(new Date(epochMs).getHours()),
  M: (epochMs) => two(new Date(epochMs).getMinutes()),
  S: (epochMs) => two(new Date(epochMs).getSeconds()),
  N: nanoseconds,
  s: (epochMs) => String(Math.floor(epochMs / MS_PER_SECOND)),
  z: (epochMs) => zoneOffset(new Date(epochMs)),
  a: (epochMs) => WEEKDAYS[new Date(epochMs).getDay()],
  F: (epochMs) => dateText(new Date(epochMs)),
  T: (epochMs) => clockText(new Date(epochMs)),
};

/** %I: 2016-08-10T09:47:38+0100; with micro: %j's tst, 2020-05-06T22:19:24.123456Z+0100. */
function isoTime(epochMs: number, micro: boolean): string {
  const date = new Date(epochMs);
  const fraction = micro ? '.' + nanoseconds(epochMs).slice(0, 6) + 'Z' : '';
  return `${dateText(date)}T${clockText(date)}${fraction}${zoneOffset(date)}`;
}

/** %j / %J: the record mosquitto_sub builds with cJSON, in cJSON's layout. */
function jsonRecord(message: Received, rawPayload: boolean, pretty: boolean): string {
  // An empty payload is null (libmosquitto hands mosquitto_sub a NULL payload).
  let payload: unknown = message.payload.length ? message.payload.toString('utf8') : null;
  if (rawPayload && payload !== null) {
    try { payload = JSON.parse(payload as string); } catch {
      throw new NotJsonError(`Error: Message payload is not valid JSON on topic ${message.topic}.`);
    }
  }
  const record: [string, unknown][] = [
    ['tst', isoTime(message.receivedAt, true)], ['topic', message.topic], ['qos', message.packet.qos],
    ['retain', message.packet.retain ? 1 : 0], ['payloadlen', message.payload.length],
  ];
  if (message.packet.qos) record.push(['mid', message.packet.messageId]);
  record.push(['payload', payload]);
  return cjsonObject(record, pretty, 1);
}

/** JSON laid out as cJSON_Print (pretty: tabs, "key":\tvalue, arrays on one line) or cJSON_PrintUnformatted. */
function cjson(value: unknown, pretty: boolean, depth: number): string {
  if (Array.isArray(value)) return '[' + value.map((entry) => cjson(entry, pretty, depth + 1)).join(pretty ? ', ' : ',') + ']';
  if (value !== null && typeof value === 'object') return cjsonObject(Object.entries(value), pretty, depth);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  return JSON.stringify(value);
}

function cjsonObject(entries: [string, unknown][], pretty: boolean, depth: number): string {
  if (!pretty) return '{' + entries.map(([key, entry]) => JSON.stringify(key) + ':' + cjson(entry, false, depth + 1)).join(',') + '}';
  const indent = '\t'.repeat(depth);
  const body = entries.map(([key, entry]) => indent + JSON.stringify(key) + ':\t' + cjson(entry, true, depth + 1)).join(',\n');
  return '{\n' + body + (body ? '\n' : '') + '\t'.repeat(depth - 1) + '}';
}
