// mqtt://[user[:password]@]host[:port] → parts, without regular expressions (the board's
// engine has no `?` quantifier). The URL was already checked by the config schema.
export interface Broker { tls: boolean; host: string; port: number; user?: string; pass?: string }

export function parseBroker(url: string): Broker {
  const i = url.indexOf('://');
  const tls = /^(mqtts|ssl|tls)$/.test(url.slice(0, i));
  let rest = url.slice(i + 3);
  if (rest.charAt(rest.length - 1) == '/') rest = rest.slice(0, -1);
  const at = rest.lastIndexOf('@');
  const cred = at < 0 ? '' : rest.slice(0, at);
  rest = rest.slice(at + 1);
  const c = cred.indexOf(':');
  const p = rest.lastIndexOf(':');
  return {
    tls: tls,
    host: p < 0 ? rest : rest.slice(0, p),
    port: p < 0 ? (tls ? 8883 : 1883) : +rest.slice(p + 1),
    user: cred ? decodeURIComponent(c < 0 ? cred : cred.slice(0, c)) : undefined,
    pass: c < 0 ? undefined : decodeURIComponent(cred.slice(c + 1)),
  };
}
