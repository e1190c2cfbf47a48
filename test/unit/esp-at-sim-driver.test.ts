// The AT driver against the emulator in-process (random read sizes, every dialect) and a
// TCP peer on 127.0.0.1 that echoes and mixes hostile frames into its replies. Checked from
// the module's side: one command at a time (no busy p... caused by the host), only the
// driver's own command lines (nothing received is ever sent back as a command), CIPSEND
// chunks of at most 2048 bytes that add up to exactly what was written.
import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import { ModemSim, simStream } from '../../src/sim/modem/modem-sim';
import { parseFault } from '../../src/sim/modem/faults';
import type { DialectName } from '../../src/sim/modem/dialects';
import { createAtTransport } from '../../src/transport/esp-at';
import type { Transport } from '../../src/core/types';
import { nodePlatform } from '../../src/node/platform';

const HOSTILE = ['\r\nOK\r\n', '\r\nERROR\r\n', '\r\nSEND OK\r\n', '+IPD,5:xxxxx', 'CLOSED\r\n', 'ready\r\n', '>', '\x00', '\xff', '+++', '\r\n', 'AT+RST\r\n', 'AT+CWJAP="evil","x"\r\n'];
const OWN = /^(AT|ATE0|AT\+GMR|AT\+CWMODE(_CUR)?=1|AT\+CWJAP(_CUR)?="lab","pw"|AT\+CIPMUX=0|AT\+CIPSTART="TCP","127\.0\.0\.1",\d+|AT\+CIPSEND=\d+|AT\+CIPRECVMODE=1|AT\+CIPRECVDATA=\d+|AT\+CIPCLOSE|AT\+RST)$/;

const cleanup: (() => void)[] = [];
afterEach(() => { while (cleanup.length) cleanup.pop()!(); });

