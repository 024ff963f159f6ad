// What makes a register entry unanswerable, in one place: a contractor no employee owns, a
// contractor's approval (or lanes exception) that never ends, an approval outside the
// engagement, a task too vague to review; and, on a given day, a contractor or a declared
// account whose owner has left, or a live approval or lanes exception whose approver has left.
// The scan reports each as a register-incomplete finding (it still runs on such a register);
// `register check` fails on them, so a pull request cannot add one unnoticed.
import type { ProblemCode } from '../../core/errors.js';
import type { Person, Register, RegisterGrant, SharedAccount } from '../../core/register.js';
import { approverLeftOn, leftOn } from '../evaluate/coverage.js';

/** Fewer words than this and a reviewer cannot tell what the access was for. */
export const MIN_TASK_WORDS = 3;

export interface IncompleteEntry {
  code: ProblemCode;
  /** Stable within a person: part of the finding's fingerprint. */
  what:
    | 'no-owner'
    | 'owner-left'
    | 'no-end'
    | 'outlasts-engagement'
    | 'precedes-engagement'
    | 'vague-task'
    | 'approver-left'
    | 'exception-no-end'
    | 'exception-approver-left';
  person: Person;
  grant?: RegisterGrant;
  /** Where in the register: ["people", 3, "grants", 0, "end"]. */
  path: PropertyKey[];
  /** One line saying what is missing. */
  message: string;
}

/**
 * `now`: also what has gone stale by that day, an owner or approver who has left. Without it only
 * what the text alone says (a request checks one person, without the rest of the register).
 */
export function incompleteEntries(register: Pick<Register, 'people'>, now?: Date): IncompleteEntry[] {
  const out: IncompleteEntry[] = [];
  const byId = new Map(register.people.map((p) => [p.id, p]));
  for (const [i, person] of register.people.entries()) {
    const contractor = person.kind === 'contractor';
    if (contractor && person.owner === undefined)
      out.push({
        code: 'LK_REGISTER_INCOMPLETE_OWNER',
        what: 'no-owner',
        person,
        path: ['people', i],
        message: 'a contractor without an owner: no employee answers for their access',
      });
    // An owner who is not an employee at all is the scan's other finding, not this one.
    const ownerLeft =
      contractor && now && byId.get(person.owner ?? '')?.kind === 'employee'
        ? leftOn(byId, person.owner, now)
        : undefined;
    if (ownerLeft !== undefined)
      out.push({
        code: 'LK_REGISTER_OWNER_LEFT',
        what: 'owner-left',
        person,
        path: ['people', i, 'owner'],
        message: `owner ${person.owner} left on ${ownerLeft}: no employee answers for this access now`,
      });
    const exception = person.lanes_exception;
    if (contractor && exception && exception.end === undefined)
      out.push({
        code: 'LK_REGISTER_EXCEPTION_NO_END',
        what: 'exception-no-end',
        person,
        path: ['people', i, 'lanes_exception'],
        message: 'a lanes exception with no end date: the person may hold several lanes for ever',
      });
    const exceptionApproverLeft = exception && now ? approverLeftOn(byId, exception, now) : undefined;
    if (exceptionApproverLeft !== undefined)
      out.push({
        code: 'LK_REGISTER_EXCEPTION_APPROVER_LEFT',
        what: 'exception-approver-left',
        person,
        path: ['people', i, 'lanes_exception', 'approved_by'],
        message: `lanes exception approved by ${exception?.approved_by}, who left on ${exceptionApproverLeft}: it excuses nothing now`,
      });
    for (const [j, grant] of person.grants.entries()) {
      const at = (...rest: PropertyKey[]) => ['people', i, 'grants', j, ...rest];
      // An approval nobody here owns can be neither renewed nor ended on purpose.
      const approverLeft = contractor && now ? approverLeftOn(byId, grant, now) : undefined;
      if (approverLeft !== undefined)
        out.push({
          code: 'LK_REGISTER_APPROVER_LEFT',
          what: 'approver-left',
          person,
          grant,
          path: at('approved_by'),
          message: `approved by ${grant.approved_by}, who left on ${approverLeft}: nobody here owns this approval now`,
        });
      if (contractor && grant.end === undefined)
        out.push({
          code: 'LK_REGISTER_INCOMPLETE_END',
          what: 'no-end',
          person,
          grant,
          path: at(),
          message: `no end date: the approval never lapses (started ${grant.start})`,
        });
      // YYYY-MM-DD strings compare in date order.
      if (grant.end !== undefined && person.end !== undefined && grant.end > person.end)
        out.push({
          code: 'LK_REGISTER_GRANT_OUTLASTS_ENGAGEMENT',
          what: 'outlasts-engagement',
          person,
          grant,
          path: at('end'),
          message: `ends ${grant.end}, after ${person.id}'s engagement ends (${person.end})`,
        });
      if (person.start !== undefined && grant.start < person.start)
        out.push({
          code: 'LK_REGISTER_GRANT_BEFORE_ENGAGEMENT',
          what: 'precedes-engagement',
          person,
          grant,
          path: at('start'),
          message: `starts ${grant.start}, before ${person.id}'s engagement starts (${person.start})`,
        });
      const words = grant.task.trim().split(/\s+/).filter(Boolean).length;
      if (words < MIN_TASK_WORDS)
        out.push({
          code: 'LK_REGISTER_VAGUE_TASK',
          what: 'vague-task',
          person,
          grant,
          path: at('task'),
          message: `the task "${grant.task}" is ${words} word(s): too vague to review`,
        });
    }
  }
  return out;
}

/** A declared service, bot or shared account nobody here answers for. */
export interface OwnerlessAccount {
  code: 'LK_REGISTER_ACCOUNT_OWNER_LEFT';
  account: SharedAccount;
  path: PropertyKey[];
  message: string;
}

/**
 * Declared accounts whose owner has left by `now`: the register says who answers for each, and
 * that person no longer can. Whatever the account holds (admin or not), nobody renews, rotates or
 * retires it on purpose.
 */
export function ownerlessAccounts(
  register: Pick<Register, 'people' | 'shared_accounts'>,
  now: Date,
): OwnerlessAccount[] {
  const byId = new Map(register.people.map((p) => [p.id, p]));
  return register.shared_accounts.flatMap((account, k) => {
    const left = leftOn(byId, account.owner, now);
    return left === undefined
      ? []
      : [
          {
            code: 'LK_REGISTER_ACCOUNT_OWNER_LEFT' as const,
            account,
            path: ['shared_accounts', k, 'owner'],
            message: `owner ${account.owner} left on ${left}: no employee answers for the ${account.kind} account ${account.id} now`,
          },
        ];
  });
}
