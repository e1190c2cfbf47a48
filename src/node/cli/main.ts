// glowmq's command line: one sub-command per file, dispatched here. Usage mistakes exit 2,
// failures 1, each with one line on stderr.
import type { CliIo } from './io';
import { UsageError } from './usage-error';
import { version } from '../../../package.json';

export const VERSION: string = version;

export const MAIN_HELP = `glowmq ${VERSION}: a small MQTT 3.1.1 client runtime for Espruino boards, Raspberry Pi and ESP-AT serial rigs

Usage: glowmq <command> [options]      (glowmq <command> --help lists every option)

Commands:
  device      run the glowmq device: LED on lightChange, sensor readings, status
  service     a systemd unit that runs the device at boot (--install writes it)
  pub         publish a message, like mosquitto_pub
  sub         subscribe and print messages, like mosquitto_sub
  demo        the seed scenario on an embedded broker (publisher, device, phone), and the phone page
  web         the phone page in a browser, for a real broker (--broker mqtt://…)
  modem-sim   an ESP8266/ESP32 AT-firmware module in software (--stdio for socat)

Options:
  --help      show this help
  --version   print the version

Examples:
  glowmq demo --count 4
  glowmq device --broker mqtt://192.168.1.10 -u admin --password-file ~/.mqtt-pw --gpio gpiod:gpiochip0:17
  glowmq pub -t lightChange -m 现在天黑了 -q 1 -u admin -P password
  glowmq sub -t 'glowmq/#' -v -u admin -P password
`;

type Runner = (argv: string[], io: CliIo) => Promise<number>;

// Each command is loaded when used, so `glowmq pub` does not pay for the demo.
const COMMANDS: { [name: string]: () => Promise<Runner> } = {
  device: async () => (await import('./device-command')).runDevice,
  service: async () => (await import('./service-command')).runService,
  pub: async () => (await import('./pub-command')).runPub,
  sub: async () => (await import('./sub-command')).runSub,
  demo: async () => (await import('../demo')).runDemo,
  web: async () => (await import('./web-command')).runWeb,
  'modem-sim': async () => (await import('./modem-sim')).runModemSimCommand,
};

export async function main(argv: string[], cliIo: CliIo): Promise<number> {
  const cmd = argv[0];
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    if (cmd === 'help' && argv[1] && COMMANDS[argv[1]]) return main([argv[1], '--help'], cliIo);
    cliIo.out(MAIN_HELP);
    return cmd === undefined ? 2 : 0;
  }
  if (cmd === '--version' || cmd === '-V') { cliIo.out(VERSION); return 0; }
  try {
    const load = Object.prototype.hasOwnProperty.call(COMMANDS, cmd) ? COMMANDS[cmd] : undefined;
    if (!load) throw new UsageError(`glowmq: unknown command "${cmd}" (commands: ${Object.keys(COMMANDS).join(', ')}; see glowmq --help)`);
    return await (await load())(argv.slice(1), cliIo);
  } catch (thrown) {
    const err = thrown as Error & { exitCode?: number };
    cliIo.err(err.exitCode !== undefined ? err.message : `glowmq ${cmd}: ${err.message}`);
    return err.exitCode ?? 1;
  }
}
