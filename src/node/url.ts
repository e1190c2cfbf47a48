// Broker URLs for Node callers: mqtt://user:pass@host:port and mqtts://…
// Parsed by hand rather than with WHATWG URL, whose "Invalid URL" does not say what is
// wrong and which leaves userinfo percent-encoded. Errors never repeat the password.

export interface BrokerUrl {
  tls: boolean;
  host: string;
  port: number;
  username?: string;
  password?: string;
}

const SCHEMES: { [s: string]: boolean } = { mqtt: false, tcp: false, mqtts: true, ssl: true, tls: true };

/** The URL with its password replaced by "***", for logs and error messages. */
export function redactUrl(url: string): string {
  const at = url.lastIndexOf('@');
  if (at < 0) return url;
  const sm = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(url);
  const start = sm ? sm[0].length : 0;
  const colon = url.indexOf(':', start);
  return colon < 0 || colon > at ? url : url.slice(0, colon) + ':***' + url.slice(at);
}

function decode(part: string, what: string, shown: string): string {
  try { return decodeURIComponent(part); } catch {
    throw new Error(`invalid broker URL "${shown}": the ${what} has a bad %-escape`);
  }
}

export function parseBrokerUrl(url: string): BrokerUrl {
  if (typeof url !== 'string' || url === '') throw new Error('invalid broker URL: empty (expected mqtt://host[:port] or mqtts://host[:port])');
  const shown = redactUrl(url);
  const bad = (why: string) => new Error(`invalid broker URL "${shown}": ${why}`);
  const sm = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url);
  if (!sm) throw bad('expected mqtt://host[:port] or mqtts://host[:port]');
  const scheme = sm[1]!.toLowerCase();
  if (!(scheme in SCHEMES)) {
    throw bad(`scheme "${scheme}:" is not supported (use mqtt:// or mqtts://${scheme === 'ws' || scheme === 'wss' ? '; WebSockets are not implemented' : ''})`);
  }
  const tls = SCHEMES[scheme]!;
  let rest = url.slice(sm[0].length);
  const out: BrokerUrl = { tls, host: '', port: tls ? 8883 : 1883 };
  // The last "@" ends the userinfo, so a password may hold an unescaped "@", "/" or ":".
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const info = rest.slice(0, at);
    rest = rest.slice(at + 1);
    const colon = info.indexOf(':');
    const user = colon < 0 ? info : info.slice(0, colon);
    if (user === '') throw bad('empty user name before "@"');
    out.username = decode(user, 'user name', shown);
    if (colon >= 0) out.password = decode(info.slice(colon + 1), 'password', shown);
  }
  const hm = /^(\[[^\]]*\]|[^:/?#]*)(?::([^/?#]*))?(.*)$/.exec(rest)!;
  let host = hm[1]!;
  if (host.charAt(0) === '[') host = host.slice(1, -1);
  if (host === '') throw bad('missing host name');
  if (/[\s%]/.test(host)) throw bad(`host "${host}" contains spaces or "%"`);
  out.host = host;
  if (hm[2] !== undefined) {
    if (!/^[0-9]+$/.test(hm[2])) throw bad(`port "${hm[2]}" is not a number`);
    const port = Number(hm[2]);
    if (port < 1 || port > 65535) throw bad(`port ${port} is out of range (1-65535)`);
    out.port = port;
  }
  const tail = hm[3]!;
  if (tail !== '' && tail !== '/') throw bad(`unexpected "${tail}" after host and port (MQTT URLs have no path, query or fragment)`);
  return out;
}
