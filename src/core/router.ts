// Dispatches a received message to every handler whose filter matches its topic
// ('+', '#'; $-topics are not matched by a leading wildcard), else to onUnmatched.
import type { PublishPacket } from './types';
import { topicFilterError, topicMatches } from './topic';

export type Handler = (topic: string, payload: Uint8Array, packet?: PublishPacket) => void;

export class Router {
  /** [filter, handler] pairs, in the order they were added. */
  declare routes_: [string, Handler][];
  /** Called when no handler matched. */
  declare onUnmatched?: Handler;
  constructor() { this.routes_ = []; }
  /** Throws on an invalid filter (a typo would otherwise never match anything). */
  add(filter: string, handler: Handler): void {
    const error = topicFilterError(filter);
    if (error) throw new Error(error);
    this.routes_.push([filter, handler]);
  }
  remove(filter: string, handler: Handler): void {
    this.routes_ = this.routes_.filter((route) => route[0] !== filter || route[1] !== handler);
  }
  /** Returns how many handlers took the message. */
  dispatch(topic: string, payload: Uint8Array, packet?: PublishPacket): number {
    let taken = 0;
    this.routes_.forEach((route) => {
      if (topicMatches(route[0], topic)) {
        taken++;
        route[1](topic, payload, packet);
      }
    });
    if (!taken && this.onUnmatched) this.onUnmatched(topic, payload, packet);
    return taken;
  }
}
