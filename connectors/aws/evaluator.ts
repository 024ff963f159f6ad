// What a set of IAM policies amounts to, in the four questions lanekeeper asks: can the
// principal administer the account, change it, read its stored data, or read its metadata?
// IAM's own logic is applied to a fixed set of probe actions (our lists of data reads and
// admin powers, every literal action a policy names, and each service × verb), so wildcards,
// NotAction, explicit Deny and permission boundaries decide, never a policy's name.
// Conditions are not evaluated: an Allow with a condition counts as allowing (it may), a Deny
// with a condition is not applied (it may not hold); both are noted.
import { ADMIN_ACTIONS, DATA_READ_ACTIONS, PROBE_SERVICES, READ_VERBS, WRITE_VERBS } from './data-read-actions.js';
import { byCodePoint, describeStatement, listOf, type NamedPolicy, type Statement, statementsOf } from './policy.js';

export const ACCESS_CATEGORIES = ['admin', 'write', 'data-read', 'read'] as const;
export type AccessCategory = (typeof ACCESS_CATEGORIES)[number];

export interface EffectiveAccess {
  admin: boolean;
  write: boolean;
  dataRead: boolean;
  read: boolean;
  /** Named actions (from our lists or the policies) allowed in each category, sorted. */
  actions: Record<AccessCategory, string[]>;
  /** The statements that allowed each category, as "policy: Allow … on …". */
  evidence: Record<AccessCategory, string[]>;
  /** Names of the policies that allowed each category, in the order given. */
  policies: Record<AccessCategory, string[]>;
  /** What the evaluator did not decide: conditions ignored, denies not applied. */
  notes: string[];
}

export interface EvaluationInput {
  /** Identity policies: inline and attached, the principal's own and its groups'. */
  policies: readonly NamedPolicy[];
  /** The permissions boundary, when one is set: it caps what the policies allow. */
  boundary?: readonly NamedPolicy[];
}

interface Candidate {
  action: string;
  category: AccessCategory;
  /** A real action name (shown in summaries), not a service × verb probe. */
  named: boolean;
}

interface SourcedStatement {
  policy: string;
  statement: Statement;
}

const PROBE_SUFFIX = '(probe)';

export function evaluateAccess(input: EvaluationInput): EffectiveAccess {
  const identity = flatten(input.policies);
  const boundary = input.boundary ? flatten(input.boundary) : undefined;
  const notes = new Set<string>();
  const result: EffectiveAccess = {
    admin: false,
    write: false,
    dataRead: false,
    read: false,
    actions: { admin: [], write: [], 'data-read': [], read: [] },
    evidence: { admin: [], write: [], 'data-read': [], read: [] },
    policies: { admin: [], write: [], 'data-read': [], read: [] },
    notes: [],
  };
  const policyOrder = input.policies.map((p) => p.name);
  const policies: Record<AccessCategory, Set<string>> = {
    admin: new Set(),
    write: new Set(),
    'data-read': new Set(),
    read: new Set(),
  };
  const evidence: Record<AccessCategory, Set<string>> = {
    admin: new Set(),
    write: new Set(),
    'data-read': new Set(),
    read: new Set(),
  };
  const actions: Record<AccessCategory, Set<string>> = {
    admin: new Set(),
    write: new Set(),
    'data-read': new Set(),
    read: new Set(),
  };
  const allDenies = [...identity, ...(boundary ?? [])].filter((s) => s.statement.Effect === 'Deny');

  for (const candidate of candidatesFor([...identity, ...(boundary ?? [])])) {
    const allows = identity.filter(
      (s) => s.statement.Effect === 'Allow' && matchesAction(s.statement, candidate.action),
    );
    if (allows.length === 0) continue;
    if (
      boundary &&
      !boundary.some((s) => s.statement.Effect === 'Allow' && matchesAction(s.statement, candidate.action))
    )
      continue;
    if (isDenied(candidate.action, allDenies, notes)) continue;

    let category = candidate.category;
    let deciding = allows;
    if (category === 'admin') {
      // Power over one named user or role (often one's own keys) is a write, not administration.
      const broad = allows.filter((s) => onEveryResource(s.statement));
      if (broad.length > 0) deciding = broad;
      else category = 'write';
    }
    for (const s of deciding) {
      evidence[category].add(describeStatement(s.policy, s.statement));
      policies[category].add(s.policy);
      if (s.statement.Condition)
        notes.add(`condition not evaluated, counted as allowing: ${describeStatement(s.policy, s.statement)}`);
    }
    if (candidate.named) actions[category].add(candidate.action);
    if (category === 'admin') result.admin = true;
    else if (category === 'write') result.write = true;
    else if (category === 'data-read') result.dataRead = true;
    else result.read = true;
  }

  if (result.admin) {
    result.write = true;
    result.dataRead = true;
    result.read = true;
  }
  for (const c of ACCESS_CATEGORIES) {
    result.actions[c] = [...actions[c]].sort(byCodePoint);
    result.evidence[c] = [...evidence[c]];
    result.policies[c] = policyOrder.filter((name, i) => policies[c].has(name) && policyOrder.indexOf(name) === i);
  }
  result.notes = [...notes].sort();
  return result;
}

