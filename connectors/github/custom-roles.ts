// Custom repository roles (GitHub Enterprise Cloud): a base role (read, triage, write, maintain)
// plus fine-grained permissions, some of which reach further than the base. A "read" role with
// bypass_branch_protection or manage_deploy_keys changes code as an administrator would. Pure:
// the role's definition in, the level it reaches and the permissions that decide it out.
import { type Level, levelRank } from '../../src/core/model.js';
import { levelOfPermission } from './classify.js';
import type { ApiCustomRepoRole } from './schema.js';

/** Permissions that change what protects the code, or reach its secrets: administration. */
const ADMINISTERS = new Set([
  'bypass_branch_protection',
  'push_protected_branch',
  'edit_repo_protections',
  'manage_deploy_keys',
  'manage_webhooks',
  'view_secret_scanning_alerts',
  'resolve_secret_scanning_alerts',
]);

/** Triage and viewing: issues, pull requests and discussions, labels, alerts read-only. */
const TRIAGES =
  /^((add|remove)_(assignee|label)|(close|reopen|delete)_(issue|pull_request|discussion)|mark_as_duplicate|set_(milestone|issue_type)|request_pr_review|(view|read)_.+)$/;

export interface CustomRoleReach {
  level: Level;
  /** The fine-grained permissions that raised it above its base role, for the evidence. */
  raisedBy: string[];
}

/**
 * A custom role's level: its base role's, raised by what its fine-grained permissions allow.
 * Anything beyond triage and viewing writes; a permission GitHub adds later that this table does
 * not know is taken as a write too (overstated rather than hidden).
 */
export function customRoleReach(role: ApiCustomRepoRole): CustomRoleReach {
  const base = levelOfPermission(role.base_role);
  const own = (permission: string): Level =>
    ADMINISTERS.has(permission) ? 'admin' : TRIAGES.test(permission) ? 'read' : 'write';
  const level = role.permissions.reduce<Level>((top, p) => (levelRank(own(p)) > levelRank(top) ? own(p) : top), base);
  const raisedBy = level === base ? [] : role.permissions.filter((p) => own(p) === level).sort();
  return { level, raisedBy };
}

/**
 * Permissions over the organisation itself (its settings, roles, secrets, runners, audit log), as
 * a custom organisation role may hold beside repository permissions: GitHub names them after the
 * organisation (write_organization_actions_settings, org_review_and_manage_…, read_audit_logs).
 * Every other permission an organisation role holds is a repository permission, the same ones a
 * custom repository role holds.
 */
const ORGANIZATION_PERMISSION = /organization|(^|_)org(_|$)|audit_log/;

/** Organisation permissions that change the organisation (write, manage, edit, or bypass a control): admin. */
const ADMINISTERS_ORGANIZATION = /^(write|manage|edit|org_review_and_manage)_|bypass/;

export function isOrganizationPermission(permission: string): boolean {
  return ORGANIZATION_PERMISSION.test(permission);
}

/**
 * What an organisation role amounts to on every repository: its base repository role raised by its
 * repository permissions, judged exactly as a custom repository role's are (customRoleReach), and
 * admin when its organisation permissions change the organisation's settings, members, roles or
 * secrets. Without a base role, a repository permission or such a power it reaches no repository
 * (undefined); security managers read them all.
 */
export function orgRoleReach(role: {
  id: number;
  name: string;
  base_role?: string | null | undefined;
  permissions: readonly string[];
}): CustomRoleReach | undefined {
  const powers = role.permissions.filter((p) => isOrganizationPermission(p) && ADMINISTERS_ORGANIZATION.test(p));
  if (powers.length > 0) return { level: 'admin', raisedBy: [...powers].sort() };
  const repository = role.permissions.filter((p) => !isOrganizationPermission(p));
  const base = role.base_role?.toLowerCase();
  const hasBase = base !== undefined && BASE_ROLES.has(base);
  if (!hasBase && repository.length === 0)
    return role.name === 'security_manager' ? { level: 'read', raisedBy: [] } : undefined;
  // Repository permissions without a base role still reach every repository: at least read.
  return customRoleReach({ id: role.id, name: role.name, base_role: hasBase ? base : 'read', permissions: repository });
}

const BASE_ROLES = new Set(['read', 'triage', 'write', 'maintain', 'admin']);
