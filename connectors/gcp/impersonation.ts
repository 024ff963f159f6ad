// Who can act as which service account, and what that gives them. Whoever can mint a service
// account's tokens, sign as it or run code as it holds whatever it holds, in every project: its
// grants are mirrored onto them, named by the service account, with the path as evidence. A
// binding on a project (its own or inherited from a folder or the organisation) reaches every
// service account of that project; one in a service account's own policy reaches that account
// alone. Paths go on through accounts that can act as further accounts, up to MAX_HOPS, each
// account once per start (a cycle ends where it began). Pure: built from what collect() read,
// after conditions were decided, groups expanded and denies applied to every grant.
import type { Attributes, Grant } from '../../src/core/model.js';
import { roleEntry } from './classify.js';
import { compare, compareGrants } from './policies.js';

/** Service accounts past the first one a path may go through: as AWS's role chains, bounded for scale. */
export const MAX_HOPS = 3;

/** Predefined roles that let their holder act as a service account. */
export const IMPERSONATION_ROLES: ReadonlySet<string> = new Set([
  'roles/iam.serviceAccountTokenCreator',
  'roles/iam.serviceAccountUser',
  'roles/iam.workloadIdentityUser',
]);

/** The permissions behind them: a custom role holding any of these acts as the account too. */
export const IMPERSONATION_PERMISSIONS: readonly string[] = [
  'iam.serviceAccounts.actAs',
  'iam.serviceAccounts.getAccessToken',
  'iam.serviceAccounts.implicitDelegation',
  'iam.serviceAccounts.signBlob',
  'iam.serviceAccounts.signJwt',
];

/**
 * Whether a role lets its holder act as a service account. The three predefined roles do; other
 * roles of the role table are judged by it (basic roles included: see the README); any other
 * role (custom ones) by its permissions, when IAM would give them.
 */
export function actsAs(role: string, rolePermissions: ReadonlyMap<string, readonly string[]>): boolean {
  if (IMPERSONATION_ROLES.has(role)) return true;
  if (roleEntry(role)) return false;
  return (rolePermissions.get(role) ?? []).some((p) => IMPERSONATION_PERMISSIONS.includes(p));
}

/** A service account the scan listed, in its home project. */
export interface ServiceAccountNode {
  /** serviceAccount:<email> */
  member: string;
  projectId: string;
  /** A disabled account cannot be acted as: it gives nobody anything. */
  disabled: boolean;
}

export interface ImpersonationInput {
  serviceAccounts: readonly ServiceAccountNode[];
  /** Every grant read, each project's (projectAccess's output). */
  grants: Iterable<Grant>;
  rolePermissions: ReadonlyMap<string, readonly string[]>;
}

/** One step of a path: the account acted as, and every binding that lets the previous holder do it. */
export interface ActAsHop {
  serviceAccount: string;
  /** The grants (impersonation role bindings) that let the previous holder act as it, sorted. */
  bindings: Grant[];
}

/** What a holder reaches: a service account, by its shortest path. */
export interface ActAsReach {
  serviceAccount: string;
  path: ActAsHop[];
}

const PROJECT = /^projects\/([^/]+)$/;
const ACCOUNT = /^projects\/([^/]+)\/serviceAccounts\/(.+)$/;

export class ImpersonationGraph {
  /** For each holder: the accounts it can act as directly, with the bindings that let it. */
  private readonly edges = new Map<string, Map<string, Grant[]>>();
  /** Each account's own grants, sorted: what acting as it gives. */
  private readonly holdings = new Map<string, Grant[]>();

