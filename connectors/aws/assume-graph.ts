// Who may become which role, across every account read: IAM's rules for sts:AssumeRole. A
// trust policy naming a user or role lets it in on its own within the role's account; naming
// an account's root delegates to that account, whose principals then need their own policy to
// allow sts:AssumeRole on the role; across accounts both sides must allow. A role reached may
// assume further roles with its own policies, so paths are followed to their end, each role
// once per start (so a cycle ends too). Pure: the graph is built from what collect() read.
import {
  type ActionCheck,
  allowsActionOn,
  type EffectiveAccess,
  type EvaluationInput,
  notRefused,
} from './evaluator.js';
import { byCodePoint } from './policy.js';
import type { TrustedPrincipal } from './trust.js';

const ASSUME_ROLE = 'sts:AssumeRole';

/** Someone who can call sts:AssumeRole: an IAM user, a role, or an Identity Center session. */
export interface Actor {
  /** Unique within the graph. */
  key: string;
  /** How evidence names it: "sam-ortiz", "Identity Center AdministratorAccess in 111111111111". */
  label: string;
  accountId: string;
  /** Whether a trust policy principal names this actor (an ARN, a role session, a reserved SSO role). */
  namedBy(principal: string): boolean;
  /** Its identity policies and boundary, for the caller's side of sts:AssumeRole. */
  access: EvaluationInput;
  /**
   * Whether a trust naming the principal's own ARN is capped by its permissions boundary: a
   * role's (and so an Identity Center session's reserved role's) is, a user's is not.
   */
  boundaryCapsNamedTrust?: boolean;
  /**
   * An IAM user's or role's own ARN: the principal has a record of its own in its account (an
   * Identity Center session's reserved role does not).
   */
  arn?: string;
  /** Whether an aws:PrincipalArn pattern (a glob, as ArnLike and StringLike read it) matches the principal. */
  arnLike(pattern: string, ignoreCase: boolean): boolean;
}

export interface AssumableRole {
  arn: string;
  name: string;
  accountId: string;
  /** AWS principals its trust lets call sts:AssumeRole. */
  trust: readonly TrustedPrincipal[];
  /** What the role's own policies amount to: what a person who reaches it holds. */
  access: EffectiveAccess;
  /** The role as an actor, for the next hop. */
  actor: Actor;
}

/** One step of a path: the role entered, and why IAM lets the previous actor in. */
export interface Hop {
  role: AssumableRole;
  /** The trust names the previous actor itself (not its whole account). */
  named: boolean;
  /** The caller-side statements (empty when a named principal needs none). */
  allowedBy: string[];
  evidence: string[];
}

export interface Reach {
  role: AssumableRole;
  /** From the start to the role; the first hop is the one to cut. */
  path: Hop[];
}

const sameArn = (a: string, b: string) => a === b;

/** A principal ARN naming the role "name" in the account, with or without its path, or one of its sessions. */
export function namesRole(principal: string, accountId: string, name: (roleName: string) => boolean): boolean {
  const m = /^arn:aws[\w-]*:(iam|sts)::(\d{12}):(role|assumed-role)\/(.+)$/.exec(principal);
  if (!m || m[2] !== accountId) return false;
  const rest = m[4] ?? '';
  const roleName = m[3] === 'assumed-role' ? (rest.split('/')[0] ?? '') : rest.slice(rest.lastIndexOf('/') + 1);
  return name(roleName);
}

