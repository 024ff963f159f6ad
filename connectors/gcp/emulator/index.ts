// The GCP sandbox: Resource Manager v3 and IAM v1 as REST JSON on loopback, served from a
// scenario. It answers what the real APIs answer to the calls the connector makes: search with
// nextPageToken paging, getIamPolicy with version-3 bindings, conditions and base64 etags (and
// version 1's `_withcond_` roles when a client forgets to ask for version 3), service accounts and
// their keys filtered by keyTypes, and errors in Google's `{"error":{code,message,status}}` body.
import { createHash } from 'node:crypto';
import type { EmulatorOptions, FaultKind, RunningEmulator } from '../../../src/core/connector.js';
import {
  type EmulatorRequest,
  type EmulatorResponse,
  pageOf,
  type Route,
  startHttpEmulator,
} from '../../../src/core/emulator-kit.js';
import type { GcpOperation } from '../operations.js';
import type { GcpScenario, ScenarioBinding, ScenarioProject } from './scenario.js';

export const SANDBOX_TOKEN_ENV = 'LANEKEEPER_SANDBOX_GCP_TOKEN';
const SANDBOX_TOKEN = 'ya29.lanekeeper-sandbox-gcp-token';
/** What Google writes as validBeforeTime for a key that never expires. */
export const NEVER_EXPIRES = '9999-12-31T23:59:59Z';
const DEFAULT_PAGE_SIZE = 100;

interface GcpRoute extends Route {
  operation: GcpOperation;
}

