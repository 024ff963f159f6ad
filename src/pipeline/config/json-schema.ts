// The JSON Schema editors use to autocomplete and check config files, generated from the zod
// schemas so it cannot drift from what loadConfig accepts. Regenerate after a connector's
// schema changes: `npx tsx src/pipeline/config/json-schema.ts` (writes config.schema.json at the root).
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { ConfigSchema } from '../../core/config.js';
import type { AnyConnector } from '../../core/connector.js';
import { PACKAGE_ROOT } from '../../core/version.js';

type JsonObject = { [key: string]: JsonValue };
type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

const OPTIONS = { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' } as const;

/** The config file's JSON Schema: the core, with each connector's block under connectors.<id>. */
export function configJsonSchema(connectors: readonly AnyConnector[]): JsonObject {
  const root = toJson(z.toJSONSchema(ConfigSchema, OPTIONS));
  const defs: JsonObject = isObject(root.$defs) ? root.$defs : {};
  const properties: JsonObject = {};
  for (const connector of connectors) {
    const schema = toJson(z.toJSONSchema(connector.configSchema, OPTIONS));
    delete schema.$schema;
    // Definitions are hoisted to the root under a prefixed name, so their $refs still resolve.
    if (isObject(schema.$defs)) {
      for (const [name, def] of Object.entries(schema.$defs)) defs[`${connector.id}.${name}`] = def;
      delete schema.$defs;
    }
    const self = `#/properties/connectors/properties/${connector.id}`;
    properties[connector.id] = rewriteRefs(schema, connector.id, self);
    if (isObject(properties[connector.id])) {
      (properties[connector.id] as JsonObject).description ??= `The ${connector.title} connector.`;
    }
  }
  const rootProperties = isObject(root.properties) ? root.properties : {};
  rootProperties.connectors = {
    description: 'One block per system, keyed by connector id; omit a block (or set "enabled": false) to skip it.',
    type: 'object',
    properties,
    additionalProperties: false,
  };
  const out: JsonObject = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'lanekeeper config',
    ...withoutKey(root, '$schema'),
    properties: rootProperties,
  };
  if (Object.keys(defs).length > 0) out.$defs = defs;
  return out;
}

/** The text written to config.schema.json: stable key order from the schemas, two-space indent. */
export function configJsonSchemaText(connectors: readonly AnyConnector[]): string {
  return `${JSON.stringify(configJsonSchema(connectors), null, 2)}\n`;
}

export async function writeConfigJsonSchema(path: string, connectors?: readonly AnyConnector[]): Promise<void> {
  const registry = connectors ?? (await import('../../../connectors/index.js')).connectors;
  await writeFile(path, configJsonSchemaText(registry));
}

/** Where the committed schema lives: the repository root, next to config.example.json. */
export const CONFIG_SCHEMA_PATH = join(PACKAGE_ROOT, 'config.schema.json');

function rewriteRefs(value: JsonValue, id: string, self: string): JsonValue {
  if (Array.isArray(value)) return value.map((v) => rewriteRefs(v, id, self));
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === '$ref' && typeof v === 'string') {
      out[key] = v === '#' ? self : v.replace(/^#\/\$defs\//, `#/$defs/${id}.`);
    } else {
      out[key] = rewriteRefs(v, id, self);
    }
  }
  return out;
}

function toJson(schema: unknown): JsonObject {
  const parsed: unknown = JSON.parse(JSON.stringify(schema));
  return isObject(parsed as JsonValue) ? (parsed as JsonObject) : {};
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function withoutKey(object: JsonObject, key: string): JsonObject {
  const { [key]: _dropped, ...rest } = object;
  return rest;
}

// `npx tsx src/pipeline/config/json-schema.ts` regenerates the committed file.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await writeConfigJsonSchema(CONFIG_SCHEMA_PATH);
  process.stdout.write(`wrote ${CONFIG_SCHEMA_PATH}\n`);
}
