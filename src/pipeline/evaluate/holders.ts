// Who acts through an account: asked by evaluate (who holds each grant) and by offboarding (what
// a person leaves behind), so both always agree.
import type { AccountLink, Holder } from './context.js';

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
 * A group, or one of the company's domains: its members. A shared account: its users, each judged on their own approvals (an
 * employee by employment, a contractor by their register grants), because each can use it.
 * An account claimed by several people: each of them, as "claimed" (the scan does not decide
 * whose it is, but offboarding must not leave it behind). Nobody for an unlinked account.
 */
export function actorsOf(link: AccountLink): Actor[] {
  const [ids, through] = membersOf(link);
  return [...new Set(ids)].sort().map((person) => ({ person, through }));
}

function membersOf(link: AccountLink): [readonly string[], Actor['through']] {
  switch (link.kind) {
    case 'person':
      return [[link.person], 'account'];
    case 'group':
      return [link.group.members, 'group'];
    case 'company':
      return [link.members, 'group'];
    case 'shared':
      return [link.shared.users, 'shared'];
    case 'conflict':
      return [link.people, 'claimed'];
    case 'none':
      return [[], 'account'];
  }
}
