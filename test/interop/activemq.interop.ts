// glowmq against ActiveMQ 5.17 (Debian activemq + libmqtt-client-java), started by the test
// with an MQTT connector on 127.0.0.1:61613 and the seed's admin / password.
// Where ActiveMQ 5.17 departs from MQTT 3.1.1 (seen on the wire here):
//  - a wrong password gets CONNACK 5 (not authorised) rather than 4 (bad user name or password);
//  - retained messages may arrive before the SUBACK (the spec allows this, §3.8.4).
// QoS 2 is supported (PUBREC/PUBREL/PUBCOMP; SUBACK grants 2).
import { describe } from 'vitest';
import { describeWithPeers } from '../support/peers';
import { activemqPeer, startActiveMQ } from '../support/activemq';
import { interopScenarios } from './scenarios';

describeWithPeers('interop: ActiveMQ 5.17 MQTT connector', [activemqPeer()], () => {
  describe('scenarios', () => interopScenarios('ActiveMQ', startActiveMQ, {
    grantedForQoS2: 2, qos2Ack: 'pubrec', retainedOnWildcard: true, badPasswordCode: 5,
  }));
});
