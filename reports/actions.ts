// What to do first: findings grouped into the actions that close them. One person's findings
// are one action (offboard Sam: one command closes seventeen findings); findings that name
// nobody are grouped by rule, where one kind of fix covers them all (five shared admin
// accounts, six accounts nobody registered). Actions are ranked by the worst severity, then
// by what is new since the last scan, then by blast radius (production, admin), then by size.
// Every report (HTML, Markdown, email, terminal) shows the same actions in the same order.
import { type Severity, severityRank } from '../src/core/finding.js';
import type { Lane } from '../src/core/model.js';
import { byText } from '../src/core/order.js';
import { shellQuote } from '../src/core/shell.js';

/** What an action needs to know of each finding. */
export interface ActionFinding {
  fingerprint: string;
  anchor: string;
  rule: string;
  severity: Severity;
  /** The rule's title for the finding. */
  title: string;
  /** Register id, "" when the finding names nobody. */
  personId: string;
  /** "Sam Ortiz (sam)". */
  person?: string;
  lanes: readonly Lane[];
  /** "github fastfix-agency": the account, for an action about one finding. */
  where: string;
  steps: readonly string[];
  commands: readonly string[];
  isNew: boolean;
  /**
   * The person still works here under the register (an employee not gone, a contractor with an
   * approval in effect): access after an approval's end is then narrowed, not offboarded.
   */
  engaged?: boolean;
}

export interface Action {
  /** A stable page anchor: "act-person-sam", "act-rule-shared-admin-account". */
  anchor: string;
  kind: 'person' | 'rule';
  /** "Offboard Sam Ortiz (sam)", "5 shared admin accounts: give each admin a named account, then retire them". */
  title: string;
  severity: Severity;
  count: number;
  /** "17 findings", "1 finding, new". */
  countText: string;
  newCount: number;
  /** What makes it dangerous beyond its severity: "production", "admin". */
  reach: string[];
  /** The rules it closes, most first: "9 access after its end, 6 unapproved…". */
  summary: string;
  /** The one thing to do. */
  fix: string;
  /** The command that does it or starts it, when there is one. */
  command?: string;
  /** The findings it closes, in report order. */
  anchors: string[];
}

const ADMIN_RULES = new Set(['shared-admin-account', 'public-access']);

/**
 * Titles of the rule groups, one fix for all of them: `what` is "5 shared admin accounts" for
 * many, or names the one ("shared admin account github northwind-admin").
 */
interface ActionWords {
  one: string;
  many: string;
  fix: string;
  fixOne?: string;
}

const RULE_ACTION: Record<string, ActionWords & { cases?: Record<string, ActionWords> }> = {
  'shared-admin-account': {
    one: 'shared admin account',
    many: 'shared admin accounts',
    fix: 'give each admin a named account, then retire them',
    fixOne: 'give each admin a named account, then retire it',
    // Findings whose title names a case a named account does not fix, when a group is all of one.
    cases: {
      'Root account with live credentials': {
        one: 'root account with live credentials',
        many: 'root accounts with live credentials',
        fix: 'delete their access keys, turn on MFA and seal the passwords',
        fixOne: 'delete its access keys, turn on MFA and seal the password',
      },
      'Admin key file: whoever holds it is admin': {
        one: 'admin key file',
        many: 'admin key files',
        fix: 'replace the keys with workload identity or short-lived tokens',
      },
    },
  },
  'unknown-account': {
    one: 'account nobody registered',
    many: 'accounts nobody registered',
    fix: 'find out whose, then register or remove',
  },
  'mfa-missing': { one: 'account without MFA', many: 'accounts without MFA', fix: 'turn it on' },
  'stale-credential': { one: 'stale credential', many: 'stale credentials', fix: 'rotate or delete' },
  'public-access': { one: 'resource open to anyone', many: 'resources open to anyone', fix: 'close the access' },
  drift: {
    one: 'access change since the last scan',
    many: 'access changes since the last scan',
    fix: 'confirm or undo',
  },
};

const RULE_WORDS: Record<string, [string, string]> = {
  'expired-access-active': ['access after its end', 'accesses after their end'],
  'unapproved-access': ['unapproved access', 'unapproved accesses'],
  'contractor-production-write': ['production write', 'production writes'],
  'multiple-lanes': ['second lane', 'extra lanes'],
  'stale-credential': ['stale credential', 'stale credentials'],
  'mfa-missing': ['account without MFA', 'accounts without MFA'],
  'register-incomplete': ['incomplete register entry', 'incomplete register entries'],
  'expiring-soon': ['approval ending soon', 'approvals ending soon'],
  'shared-admin-account': ['shared admin account', 'shared admin accounts'],
  'unknown-account': ['unknown account', 'unknown accounts'],
  'public-access': ['public access', 'public accesses'],
  drift: ['change since last scan', 'changes since last scan'],
};

