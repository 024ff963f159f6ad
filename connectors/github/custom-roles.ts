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
