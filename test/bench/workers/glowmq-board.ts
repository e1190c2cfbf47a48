// Bench worker entry for glowmq on Node with the board's own codec instead of mqtt-packet:
// the numbers that decide which codec Node should use.
import { boardCodec } from '../../../src/core/codec';
import { glowmqConnect } from './glowmq-adapter';
import { workerMain } from './worker-main';

workerMain(glowmqConnect(boardCodec));
