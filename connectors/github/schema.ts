// The github block of the config, and zod schemas for the few fields of GitHub's answers
// the collector reads (nothing more, so an API that grows new fields never breaks us).
import { z } from 'zod';
import { ConnectorCommonSchema } from '../../src/core/config.js';

export const DEFAULT_PRODUCTION_ENVIRONMENTS = ['prod*', 'live'];

export const GithubLanesSchema = z.strictObject({
  /** Globs over `org/repo` for repos that are production (infrastructure, deploy configs). */
  production: z.array(z.string().min(1)).default([]),
  /** Globs over `org/repo` for repos that hold or reach data (analytics, exports). */
  data: z.array(z.string().min(1)).default([]),
  /** Repo topics that put a repo in a lane, for orgs that label repos instead of naming them. */
  topics: z
    .strictObject({
      production: z.array(z.string().min(1)).default([]),
      data: z.array(z.string().min(1)).default([]),
    })
    .default({ production: [], data: [] }),
  /** Globs over environment names that deploy to production. */
  productionEnvironments: z.array(z.string().min(1)).default(DEFAULT_PRODUCTION_ENVIRONMENTS),
});
export type GithubLanes = z.infer<typeof GithubLanesSchema>;

export const GithubAppAuthSchema = z.strictObject({
  appId: z.union([z.number().int().positive(), z.string().min(1)]),
  /** PEM private key of the app, normally "${GITHUB_APP_PRIVATE_KEY}". */
  privateKey: z.string().min(1),
  installationId: z.union([z.number().int().positive(), z.string().min(1)]),
});
export type GithubAppAuth = z.infer<typeof GithubAppAuthSchema>;

export const GithubConfigSchema = z
  .strictObject({
    ...ConnectorCommonSchema.shape,
    org: z.string().min(1),
    /** GitHub Enterprise Server (`https://ghe.example.com/api/v3`) or the sandbox. */
    baseUrl: z.url().optional(),
    /** A token, normally "${GITHUB_TOKEN}": classic PAT or fine-grained token. */
    token: z.string().min(1).optional(),
    app: GithubAppAuthSchema.optional(),
    lanes: GithubLanesSchema.default(GithubLanesSchema.parse({})),
  })
  .refine((c) => (c.token === undefined) !== (c.app === undefined), {
    message: 'give exactly one of "token" or "app" (GitHub App credentials)',
    path: ['token'],
  });
export type GithubConfig = z.infer<typeof GithubConfigSchema>;

// ---- GitHub answers: only the fields we read ----

const Login = z.string().min(1);

export const ApiUserSchema = z.object({
  login: Login,
  id: z.number(),
  node_id: z.string().optional(),
  type: z.string().optional(),
});
export type ApiUser = z.infer<typeof ApiUserSchema>;

export const ApiOrgSchema = z.object({
  login: Login,
  default_repository_permission: z.string().nullish(),
  two_factor_requirement_enabled: z.boolean().nullish(),
  /** With total_private_repos (an owner's view): how many repositories the listing should hold. */
  public_repos: z.number().int().nonnegative().nullish(),
  total_private_repos: z.number().int().nonnegative().nullish(),
  /** Shown to an owner: whether a 404 from custom-repository-roles can mean "none". */
  plan: z.object({ name: z.string() }).nullish(),
});

const PermissionsSchema = z
  .object({
    admin: z.boolean().optional(),
    maintain: z.boolean().optional(),
    push: z.boolean().optional(),
    triage: z.boolean().optional(),
    pull: z.boolean().optional(),
  })
  .optional();
export type ApiPermissions = z.infer<typeof PermissionsSchema>;

export const ApiRepoSchema = z.object({
  name: z.string().min(1),
  /** The GraphQL id: collaborators of 100 repositories are read per query by it. */
  node_id: z.string().optional(),
  full_name: z.string().min(1),
  private: z.boolean().optional(),
  /** public, private or internal (every member of the enterprise's organizations reads it). */
  visibility: z.string().optional(),
  archived: z.boolean().optional(),
  topics: z.array(z.string()).optional(),
  permissions: PermissionsSchema,
  role_name: z.string().optional(),
});
export type ApiRepo = z.infer<typeof ApiRepoSchema>;

export const ApiCollaboratorSchema = ApiUserSchema.extend({
  permissions: PermissionsSchema,
  role_name: z.string().optional(),
});
export type ApiCollaborator = z.infer<typeof ApiCollaboratorSchema>;

export const ApiTeamSchema = z.object({
  slug: z.string().min(1),
  node_id: z.string().optional(),
  name: z.string().optional(),
  parent: z.object({ slug: z.string() }).nullish(),
});
export type ApiTeam = z.infer<typeof ApiTeamSchema>;

export const ApiInvitationSchema = z.object({
  id: z.number(),
  login: z.string().nullish(),
  email: z.string().nullish(),
  role: z.string(),
  created_at: z.string().optional(),
  inviter: z.object({ login: z.string() }).nullish(),
});

export const ApiDeployKeySchema = z.object({
  id: z.number(),
  title: z.string(),
  read_only: z.boolean(),
  created_at: z.string().optional(),
  added_by: z.string().nullish(),
  last_used: z.string().nullish(),
  enabled: z.boolean().optional(),
});

