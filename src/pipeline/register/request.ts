// `lanekeeper request`: appends one approval to a person's grants, or brings in a new person
// with their first grant, so an approval arrives as a small pull request. The register is
// edited as text: the yaml Document API finds where the list ends and renders the new entry,
// and only those lines are inserted, so every other byte (comments, quoting, blank lines,
// flow lists) stays exactly as the author wrote it. The result goes through the register
// loader, then through the house rules a reviewer would apply (request-policy.ts), before
// anything is written.
import { Document, isMap, isScalar, isSeq, type Pair, parseDocument, visit, type YAMLMap, type YAMLSeq } from 'yaml';
import { resolveRelativeDates } from '../../core/dates.js';
import { InputError, type Problem, problem } from '../../core/errors.js';
import { type Person, PersonSchema, type RegisterGrant, RegisterGrantSchema } from '../../core/register.js';
import { formatPath } from '../../core/source.js';
import { parseRegister } from './load.js';
import { requestRefusals } from './request-policy.js';

export interface GrantRequest {
  person: string;
  task: string;
  system: string;
  scope: string | string[];
  lane: string;
  access: string;
  start: string;
  end: string;
  ticket?: string;
  approved_by?: string;
}

export interface RequestOptions {
  /** Connector ids; a system outside them is refused. */
  knownSystems: readonly string[];
  /** How problems name the file. */
  path: string;
  /** Resolve `$today…` tokens while validating (the demo's register); the text written keeps them. */
  relativeDates?: Date;
}

export interface RequestResult {
  text: string;
  /** Where the new lines went: text.slice(0, at) and the part after the insertion are the original's. */
  at: number;
  /** Characters of the original replaced there (an empty flow list `[]`); usually 0. */
  replaced: number;
  inserted: string;
  grant: RegisterGrant;
  /** Warnings of the resulting register about this person only (others' are not this request's news). */
  warnings: Problem[];
}

/** A person brought in by `request --new-person`, before their first grant. */
export interface NewPerson {
  id: string;
  name: string;
  kind: string;
  owner?: string;
  emails?: string[];
  /** Account links where emails do not match: { github: ["kai-dev"] }. */
  accounts?: Record<string, string[]>;
  /** The engagement, YYYY-MM-DD. */
  start?: string;
  end?: string;
}

const GRANT_OPTION_OF: Record<string, string> = { approved_by: '--approved-by' };
const PERSON_OPTION_OF: Record<string, string> = {
  id: '--new-person',
  emails: '--email',
  accounts: '--account',
  start: '--engagement',
  end: '--engagement',
};

/** Schema issues worded by the command-line option that carried the value. */
function usageProblems(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  optionOf: Record<string, string>,
  values: Record<string, unknown>,
): Problem[] {
  return issues.map((issue) => {
    const key = String(issue.path[0] ?? '');
    const value = values[key];
    // A date written right that names no day (2026-02-30) is not a format mistake: say which.
    const message =
      typeof value === 'string' && /date/i.test(issue.message) && /^\d{4}-\d{2}-\d{2}$/.test(value)
        ? `"${value}" is not a real calendar date`
        : issue.message;
    return problem('LK_USAGE_BAD_OPTION', `${optionOf[key] ?? `--${key}`}: ${message}`);
  });
}

/** Checks the request's own values; every problem at once, named by its command-line option. */
export function validateRequest(request: GrantRequest, knownSystems: readonly string[]): RegisterGrant {
  const { person: _person, ...fields } = request;
  const raw = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  const parsed = RegisterGrantSchema.safeParse(raw);
  const problems: Problem[] = parsed.success ? [] : usageProblems(parsed.error.issues, GRANT_OPTION_OF, raw);
  if (knownSystems.length > 0 && !knownSystems.includes(request.system)) {
    problems.push(
      problem(
        'LK_USAGE_BAD_OPTION',
        `--system: "${request.system}" is not a known system; known: ${knownSystems.join(', ')}`,
      ),
    );
  }
  if (problems.length > 0 || !parsed.success) throw new InputError(problems);
  return parsed.data;
}

function lineStartAfter(text: string, pos: number): number {
  if (pos > 0 && text[pos - 1] === '\n') return pos;
  const nl = text.indexOf('\n', pos);
  return nl === -1 ? text.length : nl + 1;
}

function columnOf(text: string, pos: number): number {
  return pos - (text.lastIndexOf('\n', pos - 1) + 1);
}

type Range = [number, number, number];
const rangeOf = (node: unknown): Range | undefined =>
  (node as { range?: Range } | null | undefined)?.range ?? undefined;

