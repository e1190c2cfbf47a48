// glowmq demo: the seed scenario in one process. An embedded broker (aedes, the seed's
// admin / password), the device on the simulated board, the seed's publisher (lightChange
// 现在天黑了 / 现在天亮了 at QoS 1 every 2 s) and the seed's phone subscriber, every line
// labelled with who speaks.
import type { MqttClient } from '../core/client-options';
import { validateConfig, type ConfigError } from '../app/config';
import { SimLed, SimTemperature } from '../hal/sim-board';
import { createNodeClient } from './connect';
import { nodeSchema, type NodeDeviceConfig } from './config';
import { startDemoBroker, type DemoBroker } from './demo-broker';
import { launchDevice, type Launched } from './cli/device-command';
import { parseArgs, helpText, numberFlag, type Flag } from './cli/args';
import { labelledLog } from './cli/log';
import { RunError, UsageError } from './cli/usage-error';
import type { CliIo } from './cli/io';
import { startWebServer, type WebServer } from './web-server';
import { topicMatches } from '../core/topic';

export const DEMO_FLAGS: Flag[] = [
  { names: ['--count'], key: 'count', arg: 'N', help: 'stop by itself (exit 0) after N commands (default: run until Ctrl-C)' },
  { names: ['--interval'], key: 'interval', arg: 'SECONDS', help: 'seconds between commands and between readings (default 2, as the seed)' },
  { names: ['--command-interval'], key: 'commandInterval', arg: 'SECONDS', help: 'seconds between the publisher\'s commands, when not --interval (e.g. 3600 to switch the light from the page alone)' },
  { names: ['--port'], key: 'port', arg: 'PORT', help: 'broker port (default 1883; a free one if that is taken)' },
  { names: ['--web-port'], key: 'webPort', arg: 'PORT', help: 'port of the phone page and its WebSocket /mqtt (default 8080; a free one if that is taken)' },
  { names: ['--id'], key: 'id', arg: 'NAME', help: 'device id (default demo-board)' },
  { names: ['--no-color'], key: 'noColor', type: 'bool', help: 'plain output (also when not a terminal, or with $NO_COLOR)' },
  { names: ['--help'], key: 'help', type: 'bool', help: 'show this help' },
];

export const DEMO_HELP = helpText('glowmq demo [--count N] [--interval SECONDS] [--port PORT] [--web-port PORT]',
  `The seed scenario on an embedded broker: aedes on 127.0.0.1:1883 (account admin /
password), the glowmq device on a simulated board (LED + temperature sensor), the seed's
publisher sending lightChange 现在天黑了 / 现在天亮了 at QoS 1, and the seed's phone
subscriber. The phone page is served at http://127.0.0.1:8080/ (its /mqtt is the same
broker over WebSocket). Point other clients at the printed addresses, e.g.
  glowmq sub -p 1883 -u admin -P password -t 'glowmq/#' -v`, DEMO_FLAGS);

const PHRASES = ['现在天黑了', '现在天亮了'];
const DEFAULT_WEB_PORT = 8080;
const ROLES: { [role: string]: string } = { '[broker]': '35', '[device]': '32', '[publisher]': '36', '[phone]': '33', '[demo]': '1' };

