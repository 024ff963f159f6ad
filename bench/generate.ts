// Synthetic organisations for the benchmark and the scale tests: a seeded generator of one
// scenario per system (GitHub, AWS, GCP, Slack) plus a register that covers part of it, at the
// sizes issue 9 names. Same seed and scale, same scenario, byte for byte, on every machine.
// Distributions follow what real organisations look like: most repositories have no or few
// direct collaborators and a few have very many; teams grant most access; most projects have a
// handful of bindings; a few channels hold nearly everyone.

export type Scale = 'medium' | 'large';

export interface ScaleSize {
  repos: number;
  members: number;
  teams: number;
  awsAccounts: number;
  gcpProjects: number;
  slackUsers: number;
  slackChannels: number;
}

export const SCALES: Record<Scale, ScaleSize> = {
  medium: {
    repos: 500,
    members: 100,
    teams: 40,
    awsAccounts: 10,
    gcpProjects: 30,
    slackUsers: 500,
    slackChannels: 40,
  },
  large: {
    repos: 5000,
    members: 1000,
    teams: 300,
    awsAccounts: 50,
    gcpProjects: 300,
    slackUsers: 10_000,
    slackChannels: 100,
  },
};

export const ORG = 'acme';
export const DOMAIN = 'acme.example';
export const GCP_ORG_ID = '424242424242';
export const SLACK_TEAM = 'T0ACMECORP';
export const AUDIT_ROLE = 'lanekeeper-audit';

/** mulberry32: the same sequence for the same seed everywhere. */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
  /** k distinct items, in the input's order. */
  sample<T>(items: readonly T[], k: number): T[] {
    if (k >= items.length) return [...items];
    const chosen = new Set<number>();
    while (chosen.size < k) chosen.add(Math.floor(this.next() * items.length));
    return [...chosen].sort((a, b) => a - b).map((i) => items[i] as T);
  }
}

export interface GeneratedOrganisation {
  scenario: { github: unknown; aws: unknown; gcp: unknown; slack: unknown };
  /** Connector blocks beyond what the sandbox fills in (lanes, scope). */
  connectors: Record<string, Record<string, unknown>>;
  register: unknown;
}

const pad = (n: number, width = 4) => String(n).padStart(width, '0');
const DAY = 86_400_000;

/** A named scale, or any size (the tests use a small one). */
export function generateOrganisation(scale: Scale | ScaleSize, seed: number, now: Date): GeneratedOrganisation {
  const size = typeof scale === 'string' ? SCALES[scale] : scale;
  const rnd = new Random(seed);
  const date = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const people = Array.from({ length: size.members }, (_, i) => ({
    login: `dev-${pad(i)}`,
    email: `dev-${pad(i)}@${DOMAIN}`,
    contractor: i % 10 === 9,
  }));
  return {
    scenario: {
      github: github(size, rnd, people, date),
      aws: aws(size, rnd, people, date),
      gcp: gcp(size, rnd, people, date),
      slack: slack(size, rnd, people, date),
    },
    connectors: {
      github: { org: ORG, lanes: { production: [`${ORG}/infra-*`], data: [`${ORG}/data-*`] } },
      aws: { region: 'us-east-1', lanes: { production: ['acme-prod-*'], data: ['acme-data-*'], staging: [] } },
      gcp: {
        organization: GCP_ORG_ID,
        lanes: { production: ['acme-prod-*'], data: ['acme-data-*'], labels: { production: 'env=prod' } },
      },
      slack: { lanes: { data: ['#support*', '#customers*'] } },
    },
    register: register(people, now),
  };
}

interface Person {
  login: string;
  email: string;
  contractor: boolean;
}

type DateFn = (daysAgo: number) => string;

