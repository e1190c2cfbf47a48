// Which acknowledgement completes (or advances) an outstanding packet.
export function ackFor(p: { cmd: string; qos?: number }): string {
  const c = p.cmd;
  return c == 'publish' ? (p.qos == 1 ? 'puback' : 'pubrec') : c == 'pubrel' ? 'pubcomp' : c == 'subscribe' ? 'suback' : 'unsuback';
}
