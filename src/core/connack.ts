// CONNACK return codes 1–5 (MQTT 3.1.1 §3.2.2.3) as the text of the error they become.
import { RETURN_CODE } from './codec/parse';

const WHY = ['unacceptable protocol version', 'identifier rejected', 'server unavailable', 'bad user name or password', 'not authorised'];

export function refusal(code: number): string {
  return 'connection refused: ' + (WHY[code - 1] || RETURN_CODE + ' ' + code);
}
