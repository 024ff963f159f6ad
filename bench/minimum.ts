// The fewest API calls that can read everything a generated organisation holds, per system and
// per endpoint, with the best API each system offers: GitHub GraphQL for repositories with their
// collaborators and teams with members and repositories (100 per page, one query per further
// page of a longer connection), REST where GraphQL has no equivalent (deploy keys, secrets,
// environments, PAT grants); AWS GetAccountAuthorizationDetails and the credential report;
// GCP one getIamPolicy per resource; Slack at its largest page (1000). It is a floor, computed
// from the scenario, not from what lanekeeper does.

const pages = (items: number, size: number) => Math.max(1, Math.ceil(items / size));
/** Pages beyond the first of a nested connection: each is one more query on that node. */
const extra = (items: number, size = 100) => Math.max(0, Math.ceil(items / size) - 1);

export type Minimum = Record<string, number>;

interface GithubShape {
  users: { login: string; twoFactor?: boolean; saml?: unknown }[];
  members: { login: string; role: string }[];
  teams: { slug: string; parent?: string; members: string[]; repos: unknown[] }[];
  repos: { collaborators: { login: string }[] }[];
}

export function githubMinimum(s: GithubShape): Minimum {
  const memberLogins = new Set(s.members.map((m) => m.login.toLowerCase()));
  const direct = new Set(s.repos.flatMap((r) => r.collaborators.map((c) => c.login.toLowerCase())));
  const outside = [...direct].filter((l) => !memberLogins.has(l)).length;
  const admins = s.members.filter((m) => m.role === 'admin').length;
  const twoFactorOff = s.users.filter((u) => u.twoFactor === false);
  // A team lists its children's members too (GitHub's default membership).
  const children = new Map<string, string[]>();
  for (const t of s.teams) if (t.parent) children.set(t.parent, [...(children.get(t.parent) ?? []), t.slug]);
  const bySlug = new Map(s.teams.map((t) => [t.slug, t]));
  const membersOf = (slug: string, seen = new Set<string>()): Set<string> => {
    const out = new Set<string>();
    if (seen.has(slug)) return out;
    seen.add(slug);
    for (const m of bySlug.get(slug)?.members ?? []) out.add(m.toLowerCase());
    for (const c of children.get(slug) ?? []) for (const m of membersOf(c, seen)) out.add(m);
    return out;
  };
  const reposOf = (slug: string): number => {
    // A child inherits its parents' repositories.
    const names = new Set<unknown>();
    let t = bySlug.get(slug);
    const seen = new Set<string>();
    while (t && !seen.has(t.slug)) {
      seen.add(t.slug);
      for (const r of t.repos) names.add((r as { repo: string }).repo);
      t = t.parent ? bySlug.get(t.parent) : undefined;
    }
    return names.size;
  };
  const graphql =
    pages(s.repos.length, 100) +
    s.repos.reduce((n, r) => n + extra(r.collaborators.length), 0) +
    pages(s.teams.length, 100) +
    s.teams.reduce((n, t) => n + extra(membersOf(t.slug).size) + extra(reposOf(t.slug)), 0) +
    pages(s.members.length, 100) + // member names and emails
    (outside > 0 ? pages(outside, 100) : 0) + // outside collaborators' names and emails
    pages(s.users.filter((u) => u.saml).length, 100); // SAML identities
  return {
    'GET /orgs/{org}': 1,
    'GET /orgs/{org}/members': pages(admins, 100) + pages(s.members.length - admins, 100) + 1,
    'GET /orgs/{org}/outside_collaborators': pages(outside, 100) + pages(twoFactorOff.length, 100),
    'GET /orgs/{org}/invitations': 1,
    'GET /orgs/{org}/actions/secrets': 1,
    'GET /orgs/{org}/personal-access-tokens': 1,
    'POST /graphql': graphql,
    'GET /repos/{owner}/{repo}/keys': s.repos.length,
    'GET /repos/{owner}/{repo}/actions/secrets': s.repos.length,
    'GET /repos/{owner}/{repo}/environments': s.repos.length,
  };
}

interface AwsShape {
  callerAccount: string;
  accounts: {
    id: string;
    users: { accessKeys: unknown[] }[];
    groups: unknown[];
    roles: unknown[];
    policies?: unknown[];
  }[];
}

export function awsMinimum(s: AwsShape): Minimum {
  const n = s.accounts.length;
  const details = s.accounts.reduce(
    (sum, a) => sum + pages(a.users.length + a.groups.length + a.roles.length + (a.policies?.length ?? 0), 1000),
    0,
  );
  return {
    'sts:GetCallerIdentity': 1,
    'organizations:ListAccounts': pages(n, 20),
    'sts:AssumeRole': s.accounts.filter((a) => a.id !== s.callerAccount).length,
    'iam:GetAccountAuthorizationDetails': details,
    'iam:GenerateCredentialReport': n,
    'iam:GetCredentialReport': n,
    // The credential report says which users have keys but not the key ids: one call per such user.
    'iam:ListAccessKeys': s.accounts.reduce((sum, a) => sum + a.users.filter((u) => u.accessKeys.length > 0).length, 0),
  };
}

interface GcpShape {
  folders: unknown[];
  projects: { serviceAccounts: unknown[] }[];
}

export function gcpMinimum(s: GcpShape): Minimum {
  const serviceAccounts = s.projects.reduce((n, p) => n + p.serviceAccounts.length, 0);
  return {
    'cloudresourcemanager.organizations.search': 1,
    'cloudresourcemanager.folders.search': pages(s.folders.length, 100),
    'cloudresourcemanager.projects.search': pages(s.projects.length, 100),
    'cloudresourcemanager.organizations.getIamPolicy': 1,
    'cloudresourcemanager.folders.getIamPolicy': s.folders.length,
    'cloudresourcemanager.projects.getIamPolicy': s.projects.length,
    'iam.projects.serviceAccounts.list': s.projects.length,
    'iam.projects.serviceAccounts.keys.list': serviceAccounts,
  };
}

interface SlackShape {
  users: unknown[];
  channels: { members: unknown[] }[];
}

export function slackMinimum(s: SlackShape): Minimum {
  return {
    'team.info': 1,
    'users.list': pages(s.users.length, 1000),
    'conversations.list': pages(s.channels.length, 1000),
    'conversations.members': s.channels
      .filter((c) => c.members.length > 0)
      .reduce((n, c) => n + pages(c.members.length, 1000), 0),
  };
}

export function minimumOf(system: string, scenario: unknown): Minimum {
  switch (system) {
    case 'github':
      return githubMinimum(scenario as GithubShape);
    case 'aws':
      return awsMinimum(scenario as AwsShape);
    case 'gcp':
      return gcpMinimum(scenario as GcpShape);
    case 'slack':
      return slackMinimum(scenario as SlackShape);
    default:
      throw new Error(`no minimum for ${system}`);
  }
}

export const total = (m: Minimum) => Object.values(m).reduce((a, b) => a + b, 0);
