// Board profiles on the real Espruino interpreter: the lite device on a build with 1,600
// variables (an ESP8266's memory), and a queue-filling outage on each profile's board size
// (the full device on 5,000 variables, a Pico). The offline queue's bound follows free
// memory there, so an outage never runs a board out of it.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { waitFor } from '../support/wait';
import { runUntil, flash, type Interpreter } from './interpreter';

const SMALL = process.env.ESPRUINO_BIN_SMALL, FULL = process.env.ESPRUINO_BIN;
const usable = !!SMALL && existsSync(SMALL) && !!FULL && existsSync(FULL);
if (!usable) console.warn('\n*** SKIPPED "board profiles on the interpreter": set ESPRUINO_BIN and ESPRUINO_BIN_SMALL ***\n');

(usable ? describe : describe.skip)('board profiles on the real interpreter', () => {
  let dir: string, broker: Mosquitto;
  const boards: Interpreter[] = [];
  beforeAll(async () => { dir = mkdtempSync(join(tmpdir(), 'glowmq-profiles-')); broker = await startMosquitto(); });
  afterAll(async () => {
    for (const b of boards) b.proc.kill('SIGKILL');
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The bundle flashed as .bootcde behind its config line, as the README flashes a board; booted. */
  // The board reports its memory itself, on a timer in the upload (the one line below, its
  // function counted in the figure): queries typed into the console of the 1,600-variable build
  // arrive garbled now and then ("var P=processocess;"), and the console runs them.
  const reportMemory = (everyMs: number, repeat: boolean) =>
    `\n${repeat ? 'setInterval' : 'setTimeout'}(function () { var m = process.memory(); print("MEM " + m.usage + " " + m.total); }, ${everyMs});\n`;
  const memoryReports = (board: Interpreter) => [...board.out().matchAll(/MEM (\d+) (\d+)/g)].map((found) => ({ usage: Number(found[1]), total: Number(found[2]) }));

  async function boot(bin: string, bundle: string, config: object, reporter = ''): Promise<Interpreter> {
    const cwd = mkdtempSync(join(dir, 'board-'));
    writeFileSync(join(cwd, 'upload.js'), 'var glowmqConfig = ' + JSON.stringify(config) + ';\n' + readFileSync(bundle, 'utf8') + reporter);
    await flash(bin, cwd, { '.bootcde': join(cwd, 'upload.js') });
    const board = runUntil(bin, null, cwd, /subscribed to lightChange/, 30_000);
    boards.push(board);
    await board.done;
    return board;
  }
  async function phone(url: string, filter: string) {
    const client = mqtt.connect(url, { clientId: 'phone-' + Math.random().toString(16).slice(2), reconnectPeriod: 200 });
    const msgs: { topic: string; text: string }[] = [];
    client.on('message', (topic, payload) => msgs.push({ topic, text: payload.toString('utf8') }));
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
    await client.subscribeAsync(filter, { qos: 1 });
    return { client, msgs };
  }

  it('the lite device on 1,600 variables: connects, follows commands, publishes readings', async () => {
    const watcher = await phone(broker.url, 'glowmq/esp1/#');
    try {
      const board = await boot(SMALL!, 'dist/espruino/glowmq-lite.js',
        { id: 'esp1', broker: 'mqtt://admin:password@127.0.0.1:' + broker.port, led: 'D5', sensors: ['free'], interval: 1 }, reportMemory(10_000, false));
      // A timeout says what the board printed.
      const saidBoard = (e: Error) => { throw new Error(e.message + '; the board said:\n' + board.out().slice(-2000)); };
      await watcher.client.publishAsync('lightChange', 'on', { qos: 1 });
      await waitFor('state on', () => watcher.msgs.find((m) => m.topic === 'glowmq/esp1/light/state' && m.text === 'on'), 20_000).catch(saidBoard);
      await watcher.client.publishAsync('lightChange', '现在天亮了', { qos: 1 });
      await waitFor('state off', () => watcher.msgs.find((m) => m.topic === 'glowmq/esp1/light/state' && m.text === 'off'), 20_000).catch(saidBoard);
      await waitFor('3 readings', () => watcher.msgs.filter((m) => m.topic === 'glowmq/esp1/sensors/free').length >= 3, 20_000).catch(saidBoard);
      // 10 s after boot, connected and subscribed, the commands and readings done.
      const memory = (await waitFor('the memory report', () => memoryReports(board)[0], 20_000).catch(saidBoard))!;
      expect(board.out()).not.toMatch(/OUT OF MEMORY|Uncaught/);
      console.log(`[espruino] lite device on 1,600 variables, connected and subscribed: ${memory ? memory.usage : '?'} of ${memory ? memory.total : '?'} variables in use (goal 900)`);
    } finally { await watcher.client.endAsync(true); }
  });

  for (const [profile, bin, bundle, interval] of [
    ['lite', 'SMALL', 'dist/espruino/glowmq-lite.js', 0.5],
    ['full', 'FULL', 'dist/espruino/glowmq.js', 0.1],
  ] as const) {
    it(`a queue-filling outage, ${profile} profile on ${bin === 'SMALL' ? '1,600' : '5,000'} variables: no OUT OF MEMORY, what did not fit is counted and reported`, async () => {
      let own = await startMosquitto({ dir: mkdtempSync(join(dir, 'mosq-')) });
      try {
        const id = 'out' + profile;
        const board = await boot(bin === 'SMALL' ? SMALL! : FULL!, bundle,
          { id, broker: 'mqtt://admin:password@127.0.0.1:' + own.port, led: 'D5', sensors: ['free'], interval, keepalive: 10 }, reportMemory(1000, true));
        await own.stop();
        // Long enough to fill the queue to its bound (100 readings, or free memory first).
        await waitFor('readings refused', () => /publish failed: (queue full|short of memory)/.test(board.out()), 60_000);
        let least = Infinity;
        const fullFrom = memoryReports(board).length; // the reports made while the queue is full
        await new Promise((resolve) => setTimeout(resolve, 3000));
        for (const m of memoryReports(board).slice(fullFrom)) least = Math.min(least, m.total - m.usage);
        own = await own.restart();
        const watcher = await phone(own.url, `glowmq/${id}/sensors/#`);
        try {
          await waitFor('the count reported', () => /\d+ readings dropped while offline/.test(board.out()), 30_000)
            .catch((e) => { throw new Error(e.message + '; the board said:\n' + board.out().slice(-2000)); });
          const before = watcher.msgs.length;
          await waitFor('readings again', () => watcher.msgs.length >= before + 3, 30_000);
        } finally { await watcher.client.endAsync(true); }
        expect(board.out()).not.toMatch(/OUT OF MEMORY|Uncaught/);
        console.log(`[espruino] ${profile} profile, queue-filling outage: least free ${least} variables while full`);
      } finally { await own.stop(); }
    });
  }
});
