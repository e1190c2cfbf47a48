// Suites that need an outside peer (mosquitto, socat, python3-paho-mqtt, …).
// With CI=true a missing peer is a failure that names it; locally the suite is skipped
// with a loud notice, so a developer without the package still sees what did not run.
import { describe, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export function hasCommand(cmd: string): boolean {
  if (cmd.startsWith('/')) return existsSync(cmd);
  try { execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }); return true; } catch { return false; }
}

/** True when /usr/bin/python3 imports paho.mqtt (Debian's python3-paho-mqtt). */
export function hasPaho(): boolean {
  try { execFileSync('/usr/bin/python3', ['-c', 'import paho.mqtt.client'], { stdio: 'ignore' }); return true; } catch { return false; }
}

export interface Peer { name: string; install: string; present: boolean }
export const peers = {
  mosquitto: (): Peer => ({ name: 'mosquitto', install: 'apt-get install mosquitto', present: hasCommand('mosquitto') || hasCommand('/usr/sbin/mosquitto') }),
  mosquittoClients: (): Peer => ({ name: 'mosquitto_pub/mosquitto_sub', install: 'apt-get install mosquitto-clients', present: hasCommand('mosquitto_pub') && hasCommand('mosquitto_sub') }),
  socat: (): Peer => ({ name: 'socat', install: 'apt-get install socat', present: hasCommand('socat') }),
  paho: (): Peer => ({ name: 'python3-paho-mqtt (/usr/bin/python3)', install: 'apt-get install python3-paho-mqtt', present: hasPaho() }),
  openssl: (): Peer => ({ name: 'openssl', install: 'apt-get install openssl', present: hasCommand('openssl') }),
};

/** describe() that runs only when every peer is present (see the file comment). */
export function describeWithPeers(title: string, needed: Peer[], body: () => void): void {
  const missing = needed.filter((p) => !p.present);
  if (missing.length === 0) { describe(title, body); return; }
  const what = missing.map((p) => `${p.name} (${p.install})`).join(', ');
  if (process.env.CI) {
    describe(title, () => { it(`needs ${what}`, () => { throw new Error(`peer missing: ${what}`); }); });
  } else {
    console.warn(`\n*** SKIPPED "${title}": peer missing: ${what} ***\n`);
    describe.skip(title, body);
  }
}
