// The offline queue's bounds: messages held while not connected (queued and unacknowledged
// publishes together, since both wait in memory), counted and summed by payload bytes.
export function queueError(q: { p: { payload?: Uint8Array } }[], max: number, bytes: number, add: number): string {
  let n = 0, b = add;
  q.forEach((e) => { if (e.p.payload) { n++; b += e.p.payload.length; } });
  return n >= max || b > bytes ? 'offline queue full (' + max + ' messages / ' + bytes + ' bytes)' : '';
}
