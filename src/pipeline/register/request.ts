// `lanekeeper request`: appends one approval to a person's grants, so an approval arrives as a
// small pull request. The register is edited as text: the yaml Document API finds where the
// person's grants end and renders the new entry, and only those lines are inserted, so every
// other byte (comments, quoting, blank lines, flow lists) stays exactly as the author wrote it.
// The result goes through the register loader before anything is written.
import { Document, isMap, isScalar, isSeq, type Pair, parseDocument, type YAMLMap, type YAMLSeq } from 'yaml';
import { resolveRelativeDates } from '../../core/dates.js';
import { InputError, type Problem, problem } from '../../core/errors.js';
import { type RegisterGrant, RegisterGrantSchema } from '../../core/register.js';
import { parseRegister } from './load.js';

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
  /** Warnings of the resulting register (e.g. the grant outlasts the engagement). */
  warnings: Problem[];
}

const OPTION_OF: Record<string, string> = { approved_by: '--approved-by' };

/** Checks the request's own values; every problem at once, named by its command-line option. */
export function validateRequest(request: GrantRequest, knownSystems: readonly string[]): RegisterGrant {
  const { person: _person, ...fields } = request;
  const raw = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  const parsed = RegisterGrantSchema.safeParse(raw);
  const problems: Problem[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? '');
      const option = OPTION_OF[key] ?? `--${key}`;
      problems.push(problem('LK_USAGE_BAD_OPTION', `${option}: ${issue.message}`));
    }
  }
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

/** The grant as block YAML lines, each starting at `indent` spaces. */
function renderItems(items: readonly RegisterGrant[], indent: number, newline: string): string {
  const doc = new Document(items.map((g) => ({ ...g })));
  for (const [i, g] of items.entries()) {
    if (Array.isArray(g.scope)) {
      const scope = doc.getIn([i, 'scope'], true);
      if (isSeq(scope)) scope.flow = true;
    }
  }
  const body = doc.toString({ lineWidth: 0 });
  const pad = ' '.repeat(indent);
  return body
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => `${pad}${l}${newline}`)
    .join('');
}

/** Appends `request` to the person's grants in `text`. Throws InputError for anything refused. */
export function appendGrant(text: string, request: GrantRequest, options: RequestOptions): RequestResult {
  const grant = validateRequest(request, options.knownSystems);
  const file = options.path;
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    // The loader words syntax errors best.
    parseRegister(text, { knownSystems: options.knownSystems, path: file });
  }
  const people = isMap(doc.contents) ? doc.contents.get('people', true) : undefined;
  const entries = isSeq(people) ? (people.items.filter((p) => isMap(p)) as YAMLMap[]) : [];
  const person = entries.find((p) => p.get('id') === request.person);
  if (!person) {
    const known = entries.map((p) => p.get('id')).filter((id): id is string => typeof id === 'string');
    throw new InputError([
      problem(
        'LK_USAGE_BAD_OPTION',
        `--person: "${request.person}" is not a person in the register; known: ${known.sort().join(', ') || 'nobody'}`,
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
  const grantsPair = person.items.find((p: Pair) => isScalar(p.key) && p.key.value === 'grants');
  const grants = grantsPair?.value;

  let at: number;
  let replaced = 0;
  let inserted: string;
  if (isSeq(grants) && !grants.flow && grants.items.length > 0 && grants.range) {
    // After the last grant, at the same indentation as its dash.
    const last = (grants as YAMLSeq).items.at(-1) as { range?: [number, number, number] };
    at = lineStartAfter(text, last.range?.[1] ?? grants.range[1]);
    inserted = renderItems([grant], columnOf(text, grants.range[0]), newline);
  } else {
    const key = (grantsPair?.key ?? person.items[0]?.key) as { range?: [number, number, number] } | undefined;
    const keyColumn = key?.range ? columnOf(text, key.range[0]) : 4;
    const existing = isSeq(grants) ? (grants.toJSON() as RegisterGrant[]) : [];
    const items = renderItems([...existing, grant], keyColumn + 2, newline);
    if (grantsPair && isSeq(grants) && grants.range) {
      // A flow list (`grants: []`): the list goes, its items follow as a block on the next lines;
      // a comment after it stays on the `grants:` line.
      const [start, end] = grants.range;
      const lineEnd = lineStartAfter(text, end);
      const comment = text.slice(end, lineEnd).trim();
      at = start;
      while (at > 0 && text[at - 1] === ' ') at--;
      replaced = lineEnd - at;
      inserted = `${comment ? ` ${comment}` : ''}${newline}${items}`;
    } else if (!grantsPair) {
      const lastPair = person.items.at(-1);
      const value = lastPair?.value as { range?: [number, number, number] } | null | undefined;
      const keyRange = (lastPair?.key as { range?: [number, number, number] } | undefined)?.range;
      const end = value?.range?.[1] ?? keyRange?.[1] ?? person.range?.[1] ?? text.length;
      at = lineStartAfter(text, end);
      const lead = at === text.length && !text.endsWith('\n') ? newline : '';
      inserted = `${lead}${' '.repeat(keyColumn)}grants:${newline}${items}`;
    } else {
      throw new InputError([
        problem('LK_USAGE_BAD_OPTION', `--person: the grants of "${request.person}" are not a list`, { file }),
      ]);
    }
  }

  const result = text.slice(0, at) + inserted + text.slice(at + replaced);
  // Validate what would be written, exactly as `register check` would.
  const checked = options.relativeDates ? resolveRelativeDates(result, options.relativeDates) : result;
  const loaded = parseRegister(checked, { knownSystems: options.knownSystems, path: file });
  return { text: result, at, replaced, inserted, grant, warnings: loaded.warnings };
}
