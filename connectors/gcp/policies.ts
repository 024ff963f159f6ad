// From IAM policies to grants on one project: its own bindings (direct) and those of every folder
// and the organisation above it (inherited, with where they were granted), each condition
// decided at the scan's clock. Pure, so inheritance and conditions are tested without a server.
import type { Grant, Level } from '../../src/core/model.js';
import { roleEntry } from './classify.js';
import { type ConditionVerdict, evaluateCondition, isLive } from './conditions.js';
import { CONVENIENCE_ROLE, type ConvenienceHolder, describeConvenience, parseConvenience } from './convenience.js';
import { applyDenies, type DenyInput } from './deny.js';
import { type ParsedMember, parseMember } from './members.js';
import type { PermissionPart } from './permissions.js';
import type { GroupMember, GroupMembership, PolicyAtNode } from './policy-node.js';
import type { RoleReach } from './roles.js';
import type { ApiBinding } from './schema.js';

export type { GroupMember, GroupMembership, PolicyAtNode } from './policy-node.js';

export interface ProjectAccessInput {
  projectId: string;
  /** The project's labels as `key=value`, kept on grants so classify() can class the project. */
  labels: readonly string[];
  /** The project's own policy first, then its ancestors' nearest first. */
  policies: readonly PolicyAtNode[];
  /** The account target: organizations/<id>, or the project when it has no organisation. */
  target: string;
  now: Date;
  /** Active user-managed keys per service account member string, where known. */
  userManagedKeys: ReadonlyMap<string, number>;
  /** What IAM said about roles the role table does not know (custom roles, new predefined ones). */
  roles?: ReadonlyMap<string, RoleFacts>;
  /**
   * The members each Google group reaches, nested groups included (Cloud Identity), by the group's
   * member string. A group read here holds nothing itself: each member holds its bindings.
   */
  groupMembers?: ReadonlyMap<string, readonly GroupMember[]>;
  /** The IAM of the project's Cloud Storage buckets and BigQuery datasets (data-resources.ts). */
  dataResources?: readonly PolicyAtNode[];
  /**
   * The own IAM policies of the project's service accounts (projects/<p>/serviceAccounts/<email>):
   * who may act as one of them alone. Each binding is a grant on that service account.
   */
  serviceAccountPolicies?: readonly PolicyAtNode[];
  /** Who each convenience member left in dataResources reaches (convenience.ts). */
  conveniences?: ReadonlyMap<string, readonly ConvenienceHolder[]>;
  /** The project's buckets and datasets whose own IAM lets the project's viewers read data. */
  viewerReadsData?: readonly string[];
  /** Deny rules over the project (its own and its ancestors') and what they need to be judged (deny.ts). */
  deny?: Omit<DenyInput, 'groupMembers'>;
}

export interface RoleFacts {
  title?: string;
  permissionCount: number;
  /** What its permissions allow (permissions.ts): how a role outside the table is classed. */
  reach: RoleReach;
  /** Every reach, strongest first: a role that deploys and reads data keeps both lanes. */
  reaches: RoleReach[];
  level: Level;
  /** The permissions that decided it, for the evidence. */
  decisive: string[];
  /** Each reach with its own level and deciding permissions, for the evidence. */
  parts: PermissionPart[];
}

export interface ProjectAccess {
  grants: Grant[];
  /** Every member holding a live grant here, and deleted members still named in a binding. */
  members: ParsedMember[];
  /** Roles still bound to deleted members ("roles/x on folders/1 (prod)"): clean-up, not access. */
  deletedBindings: Map<string, string[]>;
}