/** Whether a glob (`*`, `?`) matches the whole of a value. */
function globLike(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

export function userActor(arn: string, name: string, accountId: string, access: EvaluationInput): Actor {
  return {
    key: arn,
    label: name,
    accountId,
    namedBy: (p) => sameArn(p, arn),
    access,
    arn,
    arnLike: (pattern, ignoreCase) => globLike(pattern, arn, ignoreCase),
  };
}

export function roleActor(arn: string, name: string, accountId: string, access: EvaluationInput): Actor {
  return {
    key: arn,
    label: name,
    accountId,
    namedBy: (p) => namesRole(p, accountId, (n) => n === name),
    access,
    boundaryCapsNamedTrust: true,
    arn,
    arnLike: (pattern, ignoreCase) => globLike(pattern, arn, ignoreCase),
  };
}

/**
 * The reserved role Identity Center creates for a permission set: AWSReservedSSO_<set>_<16 hex>.
 * The whole name is matched: a set called Admin must not take Admin_Prod's role for its own.
 */
export function reservedSsoRole(setName: string): RegExp {
  return new RegExp(`^AWSReservedSSO_${setName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}_[0-9a-f]{16}$`);
}

/** An Identity Center session in an account is its reserved role, AWSReservedSSO_<set>_<suffix>. */
export function ssoActor(setArn: string, setName: string, accountId: string, access: EvaluationInput): Actor {
  const reserved = reservedSsoRole(setName);
  return {
    key: `sso:${setArn}@${accountId}`,
    label: `the Identity Center permission set ${setName} in ${accountId}`,
    accountId,
    namedBy: (p) => namesRole(p, accountId, (n) => reserved.test(n)),
    access,
    boundaryCapsNamedTrust: true,
    // The session's principal is its reserved role, whose suffix is not known here: a pattern
    // matches when it matches the role with some suffix (a wildcard), or names a suffix itself.
    arnLike: (pattern, ignoreCase) => {
      const prefix = `arn:aws:iam::${accountId}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_${setName}_`;
      const named = pattern.slice(prefix.length);
      return (
        globLike(pattern, `${prefix}${'0'.repeat(16)}`, ignoreCase) ||
        ((ignoreCase ? pattern.toLowerCase().startsWith(prefix.toLowerCase()) : pattern.startsWith(prefix)) &&
          /^[0-9a-f]{16}$/.test(named))
      );
    },
  };
}

export class AssumeGraph {
  /** Roles by the account ids their trust policies name: the only candidates for an actor of that account. */
  private readonly byTrustedAccount = new Map<string, AssumableRole[]>();

  constructor(roles: readonly AssumableRole[]) {
    for (const role of [...roles].sort((a, b) => byCodePoint(a.arn, b.arn))) {
      const accounts = new Set(role.trust.flatMap((t) => (t.accountId ? [t.accountId] : [])));
      for (const account of accounts) {
        const list = this.byTrustedAccount.get(account) ?? [];
        list.push(role);
        this.byTrustedAccount.set(account, list);
      }
    }
  }

  /** Every role the actor can become, nearest first, each by its shortest path. */
  reachFrom(start: Actor): Reach[] {
    const out: Reach[] = [];
    const seen = new Set([start.key]);
    let frontier: { actor: Actor; path: Hop[] }[] = [{ actor: start, path: [] }];
    // To a fixed point: a role enters the frontier once, so the walk ends after at most one pass
    // per role. A cut-off would hide the admin role at the end of a long chain.
    while (frontier.length > 0) {
      const next: typeof frontier = [];
      for (const { actor, path } of frontier) {
        for (const role of this.byTrustedAccount.get(actor.accountId) ?? []) {
          if (seen.has(role.actor.key)) continue;
          const hop = entry(actor, role);
          if (!hop) continue;
          seen.add(role.actor.key);
          const longer = [...path, hop];
          out.push({ role, path: longer });
          next.push({ actor: role.actor, path: longer });
        }
      }
      frontier = next;
    }
    return out;
  }
}

/** Whether IAM lets the actor assume the role, and why; undefined when it does not. */
export function entry(actor: Actor, role: AssumableRole): Hop | undefined {
  for (const t of role.trust) {
    if (t.accountId !== actor.accountId || !t.actions.includes(ASSUME_ROLE)) continue;
    const named = actor.namedBy(t.principal);
    const delegated = t.principal === `arn:aws:iam::${actor.accountId}:root`;
    if (!named && !delegated) continue;
    // Within the role's account a trust naming the principal is enough (though a Deny of the
    // caller's, or its account's SCPs, still refuse it); otherwise the caller's own policies must
    // allow sts:AssumeRole on the role too.
    const needsPolicy = delegated || role.accountId !== actor.accountId;
    // A role's boundary caps a trust naming the role's ARN (IAM's implicit deny), though not one
    // naming one of its sessions, nor a user's boundary a trust naming the user.
    const capped = actor.boundaryCapsNamedTrust === true && !isSessionArn(t.principal);
    const check: ActionCheck = needsPolicy
      ? allowsActionOn(actor.access, ASSUME_ROLE, role.arn)
      : notRefused(actor.access, ASSUME_ROLE, role.arn, { boundaryCaps: capped });
    if (!check.allowed) continue;
    const conditions = t.conditions.length > 0 ? ` (conditions not evaluated: ${t.conditions.join(', ')})` : '';
    const trusts = named ? actor.label : `every principal of account ${actor.accountId} whose policies allow it`;
    return {
      role,
      named,
      allowedBy: check.evidence,
      evidence: [
        `${role.name} (${role.accountId}) trusts ${trusts}${conditions}`,
        ...check.evidence.map((e) => `${actor.label} may call sts:AssumeRole on it: ${e}`),
        ...check.notes,
      ],
    };
  }
  return undefined;
}

function isSessionArn(principal: string): boolean {
  return /^arn:aws[\w-]*:sts::\d{12}:assumed-role\//.test(principal);
}

/** "sam-ortiz → deploy (111111111111) → prod-admin (222222222222)": the path in one line. */
export function describePath(start: string, path: readonly Hop[]): string {
  return `path: ${[start, ...path.map((h) => `${h.role.name} (${h.role.accountId})`)].join(' → ')}`;
}