  constructor(input: ImpersonationInput) {
    const byMember = new Map<string, ServiceAccountNode>();
    const byProject = new Map<string, ServiceAccountNode[]>();
    for (const sa of input.serviceAccounts) {
      if (sa.disabled) continue;
      byMember.set(sa.member, sa);
      const list = byProject.get(sa.projectId) ?? [];
      list.push(sa);
      byProject.set(sa.projectId, list);
    }
    // Decided once per role: a custom role's permissions are scanned once, not once per grant.
    const acting = new Map<string, boolean>();
    const roleActs = (role: string) => {
      const known = acting.get(role);
      if (known !== undefined) return known;
      const yes = actsAs(role, input.rolePermissions);
      acting.set(role, yes);
      return yes;
    };
    for (const grant of input.grants) {
      if (byMember.has(grant.account)) {
        const held = this.holdings.get(grant.account) ?? [];
        held.push(grant);
        this.holdings.set(grant.account, held);
      }
      if (!roleActs(grant.permission)) continue;
      const onProject = PROJECT.exec(grant.resource);
      const onAccount = onProject ? undefined : ACCOUNT.exec(grant.resource);
      const reached = onProject
        ? (byProject.get(onProject[1]!) ?? [])
        : onAccount
          ? [byMember.get(`serviceAccount:${onAccount[2]}`)].filter((x) => x !== undefined)
          : [];
      for (const sa of reached) {
        if (sa.member === grant.account) continue;
        const from = this.edges.get(grant.account) ?? new Map<string, Grant[]>();
        const list = from.get(sa.member) ?? [];
        list.push(grant);
        from.set(sa.member, list);
        this.edges.set(grant.account, from);
      }
    }
    for (const held of this.holdings.values()) held.sort(compareGrants);
    for (const from of this.edges.values()) for (const list of from.values()) list.sort(compareGrants);
  }

  /** Every holder that can act as at least one service account, sorted. */
  holders(): string[] {
    return [...this.edges.keys()].sort(compare);
  }

  /** Every account the holder can act as, nearest first, each by its shortest path. */
  reachFrom(start: string): ActAsReach[] {
    const out: ActAsReach[] = [];
    const seen = new Set([start]);
    let frontier: { member: string; path: ActAsHop[] }[] = [{ member: start, path: [] }];
    for (let depth = 0; depth < MAX_HOPS && frontier.length > 0; depth++) {
      const next: typeof frontier = [];
      for (const { member, path } of frontier) {
        const from = this.edges.get(member);
        if (!from) continue;
        for (const serviceAccount of [...from.keys()].sort(compare)) {
          if (seen.has(serviceAccount)) continue;
          seen.add(serviceAccount);
          const longer = [...path, { serviceAccount, bindings: from.get(serviceAccount) ?? [] }];
          out.push({ serviceAccount, path: longer });
          next.push({ member: serviceAccount, path: longer });
        }
      }
      frontier = next;
    }
    return out;
  }

  /** What the account holds itself. */
  heldBy(serviceAccount: string): readonly Grant[] {
    return this.holdings.get(serviceAccount) ?? [];
  }
}

/** Attributes of the service account's grant that decide how it is classed: the mirrored grant is classed alike. */
const CLASSING = [
  'projectLabels',
  'roleReach',
  'roleReaches',
  'roleLevel',
  'rolePermissions',
  'viewerReadsData',
  'denyLevel',
];

/**
 * For every holder, a grant per grant of every account it can act as: the same permission on the
 * same resource (so classify() gives it the account's lanes and level), `via: role` and `viaName`
 * the account, live until the earliest end along the path. Sorted.
 */
export function impersonationGrants(input: ImpersonationInput): Grant[] {
  const graph = new ImpersonationGraph(input);
  const out: Grant[] = [];
  for (const start of graph.holders()) {
    const kept = new Map<string, Grant>();
    for (const reach of graph.reachFrom(start)) {
      const until = pathEnd(reach.path);
      for (const held of graph.heldBy(reach.serviceAccount)) {
        const grant = mirrored(start, reach, held, until);
        // The account may hold the same role on the same resource twice (directly and from a
        // folder): the holder holds it once, for as long as the longer-lived of the two.
        const key = JSON.stringify([grant.resource, grant.permission, grant.viaName]);
        const before = kept.get(key);
        if (!before || outlives(grant.expiresAt, before.expiresAt)) kept.set(key, grant);
      }
    }
    out.push(...kept.values());
  }
  return out.sort(compareGrants);
}

