// Debian's RabbitMQ (rabbitmq-server 3.10) as the test's own process on 127.0.0.1 with the
// MQTT plugin, the seed's account (admin / password) and every file in a temp directory.
// It is started through /usr/lib/rabbitmq/bin/rabbitmq-server (not the /usr/sbin wrapper,
// which switches to the rabbitmq user and the system's data directory). Erlang needs an
// epmd; ours listens on a private port and is killed by that port on stop.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './mosquitto';
import type { Peer } from './peers';

const SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server';

export const rabbitmqPeer = (): Peer => ({
  name: 'rabbitmq-server (MQTT plugin)', install: 'apt-get install rabbitmq-server', present: existsSync(SERVER),
});

export interface RabbitMQ {
  port: number;        // MQTT listener
  url: string;         // with the admin credentials
  dir: string;
  proc: ChildProcess;
  output: string[];
  /** Wall-clock milliseconds from spawn to the MQTT port accepting connections. */
  startMs: number;
  stop(): Promise<void>;
}

export async function startRabbitMQ(): Promise<RabbitMQ> {
  const dir = mkdtempSync(join(tmpdir(), 'glowmq-rabbit-'));
  const [port, amqp, dist, epmd] = [await freePort(), await freePort(), await freePort(), await freePort()];
  writeFileSync(join(dir, 'enabled_plugins'), '[rabbitmq_mqtt].\n');
  writeFileSync(join(dir, 'rabbitmq.conf'), [
    `listeners.tcp.default = 127.0.0.1:${amqp}`,
    `mqtt.listeners.tcp.default = 127.0.0.1:${port}`,
    'mqtt.allow_anonymous = false',
    'default_user = admin',
    'default_pass = password',
    'loopback_users = none',
  ].join('\n') + '\n');
  const env = {
    ...process.env,
    HOME: dir, // the Erlang cookie is written here
    RABBITMQ_NODENAME: `glowmq${port}@localhost`,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(amqp),
    RABBITMQ_DIST_PORT: String(dist),
    ERL_EPMD_PORT: String(epmd),
    ERL_EPMD_ADDRESS: '127.0.0.1',
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_LOGS: '-',
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    RABBITMQ_PLUGINS_EXPAND_DIR: join(dir, 'plugins-expand'),
    RABBITMQ_PID_FILE: join(dir, 'rabbit.pid'),
  };
  const t0 = Date.now();
  const proc = spawn(SERVER, [], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  proc.stdout!.on('data', (d) => output.push(String(d)));
  proc.stderr!.on('data', (d) => output.push(String(d)));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const killEpmd = () => { try { execFileSync('epmd', ['-kill'], { env, stdio: 'ignore' }); } catch { /* none started */ } };
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) { proc.kill('SIGTERM'); await exited; }
    killEpmd();
    rmSync(dir, { recursive: true, force: true });
  };
  try { await waitForPort(port, 90_000); } catch {
    proc.kill('SIGKILL'); await exited; killEpmd();
    throw new Error(`rabbitmq did not start: ${output.join('').slice(-3000)}`);
  }
  return { port, url: `mqtt://admin:password@127.0.0.1:${port}`, dir, proc, output, startMs: Date.now() - t0, stop };
}
