// Loading the register: read with guard rails, parse with positions, check the shape and the
// cross-references, and report every problem at once with its file, line and field.

import { isMap } from 'yaml';
import type { z } from 'zod';
import { resolveRelativeDates } from '../../core/dates.js';
import { InputError, isError, type Problem, problem } from '../../core/errors.js';
import type { Snapshot } from '../../core/model.js';
import {
  AcceptedRiskSchema,
  GroupSchema,
  PersonSchema,
  type Register,
  RegisterGrantSchema,
  RegisterSchema,
  SharedAccountSchema,
} from '../../core/register.js';
import {
  formatPath,
  issuesToProblems,
  MAX_NESTING,
  nestsDeeperThan,
  parsePath,
  parseSource,
  readInputText,
} from '../../core/source.js';
import { incompleteEntries, ownerlessAccounts, unacceptedRisks } from './completeness.js';
import {
  type PersonForValidation,
  type RegisterForValidation,
  type RegisterIssue,
  unmatchedScopes,
  validateRegister,
} from './validate.js';

/** Aliases allowed before a document counts as an expansion bomb; a hand-written register needs few. */
export const MAX_ALIAS_COUNT = 50;

export interface LoadRegisterOptions {
  /** Connector ids; a system outside them is an error. */
  knownSystems: readonly string[];
  /** Resolve `$today-180d` / `$now-3h` against this clock before parsing (the demo's register). */
  relativeDates?: Date;
  /** How problems name the file; the path as given when absent. */
  displayPath?: string;
}

export interface LoadedRegister {
  register: Register;
  /** Every problem found; a register that loaded has warnings only. */
  problems: Problem[];
  warnings: Problem[];
  source: { path: string; text: string };
  /** 1-based line of a field ("people[3].owner" or ["people", 3, "owner"]), or of its nearest ancestor. */
  lineOf(field: string | readonly PropertyKey[]): number | undefined;
  /** Locates an issue found later (e.g. unmatchedScopes) as a problem in this file. */
  toProblem(issue: RegisterIssue): Problem;
}

/** Reads and checks a register; throws InputError listing every problem when it has errors. */
export async function loadRegister(path: string, options: LoadRegisterOptions): Promise<LoadedRegister> {
  const file = options.displayPath ?? path;
  const raw = await readInputText(path, 'REGISTER', file);
  const text = options.relativeDates ? resolveRelativeDates(raw, options.relativeDates) : raw;
  return parseRegister(text, { ...options, path, displayPath: file });
}

/** The same checks on text already in memory (stdin, tests). */
export function parseRegister(text: string, options: LoadRegisterOptions & { path: string }): LoadedRegister {
  const file = options.displayPath ?? options.path;
  const { map, syntax, duplicates } = parseSource(text, 'REGISTER', file);
  if (syntax.length > 0) throw new InputError([...syntax, ...duplicates]);
  const contents = map.document.contents;
  if (contents === null) throw new InputError([problem('LK_REGISTER_EMPTY', 'holds no entries', { file })]);
  const top = map.locate([]);
  const notMapping = () =>
    new InputError([
      problem('LK_REGISTER_NOT_MAPPING', 'the top level must be a mapping of keys (organization, people, ...)', {
        file,
        line: top?.line,
        column: top?.column,
      }),
    ]);
  if (!isMap(contents)) throw notMapping();
  let value: unknown;
  try {
    value = map.document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    const at = map.firstAlias();
    throw new InputError([
      problem('LK_REGISTER_ALIAS_BOMB', `aliases expand beyond the limit of ${MAX_ALIAS_COUNT}`, {
        file,
        line: at?.line,
        column: at?.column,
      }),
    ]);
  }
  if (!isRecord(value)) throw notMapping();
  if (nestsDeeperThan(value)) {
    throw new InputError([problem('LK_REGISTER_SYNTAX', `nested more than ${MAX_NESTING} levels deep`, { file })]);
  }

  const locate = (path: readonly PropertyKey[]) => {
    const pos = map.locate(path);
    return { file, line: pos?.line, column: pos?.column, field: formatPath(path) || undefined };
  };
  const toProblem = (issue: RegisterIssue): Problem =>
    problem(issue.code, issue.message, locate(issue.path), { fix: issue.fix, severity: issue.severity });

  const placeholders = findPlaceholders(value);
  const problems: Problem[] = [...duplicates, ...placeholders.map(toProblem)];
  const open = placeholders.map((p) => JSON.stringify(p.path));
  const underPlaceholder = (path: readonly PropertyKey[]) =>
    open.some((p) => JSON.stringify(path.slice(0, JSON.parse(p).length)) === p);

  const parsed = RegisterSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.filter((i) => !underPlaceholder(i.path));
    problems.push(...issuesToProblems(issues, { kind: 'REGISTER', file, map, input: value, schema: RegisterSchema }));
  }
  const forValidation: RegisterForValidation = parsed.success ? parsed.data : salvage(value);
  problems.push(...validateRegister(forValidation, { knownSystems: options.knownSystems }).map(toProblem));

  if (problems.some(isError) || !parsed.success) throw new InputError(problems);
  return {
    register: parsed.data,
    problems,
    warnings: problems.filter((p) => !isError(p)),
    source: { path: options.path, text },
    lineOf: (field) => map.locate(typeof field === 'string' ? parsePath(field) : field)?.line,
    toProblem,
  };
}

