// The board's broker URL parser (targets/espruino/broker-url.ts) against Node's parser on the
// same URLs: scheme → TLS and default port, host, port, and percent-decoded credentials.
import { describe, it, expect } from 'vitest';
import { parseBroker } from '../../targets/espruino/broker-url';
import { parseBrokerUrl } from '../../src/node/url';
import { parseBrokerAddress } from '../../src/core/broker-url';

const urls = [
  'mqtt://127.0.0.1:1883', 'mqtt://broker.local', 'mqtts://broker.local/', 'tcp://h:1', 'ssl://h', 'tls://h:9999',
  'mqtt://admin:password@127.0.0.1:1884', 'mqtt://admin@h', 'mqtt://a%40b:p%3Aw:rd@h:2', 'mqtts://u:@h',
];

describe('parseBroker (board)', () => {
  for (const url of urls) {
    it(url, () => {
      const n = parseBrokerUrl(url), b = parseBroker(url);
      expect({ ssl: b.ssl, host: b.host, port: b.port }).toEqual({ ssl: n.tls, host: n.host, port: n.port });
      expect(b.user).toBe(n.username || undefined);
      expect(b.pass).toBe(n.password);
    });
  }
  it('matches the portable parser (src/core/broker-url.ts) too', () => {
    for (const url of urls) {
      const portable = parseBrokerAddress(url), board = parseBroker(url);
      expect({ ssl: board.ssl, host: board.host, port: board.port, user: board.user, pass: board.pass })
        .toEqual({ ssl: portable.ssl, host: portable.host, port: portable.port, user: portable.user || undefined, pass: portable.pass });
      expect(portable.ws).toBe(false);
    }
  });
  it('decodes credentials and keeps a colon inside the password', () => {
    expect(parseBroker('mqtt://a%40b:p%3Aw:rd@h:2')).toEqual({ ssl: false, host: 'h', port: 2, user: 'a@b', pass: 'p:w:rd' });
    expect(parseBroker('mqtts://h')).toEqual({ ssl: true, host: 'h', port: 8883, user: undefined, pass: undefined });
    // (Node refuses an empty user name; the board takes the password alone.)
    expect(parseBroker('mqtt://:p@h')).toEqual({ ssl: false, host: 'h', port: 1883, user: undefined, pass: 'p' });
  });
});

describe('parseBroker (board): bad escapes', () => {
  it('names a bad %-escape instead of "URI malformed", without the password', () => {
    expect(() => parseBroker('mqtt://u:s3cret%FF@h')).toThrow(/^broker URL: bad %-escape$/);
    expect(() => parseBroker('mqtt://u%zz@h')).toThrow(/^broker URL: bad %-escape$/);
  });
});
