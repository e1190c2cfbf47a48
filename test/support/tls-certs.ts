// Test certificates made with openssl in a temp dir: a CA, a server certificate for IP
// 127.0.0.1 (subjectAltName) signed by it, a second unrelated CA, a server certificate for a
// wrong name, and a client certificate signed by the CA. P-256 keys: fast to make.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TlsCerts {
  dir: string;
  /** Paths (for mosquitto's config) and PEM contents (for the client). */
  files: { [name: string]: string };
  pem: { [name: string]: string };
  cleanup(): void;
}

export function makeTlsCerts(): TlsCerts {
  const dir = mkdtempSync(join(tmpdir(), 'glowmq-tls-'));
  const f = (n: string) => join(dir, n);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const key = (n: string) => ssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', f(n));
  const ca = (n: string, cn: string) => {
    key(`${n}.key`);
    ssl('req', '-x509', '-new', '-key', f(`${n}.key`), '-sha256', '-days', '2', '-subj', `/CN=${cn}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', f(`${n}.crt`));
  };
  const leaf = (n: string, caName: string, cn: string, ext: string) => {
    key(`${n}.key`);
    ssl('req', '-new', '-key', f(`${n}.key`), '-subj', `/CN=${cn}`, '-out', f(`${n}.csr`));
    writeFileSync(f(`${n}.ext`), ext + '\n');
    ssl('x509', '-req', '-in', f(`${n}.csr`), '-CA', f(`${caName}.crt`), '-CAkey', f(`${caName}.key`), '-CAcreateserial',
      '-days', '2', '-sha256', '-extfile', f(`${n}.ext`), '-out', f(`${n}.crt`));
  };
  ca('ca', 'glowmq test CA');
  ca('other-ca', 'unrelated test CA');
  leaf('server', 'ca', '127.0.0.1', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth');
  leaf('wrong-name', 'ca', 'broker.example', 'subjectAltName=DNS:broker.example\nextendedKeyUsage=serverAuth');
  leaf('other-server', 'other-ca', '127.0.0.1', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth');
  leaf('client', 'ca', 'glowmq-client', 'extendedKeyUsage=clientAuth');
  const files: { [n: string]: string } = {};
  const pem: { [n: string]: string } = {};
  for (const n of ['ca', 'other-ca', 'server', 'wrong-name', 'other-server', 'client']) {
    for (const ext of ['crt', 'key']) { files[`${n}.${ext}`] = f(`${n}.${ext}`); pem[`${n}.${ext}`] = readFileSync(f(`${n}.${ext}`), 'utf8'); }
  }
  return { dir, files, pem, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