function github(size: ScaleSize, rnd: Random, people: Person[], date: DateFn) {
  const outside = Array.from({ length: Math.max(5, Math.round(size.members / 10)) }, (_, i) => `ext-${pad(i)}`);
  const users = [
    ...people.map((p, i) => ({
      login: p.login,
      name: `Developer ${pad(i)}`,
      verifiedDomainEmails: p.contractor ? [] : [p.email],
      ...(p.contractor ? { publicEmail: `${p.login}@freelance.example` } : {}),
      twoFactor: !rnd.chance(0.03),
    })),
    ...outside.map((login) => ({ login, twoFactor: rnd.chance(0.8) })),
  ];
  const members = people.map((p, i) => ({ login: p.login, role: i % 40 === 0 ? 'admin' : 'member' }));
  const repoNames = Array.from({ length: size.repos }, (_, i) => {
    const kind = i % 20 === 0 ? 'infra' : i % 20 === 1 ? 'data' : 'svc';
    return `${kind}-${pad(i)}`;
  });
  const logins = people.map((p) => p.login);
  const repos = repoNames.map((name, i) => {
    // Most repos have no direct collaborator; a few have many (past 100: a second page).
    const r = rnd.next();
    const count = r < 0.7 ? 0 : r < 0.9 ? rnd.int(1, 3) : r < 0.995 ? rnd.int(4, 12) : rnd.int(101, 140);
    const candidates = [...logins, ...outside];
    const collaborators = rnd.sample(candidates, count).map((login) => ({
      login,
      permission: rnd.pick(['pull', 'push', 'push', 'maintain', 'admin'] as const),
    }));
    const keys = rnd.chance(0.1)
      ? [{ id: 100_000 + i, title: `deploy-${name}`, readOnly: rnd.chance(0.6), createdAt: date(rnd.int(10, 900)) }]
      : [];
    const secrets = rnd.chance(0.3)
      ? Array.from({ length: rnd.int(1, 3) }, (_, k) => ({
          name: `SECRET_${k}`,
          createdAt: date(400),
          updatedAt: date(rnd.int(1, 300)),
        }))
      : [];
    const environments = name.startsWith('infra')
      ? [{ name: 'production', reviewers: [{ user: rnd.pick(logins) }], preventSelfReview: true }]
      : [];
    return {
      name,
      topics: name.startsWith('data') ? ['data'] : [],
      archived: rnd.chance(0.05),
      collaborators,
      deployKeys: keys,
      secrets,
      environments,
    };
  });
  const teams = Array.from({ length: size.teams }, (_, t) => {
    const slug = `team-${pad(t, 3)}`;
    const memberCount = rnd.chance(0.05) ? rnd.int(101, 130) : rnd.int(3, 15);
    // Teams grant most access: each team reaches a slice of the repos, a few reach very many.
    const repoCount = rnd.chance(0.05)
      ? rnd.int(101, 160)
      : rnd.int(5, Math.max(6, Math.round((3 * size.repos) / size.teams)));
    return {
      slug,
      // One team in ten nests under one of the first ten, one level deep, as most orgs nest.
      ...(t >= 10 && t % 10 === 5 ? { parent: `team-${pad(Math.floor(t / 10) % 10, 3)}` } : {}),
      members: rnd.sample(logins, Math.min(memberCount, logins.length)),
      repos: rnd.sample(repoNames, Math.min(repoCount, repoNames.length)).map((repo) => ({
        repo,
        permission: rnd.pick(['pull', 'push', 'push', 'maintain', 'admin'] as const),
      })),
    };
  });
  return {
    org: { login: ORG, name: 'Acme', defaultRepositoryPermission: 'read', samlSso: true },
    users: users.map((u) => (people.some((p) => p.login === u.login) ? { ...u, saml: samlFor(u.login) } : u)),
    members,
    teams,
    repos,
    orgSecrets: [{ name: 'NPM_TOKEN', createdAt: date(300), updatedAt: date(20), visibility: 'private' }],
    invitations: [
      { id: 1, email: `new-hire@${DOMAIN}`, role: 'direct_member', createdAt: date(2), inviter: logins[0] },
    ],
    patGrants: null,
  };
}

function samlFor(login: string) {
  return { nameId: `${login}@${DOMAIN}`, emails: [`${login}@${DOMAIN}`] };
}

