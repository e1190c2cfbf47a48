// The AT framing soak (outside npm test): `npm run soak:serial -- [--frames N] [--mode active|passive|both]`.
// A TCP peer streams numbered MQTT PUBLISH frames (each payload carries its number, a filler
// of varying length and a checksum) through the modem emulator (ESP-AT 2.x on ESP8266,
// unthrottled) to the AT driver and the board codec, while the emulator garbles +IPD headers
// and resets the module in the middle of its output. Every link the faults break is made
// again. Counted at the client, per receive mode:
//   good      — frames that arrive whole and check out;
//   forged    — well-formed PUBLISH frames whose payload does not check out (bytes that were
//               never sent, or sent bytes cut and glued: what the framing must never let through);
//   malformed — byte runs the codec rejected (corruption that reached the client's parser).
// Prints one line per mode, and a JSON summary at the end.
import net from 'node:net';
import { ModemSim, simStream } from '../../src/sim/modem/modem-sim';
import { parseFault } from '../../src/sim/modem/faults';
import { createAtTransport } from '../../src/transport/esp-at';
import { boardCodec } from '../../src/core/codec/index';
import { nodePlatform } from '../../src/node/platform';
import type { Transport } from '../../src/core/types';

interface Tally { mode: string; good: number; forged: number; malformed: number; links: number; resets: number; garbled: number; seconds: number }

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => { const at = args.indexOf(name); return at >= 0 && args[at + 1] ? args[at + 1] : fallback; };
const FRAMES = Number(flag('--frames', '1000000'));
const MODES = flag('--mode', 'both') === 'both' ? ['passive', 'active'] : [flag('--mode', 'both')];
const FAULTS = ['garble-ipd:200', 'reset:60000'];
const TOPIC = 'soak';

/** A 32-bit FNV-1a hash of the text: the checksum in every payload. */
function checksum(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}
function frameFor(seq: number): Uint8Array {
  const body = `${seq}:${'x'.repeat(seq % 97)}`;
  return boardCodec.encode({ cmd: 'publish', topic: TOPIC, payload: new TextEncoder().encode(`${body}:${checksum(body)}`), qos: 0, retain: false, dup: false } as never);
}

/** The "broker": streams frames on every connection, with TCP back-pressure. */
async function startPeer(): Promise<{ port: number; close(): void }> {
  let seq = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    const pump = () => {
      while (!socket.destroyed) {
        const batch: Uint8Array[] = [];
        for (let i = 0; i < 32; i++) batch.push(frameFor(seq++));
        if (!socket.write(Buffer.concat(batch))) { socket.once('drain', pump); return; }
      }
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { port: (server.address() as net.AddressInfo).port, close: () => { for (const socket of sockets) socket.destroy(); server.close(); } };
}

async function soak(mode: string): Promise<Tally> {
  const peer = await startPeer();
  const sim = new ModemSim({ dialect: 'esp8266', baud: 0, bootMs: 5, joinMs: 5, seed: 11, faults: FAULTS.map(parseFault) });
  const platform = nodePlatform({ level: 'silent' });
  const factory = createAtTransport(simStream(sim), platform, { host: '127.0.0.1', port: peer.port, passive: mode === 'passive' });
  const tally: Tally = { mode, good: 0, forged: 0, malformed: 0, links: 0, resets: 0, garbled: 0, seconds: 0 };
  const started = Date.now();
  const decoder = new TextDecoder();
  let lastReport = started;
  sim.start();
  await new Promise<void>((resolve) => {
    const connect = () => {
      if (tally.good + tally.forged >= FRAMES) return resolve();
      const transport: Transport = factory();
      const parser = boardCodec.parser(1 << 20, (packet) => {
        const publish = packet as unknown as { topic: string; payload: Uint8Array };
        const text = decoder.decode(publish.payload);
        const cut = text.lastIndexOf(':');
        if (publish.topic === TOPIC && cut > 0 && String(checksum(text.slice(0, cut))) === text.slice(cut + 1)) tally.good++;
        else tally.forged++;
        if (tally.good + tally.forged >= FRAMES) transport.close();
      }, () => { tally.malformed++; transport.close(); });
      transport.open({
        onOpen: () => { tally.links++; },
        onData: (bytes) => parser.feed(bytes),
        onDrain: () => {},
        onClose: (reason) => { if (process.env.SOAK_DEBUG) process.stderr.write(`close: ${reason?.message}\n`); setTimeout(connect, 5); },
      });
      if (Date.now() - lastReport > 10_000) {
        lastReport = Date.now();
        process.stderr.write(`  ${mode}: ${tally.good + tally.forged} frames so far, forged ${tally.forged}, malformed ${tally.malformed}, ${tally.links} links, resets ${sim.stats.faults.reset ?? 0}, garbled ${sim.stats.faults['garble-ipd'] ?? 0} (${Math.round((Date.now() - started) / 1000)} s)\n`);
      }
    };
    connect();
  });
  tally.seconds = Math.round((Date.now() - started) / 1000);
  tally.resets = sim.stats.faults.reset ?? 0;
  tally.garbled = sim.stats.faults['garble-ipd'] ?? 0;
  sim.close();
  peer.close();
  return tally;
}

async function main() {
  const results: Tally[] = [];
  for (const mode of MODES) {
    const tally = await soak(mode);
    results.push(tally);
    console.log(`${mode} receive: ${tally.good + tally.forged} frames (${tally.good} good), forged ${tally.forged}, malformed ${tally.malformed}; ` +
      `${tally.resets} module resets and ${tally.garbled} garbled headers injected, ${tally.links} links, ${tally.seconds} s`);
  }
  console.log(JSON.stringify(results));
}

void main();