/** Google's canonical codes by name, with their HTTP status. */
const STATUS = {
  INVALID_ARGUMENT: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  RESOURCE_EXHAUSTED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const;
type StatusName = keyof typeof STATUS;

export async function startGcpEmulator(scenario: GcpScenario, options: EmulatorOptions): Promise<RunningEmulator> {
  const world = new World(scenario);
  const server = await startHttpEmulator({
    options,
    route: routeRequest,
    handle: (req, route, ctx) => {
      if (req.headers.authorization !== `Bearer ${SANDBOX_TOKEN}`)
        return googleError('UNAUTHENTICATED', 'Request had invalid authentication credentials.');
      return world.answer(req, route as GcpRoute, { pageSize: options.pageSize, fault: ctx.fault });
    },
    renderFault: (kind) => renderFault(kind),
  });
  const config: Record<string, unknown> = { endpoint: server.url, accessToken: `\${${SANDBOX_TOKEN_ENV}}` };
  if (scenario.organization) config.organization = scenario.organization.id;
  return {
    url: server.url,
    config,
    env: { [SANDBOX_TOKEN_ENV]: SANDBOX_TOKEN },
    requests: server.requests,
    close: () => server.close(),
  };
}

const ROUTES: readonly { method: string; pattern: RegExp; operation: GcpOperation; params: readonly string[] }[] = [
  {
    method: 'GET',
    pattern: /^\/v3\/organizations:search$/,
    operation: 'cloudresourcemanager.organizations.search',
    params: [],
  },
  { method: 'GET', pattern: /^\/v3\/folders:search$/, operation: 'cloudresourcemanager.folders.search', params: [] },
  {
    method: 'GET',
    pattern: /^\/v3\/folders\/(\d+)$/,
    operation: 'cloudresourcemanager.folders.get',
    params: ['folder'],
  },
  { method: 'GET', pattern: /^\/v3\/projects:search$/, operation: 'cloudresourcemanager.projects.search', params: [] },
  {
    method: 'POST',
    pattern: /^\/v3\/organizations\/(\d+):getIamPolicy$/,
    operation: 'cloudresourcemanager.organizations.getIamPolicy',
    params: ['organization'],
  },
  {
    method: 'POST',
    pattern: /^\/v3\/folders\/(\d+):getIamPolicy$/,
    operation: 'cloudresourcemanager.folders.getIamPolicy',
    params: ['folder'],
  },
  {
    method: 'POST',
    pattern: /^\/v3\/projects\/([^/:]+):getIamPolicy$/,
    operation: 'cloudresourcemanager.projects.getIamPolicy',
    params: ['project'],
  },
  {
    method: 'GET',
    pattern: /^\/v1\/projects\/([^/]+)\/serviceAccounts$/,
    operation: 'iam.projects.serviceAccounts.list',
    params: ['project'],
  },
  {
    method: 'GET',
    pattern: /^\/v1\/projects\/([^/]+)\/serviceAccounts\/([^/]+)\/keys$/,
    operation: 'iam.projects.serviceAccounts.keys.list',
    params: ['project', 'account'],
  },
  {
    // IAM v1 reads a policy with a POST (empty body, the version as a query parameter).
    method: 'POST',
    pattern: /^\/v1\/projects\/([^/]+)\/serviceAccounts\/([^/:]+):getIamPolicy$/,
    operation: 'iam.projects.serviceAccounts.getIamPolicy',
    params: ['project', 'account'],
  },
  { method: 'GET', pattern: /^\/v1\/roles\/([^/]+)$/, operation: 'iam.roles.get', params: ['role'] },
  {
    method: 'GET',
    pattern: /^\/v1\/organizations\/([^/]+)\/roles\/([^/]+)$/,
    operation: 'iam.organizations.roles.get',
    params: ['organization', 'role'],
  },
  {
    method: 'GET',
    pattern: /^\/v1\/projects\/([^/]+)\/roles\/([^/]+)$/,
    operation: 'iam.projects.roles.get',
    params: ['project', 'role'],
  },
  { method: 'GET', pattern: /^\/v1\/groups:lookup$/, operation: 'cloudidentity.groups.lookup', params: [] },
  {
    method: 'GET',
    pattern: /^\/v1\/groups\/([^/]+)\/memberships:searchTransitiveMemberships$/,
    operation: 'cloudidentity.groups.memberships.searchTransitiveMemberships',
    params: ['group'],
  },
  { method: 'GET', pattern: /^\/storage\/v1\/b$/, operation: 'storage.buckets.list', params: [] },
  {
    method: 'GET',
    pattern: /^\/storage\/v1\/b\/([^/]+)\/iam$/,
    operation: 'storage.buckets.getIamPolicy',
    params: ['bucket'],
  },
  {
    method: 'GET',
    pattern: /^\/bigquery\/v2\/projects\/([^/]+)\/datasets$/,
    operation: 'bigquery.datasets.list',
    params: ['project'],
  },
  {
    method: 'GET',
    pattern: /^\/bigquery\/v2\/projects\/([^/]+)\/datasets\/([^/]+)$/,
    operation: 'bigquery.datasets.get',
    params: ['project', 'dataset'],
  },
  {
    method: 'GET',
    pattern: /^\/v2\/policies\/([^/]+)\/denypolicies$/,
    operation: 'iam.policies.listPolicies',
    params: ['attachment'],
  },
  {
    method: 'GET',
    pattern: /^\/v2\/policies\/([^/]+)\/denypolicies\/([^/]+)$/,
    operation: 'iam.policies.get',
    params: ['attachment', 'policy'],
  },
];

export function routeRequest(req: EmulatorRequest): GcpRoute | undefined {
  for (const route of ROUTES) {
    if (route.method !== req.method) continue;
    const m = route.pattern.exec(req.path);
    if (!m) continue;
    const params: Record<string, string> = {};
    route.params.forEach((name, i) => {
      params[name] = decodeURIComponent(m[i + 1] ?? '');
    });
    return { operation: route.operation, params };
  }
  return undefined;
}

interface AnswerContext {
  pageSize: number | undefined;
  fault: FaultKind | undefined;
}

/** The scenario indexed the ways Google's APIs look things up. */
class World {
  private readonly projects: (ScenarioProject & { number: string })[];

  constructor(private readonly scenario: GcpScenario) {
    this.projects = scenario.projects.map((p, i) => ({
      ...p,
      number: p.number ?? String(100_000_000_000 + i * 1_111),
    }));
  }

  answer(req: EmulatorRequest, route: GcpRoute, ctx: AnswerContext): EmulatorResponse {
    const { params } = route;
    switch (route.operation) {
      case 'cloudresourcemanager.organizations.search':
        return this.searchOrganizations(req, ctx);
      case 'cloudresourcemanager.folders.search':
        return this.searchFolders(req, ctx);
      case 'cloudresourcemanager.folders.get': {
        const folder = this.folder(params.folder);
        if (!folder) return denied(`folders/${params.folder}`);
        return json(this.folderJson(folder, req));
      }
      case 'cloudresourcemanager.projects.search':
        return this.searchProjects(req, ctx);
      case 'cloudresourcemanager.organizations.getIamPolicy': {
        const org = this.scenario.organization;
        if (!org || org.id !== params.organization || org.denied) return denied(`organizations/${params.organization}`);
        return policyAnswer(org.bindings, req);
      }
      case 'cloudresourcemanager.folders.getIamPolicy': {
        const folder = this.folder(params.folder);
        if (!folder || folder.denied) return denied(`folders/${params.folder}`);
        return policyAnswer(folder.bindings, req);
      }
      case 'cloudresourcemanager.projects.getIamPolicy': {
        const project = this.project(params.project);
        if (!project || project.denied || project.state !== 'ACTIVE') return denied(`projects/${params.project}`);
        return policyAnswer(project.bindings, req);
      }
      case 'iam.projects.serviceAccounts.list':
        return this.listServiceAccounts(req, params.project ?? '', ctx);
      case 'iam.projects.serviceAccounts.keys.list':
        return this.listKeys(req, params.project ?? '', params.account ?? '');
      case 'iam.projects.serviceAccounts.getIamPolicy':
        return this.serviceAccountPolicy(req, params.project ?? '', params.account ?? '');
      case 'iam.roles.get':
        return this.role(`roles/${params.role}`);
      case 'iam.organizations.roles.get':
        return this.role(`organizations/${params.organization}/roles/${params.role}`);
      case 'iam.projects.roles.get':
        return this.role(`projects/${params.project}/roles/${params.role}`);
      case 'cloudidentity.groups.lookup':
        return this.lookupGroup(req.query.get('groupKey.id') ?? '');
      case 'cloudidentity.groups.memberships.searchTransitiveMemberships':
        return this.transitiveMemberships(params.group ?? '', req, ctx);
      case 'storage.buckets.list':
        return this.listBuckets(req.query.get('project') ?? '', req, ctx);
      case 'storage.buckets.getIamPolicy':
        return this.bucketPolicy(params.bucket ?? '', req);
      case 'bigquery.datasets.list':
        return this.listDatasets(params.project ?? '', req, ctx);
      case 'bigquery.datasets.get':
        return this.dataset(params.project ?? '', params.dataset ?? '', req.query.get('accessPolicyVersion'));
      case 'iam.policies.listPolicies':
        return this.listDenyPolicies(params.attachment ?? '', req, ctx);
      case 'iam.policies.get':
        return this.denyPolicy(params.attachment ?? '', params.policy ?? '');
    }
  }

  /** The node a deny policy's attachment point names (projects by id or number), as the scenario writes it. */
  private attachedNode(attachment: string): string | undefined {
    const m = /^cloudresourcemanager\.googleapis\.com\/(organizations|folders|projects)\/([^/]+)$/.exec(attachment);
    if (!m) return undefined;
    if (m[1] !== 'projects') return `${m[1]}/${m[2]}`;
    const project = this.project(m[2]);
    return project ? `projects/${project.projectId}` : undefined;
  }

  private denyPoliciesAt(attachment: string) {
    const node = this.attachedNode(attachment);
    return node ? this.scenario.denyPolicies.filter((d) => d.attachedTo === node) : undefined;
  }

  private denyPolicyName(attachment: string, id: string): string {
    return `policies/${encodeURIComponent(attachment)}/denypolicies/${id}`;
  }

  private listDenyPolicies(attachment: string, req: EmulatorRequest, ctx: AnswerContext): EmulatorResponse {
    const policies = this.denyPoliciesAt(attachment);
    if (this.scenario.denyPoliciesDenied || !policies)
      return googleError(
        'PERMISSION_DENIED',
        `Permission 'iam.denypolicies.list' denied on resource '${attachment}' (or it may not exist).`,
      );
    // The list carries metadata only: Google leaves the rules out.
    const items = policies.map((d) => ({
      name: this.denyPolicyName(attachment, d.id),
      uid: uniqueId(d.id),
      kind: 'DenyPolicy',
      ...(d.displayName ? { displayName: d.displayName } : {}),
      etag: 'MTc3NTQ5MDk4Mw==',
      createTime: '2026-01-05T10:00:00Z',
    }));
    return paged(items, 'policies', req, ctx);
  }

  private denyPolicy(attachment: string, id: string): EmulatorResponse {
    const policy = this.denyPoliciesAt(attachment)?.find((d) => d.id === id);
    if (this.scenario.denyPoliciesDenied)
      return googleError('PERMISSION_DENIED', `Permission 'iam.denypolicies.get' denied on resource '${attachment}'.`);
    if (!policy) return googleError('NOT_FOUND', `Policy ${this.denyPolicyName(attachment, id)} not found.`);
    return json({
      name: this.denyPolicyName(attachment, policy.id),
      uid: uniqueId(policy.id),
      kind: 'DenyPolicy',
      ...(policy.displayName ? { displayName: policy.displayName } : {}),
      etag: 'MTc3NTQ5MDk4Mw==',
      rules: policy.rules.map((denyRule) => ({ denyRule })),
    });
  }

  private listBuckets(projectRef: string, req: EmulatorRequest, ctx: AnswerContext): EmulatorResponse {
    const project = this.project(projectRef);
    if (!project || project.bucketsDenied)
      return storageError(
        'PERMISSION_DENIED',
        `lanekeeper-scanner does not have storage.buckets.list access to the Google Cloud project. Permission 'storage.buckets.list' denied on resource (or it may not exist).`,
        'forbidden',
      );
    const items = project.buckets.map((b) => ({
      kind: 'storage#bucket',
      id: b.name,
      name: b.name,
      projectNumber: project.number,
      location: 'EU',
      storageClass: 'STANDARD',
    }));
    return paged(items, 'items', req, ctx, 'maxResults', { kind: 'storage#buckets' });
  }

  private bucketPolicy(name: string, req: EmulatorRequest): EmulatorResponse {
    const owner = this.projects.find((p) => p.buckets.some((b) => b.name === name));
    const bucket = owner?.buckets.find((b) => b.name === name);
    if (!owner || !bucket) return storageError('NOT_FOUND', 'The specified bucket does not exist.', 'notFound');
    if (bucket.denied)
      return storageError(
        'PERMISSION_DENIED',
        `lanekeeper-scanner does not have storage.buckets.getIamPolicy access to the Google Cloud Storage bucket. Permission 'storage.buckets.getIamPolicy' denied on resource (or it may not exist).`,
        'forbidden',
      );
    const version = Number(req.query.get('optionsRequestedPolicyVersion') ?? '1');
    const hasConditions = bucket.bindings.some((b) => b.condition);
    if (hasConditions && version < 3)
      return storageError(
        'INVALID_ARGUMENT',
        'Bucket has conditional bindings; requested policy version must be 3 or greater.',
        'invalid',
      );
    // Every bucket starts with the project's convenience members (as Google creates them).
    const bindings = [
      {
        role: 'roles/storage.legacyBucketOwner',
        members: [`projectEditor:${owner.projectId}`, `projectOwner:${owner.projectId}`],
      },
      { role: 'roles/storage.legacyBucketReader', members: [`projectViewer:${owner.projectId}`] },
      ...bucket.bindings.map((b) => ({
        role: b.role,
        members: [...b.members],
        ...(b.condition ? { condition: { ...b.condition } } : {}),
      })),
    ];
    return json({
      kind: 'storage#policy',
      resourceId: `projects/_/buckets/${bucket.name}`,
      version: hasConditions ? 3 : 1,
      etag: Buffer.from(sha(JSON.stringify(bindings)).slice(0, 8), 'hex').toString('base64'),
      bindings,
    });
  }

  private listDatasets(projectRef: string, req: EmulatorRequest, ctx: AnswerContext): EmulatorResponse {
    const project = this.project(projectRef);
    if (!project) return projectNotFound(projectRef);
    const off = bigqueryOff(project);
    if (off) return off;
    if (project.datasetsDenied)
      return googleError(
        'PERMISSION_DENIED',
        `Access Denied: Project ${projectRef}: User does not have bigquery.datasets.get permission in project ${projectRef}.`,
        { reason: 'accessDenied' },
      );
    // All datasets with all=true; without it, hidden ones (a leading _) are left out, as BigQuery does.
    const all = req.query.get('all') === 'true';
    const datasets = project.datasets
      .filter((d) => all || !d.id.startsWith('_'))
      .map((d) => ({
        kind: 'bigquery#dataset',
        id: `${project.projectId}:${d.id}`,
        datasetReference: { datasetId: d.id, projectId: project.projectId },
        location: 'EU',
      }));
    return paged(datasets, 'datasets', req, ctx, 'maxResults', {
      kind: 'bigquery#datasetList',
      etag: 'Rbc1p5Hh6ZY2lJNYq+Xm5Q==',
    });
  }

  private dataset(projectRef: string, id: string, version: string | null): EmulatorResponse {
    if (version !== null && !['0', '1', '3'].includes(version))
      return googleError(
        'INVALID_ARGUMENT',
        `Invalid access policy version: ${version}. Valid values are 0, 1, and 3.`,
        {
          reason: 'invalid',
        },
      );
    const project = this.project(projectRef);
    if (!project) return projectNotFound(projectRef);
    const off = bigqueryOff(project);
    if (off) return off;
    const dataset = project.datasets.find((d) => d.id === id);
    if (!dataset) return googleError('NOT_FOUND', `Not found: Dataset ${projectRef}:${id}`, { reason: 'notFound' });
    if (dataset.denied)
      return googleError(
        'PERMISSION_DENIED',
        `Access Denied: Dataset ${project.projectId}:${id}: Permission bigquery.datasets.get denied on dataset ${project.projectId}:${id} (or it may not exist).`,
        { reason: 'accessDenied' },
      );
    // Every dataset starts with the project's special groups (as BigQuery creates them).
    const access = [
      { role: 'WRITER', specialGroup: 'projectWriters' },
      { role: 'OWNER', specialGroup: 'projectOwners' },
      { role: 'READER', specialGroup: 'projectReaders' },
      ...dataset.access.map((entry) => (version === '3' ? entry : withoutCondition(entry))),
    ];
    return json({
      kind: 'bigquery#dataset',
      id: `${project.projectId}:${id}`,
      datasetReference: { datasetId: id, projectId: project.projectId },
      access,
      location: 'EU',
    });
  }

  /** A group's resource name: its position in the scenario, as Cloud Identity's opaque ids are stable. */
  private groupName(index: number): string {
    return `groups/0${(index + 1).toString(16).padStart(4, '0')}grp`;
  }

  private lookupGroup(email: string): EmulatorResponse {
    if (this.scenario.groupsDenied)
      return googleError(
        'PERMISSION_DENIED',
        'Error(2028): Permission denied for resource groups (or it may not exist).',
      );
    const index = this.scenario.groups.findIndex((g) => g.email.toLowerCase() === email.toLowerCase());
    if (index < 0) return googleError('NOT_FOUND', 'Not found');
    return json({ name: this.groupName(index) });
  }

  private transitiveMemberships(id: string, req: EmulatorRequest, ctx: AnswerContext): EmulatorResponse {
    if (this.scenario.groupsDenied)
      return googleError(
        'PERMISSION_DENIED',
        'Error(2028): Permission denied for resource groups (or it may not exist).',
      );
    const index = this.scenario.groups.findIndex((_, i) => this.groupName(i) === `groups/${id}`);
    if (index < 0) return googleError('NOT_FOUND', 'Not found');
    // Every member reached, nested groups walked once each (a cycle ends where it started). As
    // Google does, one entry per member: DIRECT when in the group itself, INDIRECT when only
    // through a nested group, DIRECT_AND_INDIRECT when both.
    const reached = new Map<string, { direct: boolean; indirect: boolean }>();
    const walked = new Set<number>([index]);
    const walk = (groupIndex: number, direct: boolean) => {
      for (const member of this.scenario.groups[groupIndex]?.members ?? []) {
        const how = reached.get(member) ?? { direct: false, indirect: false };
        if (direct) how.direct = true;
        else how.indirect = true;
        reached.set(member, how);
        const [kind, email = ''] = member.split(/:(.*)/s);
        const nested = kind === 'group' ? this.scenario.groups.findIndex((g) => g.email === email) : -1;
        if (nested >= 0 && !walked.has(nested)) {
          walked.add(nested);
          walk(nested, false);
        }
      }
    };
    walk(index, true);
    const out = [...reached].map(([member, how], i) => {
      const [kind, email = ''] = member.split(/:(.*)/s);
      const nested = kind === 'group' ? this.scenario.groups.findIndex((g) => g.email === email) : -1;
      return {
        member: kind === 'group' && nested >= 0 ? this.groupName(nested) : `users/${i + 1}`,
        preferredMemberKey: [{ id: email }],
        relationType: how.direct && how.indirect ? 'DIRECT_AND_INDIRECT' : how.direct ? 'DIRECT' : 'INDIRECT',
        roles: [{ role: 'MEMBER' }],
      };
    });
    return paged(out, 'memberships', req, ctx);
  }

  private role(name: string): EmulatorResponse {
    const role = this.scenario.roles.find((r) => r.name === name);
    if (!role) return googleError('NOT_FOUND', `The role named ${name} was not found.`);
    return json({
      name: role.name,
      title: role.title,
      includedPermissions: role.includedPermissions,
      etag: 'BwWKmjvelug=',
      ...(role.name.startsWith('roles/') ? {} : { stage: 'GA' }),
    });
  }

  private folder(id: string | undefined) {
    return this.scenario.folders.find((f) => f.id === id);
  }

  private project(idOrNumber: string | undefined) {
    return this.projects.find((p) => p.projectId === idOrNumber || p.number === idOrNumber);
  }

  private searchOrganizations(req: EmulatorRequest, ctx: AnswerContext): EmulatorResponse {
    const terms = parseQuery(req.query.get('query'), ['domain']);
    if (typeof terms === 'string') return googleError('INVALID_ARGUMENT', terms);
    const org = this.scenario.organization;
    const all =
      org && (!terms.domain || terms.domain === org.domain)
        ? [
            {
              name: `organizations/${org.id}`,
              displayName: org.domain,
              directoryCustomerId: `C0${org.id.slice(0, 6)}`,
              state: enumValue(req, 'ACTIVE', 1),
            },
          ]
        : [];
    return paged(all, 'organizations', req, ctx);
  }

  private searchFolders(req: EmulatorRequest, ctx: AnswerContext): EmulatorResponse {
    const terms = parseQuery(req.query.get('query'), ['state', 'parent']);
    if (typeof terms === 'string') return googleError('INVALID_ARGUMENT', terms);
    const all = this.scenario.folders
      .filter((f) => !f.unlisted)
      .filter((f) => !terms.parent || f.parent === terms.parent)
      .map((f) => this.folderJson(f, req));
    // Every scenario folder is ACTIVE: a `state:` term other than ACTIVE finds nothing.
    return paged(terms.state && terms.state !== 'ACTIVE' ? [] : all, 'folders', req, ctx);
  }

  private folderJson(f: GcpScenario['folders'][number], req: EmulatorRequest) {
    return {
      name: `folders/${f.id}`,
      parent: f.parent,
      displayName: f.displayName,
      state: enumValue(req, 'ACTIVE', 1),
    };
  }

  private searchProjects(req: EmulatorRequest, ctx: AnswerContext): EmulatorResponse {
    const terms = parseQuery(req.query.get('query'), ['state', 'parent']);
    if (typeof terms === 'string') return googleError('INVALID_ARGUMENT', terms);
    const all = this.projects
      .filter((p) => !terms.state || p.state === terms.state)
      .filter((p) => !terms.parent || p.parent === terms.parent)
      .map((p) => {
        const out: Record<string, unknown> = {
          name: `projects/${p.number}`,
          projectId: p.projectId,
          state: enumValue(req, p.state, p.state === 'ACTIVE' ? 1 : 2),
          displayName: p.displayName ?? p.projectId,
        };
        if (p.parent) out.parent = p.parent;
        if (Object.keys(p.labels).length > 0) out.labels = p.labels;
        return out;
      });
    return paged(all, 'projects', req, ctx);
  }

  private listServiceAccounts(req: EmulatorRequest, projectRef: string, ctx: AnswerContext): EmulatorResponse {
    const project = this.project(projectRef);
    if (!project || project.denied) return denied(`projects/${projectRef}`);
    const all = project.serviceAccounts.map((sa) => {
      const out: Record<string, unknown> = {
        name: `projects/${project.projectId}/serviceAccounts/${sa.email}`,
        projectId: project.projectId,
        uniqueId: uniqueId(sa.email),
        email: sa.email,
        etag: 'MDEwMjE5MjA=',
        oauth2ClientId: uniqueId(sa.email),
      };
      if (sa.displayName) out.displayName = sa.displayName;
      if (sa.description) out.description = sa.description;
      if (sa.disabled) out.disabled = true;
      return out;
    });
    return paged(all, 'accounts', req, ctx);
  }

  /**
   * A service account's own IAM policy. `projects/-` lets IAM find the project from the account;
   * the account is named by its email or its unique id. The version is a query parameter here.
   */
  private serviceAccountPolicy(req: EmulatorRequest, projectRef: string, ref: string): EmulatorResponse {
    const owner =
      projectRef === '-'
        ? this.projects.find((p) => p.serviceAccounts.some((sa) => sa.email === ref || uniqueId(sa.email) === ref))
        : this.project(projectRef);
    const resource = `projects/${projectRef}/serviceAccounts/${ref}`;
    const refused = () =>
      googleError(
        'PERMISSION_DENIED',
        `Permission 'iam.serviceAccounts.getIamPolicy' denied on resource (or it may not exist).`,
      );
    if (!owner || owner.denied) return refused();
    const account = owner.serviceAccounts.find((sa) => sa.email === ref || uniqueId(sa.email) === ref);
    if (!account) return googleError('NOT_FOUND', `Service account ${resource} does not exist.`);
    if (account.policyDenied) return refused();
    const raw = req.query.get('options.requestedPolicyVersion');
    return policyBody(account.bindings, raw === null ? 0 : Number(raw));
  }

  private listKeys(req: EmulatorRequest, projectRef: string, email: string): EmulatorResponse {
    const project = this.project(projectRef);
    if (!project || project.denied) return denied(`projects/${projectRef}/serviceAccounts/${email}`);
    const account = project.serviceAccounts.find((sa) => sa.email === email || uniqueId(sa.email) === email);
    if (!account)
      return googleError(
        'NOT_FOUND',
        `Service account projects/${projectRef}/serviceAccounts/${email} does not exist.`,
      );
    const types = req.query.getAll('keyTypes');
    const wants = (type: string) => types.length === 0 || types.includes(type);
    const name = (id: string) => `projects/${project.projectId}/serviceAccounts/${account.email}/keys/${id}`;
    const keys: Record<string, unknown>[] = [];
    if (wants('USER_MANAGED')) {
      for (const key of account.keys) {
        const out: Record<string, unknown> = {
          name: name(key.id),
          validAfterTime: key.validAfterTime,
          validBeforeTime: key.validBeforeTime ?? NEVER_EXPIRES,
          keyAlgorithm: key.keyAlgorithm,
          keyOrigin: 'GOOGLE_PROVIDED',
          keyType: 'USER_MANAGED',
        };
        if (key.disabled) out.disabled = true;
        keys.push(out);
      }
    }
    if (wants('SYSTEM_MANAGED')) {
      // Google rotates these itself; every service account has one.
      keys.push({
        name: name(sha(`system:${account.email}`).slice(0, 40)),
        validAfterTime: '2026-01-01T00:00:00Z',
        validBeforeTime: '2026-01-17T00:00:00Z',
        keyAlgorithm: 'KEY_ALG_RSA_2048',
        keyOrigin: 'GOOGLE_PROVIDED',
        keyType: 'SYSTEM_MANAGED',
      });
    }
    return json(keys.length > 0 ? { keys } : {});
  }
}

/** Resource Manager's getIamPolicy answer: the version comes in the JSON body. */
function policyAnswer(bindings: readonly ScenarioBinding[], req: EmulatorRequest): EmulatorResponse {
  let requested = 0;
  try {
    const body = req.body ? (JSON.parse(req.body) as { options?: { requestedPolicyVersion?: number } }) : {};
    requested = Number(body.options?.requestedPolicyVersion ?? 0);
  } catch {
    return googleError('INVALID_ARGUMENT', 'Invalid JSON payload received.');
  }
  return policyBody(bindings, requested);
}

/** A policy as getIamPolicy answers it. Version 3 shows conditions; a lower version hides them behind `_withcond_` roles. */
function policyBody(bindings: readonly ScenarioBinding[], requested: number): EmulatorResponse {
  if (![0, 1, 3].includes(requested))
    return googleError('INVALID_ARGUMENT', `Invalid requested policy version: ${requested}. Valid versions: 0, 1, 3.`);
  const hasConditions = bindings.some((b) => b.condition);
  const showConditions = requested === 3;
  const out = bindings.map((b) => {
    if (!b.condition) return { role: b.role, members: [...b.members] };
    if (showConditions) return { role: b.role, members: [...b.members], condition: { ...b.condition } };
    return { role: `${b.role}_withcond_${sha(JSON.stringify(b.condition)).slice(0, 20)}`, members: [...b.members] };
  });
  const version = hasConditions && showConditions ? 3 : 1;
  const etag = Buffer.from(sha(JSON.stringify(bindings)).slice(0, 16), 'hex').toString('base64');
  return json(out.length > 0 ? { version, etag, bindings: out } : { version, etag });
}

/** One page of a list, under the field name the API uses, honouring pageSize and the paging faults. */
function paged(
  all: unknown[],
  field: string,
  req: EmulatorRequest,
  ctx: AnswerContext,
  sizeParam = 'pageSize',
  head: Record<string, unknown> = {},
): EmulatorResponse {
  const requested = Number.parseInt(req.query.get(sizeParam) ?? '', 10);
  const size = Math.min(requested > 0 ? requested : DEFAULT_PAGE_SIZE, ctx.pageSize ?? DEFAULT_PAGE_SIZE);
  const token = req.query.get('pageToken') || undefined;
  if (ctx.fault === 'empty-page') {
    // An empty page that still points on: a client must follow it, not stop.
    return json({ [field]: [], nextPageToken: `${token ?? '0'}~` });
  }
  const { page, next } = pageOf(all, token, size);
  const body: Record<string, unknown> = { ...head };
  if (page.length > 0) body[field] = page;
  if (next) body.nextPageToken = ctx.fault === 'repeat-cursor' && token ? token : next;
  return json(body);
}

/** `state:ACTIVE parent:folders/123` → {state, parent}; an unknown term is the API's INVALID_ARGUMENT. */
function parseQuery(query: string | null, known: readonly string[]): Record<string, string> | string {
  const terms: Record<string, string> = {};
  for (const term of (query ?? '').split(/\s+/).filter(Boolean)) {
    const m = /^([a-zA-Z.]+)[:=](.+)$/.exec(term);
    if (!m || !known.includes(m[1] ?? '')) return `Invalid query: unsupported term "${term}"`;
    terms[m[1] as string] = m[2] as string;
  }
  return terms;
}

/** The client asks for `$alt=json;enum-encoding=int`: enums then travel as numbers. */
function enumValue(req: EmulatorRequest, name: string, number: number): string | number {
  return /enum-encoding=int/.test(req.query.get('$alt') ?? '') ? number : name;
}

function denied(resource: string): EmulatorResponse {
  return googleError(
    'PERMISSION_DENIED',
    `The caller does not have permission to access ${resource}, or it may not exist.`,
  );
}

/**
 * Google's error body, `{"error":{code,message,status}}`. The older JSON APIs add the reason in
 * an `errors` list: BigQuery beside the status name, Cloud Storage instead of it.
 */
export function googleError(
  status: StatusName,
  message: string,
  legacy?: { reason: string; withoutStatus?: boolean },
): EmulatorResponse {
  const code = STATUS[status];
  const errors = legacy ? { errors: [{ message, domain: 'global', reason: legacy.reason }] } : {};
  return {
    status: code,
    headers: { 'content-type': 'application/json; charset=UTF-8' },
    body: JSON.stringify({ error: { code, message, ...errors, ...(legacy?.withoutStatus ? {} : { status }) } }),
  };
}

function projectNotFound(projectRef: string): EmulatorResponse {
  return googleError('NOT_FOUND', `Not found: Project ${projectRef}`, { reason: 'notFound' });
}

/** BigQuery turned off in the project: Google's 403 SERVICE_DISABLED, naming the project's number. */
function bigqueryOff(project: { number: string; bigqueryDisabled: boolean }): EmulatorResponse | undefined {
  if (!project.bigqueryDisabled) return undefined;
  return googleError(
    'PERMISSION_DENIED',
    `BigQuery API has not been used in project ${project.number} before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/bigquery.googleapis.com/overview?project=${project.number} then retry.`,
    { reason: 'accessNotConfigured' },
  );
}

/** Cloud Storage's JSON API error: a reason in `errors`, no status name. */
function storageError(status: StatusName, message: string, reason: string): EmulatorResponse {
  return googleError(status, message, { reason, withoutStatus: true });
}

function renderFault(kind: FaultKind): EmulatorResponse {
  switch (kind) {
    case 'rate-limit':
    case 'secondary-rate-limit':
      return googleError(
        'RESOURCE_EXHAUSTED',
        "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute' of service 'cloudresourcemanager.googleapis.com'.",
      );
    case 'unavailable':
    case 'bad-gateway':
      return googleError('UNAVAILABLE', 'The service is currently unavailable.');
    default:
      return googleError('INTERNAL', 'Internal error encountered.');
  }
}

function json(body: unknown): EmulatorResponse {
  return { status: 200, headers: { 'content-type': 'application/json; charset=UTF-8' }, body: JSON.stringify(body) };
}

/**
 * An access entry as BigQuery shows it below access policy version 3: a conditional entry keeps
 * its member, loses its condition, and its role is renamed so that no reader takes it for the
 * unconditional role.
 */
function withoutCondition<T extends { role: string; condition?: { expression: string } }>(entry: T): T {
  if (!entry.condition) return entry;
  const { condition, ...rest } = entry;
  return { ...rest, role: `${entry.role}_with_conditionalbinding_${sha(condition.expression).slice(0, 10)}` } as T;
}

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function uniqueId(email: string): string {
  return String(BigInt(`0x${sha(email).slice(0, 15)}`)).padStart(21, '1');
}
