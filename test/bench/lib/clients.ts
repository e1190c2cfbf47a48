// The clients compared: glowmq (when its Node wiring exists), MQTT.js 5, and paho-mqtt 1.6
// (when /usr/bin/python3 has it). Each runs as its own process.
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { buildWorkers } from './build';
import { BENCH } from './paths';

export interface ClientKind {
  name: 'glowmq' | 'MQTT.js' | 'paho' | 'raw';
  /** argv to start a worker (node flags may be prepended for node workers). */
  cmd(nodeFlags?: string[]): string[];
  roles: string[];
  /** argv of the same harness without the library (memory baseline; role "bare"). */
  bareCmd(nodeFlags?: string[]): string[];
}

const ALL_ROLES = ['pub', 'sub', 'echo', 'ping', 'idle', 'connect', 'soak'];

function hasPaho(): boolean {
  try { execFileSync('/usr/bin/python3', ['-c', 'import paho.mqtt.client'], { stdio: 'ignore' }); return true; } catch { return false; }
}

export interface ClientSet { clients: ClientKind[]; missing: string[] }

// glowmq on Node uses the board's own codec (src/core/codec) already, so there is no second
// glowmq variant to compare.
export async function availableClients(): Promise<ClientSet> {
  const built = await buildWorkers();
  const clients: ClientKind[] = [];
  const missing: string[] = [];
  const node = (name: ClientKind['name'], file: string | Error) => {
    if (file instanceof Error) { missing.push(`${name}: ${file.message}`); return; }
    const bare = built['bare-worker'];
    clients.push({ name, cmd: (flags = []) => [process.execPath, ...flags, file], roles: ALL_ROLES, bareCmd: (flags = []) => [process.execPath, ...flags, bare as string] });
  };
  node('glowmq', built['glowmq-worker']);
  node('MQTT.js', built['mqttjs-worker']);
  const paho = ['/usr/bin/python3', join(BENCH, 'workers/paho_worker.py')];
  if (hasPaho()) clients.push({ name: 'paho', cmd: () => paho, bareCmd: () => paho, roles: ['pub', 'sub', 'echo', 'ping', 'idle', 'connect'] });
  else missing.push('paho: /usr/bin/python3 cannot import paho.mqtt (apt-get install python3-paho-mqtt)');
  return { clients, missing };
}

/** The floor: a hand-written client on node:net (workers/raw.ts), publisher and subscriber roles only. */
export async function rawClient(): Promise<ClientKind | Error> {
  const built = await buildWorkers();
  const file = built['raw-worker'], bare = built['bare-worker'];
  if (file instanceof Error) return file;
  return { name: 'raw', cmd: (flags = []) => [process.execPath, ...flags, file], roles: ['pub', 'sub'], bareCmd: (flags = []) => [process.execPath, ...flags, bare as string] };
}
