// What a set of IAM policies amounts to, in the four questions lanekeeper asks: can the
// principal administer the account, change it, read its stored data, or read its metadata?
// IAM's own logic is applied to a fixed set of probe actions (our lists of data reads and
// admin powers, every literal action a policy names, and each service's real actions, or each
// verb where AWS's reference does not list the service), so wildcards, NotAction, explicit Deny
// and permission boundaries decide, never a policy's name.
// Conditions are not evaluated: an Allow with a condition counts as allowing (it may), a Deny
// with a condition is not applied (it may not hold); both are noted.
import { isListOrRead, serviceActions } from './action-table.js';
import {
  ADMIN_ACTIONS,
  COMPUTE_WITH_ROLE_ACTIONS,
  DATA_READ_ACTIONS,
  ESCALATION_ACTIONS,
  isDataReadAction,
  PROBE_SERVICES,
  READ_VERBS,
  RESOURCES_OF,
  WRITE_VERBS,
} from './data-read-actions.js';
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
  /** What took access away the Allows gave: Deny statements, NotAction, the permissions boundary. */
  narrowing: string[];
  /** What the evaluator did not decide: conditions ignored, denies not applied. */
  notes: string[];
}

export interface EvaluationInput {
  /** Identity policies: inline and attached, the principal's own and its groups'. */
  policies: readonly NamedPolicy[];
  /** The permissions boundary, when one is set: it caps what the policies allow. */
  boundary?: readonly NamedPolicy[];
  /**
   * Service control policies, one level per node from the organisation's root down to the account:
   * each level must allow an action (any of its policies), and a Deny in any of them removes it.
   */
  scps?: readonly ScpLevel[];
}

/** The SCPs attached at one node of the organisation (its root, an OU, the account). */
export interface ScpLevel {
  /** "OU contractors (ou-ab12-34cd56ef)", "root r-ab12", "account 111111111111". */
  node: string;
  policies: readonly NamedPolicy[];
  /**
   * How evidence names the cap when it is not an organisation's node: a principal's own policies
   * capping what another account's resource policy lets it do ("pia-qa's own policies (…)").
   */
  cap?: string;
}

interface Candidate {
  action: string;
  /** The action lower-cased: IAM's action names are case-insensitive. */
  key: string;
  category: AccessCategory;
  /** A real action name (shown in summaries), not a service × verb probe. */
  named: boolean;
  /** The resource types IAM checks it on, when it is judged by them (RESOURCES_OF). */
  types?: readonly string[];
}

interface SourcedStatement {
  policy: string;
  statement: Statement;
}

const PROBE_SUFFIX = '(probe)';
const lowerSet = (actions: readonly string[]) => new Set(actions.map((a) => a.toLowerCase()));
const ESCALATION = lowerSet(ESCALATION_ACTIONS);
const ADMIN = lowerSet(ADMIN_ACTIONS);
const COMPUTE_WITH_ROLE = lowerSet(COMPUTE_WITH_ROLE_ACTIONS);
const PASS_ROLE = 'iam:passrole';
const RESOURCE_TYPES = new Map(Object.entries(RESOURCES_OF).map(([action, types]) => [action.toLowerCase(), types]));

function emptyByCategory<T>(make: () => T): Record<AccessCategory, T> {
  return { admin: make(), write: make(), 'data-read': make(), read: make() };
}

/**
 * Keys for one scan's policy objects, so principals that hold the same ones share a judgement: a
 * document (or an SCP list) by its identity, a list of policies by their names and documents.
 */
export function policyKeys(): {
  idOf(o: object): number;
  named(policies: readonly NamedPolicy[] | undefined): string;
} {
  const ids = new WeakMap<object, number>();
  let nextId = 0;
  const idOf = (o: object) => {
    let id = ids.get(o);
    if (id === undefined) {
      id = nextId++;
      ids.set(o, id);
    }
    return id;
  };
  return {
    idOf,
    named: (policies) => (policies ?? []).map((p) => `${p.name}\u0000${idOf(p.document)}`).join('\u0001'),
  };
}