export const ApiPatGrantSchema = z.object({
  id: z.number(),
  owner: z.object({ login: Login }),
  token_id: z.number(),
  token_name: z.string(),
  token_expired: z.boolean(),
  token_expires_at: z.string().nullish(),
  token_last_used_at: z.string().nullish(),
  access_granted_at: z.string().optional(),
  repository_selection: z.string(),
  permissions: z
    .object({
      organization: z.record(z.string(), z.string()).optional(),
      repository: z.record(z.string(), z.string()).optional(),
      other: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
});

/** A GitHub App installed on the organisation: what it may do, and on which repositories. */
export const ApiInstallationSchema = z.object({
  id: z.number(),
  app_slug: z.string().min(1),
  repository_selection: z.enum(['all', 'selected']),
  permissions: z.record(z.string(), z.string()).default({}),
  created_at: z.string().optional(),
  suspended_at: z.string().nullish(),
});
export type ApiInstallation = z.infer<typeof ApiInstallationSchema>;

/** An organisation role (predefined like all_repo_admin or security_manager, or the org's own). */
export const ApiOrgRoleSchema = z.object({
  id: z.number(),
  name: z.string().min(1),
  base_role: z.string().nullish(),
  permissions: z.array(z.string()).default([]),
  source: z.string().nullish(),
});
export type ApiOrgRole = z.infer<typeof ApiOrgRoleSchema>;

/** A custom repository role (GitHub Enterprise Cloud): a base role plus fine-grained permissions. */
export const ApiCustomRepoRoleSchema = z.object({
  id: z.number(),
  name: z.string().min(1),
  base_role: z.string().min(1),
  permissions: z.array(z.string()).default([]),
});
export type ApiCustomRepoRole = z.infer<typeof ApiCustomRepoRoleSchema>;

/** A team an organisation role is assigned to. */
export const ApiRoleTeamSchema = z.object({ slug: z.string().min(1) });

/**
 * A holder of an organisation role (GET /orgs/{org}/organization-roles/{role_id}/users): GitHub
 * lists those who hold it through a team too. `assignment`: direct (assigned the role), indirect
 * (through the teams in `inherited_from` only) or mixed (both); absent on older servers.
 */
export const ApiRoleUserSchema = ApiUserSchema.extend({
  assignment: z.string().nullish(),
  inherited_from: z
    .array(z.object({ slug: z.string().optional() }))
    .nullish()
    .catch(undefined),
});
export type ApiRoleUser = z.infer<typeof ApiRoleUserSchema>;

/** A GitHub App: who owns it (an organisation's own app, or someone else's). */
export const ApiAppSchema = z.object({
  slug: z.string().optional(),
  name: z.string(),
  /** `type` is User for an app a person owns, Organization for an organisation's. */
  owner: z.object({ login: z.string().min(1), type: z.string().optional() }).nullable(),
});

export const ApiSecretSchema = z.object({
  name: z.string().min(1),
  created_at: z.string().optional(),
  updated_at: z.string().optional(),
  /** Organisation secrets only: which repositories may use it (all, private, selected). */
  visibility: z.string().optional(),
});

const ReviewerSchema = z.object({
  type: z.string().optional(),
  reviewer: z.object({ login: z.string().optional(), slug: z.string().optional() }).nullish(),
});

export const ApiEnvironmentSchema = z.object({
  name: z.string().min(1),
  protection_rules: z
    .array(
      z.object({
        type: z.string(),
        prevent_self_review: z.boolean().optional(),
        reviewers: z.array(ReviewerSchema).optional(),
        wait_timer: z.number().optional(),
      }),
    )
    .optional(),
});
export type ApiEnvironment = z.infer<typeof ApiEnvironmentSchema>;

// ---- GraphQL answers ----

const PageInfoSchema = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() });

export const GqlUserSchema = z.object({
  login: Login,
  name: z.string().nullish(),
  email: z.string().nullish(),
  organizationVerifiedDomainEmails: z.array(z.string()).nullish(),
});
export type GqlUser = z.infer<typeof GqlUserSchema>;

export const GqlMembersSchema = z.object({
  organization: z
    .object({
      membersWithRole: z.object({ pageInfo: PageInfoSchema, nodes: z.array(GqlUserSchema.nullable()) }),
    })
    .nullable(),
});

export const GqlNodesSchema = z.object({
  nodes: z.array(GqlUserSchema.partial().nullable()),
});

export const GqlExternalIdentitiesSchema = z.object({
  organization: z
    .object({
      samlIdentityProvider: z
        .object({
          externalIdentities: z.object({
            pageInfo: PageInfoSchema,
            nodes: z.array(
              z
                .object({
                  samlIdentity: z
                    .object({
                      nameId: z.string().nullish(),
                      emails: z.array(z.object({ value: z.string().nullish() })).nullish(),
                    })
                    .nullish(),
                  user: z.object({ login: z.string() }).nullish(),
                })
                .nullable(),
            ),
          }),
        })
        .nullable(),
    })
    .nullable(),
});

/** Owners of the enterprise the organisation belongs to, with their role in the organisation. */
export const GqlEnterpriseOwnersSchema = z.object({
  organization: z
    .object({
      enterpriseOwners: z.object({
        pageInfo: PageInfoSchema,
        edges: z.array(
          z
            .object({
              organizationRole: z.enum(['OWNER', 'DIRECT_MEMBER', 'UNAFFILIATED']),
              node: z.object({ login: z.string().min(1), name: z.string().nullish() }).nullish(),
            })
            .nullable(),
        ),
      }),
    })
    .nullable(),
});
