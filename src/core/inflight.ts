// Which acknowledgement completes (or advances) an outstanding packet:
// PUBLISH QoS 1 → PUBACK, QoS 2 → PUBREC, PUBREL → PUBCOMP, (UN)SUBSCRIBE → (UN)SUBACK.
export function ackFor(p: { cmd: string; qos?: number }): string {
  const c = p.cmd;
  return c == 'publish' ? (p.qos == 1 ? 'puback' : 'pubrec') : c == 'pubrel' ? 'pubcomp' : c.replace('scribe', 'ack');
}
