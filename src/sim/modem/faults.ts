// Fault injection for the emulator (esp-at-tcp.md §11 items 7-12), and the
// `--fault kind[:n[:m]]` syntax of `glowmq modem-sim`.
export type FaultKind =
  | 'send-fail'       // every n-th CIPSEND ends in SEND FAIL and the link drops (CLOSED follows)
  | 'send-error'      // every n-th CIPSEND ends in ERROR after the payload, link drops
  | 'busy'            // a spurious "busy p..." after every n-th command reply
  | 'closed-mid-send' // every n-th CIPSEND: the peer closes during the data phase (CLOSED, absorb, SEND FAIL)
  | 'reset'           // module reset after every n bytes of output (first at n), output truncated there
  | 'split'           // host reads of random size 1..n bytes (default 7)
  | 'wifi-drop'       // after every n-th CIPSEND: WIFI DISCONNECT, CLOSED, rejoin after m ms (default 1500)
  | 'wifi-flap'       // Wi-Fi drops at random every n..2n ms (default 5000), rejoin after m ms (default 1000)
  | 'garble-ipd'      // every n-th +IPD header has a non-digit in its length
  | 'interleave'      // hold received data up to m ms (default 20) and emit +IPD inside the next CIPSEND exchange (rotating the §7 spots)
  | 'hang'            // after the n-th command the module stops answering until AT+RST (host timeouts)
  | 'echo-urc'        // every n-th echoed command line has "WIFI CONNECTED\r\n" inside its echo (NONOS_SDK#59)
  | 'slow-connect';   // every n-th CIPSTART answers after m ms (default 3000), busy p... meanwhile

export interface Fault { kind: FaultKind; n: number; m?: number }

const KINDS: FaultKind[] = ['send-fail', 'send-error', 'busy', 'closed-mid-send', 'reset', 'split', 'wifi-drop', 'wifi-flap', 'garble-ipd', 'interleave', 'hang', 'echo-urc', 'slow-connect'];
const DEFAULT_N: { [k in FaultKind]: number } = {
  'send-fail': 5, 'send-error': 5, busy: 3, 'closed-mid-send': 5, reset: 4000, split: 7,
  'wifi-drop': 8, 'wifi-flap': 5000, 'garble-ipd': 5, interleave: 1, hang: 20, 'echo-urc': 1, 'slow-connect': 1,
};

/** Parses "kind[:n[:m]]"; throws an Error naming the value and what is allowed. */
export function parseFault(spec: string): Fault {
  const [kind, every, extraArg, extra] = spec.split(':');
  if (!(KINDS as string[]).includes(kind) || extra !== undefined) {
    throw new Error(`--fault ${JSON.stringify(spec)}: expected kind[:n[:m]] with kind one of ${KINDS.join(', ')}`);
  }
  const num = (text: string | undefined, what: string, dflt: number | undefined): number | undefined => {
    if (text === undefined || text === '') return dflt;
    if (!/^\d+$/.test(text) || +text < 1) throw new Error(`--fault ${JSON.stringify(spec)}: ${what} must be a positive integer, got ${JSON.stringify(text)}`);
    return +text;
  };
  const known = kind as FaultKind;
  return { kind: known, n: num(every, 'n', DEFAULT_N[known])!, m: num(extraArg, 'm', undefined) };
}

export const FAULT_KINDS = KINDS;