export async function runDemo(argv: string[], cliIo: CliIo): Promise<number> {
  const parsed = parseArgs('demo', argv, DEMO_FLAGS);
  if (parsed.values.help) { cliIo.out(DEMO_HELP); return 0; }
  const count = numberFlag('demo', parsed, 'count', 1, 1e6);
  // (The device's readings share it: no shorter than its config allows, 0.1 s.)
  const interval = numberFlag('demo', parsed, 'interval', 0.1, 3600, false) ?? 2;
  const commandInterval = numberFlag('demo', parsed, 'commandInterval', 0.1, 86400, false) ?? interval;
  const wantPort = numberFlag('demo', parsed, 'port', 0, 65535) ?? 1883;
  const wantWebPort = numberFlag('demo', parsed, 'webPort', 0, 65535) ?? DEFAULT_WEB_PORT;
  const deviceId = (parsed.values.id as string | undefined) ?? 'demo-board';
  const color = !parsed.values.noColor && !cliIo.env.NO_COLOR && (process.stdout as { isTTY?: boolean }).isTTY === true;
  const line = (role: string, msg: string) => cliIo.out((color ? `\x1b[${ROLES[role]}m${role.padEnd(11)}\x1b[0m` : role.padEnd(11)) + ' ' + msg);
  const say = (role: string) => (msg: string) => line(role, msg);
  const users = { admin: 'password' };

  line('[demo]', `glowmq demo: the seed's publisher, phone and a glowmq device around an embedded broker${count ? ` (${count} command${count === 1 ? '' : 's'})` : ' (Ctrl-C to stop)'}`);
  let broker: DemoBroker;
  try { broker = await startDemoBroker(wantPort, users); } catch (err) { throw new RunError(`glowmq demo: ${(err as Error).message}`); }
  const url = `mqtt://127.0.0.1:${broker.port}`;
  say('[broker]')(`aedes listening on ${url}${broker.moved ? ` (port ${wantPort} was taken)` : ''}, account admin / password`);
  line('[demo]', `watch it from another terminal: glowmq sub -p ${broker.port} -u admin -P password -t '#' -v`);
  const subscribed: { [clientId: string]: boolean } = {};
  let onSubscribed = () => {};
  broker.aedes.on('subscribe', (subs: { topic: string }[], client: { id: string }) => {
    if (client && subs.some((sub) => sub.topic === 'lightChange')) { subscribed[client.id] = true; onSubscribed(); }
  });
  broker.aedes.on('client', (clientInfo: { id: string }) => say('[broker]')(`${clientInfo.id} connected`));

  // The device, on the simulated board. Its log lines get a bulb for the LED.
  let cfg: NodeDeviceConfig;
  try { cfg = validateConfig({ id: deviceId, broker: url, username: 'admin', password: 'password', interval, logLevel: 'info' }, nodeSchema) as NodeDeviceConfig; } catch (err) {
    // Only --id reaches the schema unchecked; its refusal says what is allowed.
    const refused = err as ConfigError;
    throw new UsageError(`glowmq demo: bad value for --${refused.field}: ${refused.value} (allowed: ${refused.allowed})`);
  }
  let web: DemoWeb;
  try { web = await startDemoWeb(broker, cfg, wantWebPort, users); } catch (err) { throw new RunError(`glowmq demo: the phone page: ${(err as Error).message}`); }
  line('[demo]', `the phone page${web.server.moved ? ` (port ${wantWebPort} was taken)` : ''}, in a browser on this machine:`);
  cliIo.out(web.server.url);

  const devLog = labelledLog('[device]', 'info', (logLine) => line('[device]', logLine.slice(9)));
  let handled = 0;
  const led = new SimLed(() => { handled++; check(); });
  const dev: Launched = await launchDevice(cfg, {
    log: (lvl, msg) => devLog(lvl, msg.replace(/^LED on/, 'LED ● ON ').replace(/^LED off/, 'LED ○ off')),
    led, sensors: [new SimTemperature('temperature')],
  });

  // The seed's phone subscriber (its lines as the seed prints them), also watching readings.
  const phone = say('[phone]');
  phone('手机启动----我是一个订阅者:需要消费主题-----');
  const phoneClient: MqttClient = createNodeClient(url, { clientId: 'phone', username: 'admin', password: 'password', logLevel: 'silent' });
  let phoneSeen = 0;
  phoneClient.on('connect', () => phone('Connected with result code0'));
  phoneClient.subscribe(['lightChange', cfg.base + '/sensors/+', cfg.base + '/light/state'], { qos: 1 });
  phoneClient.on('message', (topic, payload) => {
    const text = Buffer.from(payload).toString('utf8');
    if (topic === 'lightChange') {
      phone(topic + text + ',回调消息:收到收到!我已经接收到发布者的消息并给用户反馈手电筒已经打开');
      phoneSeen++; check();
    } else if (topic.endsWith('/light/state')) phone(`the light is ${text}`);
    else {
      try { const reading = JSON.parse(text); phone(`${topic.slice(topic.lastIndexOf('/') + 1)} ${reading.value} ${reading.unit}  (seq ${reading.seq})`); } catch { phone(`${topic} ${text}`); }
    }
  });

  // The seed's publisher: one command every command interval, alternating dark / light.
  const pub = say('[publisher]');
  const pubClient: MqttClient = createNodeClient(url, { clientId: 'publisher', username: 'admin', password: 'password', logLevel: 'silent' });
  let sent = 0, timer: NodeJS.Timeout | undefined, finished = false;
  let finish!: (code: number) => void;
  const result = new Promise<number>((resolve) => { finish = resolve; });
  const send = () => {
    if (finished || (count !== undefined && sent >= count)) return;
    const text = PHRASES[sent % 2];
    sent++;
    const number = sent;
    pubClient.publish('lightChange', text, { qos: 1 }, (err) => err ? pub(`publish failed: ${err.message}`) : pub(`已发送${number}条消息  (lightChange "${text}", QoS 1)`));
    timer = setTimeout(send, commandInterval * 1000);
  };
  onSubscribed = () => {
    if (timer !== undefined || !subscribed[cfg.clientId] || !subscribed.phone) return;
    pub('消息发布!----我是一个发布者:正在给设备和传感器发布主题-----');
    timer = setTimeout(send, commandInterval * 1000);
  };
  onSubscribed();
  function check() { if (count !== undefined && handled >= count && phoneSeen >= count) stop(0); }

  async function stop(code: number) {
    if (finished) return;
    finished = true;
    if (timer) clearTimeout(timer);
    process.off('SIGINT', onSig); process.off('SIGTERM', onSig);
    await new Promise<void>((done) => pubClient.end(false, () => done()));
    await new Promise<void>((done) => phoneClient.end(false, () => done()));
    await dev.stop();
    await web.close();
    await broker.close();
    line('[demo]', `done: ${sent} command${sent === 1 ? '' : 's'} sent, the LED followed ${handled}, the phone saw ${phoneSeen}; LED is ${led.read() ? 'on' : 'off'}`);
    finish(code);
  }
  const onSig = () => { line('[demo]', 'stopping…'); void stop(0); };
  process.on('SIGINT', onSig); process.on('SIGTERM', onSig);
  return result;
}

