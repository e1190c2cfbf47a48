// glowmq against RabbitMQ 3.10's MQTT plugin (Debian rabbitmq-server), started by the test.
// Where RabbitMQ 3.10 departs from MQTT 3.1.1 (seen on the wire here):
//  - QoS 2 is not supported: a QoS 2 subscription is granted QoS 1, and a QoS 2 PUBLISH is
//    answered with PUBACK instead of PUBREC (§4.3.3 requires PUBREC);
//  - retained messages are sent only for subscriptions without wildcards;
//  - a wrong password gets CONNACK 4 (as the spec says).
import { describe } from 'vitest';
import { describeWithPeers } from '../support/peers';
import { rabbitmqPeer, startRabbitMQ } from '../support/rabbitmq';
import { interopScenarios } from './scenarios';

describeWithPeers('interop: RabbitMQ 3.10 MQTT plugin', [rabbitmqPeer()], () => {
  describe('scenarios', () => interopScenarios('RabbitMQ', startRabbitMQ, {
    grantedForQoS2: 1, qos2Ack: 'puback', retainedOnWildcard: false, badPasswordCode: 4,
  }));
});
