// The bounds on messages held in memory while offline: their count and payload bytes (queued
// and unacknowledged publishes together, since both wait in memory; running counts kept by
// inflight.ts, so a publish never walks the entries), and, on a board, the free memory the
// platform reports.
import type { Platform } from './types';

export function queueError(messages: number, bytes: number, max: number, maxBytes: number, adding: number, platform: Platform): string {
  const full = messages >= max || bytes + adding > maxBytes || (platform.roomFor && !platform.roomFor(adding));
  return full ? 'offline queue full (' + max + ' messages / ' + maxBytes + ' bytes)' : '';
}