/** Entries as block YAML lines, each starting at `indent` spaces; lists of plain values stay on one line. */
function renderItems(items: readonly object[], indent: number, newline: string): string {
  const doc = new Document(items.map((item) => ({ ...item })));
  visit(doc, {
    Seq(_key, node) {
      if (node !== doc.contents && node.items.every((i) => isScalar(i))) node.flow = true;
    },
  });
  // Account links read best on one line, as the demo writes them.
  for (const i of items.keys()) {
    const accounts = doc.getIn([i, 'accounts'], true);
    if (isMap(accounts)) accounts.flow = true;
  }
  const body = doc.toString({ lineWidth: 0 });
  const pad = ' '.repeat(indent);
  return body
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => `${pad}${l}${newline}`)
    .join('');
}

interface Insertion {
  at: number;
  replaced: number;
  inserted: string;
}

/**
 * Where and what to insert so that `items` end the list under `key` of `map`: after the last
 * block item at its dash's column; a flow list (`grants: []`) is rewritten as a block; a
 * missing key is added after the map's last entry.
 */
function insertIntoList(
  text: string,
  map: YAMLMap,
  key: string,
  items: readonly object[],
  options: { newline: string; defaultColumn: number; blankLineBetween?: boolean; what: string; file: string },
): Insertion {
  const { newline } = options;
  const pair = map.items.find((p: Pair) => isScalar(p.key) && p.key.value === key);
  const list = pair?.value;
  if (isSeq(list) && !list.flow && list.items.length > 0 && list.range) {
    const seq = list as YAMLSeq;
    const last = seq.items.at(-1);
    const lastRange = rangeOf(last);
    // Right after the last entry's own text: blank lines after it belong to what follows.
    let end = lastRange?.[1] ?? list.range[1];
    while (end > 0 && /\s/.test(text[end - 1]!)) end--;
    const at = lineStartAfter(text, end);
    // Keep the file's rhythm: a blank line between entries when its entries have one.
    const before = seq.items.at(-2);
    const blank =
      options.blankLineBetween === true &&
      before !== undefined &&
      /\n[ \t]*\r?\n/.test(text.slice(rangeOf(before)?.[0] ?? 0, lastRange?.[0] ?? 0));
    return {
      at,
      replaced: 0,
      inserted: (blank ? newline : '') + renderItems(items, columnOf(text, list.range[0]), newline),
    };
  }
  const keyRange = rangeOf(pair?.key ?? map.items[0]?.key);
  const keyColumn = keyRange ? columnOf(text, keyRange[0]) : options.defaultColumn;
  const existing = isSeq(list) ? (list.toJSON() as object[]) : [];
  const block = renderItems([...existing, ...items], keyColumn + 2, newline);
  if (pair && isSeq(list) && list.range) {
    // A flow list: the list goes, its items follow as a block on the next lines; a comment
    // after it stays on the key's line.
    const [start, end] = list.range;
    const lineEnd = lineStartAfter(text, end);
    const comment = text.slice(end, lineEnd).trim();
    let at = start;
    while (at > 0 && text[at - 1] === ' ') at--;
    return { at, replaced: lineEnd - at, inserted: `${comment ? ` ${comment}` : ''}${newline}${block}` };
  }
  if (!pair) {
    const lastPair = map.items.at(-1);
    const end = rangeOf(lastPair?.value)?.[1] ?? rangeOf(lastPair?.key)?.[1] ?? rangeOf(map)?.[1] ?? text.length;
    const at = lineStartAfter(text, end);
    const lead = at === text.length && text.length > 0 && !text.endsWith('\n') ? newline : '';
    return { at, replaced: 0, inserted: `${lead}${' '.repeat(keyColumn)}${key}:${newline}${block}` };
  }
  throw new InputError([problem('LK_USAGE_BAD_OPTION', `${options.what} is not a list`, { file: options.file })]);
}

function peopleOf(text: string, options: RequestOptions): { doc: ReturnType<typeof parseDocument>; people: YAMLMap[] } {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    // The loader words syntax errors best.
    parseRegister(text, { knownSystems: options.knownSystems, path: options.path });
  }
  const people = isMap(doc.contents) ? doc.contents.get('people', true) : undefined;
  return { doc, people: isSeq(people) ? (people.items.filter((p) => isMap(p)) as YAMLMap[]) : [] };
}

