// Checks TLS material before any connection, so a file path passed where PEM text belongs,
// or a key that does not match its certificate, fails at once with a message that says so
// (Node would otherwise accept a bogus `ca` silently and fail later as "unknown CA").
import type * as TLS from 'node:tls';

// Loaded on first use: only mqtts:// needs it, and it adds ~1.4 MB to every process that loads it.
const tlsModule = (): typeof TLS => process.getBuiltinModule('node:tls') as typeof TLS;

type Pem = string | Buffer;

function isPem(v: Pem): boolean {
  return String(v).includes('-----BEGIN ');
}

/** Throws an Error naming the option; returns nothing when ca/cert/key are usable. */
export function checkTlsOptions(o: { ca?: Pem | Pem[]; cert?: Pem; key?: Pem }): void {
  const named: [string, Pem | Pem[] | undefined][] = [['ca', o.ca], ['cert', o.cert], ['key', o.key]];
  for (const [name, v] of named) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) {
      if (!isPem(one)) throw new Error(`TLS: the ${name} option must be PEM text ("-----BEGIN …"), not a file name or other data: read the file first`);
    }
  }
  if ((o.cert === undefined) !== (o.key === undefined)) throw new Error('TLS: give both cert and key for a client certificate, or neither');
  try {
    tlsModule().createSecureContext({ ca: o.ca, cert: o.cert, key: o.key });
  } catch (e) {
    const m = (e as Error).message;
    throw new Error(/mismatch/i.test(m) ? 'TLS: the key does not belong to the certificate' : `TLS: cannot use the given ca/cert/key: ${m}`);
  }
}
