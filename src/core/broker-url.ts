// Broker URLs, one parser for Node, the browser and the board:
//   mqtt://[user[:password]@]host[:port]   (also tcp://; mqtts://, ssl://, tls:// for TLS)
//   ws://[user[:password]@]host[:port][/path]   (wss:// for TLS; the path defaults to /mqtt)
// Written for the board's interpreter: no lookahead or lazy regular expressions, and its own
// %-decoding (the board's decodeURIComponent throws on %80–%FF and is absent on small builds).
// An error names what is wrong and never repeats the password.
import { utf8Decode, utf8Encode } from './utf8';

export interface BrokerAddress {
  /** TLS: mqtts, ssl, tls, wss. */
  ssl: boolean;
  /** WebSocket: ws, wss. */
  ws: boolean;
  host: string;
  port: number;
  /** The WebSocket's HTTP path and query (default /mqtt); '' for MQTT over TCP. */
  path: string;
  user?: string;
  pass?: string;
}

const enum DefaultPort { Mqtt = 1883, Mqtts = 8883, Ws = 80, Wss = 443 }
const enum PortRange { Min = 1, Max = 65535 }
const HEX_RADIX = 16;

/** Per scheme: [TLS, WebSocket, default port]. */
const SCHEMES: { [scheme: string]: [boolean, boolean, number] } = {
  mqtt: [false, false, DefaultPort.Mqtt], tcp: [false, false, DefaultPort.Mqtt],
  mqtts: [true, false, DefaultPort.Mqtts], ssl: [true, false, DefaultPort.Mqtts], tls: [true, false, DefaultPort.Mqtts],
  ws: [false, true, DefaultPort.Ws], wss: [true, true, DefaultPort.Wss],
};
export const DEFAULT_WS_PATH = '/mqtt';
const EXPECTED = 'expected mqtt[s]://[user[:password]@]host[:port] or ws[s]://host[:port][/path]';

/** The URL with its password replaced by "***", for logs and error messages. */
export function redactUrl(url: string): string {
  const atSign = url.lastIndexOf('@');
  if (atSign < 0) return url;
  const schemeEnd = url.indexOf('://');
  const colon = url.indexOf(':', schemeEnd < 0 || schemeEnd > atSign ? 0 : schemeEnd + 3);
  return colon < 0 || colon > atSign ? url : url.slice(0, colon) + ':***' + url.slice(atSign);
}

/**
 * Decodes %-escapes as UTF-8. `fail(why)` builds the error for `what` (e.g. "the password");
 * a bad escape is named, except in a password, whose text is never shown.
 */
export function percentDecode(text: string, what: string, fail: (why: string) => Error): string {
  if (text.indexOf('%') < 0) return text;
  const bytes: number[] = [];
  let literal = '';
  const flush = () => {
    // Unescaped text is taken as it is, as its UTF-8 bytes.
    const encoded = utf8Encode(literal);
    for (let j = 0; j < encoded.length; j++) bytes.push(encoded[j]!);
    literal = '';
  };
  for (let i = 0; i < text.length; i++) {
    if (text.charAt(i) !== '%') { literal += text.charAt(i); continue; }
    flush();
    const hex = text.substr(i + 1, 2);
    if (!/^[0-9A-Fa-f][0-9A-Fa-f]$/.test(hex)) throw fail(what + ' has a bad %-escape' + shownEscape(what, '%' + hex) + ' (% must be followed by two hex digits)');
    bytes.push(parseInt(hex, HEX_RADIX));
    i += 2;
  }
  flush();
  const decoded = utf8Decode(new Uint8Array(bytes));
  if (decoded === null) throw fail(what + ' has %-escapes that are not UTF-8' + shownEscape(what, text));
  return decoded;
}

/** Where the first of `chars` is in `text`, or its length. (No regular expression: the board's
 * engine cannot hold a "/" inside a character class.) */
function firstOf(text: string, chars: string): number {
  for (let i = 0; i < text.length; i++) if (chars.indexOf(text.charAt(i)) >= 0) return i;
  return text.length;
}

function shownEscape(what: string, text: string): string {
  return what === 'the password' ? '' : ' ("' + text + '")';
}

/** Parses a broker URL; throws one clear Error (without the password) when it is not one. */
export function parseBrokerAddress(url: string): BrokerAddress {
  const shown = typeof url === 'string' ? redactUrl(url) : '';
  const fail = (why: string) => new Error('invalid broker URL' + (shown ? ' "' + shown + '": ' : ': ') + why);
  if (!shown) throw fail('empty (' + EXPECTED + ')');
  const schemeEnd = url.indexOf('://');
  const scheme = url.slice(0, schemeEnd).toLowerCase();
  if (schemeEnd < 1 || !/^[a-z][a-z0-9+.-]*$/.test(scheme)) throw fail(EXPECTED);
  if (!Object.prototype.hasOwnProperty.call(SCHEMES, scheme)) throw fail('scheme "' + scheme + ':" is not supported (use mqtt://, mqtts://, ws:// or wss://)');
  const kind = SCHEMES[scheme]!;
  const out: BrokerAddress = { ssl: kind[0], ws: kind[1], host: '', port: kind[2], path: '' };
  let rest = url.slice(schemeEnd + 3);
  // The userinfo ends at the last "@", so a password may hold "@", "/" or ":".
  const userinfoEnd = rest.lastIndexOf('@');
  if (userinfoEnd >= 0) {
    const info = rest.slice(0, userinfoEnd), colon = info.indexOf(':');
    const user = colon < 0 ? info : info.slice(0, colon);
    if (user === '') throw fail('empty user name before "@"');
    out.user = percentDecode(user, 'the user name', fail);
    if (colon >= 0) out.pass = percentDecode(info.slice(colon + 1), 'the password', fail);
    rest = rest.slice(userinfoEnd + 1);
  }
  const hostEnd = rest.charAt(0) === '[' ? rest.indexOf(']') + 1 || rest.length : firstOf(rest, ':/?#');
  let host = rest.slice(0, hostEnd);
  if (host.charAt(0) === '[') host = host.slice(1, -1);
  if (host === '') throw fail('missing host name');
  if (/[\s%@]/.test(host)) throw fail('host "' + host + '" contains a space, "%" or "@"');
  out.host = host;
  rest = rest.slice(hostEnd);
  if (rest.charAt(0) === ':') {
    const portEnd = firstOf(rest, '/?#');
    const port = rest.slice(1, portEnd);
    if (!/^[0-9]+$/.test(port)) throw fail('port "' + port + '" is not a number');
    out.port = +port;
    if (out.port < PortRange.Min || out.port > PortRange.Max) throw fail('port ' + port + ' is out of range (1-65535)');
    rest = rest.slice(portEnd);
  }
  if (out.ws) {
    if (rest.indexOf('#') >= 0) throw fail('a WebSocket URL has no fragment ("#")');
    out.path = rest === '' ? DEFAULT_WS_PATH : rest.charAt(0) === '/' ? rest : '/' + rest;
  } else if (rest !== '' && rest !== '/') {
    throw fail('unexpected "' + rest + '" after host and port (MQTT URLs have no path, query or fragment)');
  }
  return out;
}
