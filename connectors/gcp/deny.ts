// IAM deny policies (IAM v2): rules attached to the organisation, a folder or a project that take
// permissions away from principals, whatever their roles allow, on everything below. A deny can
// only narrow, so one that cannot be judged exactly is left out (access is over-reported, never
// hidden): a rule with a condition (they test resource tags, which a scan does not see), a
// principal set the scan cannot expand, a role whose permissions could not be read. Pure.
import type { Grant } from '../../src/core/model.js';
import { classifyPermissions } from './permissions.js';
import type { ApiDenyRule } from './schema.js';

/** One deny rule where it applies: the policy's name for evidence and the node it is attached to. */
export interface DenyRuleAt {
  policy: string;
  attachedTo: string;
  rule: ApiDenyRule;
}

/** A member an expanded Google group reaches (policies.ts's GroupMember, by shape: no import cycle). */
interface GroupMember {
  member: string;
}

export interface DenyInput {
  /** Rules attached to the grant's project and each of its ancestors. */
  rules: readonly DenyRuleAt[];
  /** Every permission of a role, where IAM could tell (roles.get). */
  rolePermissions: ReadonlyMap<string, readonly string[]>;
  /** Members of the Google groups the scan expanded, by group member string. */
  groupMembers?: ReadonlyMap<string, readonly GroupMember[]>;
}

/** How deny rules leave one grant: untouched, narrowed (with a level cap), or taken away entirely. */
export type DenyOutcome = { kind: 'kept'; grant: Grant } | { kind: 'removed' };

/** Everyone (lower case: principals are compared case-blind). */
const PUBLIC = 'principalset://goog/public:all';

