// Tells apart two kinds of QoS 2 duplicate at a receiving client, from its wire log:
//  - the broker re-sent a PUBLISH whose handshake the receiver had already finished (it had
//    sent PUBCOMP for that packet id): by MQTT 3.1.1 §4.3.3 that is a new publication, so
//    delivering it again is correct — the duplicate is the broker's doing;
//  - anything else: the receiving client delivered one publication twice (its bug).
import type { MqttClient } from '../../src/core/client-options';
import type { Tapped } from './tap-transport';

export interface Delivery { topic: string; payload: string; id?: number; logAt: number }

export class RedeliveryJudge {
  deliveries: Delivery[] = [];
  constructor(c: MqttClient, private log: Tapped[]) {
    c.on('message', (topic, p, pkt) => this.deliveries.push({ topic, payload: Buffer.from(p).toString(), id: pkt.messageId, logAt: log.length }));
  }
  /** Duplicates on `topic`, split into the broker's re-sends and the client's own. */
  judge(topic: string): { broker: string[]; client: string[] } {
    const first = new Map<string, Delivery>();
    const out = { broker: [] as string[], client: [] as string[] };
    for (const d of this.deliveries) {
      if (d.topic !== topic) continue;
      const f = first.get(d.payload);
      if (!f) { first.set(d.payload, d); continue; }
      const completed = this.log.slice(f.logAt, d.logAt).some((e) => e.dir === 'out' && e.p.cmd === 'pubcomp' && e.p.messageId === f.id);
      (completed ? out.broker : out.client).push(d.payload);
    }
    return out;
  }
}
