// Keepalive arithmetic (MQTT 3.1.1 §3.1.2.10), as a pure function of timestamps (ms).
// PINGREQ when nothing was sent for the keepalive period; also once when nothing was RECEIVED
// for it (a QoS 0 publisher gets nothing back, and liveness is judged only from received
// bytes). The link is dead when nothing was received for 1.5 periods.
// Returns -1: dead; 0: send PINGREQ now; otherwise ms until the next check is due.
const DEAD_AFTER_PERIODS = 1.5;

export function keepalive(now: number, periodMs: number, lastSentAt: number, lastReceivedAt: number, lastPingAt: number): number {
  // After a PINGREQ that got no answer yet, the next check is when the link would be dead.
  const receiveDeadline = lastReceivedAt + (lastPingAt > lastReceivedAt ? DEAD_AFTER_PERIODS : 1) * periodMs;
  const wait = Math.min(lastSentAt + periodMs, receiveDeadline) - now;
  if (now - lastReceivedAt >= DEAD_AFTER_PERIODS * periodMs) return -1;
  return wait > 0 ? wait : 0;
}
