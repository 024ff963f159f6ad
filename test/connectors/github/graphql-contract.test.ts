// The GraphQL side of the emulator contract: every document the connector sends is valid against
// GitHub's published schema (@octokit/graphql-schema), and every answer the emulator gives is one
// GitHub could give: executed against the schema with the answer as its data, it must come back
// unchanged (types, nullability, enums, interfaces resolved by __typename).
import { readFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
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
import { beforeAll, describe, expect, it } from 'vitest';
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

/**
 * Runs the scan with its GraphQL endpoint behind a proxy that records each query and its answer
 * as they cross the wire.
 */
async function recordGraphql(run: (baseUrl: string, target: (url: string) => void) => Promise<void>) {
  const exchanges: Exchange[] = [];
  let target = '';
  const proxy = createServer((incoming, outgoing) => {
    const sent: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => sent.push(chunk));
    incoming.on('end', () => {
      const upstream = request(
        new URL(incoming.url ?? '/', target),
        { method: incoming.method, headers: incoming.headers },
        (answer) => {
          const received: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => received.push(chunk));
          answer.on('end', () => {
            const body = Buffer.concat(received);
            if (incoming.url?.endsWith('/graphql')) {
              const { query, variables } = JSON.parse(Buffer.concat(sent).toString('utf8')) as {
                query: string;
                variables?: Record<string, unknown>;
              };
              const { data } = JSON.parse(body.toString('utf8')) as { data?: unknown };
              exchanges.push({ query, variables: variables ?? {}, data });
            }
            // As a reverse proxy does: REST pages link on through the proxy, since the connector
            // follows no link off the API it was given.
            const headers = { ...answer.headers };
            if (typeof headers.link === 'string') headers.link = headers.link.split(target).join(self);
            outgoing.writeHead(answer.statusCode ?? 502, headers).end(body);
          });
        },
      );
      upstream.end(Buffer.concat(sent));
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const self = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  try {
    await run(self, (url) => {
      target = url;
    });
  } finally {
    proxy.closeAllConnections();
    await new Promise((resolve) => proxy.close(resolve));
  }
  return exchanges;
}

describe('GitHub emulator contract (GraphQL schema)', () => {
  let schema: GraphQLSchema;
  let exchanges: Exchange[] = [];

  beforeAll(async () => {
    // The package exports only its ESM entry; its SDL sits beside it.
    const dir = dirname(fileURLToPath(import.meta.resolve('@octokit/graphql-schema')));
    // The introspection result, as GitHub's endpoint answers it (the SDL file repeats a field).
    const introspection = JSON.parse(readFileSync(join(dir, 'schema.json'), 'utf8')) as { data?: IntrospectionQuery };
    schema = buildClientSchema(introspection.data ?? (introspection as unknown as IntrospectionQuery));
    // Pages of two, so the follow-up queries for long connections are sent and answered too.
    exchanges = await recordGraphql(async (baseUrl, target) => {
      await runAgainstEmulator(RICH_SCENARIO, { emulator: { pageSize: 2 }, config: { baseUrl }, onStarted: target });
    });
  }, 60_000);

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