/**
 * evaluateAccess, remembering what it judged: principals that hold the same policies (a group's
 * members; roles one template made in every account, under the same SCPs) are judged once. At
 * the benchmark's 50 accounts that is about 350 judgements instead of 1,500, each about half a
 * millisecond. A policy is known by its name and its document object, so a judge serves the
 * documents of one scan; what it returns is shared by every principal it judged alike, and is
 * not to be changed.
 */
export function accessJudge(): (input: EvaluationInput) => EffectiveAccess {
  const { idOf, named } = policyKeys();
  const judged = new Map<string, EffectiveAccess>();
  return (input) => {
    const key = `${named(input.policies)}\u0002${named(input.boundary)}\u0002${input.scps ? idOf(input.scps) : ''}`;
    let access = judged.get(key);
    if (!access) {
      access = evaluateAccess(input);
      judged.set(key, access);
    }
    return access;
  };
}

export function evaluateAccess(input: EvaluationInput): EffectiveAccess {
  const identity = flatten(input.policies);
  const boundary = input.boundary ? flatten(input.boundary) : undefined;
  const notes = new Set<string>();
  const policyOrder = input.policies.map((p) => p.name);
  const policies = emptyByCategory(() => new Set<string>());
  const evidence = emptyByCategory(() => new Set<string>());
  const actions = emptyByCategory(() => new Set<string>());
  const allowed = emptyByCategory(() => false);
  const scps = scpLevels(input);
  const allDenies = [...identity, ...(boundary ?? []), ...scps.flatMap((l) => l.statements)].filter(
    (s) => s.statement.Effect === 'Deny',
  );
  const narrowing = new Narrowing();
  /** Allowing statements of each allowed named action, for the PassRole + compute pair. */
  const allowedBy = new Map<string, SourcedStatement[]>();

  // The same statements decide for most actions (an Allow of *, a service's wildcard): each is
  // described once per category.
  const described = emptyByCategory(() => new Set<SourcedStatement>());
  const record = (category: AccessCategory, deciding: readonly SourcedStatement[], action?: string) => {
    for (const s of deciding) {
      if (described[category].has(s)) continue;
      described[category].add(s);
      evidence[category].add(describeStatement(s.policy, s.statement));
      policies[category].add(s.policy);
      if (s.statement.Condition)
        notes.add(`condition not evaluated, counted as allowing: ${describeStatement(s.policy, s.statement)}`);
    }
    if (action) actions[category].add(action);
    allowed[category] = true;
  };

  const identityAllows = identity.filter((s) => s.statement.Effect === 'Allow');
  const boundaryAllows = boundary?.filter((s) => s.statement.Effect === 'Allow');
  // Asked for every candidate of every judgement: no closure or array per candidate unless allowed.
  for (const candidate of candidatesFor(
    [...identity, ...(boundary ?? [])],
    scps.flatMap((l) => l.statements),
  )) {
    const allows = allowing(identityAllows, candidate);
    if (!allows) {
      narrowing.leftOutByNotAction(identity, candidate);
      continue;
    }
    if (boundaryAllows && !allowing(boundaryAllows, candidate)) {
      narrowing.leftOutByBoundary(input.boundary ?? [], candidate);
      continue;
    }
    const cappedBy = scps.length > 0 ? refusingLevel(scps, (s) => covers(s, candidate)) : undefined;
    if (cappedBy) {
      narrowing.leftOutByScp(cappedBy.level, candidate);
      continue;
    }
    const denied = allDenies.length > 0 ? denyingStatement(candidate.action, allDenies, notes) : undefined;
    if (denied) {
      narrowing.denied(denied, candidate);
      continue;
    }
    if (candidate.named) allowedBy.set(candidate.key, allows);

    let category = candidate.category;
    let deciding = allows;
    if (category === 'admin' && !ESCALATION.has(candidate.key)) {
      // Power over one named user (often one's own keys) is a write, not administration;
      // writing a named principal's policies is not, it is writing oneself any access.
      const broad = allows.filter((s) => onEveryResource(s.statement));
      if (broad.length > 0) deciding = broad;
      else category = 'write';
    }
    record(category, deciding, candidate.named ? candidate.action : undefined);
  }

  // Passing a role to code one starts lends oneself that role: admin, whatever the rest says.
  const passRole = allowedBy.get(PASS_ROLE);
  const compute = [...allowedBy.entries()].filter(([action]) => COMPUTE_WITH_ROLE.has(action));
  if (passRole && compute.length > 0) {
    record('admin', [...passRole, ...compute.flatMap(([, by]) => by)], 'iam:PassRole');
    for (const [action] of compute) actions.admin.add(canonicalAction(action));
  }

  const result: EffectiveAccess = {
    admin: allowed.admin,
    write: allowed.admin || allowed.write,
    dataRead: allowed.admin || allowed['data-read'],
    read: allowed.admin || allowed.read,
    actions: emptyByCategory(() => []),
    evidence: emptyByCategory(() => []),
    policies: emptyByCategory(() => []),
    narrowing: narrowing.lines(),
    notes: [...notes].sort(),
  };
  for (const c of ACCESS_CATEGORIES) {
    result.actions[c] = [...actions[c]].sort(byCodePoint);
    result.evidence[c] = [...evidence[c]];
    result.policies[c] = policyOrder.filter((name, i) => policies[c].has(name) && policyOrder.indexOf(name) === i);
  }
  return result;
}

