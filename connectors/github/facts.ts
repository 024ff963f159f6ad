// What one read of an organisation found, as read.ts hands it to records.ts: plain types, so the
// record builder depends on the shapes of the answers, not on the code that fetched them.
import type { z } from 'zod';
import type {
  ApiCollaboratorSchema,
  ApiCustomRepoRole,
  ApiDeployKeySchema,
  ApiEnvironmentSchema,
  ApiInstallation,
  ApiInvitationSchema,
  ApiOrgRole,
  ApiOrgSchema,
  ApiPatGrantSchema,
  ApiRepoSchema,
  ApiSecretSchema,
  ApiTeamSchema,
  ApiUserSchema,
} from './schema.js';

export interface Profile {
  name?: string;
  emails: string[];
  /** SAML NameIDs linked to the login. */
  identities: string[];
}

export interface EnterpriseOwner {
  login: string;
  name?: string;
  /** Their role in this organisation: OWNER, DIRECT_MEMBER, or UNAFFILIATED (not in it at all). */
  organizationRole: 'OWNER' | 'DIRECT_MEMBER' | 'UNAFFILIATED';
}

export interface RepoFacts {
  repo: z.infer<typeof ApiRepoSchema>;
  collaborators: z.infer<typeof ApiCollaboratorSchema>[];
  deployKeys: z.infer<typeof ApiDeployKeySchema>[];
  secrets: z.infer<typeof ApiSecretSchema>[];
  environments: z.infer<typeof ApiEnvironmentSchema>[];
}

export interface TeamFacts {
  team: z.infer<typeof ApiTeamSchema>;
  repos: z.infer<typeof ApiRepoSchema>[];
  members: z.infer<typeof ApiUserSchema>[];
  /**
   * What `members` holds: `immediate`, the team's own members (GraphQL, membership IMMEDIATE), or
   * `all` (the default, as REST lists them), its own and its child teams' members together.
   */
  membership?: 'immediate' | 'all';
}

export interface OrgFacts {
  org: z.infer<typeof ApiOrgSchema>;
  owners: z.infer<typeof ApiUserSchema>[];
  members: z.infer<typeof ApiUserSchema>[];
  outside: z.infer<typeof ApiUserSchema>[];
  /** Logins (lower-cased) without 2FA; undefined when the token may not see it. */
  twoFactorDisabled: { members?: Set<string>; outside?: Set<string> };
  invitations: z.infer<typeof ApiInvitationSchema>[];
  repos: RepoFacts[];
  teams: TeamFacts[];
  /** Undefined when the token may not read them (a classic token needs admin:org). */
  orgSecrets?: z.infer<typeof ApiSecretSchema>[];
  /** Undefined when the token may not read them (only GitHub Apps may). */
  patGrants?: z.infer<typeof ApiPatGrantSchema>[];
  /** GitHub Apps installed on the organisation, with their owners; undefined when not visible. */
  apps?: AppFacts[];
  /** Organisation roles and who holds them (users, and teams whose members do); undefined when not visible. */
  orgRoles?: OrgRoleFacts[];
  /** Custom repository roles by definition (Enterprise Cloud); undefined when not visible. */
  customRepoRoles?: ApiCustomRepoRole[];
  /** Owners of the organisation's enterprise; undefined when not visible. */
  enterpriseOwners?: EnterpriseOwner[];
  /** Names, emails and SAML identities by lower-cased login. */
  profiles: Map<string, Profile>;
}

export interface OrgRoleFacts {
  role: ApiOrgRole;
  /** Everyone GitHub lists as holding the role, with how: assigned it, through a team, or both. */
  users: RoleHolder[];
  teams: string[];
}

export interface RoleHolder {
  login: string;
  /** GitHub's `assignment`; a server that does not say is taken as direct. */
  assignment: 'direct' | 'indirect' | 'mixed';
  /** The teams GitHub says the role comes through (`inherited_from`). */
  teams: string[];
}

export interface AppFacts {
  installation: ApiInstallation;
  name: string;
  /** The app's owner; undefined when GitHub does not show it (a private app of another owner). */
  owner?: string;
  /** The owner's account type: User (a person, who holds the app's private keys) or Organization. */
  ownerType?: string;
}
