import { describe, it, expect } from 'vitest';
import { parseBrokerUrl, redactUrl } from '../../src/node/url';

describe('parseBrokerUrl', () => {
  it('reads mqtt:// with user, password, host and port', () => {
    expect(parseBrokerUrl('mqtt://admin:password@127.0.0.1:1884')).toEqual({ tls: false, host: '127.0.0.1', port: 1884, username: 'admin', password: 'password' });
  });
  it('defaults the port by scheme and accepts the tcp/ssl/tls aliases', () => {
    expect(parseBrokerUrl('mqtt://broker.local')).toEqual({ tls: false, host: 'broker.local', port: 1883 });
    expect(parseBrokerUrl('mqtts://broker.local/')).toEqual({ tls: true, host: 'broker.local', port: 8883 });
    expect(parseBrokerUrl('tcp://h').tls).toBe(false);
    expect(parseBrokerUrl('ssl://h').tls).toBe(true);
    expect(parseBrokerUrl('TLS://h:1').port).toBe(1);
  });
  it('decodes %-escapes in user name and password, and takes the last "@"', () => {
    expect(parseBrokerUrl('mqtt://us%40er:p%3Aw@h')).toMatchObject({ username: 'us@er', password: 'p:w' });
    expect(parseBrokerUrl('mqtt://u:p@ss/w:rd@h:2')).toMatchObject({ username: 'u', password: 'p@ss/w:rd', host: 'h', port: 2 });
  });
  it('keeps a user without a password, and an empty password', () => {
    expect(parseBrokerUrl('mqtt://u@h')).toEqual({ tls: false, host: 'h', port: 1883, username: 'u' });
    expect(parseBrokerUrl('mqtt://u:@h').password).toBe('');
  });
  it('reads an IPv6 literal', () => {
    expect(parseBrokerUrl('mqtt://[::1]:1885')).toMatchObject({ host: '::1', port: 1885 });
  });
  const bad: [string, RegExp][] = [
    ['', /empty/],
    ['127.0.0.1:1883', /expected mqtt:\/\/host\[:port\] or mqtts:\/\/host\[:port\]/],
    ['http://h', /scheme "http:" is not supported \(use mqtt:\/\/ or mqtts:\/\/\)/],
    ['ws://h', /WebSockets are not implemented/],
    ['mqtt://', /missing host name/],
    ['mqtt://u:p@:1883', /missing host name/],
    ['mqtt://h:abc', /port "abc" is not a number/],
    ['mqtt://h:0', /port 0 is out of range \(1-65535\)/],
    ['mqtt://h:65536', /port 65536 is out of range/],
    ['mqtt://h:1883/topic', /unexpected "\/topic" after host and port/],
    ['mqtt://h?x=1', /unexpected "\?x=1"/],
    ['mqtt://:pw@h', /empty user name/],
    ['mqtt://u:%zz@h', /the password has a bad %-escape/],
  ];
  for (const [url, re] of bad) {
    it(`refuses ${JSON.stringify(url)} naming the problem`, () => {
      expect(() => parseBrokerUrl(url)).toThrow(re);
    });
  }
  it('never repeats the password in an error', () => {
    for (const url of ['mqtt://admin:s3cret@h:99999', 'http://admin:s3cret@h', 'mqtt://admin:s3cret@h/x', 'admin:s3cret@h']) {
      let msg = '';
      try { parseBrokerUrl(url); } catch (e) { msg = (e as Error).message; }
      expect(msg).toMatch(/admin:\*\*\*@/);
      expect(msg).not.toContain('s3cret');
    }
  });
});

describe('redactUrl', () => {
  it('hides the password only', () => {
    expect(redactUrl('mqtt://admin:password@127.0.0.1:1883')).toBe('mqtt://admin:***@127.0.0.1:1883');
    expect(redactUrl('mqtt://a:b@c@h')).toBe('mqtt://a:***@h');
    expect(redactUrl('mqtt://admin@h:1')).toBe('mqtt://admin@h:1');
    expect(redactUrl('mqtt://h:1')).toBe('mqtt://h:1');
  });
});
