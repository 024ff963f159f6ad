// Cross-references the schema cannot see: owners exist and are employees, dates are in order,
// systems exist, no account is claimed twice. Returns every issue at once; the loader turns
// them into located problems. Missing contractor owners, open-ended or outlasting grants and
// vague tasks are not issues here: completeness.ts names them, the scan reports them as
// register-incomplete findings (it still runs), and `register check` fails on them.

import type { ProblemCode } from '../../core/errors.js';
import { normalizeEmail, normalizeLogin } from '../../core/identity.js';
import { resourceNames, type Snapshot } from '../../core/model.js';
import type { AcceptedRisk, Person, RegisterGrant, RegisterGroup, SharedAccount } from '../../core/register.js';
import { scopeMatcher } from '../../core/scope.js';
import { closest } from '../../core/source.js';
import { allRules } from '../../rules/index.js';

export interface RegisterIssue {
  code: ProblemCode;
  message: string;
  /** Where in the register: ["people", 3, "owner"]. */
  path: PropertyKey[];
  severity?: 'warning';
  /** Overrides the table's fix when a more specific one helps. */
  fix?: string;
}

/**
 * A register as far as it could be read. A full Register fits; when entries failed the schema,
 * the loader keeps the fields that did parse, so the remaining cross-references are still
 * checked and reported in the same run. Every field may therefore be missing.
 */
export type PersonForValidation = Partial<Omit<Person, 'grants'>> & { grants?: Partial<RegisterGrant>[] };

export interface RegisterForValidation {
  people: PersonForValidation[];
  shared_accounts: Partial<SharedAccount>[];
  groups: Partial<RegisterGroup>[];
  accepted_risks: Partial<AcceptedRisk>[];
}

export interface ValidateOptions {
  /** Connector ids; systems named in the register must be among them. No check when empty. */
  knownSystems: readonly string[];
}

/** The rule ids an accepted risk may name. */
const RULE_IDS: readonly string[] = allRules.map((r) => r.id);

