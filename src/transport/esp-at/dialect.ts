// Firmware dialects (esp-at-tcp.md §9), picked from the AT+GMR "AT version:<major>" line:
// 0/1 = ESP8266 NonOS, >= 2 = espressif/esp-at. This table is the only place the driver
// branches on the dialect; the other §9 differences it tolerates in every dialect at once:
// the "> " vs ">" prompt (a space at line start is skipped), FAIL vs ERROR after CWJAP
// (both are final), "DNS Fail"/"link is not valid" (kept as detail lines), quoted vs
// unquoted CIPDINFO addresses (only the length field of +IPD is read) and busy s/p (ignored).
export interface Dialect {
  name: string;
  /** Suffix for CWMODE/CWJAP: NonOS plain names write flash, so use the _CUR variants. */
  cur: string;
}

export const NONOS: Dialect = { name: 'nonos', cur: '_CUR' };
export const ESP8266: Dialect = { name: 'esp8266', cur: '' };
export const ESP32: Dialect = { name: 'esp32', cur: '' };

/** From the AT+GMR reply lines; unknown replies are treated as ESP-AT on ESP32. */
export function dialectOf(lines: string[]): Dialect {
  const s = lines.join('\n');
  const m = /AT version:(\d+)/.exec(s);
  if (m && +m[1] < 2) return NONOS;
  return /ESP8266/.test(s) ? ESP8266 : ESP32;
}
