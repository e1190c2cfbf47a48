// mqtt://[user[:password]@]host[:port] → parts. Not the portable parser (src/core/broker-url.ts,
// which Node and the browser use): with its messages it costs the device bundle 2,245 B, and
// the config schema has already refused the URLs it would. test/unit/board-broker-url.test.ts
// holds the two equal. No regular expressions beyond the simplest (the board's engine has no `?`).
// `ssl`/`host`/`port` are named as the AT driver's options, so the object is passed on as is,
// given the Wi-Fi network's `ssid` and `password` (not the broker's: that is `pass`).
export interface Broker { ssl: boolean; host: string; port: number; user?: string; pass?: string; ssid?: string; password?: string }

const enum DefaultPort { Mqtt = 1883, Mqtts = 8883 }

export function parseBroker(url: string): Broker {
  const authority = url.split('/')[2], atSign = authority.lastIndexOf('@');
  const hostPort = authority.slice(atSign + 1).split(':');
  // No '@': slice(0, 0), one empty part (no user, no password).
  const credentials = authority.slice(0, atSign < 0 ? 0 : atSign).split(':'), ssl = /^(mqtts|ssl|tls):/.test(url);
  // The board's decodeURIComponent throws "URI malformed" on %80-%FF (and any bad escape): say what it is.
  const decode = (part: string) => {
    try { return decodeURIComponent(part); } catch { throw new Error('broker URL: bad %-escape'); }
  };
  return {
    ssl: ssl, host: hostPort[0], port: hostPort[1] ? +hostPort[1] : ssl ? DefaultPort.Mqtts : DefaultPort.Mqtt,
    user: credentials[0] ? decode(credentials[0]) : undefined,
    pass: credentials.length > 1 ? decode(credentials.slice(1).join(':')) : undefined,
  };
}
