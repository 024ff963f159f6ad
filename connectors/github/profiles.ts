// Who is behind each login: names and emails for linking to the register. GitHub's REST lists
// carry neither, so they come from GraphQL: the public email and the org's verified-domain
// emails per 100 members, the same for outside collaborators by node id, and SAML identities
// when the org has SSO. Without GraphQL the scan goes on with a warning and no emails.
import type { z } from 'zod';
import { normalizeEmail } from '../../src/core/identity.js';
import { optional, type ReadContext } from './calls.js';
import { GithubCallError } from './client.js';
import type { Profile } from './facts.js';
import { pages, parse, query } from './graphql.js';
import {
  type ApiUserSchema,
  GqlExternalIdentitiesSchema,
  GqlMembersSchema,
  GqlNodesSchema,
  type GqlUser,
} from './schema.js';

const PAGE = 100;

export const MEMBERS_QUERY = `query($org: String!, $cursor: String) {
  organization(login: $org) {
    membersWithRole(first: ${PAGE}, after: $cursor) {
      pageInfo { hasNextPage endCursor }
      nodes { login name email organizationVerifiedDomainEmails(login: $org) }
    }
  }
}`;

export const USERS_BY_ID_QUERY = `query($org: String!, $ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on User { login name email organizationVerifiedDomainEmails(login: $org) }
  }
}`;

export const SAML_QUERY = `query($org: String!, $cursor: String) {
  organization(login: $org) {
    samlIdentityProvider {
      externalIdentities(first: ${PAGE}, after: $cursor) {
        pageInfo { hasNextPage endCursor }
        nodes { samlIdentity { nameId emails { value } } user { login } }
      }
    }
  }
}`;

const OPERATION = 'POST /graphql';

export async function readProfiles(
  ctx: ReadContext,
  members: readonly z.infer<typeof ApiUserSchema>[],
  outside: readonly z.infer<typeof ApiUserSchema>[],
): Promise<Map<string, Profile>> {
  const profiles = new Map<string, Profile>();
  const profile = (login: string): Profile => {
    const key = login.toLowerCase();
    let p = profiles.get(key);
    if (!p) {
      p = { emails: [], identities: [] };
      profiles.set(key, p);
    }
    return p;
  };
  const addUser = (u: Partial<GqlUser> | null) => {
    if (!u?.login) return;
    const p = profile(u.login);
    if (u.name) p.name = u.name;
    for (const email of [u.email, ...(u.organizationVerifiedDomainEmails ?? [])]) if (email) p.emails.push(email);
  };

  const graphqlDenied = (kind: string, what: string) => (f: { message: string }) => ({
    kind,
    detail: `GitHub GraphQL was not permitted for ${what} (${f.message}): those accounts are linked only through the register's explicit links`,
  });

  const membersRead = await optional(
    ctx,
    OPERATION,
    async () => {
      if (members.length === 0) return true;
      await pages('member emails', async (cursor) => {
        const data = parse(
          GqlMembersSchema,
          'member emails',
          await query(ctx, 'member emails', MEMBERS_QUERY, { cursor }),
        );
        if (!data.organization)
          throw new GithubCallError(OPERATION, 'member emails', { message: 'the organization was not found' });
        for (const node of data.organization.membersWithRole.nodes) addUser(node);
        return data.organization.membersWithRole.pageInfo;
      });
      return true;
    },
    graphqlDenied('github.emails', 'member emails'),
  );
  // When GraphQL is denied once it is denied for all: one warning is enough.
  if (!membersRead && members.length > 0) return profiles;

  const ids = outside.map((u) => u.node_id).filter((id): id is string => typeof id === 'string' && id.length > 0);
  await optional(
    ctx,
    OPERATION,
    async () => {
      for (let i = 0; i < ids.length; i += PAGE) {
        const subject = 'outside collaborator emails';
        const ids100 = ids.slice(i, i + PAGE);
        const data = parse(GqlNodesSchema, subject, await query(ctx, subject, USERS_BY_ID_QUERY, { ids: ids100 }));
        for (const node of data.nodes) addUser(node);
      }
    },
    graphqlDenied('github.emails', 'outside collaborator emails'),
  );

  await optional(
    ctx,
    OPERATION,
    () =>
      pages('SAML identities', async (cursor) => {
        const data = parse(
          GqlExternalIdentitiesSchema,
          'SAML identities',
          await query(ctx, 'SAML identities', SAML_QUERY, { cursor }),
        );
        const provider = data.organization?.samlIdentityProvider;
        if (!provider) return { hasNextPage: false, endCursor: null }; // no SSO on this org
        for (const node of provider.externalIdentities.nodes) {
          const login = node?.user?.login;
          if (!login) continue; // an identity not linked to a GitHub account yet
          const p = profile(login);
          const saml = node.samlIdentity;
          if (saml?.nameId) p.identities.push(saml.nameId);
          for (const e of saml?.emails ?? []) if (e.value) p.emails.push(e.value);
          // A NameID is often the corporate email itself.
          if (saml?.nameId?.includes('@')) p.emails.push(saml.nameId);
        }
        return provider.externalIdentities.pageInfo;
      }),
    (f) => ({
      kind: 'github.saml-identities',
      detail: `SAML identities were not readable (${f.message}); SSO-linked emails are unknown`,
    }),
  );

  for (const p of profiles.values()) {
    p.emails = [...new Set(p.emails.map(normalizeEmail).filter((e) => e.length > 0))].sort();
    p.identities = [...new Set(p.identities)].sort();
  }
  return profiles;
}