/** Appends `request` to the person's grants in `text`. Throws InputError for anything refused. */
export function appendGrant(text: string, request: GrantRequest, options: RequestOptions): RequestResult {
  const grant = validateRequest(request, options.knownSystems);
  const file = options.path;
  const { people } = peopleOf(text, options);
  const person = people.find((p) => p.get('id') === request.person);
  if (!person) {
    const known = people.map((p) => p.get('id')).filter((id): id is string => typeof id === 'string');
    throw new InputError([
      problem(
        'LK_USAGE_BAD_OPTION',
        `--person: "${request.person}" is not a person in the register; known: ${known.sort().join(', ') || 'nobody'}` +
          ' (bring a new person in with --new-person)',
        { file },
      ),
    ]);
  }
  if (person.flow) {
    throw new InputError([
      problem(
        'LK_USAGE_BAD_OPTION',
        `--person: "${request.person}" is written as a flow mapping ({…}); write it as a block to add grants`,
        { file },
      ),
    ]);
  }
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const insertion = insertIntoList(text, person, 'grants', [grant], {
    newline,
    defaultColumn: 4,
    what: `--person: the grants of "${request.person}"`,
    file,
  });
  return finish(text, insertion, request.person, grant, options);
}

/** Adds a new person with their first grant at the end of `people`. Throws InputError for anything refused. */
export function addPerson(
  text: string,
  newPerson: NewPerson,
  request: Omit<GrantRequest, 'person'>,
  options: RequestOptions,
): RequestResult {
  const grant = validateRequest({ ...request, person: newPerson.id }, options.knownSystems);
  const file = options.path;
  const entry = validateNewPerson(newPerson, grant);
  const { doc, people } = peopleOf(text, options);
  if (people.some((p) => p.get('id') === entry.id)) {
    throw new InputError([
      problem(
        'LK_USAGE_BAD_OPTION',
        `--new-person: "${entry.id}" is already a person in the register; add a grant with --person ${entry.id}`,
        { file },
      ),
    ]);
  }
  if (!isMap(doc.contents)) {
    // The loader says what is wrong with the top level.
    parseRegister(text, { knownSystems: options.knownSystems, path: file });
    throw new InputError([problem('LK_REGISTER_NOT_MAPPING', 'the top level must be a mapping', { file })]);
  }
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const insertion = insertIntoList(text, doc.contents as YAMLMap, 'people', [entry], {
    newline,
    defaultColumn: 0,
    blankLineBetween: true,
    what: 'people',
    file,
  });
  return finish(text, insertion, entry.id, grant, options);
}

/** The person's entry as it will be written, checked field by field and named by option. */
function validateNewPerson(newPerson: NewPerson, grant: RegisterGrant): Person {
  const raw = Object.fromEntries(
    Object.entries({
      id: newPerson.id,
      name: newPerson.name,
      kind: newPerson.kind,
      owner: newPerson.owner,
      emails: newPerson.emails?.length ? newPerson.emails : undefined,
      accounts: newPerson.accounts && Object.keys(newPerson.accounts).length > 0 ? newPerson.accounts : undefined,
      start: newPerson.start,
      end: newPerson.end,
      grants: [grant],
    }).filter(([, v]) => v !== undefined),
  );
  const parsed = PersonSchema.safeParse(raw);
  if (!parsed.success) throw new InputError(usageProblems(parsed.error.issues, PERSON_OPTION_OF, raw));
  // Written in this order, without the schema's empty defaults, as a person would write it.
  const { emails, accounts, ...rest } = parsed.data;
  const ordered: Record<string, unknown> = { id: rest.id, name: rest.name, kind: rest.kind };
  if (rest.owner !== undefined) ordered.owner = rest.owner;
  if (emails.length > 0) ordered.emails = emails;
  if (Object.keys(accounts).length > 0) ordered.accounts = accounts;
  if (rest.start !== undefined) ordered.start = rest.start;
  if (rest.end !== undefined) ordered.end = rest.end;
  ordered.grants = [grant];
  return ordered as Person;
}

/** Validates the register as it would be written and applies the house rules to this request. */
function finish(
  text: string,
  insertion: Insertion,
  personId: string,
  grant: RegisterGrant,
  options: RequestOptions,
): RequestResult {
  const result = text.slice(0, insertion.at) + insertion.inserted + text.slice(insertion.at + insertion.replaced);
  // Validate what would be written, exactly as `register check` would.
  const checked = options.relativeDates ? resolveRelativeDates(result, options.relativeDates) : result;
  const loaded = parseRegister(checked, { knownSystems: options.knownSystems, path: options.path });
  const index = loaded.register.people.findIndex((p) => p.id === personId);
  const refusals = requestRefusals(loaded.register, index).map(loaded.toProblem);
  if (refusals.length > 0) throw new InputError(refusals);
  const own = formatPath(['people', index]);
  const warnings = loaded.warnings.filter(
    (w) => w.field !== undefined && (w.field === own || w.field.startsWith(`${own}.`) || w.field.startsWith(`${own}[`)),
  );
  return { text: result, ...insertion, grant, warnings };
}
