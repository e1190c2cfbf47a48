// The MQTT 3.1.1 session: ONE state machine (connecting → connected → reconnecting → closed)
// driven only by the Platform's clock and timers, a Transport per connection attempt and a
// Codec. Its state lives in the constructor's closure: on the board, local names minify to a
// letter while property names do not, and a device runs one client.
//
// Outstanding work is one ordered list `q` of entries {p: packet, c: callback, d: sent before}:
// QoS 1/2 publishes (a PUBREL after PUBREC), SUBSCRIBE/UNSUBSCRIBE, and QoS 0 publishes queued
// while offline. After every CONNACK the list is (re)sent in order, so in-flight messages
// (older) go before those queued offline (newer). QoS 1/2 entries are put in the Store before
// they are written, under 'o' + packet id; inbound QoS 2 ids awaiting PUBREL under 'i' + id.
// One timer serves every state: connect timeout, keepalive tick and graceful-end deadline,
// reconnect delay. Packet types are numbers here (N[t] is the cmd, MQTT 3.1.1 §2.2.1):
// 1 CONNECT, 2 CONNACK, 3 PUBLISH, 4 PUBACK, 5 PUBREC, 6 PUBREL, 7 PUBCOMP, 8 SUBSCRIBE,
// 9 SUBACK, 10 UNSUBSCRIBE, 11 UNSUBACK, 12 PINGREQ, 13 PINGRESP, 14 DISCONNECT.
import type { Callback, ClientDeps, ClientEvents, ClientOptions, ClientState, MqttClient, PublishOptions, SubscribeCallback, SubscribeOptions } from './client-options';
import type { Packet, QoS, Timer, Transport } from './types';
import { Emitter } from './emitter';
import { toBytes as bytes } from './utf8';
import { topicFilterError, topicNameError } from './topic';
import { backoff } from './backoff';
import { nextId } from './packet-ids';
import { keepalive } from './keepalive';
import { refusal } from './connack';
import { MemoryStore } from './memory-store';
import { queueError } from './offline-queue';
import { ackFor } from './inflight';
import { NAMES as N } from './codec/names';

interface Entry { p: any; c?: Function | null; d?: number }
type Bytes = string | Uint8Array;
// Repeated strings, once each in the bundle.
const PUBLISH = N[3], CONNECTED = 'connected', CLOSED = 'closed', RECONNECTING = 'reconnecting',
  ENDED = 'client ended', LOST = 'connection closed';

export class Client extends Emitter<ClientEvents> implements MqttClient {
  declare state: ClientState;
  declare connected: boolean;
  declare clientId: string;
  declare connect: () => void;
  declare publish: (topic: string, payload: Bytes, opts?: PublishOptions, cb?: Callback) => void;
  declare subscribe: (filters: string | string[], opts?: SubscribeOptions, cb?: SubscribeCallback) => void;
  declare unsubscribe: (filters: string | string[], cb?: Callback) => void;
  declare end: (force?: boolean, cb?: () => void) => void;

