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
  const p: Parsed = { dialect: 'esp8266', baud: 115200, faults: [], seed: 1, auto: true, local: false, log: false, stdio: false, help: false };
  const int = (flag: string, v: string | undefined): number => {
    if (v === undefined || !/^\d+$/.test(v)) throw new Error(`${flag} ${JSON.stringify(v ?? '')}: expected a non-negative integer`);
    return +v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => { if (i + 1 >= argv.length) throw new Error(`${a}: needs a value`); return argv[++i]; };
    switch (a) {
      case '--stdio': p.stdio = true; break;
      case '--help': case '-h': p.help = true; break;
      case '--dialect': {
        const v = val();
        if (v !== 'nonos' && v !== 'esp8266' && v !== 'esp32') throw new Error(`--dialect ${JSON.stringify(v)}: expected nonos, esp8266 or esp32`);
        p.dialect = v; break;
      }
      case '--baud': {
        const v = val(); const n = int('--baud', v);
        if (n !== 0 && (n < 300 || n > 5_000_000)) throw new Error(`--baud ${v}: expected 0 (unthrottled) or 300..5000000`);
        p.baud = n; break;
      }
      case '--fault': p.faults.push(parseFault(val())); break;
      case '--seed': p.seed = int('--seed', val()); break;
      case '--ssid': p.ssid = val(); break;
      case '--password': p.password = val(); break;
      case '--no-autoconnect': p.auto = false; break;
      case '--local-only': p.local = true; break;
      case '--log': p.log = true; break;
      default: throw new Error(`unknown option ${JSON.stringify(a)} (see glowmq modem-sim --help)`);
    }
  }
  if (p.password !== undefined && p.ssid === undefined) throw new Error('--password needs --ssid');
  return p;
}

export function runModemSim(argv: string[]): Promise<number> {
  let a: Parsed;
  try { a = parseModemSimArgs(argv); } catch (e) {
    process.stderr.write(`glowmq modem-sim: ${(e as Error).message}\n`);
    return Promise.resolve(2);
  }
  if (a.help) { process.stdout.write(MODEM_SIM_USAGE + '\n'); return Promise.resolve(0); }
  if (!a.stdio) { process.stderr.write('glowmq modem-sim: --stdio is required (the only way to serve it so far)\n' + MODEM_SIM_USAGE + '\n'); return Promise.resolve(2); }
  const sim = new ModemSim({
    dialect: a.dialect, baud: a.baud, faults: a.faults, seed: a.seed, autoConnect: a.auto,
    network: a.ssid !== undefined ? { ssid: a.ssid, password: a.password ?? '' } : undefined,
    allowHost: a.local ? undefined : () => true,
    onFault: (kind, n) => process.stderr.write(`modem-sim: fault ${kind} #${n}\n`),
    onCommand: a.log ? (l) => process.stderr.write(`modem-sim: < ${l.replace(/^(AT\+CWJAP(?:_CUR)?=".*?",)".*"$/, '$1"***"')}\n`) : undefined,
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
    sim.onOutput((b) => { process.stdout.write(b); });
    process.stdin.on('data', (b: Buffer) => sim.input(b));
    process.stdin.on('end', () => finish(0));
    process.stdin.on('close', () => finish(0));
    process.once('SIGTERM', () => finish(0));
    process.once('SIGINT', () => finish(0));
    sim.start();
    process.stderr.write(`modem-sim: started (${a.dialect}, ${a.baud ? a.baud + ' baud' : 'unthrottled'}${a.faults.length ? ', faults ' + a.faults.map((f) => f.kind).join(' ') : ''})\n`);
  });
}
