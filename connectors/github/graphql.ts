// The GraphQL side of the GitHub API as the collector uses it: one query under the call's error
// mapping, an answer checked against its schema, and cursor paging under the core's policy.
import type { z } from 'zod';
import { PageGuard } from '../../src/core/paging.js';
import { call, type ReadContext } from './calls.js';
import { GithubCallError } from './client.js';

const OPERATION = 'POST /graphql';

export async function query(
  ctx: ReadContext,
  subject: string,
  text: string,
  variables: Record<string, unknown>,
): Promise<unknown> {
  return call(OPERATION, subject, () => ctx.client.graphql(text, { org: ctx.org, ...variables }));
}

export function parse<T>(schema: z.ZodType<T>, subject: string, data: unknown): T {
  const r = schema.safeParse(data);
  if (!r.success)
    throw new GithubCallError(OPERATION, subject, { message: 'the answer does not have the expected shape' });
  return r.data;
}

/** Follow GraphQL cursors under the core's paging policy; a next page without a cursor is an error. */
export async function pages(
  subject: string,
  fetchPage: (cursor: string | null) => Promise<{ hasNextPage: boolean; endCursor: string | null; count?: number }>,
): Promise<void> {
  const guard = new PageGuard<number>(`${OPERATION} (${subject})`);
  let cursor: string | undefined;
  for (;;) {
    const info = await fetchPage(cursor ?? null);
    if (info.hasNextPage && !info.endCursor)
      throw new GithubCallError(OPERATION, subject, {
        message: 'paging did not advance (a next page without a cursor)',
      });
    const next = guard.page(cursor, info.count === 0 ? [] : [1], info.hasNextPage ? info.endCursor : undefined);
    if (next === undefined) return;
    cursor = next;
  }
}
