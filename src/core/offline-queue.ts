// The bounds on messages held in memory while offline: their count and payload bytes (queued
// and unacknowledged publishes together, since both wait in memory; running counts kept by
// inflight.ts, so a publish never walks the entries), and, on a board, the free memory the
// platform reports.
import type { Session } from './session';

const DEFAULT_QUEUE_MAX = 100, DEFAULT_QUEUE_BYTES = 65536;

/** Why `messages` held with `bytes` of payload leave no room for `adding` bytes more ('' when they do). */
export function queueError(session: Pick<Session, 'options_' | 'platform_' | 'connected'>, messages: number, bytes: number, adding: number): string {
  const options = session.options_, platform = session.platform_;
  const max = options.queueMax || DEFAULT_QUEUE_MAX, maxBytes = options.queueBytes || DEFAULT_QUEUE_BYTES;
  if (messages >= max || bytes + adding > maxBytes) return 'queue full (' + max + ' messages / ' + maxBytes + ' bytes)';
  return platform.memoryError ? platform.memoryError(adding, !session.connected) : '';
}
