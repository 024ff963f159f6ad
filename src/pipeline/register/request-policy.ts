// The house rules a reviewer applies to one access request, checked before it is written:
// a contractor keeps to one lane unless an exception says otherwise, an approval lives inside
// the engagement, nobody approves their own access, and the entry is complete enough for
// `register check` to pass (an owner or approver who is not an employee among them). The register
// loader has already refused what is invalid (an end before its start); these are valid YAML a
// reviewer would still send back.
import type { Person, Register, RegisterGrant } from '../../core/register.js';
import { incompleteEntries } from './completeness.js';
import type { RegisterIssue } from './validate.js';

/** Problems with the last grant of `register.people[index]` (the one the request adds). */
export function requestRefusals(register: Register, index: number): RegisterIssue[] {
  const person = register.people[index];
  if (!person || person.grants.length === 0) return [];
  const j = person.grants.length - 1;
  const grant = person.grants[j]!;
  const at = (...rest: PropertyKey[]): PropertyKey[] => ['people', index, 'grants', j, ...rest];
  const out: RegisterIssue[] = [];

  const otherLanes = secondLane(person, grant);
  if (otherLanes.length > 0) {
    out.push({
      code: 'LK_REQUEST_SECOND_LANE',
      message: `gives the contractor ${person.id} the ${grant.lane} lane while they hold ${otherLanes.join(' and ')} (${grant.start} to ${grant.end ?? 'open'}); contractors keep to one lane`,
      path: at('lane'),
    });
  }
  if (person.start !== undefined && grant.start < person.start) {
    out.push({
      code: 'LK_REQUEST_OUTSIDE_ENGAGEMENT',
      message: `starts ${grant.start}, before ${person.id}'s engagement starts (${person.start})`,
      path: at('start'),
    });
  }
  const approver = grant.approved_by ?? person.owner;
  if (approver === person.id) {
    out.push({
      code: 'LK_REQUEST_SELF_APPROVAL',
      message: `${person.id} would approve their own access`,
      path: grant.approved_by !== undefined ? at('approved_by') : ['people', index, 'owner'],
    });
  }
  // What `register check` would fail on, for this person's entry and this grant: read against
  // the whole register, which says whether the owner and the approver are employees.
  for (const entry of incompleteEntries(register)) {
    if (entry.person !== person || (entry.grant !== undefined && entry.grant !== grant)) continue;
    out.push({ code: entry.code, message: entry.message, path: entry.path });
  }
  return out;
}

/** The other lanes a contractor holds while `grant` runs, unless a lanes exception covers it. */
function secondLane(person: Person, grant: RegisterGrant): string[] {
  if (person.kind !== 'contractor') return [];
  const exception = person.lanes_exception;
  // YYYY-MM-DD strings compare in date order.
  if (exception && (exception.end === undefined || exception.end >= grant.start)) return [];
  const lanes = person.grants
    .filter((g) => g !== grant && g.lane !== grant.lane && overlaps(g, grant))
    .map((g) => g.lane);
  return [...new Set(lanes)].sort();
}

function overlaps(a: RegisterGrant, b: RegisterGrant): boolean {
  return a.start <= (b.end ?? '9999-12-31') && (a.end ?? '9999-12-31') >= b.start;
}
