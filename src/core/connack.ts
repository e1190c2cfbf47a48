// CONNACK return codes 1–5 (MQTT 3.1.1 §3.2.2.3) as the text of the error they become.
import { RETURN_CODE } from './codec/parse';

const enum ReturnCode { BadProtocolVersion = 1, IdentifierRejected, ServerUnavailable, BadCredentials, NotAuthorised }

// A chain of comparisons, not a table: a table of five strings is held in a board's memory for
// as long as the program runs (18 variables), the comparisons only while one is reported.
export function refusal(code: number): string {
  return 'connection refused: ' + (
    code == ReturnCode.BadProtocolVersion ? 'unacceptable protocol version' :
    code == ReturnCode.IdentifierRejected ? 'identifier rejected' :
    code == ReturnCode.ServerUnavailable ? 'server unavailable' :
    code == ReturnCode.BadCredentials ? 'bad user name or password' :
    code == ReturnCode.NotAuthorised ? 'not authorised' : RETURN_CODE + ' ' + code);
}
