// Keepalive arithmetic (MQTT 3.1.1 §3.1.2.10), as a pure function of timestamps (ms):
// ls = last bytes sent, lr = last bytes received, lp = last PINGREQ, k = keepalive (ms).
// PINGREQ when nothing was sent for k; also once when nothing was RECEIVED for k (a QoS 0
// publisher gets nothing back, and liveness is judged only from received bytes). The link is
// dead when nothing was received for 1.5·k.
// Returns -1: dead; 0: send PINGREQ now; otherwise ms until the next check is due.
export function keepalive(now: number, k: number, ls: number, lr: number, lp: number): number {
  const w = Math.min(ls + k, lr + (lp > lr ? 1.5 : 1) * k) - now;
  return now - lr >= 1.5 * k ? -1 : w > 0 ? w : 0;
}
