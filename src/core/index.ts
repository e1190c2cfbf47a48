// The core's one entry point: codec, client, router, store and topic/UTF-8 helpers.
export { Client } from './client';
export { Router } from './router';
export { MemoryStore } from './memory-store';
export { topicNameError, topicFilterError, topicMatches } from './topic';
export { utf8Encode, utf8Decode } from './utf8';
export { boardCodec } from './codec';
export type { Handler } from './router';
export type { ClientOptions, ClientDeps, MqttClient, ClientEvents, ClientState, PublishOptions, SubscribeOptions, Callback, SubscribeCallback } from './client-options';
export type { Packet, PublishPacket, QoS, Codec, Transport, TransportFactory, TransportHandlers, Platform, Store, StoredRecord } from './types';
export { LiteClient } from './lite/client';
