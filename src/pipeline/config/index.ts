// The config's public surface: its schema, loading, and the JSON Schema for editors.

export * from '../../core/config.js';
export {
  CONFIG_SCHEMA_PATH,
  configJsonSchema,
  configJsonSchemaText,
  writeConfigJsonSchema,
} from './json-schema.js';
export {
  type ConfigOverrides,
  type ConfiguredSystem,
  type CoreConfig,
  type LoadConfigOptions,
  type LoadedConfig,
  loadConfig,
  parseConfig,
} from './load.js';
