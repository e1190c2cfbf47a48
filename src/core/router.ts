// Dispatches a received message to every handler whose filter matches its topic
// ('+', '#'; $-topics are not matched by a leading wildcard), else to onUnmatched.
import type { PublishPacket } from './types';
import { topicFilterError, topicMatches } from './topic';

export type Handler = (topic: string, payload: Uint8Array, packet?: PublishPacket) => void;

export class Router {
  declare h: [string, Handler][];
  /** Called when no handler matched. */
  declare onUnmatched?: Handler;
  constructor() { this.h = []; }
  /** Throws on an invalid filter (a typo would otherwise never match anything). */
  add(filter: string, fn: Handler): void {
    const e = topicFilterError(filter);
    if (e) throw new Error(e);
    this.h.push([filter, fn]);
  }
  remove(filter: string, fn: Handler): void { this.h = this.h.filter((x) => x[0] !== filter || x[1] !== fn); }
  /** Returns how many handlers took the message. */
  dispatch(topic: string, payload: Uint8Array, packet?: PublishPacket): number {
    let n = 0;
    this.h.forEach((x) => { if (topicMatches(x[0], topic)) { n++; x[1](topic, payload, packet); } });
    if (!n && this.onUnmatched) this.onUnmatched(topic, payload, packet);
    return n;
  }
}
