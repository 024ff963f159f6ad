// What makes a register entry unanswerable, in one place: a contractor no employee owns, a
// contractor's approval (or lanes exception) that never ends, an approval outside the
// engagement, a task too vague to review; and, on a given day, a live engagement or a declared
// account whose owner has left or is not an employee, or a live approval or lanes exception whose
// approver has left or is not an employee. What has ended needs nobody now: an employee who
// became a contractor leaves their past approvals valid.
// The scan reports each as a register-incomplete finding (it still runs on such a register);
// `register check` fails on them, so a pull request cannot add one unnoticed.
import type { ProblemCode } from '../../core/errors.js';
import type { Person, Register, RegisterGrant, SharedAccount } from '../../core/register.js';
import { approverLeftOn, engagementEndedOn, hasEnded, leftOn } from '../evaluate/coverage.js';

/** Fewer words than this and a reviewer cannot tell what the access was for. */
export const MIN_TASK_WORDS = 3;

export interface IncompleteEntry {
  code: ProblemCode;
  /** Stable within a person: part of the finding's fingerprint. */
  what:
    | 'no-owner'
    | 'owner-left'
    | 'owner-not-employee'
    | 'no-end'
    | 'outlasts-engagement'
    | 'precedes-engagement'
    | 'vague-task'
    | 'approver-left'
    | 'approver-not-employee'
    | 'exception-no-end'
    | 'exception-approver-left'
    | 'exception-approver-not-employee';
  person: Person;
  grant?: RegisterGrant;
  /** Where in the register: ["people", 3, "grants", 0, "end"]. */
  path: PropertyKey[];
  /** One line saying what is missing. */
  message: string;
}

/**
 * `now`: also what has gone stale by that day (an owner or approver who has left) and what has
 * ended and so needs nobody. Without it only what the text alone says, every approval counted
 * as live (a request, checked before its day comes).
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
    // A contractor whose engagement has ended needs no owner now, as an ended approval needs no
    // approver: their owner leaving, or becoming a contractor, is history.
    const engagementOver = now !== undefined && engagementEndedOn(person, now) !== undefined;
    const ownerKind = engagementOver ? undefined : notEmployee(byId, person.owner);
    if (ownerKind !== undefined)
      out.push({
        code: 'LK_REGISTER_OWNER_NOT_EMPLOYEE',
        what: 'owner-not-employee',
        person,
        path: ['people', i, 'owner'],
        message: `owner ${person.owner} is a ${ownerKind}: only an employee answers for access`,
      });
    const ownerLeft =
      contractor && now && !engagementOver && byId.get(person.owner ?? '')?.kind === 'employee'
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
    const exceptionApprover =
      exception && liveOn(exception, now) ? notEmployee(byId, exception.approved_by) : undefined;
    if (exceptionApprover !== undefined)
      out.push({
        code: 'LK_REGISTER_APPROVER_NOT_EMPLOYEE',
        what: 'exception-approver-not-employee',
        person,
        path: ['people', i, 'lanes_exception', 'approved_by'],
        message: `lanes exception approved by ${exception?.approved_by}, a ${exceptionApprover}: only an employee approves access`,
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
      const approverKind = liveOn(grant, now) ? notEmployee(byId, grant.approved_by) : undefined;
      if (approverKind !== undefined)
        out.push({
          code: 'LK_REGISTER_APPROVER_NOT_EMPLOYEE',
          what: 'approver-not-employee',
          person,
          grant,
          path: at('approved_by'),
          message: `approved by ${grant.approved_by}, a ${approverKind}: only an employee approves access`,
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
      // One that ended before the engagement began is an earlier engagement's (a contractor re-hired).
      const earlier = grant.end !== undefined && person.start !== undefined && grant.end < person.start;
      if (person.start !== undefined && grant.start < person.start && !earlier)
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

/** The kind of the person an owner or approver id names, when that person is not an employee. */
export function notEmployee(people: ReadonlyMap<string, Person>, id: string | undefined): string | undefined {
  const kind = id === undefined ? undefined : people.get(id)?.kind;
  return kind === undefined || kind === 'employee' ? undefined : kind;
}

/** An approval still in its dates on `now`; without a day, every approval counts. */
const liveOn = (approval: { end?: string | undefined }, now: Date | undefined) =>
  now === undefined || !hasEnded(approval, now);

/**
 * Accepted risks still in their dates whose accepter is not an employee: the scan keeps the
 * finding open (pipeline/accept.ts), and `register check` fails, so a pull request cannot add one.
 */
export function unacceptedRisks(
  register: Pick<Register, 'people' | 'accepted_risks'>,
  now?: Date,
): { code: 'LK_REGISTER_APPROVER_NOT_EMPLOYEE'; path: PropertyKey[]; message: string }[] {
  const byId = new Map(register.people.map((p) => [p.id, p]));
  return register.accepted_risks.flatMap((risk, r) => {
    const kind = liveOn(risk, now) ? notEmployee(byId, risk.accepted_by) : undefined;
    return kind === undefined
      ? []
      : [
          {
            code: 'LK_REGISTER_APPROVER_NOT_EMPLOYEE' as const,
            path: ['accepted_risks', r, 'accepted_by'],
            message: `accepted by ${risk.accepted_by}, a ${kind}: only an employee accepts a risk, so it does not count`,
          },
        ];
  });
}

/** A declared service, bot or shared account nobody here answers for. */
export interface OwnerlessAccount {
  code: 'LK_REGISTER_ACCOUNT_OWNER_LEFT' | 'LK_REGISTER_OWNER_NOT_EMPLOYEE';
  /** Stable within an account: part of the finding's fingerprint. */
  what: 'owner-left' | 'owner-not-employee';
  account: SharedAccount;
  path: PropertyKey[];
  message: string;
}

/**
 * Declared accounts whose owner has left by `now`, or is not an employee: the register says who
 * answers for each, and that person cannot. Whatever the account holds (admin or not), nobody
 * renews, rotates or retires it on purpose.
 */
export function ownerlessAccounts(
  register: Pick<Register, 'people' | 'shared_accounts'>,
  now: Date,
): OwnerlessAccount[] {
  const byId = new Map(register.people.map((p) => [p.id, p]));
  return register.shared_accounts.flatMap((account, k): OwnerlessAccount[] => {
    const path = ['shared_accounts', k, 'owner'];
    const kind = notEmployee(byId, account.owner);
    if (kind !== undefined)
      return [
        {
          code: 'LK_REGISTER_OWNER_NOT_EMPLOYEE',
          what: 'owner-not-employee',
          account,
          path,
          message: `owner ${account.owner} is a ${kind}: no employee answers for the ${account.kind} account ${account.id}`,
        },
      ];
    const left = leftOn(byId, account.owner, now);
    return left === undefined
      ? []
      : [
          {
            code: 'LK_REGISTER_ACCOUNT_OWNER_LEFT',
            what: 'owner-left',
            account,
            path,
            message: `owner ${account.owner} left on ${left}: no employee answers for the ${account.kind} account ${account.id} now`,
          },
        ];
  });
}