/** Whether policies let a principal call one action on one resource, and the statements that say so. */
export interface ActionCheck {
  allowed: boolean;
  /** The Allows that decided, or the Deny or boundary that refused. */
  evidence: string[];
  notes: string[];
}

/**
 * IAM's answer for one action on one resource (sts:AssumeRole on a role's ARN): an Allow that
 * matches both, inside the boundary when one is set, and no unconditional Deny that matches.
 * A conditional Allow counts, a conditional Deny does not: as for the whole account, noted.
 */
export function allowsActionOn(input: EvaluationInput, action: string, resource: string): ActionCheck {
  const identity = flatten(input.policies);
  const boundary = input.boundary ? flatten(input.boundary) : undefined;
  const matches = onActionAndResource(action, resource);
  const allows = identity.filter((s) => matches(s, 'Allow'));
  if (allows.length === 0) return { allowed: false, evidence: [], notes: [] };
  const outside = boundaryRefusal(input, boundary, matches);
  if (outside) return outside;
  const refused = refusal(input, identity, boundary ?? [], matches);
  if (!refused.allowed) return refused;
  const describe = (s: SourcedStatement) => describeStatement(s.policy, s.statement);
  const notes = [...refused.notes];
  for (const s of allows)
    if (s.statement.Condition) notes.push(`condition not evaluated, counted as allowing: ${describe(s)}`);
  return { allowed: true, evidence: allows.map(describe), notes };
}

/**
 * What still refuses an action a resource policy allows on its own (a trust policy naming the
 * principal): the service control policies over its account, and an unconditional Deny in any of
 * its policies. An explicit Deny wins wherever the Allow came from. With `boundaryCaps` (a policy
 * naming a role's ARN, unlike a user's or a role session's) the permissions boundary caps it too,
 * as IAM's implicit deny.
 */
export function notRefused(
  input: EvaluationInput,
  action: string,
  resource: string,
  { boundaryCaps = false }: { boundaryCaps?: boolean } = {},
): ActionCheck {
  const boundary = input.boundary ? flatten(input.boundary) : undefined;
  const matches = onActionAndResource(action, resource);
  return (
    (boundaryCaps ? boundaryRefusal(input, boundary, matches) : undefined) ??
    refusal(input, flatten(input.policies), boundary ?? [], matches)
  );
}

/** The refusal when a permissions boundary is set and allows nothing that matches. */
function boundaryRefusal(
  input: EvaluationInput,
  boundary: readonly SourcedStatement[] | undefined,
  matches: StatementTest,
): ActionCheck | undefined {
  if (!boundary || boundary.some((s) => matches(s, 'Allow'))) return undefined;
  return {
    allowed: false,
    evidence: [`the permissions boundary ${(input.boundary ?? []).map((b) => b.name).join(', ')} does not allow it`],
    notes: [],
  };
}