function mirrored(start: string, reach: ActAsReach, held: Grant, until: string | undefined): Grant {
  const first = reach.path[0]!;
  const firstBinding = first.bindings[0]!;
  const chain = reach.path
    .map((hop, i) => `${i === 0 ? 'can act as' : ', which can act as'} ${hop.serviceAccount} (${describeHop(hop)})`)
    .join('');
  const where =
    held.via === 'inherited'
      ? `${held.resource} (inherited from ${held.viaName})`
      : held.via === 'group'
        ? `${held.resource} (through ${held.viaName})`
        : held.resource;
  const attributes: Attributes = {};
  for (const key of CLASSING) {
    const value = held.attributes?.[key];
    if (value !== undefined) attributes[key] = value;
  }
  const memberType = firstBinding.attributes?.memberType;
  if (memberType !== undefined) attributes.memberType = memberType;
  attributes.actsAs = reach.path.map((h) => h.serviceAccount);
  // What lets the holder act as the first account: the bindings to remove (remediation.ts).
  attributes.actAsBindings = first.bindings.map(bindingRecord);
  const grantedOn = held.attributes?.grantedOn;
  if (typeof grantedOn === 'string') attributes.serviceAccountGrantedOn = grantedOn;
  const grant: Grant = {
    system: 'gcp',
    target: firstBinding.target,
    account: start,
    resource: held.resource,
    permission: held.permission,
    via: 'role',
    viaName: reach.serviceAccount,
    lanes: [],
    level: 'read',
    evidence: [
      `${start} ${chain}: ${reach.serviceAccount} holds ${held.permission} on ${where}`,
      ...(held.evidence ?? []),
    ],
    attributes,
  };
  const ends = earliest(until, held.expiresAt);
  if (ends) grant.expiresAt = ends;
  return grant;
}

/** "roles/iam.serviceAccountTokenCreator on projects/p; roles/iam.serviceAccountUser on folders/2 (prod) through group:ops@…" */
function describeHop(hop: ActAsHop): string {
  return hop.bindings
    .map((b) => {
      const through = b.via === 'group' ? ` through ${b.viaName}` : '';
      const ends = b.expiresAt ? `, until ${b.expiresAt}` : '';
      return `${b.permission} on ${bindingPlace(b)}${through}${ends}`;
    })
    .join('; ');
}

/** Where the binding lives: the folder or organisation a project inherits it from, else the grant's resource. */
function bindingPlace(b: Grant): string {
  if (b.via === 'inherited' && b.viaName) return b.viaName;
  return b.resource;
}

/** A binding as remediation needs it to remove it again: the grant's own fields, as JSON. */
function bindingRecord(b: Grant): string {
  const attributes: Attributes = {};
  for (const key of ['grantedOn', 'condition', 'conditionTitle', 'conditionDescription', 'groupMembership']) {
    const value = b.attributes?.[key];
    if (value !== undefined) attributes[key] = value;
  }
  return JSON.stringify({
    account: b.account,
    resource: b.resource,
    permission: b.permission,
    via: b.via,
    ...(b.viaName ? { viaName: b.viaName } : {}),
    attributes,
  });
}

/** A hop lasts as long as its longest-lived binding; a path as long as its shortest-lived hop. */
function pathEnd(path: readonly ActAsHop[]): string | undefined {
  let end: string | undefined;
  for (const hop of path) {
    const hopEnd = hop.bindings.some((b) => !b.expiresAt)
      ? undefined
      : hop.bindings.map((b) => b.expiresAt!).sort(compare)[hop.bindings.length - 1];
    end = earliest(end, hopEnd);
  }
  return end;
}

function earliest(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return compare(a, b) <= 0 ? a : b;
}

/** Whether an end (undefined: none) comes after another. */
function outlives(a: string | undefined, b: string | undefined): boolean {
  if (!b) return false;
  if (!a) return true;
  return compare(a, b) > 0;
}
