// What the GitHub emulator serves: one organisation described the way an admin thinks of it
// (people, roles, teams, repos and who may touch them). The emulator derives GitHub's own
// answers from it (outside collaborators, role_name, paging), so a scenario cannot contradict itself.
import { z } from 'zod';

const Login = z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, 'a GitHub login');
const Instant = z.string().min(10);
export const RepoPermissionSchema = z.enum(['pull', 'triage', 'push', 'maintain', 'admin']);
export type RepoPermission = z.infer<typeof RepoPermissionSchema>;

export const ScenarioUserSchema = z.strictObject({
  login: Login,
  /** GitHub's numeric id; assigned from the position when absent. */
  id: z.number().int().positive().optional(),
  name: z.string().optional(),
  /** The public profile email (most people leave it empty). */
  publicEmail: z.string().optional(),
  /** Emails on the org's verified domains, as GraphQL organizationVerifiedDomainEmails answers. */
  verifiedDomainEmails: z.array(z.string()).default([]),
  twoFactor: z.boolean().default(true),
  type: z.enum(['User', 'Bot']).default('User'),
  /** The SAML identity linked to this user when the org has SSO. */
  saml: z.strictObject({ nameId: z.string(), emails: z.array(z.string()).default([]) }).optional(),
});
export type ScenarioUser = z.infer<typeof ScenarioUserSchema>;

const ReviewerSchema = z.union([z.strictObject({ user: Login }), z.strictObject({ team: z.string().min(1) })]);

export const ScenarioEnvironmentSchema = z.strictObject({
  name: z.string().min(1),
  reviewers: z.array(ReviewerSchema).default([]),
  preventSelfReview: z.boolean().default(false),
  waitTimer: z.number().int().nonnegative().optional(),
  createdAt: Instant.optional(),
});

export const ScenarioRepoSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._-]+$/),
  private: z.boolean().default(true),
  /** Internal (GitHub Enterprise): private to outsiders, read by every member of the enterprise. */
  internal: z.boolean().default(false),
  archived: z.boolean().default(false),
  description: z.string().optional(),
  topics: z.array(z.string()).default([]),
  /** Direct collaborators: members or outside collaborators. */
  collaborators: z
    .array(
      z.strictObject({
        login: Login,
        /** The base permission; with `role`, the custom role's base. */
        permission: RepoPermissionSchema,
        /** A custom repository role of the organisation (customRepositoryRoles). */
        role: z.string().optional(),
      }),
    )
    .default([]),
  /** Collaborators GitHub's GraphQL answers as null edges (an account it cannot resolve for this token). */
  unresolvedCollaborators: z.number().int().nonnegative().default(0),
  deployKeys: z
    .array(
      z.strictObject({
        id: z.number().int().positive(),
        title: z.string(),
        readOnly: z.boolean().default(true),
        addedBy: Login.optional(),
        lastUsed: Instant.optional(),
        createdAt: Instant,
        enabled: z.boolean().default(true),
      }),
    )
    .default([]),
  secrets: z.array(z.strictObject({ name: z.string(), createdAt: Instant, updatedAt: Instant })).default([]),
  environments: z.array(ScenarioEnvironmentSchema).default([]),
});
export type ScenarioRepo = z.infer<typeof ScenarioRepoSchema>;

export const ScenarioTeamSchema = z.strictObject({
  slug: z.string().regex(/^[a-z0-9-]+$/),
  name: z.string().optional(),
  description: z.string().optional(),
  parent: z.string().optional(),
  members: z.array(Login).default([]),
  repos: z
    .array(z.strictObject({ repo: z.string(), permission: RepoPermissionSchema, role: z.string().optional() }))
    .default([]),
});
export type ScenarioTeam = z.infer<typeof ScenarioTeamSchema>;

