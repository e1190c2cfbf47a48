// `glowmq modem-sim --stdio [...]`: the ESP-AT module emulator on standard input/output, so
//   socat PTY,link=/tmp/ttyESP,raw,echo=0 EXEC:"glowmq modem-sim --stdio"
// turns it into a serial device. Fault injections are announced on stderr.
import { ModemSim } from '../sim/modem/modem-sim';
import { parseFault, FAULT_KINDS, type Fault } from '../sim/modem/faults';
import type { DialectName } from '../sim/modem/dialects';

export const MODEM_SIM_USAGE = `usage: glowmq modem-sim --stdio [options]
  --dialect nonos|esp8266|esp32   firmware to emulate (default esp8266)
  --baud N                        UART rate, 8N1; 0 = unthrottled (default 115200)
  --fault kind[:n[:m]]            inject a fault (repeatable); kinds: ${FAULT_KINDS.join(', ')}
                                  (in a socat EXEC address write the colons as \\:)
  --seed N                        seed for split reads and boot garbage (default 1)
  --ssid S --password P           the access point in range (default: any join succeeds)
  --no-autoconnect                boot without saved Wi-Fi credentials
  --local-only                    CIPSTART only to 127.0.0.1/localhost
  --log                           log every command line to stderr`;

interface Parsed { dialect: DialectName; baud: number; faults: Fault[]; seed: number; ssid?: string; password?: string; auto: boolean; local: boolean; log: boolean; stdio: boolean; help: boolean }

export function parseModemSimArgs(argv: string[]): Parsed {
  const parsed: Parsed = { dialect: 'esp8266', baud: 115200, faults: [], seed: 1, auto: true, local: false, log: false, stdio: false, help: false };
  const int = (flag: string, value: string | undefined): number => {
    if (value === undefined || !/^\d+$/.test(value)) throw new Error(`${flag} ${JSON.stringify(value ?? '')}: expected a non-negative integer`);
    return +value;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const val = () => { if (i + 1 >= argv.length) throw new Error(`${arg}: needs a value`); return argv[++i]; };
    switch (arg) {
      case '--stdio': parsed.stdio = true; break;
      case '--help': case '-h': parsed.help = true; break;
      case '--dialect': {
        const value = val();
        if (value !== 'nonos' && value !== 'esp8266' && value !== 'esp32') throw new Error(`--dialect ${JSON.stringify(value)}: expected nonos, esp8266 or esp32`);
        parsed.dialect = value; break;
      }
      case '--baud': {
        const value = val(); const baud = int('--baud', value);
        if (baud !== 0 && (baud < 300 || baud > 5_000_000)) throw new Error(`--baud ${value}: expected 0 (unthrottled) or 300..5000000`);
        parsed.baud = baud; break;
      }
      case '--fault': parsed.faults.push(parseFault(val())); break;
      case '--seed': parsed.seed = int('--seed', val()); break;
      case '--ssid': parsed.ssid = val(); break;
      case '--password': parsed.password = val(); break;
      case '--no-autoconnect': parsed.auto = false; break;
      case '--local-only': parsed.local = true; break;
      case '--log': parsed.log = true; break;
      default: throw new Error(`unknown option ${JSON.stringify(arg)} (see glowmq modem-sim --help)`);
    }
  }
  if (parsed.password !== undefined && parsed.ssid === undefined) throw new Error('--password needs --ssid');
  return parsed;
}

export function runModemSim(argv: string[]): Promise<number> {
  let args: Parsed;
  try { args = parseModemSimArgs(argv); } catch (error) {
    process.stderr.write(`glowmq modem-sim: ${(error as Error).message}\n`);
    return Promise.resolve(2);
  }
  if (args.help) { process.stdout.write(MODEM_SIM_USAGE + '\n'); return Promise.resolve(0); }
  if (!args.stdio) { process.stderr.write('glowmq modem-sim: --stdio is required (the only way to serve it so far)\n' + MODEM_SIM_USAGE + '\n'); return Promise.resolve(2); }
  const sim = new ModemSim({
    dialect: args.dialect, baud: args.baud, faults: args.faults, seed: args.seed, autoConnect: args.auto,
    network: args.ssid !== undefined ? { ssid: args.ssid, password: args.password ?? '' } : undefined,
    allowHost: args.local ? undefined : () => true,
    onFault: (kind, count) => process.stderr.write(`modem-sim: fault ${kind} #${count}\n`),
    onCommand: args.log ? (line) => process.stderr.write(`modem-sim: < ${line.replace(/^(AT\+CWJAP(?:_CUR)?=".*?",)".*"$/, '$1"***"')}\n`) : undefined,
  });
  return new Promise<number>((resolve) => {
    let done = false;
    const finish = (code: number) => {
      if (done) return;
      done = true;
      sim.close();
      process.stderr.write(`modem-sim: stats ${JSON.stringify({ ...sim.stats, commands: sim.stats.commands.length })}\n`);
      process.stdout.write('', () => resolve(code)); // flush before the caller exits
    };
    sim.onOutput((bytes) => { process.stdout.write(bytes); });
    process.stdin.on('data', (bytes: Buffer) => sim.input(bytes));
    process.stdin.on('end', () => finish(0));
    process.stdin.on('close', () => finish(0));
    process.once('SIGTERM', () => finish(0));
    process.once('SIGINT', () => finish(0));
    sim.start();
    process.stderr.write(`modem-sim: started (${args.dialect}, ${args.baud ? args.baud + ' baud' : 'unthrottled'}${args.faults.length ? ', faults ' + args.faults.map((fault) => fault.kind).join(' ') : ''})\n`);
  });
}
