// The device application's one entry point, for every target.
export { startDevice, deviceClientOptions } from './device';
export type { Device, Hardware, DevicePlatform } from './device';
export { validateConfig, configError, deviceSchema, SEED_PHRASES, str, bool, num } from './config';
export type { DeviceConfig, Schema, Check, Checks, ConfigError, Command } from './config';
export { parseCommand } from './command';