interface DemoWeb { server: WebServer; close(): Promise<void> }

/**
 * The phone page for the demo, its /mqtt the embedded broker over WebSocket, pre-filled with
 * the demo's throwaway account. The page's #toggle publishes to <base>/light/set; a device
 * that does not subscribe to that topic gets the command relayed to its own command topic
 * (the demo's device listens on lightChange alone until it takes the per-device topic).
 */
async function startDemoWeb(broker: DemoBroker, cfg: NodeDeviceConfig, port: number, users: { [user: string]: string }): Promise<DemoWeb> {
  const server = await startWebServer({
    host: '127.0.0.1', port, anyPortIfTaken: true,
    page: { device: cfg.id, demoAccount: { user: 'admin', password: users.admin } },
    onMqttStream: (stream) => broker.aedes.handle(stream),
  });
  const setTopic = cfg.base + '/light/set';
  const deviceFilters: string[] = [];
  broker.aedes.on('subscribe', (subs: { topic: string }[], client: { id: string } | null) => {
    if (client && client.id === cfg.clientId) for (const sub of subs) deviceFilters.push(sub.topic);
  });
  const relay: MqttClient = createNodeClient(`mqtt://127.0.0.1:${broker.port}`, { clientId: 'demo-relay', username: 'admin', password: users.admin, logLevel: 'silent' });
  relay.subscribe(setTopic, { qos: 1 });
  relay.on('message', (topic, payload) => {
    if (topic !== setTopic || deviceFilters.some((filter) => topicMatches(filter, setTopic))) return;
    relay.publish(cfg.command, payload, { qos: 1 });
  });
  return {
    server,
    close: async () => {
      await new Promise<void>((resolve) => relay.end(false, () => resolve()));
      await server.close();
    },
  };
}
