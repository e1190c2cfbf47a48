// Checks TLS material before any connection, so a file path passed where PEM text belongs,
// or a key that does not match its certificate, fails at once with a message that says so
// (Node would otherwise accept a bogus `ca` silently and fail later as "unknown CA").
import type * as TLS from 'node:tls';

// Loaded on first use: only mqtts:// needs it, and it adds ~1.4 MB to every process that loads it.
const tlsModule = (): typeof TLS => process.getBuiltinModule('node:tls') as typeof TLS;

type Pem = string | Buffer;

function isPem(value: Pem): boolean {
  return String(value).includes('-----BEGIN ');
}

/** Throws an Error naming the option; returns nothing when ca/cert/key are usable. */
export function checkTlsOptions(given: { ca?: Pem | Pem[]; cert?: Pem; key?: Pem }): void {
  const named: [string, Pem | Pem[] | undefined][] = [['ca', given.ca], ['cert', given.cert], ['key', given.key]];
  for (const [name, value] of named) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) {
      if (!isPem(one)) throw new Error(`TLS: the ${name} option must be PEM text ("-----BEGIN …"), not a file name or other data: read the file first`);
    }
  }
  if ((given.cert === undefined) !== (given.key === undefined)) throw new Error('TLS: give both cert and key for a client certificate, or neither');
  try {
    tlsModule().createSecureContext({ ca: given.ca, cert: given.cert, key: given.key });
  } catch (err) {
    const message = (err as Error).message;
    throw new Error(/mismatch/i.test(message) ? 'TLS: the key does not belong to the certificate' : `TLS: cannot use the given ca/cert/key: ${message}`);
  }
}