export const GithubScenarioSchema = z
  .strictObject({
    org: z.strictObject({
      login: Login,
      id: z.number().int().positive().default(1000),
      name: z.string().optional(),
      defaultRepositoryPermission: z.enum(['read', 'write', 'admin', 'none']).default('read'),
      twoFactorRequirementEnabled: z.boolean().default(false),
      /** SAML SSO configured: GraphQL answers samlIdentityProvider.externalIdentities. */
      samlSso: z.boolean().default(false),
      /**
       * The plan GET /orgs/{org} names (to an owner): "free", "team", "enterprise". Absent:
       * "enterprise" when the scenario has custom repository roles (an Enterprise Cloud
       * feature), "free" otherwise.
       */
      plan: z.string().min(1).optional(),
      createdAt: Instant.optional(),
    }),
    /** Everyone the org knows: members, outside collaborators, inviters, PAT owners. */
    users: z.array(ScenarioUserSchema).default([]),
    members: z.array(z.strictObject({ login: Login, role: z.enum(['admin', 'member']) })).default([]),
    teams: z.array(ScenarioTeamSchema).default([]),
    repos: z.array(ScenarioRepoSchema).default([]),
    /**
     * The organisation's Actions secrets; null when the token may not list them (403: a classic
     * token without admin:org).
     */
    orgSecrets: z
      .array(
        z.strictObject({
          name: z.string(),
          createdAt: Instant,
          updatedAt: Instant,
          visibility: z.enum(['all', 'private', 'selected']).default('private'),
        }),
      )
      .nullable()
      .default([]),
    invitations: z
      .array(
        z.strictObject({
          id: z.number().int().positive(),
          login: Login.optional(),
          email: z.string().optional(),
          role: z.enum(['admin', 'direct_member', 'billing_manager', 'hiring_manager', 'reinstate']),
          createdAt: Instant,
          inviter: Login,
        }),
      )
      .default([]),
    /** Fine-grained PAT grants; null when the token may not read them (only GitHub Apps may). */
    patGrants: z
      .array(
        z.strictObject({
          id: z.number().int().positive(),
          owner: Login,
          tokenId: z.number().int().positive(),
          tokenName: z.string(),
          repositorySelection: z.enum(['none', 'all', 'subset']).default('subset'),
          permissions: z
            .strictObject({
              organization: z.record(z.string(), z.string()).default({}),
              repository: z.record(z.string(), z.string()).default({}),
            })
            .default({ organization: {}, repository: {} }),
          accessGrantedAt: Instant,
          tokenExpired: z.boolean().default(false),
          tokenExpiresAt: Instant.nullable().default(null),
          tokenLastUsedAt: Instant.nullable().default(null),
        }),
      )
      .nullable()
      .default(null),
    /**
     * GitHub Apps installed on the org (not lanekeeper's own): their owner, permissions and reach.
     * null when the token may not list them (it needs the org's Administration read permission).
     */
    installations: z
      .array(
        z.strictObject({
          id: z.number().int().positive(),
          appId: z.number().int().positive(),
          appSlug: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
          appName: z.string().min(1),
          /** The app's owner: the org itself, another org or a user. null: a private app GitHub does not show. */
          owner: z.string().min(1).nullable(),
          repositorySelection: z.enum(['all', 'selected']).default('all'),
          permissions: z.record(z.string(), z.enum(['read', 'write', 'admin'])).default({}),
          createdAt: Instant,
          suspendedAt: Instant.nullable().default(null),
        }),
      )
      .nullable()
      .default([]),
    /** Owners of the org's enterprise, with their role in the org; null when GraphQL may not show them. */
    enterpriseOwners: z
      .array(z.strictObject({ login: Login, organizationRole: z.enum(['OWNER', 'DIRECT_MEMBER', 'UNAFFILIATED']) }))
      .nullable()
      .default([]),
    /**
     * Enterprise owners GitHub cannot resolve for this token, listed after the others: each is
     * answered as a null edge ('edge') or an edge whose node is null ('node').
     */
    unresolvedEnterpriseOwners: z.array(z.enum(['edge', 'node'])).default([]),
    /**
     * Operations (as operations.ts names them) GitHub throttles once, then answers normally:
     * 'abuse-detection' is the older secondary-limit answer (403, "You have triggered an abuse
     * detection mechanism", Retry-After), 'retry-after' a 429 with Retry-After and budget left.
     */
    throttledOnce: z
      .array(z.strictObject({ operation: z.string(), answer: z.enum(['abuse-detection', 'retry-after']) }))
      .default([]),
    /**
     * Organisation roles (predefined like security_manager and all_repo_admin, or the org's own)
     * and who holds them; null when the token may not list them.
     */
    organizationRoles: z
      .array(
        z.strictObject({
          id: z.number().int().positive(),
          name: z.string().min(1),
          description: z.string().optional(),
          baseRole: z.enum(['read', 'triage', 'write', 'maintain', 'admin']).nullable().default(null),
          permissions: z.array(z.string().min(1)).default([]),
          source: z.enum(['Organization', 'Enterprise', 'Predefined']).default('Organization'),
          users: z.array(Login).default([]),
          teams: z.array(z.string().min(1)).default([]),
        }),
      )
      .nullable()
      .default([]),
    /** A GitHub App installed on the org: the emulator mints installation tokens for JWTs it signs. */
    app: z
      .strictObject({
        appId: z.number().int().positive(),
        installationId: z.number().int().positive(),
        /** PEM public key that verifies the app's JWTs (RS256). */
        publicKey: z.string().min(1),
      })
      .optional(),
    /**
     * Custom repository roles (GitHub Enterprise Cloud). Absent: the organisation is not on
     * Enterprise Cloud, and GitHub answers 404; null: the token may not read them (403).
     */
    customRepositoryRoles: z
      .array(
        z.strictObject({
          id: z.number().int().positive(),
          name: z.string().min(1),
          baseRole: z.enum(['read', 'triage', 'write', 'maintain']),
          description: z.string().optional(),
          permissions: z.array(z.string().min(1)).default([]),
        }),
      )
      .nullable()
      .optional(),
    /** The token belongs to an owner, so `filter=2fa_disabled` answers; false answers 403. */
    twoFactorVisible: z.boolean().default(true),
    /**
     * `GET /orgs/{org}` shows the organization's full details (its base permission among them):
     * GitHub shows them to an owner only, and to a classic token only with `admin:org`.
     */
    orgDetailsVisible: z.boolean().default(true),
    /**
     * The scanning credential reaches only these repositories (a GitHub App installed on selected
     * repositories, or a fine-grained token): private and internal repositories outside them are
     * not listed and answer 404, and the installation token's answer says repository_selection
     * "selected". Absent: it reaches all of them.
     */
    selectedRepositories: z.array(z.string()).optional(),
    /** The token may run GraphQL queries on the org; false answers FORBIDDEN errors. */
    graphqlAllowed: z.boolean().default(true),
  })
  .superRefine((s, ctx) => {
    const users = new Set(s.users.map((u) => u.login.toLowerCase()));
    const repos = new Set(s.repos.map((r) => r.name));
    const needUser = (login: string, path: (string | number)[]) => {
      if (!users.has(login.toLowerCase())) ctx.addIssue({ code: 'custom', path, message: `unknown user "${login}"` });
    };
    s.members.forEach((m, i) => {
      needUser(m.login, ['members', i, 'login']);
    });
    s.teams.forEach((t, i) => {
      t.members.forEach((m, j) => {
        needUser(m, ['teams', i, 'members', j]);
      });
      t.repos.forEach((r, j) => {
        if (!repos.has(r.repo))
          ctx.addIssue({ code: 'custom', path: ['teams', i, 'repos', j], message: 'unknown repo' });
      });
    });
    const teams = new Set(s.teams.map((t) => t.slug));
    s.teams.forEach((t, i) => {
      if (t.parent !== undefined && !teams.has(t.parent)) {
        ctx.addIssue({ code: 'custom', path: ['teams', i, 'parent'], message: `unknown team "${t.parent}"` });
      }
    });
    // A custom role must be one of the organisation's, given with its base permission.
    const BASE: Readonly<Record<string, string>> = {
      read: 'pull',
      triage: 'triage',
      write: 'push',
      maintain: 'maintain',
    };
    const needRole = (entry: { role?: string | undefined; permission: string }, path: (string | number)[]) => {
      if (entry.role === undefined) return;
      const role = s.customRepositoryRoles?.find((r) => r.name === entry.role);
      if (!role) ctx.addIssue({ code: 'custom', path, message: `unknown custom repository role "${entry.role}"` });
      else if (BASE[role.baseRole] !== entry.permission)
        ctx.addIssue({ code: 'custom', path, message: `"${entry.role}" has the base ${role.baseRole}` });
    };
    s.teams.forEach((t, i) => {
      t.repos.forEach((r, j) => {
        needRole(r, ['teams', i, 'repos', j, 'role']);
      });
    });
    s.repos.forEach((r, i) => {
      r.collaborators.forEach((c, j) => {
        needUser(c.login, ['repos', i, 'collaborators', j, 'login']);
        needRole(c, ['repos', i, 'collaborators', j, 'role']);
      });
      r.environments.forEach((env, j) => {
        env.reviewers.forEach((rv, k) => {
          const path = ['repos', i, 'environments', j, 'reviewers', k];
          if ('user' in rv) needUser(rv.user, path);
          else if (!teams.has(rv.team)) ctx.addIssue({ code: 'custom', path, message: `unknown team "${rv.team}"` });
        });
      });
      r.deployKeys.forEach((k, j) => {
        if (k.addedBy !== undefined) needUser(k.addedBy, ['repos', i, 'deployKeys', j, 'addedBy']);
      });
    });
    s.invitations.forEach((inv, i) => {
      needUser(inv.inviter, ['invitations', i, 'inviter']);
    });
    (s.enterpriseOwners ?? []).forEach((o, i) => {
      needUser(o.login, ['enterpriseOwners', i, 'login']);
    });
    (s.patGrants ?? []).forEach((g, i) => {
      needUser(g.owner, ['patGrants', i, 'owner']);
    });
  });
export type GithubScenario = z.infer<typeof GithubScenarioSchema>;
