// Convenience members. A bucket's `projectViewer:p` (a dataset's `projectReaders`) stands for
// whoever holds roles/viewer on project p; `projectEditor:`/`projectOwner:` (`projectWriters`,
// `projectOwners`) for its editors and owners. Every bucket and dataset starts with its own
// project's, and that data access is what a basic role is judged with on the project itself:
// editors and owners of a production or data project reach its data. What a customer changes is
// access the project's IAM does not show: another project's viewers on a bucket, or viewers given
// more than reading. Those are read here as grants of each holder. A viewer whose own project's
// buckets or datasets let them read is noted, so roles/viewer is classed with the data it reads.
// Pure: the data resources' bindings and the projects' policies in, what they mean out.

import { roleEntry } from './classify.js';
import { evaluateCondition, isLive } from './conditions.js';
import { parseMember } from './members.js';
import type { GroupMember, GroupMembership, PolicyAtNode } from './policy-node.js';
import type { ApiBinding } from './schema.js';

export type ConvenienceKind = 'projectOwner' | 'projectEditor' | 'projectViewer';

/** The basic role each convenience member stands for. */
export const CONVENIENCE_ROLE: Readonly<Record<ConvenienceKind, string>> = {
  projectOwner: 'roles/owner',
  projectEditor: 'roles/editor',
  projectViewer: 'roles/viewer',
};

/** How a dataset's access list names each convenience member: BigQuery's special groups. */
export const DATASET_SPECIAL_GROUP: Readonly<Record<ConvenienceKind, string>> = {
  projectOwner: 'projectOwners',
  projectEditor: 'projectWriters',
  projectViewer: 'projectReaders',
};

export interface Convenience {
  kind: ConvenienceKind;
  projectId: string;
}

export function parseConvenience(member: string): Convenience | undefined {
  const m = /^(projectOwner|projectEditor|projectViewer):(.+)$/.exec(member);
  return m ? { kind: m[1] as ConvenienceKind, projectId: m[2]! } : undefined;
}

/** One account a convenience member reaches: it holds the basic role, itself or through a group. */
export interface ConvenienceHolder {
  member: string;
  /** Where the basic role is granted: the project, or the folder or organisation it inherits from. */
  grantedOn: string;
  /** The Google group it holds the basic role through, when it does. */
  group?: string;
  membership?: GroupMembership;
}

/**
 * Who holds each basic role on a project: its own bindings and those it inherits (the policies
 * as projectAccess takes them, own first), conditions decided at `now`, Google groups expanded.
 */
export function basicRoleHolders(
  policies: readonly PolicyAtNode[],
  now: Date,
  groupMembers: ReadonlyMap<string, readonly GroupMember[]> | undefined,
): Map<ConvenienceKind, ConvenienceHolder[]> {
  const out = new Map<ConvenienceKind, Map<string, ConvenienceHolder>>();
  for (const kind of Object.keys(CONVENIENCE_ROLE) as ConvenienceKind[]) out.set(kind, new Map());
  const project = policies[0]?.name ?? '';
  for (const [depth, policy] of policies.entries()) {
    const grantedOn = depth === 0 ? policy.label : `${policy.label}, inherited by ${project}`;
    for (const binding of policy.bindings) {
      const kind = kindOfRole(binding.role);
      if (!kind || !liveNow(binding, now)) continue;
      const holders = out.get(kind)!;
      for (const raw of binding.members ?? []) {
        const member = parseMember(raw);
        if (member.status === 'deleted') continue;
        const expanded = member.type === 'group' ? groupMembers?.get(member.id) : undefined;
        if (expanded) {
          for (const inner of expanded)
            if (!holders.has(inner.member))
              holders.set(inner.member, {
                member: inner.member,
                grantedOn,
                group: member.id,
                membership: inner.membership,
              });
        } else if (!holders.has(member.id)) {
          holders.set(member.id, { member: member.id, grantedOn });
        }
      }
    }
  }
  return new Map([...out].map(([kind, holders]) => [kind, [...holders.values()]]));
}

function kindOfRole(role: string | null | undefined): ConvenienceKind | undefined {
  return (Object.keys(CONVENIENCE_ROLE) as ConvenienceKind[]).find((k) => CONVENIENCE_ROLE[k] === role);
}

function liveNow(binding: ApiBinding, now: Date): boolean {
  const expression = binding.condition?.expression;
  return !expression || isLive(evaluateCondition(expression, now));
}

/**
 * Whether a binding of its own project's convenience member adds nothing to how the basic role is
 * judged on the project: data access (or less) for editors and owners, reading data for viewers.
 * A role the table does not know is never taken as covered: overstating is safer than hiding.
 */
function coveredByBasicRole(kind: ConvenienceKind, role: string): boolean {
  const entry = roleEntry(role);
  if (!entry || (entry.reach !== 'data' && entry.reach !== 'metadata')) return false;
  return kind !== 'projectViewer' || entry.level === 'read';
}

/**
 * Listing a bucket (the legacyBucketReader every bucket gives its project's viewers) shows the
 * names of objects, not what is in them: reading data takes a role that gets objects or rows.
 */
const LISTING_ONLY: ReadonlySet<string> = new Set(['roles/storage.legacyBucketReader']);

function readsContents(role: string): boolean {
  return roleEntry(role)?.reach === 'data' && !LISTING_ONLY.has(role);
}

export interface ResolvedConveniences {
  /** The data resources' policies without the convenience members judged on the project. */
  resources: PolicyAtNode[];
  /** Who each remaining convenience member reaches, for projectAccess to expand. */
  holders: Map<string, ConvenienceHolder[]>;
  /** The project's own buckets and datasets that let its viewers read data. */
  viewerReadsData: string[];
}

/**
 * The convenience members of one project's data resources, resolved: its own project's at their
 * default reach are left to the basic roles on the project; any other is expanded to the holders
 * of the basic role when that project's policies were read (`holdersOf`). One whose project was
 * not read stays a member of its own: an account nobody is linked to, holding what it is granted.
 */
export function resolveConveniences(
  projectId: string,
  resources: readonly PolicyAtNode[],
  holdersOf: (projectId: string) => Map<ConvenienceKind, ConvenienceHolder[]> | undefined,
): ResolvedConveniences {
  const holders = new Map<string, ConvenienceHolder[]>();
  const viewerReadsData = new Set<string>();
  const out: PolicyAtNode[] = [];
  for (const resource of resources) {
    const bindings: ApiBinding[] = [];
    for (const binding of resource.bindings) {
      const members: string[] = [];
      for (const member of binding.members ?? []) {
        const convenience = parseConvenience(member);
        if (!convenience) {
          members.push(member);
          continue;
        }
        const own = convenience.projectId === projectId;
        if (own && coveredByBasicRole(convenience.kind, binding.role ?? '')) {
          if (convenience.kind === 'projectViewer' && readsContents(binding.role ?? ''))
            viewerReadsData.add(resource.name);
          continue;
        }
        const known = holdersOf(convenience.projectId)?.get(convenience.kind);
        if (known) holders.set(member, known);
        members.push(member);
      }
      if (members.length > 0) bindings.push({ ...binding, members });
    }
    out.push({ ...resource, bindings });
  }
  return {
    resources: out,
    holders,
    viewerReadsData: [...viewerReadsData].sort(),
  };
}

/** What a convenience member is, in words: "the viewers of projects/shop-prod". */
export function describeConvenience(member: string): string {
  const c = parseConvenience(member);
  if (!c) return member;
  const who = { projectOwner: 'owners', projectEditor: 'editors', projectViewer: 'viewers' }[c.kind];
  return `the ${who} of projects/${c.projectId}`;
}
