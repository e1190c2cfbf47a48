// Runs the board codec through a fixed script and prints one line per result, in the
// Espruino subset, so the same bundle can run on Node and on the Espruino interpreter and
// the two outputs be compared (test/unit/codec-espruino.test.ts). STREAM (hex of server
// packets encoded by mqtt-packet) is defined at build time.
import { boardCodec } from '../../src/core/codec';
import { utf8Encode } from '../../src/core/utf8';

declare const STREAM: string;
declare const print: ((s: string) => void) | undefined;
const log = typeof print === 'function' ? print : (s: string) => console.log(s);

function hex(u: Uint8Array): string {
  let s = '';
  for (let i = 0; i < u.length; i++) s += (u[i] < 16 ? '0' : '') + u[i].toString(16);
  return s;
}
function unhex(s: string): Uint8Array {
  const u = new Uint8Array(s.length / 2);
  for (let i = 0; i < u.length; i++) u[i] = parseInt(s.substr(i * 2, 2), 16);
  return u;
}
// JSON with byte arrays as hex and non-ASCII escaped (the interpreter's JSON escapes it, Node's does not).
// A non-ASCII topic is shown as its UTF-8 bytes again: a build without Unicode strings holds text
// as those bytes, the others as code points, and both must give back exactly the bytes received.
function show(p: any): string {
  const o: any = {};
  const keys = Object.keys(p);
  for (let i = 0; i < keys.length; i++) {
    const v = p[keys[i]];
    o[keys[i]] = v instanceof Uint8Array ? 'hex:' + hex(v) : keys[i] == 'topic' && /[^ -~]/.test(v) ? 'utf8:' + hex(utf8Encode(v)) : v;
  }
  const j = JSON.stringify(o);
  let r = '';
  for (let i = 0; i < j.length; i++) {
    const c = j.charCodeAt(i);
    r += c < 128 ? j.charAt(i) : '\\u' + ('000' + c.toString(16).toUpperCase()).slice(-4);
  }
  return r;
}

const out: string[] = [];
const pkts: any[] = [
  { cmd: 'connect', clientId: 'glowmq_0a1b2c3d', clean: true, keepalive: 60, username: 'admin', password: new Uint8Array([112, 97, 115, 115]),
    will: { topic: 'glowmq/x/status', payload: 'offline', qos: 1, retain: true } },
  { cmd: 'connect', clientId: '', clean: true, keepalive: 0 },
  { cmd: 'publish', topic: 'glowmq/x/light/state', payload: 'on', qos: 1, retain: true, dup: false, messageId: 7 },
  { cmd: 'publish', topic: '现在天黑了/𝄞', payload: '现在天黑了', qos: 0, retain: false, dup: false },
  { cmd: 'publish', topic: 'big', payload: new Uint8Array(200), qos: 2, retain: false, dup: true, messageId: 65535 },
  { cmd: 'puback', messageId: 1 }, { cmd: 'pubrec', messageId: 258 }, { cmd: 'pubrel', messageId: 3 }, { cmd: 'pubcomp', messageId: 4 },
  { cmd: 'subscribe', messageId: 9, subscriptions: [{ topic: 'lightChange', qos: 1 }, { topic: 'a/+/#', qos: 2 }] },
  { cmd: 'unsubscribe', messageId: 10, unsubscriptions: ['lightChange', 'a/+/#'] },
  { cmd: 'pingreq' }, { cmd: 'disconnect' },
];
for (let i = 0; i < pkts.length; i++) out.push('enc ' + hex(boardCodec.encode(pkts[i])));
const stream = unhex(STREAM);
for (let sz = 1; sz <= stream.length; sz = sz == 1 ? 7 : stream.length) {
  const p = boardCodec.parser(4096, (pk) => out.push('pkt ' + show(pk)), (e) => out.push('err ' + e.message));
  // (Espruino's subarray does not clamp its end to the length: clamp by hand.)
  for (let i = 0; i < stream.length; i += sz) p.feed(stream.subarray(i, Math.min(stream.length, i + sz)));
  if (sz == stream.length) break;
}
const bad = ['41020001', '60020001', '3605000161 0001', '300300012b', '30040002c080', '3003000100', '30ffffffff01', '30808001',
  '9003000103', '20020006', '20020200', '10', 'f0', '320200000000', '40030001'];
for (let i = 0; i < bad.length; i++) {
  const p = boardCodec.parser(4096, (pk) => out.push('pkt ' + show(pk)), (e) => out.push('err ' + e.message));
  const b = unhex(bad[i].split(' ').join(''));
  for (let j = 0; j < b.length; j++) p.feed(b.subarray(j, j + 1));
}
try { boardCodec.encode({ cmd: 'connack', returnCode: 0, sessionPresent: false }); } catch (e: any) { out.push('throw ' + e.message); }
for (let i = 0; i < out.length; i++) log(out[i]);
log('done ' + out.length);
