// The AT driver as a board build without the `passive` module compiles it (WITH_AT_PASSIVE
// false; the board build swaps src/core/features.ts the same way): an ESP-AT 2.x module is
// used in active receive (no receive-mode command, +IPD with its data), and a CA for
// certificate checking over AT is refused with the build module's name.
import { describe, it, expect, vi } from 'vitest';
import { FakePlatform } from '../support/fake-platform';

vi.mock('../../src/core/features', async (original) => ({ ...(await original<object>()), WITH_AT_PASSIVE: false }));
const { createModem } = await import('../../src/transport/esp-at/modem');

const ESP32_GMR = 'AT version:2.2.0.0-dev(ca41ec4 - ESP32 - Sep 16 2020 11:28:17)\r\nSDK version:v4.0\r\n\r\nOK\r\n';
const latin1 = (text: string) => Buffer.from(text, 'latin1');

describe('AT driver built without the passive module', () => {
  it('ESP-AT 2.x: no AT+CIPRECVMODE, and +IPD data reaches the link', () => {
    const platform = new FakePlatform();
    const written: string[] = [];
    let feed: (bytes: Uint8Array) => void = () => {};
    const modem = createModem({ write: (bytes) => written.push(Buffer.from(bytes).toString('latin1')), onData: (reader) => { feed = reader; } },
      platform, { host: '10.0.0.7', port: 1883 }); // passive not turned off: the build has none
    let received = '';
    const events: string[] = [];
    modem.transport().open({
      onOpen: () => events.push('open'), onData: (bytes) => { received += Buffer.from(bytes).toString('latin1'); },
      onDrain: () => {}, onClose: () => events.push('close'),
    });
    const answer = (command: string, reply: string) => {
      expect(written.join('')).toBe(command + '\r\n');
      written.length = 0;
      feed(latin1(reply));
    };
    answer('AT', '\r\nOK\r\n');
    answer('ATE0', '\r\nOK\r\n');
    answer('AT+GMR', ESP32_GMR);
    answer('AT+CWMODE=1', '\r\nOK\r\n');
    answer('AT+CIPMUX=0', '\r\nOK\r\n');
    answer('AT+CIPSTART="TCP","10.0.0.7",1883', 'CONNECT\r\n\r\nOK\r\n');
    expect(events).toEqual(['open']);
    feed(latin1('\r\n+IPD,4:\x20\x02\x00\x00\r\n'));
    expect(received).toBe('\x20\x02\x00\x00');
    expect(events).toEqual(['open']);
  });
  it('a CA (mqtts with certificate checking) is refused, naming the build module', () => {
    const platform = new FakePlatform();
    expect(() => createModem({ write: () => {}, onData: () => {} }, platform, { host: 'broker', port: 8883, ssl: true, ca: '-----BEGIN CERTIFICATE-----' }))
      .toThrow('a CA needs a build --with passive (certificate checking over AT)');
  });
});