export function projectAccess(input: ProjectAccessInput): ProjectAccess {
  const resource = `projects/${input.projectId}`;
  const grants = new Map<string, Grant>();
  const members = new Map<string, ParsedMember>();
  const deletedBindings = new Map<string, string[]>();

  const addBindings = (policy: PolicyAtNode, on: string, inherited: boolean) => {
    for (const binding of policy.bindings) {
      const condition = binding.condition?.expression ? binding.condition : undefined;
      const verdict = condition?.expression ? evaluateCondition(condition.expression, input.now) : undefined;
      // A condition that is false now (its end date passed) is not access: no grant at all.
      if (verdict && !isLive(verdict)) continue;
      for (const raw of binding.members ?? []) {
        const member = parseMember(raw);
        if (member.status === 'deleted') {
          members.set(member.id, member);
          const roles = deletedBindings.get(member.id) ?? [];
          roles.push(`${binding.role} on ${policy.label}`);
          deletedBindings.set(member.id, roles);
          continue;
        }
        const parts = { input, resource: on, policy, inherited, binding, verdict };
        const holders = member.type === 'other' ? input.conveniences?.get(member.id) : undefined;
        if (holders) {
          for (const holder of holders) {
            const inner = parseMember(holder.member);
            const key = JSON.stringify([inner.id, binding.role, policy.name, condition?.expression ?? '', member.id]);
            if (grants.has(key)) continue;
            members.set(inner.id, inner);
            grants.set(key, throughConvenience(buildGrant({ ...parts, member: inner }), member.id, holder));
          }
          continue;
        }
        const expanded = member.type === 'group' ? input.groupMembers?.get(member.id) : undefined;
        if (expanded) {
          for (const { member: id, membership } of expanded) {
            const inner = parseMember(id);
            const key = JSON.stringify([inner.id, binding.role, policy.name, condition?.expression ?? '', member.id]);
            if (grants.has(key)) continue;
            members.set(inner.id, inner);
            grants.set(key, throughGroup(buildGrant({ ...parts, member: inner }), member.id, membership));
          }
          continue;
        }
        const key = JSON.stringify([member.id, binding.role, policy.name, condition?.expression ?? '']);
        if (grants.has(key)) continue;
        members.set(member.id, member);
        grants.set(key, buildGrant({ ...parts, member }));
      }
    }
  };
  for (const [depth, policy] of input.policies.entries()) addBindings(policy, resource, depth > 0);
  // A bucket's or dataset's own IAM: a grant on that resource, whoever holds the project.
  for (const policy of input.dataResources ?? []) addBindings(policy, policy.name, false);
  // A service account's own IAM: a grant on that account (acting as it), whoever holds the project.
  for (const policy of input.serviceAccountPolicies ?? []) addBindings(policy, policy.name, false);
  for (const roles of deletedBindings.values()) roles.sort();
  // Deny rules over the project, once for all its grants; most projects have none.
  const deny = input.deny?.rules.length ? { ...input.deny, groupMembers: input.groupMembers } : undefined;
  const judged: Grant[] = [];
  for (const grant of grants.values()) {
    // A grant every permission of which is denied is not access, as a condition false now is not.
    const outcome = deny ? applyDenies(grant, deny) : { kind: 'kept' as const, grant };
    if (outcome.kind === 'kept') judged.push(outcome.grant);
  }
  return {
    grants: judged.sort(compareGrants),
    members: [...members.values()].sort((a, b) => compare(a.id, b.id)),
    deletedBindings,
  };
}

/** What a role's reach means, in the evidence (its lane depends on the project's class). */
const REACH_WORDS: Readonly<Record<RoleReach, string>> = {
  project: 'everything in the project, as a basic role',
  metadata: 'configuration, not contents',
  data: 'what is stored',
  production: 'what runs, or who may change it',
};

/** "what runs… (run.services.update)", or each reach with its own level when there are several. */
function reachWords(facts: RoleFacts): string {
  const named = (decisive: readonly string[]) => (decisive.length > 0 ? ` (${decisive.join(', ')})` : '');
  if (facts.parts.length <= 1) return `${REACH_WORDS[facts.reach]}${named(facts.decisive)}`;
  return facts.parts.map((p) => `${REACH_WORDS[p.reach]} (${p.level}: ${p.decisive.join(', ')})`).join('; ');
}

interface GrantParts {
  input: ProjectAccessInput;
  resource: string;
  policy: PolicyAtNode;
  inherited: boolean;
  binding: ApiBinding;
  member: ParsedMember;
  verdict: ConditionVerdict | undefined;
}

