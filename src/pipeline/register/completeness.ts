// What makes a register entry unanswerable, in one place: a contractor no employee owns, a
// contractor's approval that never ends or outlasts the engagement, a task too vague to
// review. The scan reports each as a register-incomplete finding (it still runs on such a
// register); `register check` fails on them, so a pull request cannot add one unnoticed.
import type { ProblemCode } from '../../core/errors.js';
import type { Person, Register, RegisterGrant } from '../../core/register.js';

/** Fewer words than this and a reviewer cannot tell what the access was for. */
export const MIN_TASK_WORDS = 3;

export interface IncompleteEntry {
  code: ProblemCode;
  /** Stable within a person: part of the finding's fingerprint. */
  what: 'no-owner' | 'no-end' | 'outlasts-engagement' | 'vague-task';
  person: Person;
  grant?: RegisterGrant;
  /** Where in the register: ["people", 3, "grants", 0, "end"]. */
  path: PropertyKey[];
  /** One line saying what is missing. */
  message: string;
}

export function incompleteEntries(register: Pick<Register, 'people'>): IncompleteEntry[] {
  const out: IncompleteEntry[] = [];
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
    for (const [j, grant] of person.grants.entries()) {
      const at = (...rest: PropertyKey[]) => ['people', i, 'grants', j, ...rest];
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