function ruleWords(rule: string, n: number): string {
  const [one, many] = RULE_WORDS[rule] ?? [rule, rule];
  return `${n} ${n === 1 ? one : many}`;
}

function plural(n: number, one: string): string {
  return `${n} ${one}${n === 1 ? '' : 's'}`;
}

/** What the actions' commands need to work as printed. */
export interface ActionOptions {
  /**
   * What `offboard` reads to see what the scan saw, as arguments after the person: the config
   * the scan read (`--config lanekeeper.json`, relative to where it ran), or for the demo, whose
   * emulators are gone, its inventory and register. offboard has no config to fall back on.
   */
  offboardArgs?: readonly string[];
}

/** Findings (in report order) grouped into actions, most urgent first. */
export function groupActions(findings: readonly ActionFinding[], options: ActionOptions = {}): Action[] {
  const groups = new Map<string, ActionFinding[]>();
  for (const f of findings) {
    // A person's findings stay together; a rule's new findings are news of their own, and a
    // change raised for reaching admin or production is apart from the routine ones.
    const severity = f.rule === 'drift' ? `:${f.severity}` : '';
    const key = f.personId ? `person:${f.personId}` : `rule:${f.rule}:${f.isNew ? 'new' : 'open'}${severity}`;
    const list = groups.get(key);
    if (list) list.push(f);
    else groups.set(key, [f]);
  }
  const actions = [...groups.entries()].map(([key, list]) =>
    key.startsWith('person:') ? personAction(key.slice(7), list, options) : ruleAction(key.split(':')[1]!, list),
  );
  // What is new since the last scan is the week's news: it comes first (a note that an approval
  // ends soon is not news about access), then by severity.
  const news = (a: Action) => Number(a.newCount > 0 && a.severity !== 'info');
  return actions.sort(
    (a, b) =>
      news(b) - news(a) ||
      severityRank(a.severity) - severityRank(b.severity) ||
      b.reach.length - a.reach.length ||
      b.count - a.count ||
      byText(a.anchor, b.anchor),
  );
}

function common(list: readonly ActionFinding[]) {
  const severity = list.reduce<Severity>(
    (worst, f) => (severityRank(f.severity) < severityRank(worst) ? f.severity : worst),
    'info',
  );
  const newCount = list.filter((f) => f.isNew).length;
  const reach: string[] = [];
  if (list.some((f) => f.lanes.includes('production') || f.rule === 'contractor-production-write'))
    reach.push('production');
  if (list.some((f) => ADMIN_RULES.has(f.rule))) reach.push('admin');
  const byRule = new Map<string, number>();
  for (const f of list) byRule.set(f.rule, (byRule.get(f.rule) ?? 0) + 1);
  const summary = [...byRule.entries()]
    .sort((a, b) => b[1] - a[1] || byText(a[0], b[0]))
    .map(([rule, n]) => ruleWords(rule, n))
    .join(', ');
  const countText = `${plural(list.length, 'finding')}${newCount > 0 ? `, ${newCount === list.length ? (list.length === 1 ? 'new' : 'all new') : `${newCount} new`}` : ''}`;
  return { severity, newCount, reach, summary, count: list.length, countText, anchors: list.map((f) => f.anchor) };
}

