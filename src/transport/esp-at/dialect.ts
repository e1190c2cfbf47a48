// Firmware dialects (esp-at-tcp.md §9), picked from the AT+GMR "AT version:<major>" line:
// 0/1 = ESP8266 NonOS, >= 2 = espressif/esp-at. The driver branches on it in one place
// (modem.ts, the start-up); the other §9 differences it tolerates in every dialect at once:
// the "> " vs ">" prompt (a space at line start is skipped), FAIL vs ERROR after CWJAP
// (both are final), "DNS Fail"/"link is not valid" (kept as detail lines), quoted vs
// unquoted CIPDINFO addresses (only the length field of +IPD is read) and busy s/p (ignored).
// The one branch: NonOS plain CWMODE/CWJAP write flash, so the driver uses the _CUR variants.
// A name, not an object: strings cost the board less.
export type Dialect = 'nonos' | 'esp8266' | 'esp32';

/** From the AT+GMR reply lines (any: a regex reads the array as its items joined with commas);
 * unknown replies are treated as ESP-AT on ESP32.
 * (`[01]\D`: the major version below 2; the board's regex engine has no `\b`.) */
export function dialectOf(lines: any): Dialect {
  return /AT version:[01]\D/.test(lines) ? 'nonos' : /ESP8266/.test(lines) ? 'esp8266' : 'esp32';
}