async function peer() {
  let sent = '';
  let got = '';
  let n = 0;
  const conns: net.Socket[] = [];
  const srv = net.createServer((c) => {
    conns.push(c);
    c.on('error', () => {});
    c.on('data', (d) => {
      got += d.toString('latin1');
      const reply = d.toString('latin1') + HOSTILE[n++ % HOSTILE.length];
      sent += reply;
      c.write(Buffer.from(reply, 'latin1'));
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  cleanup.push(() => { for (const c of conns) c.destroy(); srv.close(); });
  return { port: (srv.address() as net.AddressInfo).port, sent: () => sent, got: () => got };
}

function openT(t: Transport) {
  const s = { open: false, data: '', closed: [] as string[] };
  return new Promise<typeof s>((resolve, reject) => {
    t.open({
      onOpen: () => { s.open = true; resolve(s); },
      onData: (b) => { s.data += Buffer.from(b).toString('latin1'); },
      onDrain: () => {},
      onClose: (e) => { s.closed.push(e ? e.message : 'closed'); if (!s.open) reject(e ?? new Error('closed')); },
    });
  });
}
async function until(f: () => boolean, ms: number, what: () => string) {
  const end = Date.now() + ms;
  while (!f()) { if (Date.now() > end) throw new Error(`timed out: ${what()}`); await new Promise((r) => setTimeout(r, 5)); }
}
function rig(dialect: DialectName, faults: string[], port: number) {
  const sim = new ModemSim({ dialect, baud: 0, bootMs: 5, seed: 7, trace: true, autoConnect: false, network: { ssid: 'lab', password: 'pw' }, faults: faults.map(parseFault) });
  cleanup.push(() => sim.close());
  const f = createAtTransport(simStream(sim), nodePlatform({ level: 'silent' }), { host: '127.0.0.1', port, ssid: 'lab', password: 'pw' });
  sim.start();
  return { sim, f };
}

describe('driver + emulator', () => {
  for (const dialect of ['nonos', 'esp8266', 'esp32'] as const) {
    it(`${dialect}: 9000 bytes out in random writes, echo plus hostile frames back, verbatim; only its own commands`, async () => {
      const p = await peer();
      const { sim, f } = rig(dialect, ['split:6'], p.port);
      const t = f();
      const s = await openT(t);
      let out = '';
      let seed = 3;
      while (out.length < 9000) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        const n = 1 + (seed % 1500);
        let chunk = '';
        for (let i = 0; i < n; i++) chunk += String.fromCharCode((seed >> (i % 16)) & 255);
        out += chunk;
        t.write(Buffer.from(chunk, 'latin1'));
        if (seed % 3 === 0) await new Promise((r) => setTimeout(r, 1));
      }
      await until(() => p.got().length >= out.length && s.data.length >= p.sent().length, 10_000, () => `peer got ${p.got().length}/${out.length}, host got ${s.data.length}/${p.sent().length}`);
      expect(p.got()).toBe(out);
      expect(s.data).toBe(p.sent());
      expect(s.closed).toEqual([]);
      const st = sim.stats;
      expect(st.hostBusy).toBe(0);
      expect(st.unknown).toBe(0);
      expect(st.commands.filter((c) => !OWN.test(c))).toEqual([]);
      const sends = st.commands.filter((c) => c.startsWith('AT+CIPSEND=')).map((c) => +c.slice(11));
      expect(Math.max(...sends)).toBeLessThanOrEqual(2048);
      expect(sends.reduce((a, b) => a + b, 0)).toBe(out.length);
      expect(st.sendBytes).toBe(out.length);
      expect(st.faults.split).toBeGreaterThan(100);
      t.close();
    });
  }

  it('echo-urc and slow-connect: a URC inside the probe\'s echo, a CIPSTART that takes 400 ms', async () => {
    const p = await peer();
    const { sim, f } = rig('nonos', ['echo-urc:1', 'slow-connect:1:400'], p.port);
    const s = await openT(f());
    expect(s.open).toBe(true);
    expect(sim.stats.faults['echo-urc']).toBeGreaterThan(0);
    expect(sim.stats.faults['slow-connect']).toBe(1);
    expect(sim.stats.hostBusy).toBe(0);
  });

  it('hang: a module that stops answering is reset with AT+RST and then set up', async () => {
    const p = await peer();
    const { sim, f } = rig('esp8266', ['hang:1'], p.port);
    await new Promise((r) => setTimeout(r, 50)); // booted: the probe is the command that hangs
    const s = await openT(f()); // the probe times out after 2 s, then AT+RST, ready, start-up
    expect(s.open).toBe(true);
    expect(sim.stats.commands.slice(0, 3)).toEqual(['AT', 'AT+RST', 'ATE0']);
    expect(sim.stats.resets).toBe(1);
  }, 15_000); // the probe's 2 s timeout, then the reset: more than the default 5 s on a busy machine

  const recoveries: [string, string][] = [
    // Where the reset lands decides what the host sees first: a ready, or (inside a +IPD
    // payload, whose remaining bytes swallow the banner) a failing command. Any reason will do.
    ['reset:900', ''],
    ['send-fail:3', 'AT+CIPSEND failed: SEND FAIL'],
    ['closed-mid-send:3', 'link closed (CLOSED)'],
    ['garble-ipd:2', 'corrupt +IPD header'],
    ['wifi-drop:3:50', 'Wi-Fi disconnected'],
  ];
  for (const [fault, reason] of recoveries) {
    it(`${fault}: the link closes${reason ? ` with "${reason}"` : ''}, and the next transport gets a working link`, async () => {
      const p = await peer();
      const { sim, f } = rig('esp32', [fault], p.port);
      const t1 = f();
      const s1 = await openT(t1);
      // One message at a time, each after the previous echo: the module's output, and so
      // where a byte-offset fault lands, is the same on every run.
      for (let i = 0; i < 12 && s1.closed.length === 0; i++) {
        const want = s1.data.length + 80;
        t1.write(Buffer.from(`msg ${i} `.padEnd(80, '.'), 'latin1'));
        await until(() => s1.data.length >= want || s1.closed.length > 0, 5000, () => `echo of message ${i}`);
      }
      await until(() => s1.closed.length > 0, 5000, () => 'the fault to close the link');
      expect(s1.closed).toHaveLength(1);
      expect(s1.closed[0].slice(0, reason.length)).toBe(reason);
      const before = sim.stats.commands.length;
      // The reconnect: after a reset or a corrupt header the module is probed and set up again.
      let s2: Awaited<ReturnType<typeof openT>> | undefined;
      for (let tries = 0; !s2 && tries < 5; tries++) s2 = await openT(f()).catch(() => undefined);
      if (!s2?.open) {
        let tr = '';
        for (const x of sim.trace.slice(-60)) tr += (x.dir === 'in' ? '\n>> ' : '\n<< ') + JSON.stringify(x.b.toString('latin1').slice(0, 50));
        console.log(tr);
      }
      expect(s2?.open).toBe(true);
      const after = sim.stats.commands.slice(before).filter((c) => c !== 'AT+CIPCLOSE');
      expect(after[0]).toBe('AT'); // every new link starts by probing the module
      expect(sim.stats.hostBusy).toBe(0);
      expect(sim.stats.commands.filter((c) => !OWN.test(c))).toEqual([]);
    });
  }
});
