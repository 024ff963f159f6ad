// Who acts through an account, and whether a grant is access now: asked by evaluate (who holds
// each grant) and by offboarding (what a person leaves behind), so both always agree.
import type { Grant } from '../../core/model.js';
import type { AccountLink, Holder } from './context.js';

/**
 * A grant with a time limit (a GCP condition, a Slack guest expiry) that has passed is no longer
 * access. A limit that cannot be read counts as live: unknown is never "expired".
 */
export function grantIsLive(grant: Pick<Grant, 'expiresAt'>, now: Date): boolean {
  if (grant.expiresAt === undefined) return true;
  const at = Date.parse(grant.expiresAt);
  return Number.isNaN(at) || at > now.getTime();
}

/** One person who can act through an account, and how. */
export interface Actor {
  person: string;
  /**
   * account: the person's own; group: a member of a group account; shared: a declared user of a
   * shared account; claimed: one of several people the register ties the account to.
   */
  through: Holder['through'] | 'claimed';
}

/**
 * Everyone who can act through an account, sorted by person. A person's account: that person.
 * A group: its members. A shared account: its users, each judged on their own approvals (an
 * employee by employment, a contractor by their register grants), because each can use it.
 * An account claimed by several people: each of them, as "claimed" (the scan does not decide
 * whose it is, but offboarding must not leave it behind). Nobody for an unlinked account.
 */
export function actorsOf(link: AccountLink): Actor[] {
  const [ids, through]: [readonly string[], Actor['through']] =
    link.kind === 'person'
      ? [[link.person], 'account']
      : link.kind === 'group'
        ? [link.group.members, 'group']
        : link.kind === 'shared'
          ? [link.shared.users, 'shared']
          : link.kind === 'conflict'
            ? [link.people, 'claimed']
            : [[], 'account'];
  return [...new Set(ids)].sort().map((person) => ({ person, through }));
}
