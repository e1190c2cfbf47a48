// glowmq's own MQTT 3.1.1 codec for the board: Uint8Array in and out, no Node types, held
// byte-for-byte equal to mqtt-packet by test/unit/codec-*.test.ts.
import type { Codec } from '../types';
import { encode } from './encode';
import { parser } from './parse';

export const boardCodec: Codec = { encode, parser };