type StatementTest = (s: SourcedStatement, effect: 'Allow' | 'Deny') => boolean;

/** Whether a statement of that effect covers this action on this resource. */
function onActionAndResource(action: string, resource: string): StatementTest {
  return (s, effect) =>
    s.statement.Effect === effect && matchesAction(s.statement, action) && matchesResource(s.statement, resource);
}

/** The SCPs' cap and every unconditional Deny, for statements already flattened. */
function refusal(
  input: EvaluationInput,
  identity: readonly SourcedStatement[],
  boundary: readonly SourcedStatement[],
  matches: StatementTest,
): ActionCheck {
  const scps = scpLevels(input);
  const cappedBy = refusingLevel(scps, (s) => matches(s, 'Allow'));
  if (cappedBy)
    return {
      allowed: false,
      evidence: [`the service control policies of ${cappedBy.level.node} do not allow it`],
      notes: [],
    };
  const notes: string[] = [];
  for (const s of [...identity, ...boundary, ...scps.flatMap((l) => l.statements)]) {
    if (!matches(s, 'Deny')) continue;
    const text = describeStatement(s.policy, s.statement);
    if (!s.statement.Condition) return { allowed: false, evidence: [`narrowed by ${text}`], notes };
    notes.push(`Deny with a condition not applied: ${text}`);
  }
  return { allowed: true, evidence: [], notes };
}

/**
 * The Allows among these that cover the candidate, or undefined when they do not allow it. An
 * action IAM checks on resources of its own types is allowed only where the statements reach
 * each of them: `*` on one bucket passes no role and writes no user's policy.
 */
function allowing(allows: readonly SourcedStatement[], candidate: Candidate): SourcedStatement[] | undefined {
  let found: SourcedStatement[] | undefined;
  for (const s of allows) {
    if (!covers(s, candidate)) continue;
    found ??= [];
    found.push(s);
  }
  const { types } = candidate;
  if (found && types && !types.every((t) => found?.some((s) => reachesType(s.statement, t)))) return undefined;
  return found;
}

/** Whether a statement names the candidate's action and reaches a resource of one of its types. */
function covers(s: SourcedStatement, candidate: Candidate): boolean {
  if (!matchesAction(s.statement, candidate.key)) return false;
  const { types } = candidate;
  return !types || types.some((t) => reachesType(s.statement, t));
}

/**
 * Whether a statement can allow an action on some resource of a type (an ARN pattern of
 * RESOURCES_OF, or `"*"` for an action that takes none): a Resource pattern that can name the
 * same ARN, or a NotResource that does not leave out the whole type.
 */
function reachesType(statement: Statement, type: string): boolean {
  const pattern = (p: string) => p.replace(/\$\{[^}]*\}/g, '*');
  if (statement.Resource !== undefined)
    return listOf(statement.Resource).some((p) =>
      type === '*' ? arnMatches(pattern(p), '*') : patternsMeet(pattern(p), type),
    );
  if (statement.NotResource !== undefined) {
    const whole = type === '*' ? '*' : type.replace(/^arn:\*:/, 'arn:aws:');
    return !listOf(statement.NotResource).some((p) => arnMatches(pattern(p), whole));
  }
  return false;
}

const meetings = new Map<string, boolean>();

/**
 * Whether two ARN patterns can name the same ARN. IAM matches an ARN's first five parts one by
 * one (a `*` there stays within its part), the resource part with whatever colons it holds.
 */
function patternsMeet(a: string, b: string): boolean {
  const key = `${a}\u0000${b}`;
  let met = meetings.get(key);
  if (met === undefined) {
    const partsA = arnParts(a);
    const partsB = arnParts(b);
    met = partsA && partsB ? partsA.every((part, i) => meet(part, partsB[i] ?? '')) : meet(a, b);
    meetings.set(key, met);
  }
  return met;
}

