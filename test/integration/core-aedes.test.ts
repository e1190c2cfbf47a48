// The core client over Node TCP against aedes in-process (cases in test/support/broker-cases.ts),
// once with each codec: mqtt-packet (Node's) and the board's own.
import { describe } from 'vitest';
import { brokerCases } from '../support/broker-cases';
import { startAedesHarness } from '../support/broker-harness';
import { mqttPacketCodec } from '../../src/node/mqtt-packet-codec';
import { boardCodec } from '../../src/core/codec';

describe('core client (mqtt-packet codec) against aedes', () => brokerCases(startAedesHarness, mqttPacketCodec));
describe('core client (board codec) against aedes', () => brokerCases(startAedesHarness, boardCodec));
describe('lite client (board codec) against aedes', () => brokerCases(startAedesHarness, boardCodec, true));
