// glowmq web: the phone page for a real broker. The page is served from here, and its /mqtt
// WebSocket is relayed to the broker's TCP (or TLS) port as a byte pipe: the MQTT session,
// credentials included, stays in the browser; this process never reads the packets.
import net from 'node:net';
import type * as TLS from 'node:tls';
import { readFileSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import { parseArgs, helpText, type Flag } from './args';
import { UsageError, RunError } from './usage-error';
import type { CliIo } from './io';
import { parseBrokerUrl, redactUrl, type BrokerUrl } from '../url';
import { startWebServer } from '../web-server';
import { topicNameError } from '../../core/topic';

export const WEB_FLAGS: Flag[] = [
  { names: ['--broker', '-L'], key: 'broker', arg: 'URL', help: 'the broker: mqtt://host[:port] or mqtts://host[:port] (also $MQTT_URL); user and password are asked for by the page' },
  { names: ['--listen'], key: 'listen', arg: 'HOST:PORT', help: 'where the page is served (default 127.0.0.1:8080, a free port if 8080 is taken); another address than loopback lets other machines in' },
  { names: ['--device'], key: 'device', arg: 'ID', help: 'the device to show first (default: the first one found on the broker)' },
  { names: ['--command-topic'], key: 'commandTopic', arg: 'TOPIC', help: 'where the page\'s toggle publishes (default <base>/light/set; <base> is glowmq/ID)' },
  { names: ['--cafile'], key: 'cafile', arg: 'FILE', help: 'CA certificate(s) for an mqtts:// broker (PEM)' },
  { names: ['--insecure'], key: 'insecure', type: 'bool', help: 'mqtts: do not verify the broker\'s certificate' },
  { names: ['--help'], key: 'help', type: 'bool', help: 'show this help' },
];

export const WEB_HELP = helpText('glowmq web --broker mqtt://HOST[:PORT] [--listen HOST:PORT] [--device ID]',
  `Serves the phone page: the device's status and light, a button that switches the light,
a chart of its readings and a log. The page runs glowmq's core in the browser; its
WebSocket /mqtt is relayed to the broker byte for byte, so the user name and password
are typed into the page and never pass through this process's configuration.`, WEB_FLAGS);

const DEFAULT_LISTEN = { host: '127.0.0.1', port: 8080 };
const RELAY_LINGER_MS = 1000;
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/** "HOST:PORT", "[v6]:PORT" or "PORT". */
export function parseListen(text: string): { host: string; port: number } {
  const bad = (why: string) => new UsageError(`glowmq web: bad value for --listen: ${JSON.stringify(text)} (${why}; allowed: HOST:PORT, [IPv6]:PORT or PORT)`);
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d+)$/.exec(text) ?? /^()()(\d+)$/.exec(text);
  if (!match) throw bad('not HOST:PORT');
  const port = Number(match[3]);
  if (port > 65535) throw bad('port out of range');
  const host = match[1] || match[2] || DEFAULT_LISTEN.host;
  return { host, port };
}

function brokerFrom(parsed: ReturnType<typeof parseArgs>, cliIo: CliIo): { broker: BrokerUrl; shown: string; flag: string } {
  const raw = (parsed.values.broker as string | undefined) ?? cliIo.env.MQTT_URL;
  const flag = parsed.given.broker ?? 'MQTT_URL';
  if (raw === undefined) throw new UsageError('glowmq web: no broker: give --broker mqtt://HOST[:PORT] (see glowmq web --help)');
  let broker: BrokerUrl;
  try { broker = parseBrokerUrl(raw); } catch (err) { throw new UsageError(`glowmq web: bad value for ${flag}: ${(err as Error).message}`); }
  if (broker.ws) throw new UsageError(`glowmq web: bad value for ${flag}: "${redactUrl(raw)}" (allowed: mqtt:// or mqtts://: the relay speaks to the broker's TCP port)`);
  return { broker, shown: redactUrl(raw), flag };
}