function aws(size: ScaleSize, rnd: Random, people: Person[], date: DateFn) {
  const accounts = Array.from({ length: size.awsAccounts }, (_, a) => {
    const id = String(100_000_000_000 + a * 1_111_111).padStart(12, '0');
    const kind = a % 5 === 0 ? 'prod' : a % 5 === 1 ? 'data' : 'dev';
    const userCount = rnd.int(5, 30);
    const users = Array.from({ length: userCount }, (_, u) => {
      const person = rnd.pick(people);
      return {
        name: u === 0 ? 'ci-deployer' : `${person.login}-${u}`,
        createdAt: date(rnd.int(30, 900)),
        groups: [rnd.pick(['developers', 'readers', 'admins'])],
        ...(rnd.chance(0.5) ? { password: { createdAt: date(400), lastUsedAt: date(rnd.int(0, 200)) } } : {}),
        mfa: rnd.chance(0.8),
        accessKeys: rnd.chance(0.4)
          ? [
              {
                id: `AKIA${pad(a, 4)}${pad(u, 4)}BENCHKEY`.slice(0, 20),
                createdAt: date(rnd.int(10, 500)),
                lastUsedAt: date(rnd.int(0, 9)),
                lastUsedService: 's3',
                lastUsedRegion: 'us-east-1',
              },
            ]
          : [],
      };
    });
    const roleCount = rnd.int(5, 20);
    const roles = Array.from({ length: roleCount }, (_, r) => ({
      name: `role-${pad(r, 3)}`,
      createdAt: date(rnd.int(30, 900)),
      trust: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: r % 4 === 0 ? { Service: 'lambda.amazonaws.com' } : { AWS: `arn:aws:iam::${id}:root` },
            Action: 'sts:AssumeRole',
          },
        ],
      },
      managedPolicies: [rnd.pick(['ReadOnlyAccess', 'PowerUserAccess', 'AdministratorAccess'])],
    }));
    roles.push({
      name: AUDIT_ROLE,
      createdAt: date(900),
      trust: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::100000000000:root' }, Action: 'sts:AssumeRole' },
        ],
      },
      managedPolicies: ['SecurityAudit'],
    });
    return {
      id,
      name: `acme-${kind}-${pad(a, 3)}`,
      root: { createdAt: date(1000), mfa: true },
      users,
      groups: [
        { name: 'developers', managedPolicies: ['PowerUserAccess'] },
        { name: 'readers', managedPolicies: ['ReadOnlyAccess'] },
        { name: 'admins', managedPolicies: ['AdministratorAccess'] },
      ],
      roles,
      reportPolls: 0,
    };
  });
  return { callerAccount: accounts[0]?.id, organization: { auditRole: AUDIT_ROLE }, accounts };
}

function gcp(size: ScaleSize, rnd: Random, people: Person[], date: DateFn) {
  const folderCount = Math.max(2, Math.round(size.gcpProjects / 10));
  const folders = Array.from({ length: folderCount }, (_, f) => ({
    id: String(500_000 + f),
    displayName: `folder-${pad(f, 3)}`,
    parent: `organizations/${GCP_ORG_ID}`,
    bindings: [{ role: 'roles/viewer', members: [`user:${rnd.pick(people).email}`] }],
  }));
  const member = () => {
    const p = rnd.pick(people);
    return p.contractor ? `user:${p.login}@freelance.example` : `user:${p.email}`;
  };
  const projects = Array.from({ length: size.gcpProjects }, (_, p) => {
    const kind = p % 5 === 0 ? 'prod' : p % 5 === 1 ? 'data' : 'dev';
    const projectId = `acme-${kind}-${pad(p)}`;
    const bindingCount = rnd.int(2, 8);
    const roles = rnd.sample(
      [
        'roles/viewer',
        'roles/editor',
        'roles/owner',
        'roles/bigquery.dataViewer',
        'roles/storage.admin',
        'roles/browser',
      ],
      Math.min(6, bindingCount),
    );
    const serviceAccounts = Array.from({ length: rnd.int(1, 3) }, (_, s) => ({
      email: `sa-${s}@${projectId}.iam.gserviceaccount.com`,
      keys: Array.from({ length: rnd.int(0, 2) }, (_, k) => ({
        id: `${pad(p, 6)}${pad(s, 2)}${pad(k, 2)}`.padEnd(40, 'a'),
        validAfterTime: date(rnd.int(5, 400)),
      })),
    }));
    // Data lives in buckets and datasets with IAM of their own: a couple per data project, one per production one.
    const bucketCount = kind === 'data' ? 2 : kind === 'prod' ? 1 : 0;
    const buckets = Array.from({ length: bucketCount }, (_, b) => ({
      name: `${projectId}-bucket-${b}`,
      bindings: [{ role: 'roles/storage.objectViewer', members: [member()] }],
    }));
    const datasets =
      kind === 'data'
        ? [{ id: `warehouse_${pad(p)}`, access: [{ role: 'READER', userByEmail: member().slice('user:'.length) }] }]
        : [];
    return {
      projectId,
      displayName: projectId,
      parent: `folders/${folders[p % folderCount]?.id}`,
      labels: kind === 'prod' ? { env: 'prod' } : {},
      bindings: roles.map((role) => ({
        role,
        members: Array.from({ length: rnd.int(1, 4) }, member).filter((m, i, all) => all.indexOf(m) === i),
      })),
      serviceAccounts,
      buckets,
      datasets,
    };
  });
  return {
    organization: {
      id: GCP_ORG_ID,
      domain: DOMAIN,
      bindings: [{ role: 'roles/resourcemanager.organizationAdmin', members: [`user:${people[0]?.email}`] }],
    },
    folders,
    projects,
  };
}