function personAction(id: string, list: readonly ActionFinding[], options: ActionOptions): Action {
  const name = list[0]?.person ?? id;
  const rules = new Set(list.map((f) => f.rule));
  const base = common(list);
  const anchor = `act-person-${id}`;
  // Offboarding is for someone who should hold nothing now: their engagement is over, or no
  // approval of theirs is in effect. Someone still at work has access to narrow instead.
  if (list.some((f) => f.rule === 'expired-access-active' && !f.engaged)) {
    return {
      ...base,
      anchor,
      kind: 'person',
      title: `Offboard ${name}`,
      fix: 'List everything they still hold, with the command that removes each, and work through it.',
      command: `lanekeeper offboard ${[id, ...(options.offboardArgs ?? [])].map(shellQuote).join(' ')}`,
    };
  }
  const only = rules.size === 1 ? [...rules][0] : undefined;
  // Access the register does not approve (or that outlived it) is what "bring back" is true of;
  // without any, the person's access is approved and the heading says what the findings ask.
  const shape = list.some((f) => ACCESS_SHAPE_RULES.has(f.rule));
  const title = shape
    ? `Bring the access of ${name} back to what the register approves`
    : only === 'expiring-soon'
      ? `Approval of ${name} ends soon: extend it or plan the removal`
      : only === 'register-incomplete'
        ? `Complete the register entry of ${name}`
        : only === 'stale-credential'
          ? `Rotate or delete the ${list.length === 1 ? 'credential' : 'credentials'} of ${name}`
          : only === 'mfa-missing'
            ? `Turn on MFA for ${name}`
            : `${name}: ${byRule(list)
                .map(([rule, n]) => PERSON_TASK[rule]?.(n) ?? `resolve ${ruleWords(rule, n)}`)
                .join('; ')}`;
  // The worst finding's own fix says what to do first. Findings of several kinds, none of them
  // about the shape of the access, each need their own step: one of them alone would mislead.
  const worst = [...list].sort((a, b) => severityRank(a.severity) - severityRank(b.severity))[0]!;
  const fix =
    shape || only
      ? (worst.steps[0] ?? worst.title)
      : [
          ...new Set(
            byRule(list)
              .map(([rule]) => worstOf(list, rule))
              .map((f) => f.steps[0] ?? f.title),
          ),
        ].join(' ');
  return {
    ...base,
    anchor,
    kind: 'person',
    title,
    fix,
    // A command shown alone must be the whole fix: one of several steps would mislead.
    ...(worst.commands.length === 1 && (shape || only) ? { command: worst.commands[0]! } : {}),
  };
}

/** Rules that say the access itself is not what the register approves (or may approve). */
const ACCESS_SHAPE_RULES = new Set([
  'expired-access-active',
  'unapproved-access',
  'multiple-lanes',
  'contractor-production-write',
]);

/** What one kind of finding asks of a person, in a heading that lists several. */
const PERSON_TASK: Record<string, (n: number) => string> = {
  'mfa-missing': () => 'turn on MFA',
  'stale-credential': (n) => `rotate or delete the ${n === 1 ? 'credential' : 'credentials'}`,
  'register-incomplete': () => 'complete the register entry',
  'expiring-soon': (n) =>
    `extend the ${n === 1 ? 'approval that ends' : 'approvals that end'} soon or plan the removal`,
  drift: (n) => `confirm or undo the ${n === 1 ? 'access change' : 'access changes'}`,
  'shared-admin-account': (n) => `give ${n === 1 ? 'the admin account' : 'each admin account'} one named user`,
};

/** A person's findings by rule, worst rule first (severity, then how many, then id). */
function byRule(list: readonly ActionFinding[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const f of list) counts.set(f.rule, (counts.get(f.rule) ?? 0) + 1);
  return [...counts].sort(
    (a, b) =>
      severityRank(worstOf(list, a[0]).severity) - severityRank(worstOf(list, b[0]).severity) ||
      b[1] - a[1] ||
      byText(a[0], b[0]),
  );
}

function worstOf(list: readonly ActionFinding[], rule: string): ActionFinding {
  return list
    .filter((f) => f.rule === rule)
    .reduce((worst, f) => (severityRank(f.severity) < severityRank(worst.severity) ? f : worst));
}

function ruleAction(rule: string, list: readonly ActionFinding[]): Action {
  const base = common(list);
  const first = list[0]!;
  const general = RULE_ACTION[rule];
  const n = list.length;
  const words = (list.every((f) => f.title === first.title) && general?.cases?.[first.title]) || general;
  const title = words
    ? n === 1
      ? `${words.one[0]!.toUpperCase()}${words.one.slice(1)}, ${first.where}: ${words.fixOne ?? words.fix}`
      : `${n} ${words.many}: ${words.fix}`
    : n === 1
      ? `${first.title}: ${first.where}`
      : `${first.title} (${plural(n, 'finding')})`;
  // Which accounts, so a group says what it is about without opening it.
  const wheres = [...new Set(list.map((f) => f.where))];
  const named =
    n > 1 ? `; ${wheres.slice(0, 3).join(', ')}${wheres.length > 3 ? ` and ${wheres.length - 3} more` : ''}` : '';
  return {
    ...base,
    summary: `${base.summary}${named}`,
    anchor: `act-rule-${rule}${list.every((f) => f.isNew) ? '-new' : ''}`,
    kind: 'rule',
    title,
    fix: first.steps[0] ?? first.title,
    ...(n === 1 && first.commands.length === 1 ? { command: first.commands[0]! } : {}),
  };
}
