// The broker link of `glowmq pub`: packets written in the same tick leave in one socket write
// (cork, then uncork on the next tick), so a stream of QoS 1 lines costs one syscall per batch
// instead of one per packet, with no added latency beyond the current tick.
import type { Transport, TransportFactory } from '../../core/types';
import { NodeTcpTransport, type NodeTcpOptions } from '../../transport/node-tcp';

export function corkedLink(options: NodeTcpOptions): TransportFactory {
  return () => {
    const inner = new NodeTcpTransport(options);
    let corked = false;
    const uncork = () => { corked = false; inner.socket?.uncork(); };
    const link: Transport = {
      open: (handlers) => inner.open(handlers),
      write: (bytes) => {
        const socket = inner.socket;
        if (socket && !corked) { corked = true; socket.cork(); process.nextTick(uncork); }
        return inner.write(bytes);
      },
      close: () => { if (corked) uncork(); inner.close(); },
    };
    return link;
  };
}
