// What the tests and the benchmark know about Google Cloud: where faults go, what a read is,
// how the server answers a wrong token, its quota and the fewest calls a full read takes.
import type { AnyConnector, ConnectorTestKit, HostileAttack } from '../../src/core/connector.js';
import { pageCount as pages } from '../../src/core/paging.js';

/** The kit, given the connector itself (passed in, so this file never imports the connector). */
export const gcpTestKit = (connector: AnyConnector): ConnectorTestKit => ({
  fast: connector,
  fastConfig: { retry: { attempts: 6, baseDelayMs: 1 } },
  faults: {
    firstCall: 'cloudresourcemanager.organizations.search',
    pagedCall: 'cloudresourcemanager.projects.search',
    slowDeadlineSeconds: 1,
  },
  // getIamPolicy is a POST that reads.
  hostile,
  isRead: (r) => /\.(search|get|list|listPolicies|getIamPolicy|lookup|searchTransitiveMemberships)$/.test(r.operation),
  secrets: {
    values: ['LKFAKE-gcp-token-9d3b7f2a6c'],
    block: (url) => ({
      organization: '123456789012',
      endpoint: url,
      accessToken: 'LKFAKE-gcp-token-9d3b7f2a6c',
      retry: { attempts: 1, baseDelayMs: 1 },
    }),
    refusal: (sent) => ({
      status: 401,
      contentType: 'application/json',
      body: JSON.stringify({
        error: { code: 401, status: 'UNAUTHENTICATED', message: `Request had invalid credentials: ${sent}` },
      }),
    }),
  },
  bench: {
    // IAM's default read quota is per minute (6,000); Resource Manager's is of the same order.
    rateLimits: { overall: { limit: 6000, windowMs: 60_000 } },
    concurrency: 32,
    minimumCalls: (scenario) => gcpMinimum(scenario as Parameters<typeof gcpMinimum>[0]),
  },
});

// The fewest calls that read everything a scenario holds, with the best API the system offers:
// a floor computed from the scenario, not from what lanekeeper does.
interface GcpShape {
  folders: { bindings?: { members: string[] }[] }[];
  projects: {
    serviceAccounts: unknown[];
    bindings?: { members: string[] }[];
    buckets?: { bindings?: { members: string[] }[] }[];
    datasets?: { access?: { groupByEmail?: string }[] }[];
  }[];
  organization?: { bindings?: { members: string[] }[] };
  groups?: { email: string; members: string[] }[];
  denyPolicies?: unknown[];
}

/** Groups any binding names: each is looked up once and its members listed once. */
function boundGroups(s: GcpShape): string[] {
  const nodes = [s.organization, ...s.folders, ...s.projects, ...s.projects.flatMap((p) => p.buckets ?? [])];
  const members = nodes.flatMap((n) => (n?.bindings ?? []).flatMap((b) => b.members));
  const datasetGroups = s.projects.flatMap((p) =>
    (p.datasets ?? []).flatMap((d) =>
      (d.access ?? []).flatMap((a) => (a.groupByEmail ? [`group:${a.groupByEmail}`] : [])),
    ),
  );
  return [...new Set([...members.filter((m) => m.startsWith('group:')), ...datasetGroups])];
}

function gcpMinimum(s: GcpShape): Record<string, number> {
  const serviceAccounts = s.projects.reduce((n, p) => n + p.serviceAccounts.length, 0);
  // Each project's buckets and datasets are listed (one page at least), then each one's IAM read.
  const listPages = (count: (p: GcpShape['projects'][number]) => number) =>
    s.projects.reduce((n, p) => n + pages(count(p), 100), 0);
  const each = (count: (p: GcpShape['projects'][number]) => number) => s.projects.reduce((n, p) => n + count(p), 0);
  return {
    'cloudresourcemanager.organizations.search': 1,
    'cloudresourcemanager.folders.search': pages(s.folders.length, 100),
    'cloudresourcemanager.projects.search': pages(s.projects.length, 100),
    'cloudresourcemanager.organizations.getIamPolicy': 1,
    'cloudresourcemanager.folders.getIamPolicy': s.folders.length,
    'cloudresourcemanager.projects.getIamPolicy': s.projects.length,
    'iam.projects.serviceAccounts.list': s.projects.length,
    'iam.projects.serviceAccounts.keys.list': serviceAccounts,
    'iam.projects.serviceAccounts.getIamPolicy': serviceAccounts,
    'storage.buckets.list': listPages((p) => p.buckets?.length ?? 0),
    'storage.buckets.getIamPolicy': each((p) => p.buckets?.length ?? 0),
    'bigquery.datasets.list': listPages((p) => p.datasets?.length ?? 0),
    'bigquery.datasets.get': each((p) => p.datasets?.length ?? 0),
    // Deny policies are listed on every node (the organisation, each folder, each project), then read.
    'iam.policies.listPolicies': 1 + s.folders.length + s.projects.length,
    'iam.policies.get': s.denyPolicies?.length ?? 0,
    'cloudidentity.groups.lookup': boundGroups(s).length,
    'cloudidentity.groups.memberships.searchTransitiveMemberships': boundGroups(s).reduce((n, g) => {
      const group = s.groups?.find((x) => `group:${x.email}` === g);
      return n + (group ? pages(group.members.length, 100) : 0);
    }, 0),
  };
}

/** The scenario with its free-text fields replaced by attacks: the escaping proof's input. */
function hostile(scenario: unknown, attack: HostileAttack): unknown {
  // biome-ignore lint/suspicious/noExplicitAny: scenarios are plain JSON; the emulator's schema checks the result
  type Json = any;
  const s: Json = structuredClone(scenario);
  for (const f of s.folders ?? []) f.displayName = attack.labelled('prod', attack.payload('rightToLeft'));
  for (const p of s.projects) {
    p.displayName = attack.next();
    for (const b of p.bindings) {
      if (b.condition) {
        b.condition.title = attack.next();
        b.condition.description = attack.next();
      }
    }
    for (const sa of p.serviceAccounts ?? []) {
      sa.displayName = attack.next();
      sa.description = attack.next();
    }
  }
  const prod = s.projects[0];
  // A bucket's and a dataset's own IAM name the attack too.
  prod.buckets = [
    ...(prod.buckets ?? []),
    {
      name: 'hostile-exports',
      bindings: [{ role: 'roles/storage.objectViewer', members: [`user:${attack.payload('plus')}@evil.example`] }],
    },
  ];
  prod.datasets = [
    ...(prod.datasets ?? []),
    { id: 'hostile_ds', access: [{ role: 'READER', userByEmail: `${attack.payload('plus')}@evil.example` }] },
  ];
  prod.bindings.push(
    { role: 'roles/editor', members: [`user:"${attack.payload('img')}"@evil.example`] },
    {
      role: 'roles/viewer',
      members: [`user:${attack.payload('plus')}@evil.example`, 'group:crew@evil.example'],
    },
  );
  // A group whose members are the attack: what the members become goes through every report.
  s.groups = [
    ...(s.groups ?? []),
    { email: 'crew@evil.example', members: [`user:${attack.payload('at').replace(/[@\s]/g, '')}@evil.example`] },
  ];
  return s;
}
