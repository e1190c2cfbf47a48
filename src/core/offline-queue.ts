// The bounds on messages held in memory while offline: counted and summed by payload bytes
// (queued and unacknowledged publishes together, since both wait in memory; a walk, but only
// offline, over at most what the bounds let in), and, on a board, the free memory the
// platform reports.
import type { Platform } from './types';

export function queueError(held: { packet_: { payload?: Uint8Array } }[], max: number, maxBytes: number, adding: number, platform: Platform): string {
  let messages = 0, bytes = adding;
  held.forEach((entry) => { if (entry.packet_.payload) { messages++; bytes += entry.packet_.payload.length; } });
  const full = messages >= max || bytes > maxBytes || (platform.roomFor && !platform.roomFor(adding));
  return full ? 'offline queue full (' + max + ' messages / ' + maxBytes + ' bytes)' : '';
}
