// mqtt://[user[:password]@]host[:port] → parts, without regular expressions beyond the
// simplest (the board's engine has no `?`). The config schema has already checked the URL.
// `ssl`/`host`/`port` are named as the AT driver's options, so the object is passed on as is,
// given the Wi-Fi network's `ssid` and `password` (not the broker's: that is `pass`).
export interface Broker { ssl: boolean; host: string; port: number; user?: string; pass?: string; ssid?: string; password?: string }

export function parseBroker(url: string): Broker {
  const p = url.split('/')[2], at = p.lastIndexOf('@'), hp = p.slice(at + 1).split(':');
  // No '@': slice(0, 0), one empty part (no user, no password).
  const cred = p.slice(0, at < 0 ? 0 : at).split(':'), ssl = /^(mqtts|ssl|tls):/.test(url), d = decodeURIComponent;
  return {
    ssl: ssl, host: hp[0], port: hp[1] ? +hp[1] : ssl ? 8883 : 1883,
    user: cred[0] ? d(cred[0]) : undefined,
    pass: cred.length > 1 ? d(cred.slice(1).join(':')) : undefined,
  };
}
