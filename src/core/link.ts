// The link: one transport per connection attempt, and the packets waiting to be written to it
// while it reports back-pressure. Events from a transport the client already left are ignored.
import type { Session } from './session';
import type { Entry } from './inflight';
import type { SkippedPublish, Transport } from './types';

const DEFAULT_CONNECT_TIMEOUT_MS = 30000, DEFAULT_MAX_PACKET = 1048576;
export const LOST = 'connection closed';

export function installLink(session: Session): void {
  const options = session.options_, deps = session.deps_, platform = session.platform_;
  let link: Transport | null = null, unwritten: Entry[] = [], unwrittenBytes = 0, linkFull = false;

  const flush = () => {
    while (link && !linkFull && unwritten.length) {
      const next = unwritten.shift()!, payload = next.packet_.payload;
      if (payload) unwrittenBytes -= payload.length;
      session.lastSentAt_ = platform.now();
      linkFull = !link.write(deps.codec.encode(next.packet_));
      if (next.callback_) next.callback_(); // a QoS 0 publish completes when written
    }
  };
  // The link is gone: what waited to be written goes with it.
  const down = (error: Error | undefined, broken?: boolean) => {
    const unsent = unwritten;
    unwritten = [];
    unwrittenBytes = 0;
    session.linkDown_(error, broken, unsent);
  };

  session.write_ = (packet, callback) => {
    unwritten.push({ packet_: packet, callback_: callback || null });
    if (packet.payload) unwrittenBytes += packet.payload.length;
    flush();
  };
  session.hasLink_ = () => !!link;
  session.unwrittenBytes_ = () => unwrittenBytes;
  session.drop_ = (error, broken) => {
    const transport = link;
    link = null;
    if (transport) transport.close();
    down(error, broken);
  };
  session.violation_ = (message) => {
    const error = session.newError_('protocol violation: ' + message);
    session.emitError_(error);
    session.drop_(error, true);
  };
  session.open_ = () => {
    linkFull = session.madeProgress_ = false;
    const transport = link = deps.transport(), timeout = options.connectTimeout || DEFAULT_CONNECT_TIMEOUT_MS;
    let opened = false;
    const current = (handler: Function) => (arg?: any) => { if (link === transport) handler(arg); };
    // An unreachable broker (ECONNREFUSED, a DNS failure…) is an 'error' too, as in MQTT.js.
    const failed = (error?: Error) => {
      link = null;
      if (error && !opened) session.emitError_(error);
      down(error || session.newError_(LOST));
    };
    const parser = deps.codec.parser(options.maxPacketSize || DEFAULT_MAX_PACKET, current(session.onPacket_),
      current((error: Error) => session.violation_(error.message)), current((skipped: SkippedPublish) => session.onSkipped_(skipped)));
    session.setTimer_(timeout, () => session.drop_(session.newError_('no CONNACK within ' + timeout + ' ms')));
    try {
      transport.open({
        onOpen: current(() => { opened = true; session.write_(session.connectPacket_); }),
        onData: current((bytes: Uint8Array) => { session.lastReceivedAt_ = platform.now(); parser.feed(bytes); }),
        onDrain: current(() => { linkFull = false; flush(); }),
        onClose: current(failed),
      });
    } catch (error) { if (link === transport) failed(error as Error); } // Espruino's net throws on a refused connect
  };
}
