// What each emulated firmware says, byte for byte (esp-at-tcp.md §9 and the *(core)* strings).
// One table, so a test can flip the dialect and see every difference at once.
export type DialectName = 'nonos' | 'esp8266' | 'esp32';

export interface SimDialect {
  name: DialectName;
  /** AT+GMR lines before OK. */
  gmr: string[];
  /** Accepts the _CUR/_DEF command variants (NonOS). */
  curVariants: boolean;
  /** The bytes after AT+CIPSEND=<n> is accepted. */
  prompt: string;
  /** Terminator after a failed CWJAP. */
  joinFail: string;
  /** Largest CIPSEND n. */
  sendMax: number;
  /** Largest +IPD payload the module emits at once. */
  ipdMax: number;
  /** "busy s..." for LFs between the payload and SEND OK (NonOS only). */
  busyS: boolean;
  /** Detail line before ERROR on a DNS failure, or null. */
  dnsFail: string | null;
  /** Detail line before ERROR on CIPSEND without a link, or null. */
  linkInvalid: string | null;
  /** "\r\nRecv n bytes" or without the leading CRLF (ESP8266 ESP-AT). */
  recv: (count: number) => string;
  /** CIPDINFO=1 address form in +IPD. */
  quoteIp: boolean;
  /** ROM boot log at 74880 baud before ready (shared UART0). */
  bootGarbage: boolean;
  /** Passive receive (AT+CIPRECVMODE=1, +IPD,<len> notices, AT+CIPRECVDATA): emulated for the
   * ESP-AT 2.x dialects; the NonOS one answers ERROR (its reply format differs, §6.2). */
  passive: boolean;
}

export const SIM_DIALECTS: { [k in DialectName]: SimDialect } = {
  nonos: {
    name: 'nonos',
    gmr: ['AT version:1.7.0.0(Aug 16 2018 00:57:04)', 'SDK version:3.0.0(d49923c)', 'compile time:Aug 23 2018 16:58:12', 'Bin version(Wroom 02):v1.7.0'],
    curVariants: true, prompt: '\r\nOK\r\n> ', joinFail: 'FAIL', sendMax: 2048, ipdMax: 1460, busyS: true,
    dnsFail: 'DNS Fail', linkInvalid: 'link is not valid', recv: (count) => `\r\nRecv ${count} bytes\r\n`, quoteIp: false, bootGarbage: true, passive: false,
  },
  esp8266: {
    name: 'esp8266',
    gmr: ['AT version:2.2.0.0(b097cdf - ESP8266 - Jun 17 2021 12:57:45)', 'SDK version:v3.4-22-g967752e2', 'compile time(6800286):Aug  4 2021 17:20:05', 'Bin version:2.2.0(WROOM-02)'],
    curVariants: false, prompt: '\r\nOK\r\n\r\n>', joinFail: 'ERROR', sendMax: 2048, ipdMax: 2920, busyS: false,
    dnsFail: null, linkInvalid: null, recv: (count) => `Recv ${count} bytes\r\n`, quoteIp: true, bootGarbage: false, passive: true,
  },
  esp32: {
    name: 'esp32',
    gmr: ['AT version:2.2.0.0-dev(ca41ec4 - ESP32 - Sep 16 2020 11:28:17)', 'SDK version:v4.0.1-193-ge7ac221b4', 'compile time(98b95fc):Oct 29 2020 11:23:25', 'Bin version:2.1.0(MINI-1)'],
    curVariants: false, prompt: '\r\nOK\r\n\r\n>', joinFail: 'ERROR', sendMax: 8192, ipdMax: 2920, busyS: false,
    dnsFail: null, linkInvalid: null, recv: (count) => `\r\nRecv ${count} bytes\r\n`, quoteIp: true, bootGarbage: false, passive: true,
  },
};