  constructor(o: ClientOptions, deps: ClientDeps) {
    super();
    const me = this, P = deps.platform, codec = deps.codec, store = deps.store || new MemoryStore();
    const ka = o.keepalive == null ? 60 : o.keepalive, K = ka * 1000, min = o.reconnectMin || 1000, max = o.reconnectMax || 30000, w = o.will;
    let tr: Transport | null = null, timer: Timer, out: { p: Packet; c?: any }[] = [], blocked = 0;
    let st: ClientState, up = false, q: Entry[] = [], resub: Entry | null | undefined, lastId = 0, attempt = 0, base = min, ended = 0, endAt = 0, endCb: Function | null | undefined;
    let ls = 0, lr = 0, lp = 0; // ms of the last bytes sent, last bytes received, last PINGREQ
    let madeProgress = false; // this link got an answer or a message after CONNACK
    const subs: { [filter: string]: QoS } = {}, inQ2: { [id: string]: 1 } = {};

    const E = (m: string) => new Error(m);
    const oops = (e: Error) => me.emit('error', e);
    // State is read from locals (st, up): property names do not minify.
    const setState = (s: ClientState) => { me.state = st = s; me.connected = up = s == CONNECTED; };
    const tmr = (ms: number, f?: false | (() => void)) => {
      if (timer != null) P.clearTimeout(timer);
      timer = f ? P.setTimeout(f, ms) : null;
    };
    const newId = () => lastId = nextId(lastId, q);
    const fail = (cb: Function | undefined, msg: string) => { const e = E(msg); if (cb) cb(e, []); else oops(e); };
    // QoS 1/2 publishes and PUBRELs: owed to the broker (stored), what a graceful end waits for.
    const owed = (e: Entry) => e.p.messageId && e.p.cmd[0] == 'p';

    me.clientId = o.clientId || 'glowmq_' + (P.random() * 4294967296 + 4294967296).toString(16).slice(1, 9);
    const connectPacket: any = {
      cmd: N[1], clientId: me.clientId, clean: o.clean !== false, keepalive: ka, username: o.username,
      // The will as given: both codecs read a missing qos/retain as 0/false and take a text payload.
      password: bytes(o.password), will: w,
    };

    // Records left by a previous run (power cut): resent after the first CONNACK.
    const old = store.all();
    for (const k in old) {
      const v: any = old[k];
      if (k[0] == 'i') inQ2[k.slice(1)] = 1;
      else { q.push({ p: v, d: 1 }); lastId = v.messageId; }
    }

    // Outbound: packets wait in `out` while the transport reports back-pressure.
    const flush = () => {
      while (tr && !blocked && out.length) {
        const x = out.shift()!;
        ls = P.now();
        blocked = tr.write(codec.encode(x.p)) ? 0 : 1;
        if (x.c) x.c(); // a QoS 0 publish completes when written
      }
    };
    const send = (p: Packet, c?: any) => { out.push({ p: p, c: c }); flush(); };
    const ack = (t: number, id: number) => send({ cmd: N[t], messageId: id } as Packet);
    // Send an entry: DUP on every resend of a PUBLISH.
    const tx = (e: Entry) => {
      const p = e.p, q0 = p.cmd == PUBLISH;
      if (q0) { p.dup = !!e.d; e.d = 1; }
      send(p, q0 && !p.qos && e.c);
    };

    const open = () => {
      blocked = 0; out = [];
      madeProgress = false;
      const t = tr = deps.transport(), ms = o.connectTimeout || 30000;
      // Events from a transport we already left are ignored.
      const g = (f: Function) => (x?: any) => { if (tr === t) f(x); };
      const parser = codec.parser(o.maxPacketSize || 1048576, g(packet), g((e: Error) => violation(e.message)));
      tmr(ms, () => drop(E('no CONNACK within ' + ms + ' ms')));
      try {
        t.open({
          onOpen: g(() => send(connectPacket)),
          onData: g((b: Uint8Array) => { lr = P.now(); parser.feed(b); }),
          onDrain: g(() => { blocked = 0; flush(); }),
          onClose: g((e?: Error) => { tr = null; down(e || E(LOST)); }),
        });
      } catch (e) { if (tr === t) { tr = null; down(e as Error); } } // Espruino's net throws on a refused connect
    };
    // We close the link ourselves.
    const drop = (err?: Error, bad?: number) => {
      const t = tr;
      tr = null;
      if (t) t.close();
      down(err, bad);
    };
    const violation = (m: string) => { const e = E('protocol violation: ' + m); oops(e); drop(e, 1); };
    // The link is gone: fail unwritten QoS 0, then reconnect after a backoff, or stay closed.
    const down = (err?: Error, bad?: number) => {
      const unsent = out, wasEnded = ended, again = !ended && o.reconnect !== false;
      let d = 0;
      // A link that made progress (an ack, a PINGRESP or a message after CONNACK) resets the
      // backoff: the link is flaky, not the broker broken. One that died before any, or that
      // broke the protocol, keeps it climbing, so a broken broker is never hot-looped.
      if (madeProgress && !bad) { attempt = 0; base = min; }
      out = [];
      q = q.filter((e) => e !== resub);
      tmr(0);
      setState(again ? RECONNECTING : CLOSED);
      unsent.forEach((x) => { if (x.c) x.c(err || E(LOST)); });
      if (again) {
        d = backoff(base, min, max, P.random());
        base = Math.min(max, base * 2);
        tmr(d, open);
        attempt++;
      }
      me.emit('close', err);
      // A 'close' listener may have called end() (which finished already).
      if (wasEnded) finish();
      else if (st == RECONNECTING) me.emit('reconnect', attempt, d);
    };
    // Closed for good: fail what waits for an answer (durable publishes stay in q and the store).
    const finish = () => {
      const waiting = q, e = E(ENDED), c = endCb;
      tmr(0);
      setState(CLOSED);
      q = q.filter(owed);
      endCb = null;
      waiting.forEach((x) => { const f = x.c; x.c = null; if (f) f(e, []); });
      me.emit('end');
      if (c) c();
    };
    // DISCONNECT when connected, then close for good.
    const fin = () => {
      if (up) send({ cmd: N[14] } as Packet);
      if (tr) drop(); else finish();
    };
    // The one per-connection tick: keepalive, and the graceful-end deadline.
    const tick = (): void => {
      const now = P.now();
      let wait = K ? keepalive(now, K, ls, lr, lp) : 1 / 0;
      if (wait < 0) return drop(E('no answer from the broker for ' + Math.round((now - lr) / 100) / 10 + ' s (keepalive ' + ka + ' s)'));
      // (ls too: a PINGREQ held back by back-pressure must not make the next tick due at once)
      if (!wait) { lp = ls = now; send({ cmd: N[12] } as Packet); wait = keepalive(now, K, ls, lr, lp); }
      if (ended) {
        if (now >= endAt) return fin();
        wait = Math.min(wait, endAt - now);
      }
      tmr(wait, wait < 1 / 0 && tick);
    };

    const packet = (p: any): void => {
      const c: string = p.cmd, C = c.toUpperCase(), t = N.indexOf(c), id = p.messageId, qos = p.qos;
      if (!up) {
        if (t != 2) return violation(C + ' before CONNACK');
        if (p.returnCode) { const e = E(refusal(p.returnCode)); oops(e); return drop(e); }
        lp = 0;
        setState(CONNECTED);
        const filters = Object.keys(subs), all = q;
        resub = null;
        if (!p.sessionPresent) {
          // No session on the broker: it will not PUBREL what it sent before, so those ids
          // are free again; and the subscriptions are restored, first.
          Object.keys(inQ2).forEach((k) => { delete inQ2[k]; store.del('i' + k); });
          if (filters.length) all.unshift(resub = { p: { cmd: N[8], messageId: newId(), subscriptions: filters.map((f) => ({ topic: f, qos: subs[f] })) } });
        }
        q = all.filter((e) => e.p.qos || e.p.cmd != PUBLISH); // a QoS 0 publish leaves once written
        all.forEach(tx);
        tick();
        me.emit('connect', p); // the CONNACK itself (sessionPresent, returnCode), as MQTT.js does
      } else if (t == 3) {
        madeProgress = true;
        // QoS 2 is delivered once: its id is remembered (durably) until PUBREL.
        if (qos < 2 || !inQ2[id]) {
          if (qos > 1) { inQ2[id] = 1; store.put('i' + id, {}); }
          me.emit('message', p.topic, p.payload, p);
        }
        if (qos) ack(3 + qos, id); // PUBACK / PUBREC
      } else if (t == 6) {
        madeProgress = true;
        delete inQ2[id];
        store.del('i' + id);
        ack(7, id);
      } else if (t == 13) madeProgress = true;
      else {
        const e = q.find((x) => x.p.messageId === id), a = e && ackFor(e.p);
        // Besides the expected ack: a PUBACK for a QoS 2 publish (RabbitMQ takes QoS 2 as QoS 1:
        // it has the message, so it is complete), and a repeated PUBREC (answered with PUBREL again).
        if (!a || (a != t && !(t == 4 && a == 5) && !(t == 5 && a == 7))) return violation('unexpected ' + C + (id ? ' for packet id ' + id : ''));
        madeProgress = true;
        if (t == 4 && a == 5 && P.log) P.log('warn', 'broker took QoS 2 as QoS 1 (PUBACK)');
        if (t == 5) { // PUBREC: the entry becomes its PUBREL
          store.put('o' + id, e.p = { cmd: N[6], messageId: id });
          return tx(e);
        }
        q = q.filter((x) => x !== e);
        if (t == 9) {
          const refused: string[] = [], g = p.granted;
          const res = e.p.subscriptions.map((s: { topic: string }, i: number) => {
            if (g[i] & 128) refused.push(s.topic); else subs[s.topic] = g[i];
            return { topic: s.topic, qos: g[i] };
          });
          const er = refused.length ? E('subscription refused: ' + refused.join(', ')) : undefined;
          if (e.c) e.c(er, res); else if (er) oops(er);
        } else {
          if (t != 11) store.del('o' + id);
          if (e.c) e.c();
        }
        if (ended && !q.some(owed)) fin();
      }
    };

    me.connect = () => {
      if (st != CLOSED) return;
      ended = attempt = 0;
      base = min;
      setState('connecting');
      open();
    };

    me.publish = (topic, payload, opts, cb) => {
      const qos = (opts && opts.qos) || 0, b = bytes(payload);
      const err = ended ? ENDED : topicNameError(topic) || (qos > 2 ? 'QoS must be 0, 1 or 2' :
        up ? '' : qos || o.queueQoS0 ? queueError(q, o.queueMax || 100, o.queueBytes || 65536, b.length) : 'not connected');
      if (err) return fail(cb, err);
      const p: any = { cmd: PUBLISH, topic: topic, payload: b, qos: qos, retain: !!(opts && opts.retain), dup: false };
      const e: Entry = { p: p, c: cb };
      if (qos) store.put('o' + (p.messageId = newId()), p); // stored BEFORE it is written
      if (qos || !up) q.push(e);
      if (up) tx(e);
    };

    // SUBSCRIBE / UNSUBSCRIBE: sent now when connected, else queued until CONNACK.
    const request = (f: string | string[], cb: Function | undefined, make: (fs: string[]) => any) => {
      const fs = typeof f == 'string' ? [f] : f;
      let err = ended ? ENDED : fs.length ? '' : 'no topic filter';
      fs.forEach((t) => { err = err || topicFilterError(t); });
      if (err) return fail(cb, err);
      const e: Entry = { p: make(fs), c: cb };
      q.push(e);
      if (up) tx(e);
    };
    me.subscribe = (f, opts, cb) => request(f, cb, (fs) =>
      ({ cmd: N[8], messageId: newId(), subscriptions: fs.map((t) => ({ topic: t, qos: (opts && opts.qos) || 0 })) }));
    me.unsubscribe = (f, cb) => request(f, cb, (fs) => {
      fs.forEach((t) => { delete subs[t]; });
      return { cmd: N[10], messageId: newId(), unsubscriptions: fs };
    });

    me.end = (force, cb) => {
      ended = 1;
      if (cb) endCb = cb;
      if (!force && up && q.some(owed)) { endAt = P.now() + (o.endTimeout || 5000); tick(); }
      else fin();
    };

    setState(CLOSED);
  }
}