function slack(size: ScaleSize, rnd: Random, people: Person[], date: DateFn) {
  const users = Array.from({ length: size.slackUsers }, (_, i) => {
    const person = people[i];
    const guest = !person && rnd.chance(0.05);
    return {
      id: `U${pad(i, 7)}`,
      name: person ? person.login : `user${pad(i, 5)}`,
      email: person ? person.email : guest ? `guest${i}@partner.example` : `user${pad(i, 5)}@${DOMAIN}`,
      role: i === 0 ? 'primary-owner' : i < 5 ? 'admin' : guest ? 'multi-channel-guest' : 'member',
      deleted: rnd.chance(0.03),
      twoFactor: rnd.chance(0.7),
      ...(guest ? { guestExpiresAt: date(-rnd.int(1, 90)).slice(0, 10) } : {}),
    };
  });
  const ids = users.filter((u) => !u.deleted).map((u) => u.id);
  const channels = Array.from({ length: size.slackChannels }, (_, c) => {
    const name = c === 0 ? 'general' : c % 10 === 1 ? `support-${pad(c, 3)}` : `chan-${pad(c, 3)}`;
    // #general holds everyone; a few big channels, most small.
    const count = c === 0 ? ids.length : rnd.chance(0.1) ? rnd.int(200, 1500) : rnd.int(3, 60);
    return {
      id: `C${pad(c, 7)}`,
      name,
      private: c % 7 === 3,
      general: c === 0,
      members: rnd.sample(ids, Math.min(count, ids.length)),
    };
  });
  // A handful of installed apps, some of which read messages, and a few user groups with default channels.
  const installer = () => rnd.pick(users.filter((u) => u.role !== 'multi-channel-guest'));
  const integrationLogs = Array.from({ length: 6 }, (_, a) => {
    const who = installer();
    return {
      appId: `A${pad(a, 7)}`,
      appName: `app-${pad(a, 2)}`,
      userId: who.id,
      userName: who.name,
      date: date(rnd.int(10, 400)),
      change: 'added',
      scopes: a % 3 === 0 ? ['channels:history', 'chat:write'] : ['chat:write', 'commands'],
    };
  });
  const userGroups = Array.from({ length: 3 }, (_, g) => ({
    id: `S${pad(g, 7)}`,
    handle: `team-${g}`,
    channels: [channels[(g * 7 + 1) % channels.length]?.id ?? 'C0000000'],
    users: rnd.sample(ids, Math.min(20, ids.length)),
  }));
  return { team: { id: SLACK_TEAM, name: 'Acme', domain: 'acme' }, users, channels, integrationLogs, userGroups };
}

/** Employees for most people, some contractors with dated grants: enough to make every rule work. */
function register(people: Person[], now: Date) {
  const day = (offset: number) => new Date(now.getTime() + offset * DAY).toISOString().slice(0, 10);
  const owner = people.find((p) => !p.contractor)?.login ?? 'dev-0000';
  return {
    organization: 'Acme',
    domains: [DOMAIN],
    people: people.map((p, i) =>
      p.contractor
        ? {
            id: p.login,
            name: `Developer ${pad(i)}`,
            kind: 'contractor',
            owner,
            emails: [p.email, `${p.login}@freelance.example`],
            accounts: { github: p.login },
            start: day(-200),
            end: day(i % 20 === 9 ? -10 : 60),
            grants: [
              {
                task: `Maintain the services of squad ${i % 7} (tickets in SVC-${i})`,
                system: 'github',
                scope: `${ORG}/svc-*`,
                lane: 'code',
                access: 'write',
                start: day(-200),
                end: day(i % 20 === 9 ? -10 : 60),
                ticket: `SVC-${i}`,
              },
            ],
          }
        : { id: p.login, name: `Developer ${pad(i)}`, kind: 'employee', emails: [p.email] },
    ),
  };
}