function flatten(policies: readonly NamedPolicy[]): SourcedStatement[] {
  return policies.flatMap((p) => statementsOf(p.document).map((statement) => ({ policy: p.name, statement })));
}

/** Our fixed lists, every literal action the statements name, and each service × verb. */
function candidatesFor(statements: readonly SourcedStatement[]): Candidate[] {
  const byAction = new Map<string, Candidate>();
  const add = (action: string, named: boolean) => {
    const key = action.toLowerCase();
    if (!byAction.has(key)) byAction.set(key, { action, category: categoryOf(action), named });
  };
  for (const a of DATA_READ_ACTIONS) add(a, true);
  for (const a of ADMIN_ACTIONS) add(a, true);
  const services = new Set(PROBE_SERVICES);
  for (const { statement } of statements) {
    for (const pattern of [...listOf(statement.Action), ...listOf(statement.NotAction)]) {
      const [service, name] = splitAction(pattern);
      if (service && !/[*?]/.test(service)) services.add(service.toLowerCase());
      if (service && name && !/[*?]/.test(pattern)) add(pattern, true);
    }
  }
  for (const service of [...services].sort()) {
    for (const verb of [...READ_VERBS, ...WRITE_VERBS]) add(`${service}:${verb}${PROBE_SUFFIX}`, false);
  }
  return [...byAction.values()];
}

/** Data reads and admin powers by our lists; otherwise the verb decides (unknown verbs write). */
export function categoryOf(action: string): AccessCategory {
  const lower = action.toLowerCase();
  if (DATA_READ_ACTIONS.some((a) => a.toLowerCase() === lower)) return 'data-read';
  if (ADMIN_ACTIONS.some((a) => a.toLowerCase() === lower)) return 'admin';
  const [, name = ''] = splitAction(action);
  const isRead = READ_VERBS.some(
    (verb) => name.startsWith(verb) && (name.length === verb.length || /[A-Z(]/.test(name.charAt(verb.length))),
  );
  return isRead ? 'read' : 'write';
}

function splitAction(action: string): [string, string | undefined] {
  const colon = action.indexOf(':');
  return colon < 0 ? [action, undefined] : [action.slice(0, colon), action.slice(colon + 1)];
}

function matchesAction(statement: Statement, action: string): boolean {
  if (statement.Action !== undefined) return listOf(statement.Action).some((p) => globMatches(p, action));
  if (statement.NotAction !== undefined) return !listOf(statement.NotAction).some((p) => globMatches(p, action));
  return false;
}

/**
 * A Deny removes an action from the account as a whole only when it is unconditional and
 * covers every resource; narrower denies are noted and leave the access counted.
 */
function isDenied(action: string, denies: readonly SourcedStatement[], notes: Set<string>): boolean {
  let denied = false;
  for (const s of denies) {
    if (!matchesAction(s.statement, action)) continue;
    const text = describeStatement(s.policy, s.statement);
    if (s.statement.Condition) {
      notes.add(`Deny with a condition not applied: ${text}`);
      continue;
    }
    if (s.statement.NotResource !== undefined || !listOf(s.statement.Resource).includes('*')) {
      notes.add(`Deny on some resources only, access elsewhere still counted: ${text}`);
      continue;
    }
    denied = true;
  }
  return denied;
}

/** Allowed on any resource of its kind: a wildcard without a policy variable, or NotResource. */
function onEveryResource(statement: Statement): boolean {
  if (statement.NotResource !== undefined) return true;
  return listOf(statement.Resource).some((r) => r.includes('*') && !r.includes('${'));
}

const globs = new Map<string, RegExp>();

/** IAM's wildcard matching: `*` any run, `?` one character, case-insensitive. */
export function globMatches(pattern: string, value: string): boolean {
  let re = globs.get(pattern);
  if (!re) {
    const source = pattern
      .split('')
      .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('');
    re = new RegExp(`^${source}$`, 'i');
    globs.set(pattern, re);
  }
  return re.test(value);
}
