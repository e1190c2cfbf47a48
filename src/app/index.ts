// The device application's one entry point, for every target.
export { startDevice, deviceClientOptions } from './device';
export type { Device, Hardware, DevicePlatform } from './device';
export { validateConfig, configError, renameOldFields, deviceSchema, SEED_PHRASES, LOG_LEVELS, str, bool, num } from './config';
export { discoveryMessages } from './discovery';
export type { DeviceConfig, Schema, Check, Checks, ConfigError, Command } from './config';
export { parseCommand } from './command';
