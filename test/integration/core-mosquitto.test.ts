// The core client over Node TCP against mosquitto as its own process (cases in
// test/support/broker-cases.ts), once with each codec: mqtt-packet (Node's) and the board's own.
import { brokerCases } from '../support/broker-cases';
import { startMosquittoHarness } from '../support/broker-harness';
import { describeWithPeers, peers } from '../support/peers';
import { mqttPacketCodec } from '../../src/node/mqtt-packet-codec';
import { boardCodec } from '../../src/core/codec';

describeWithPeers('core client (mqtt-packet codec) against mosquitto', [peers.mosquitto()], () => brokerCases(startMosquittoHarness, mqttPacketCodec));
describeWithPeers('core client (board codec) against mosquitto', [peers.mosquitto()], () => brokerCases(startMosquittoHarness, boardCodec));
describeWithPeers('lite client (board codec) against mosquitto', [peers.mosquitto()], () => brokerCases(startMosquittoHarness, boardCodec, true));