/** arn, partition, service, region, account, resource; undefined for what is no ARN ("*"). */
function arnParts(arn: string): string[] | undefined {
  const parts = arn.split(':');
  return parts.length < 6 ? undefined : [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/** Whether two wildcard patterns (`*` any run, `?` one character) match some string in common. */
function meet(a: string, b: string): boolean {
  // can[i * width + j]: the rest of a from i and the rest of b from j have a common match.
  const width = b.length + 1;
  const can = new Uint8Array((a.length + 1) * width);
  const at = (i: number, j: number) => can[i * width + j] === 1;
  for (let i = a.length; i >= 0; i--) {
    for (let j = b.length; j >= 0; j--) {
      const x = a.charAt(i);
      const y = b.charAt(j);
      let ok: boolean;
      if (x === '' && y === '') ok = true;
      else if (x === '*') ok = at(i + 1, j) || (y !== '' && at(i, j + 1));
      else if (y === '*') ok = at(i, j + 1) || (x !== '' && at(i + 1, j));
      else ok = x !== '' && y !== '' && (x === y || x === '?' || y === '?') && at(i + 1, j + 1);
      if (ok) can[i * width + j] = 1;
    }
  }
  return at(0, 0);
}

/** Whether a statement's Resource (or NotResource) covers the resource ARN. */
export function matchesResource(statement: Statement, resource: string): boolean {
  // A policy variable (${aws:username}) could be anything here: it counts as matching.
  const matches = (pattern: string) => arnMatches(pattern.replace(/\$\{[^}]*\}/g, '*'), resource);
  if (statement.Resource !== undefined) return listOf(statement.Resource).some(matches);
  if (statement.NotResource !== undefined) return !listOf(statement.NotResource).some(matches);
  return false;
}

/** The spelling our lists use for an action seen lower-cased. */
function canonicalAction(lower: string): string {
  return COMPUTE_WITH_ROLE_ACTIONS.find((a) => a.toLowerCase() === lower) ?? lower;
}

/**
 * What took named actions away, one line per statement or boundary: "Deny iam:* on * in
 * guard removes iam:CreateUser, …". Probes (service × verb) are counted, not named.
 */
class Narrowing {
  private readonly removed = new Map<string, { named: Set<string>; probes: number }>();

  denied(s: SourcedStatement, candidate: Candidate): void {
    this.add(`narrowed by ${describeStatement(s.policy, s.statement)}: it removes`, candidate);
  }

  leftOutByBoundary(boundary: readonly NamedPolicy[], candidate: Candidate): void {
    const names = boundary.map((b) => b.name).join(', ') || 'an empty boundary';
    this.add(`narrowed by the permissions boundary ${names}: it does not allow`, candidate);
  }

  leftOutByScp(level: ScpLevel, candidate: Candidate): void {
    const names = level.policies.map((p) => p.name).join(', ') || 'no policy';
    this.add(
      level.cap
        ? `narrowed by ${level.cap}: they do not allow`
        : `narrowed by the service control policies of ${level.node} (${names}): they do not allow`,
      candidate,
    );
  }

  /** An Allow whose NotAction is all that keeps the action out. */
  leftOutByNotAction(identity: readonly SourcedStatement[], candidate: Candidate): void {
    for (const s of identity) {
      const { statement } = s;
      if (statement.Effect !== 'Allow' || statement.NotAction === undefined) continue;
      if (listOf(statement.NotAction).some((p) => globMatches(p, candidate.action)))
        this.add(`narrowed by NotAction in ${describeStatement(s.policy, statement)}: it leaves out`, candidate);
    }
  }

  lines(): string[] {
    return [...this.removed.entries()].map(([head, { named, probes }]) => {
      const list = [...named].sort(byCodePoint);
      if (list.length === 0) return `${head} ${probes} kind(s) of action`;
      const more = list.length > 4 ? ` and ${list.length - 4} more` : '';
      return `${head} ${list.slice(0, 4).join(', ')}${more}`;
    });
  }

  private add(head: string, candidate: Candidate): void {
    let entry = this.removed.get(head);
    if (!entry) {
      entry = { named: new Set(), probes: 0 };
      this.removed.set(head, entry);
    }
    if (candidate.named) entry.named.add(candidate.action);
    else entry.probes++;
  }
}

interface FlatScpLevel {
  level: ScpLevel;
  statements: SourcedStatement[];
}

function scpLevels(input: EvaluationInput): FlatScpLevel[] {
  return (input.scps ?? []).map((level) => ({ level, statements: flatten(level.policies) }));
}

/** The first level of the organisation none of whose SCPs allows it: every level must. */
function refusingLevel(
  levels: readonly FlatScpLevel[],
  allows: (s: SourcedStatement) => boolean,
): FlatScpLevel | undefined {
  return levels.find((l) => !l.statements.some((s) => s.statement.Effect === 'Allow' && allows(s)));
}

function flatten(policies: readonly NamedPolicy[]): SourcedStatement[] {
  return policies.flatMap((p) => statementsOf(p.document).map((statement) => ({ policy: p.name, statement })));
}

/**
 * Becoming a role is not access of its own: what it gives is the role's, judged through the
 * assume-role graph for the roles a principal can actually enter.
 */
const BECOMING_A_ROLE = new Set(
  [
    'sts:AssumeRole',
    'sts:AssumeRoleWithSAML',
    'sts:AssumeRoleWithWebIdentity',
    'sts:SetSourceIdentity',
    'sts:TagSession',
  ].map((a) => a.toLowerCase()),
);

function candidate(action: string, named: boolean): Candidate {
  const key = action.toLowerCase();
  const types = RESOURCE_TYPES.get(key);
  return { action, key, category: categoryOf(action), named, ...(types ? { types } : {}) };
}

/** Adds a candidate unless its action is already there or becoming a role is how it is judged. */
function addCandidate(byAction: Map<string, Candidate>, c: Candidate): void {
  if (!BECOMING_A_ROLE.has(c.key) && !byAction.has(c.key)) byAction.set(c.key, c);
}

/** Our fixed lists, in their order, once: every judgement starts from them. */
const LISTED: ReadonlyMap<string, Candidate> = (() => {
  const byAction = new Map<string, Candidate>();
  for (const action of [...DATA_READ_ACTIONS, ...ADMIN_ACTIONS, ...COMPUTE_WITH_ROLE_ACTIONS, 'iam:PassRole'])
    addCandidate(byAction, candidate(action, true));
  return byAction;
})();

const probes = new Map<string, readonly Candidate[]>();

/**
 * A service's probe actions, made once per service: its real actions where AWS's reference lists
 * the service (so `sts:*` matches only what STS has), else one per read and write verb.
 */
function probesOf(service: string): readonly Candidate[] {
  let list = probes.get(service);
  if (!list) {
    const known = serviceActions(service);
    list = (
      known
        ? known.names.map((name) => candidate(`${service}:${name}`, false))
        : [...READ_VERBS, ...WRITE_VERBS].map((verb) => candidate(`${service}:${verb}${PROBE_SUFFIX}`, false))
    ).filter((c) => !BECOMING_A_ROLE.has(c.key));
    probes.set(service, list);
  }
  return list;
}

const matching = new Map<string, ReadonlySet<Candidate>>();

/** The probes of a listed service that a pattern matches, once per service and pattern text. */
function probesMatching(service: string, pattern: string): ReadonlySet<Candidate> {
  const key = `${service}\u0000${pattern}`;
  let found = matching.get(key);
  if (!found) {
    found = new Set(probesOf(service).filter((c) => globMatches(pattern, c.action)));
    matching.set(key, found);
  }
  return found;
}

/**
 * The probes of a service that decide as all of its actions would. Two actions of one category
 * that no pattern names apart (every pattern that names the service leaves the action's name to
 * `*`) are allowed, bounded, capped and denied alike, so one stands for the rest; an action a
 * pattern names by more than its service is probed itself, as is one judged by its resource.
 * `*` on 21 services is some 60 probes instead of 2,700; ReadOnlyAccess's are the actions it names.
 */
function probesFor(service: string, patterns: readonly string[]): Iterable<Candidate> {
  const all = probesOf(service);
  if (!serviceActions(service)) return all;
  const chosen = new Set<Candidate>();
  for (const pattern of patterns) for (const c of probesMatching(service, pattern)) chosen.add(c);
  const represented = new Set<AccessCategory>();
  for (const c of all) {
    if (c.types) chosen.add(c);
    else if (!chosen.has(c) && !represented.has(c.category)) {
      represented.add(c.category);
      chosen.add(c);
    }
  }
  return chosen;
}

/**
 * Our fixed lists, every literal action the statements name, and each service's probes. The
 * capping statements (SCPs) name no candidates, but their patterns tell actions apart too.
 */
function candidatesFor(statements: readonly SourcedStatement[], capping: readonly SourcedStatement[]): Candidate[] {
  const byAction = new Map(LISTED);
  const services = new Set(PROBE_SERVICES);
  /** Patterns that name some of a service's actions, by service, and those whose service is a wildcard. */
  const naming = new Map<string, string[]>();
  const namingAnyService: string[] = [];
  const patternsOf = (statement: Statement) => [...listOf(statement.Action), ...listOf(statement.NotAction)];
  for (const { statement } of statements) {
    for (const pattern of patternsOf(statement)) {
      const [service, name] = splitAction(pattern);
      if (service && !/[*?]/.test(service)) services.add(service.toLowerCase());
      if (service && name && !/[*?]/.test(pattern)) addCandidate(byAction, candidate(pattern, true));
      else if (service && name && name !== '*' && !/[*?]/.test(service))
        for (const action of instancesOf(service, name)) addCandidate(byAction, candidate(action, false));
    }
  }
  for (const { statement } of [...statements, ...capping]) {
    for (const pattern of patternsOf(statement)) {
      const [service, name] = splitAction(pattern);
      if (!service || name === undefined || name === '*') continue;
      if (/[*?]/.test(service)) namingAnyService.push(pattern);
      else {
        const key = service.toLowerCase();
        naming.set(key, [...(naming.get(key) ?? []), pattern]);
      }
    }
  }
  // A service's probes never repeat one another: only our lists and the literals can.
  const list = [...byAction.values()];
  for (const service of [...services].sort()) {
    const patterns = [
      ...(naming.get(service) ?? []),
      ...namingAnyService.filter((p) => globMatches(splitAction(p)[0], service)),
    ];
    for (const probe of probesFor(service, patterns)) if (!byAction.has(probe.key)) list.push(probe);
  }
  return list;
}

/**
 * Actions a wildcard inside a name stands for, one per verb it could start with: the probes
 * (`s3:Put(probe)`) only see a pattern that starts with its verb, and `s3:PutObject*`,
 * `s3:*Object` or `dynamodb:*Item` allow PutObject, DeleteObject, PutItem all the same. A leading
 * `*` takes each verb in turn; other `*` stand for nothing. Each instance matches the pattern.
 */
function instancesOf(service: string, name: string): string[] {
  // A listed service's probes are its real actions: they are what the pattern allows.
  if (serviceActions(service)) return [];
  // A `?` stands for one character nobody can guess without a list of the service's actions.
  if (name.includes('?')) return [];
  const rest = (text: string) => text.replace(/\*/g, '');
  const names = name.startsWith('*')
    ? [...READ_VERBS, ...WRITE_VERBS].map((verb) => `${verb}${rest(name.slice(1))}`)
    : [rest(name)];
  return names.map((n) => `${service}:${n}`).filter((action) => globMatches(`${service}:${name}`, action));
}

/**
 * Data reads and admin powers by our lists; STS's actions change nothing in the account; an
 * action AWS's reference gives the level List or Read reads; otherwise the verb decides (unknown
 * verbs write).
 */
export function categoryOf(action: string): AccessCategory {
  // Asked for every candidate action of every policy evaluated: sets, not scans of the lists.
  const key = action.toLowerCase();
  if (isDataReadAction(action)) return 'data-read';
  if (ADMIN.has(key)) return 'admin';
  // Credentials for oneself or a role (what a role gives is the assume-role graph's), who one
  // is, a session's tags: none writes. AssumeRoot acts on a member account's root: it stays.
  if (key.startsWith('sts:') && key !== 'sts:assumeroot') return 'read';
  if (isListOrRead(action)) return 'read';
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

const actionTests = new WeakMap<Statement, (action: string) => boolean>();

/**
 * Whether a statement's Action (or NotAction) covers an action. Asked for every probe action of
 * every statement, SCPs and shared managed policies included, in every judgement: each
 * statement's patterns become one test, made once per statement object.
 */
export function matchesAction(statement: Statement, action: string): boolean {
  let test = actionTests.get(statement);
  if (!test) {
    test = actionTest(statement);
    actionTests.set(statement, test);
  }
  return test(action);
}

function actionTest(statement: Statement): (action: string) => boolean {
  if (statement.Action !== undefined) return anyPattern(listOf(statement.Action));
  if (statement.NotAction !== undefined) {
    const excluded = anyPattern(listOf(statement.NotAction));
    return (action) => !excluded(action);
  }
  return () => false;
}

/** One expression for a list of IAM wildcard patterns: matches what any of them matches. */
function anyPattern(patterns: readonly string[]): (value: string) => boolean {
  if (patterns.length === 0) return () => false;
  if (patterns.includes('*')) return () => true;
  // Patterns by their service, so an action is tried against its own service's few (ReadOnlyAccess
  // names some 2,700), and the rest (a wildcard in the service) against every action.
  const byService = new Map<string, string[]>();
  const anyService: string[] = [];
  for (const p of patterns) {
    const colon = p.indexOf(':');
    const service = colon < 0 ? '' : p.slice(0, colon);
    if (colon < 0 || /[*?]/.test(service)) anyService.push(p);
    else {
      const key = service.toLowerCase();
      byService.set(key, [...(byService.get(key) ?? []), p]);
    }
  }
  const compile = (list: readonly string[]) => new RegExp(`^(?:${list.map(globSource).join('|')})$`, 'i');
  const tests = new Map([...byService].map(([service, list]) => [service, compile(list)]));
  const rest = anyService.length > 0 ? compile(anyService) : undefined;
  return (value) => {
    const colon = value.indexOf(':');
    const own = tests.get((colon < 0 ? value : value.slice(0, colon)).toLowerCase());
    return (own?.test(value) ?? false) || (rest?.test(value) ?? false);
  };
}

/**
 * A Deny removes an action from the account as a whole only when it is unconditional and
 * covers every resource; narrower denies are noted and leave the access counted. Returns the
 * deny that removed it.
 */
function denyingStatement(
  action: string,
  denies: readonly SourcedStatement[],
  notes: Set<string>,
): SourcedStatement | undefined {
  let denied: SourcedStatement | undefined;
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
    denied ??= s;
  }
  return denied;
}

/** Allowed on any resource of its kind: a wildcard without a policy variable, or NotResource. */
function onEveryResource(statement: Statement): boolean {
  if (statement.NotResource !== undefined) return true;
  return listOf(statement.Resource).some((r) => r.includes('*') && !r.includes('${'));
}

/**
 * IAM's wildcard matching, `*` any run and `?` one character, with each pattern compiled once:
 * actions compare whatever their case, resource ARNs case by case (role/Admin is not role/admin).
 */
function wildcardMatcher(flags: '' | 'i'): (pattern: string, value: string) => boolean {
  const compiled = new Map<string, RegExp>();
  return (pattern, value) => {
    let re = compiled.get(pattern);
    if (!re) {
      re = new RegExp(`^${globSource(pattern)}$`, flags);
      compiled.set(pattern, re);
    }
    return re.test(value);
  };
}

/** Whether an action matches an IAM action pattern (case-insensitive). */
export const globMatches = wildcardMatcher('i');
const arnMatches = wildcardMatcher('');

/** A wildcard pattern as a regular expression's source: `*` any run, `?` one character, the rest literal. */
function globSource(pattern: string): string {
  return pattern
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
}