export function validateRegister(register: RegisterForValidation, options: ValidateOptions): RegisterIssue[] {
  const issues: RegisterIssue[] = [];
  const report = (code: ProblemCode, message: string, path: PropertyKey[], extra: Partial<RegisterIssue> = {}) =>
    issues.push({ code, message, path, ...extra });

  const byId = new Map<string, { person: PersonForValidation; index: number }>();
  for (const [index, person] of register.people.entries()) {
    if (!person.id) continue;
    const first = byId.get(person.id);
    if (first) {
      report('LK_REGISTER_DUPLICATE_PERSON', `"${person.id}" is already the id of people[${first.index}]`, [
        'people',
        index,
        'id',
      ]);
    } else {
      byId.set(person.id, { person, index });
    }
  }
  const ids = [...byId.keys()];

  const suggest = (id: string) => {
    const guess = closest(id, ids);
    return guess ? ` (did you mean "${guess}"?)` : '';
  };
  /** An owner or approver must be an employee listed under people. */
  // Whether an owner or approver is an employee is judged with the day (register/completeness.ts):
  // an approval given while they were one and since ended is history, not an error.
  const checkKnown = (id: string, path: PropertyKey[], role: 'owner' | 'approver') => {
    if (byId.has(id)) return;
    const unknown = role === 'owner' ? 'LK_REGISTER_OWNER_UNKNOWN' : 'LK_REGISTER_APPROVER_UNKNOWN';
    report(unknown, `"${id}" is not a person in the register${suggest(id)}`, path);
  };
  const checkPerson = (id: string, path: PropertyKey[]) => {
    if (!byId.has(id))
      report('LK_REGISTER_UNKNOWN_PERSON', `"${id}" is not a person in the register${suggest(id)}`, path);
  };
  const checkSystem = (system: string, path: PropertyKey[]) => {
    if (options.knownSystems.length === 0 || options.knownSystems.includes(system)) return;
    const guess = closest(system, options.knownSystems, 1);
    report(
      'LK_REGISTER_UNKNOWN_SYSTEM',
      `"${system}" is not a known system${guess ? ` (did you mean "${guess}"?)` : ''}; known: ${options.knownSystems.join(', ')}`,
      path,
    );
  };
  /** A rule an accepted risk names must exist: a typo would accept nothing, silently. */
  const checkRule = (rule: string, path: PropertyKey[]) => {
    if (RULE_IDS.includes(rule)) return;
    const guess = closest(rule, RULE_IDS);
    report(
      'LK_REGISTER_BAD_VALUE',
      `"${rule}" is not a rule${guess ? ` (did you mean "${guess}"?)` : ''}; rules: ${RULE_IDS.join(', ')}`,
      path,
    );
  };
  const checkDates = (start: string | undefined, end: string | undefined, path: PropertyKey[]) => {
    // YYYY-MM-DD strings compare in date order.
    if (start && end && end < start) {
      report('LK_REGISTER_END_BEFORE_START', `${end} is before the start date ${start}`, [...path, 'end']);
    }
  };

  // Accounts: one account, one claimant. Keys are normalised as the linker matches them (NFC,
  // trimmed, inner spaces removed, case-folded): two spellings it links to one account are one claim.
  const claims = new Map<string, string>();
  const claim = (system: string, account: string, claimant: string, path: PropertyKey[]) => {
    const key = JSON.stringify([system, normalizeLogin(account)]);
    const previous = claims.get(key);
    if (previous === undefined) claims.set(key, claimant);
    else if (previous !== claimant) {
      report(
        'LK_REGISTER_ACCOUNT_CLAIMED_TWICE',
        `${system} account "${account}" is already claimed by ${previous}`,
        path,
      );
    }
  };
  const emails = new Map<string, string>();

  for (const [i, person] of register.people.entries()) {
    const at = (...rest: PropertyKey[]): PropertyKey[] => ['people', i, ...rest];
    const personId = person.id ?? `people[${i}]`;
    if (person.owner !== undefined) checkKnown(person.owner, at('owner'), 'owner');
    checkDates(person.start, person.end, at());
    if (person.lanes_exception)
      checkKnown(person.lanes_exception.approved_by, at('lanes_exception', 'approved_by'), 'approver');

    for (const [n, email] of (person.emails ?? []).entries()) {
      const other = emails.get(normalizeEmail(email));
      if (other !== undefined && other !== personId) {
        report('LK_REGISTER_DUPLICATE_EMAIL', `${email} is already listed for ${other}`, at('emails', n));
      } else {
        emails.set(normalizeEmail(email), personId);
      }
    }

    for (const [system, links] of Object.entries(person.accounts ?? {})) {
      checkSystem(system, at('accounts', system));
      const list = Array.isArray(links) ? links : [links];
      for (const [n, account] of list.entries()) {
        claim(
          system,
          account,
          `person "${personId}"`,
          Array.isArray(links) ? at('accounts', system, n) : at('accounts', system),
        );
      }
    }

    for (const [j, grant] of (person.grants ?? []).entries()) {
      const g = (...rest: PropertyKey[]) => at('grants', j, ...rest);
      if (grant.system !== undefined) checkSystem(grant.system, g('system'));
      checkDates(grant.start, grant.end, g());
      if (grant.approved_by !== undefined) checkKnown(grant.approved_by, g('approved_by'), 'approver');
    }
  }

  const sharedSeen = new Map<string, number>();
  for (const [k, shared] of register.shared_accounts.entries()) {
    const at = (...rest: PropertyKey[]): PropertyKey[] => ['shared_accounts', k, ...rest];
    if (shared.system !== undefined) checkSystem(shared.system, at('system'));
    if (shared.owner !== undefined) checkKnown(shared.owner, at('owner'), 'owner');
    for (const [n, user] of (shared.users ?? []).entries()) checkPerson(user, at('users', n));
    if (shared.system === undefined || shared.id === undefined) continue;
    const key = JSON.stringify([shared.system, normalizeLogin(shared.id)]);
    const first = sharedSeen.get(key);
    if (first !== undefined) {
      report(
        'LK_REGISTER_DUPLICATE_SHARED_ACCOUNT',
        `${shared.system} account "${shared.id}" is already declared at shared_accounts[${first}]`,
        at('id'),
      );
      continue;
    }
    sharedSeen.set(key, k);
    claim(shared.system, shared.id, `shared_accounts[${k}]`, at('id'));
  }

  for (const [g, group] of register.groups.entries()) {
    if (group.system !== undefined) checkSystem(group.system, ['groups', g, 'system']);
    for (const [n, member] of (group.members ?? []).entries()) checkPerson(member, ['groups', g, 'members', n]);
  }

  for (const [r, risk] of register.accepted_risks.entries()) {
    const at = (...rest: PropertyKey[]): PropertyKey[] => ['accepted_risks', r, ...rest];
    if (!risk.fingerprint && !(risk.rule && risk.account)) {
      const missing = risk.rule ? '"account"' : risk.account ? '"rule"' : 'a "fingerprint", or "rule" and "account"';
      report('LK_REGISTER_RISK_UNTARGETED', `names no finding: add ${missing}`, at());
    }
    if (risk.rule !== undefined) checkRule(risk.rule, at('rule'));
    if (risk.system !== undefined) checkSystem(risk.system, at('system'));
    if (risk.accepted_by !== undefined) checkKnown(risk.accepted_by, at('accepted_by'), 'approver');
  }

  return issues;
}

/**
 * Warnings for grant scopes that match no resource the scan found, for systems that were read
 * completely (a failed system proves nothing). Grants that ended before `now` are skipped: their
 * resources may rightly be gone.
 */
export function unmatchedScopes(register: RegisterForValidation, snapshot: Snapshot, now?: Date): RegisterIssue[] {
  const readSystems = new Set<string>();
  const failed = new Set(snapshot.systems.filter((s) => !s.ok).map((s) => s.system));
  for (const s of snapshot.systems) if (s.ok && !failed.has(s.system)) readSystems.add(s.system);
  const names = new Map<string, Set<string>>();
  for (const grant of snapshot.grants) {
    const set = names.get(grant.system) ?? new Set<string>();
    for (const name of resourceNames(grant)) set.add(name);
    names.set(grant.system, set);
  }
  const today = now?.toISOString().slice(0, 10);
  const issues: RegisterIssue[] = [];
  for (const [i, person] of register.people.entries()) {
    for (const [j, grant] of (person.grants ?? []).entries()) {
      if (!grant.system || !grant.scope || !readSystems.has(grant.system)) continue;
      if (today && grant.end && grant.end < today) continue;
      const scopes = Array.isArray(grant.scope) ? grant.scope : [grant.scope];
      const resources = [...(names.get(grant.system) ?? [])];
      for (const [n, scope] of scopes.entries()) {
        const matches = scopeMatcher(scope);
        if (resources.some((r) => matches(r))) continue;
        issues.push({
          code: 'LK_REGISTER_SCOPE_UNMATCHED',
          message: `"${scope}" matches nothing the ${grant.system} scan found`,
          path: Array.isArray(grant.scope)
            ? ['people', i, 'grants', j, 'scope', n]
            : ['people', i, 'grants', j, 'scope'],
          severity: 'warning',
        });
      }
    }
  }
  return issues;
}
