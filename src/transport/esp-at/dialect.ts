// Firmware dialects (esp-at-tcp.md §9), picked from the AT+GMR "AT version:<major>" line:
// 0/1 = ESP8266 NonOS, >= 2 = espressif/esp-at. This is the only place the driver
// branches on the dialect; the other §9 differences it tolerates in every dialect at once:
// the "> " vs ">" prompt (a space at line start is skipped), FAIL vs ERROR after CWJAP
// (both are final), "DNS Fail"/"link is not valid" (kept as detail lines), quoted vs
// unquoted CIPDINFO addresses (only the length field of +IPD is read) and busy s/p (ignored).
export interface Dialect {
  name: string;
  /** Suffix for CWMODE/CWJAP: NonOS plain names write flash, so use the _CUR variants. */
  cur: string;
}

/** From the AT+GMR reply lines; unknown replies are treated as ESP-AT on ESP32. Made on
 * demand, not held as constant objects: board memory. */
export function dialectOf(lines: string[]): Dialect {
  const s = lines.join('\n'), m = /AT version:(\d+)/.exec(s);
  return m && +m[1] < 2 ? { name: 'nonos', cur: '_CUR' } : { name: /ESP8266/.test(s) ? 'esp8266' : 'esp32', cur: '' };
}