/** Warnings for grant scopes that match nothing the scan found (see unmatchedScopes). */
export function scopeWarnings(loaded: LoadedRegister, snapshot: Snapshot, now?: Date): Problem[] {
  return unmatchedScopes(loaded.register, snapshot, now).map(loaded.toProblem);
}

export interface RegisterCheck {
  /** No errors: the register loads, and a scan runs on it. */
  ok: boolean;
  /** Errors and warnings, in file order. */
  problems: Problem[];
  /** Entries the scan will report as register-incomplete (no owner, no end, …): located. */
  incomplete: Problem[];
}

/**
 * `lanekeeper register check FILE`: ok when the register has no errors (warnings allowed);
 * incomplete lists what the gate must still catch, which the scan would only report.
 */
export async function checkRegisterFile(
  path: string,
  knownSystems: readonly string[],
  options: Omit<LoadRegisterOptions, 'knownSystems'> & {
    /** The day an owner or approver who has left is judged against; without it, the text alone. */
    now?: Date;
  } = {},
): Promise<RegisterCheck> {
  const { now, ...load } = options;
  try {
    const loaded = await loadRegister(path, { ...load, knownSystems });
    const incomplete = [
      ...incompleteEntries(loaded.register, now),
      ...(now ? ownerlessAccounts(loaded.register, now) : []),
      ...unacceptedRisks(loaded.register, now),
    ].map((e) => loaded.toProblem(e));
    return { ok: true, problems: loaded.problems, incomplete };
  } catch (error) {
    if (error instanceof InputError) return { ok: false, problems: error.problems, incomplete: [] };
    throw error;
  }
}

// A draft's open answers. Whole-value matches only ("TODO", "tbd", "?", ""), plus text that
// starts with TODO/TBD/FIXME, so a task such as "Fix the TODO list page" is not flagged.
const PLACEHOLDER = /^\s*(?:todo|tbd|tbc|fixme|xxx|\?+|\.\.\.|…)?\s*$|^\s*(?:todo|tbd|fixme)\b[\s:(-]/i;

const ANSWERS: Record<string, string> = {
  task: 'the task (what the access is for)',
  owner: 'the owner (the employee who owns the approvals)',
  end: 'the end date (the last day of access)',
  start: 'the start date',
  ticket: 'the ticket',
  scope: 'the scope (which resources)',
  system: 'the system',
  lane: 'the lane',
  access: 'the access level',
  approved_by: 'the approver',
  accepted_by: 'the employee accepting the risk',
  purpose: 'the purpose',
  reason: 'the reason',
  name: 'the name',
  id: 'the id',
  kind: 'the kind',
  organization: 'the organization',
};

function findPlaceholders(root: unknown): RegisterIssue[] {
  const issues: RegisterIssue[] = [];
  const visit = (value: unknown, path: PropertyKey[]) => {
    if (Array.isArray(value)) for (const [i, v] of value.entries()) visit(v, [...path, i]);
    else if (isRecord(value)) for (const [k, v] of Object.entries(value)) visit(v, [...path, k]);
    else if (path.length > 0 && (value === null || (typeof value === 'string' && PLACEHOLDER.test(value)))) {
      const key = [...path].reverse().find((s) => typeof s === 'string');
      const answer = (typeof key === 'string' && ANSWERS[key]) || 'this answer';
      const state =
        value === null || String(value).trim() === '' ? 'is left empty' : `is still ${JSON.stringify(value)}`;
      issues.push({ code: 'LK_REGISTER_PLACEHOLDER', message: `${answer} ${state}`, path });
    }
  };
  visit(root, []);
  return issues;
}

/**
 * What can be read of a register that failed the schema, field by field, so cross-references
 * are still checked in the same run. A field that failed its own schema is left out (its
 * problem is already reported); entries keep their index so problems point at the right line.
 */
function salvage(root: Record<string, unknown>): RegisterForValidation {
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
  return {
    people: list(root.people).map((raw) => {
      const { grants: _grants, ...personShape } = PersonSchema.shape;
      const person: PersonForValidation = salvageFields(personShape, raw);
      const grants = isRecord(raw) ? list(raw.grants) : [];
      person.grants = grants.map((g) => salvageFields(RegisterGrantSchema.shape, g));
      return person;
    }),
    shared_accounts: list(root.shared_accounts).map((x) => salvageFields(SharedAccountSchema.shape, x)),
    groups: list(root.groups).map((x) => salvageFields(GroupSchema.shape, x)),
    accepted_risks: list(root.accepted_risks).map((x) => salvageFields(AcceptedRiskSchema.shape, x)),
  };
}

/** Each field of `raw` that passes its own schema; the rest are left out. */
function salvageFields<Shape extends Record<string, z.ZodType>>(
  shape: Shape,
  raw: unknown,
): Partial<{ [K in keyof Shape]: z.output<Shape[K]> }> {
  const out: Partial<{ [K in keyof Shape]: z.output<Shape[K]> }> = {};
  if (!isRecord(raw)) return out;
  for (const key of Object.keys(shape) as (keyof Shape & string)[]) {
    const parsed = shape[key]!.safeParse(raw[key]);
    if (parsed.success && parsed.data !== undefined) out[key] = parsed.data as z.output<Shape[typeof key]>;
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
