// The committed config.schema.json must be what the zod schemas generate, and it must accept
// and refuse the same configs the loader does on the points editors can check.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { connectors } from '../../connectors/index.js';
import { CONFIG_SCHEMA_PATH, configJsonSchema, configJsonSchemaText } from '../../src/pipeline/config/json-schema.js';
import { testConnectors } from './connectors.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/configs');

describe('config.schema.json', () => {
  it('is the one the schemas generate', async () => {
    const committed = await readFile(CONFIG_SCHEMA_PATH, 'utf8').catch(() => '(missing)');
    expect(
      committed,
      'config.schema.json is stale: regenerate it with `npx tsx src/pipeline/config/json-schema.ts`',
    ).toBe(configJsonSchemaText(connectors));
  });

  it('puts each connector block under connectors.<id> and nothing else there', () => {
    const schema = configJsonSchema(testConnectors);
    const block = (
      schema.properties as Record<string, { properties: Record<string, unknown>; additionalProperties: unknown }>
    ).connectors;
    expect(Object.keys(block?.properties ?? {})).toEqual(['github', 'slack']);
    expect(block?.additionalProperties).toBe(false);
  });

  it('accepts a good config and refuses the mistakes an editor can see', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validate = ajv.compile(configJsonSchema(testConnectors));
    const read = async (file: string) => JSON.parse(await readFile(join(FIXTURES, file), 'utf8')) as unknown;
    expect(validate(await read('valid.json')), JSON.stringify(validate.errors)).toBe(true);
    for (const file of [
      'unknown-key-policy.json',
      'bad-fail-on.json',
      'unknown-connector.json',
      'wrong-type-deadline.json',
    ]) {
      expect(validate(await read(file)), file).toBe(false);
    }
  });
});
