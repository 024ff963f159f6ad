// Owners of the enterprise account the organisation belongs to: each can make themselves an
// owner of the organisation at any moment, so each holds the organisation's admin even when the
// organisation does not list them. Read through GraphQL (Organization.enterpriseOwners), which an
// organisation owner's token may ask; an organisation outside any enterprise answers none.
import { optional, type ReadContext } from './calls.js';
import { GithubCallError } from './client.js';
import type { EnterpriseOwner } from './facts.js';
import { pages, parse, query } from './graphql.js';
import { GqlEnterpriseOwnersSchema } from './schema.js';

export const ENTERPRISE_OWNERS_QUERY = `query($org: String!, $cursor: String) {
  organization(login: $org) {
    enterpriseOwners(first: 100, after: $cursor) {
      pageInfo { hasNextPage endCursor }
      edges { organizationRole node { login name } }
    }
  }
}`;

const SUBJECT = 'enterprise owners';

/** The enterprise's owners; undefined (and a named gap) when the token may not see them. */
export function readEnterpriseOwners(ctx: ReadContext): Promise<EnterpriseOwner[] | undefined> {
  return optional(
    ctx,
    'POST /graphql',
    async () => {
      // Per cursor, so a page read again replaces what it gave instead of adding to it. An owner
      // GitHub could not resolve (a null edge or node) is an admin nobody can name: counted and
      // named as a gap, never a shorter list.
      const byPage = new Map<string, { owners: EnterpriseOwner[]; unresolved: number }>();
      await pages(SUBJECT, async (cursor) => {
        const page = { owners: [] as EnterpriseOwner[], unresolved: 0 };
        byPage.set(cursor ?? '', page);
        const data = parse(
          GqlEnterpriseOwnersSchema,
          SUBJECT,
          await query(ctx, SUBJECT, ENTERPRISE_OWNERS_QUERY, { cursor }),
        );
        if (!data.organization)
          throw new GithubCallError('POST /graphql', SUBJECT, { message: 'the organization was not found' });
        const { edges, pageInfo } = data.organization.enterpriseOwners;
        for (const edge of edges) {
          if (!edge?.node) {
            page.unresolved++;
            continue;
          }
          page.owners.push({
            login: edge.node.login,
            ...(edge.node.name ? { name: edge.node.name } : {}),
            organizationRole: edge.organizationRole,
          });
        }
        return { ...pageInfo, count: edges.length };
      });
      const owners = [...byPage.values()].flatMap((p) => p.owners);
      const unresolved = [...byPage.values()].reduce((n, p) => n + p.unresolved, 0);
      if (unresolved > 0)
        ctx.gap({
          kind: 'records-invalid',
          detail: `GitHub GraphQL answered null for ${unresolved} of the ${SUBJECT}: each could make themselves an organization owner, and who they are is not known`,
          count: unresolved,
        });
      return owners;
    },
    (f) => ({
      kind: 'github.enterprise-owners',
      detail: `the owners of the organization's enterprise were not readable (${f.message}); each could make themselves an organization owner`,
    }),
  );
}