function buildGrant({ input, resource, policy, inherited, binding, member, verdict }: GrantParts): Grant {
  const where = inherited ? `${policy.label}, inherited by ${resource}` : resource;
  const evidence = [`${binding.role} granted to ${member.id} on ${where}`];
  const attributes: Grant['attributes'] = {
    memberType: member.type,
    grantedOn: policy.name,
    projectLabels: [...input.labels],
  };
  const condition = binding.condition;
  if (verdict && condition?.expression) {
    const title = condition.title ? `"${condition.title}" ` : '';
    const until = verdict.expiresAt ? `, ends ${verdict.expiresAt}` : '';
    evidence.push(`condition ${title}${condition.expression}: ${verdict.explanation}${until}`);
    attributes.condition = condition.expression;
    if (condition.title) attributes.conditionTitle = condition.title;
    attributes.conditionState = verdict.state;
  }
  if (!roleEntry(binding.role)) {
    const facts = input.roles?.get(binding.role);
    if (facts) {
      attributes.rolePermissions = facts.permissionCount;
      // Every reach, strongest first; classify.ts still reads the older roleReach (the strongest alone).
      attributes.roleReaches = [...facts.reaches];
      attributes.roleLevel = facts.level;
      const about = `${facts.title ? `"${facts.title}", ` : ''}${facts.permissionCount} permission${facts.permissionCount === 1 ? '' : 's'}`;
      evidence.push(
        `${binding.role} is not in the role table (${about}): judged by its permissions, ${facts.level}: ${reachWords(facts)}`,
      );
    } else {
      evidence.push(
        `${binding.role} is not in the role table and its definition could not be read: classed by its name`,
      );
    }
  }
  const onProject = binding.role === CONVENIENCE_ROLE.projectViewer && resource === `projects/${input.projectId}`;
  const readsData = onProject ? (input.viewerReadsData ?? []) : [];
  if (readsData.length > 0) {
    // The project's buckets and datasets grant its viewers reading (as every one starts): classify()
    // gives this viewer the data lane of the project, as it does its editors and owners.
    attributes.viewerReadsData = readsData.length;
    const first = readsData.slice(0, 3).join(', ');
    const more = readsData.length > 3 ? ` and ${readsData.length - 3} more` : '';
    evidence.push(
      `the viewers of projects/${input.projectId} read data in ${readsData.length === 1 ? 'it' : readsData.length} through its own IAM: ${first}${more}`,
    );
  }
  // Another project's basic-role holders, that project not read: who they are is unknown.
  if (parseConvenience(member.id))
    evidence.push(
      `${member.id} stands for ${describeConvenience(member.id)}, whose IAM policy this scan did not read: who they are is unknown`,
    );
  const keys = input.userManagedKeys.get(member.id);
  if (keys !== undefined && keys > 0) {
    attributes.userManagedKeys = keys;
    evidence.push(
      `${member.id} has ${keys} active user-managed key${keys === 1 ? '' : 's'}: anyone holding the key file holds ${binding.role}`,
    );
  }
  const grant: Grant = {
    system: 'gcp',
    target: input.target,
    account: member.id,
    resource,
    permission: binding.role,
    via: inherited ? 'inherited' : 'direct',
    lanes: [],
    level: 'read',
    evidence,
    attributes,
  };
  if (inherited) grant.viaName = policy.label;
  if (verdict?.expiresAt) grant.expiresAt = verdict.expiresAt;
  // Lanes and level are the pipeline's classify step's to set.
  return grant;
}

/** A group's binding as one member's grant: held through the group, removed by leaving it. */
function throughGroup(grant: Grant, group: string, membership: GroupMembership): Grant {
  const [first = '', ...rest] = grant.evidence ?? [];
  return {
    ...grant,
    via: 'group',
    viaName: group,
    evidence: [
      `${grant.account} is a member of ${group}${HOW_IN_GROUP[membership]}`,
      first.replace(` granted to ${grant.account} `, ` granted to ${group} `),
      ...rest,
    ],
    attributes: { ...grant.attributes, throughGroup: group, groupMembership: membership },
  };
}

const HOW_IN_GROUP: Readonly<Record<GroupMembership, string>> = {
  direct: '',
  nested: ' through a group nested in it',
  both: ' itself and through a group nested in it',
};

/**
 * A grant held as one of a project's basic-role holders (projectViewer:p on a bucket): removed by
 * taking the basic role away, or the convenience member's binding on the resource.
 */
function throughConvenience(grant: Grant, convenience: string, holder: ConvenienceHolder): Grant {
  const [first = '', ...rest] = grant.evidence ?? [];
  const kind = parseConvenience(convenience)?.kind ?? 'projectViewer';
  const group = holder.group ? ` through ${holder.group}` : '';
  return {
    ...grant,
    via: 'group',
    viaName: convenience,
    evidence: [
      `${grant.account} holds ${CONVENIENCE_ROLE[kind]} on ${holder.grantedOn}${group}, so is one of ${describeConvenience(convenience)} (${convenience})`,
      first.replace(` granted to ${grant.account} `, ` granted to ${convenience} `),
      ...rest,
    ],
    attributes: {
      ...grant.attributes,
      throughConvenience: convenience,
      basicRoleOn: holder.grantedOn,
      ...(holder.group ? { throughGroup: holder.group } : {}),
    },
  };
}

/** Accounts by id, then resource, permission, where granted, condition: the same input, the same bytes. */
export function compareGrants(a: Grant, b: Grant): number {
  return (
    compare(a.account, b.account) ||
    compare(a.resource, b.resource) ||
    compare(a.permission, b.permission) ||
    compare(a.viaName ?? '', b.viaName ?? '') ||
    compare(String(a.attributes?.condition ?? ''), String(b.attributes?.condition ?? '')) ||
    compare(String(a.attributes?.grantedOn ?? ''), String(b.attributes?.grantedOn ?? ''))
  );
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
