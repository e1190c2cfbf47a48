import { describe, it, expect } from 'vitest';
import { parseBrokerUrl, redactUrl, brokerUrlString } from '../../src/node/url';

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
  it('decodes %-escapes as UTF-8, also next to unescaped non-ASCII text', () => {
    expect(parseBrokerUrl('mqtt://%E7%8E%B0%E5%9C%A8:p%C3%A9%20w@h').username).toBe('现在');
    expect(parseBrokerUrl('mqtt://%E7%8E%B0%E5%9C%A8:p%C3%A9%20w@h').password).toBe('pé w');
    expect(parseBrokerUrl('mqtt://灯%E7%8E%B0@h').username).toBe('灯现');
  });
  it('reads ws:// and wss:// with the default path /mqtt and ports 80/443, as MQTT.js does', () => {
    expect(parseBrokerUrl('ws://127.0.0.1:8080')).toEqual({ tls: false, host: '127.0.0.1', port: 8080, ws: true, path: '/mqtt' });
    expect(parseBrokerUrl('wss://b.example')).toEqual({ tls: true, host: 'b.example', port: 443, ws: true, path: '/mqtt' });
    expect(parseBrokerUrl('ws://h')).toMatchObject({ port: 80, path: '/mqtt' });
    expect(parseBrokerUrl('WS://u:p@h:1/')).toMatchObject({ path: '/', username: 'u', password: 'p' });
    expect(parseBrokerUrl('ws://h:9001/ws/mqtt?x=1')).toMatchObject({ port: 9001, path: '/ws/mqtt?x=1' });
    expect(parseBrokerUrl('ws://[::1]:9001')).toMatchObject({ host: '::1', port: 9001, path: '/mqtt' });
  });
  it('brokerUrlString rebuilds a URL without credentials', () => {
    expect(brokerUrlString(parseBrokerUrl('wss://u:p@h'))).toBe('wss://h:443/mqtt');
    expect(brokerUrlString(parseBrokerUrl('mqtt://u:p@[::1]'))).toBe('mqtt://[::1]:1883');
  });
  it('reads an IPv6 literal', () => {
    expect(parseBrokerUrl('mqtt://[::1]:1885')).toMatchObject({ host: '::1', port: 1885 });
  });
  const bad: [string, RegExp][] = [
    ['', /empty/],
    ["127.0.0.1:1883", /expected mqtt\[s\]:\/\/\[user\[:password\]@\]host\[:port\] or ws\[s\]:\/\/host\[:port\]\[\/path\]/],
    ['http://h', /scheme "http:" is not supported \(use mqtt:\/\/, mqtts:\/\/, ws:\/\/ or wss:\/\/\)/],
    ['constructor://h', /scheme "constructor:" is not supported/],
    ['ws://h/mqtt#x', /a WebSocket URL has no fragment/],
    ['mqtt://u:p@h:1x', /port "1x" is not a number/],
    ['mqtt://h%20x', /host "h%20x" contains a space/],
    ['mqtt://us%FFer@h', /the user name has %-escapes that are not UTF-8 \("us%FFer"\)/],
    ['mqtt://u%4@h', /the user name has a bad %-escape \("%4@"\)|the user name has a bad %-escape \("%4"\)/],
    ['mqtt://', /missing host name/],
    ['mqtt://u:p@:1883', /missing host name/],
    ['mqtt://h:abc', /port "abc" is not a number/],
    ['mqtt://h:0', /port 0 is out of range \(1-65535\)/],
    ['mqtt://h:65536', /port 65536 is out of range/],
    ['mqtt://h:1883/topic', /unexpected "\/topic" after host and port/],
    ['mqtt://h?x=1', /unexpected "\?x=1"/],
    ['mqtt://:pw@h', /empty user name/],
    ['mqtt://u:%zz@h', /the password has a bad %-escape \(% must be followed by two hex digits\)/],
    ['mqtt://u:%FF@h', /the password has %-escapes that are not UTF-8$/],
  ];
  for (const [url, re] of bad) {
    it(`refuses ${JSON.stringify(url)} naming the problem`, () => {
      expect(() => parseBrokerUrl(url)).toThrow(re);
    });
  }
  it('never repeats the password in an error', () => {
    for (const url of ['mqtt://admin:s3cret@h:99999', 'http://admin:s3cret@h', 'mqtt://admin:s3cret@h/x', 'admin:s3cret@h', 'mqtt://admin:s3cret%FF@h', 'mqtt://admin:s3%ZZcret@h', 'ws://admin:s3cret@h/#']) {
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