/** One browser's WebSocket piped to a new TCP/TLS connection to the broker, closed together. */
function relay(stream: Duplex, broker: BrokerUrl, tlsOptions: TLS.ConnectionOptions | undefined, say: (line: string) => void, remote: string): void {
  const target = `${broker.host}:${broker.port}`;
  const upstream: net.Socket = broker.tls
    ? (process.getBuiltinModule('node:tls') as typeof TLS).connect({ host: broker.host, port: broker.port, servername: net.isIP(broker.host) ? undefined : broker.host, ...tlsOptions })
    : net.connect({ host: broker.host, port: broker.port });
  upstream.setNoDelay(true);
  let ended = false;
  const end = (why: string) => {
    if (ended) return;
    ended = true;
    say(`browser ${remote} ✕ broker ${target}${why ? ': ' + why : ''}`);
    // What the browser sent last (its DISCONNECT) still reaches the broker; destroy() is the backstop.
    stream.destroy();
    upstream.end();
    const timer = setTimeout(() => upstream.destroy(), RELAY_LINGER_MS);
    timer.unref();
    upstream.once('close', () => clearTimeout(timer));
  };
  upstream.once(broker.tls ? 'secureConnect' : 'connect', () => say(`browser ${remote} ⇄ broker ${target}`));
  stream.pipe(upstream);
  upstream.pipe(stream);
  upstream.on('error', (err: NodeJS.ErrnoException) => end(`broker: ${err.code ?? err.message}`));
  stream.on('error', (err: Error) => end(`browser: ${err.message}`));
  upstream.on('close', () => end(''));
  stream.on('close', () => end(''));
}

export async function runWeb(argv: string[], cliIo: CliIo): Promise<number> {
  const parsed = parseArgs('web', argv, WEB_FLAGS);
  if (parsed.values.help) { cliIo.out(WEB_HELP); return 0; }
  if (parsed.positional.length) throw new UsageError(`glowmq web: unexpected argument ${JSON.stringify(parsed.positional[0])} (see glowmq web --help)`);
  const { broker, shown, flag } = brokerFrom(parsed, cliIo);
  const listen = parsed.values.listen !== undefined ? parseListen(parsed.values.listen as string) : DEFAULT_LISTEN;
  const device = parsed.values.device as string | undefined;
  if (device !== undefined && !/^[A-Za-z0-9._-]{1,64}$/.test(device)) throw new UsageError(`glowmq web: bad value for --device: ${JSON.stringify(device)} (allowed: 1-64 of A-Z a-z 0-9 . _ -)`);
  const commandTopic = parsed.values.commandTopic as string | undefined;
  if (commandTopic !== undefined) {
    const why = topicNameError(commandTopic.replace('<base>', 'glowmq/x'));
    if (why) throw new UsageError(`glowmq web: bad value for --command-topic: ${JSON.stringify(commandTopic)} (allowed: a topic name; ${why})`);
  }
  let tlsOptions: TLS.ConnectionOptions | undefined;
  if (parsed.values.cafile !== undefined || parsed.values.insecure) {
    if (!broker.tls) throw new UsageError('glowmq web: --cafile and --insecure are for an mqtts:// broker');
    tlsOptions = { rejectUnauthorized: !parsed.values.insecure };
    if (parsed.values.cafile !== undefined) {
      try { tlsOptions.ca = readFileSync(parsed.values.cafile as string); } catch (err) {
        throw new UsageError(`glowmq web: cannot read --cafile ${parsed.values.cafile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    }
  }
  const say = (line: string) => cliIo.err(`[web] ${line}`);
  if (broker.username !== undefined) say(`warning: the user name and password in ${flag} are not used: the page asks for them`);
  if (!LOOPBACK.test(listen.host)) say(`warning: listening on ${listen.host}, not loopback: anyone who can reach it gets the page and a relay to ${broker.host}:${broker.port}`);
  let server;
  try {
    server = await startWebServer({
      host: listen.host, port: listen.port, anyPortIfTaken: parsed.values.listen === undefined,
      page: { device, commandTopic },
      onMqttStream: (stream, remote) => relay(stream, broker, tlsOptions, say, remote),
    });
  } catch (err) {
    throw new RunError(`glowmq web: cannot listen on ${listen.host}:${listen.port}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  // Stopped by a signal from here on: before the address is printed, as whoever reads it may stop us at once.
  const stopped = new Promise<number>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop); process.off('SIGTERM', stop);
      void server.close().then(() => resolve(0));
    };
    process.on('SIGINT', stop); process.on('SIGTERM', stop);
  });
  say(`the phone page for ${shown.replace(/\/\/[^@]*@/, '//')}${server.moved ? ` (port ${listen.port} was taken)` : ''}, in a browser:`);
  cliIo.out(server.url);
  return stopped;
}
