// `npm run soak:board`: the device bundle on the real Espruino interpreter for minutes, as a
// board lives: a command every few seconds, a reading every second, a broker outage with
// readings queued, reconnection. Prints the variables in use over time (the least free, and
// the peak while the queue flushes) and fails on OUT OF MEMORY, a missed command, a retained
// status other than "online" at the end, or an accepted reading lost.
//   npm run soak:board -- [--profile lite|full] [--bin PATH] [--minutes 10] [--outage 30]
// Defaults: the lite profile on ESPRUINO_BIN_SMALL (an interpreter built with 1,600
// variables, an ESP8266's memory); --profile full runs glowmq.js on ESPRUINO_BIN (5,000, a Pico).
import { mkdtempSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { startMosquitto } from '../support/mosquitto';
import { runUntil, flash } from './interpreter';

interface SoakOptions { profile: 'lite' | 'full'; bin: string; minutes: number; outageSeconds: number }

function parseArgs(argv: string[]): SoakOptions {
  const value = (flag: string) => { const at = argv.indexOf(flag); return at >= 0 ? argv[at + 1] : undefined; };
  const profile = (value('--profile') ?? 'lite') as SoakOptions['profile'];
  if (profile !== 'lite' && profile !== 'full') throw new Error(`--profile ${profile}: allowed lite, full`);
  const bin = value('--bin') ?? (profile === 'lite' ? process.env.ESPRUINO_BIN_SMALL : process.env.ESPRUINO_BIN);
  if (!bin || !existsSync(bin)) throw new Error(`soak:board needs the Espruino interpreter: --bin, or ${profile === 'lite' ? 'ESPRUINO_BIN_SMALL (built with 1,600 variables)' : 'ESPRUINO_BIN'} (got ${bin ?? 'nothing'})`);
  return { profile, bin, minutes: Number(value('--minutes') ?? 10), outageSeconds: Number(value('--outage') ?? 30) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function soak(opts: SoakOptions): Promise<boolean> {
  const bundle = join(process.cwd(), opts.profile === 'lite' ? 'dist/espruino/glowmq-lite.js' : 'dist/espruino/glowmq.js');
  const dir = mkdtempSync(join(tmpdir(), 'glowmq-soak-'));
  let broker = await startMosquitto({ dir: mkdtempSync(join(tmpdir(), 'glowmq-soak-mosq-')) });
  const id = 'soak' + opts.profile;
  const config = { id, broker: `mqtt://admin:password@127.0.0.1:${broker.port}`, led: 'D5', sensors: ['free'], interval: 1, keepalive: 10 };
  // The board reports its own memory every second (a line the soak reads): typing a query into
  // its console for ten minutes garbles the console's input now and then (two lines run
  // together), and the console then runs the garbled line. The reporter costs about 15 variables.
  const reporter = '\nsetInterval(function () { var m = process.memory(); print("MEM " + m.usage + " " + m.total); }, 1000);\n';
  writeFileSync(join(dir, 'upload.js'), 'var glowmqConfig = ' + JSON.stringify(config) + ';\n' + readFileSync(bundle, 'utf8') + reporter);
  await flash(opts.bin, dir, { '.bootcde': join(dir, 'upload.js') });

  // The phone: watches the device from before it boots, sends a command every 3 s while the
  // broker is up.
  const phone = mqtt.connect(broker.url, { clientId: 'soak-phone', reconnectPeriod: 500 });
  const states: string[] = [], statuses: string[] = [], seqs = new Set<number>(), errors: string[] = [];
  phone.on('message', (topic, payload) => {
    const text = payload.toString('utf8');
    if (topic.endsWith('/light/state')) states.push(text);
    else if (topic.endsWith('/status')) statuses.push(text);
    else if (topic.includes('/sensors/')) seqs.add(JSON.parse(text).seq);
    else if (topic.endsWith('/errors')) errors.push(text);
  });
  await new Promise<void>((resolve) => phone.once('connect', () => resolve()));
  await phone.subscribeAsync(`glowmq/${id}/#`, { qos: 1 });
  const board = runUntil(opts.bin, null, dir, /subscribed to lightChange/, 30_000);
  await board.done;

  const start = Date.now(), end = start + opts.minutes * 60_000;
  const outageAt = start + Math.min(180_000, (end - start) / 3), outageEnd = outageAt + opts.outageSeconds * 1000;
  const timeline: string[] = [];
  let minFree = Infinity, peakFlush = 0, commands = 0, lastCommand = '', brokerUp = true, reconnectedAt = 0;
  let nextCommandAt = start, nextReportAt = start;
  while (Date.now() < end) {
    const now = Date.now();
    if (brokerUp && now >= outageAt && now < outageEnd) { await broker.stop(); brokerUp = false; timeline.push(`${((now - start) / 1000).toFixed(0)} s: broker stopped`); }
    if (!brokerUp && now >= outageEnd) { broker = await broker.restart(); brokerUp = true; reconnectedAt = Date.now(); timeline.push(`${((now - start) / 1000).toFixed(0)} s: broker back`); }
    // (No command in the last 5 s: the device's state is compared with the last one sent.)
    if (brokerUp && phone.connected && now >= nextCommandAt && now < end - 5000) {
      nextCommandAt = now + 3000;
      lastCommand = commands % 2 ? 'off' : 'on';
      phone.publish('lightChange', lastCommand, { qos: 1 });
      commands++;
    }
    const reports = [...board.out().matchAll(/MEM (\d+) (\d+)/g)], last = reports[reports.length - 1];
    const memory = last ? { usage: Number(last[1]), total: Number(last[2]) } : null;
    if (memory) {
      minFree = Math.min(minFree, memory.total - memory.usage);
      if (reconnectedAt && Date.now() - reconnectedAt < 30_000) peakFlush = Math.max(peakFlush, memory.usage);
      if (now >= nextReportAt) {
        nextReportAt = now + 30_000;
        timeline.push(`${((now - start) / 1000).toFixed(0)} s: ${memory.usage} of ${memory.total} variables in use`);
      }
    }
    if (/OUT OF MEMORY/.test(board.out())) break;
    await sleep(1000);
  }
  await sleep(3000);
  const outOfMemory = /OUT OF MEMORY/.test(board.out());
  const lastState = states[states.length - 1], lastStatus = statuses[statuses.length - 1];
  const made = seqs.size ? Math.max(...seqs) + 1 : 0;
  const missing = [...Array(made).keys()].filter((s) => !seqs.has(s));
  const droppedReported = errors.filter((e) => /not queued|dropped/i.test(e));
  // The report is a QoS 0 message sent as the device reconnects: the phone, reconnecting to the
  // restarted broker itself, may not be subscribed yet. The device's log line says it was sent.
  const droppedLogged = (board.out().match(/\d+ readings dropped while offline[^\n]*/g) || []);
  board.proc.kill('SIGKILL');
  if (process.env.SOAK_LOG) writeFileSync(process.env.SOAK_LOG, board.out());
  await phone.endAsync(true);
  await broker.stop();

  console.log(`soak:board, ${opts.profile} profile, ${opts.minutes} min, broker outage ${opts.outageSeconds} s, ${opts.bin}`);
  for (const line of timeline) console.log('  ' + line);
  console.log(`  least free: ${minFree} variables; peak while the queue flushed: ${peakFlush} in use`);
  console.log(`  commands sent ${commands}, last "${lastCommand}", the device's last state "${lastState}" (the phone's last states: ${states.slice(-4).join(', ')}; ${states.length} in all)`);
  console.log(`  status: last "${lastStatus}" (${statuses.join(', ')})`);
  console.log(`  readings made ${made}, delivered ${seqs.size}, missing ${missing.length}${missing.length ? ' (seq ' + missing.slice(0, 20).join(',') + ')' : ''}; reported as not queued: ${droppedReported.join(' | ') || 'none'}${droppedLogged.length ? '; logged: ' + droppedLogged.join(' | ') : ''}`);
  console.log(`  OUT OF MEMORY: ${outOfMemory ? 'YES' : 'no'}`);
  // Where it ran out: the interpreter's trace (its lines without the repeated refusals).
  if (outOfMemory) console.log(board.out().slice(board.out().indexOf('OUT OF MEMORY') - 600).split('\n').filter((line) => !/queue full|short of memory/.test(line)).slice(0, 40).join('\n'));
  // A reading may be refused (a full queue is reported, never silently dropped); one accepted
  // and lost is a failure, and so are a missed command and running out of memory.
  const unexplained = missing.length > 0 && droppedReported.length === 0 && droppedLogged.length === 0;
  return !outOfMemory && lastState === lastCommand && lastStatus === 'online' && !unexplained;
}

soak(parseArgs(process.argv.slice(2))).then((ok) => process.exit(ok ? 0 : 1), (e) => { console.error('soak:board: ' + e.message); process.exit(2); });
