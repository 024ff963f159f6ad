// The config's public surface: its schema and loading. (The JSON Schema for editors is
// json-schema.ts, imported only by the tools that write it.)

export * from '../../core/config.js';
export { unmatchedLaneGlobs } from './lanes.js';
export {
  type ConfigOverrides,
  type ConfiguredSystem,
  type CoreConfig,
  type LaneGlob,
  type LoadConfigOptions,
  type LoadedConfig,
  loadConfig,
  parseConfig,
} from './load.js';