/** IAM's member string as deny policies write principals (v2 identifiers). */
function principalOf(member: string): string | undefined {
  // Workload and workforce identities are written the same way in allow and deny policies.
  if (/^principal(Set)?:\/\//.test(member)) return member;
  const [type, email] = member.split(/:(.*)/s);
  if (!email) return undefined;
  if (type === 'user') return `principal://goog/subject/${email}`;
  if (type === 'serviceAccount') return `principal://iam.googleapis.com/projects/-/serviceAccounts/${email}`;
  if (type === 'group') return `principalSet://goog/group/${email}`;
  return undefined;
}

/**
 * Whether a rule's principal list names the grant's holder: the holder itself, everyone, or a
 * group the holder is in (the group it holds the grant through, or any expanded group listing
 * it). `unknown` when the list names a group the scan did not expand.
 */
function names(
  principals: readonly string[],
  grant: Grant,
  groups: ReadonlyMap<string, readonly GroupMember[]> | undefined,
): 'yes' | 'no' | 'unknown' {
  const self = principalOf(grant.account);
  let unknown = false;
  for (const p of principals.map((x) => x.toLowerCase())) {
    if (p === PUBLIC || (self && p === self.toLowerCase())) return 'yes';
    const group = /^principalset:\/\/goog\/group\/(.+)$/.exec(p)?.[1];
    if (!group) {
      // Another set (a workload identity pool, a project's service accounts, a directory): the
      // scan cannot tell who is in it, so it cannot rule the holder out.
      if (p.startsWith('principalset://')) unknown = true;
      continue;
    }
    if (grant.viaName?.toLowerCase() === `group:${group}`) return 'yes';
    const members = groupNamed(groups, group);
    if (!members) unknown = true;
    else if (members.some((m) => m.member.toLowerCase() === grant.account.toLowerCase())) return 'yes';
  }
  return unknown ? 'unknown' : 'no';
}

/** An expanded group's members by its email, whatever the case IAM wrote it in. */
function groupNamed(
  groups: ReadonlyMap<string, readonly GroupMember[]> | undefined,
  email: string,
): readonly GroupMember[] | undefined {
  for (const [member, members] of groups ?? []) if (member.toLowerCase() === `group:${email}`) return members;
  return undefined;
}

/**
 * A v2 permission (`storage.googleapis.com/buckets.delete`, wildcards allowed in a segment) as a
 * test on v1 names (`storage.buckets.delete`). Resource Manager's service name differs.
 */
function permissionTest(v2: string): (v1: string) => boolean {
  const m = /^([^/]+)\/(.+)$/.exec(v2);
  if (!m) return () => false;
  const service = m[1]!.replace(/\.googleapis\.com$/, '').replace(/^cloudresourcemanager$/, 'resourcemanager');
  const literal = (text: string) => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  // `service/*` is every permission of the service; elsewhere `*` stands for one name segment.
  const rest = m[2] === '*' ? '.+' : m[2]!.split('*').map(literal).join('[^.]*');
  const pattern = new RegExp(`^${literal(service)}\\.${rest}$`, 'i');
  return (v1) => pattern.test(v1);
}

/** A rule's permission tests, compiled once per rule however many grants it is asked about. */
const compiled = new WeakMap<ApiDenyRule, (v1: string) => boolean>();

/** Whether a rule takes a (v1-named) permission: denied, and not among its exceptions. */
function permissionsTaken(rule: ApiDenyRule): (v1: string) => boolean {
  let takes = compiled.get(rule);
  if (!takes) {
    const denied = (rule.deniedPermissions ?? []).map(permissionTest);
    const excepted = (rule.exceptionPermissions ?? []).map(permissionTest);
    takes = (p) => denied.some((t) => t(p)) && !excepted.some((t) => t(p));
    compiled.set(rule, takes);
  }
  return takes;
}

export function applyDenies(grant: Grant, input: DenyInput): DenyOutcome {
  const notes: string[] = [];
  const denied = new Set<string>();
  const by = new Set<string>();
  const permissions = input.rolePermissions.get(grant.permission);
  for (const { policy, attachedTo, rule } of input.rules) {
    const named = names(rule.deniedPrincipals ?? [], grant, input.groupMembers);
    if (named === 'no') continue;
    const where = `deny policy "${policy}" on ${attachedTo}`;
    if (named === 'unknown') {
      notes.push(`${where} names a group or principal set whose members were not read: not applied`);
      continue;
    }
    // An exception the scan cannot rule out is taken as applying: the deny then does not.
    if (names(rule.exceptionPrincipals ?? [], grant, input.groupMembers) !== 'no') continue;
    if (rule.denialCondition?.expression) {
      notes.push(`${where} denies with a condition on resource tags, which a scan cannot decide: not applied`);
      continue;
    }
    if (!permissions) {
      notes.push(`${where} applies, but the permissions of ${grant.permission} could not be read: not applied`);
      continue;
    }
    const takes = permissionsTaken(rule);
    for (const p of permissions) {
      if (takes(p)) {
        denied.add(p);
        by.add(where);
      }
    }
  }
  if (denied.size === 0)
    return notes.length === 0 ? { kind: 'kept', grant } : { kind: 'kept', grant: withEvidence(grant, notes) };
  const remaining = (permissions ?? []).filter((p) => !denied.has(p));
  if (remaining.length === 0) return { kind: 'removed' };
  const left = classifyPermissions(remaining);
  const sample = [...denied].sort().slice(0, 3).join(', ');
  const line = `${[...by].sort().join(' and ')} remove${by.size === 1 ? 's' : ''} ${denied.size} of ${permissions!.length} permissions of ${grant.permission} from ${grant.account} (${sample}${denied.size > 3 ? ', …' : ''}): what is left is ${left.level}`;
  const narrowed = withEvidence(grant, [...notes, line]);
  // classify.ts caps the role's level at what is left.
  narrowed.attributes = { ...narrowed.attributes, deniedPermissions: denied.size, denyLevel: left.level };
  return { kind: 'kept', grant: narrowed };
}

function withEvidence(grant: Grant, lines: string[]): Grant {
  return { ...grant, evidence: [...(grant.evidence ?? []), ...lines] };
}
