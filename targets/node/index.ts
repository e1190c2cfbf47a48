// The package's main entry (`import { connect } from 'glowmq'`, `require('glowmq')`):
// MQTT.js's client API over glowmq's core, and the durable file store.
import { connect, connectAsync, MqttClient } from '../../src/node/mqtt-client';

export { connect, connectAsync, MqttClient };
export type {
  IClientOptions, IClientPublishOptions, IClientSubscribeOptions, ISubscriptionGrant, ISubscriptionMap,
  IPublishPacket, IConnackPacket, MqttClientEventMap, PacketCallback, ClientSubscribeCallback, OnMessageCallback,
  WillOptions, Pem, QoS,
} from '../../src/node/mqtt-client';
export { FileStore, type FileStoreOptions } from '../../src/store/file-store';
export type { Store, StoredRecord } from '../../src/core/types';

// `import mqtt from 'glowmq'; mqtt.connect(…)`, as MQTT.js's default export is used.
export default { connect, connectAsync, MqttClient };
