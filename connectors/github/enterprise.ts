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
      const owners: EnterpriseOwner[] = [];
      await pages(SUBJECT, async (cursor) => {
        const data = parse(
          GqlEnterpriseOwnersSchema,
          SUBJECT,
          await query(ctx, SUBJECT, ENTERPRISE_OWNERS_QUERY, { cursor }),
        );
        if (!data.organization)
          throw new GithubCallError('POST /graphql', SUBJECT, { message: 'the organization was not found' });
        const { edges, pageInfo } = data.organization.enterpriseOwners;
        for (const edge of edges) {
          if (!edge?.node) continue;
          owners.push({
            login: edge.node.login,
            ...(edge.node.name ? { name: edge.node.name } : {}),
            organizationRole: edge.organizationRole,
          });
        }
        return { ...pageInfo, count: edges.length };
      });
      return owners;
    },
    (f) => ({
      kind: 'github.enterprise-owners',
      detail: `the owners of the organization's enterprise were not readable (${f.message}); each could make themselves an organization owner`,
    }),
  );
}
