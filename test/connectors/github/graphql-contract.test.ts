// The GraphQL side of the emulator contract: every document the connector sends is valid against
// GitHub's published schema (@octokit/graphql-schema), and every answer the emulator gives is one
// GitHub could give: executed against the schema with the answer as its data, it must come back
// unchanged (types, nullability, enums, interfaces resolved by __typename).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildClientSchema,
  type DocumentNode,
  execute,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  type IntrospectionQuery,
  parse,
  validate,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runAgainstEmulator } from './harness.js';
import { RICH_SCENARIO } from './scenarios.js';

interface Exchange {
  query: string;
  variables: Record<string, unknown>;
  data: unknown;
}

/** Reads each field by its alias (or name): the answer's own keys. */
const byAlias: GraphQLFieldResolver<unknown, unknown> = (source, _args, _context, info) =>
  (source as Record<string, unknown> | null)?.[info.path.key as string];

/** The emulator's answer, as GitHub's schema would produce it from the same data. */
function asGithubWould(schema: GraphQLSchema, document: DocumentNode, exchange: Exchange) {
  return execute({
    schema,
    document,
    rootValue: exchange.data,
    variableValues: exchange.variables,
    fieldResolver: byAlias,
    // A node asked for through a fragment ("... on Repository") carries no __typename: it is the
    // one possible type that has every field the answer holds.
    typeResolver: (value, _context, _info, abstractType) => {
      const record = value as Record<string, unknown>;
      if (typeof record.__typename === 'string') return record.__typename;
      return schema
        .getPossibleTypes(abstractType)
        .find((type) => Object.keys(record).every((key) => key in type.getFields()))?.name;
    },
  });
}

describe('GitHub emulator contract (GraphQL schema)', () => {
  let schema: GraphQLSchema;
  const exchanges: Exchange[] = [];
  const realFetch = globalThis.fetch;

  beforeAll(async () => {
    // The package exports only its ESM entry; its SDL sits beside it.
    const dir = dirname(fileURLToPath(import.meta.resolve('@octokit/graphql-schema')));
    // The introspection result, as GitHub's endpoint answers it (the SDL file repeats a field).
    const introspection = JSON.parse(readFileSync(join(dir, 'schema.json'), 'utf8')) as { data?: IntrospectionQuery };
    schema = buildClientSchema(introspection.data ?? (introspection as unknown as IntrospectionQuery));
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const response = await realFetch(input, init);
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (new URL(url).pathname.endsWith('/graphql') && typeof init?.body === 'string') {
        const { query, variables } = JSON.parse(init.body) as { query: string; variables?: Record<string, unknown> };
        const answer = (await response.clone().json()) as { data?: unknown };
        exchanges.push({ query, variables: variables ?? {}, data: answer.data });
      }
      return response;
    });
    // Pages of two, so the follow-up queries for long connections are sent and answered too.
    await runAgainstEmulator(RICH_SCENARIO, { emulator: { pageSize: 2 } });
  }, 60_000);
  afterAll(() => {
    vi.restoreAllMocks();
  });

  it('saw every kind of query the connector sends', () => {
    const kinds = new Set(exchanges.map((e) => e.query.replace(/\s+/g, ' ').slice(0, 60)));
    expect(kinds.size).toBeGreaterThanOrEqual(4);
  });

  it('sends only documents valid against GitHub’s schema', () => {
    for (const { query } of exchanges)
      expect(
        validate(schema, parse(query)).map((e) => e.message),
        query,
      ).toEqual([]);
  });

  it('answers only what GitHub’s schema allows', async () => {
    for (const exchange of exchanges) {
      const result = await asGithubWould(schema, parse(exchange.query), exchange);
      expect(result.errors?.map((e) => `${e.path?.join('.')}: ${e.message}`) ?? [], exchange.query).toEqual([]);
      expect(JSON.parse(JSON.stringify(result.data))).toEqual(exchange.data);
    }
  });

  it('catches an answer GitHub would not give (the check can fail)', async () => {
    const exchange = exchanges.find((e) => /collaborators/.test(e.query));
    if (!exchange) throw new Error('no collaborators query was sent');
    // A permission outside GitHub's RepositoryPermission enum.
    const broken = JSON.parse(
      JSON.stringify(exchange.data).replace(/"(READ|WRITE|ADMIN|MAINTAIN|TRIAGE)"/, '"SUPERUSER"'),
    );
    const result = await asGithubWould(schema, parse(exchange.query), { ...exchange, data: broken });
    expect(result.errors?.length ?? 0).toBeGreaterThan(0);
  });
});
