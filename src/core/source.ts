// Reading the files people write (register, config) and pointing at the line of each problem.
// Shared by the register and config loaders so both refuse the same bad files the same way.
import { readFile, stat } from 'node:fs/promises';
import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  Parser,
  parseDocument,
  visit,
} from 'yaml';
import type { z } from 'zod';
import { InputError, type Problem, type ProblemCode, problem } from './errors.js';

/** Which file a problem is about; picks the LK_REGISTER_… or LK_CONFIG_… codes. */
export type InputKind = 'REGISTER' | 'CONFIG';

/** Nobody writes a 5 MB register or config by hand; refusing earlier keeps parsing cheap and safe. */
export const MAX_INPUT_BYTES = 5 * 1024 * 1024;

export interface Position {
  line: number;
  column: number;
}

/** Reads a text file with every guard rail; throws InputError when the file cannot be used at all. */
export async function readInputText(path: string, kind: InputKind, file: string = path): Promise<string> {
  const fail = (code: ProblemCode, message: string, where: Partial<Position> = {}): never => {
    throw new InputError([problem(code, message, { file, ...where })]);
  };
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) fail(`LK_${kind}_UNREADABLE`, 'is not a file');
    size = info.size;
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') fail(`LK_${kind}_NOT_FOUND`, 'no such file');
    return fail(`LK_${kind}_UNREADABLE`, `cannot be read (${code ?? 'unknown error'})`);
  }
  if (size > MAX_INPUT_BYTES) fail(`LK_${kind}_TOO_LARGE`, tooLarge(size));
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    return fail(
      `LK_${kind}_UNREADABLE`,
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`,
    );
  }
  // Checked again: the file may have grown between stat and read.
  if (bytes.length > MAX_INPUT_BYTES) fail(`LK_${kind}_TOO_LARGE`, tooLarge(bytes.length));
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const lenient = new TextDecoder('utf-8').decode(bytes);
    const before = lenient.slice(0, Math.max(0, lenient.indexOf('\uFFFD')));
    const line = before.split('\n').length;
    return fail(`LK_${kind}_ENCODING`, 'is not valid UTF-8', { line });
  }
  if (text.trim() === '') fail(`LK_${kind}_EMPTY`, 'is empty');
  return text;
}

function tooLarge(bytes: number): string {
  return `is larger than the limit of ${MAX_INPUT_BYTES / (1024 * 1024)} MB (${bytes.toLocaleString('en-US')} bytes)`;
}

/** A parsed YAML/JSON document that can say where any path in it is written. */
export class SourceMap {
  constructor(
    readonly document: Document,
    private readonly lineCounter: LineCounter,
  ) {}

  /**
   * Line and column of the value at `path`, or of its key when `at` is 'key'. A path that does
   * not exist (a missing field) points at the nearest ancestor that does.
   */
  locate(path: readonly PropertyKey[], at: 'value' | 'key' = 'value'): Position | undefined {
    let node: unknown = this.document.contents;
    let offset = rangeStart(node);
    for (const [i, segment] of path.entries()) {
      if (isAlias(node)) node = node.resolve(this.document);
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && keyText(p.key) === String(segment));
        if (!pair) break;
        offset =
          last && at === 'key'
            ? (rangeStart(pair.key) ?? offset)
            : (rangeStart(pair.value) ?? rangeStart(pair.key) ?? offset);
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment];
        if (item === undefined) break;
        offset = rangeStart(item) ?? offset;
        node = item;
      } else {
        break;
      }
    }
    if (offset === undefined) return undefined;
    const pos = this.lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  }

  /** Position of the first alias in the document: where an alias bomb starts. */
  firstAlias(): Position | undefined {
    let found: number | undefined;
    const visit = (node: unknown): void => {
      if (found !== undefined || node == null) return;
      if (isAlias(node)) found = rangeStart(node);
      else if (isMap(node) || isSeq(node)) for (const item of node.items) visit(item);
      else if (isPair(node)) {
        visit(node.key);
        visit(node.value);
      }
    };
    visit(this.document.contents);
    if (found === undefined) return undefined;
    const pos = this.lineCounter.linePos(found);
    return { line: pos.line, column: pos.col };
  }
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' ? key : undefined;
}

export interface ParsedSource {
  map: SourceMap;
  /** YAML syntax problems; duplicate keys are separate because the rest can still be checked. */
  syntax: Problem[];
  duplicates: Problem[];
}

/** Parses YAML 1.2 (and so JSON) keeping positions; never throws. */
export function parseSource(text: string, kind: InputKind, file: string): ParsedSource {
  const lineCounter = new LineCounter();
  // yaml's parser recurses per level; refuse hostile nesting before it can overflow the stack.
  const tooDeep = deepNesting(text);
  if (tooDeep) {
    const lines = text.slice(0, tooDeep.offset).split('\n');
    const where = { file, line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
    const empty = parseDocument('', { lineCounter });
    return {
      map: new SourceMap(empty, lineCounter),
      syntax: [problem(`LK_${kind}_SYNTAX`, tooDeep.message, where)],
      duplicates: [],
    };
  }
  const document = parseDocument(text, {
    lineCounter,
    prettyErrors: true,
    uniqueKeys: true,
    version: '1.2',
    schema: 'core',
    keepSourceTokens: false,
  });
  const syntax: Problem[] = [];
  const duplicates: Problem[] = [];
  for (const error of document.errors) {
    const pos = error.linePos?.[0];
    const where = { file, line: pos?.line, column: pos?.col };
    // yaml's messages carry a code excerpt after " at line"; the first line is the message.
    const first = (error.message.split(/ at line \d+/)[0] ?? error.message).split('\n')[0] ?? error.message;
    // yaml reports its own stack overflow on hostile nesting; say what it means.
    const message = /call stack/i.test(first)
      ? `nested too deeply to read (the limit is ${MAX_NESTING} levels)`
      : error.code === 'MULTIPLE_DOCS'
        ? 'holds a second document (a second "---"); the file must be one document'
        : first;
    if (error.code === 'DUPLICATE_KEY') {
      const key = /^\s*(?:"([^"]*)"|'([^']*)'|([^\s:,}\]]+))/.exec(text.slice(error.pos[0]));
      const name = key ? (key[1] ?? key[2] ?? key[3]) : undefined;
      const what = name === undefined ? 'this key' : `"${name}"`;
      duplicates.push(problem(`LK_${kind}_DUPLICATE_KEY`, `${what} is already set above in the same mapping`, where));
    } else if (error.code === 'MISSING_CHAR' && /quote/.test(message)) {
      // yaml notices at the end of the file; the reader needs the line where the quote opened.
      const opened = unclosedQuoteOffset(text);
      const pos = opened === undefined ? undefined : lineCounter.linePos(opened);
      syntax.push(
        problem(
          `LK_${kind}_SYNTAX`,
          'this quoted value is never closed',
          pos ? { file, line: pos.line, column: pos.col } : where,
        ),
      );
    } else {
      syntax.push(problem(`LK_${kind}_SYNTAX`, message.replace(/\.$/, ''), where));
    }
  }
  // After the first syntax error yaml's recovery mostly reports its consequences; the first is the one to fix.
  if (syntax.length > 0) return { map: new SourceMap(document, lineCounter), syntax: syntax.slice(0, 1), duplicates };
  return {
    map: new SourceMap(document, lineCounter),
    syntax: unanchoredAliases(document, lineCounter, kind, file),
    duplicates,
  };
}

/**
 * Aliases with no anchor before them (`owner: *nosuch`): yaml parses them without complaint and
 * fails only when the value is read, with the same error as an alias bomb. Each is named here.
 */
function unanchoredAliases(document: Document, lineCounter: LineCounter, kind: InputKind, file: string): Problem[] {
  const out: Problem[] = [];
  visit(document, {
    Alias(_, node) {
      if (node.resolve(document) !== undefined) return;
      const offset = node.range?.[0];
      const pos = offset === undefined ? undefined : lineCounter.linePos(offset);
      out.push(
        problem(
          `LK_${kind}_SYNTAX`,
          `alias *${node.source} has no anchor above it: define &${node.source} on a value above it, or write the value out`,
          { file, line: pos?.line, column: pos?.col },
        ),
      );
    },
  });
  return out;
}

/** Deeper than any register or config a person writes; deeper input is refused before it is walked. */
export const MAX_NESTING = 64;

/** Indentation no hand-written file needs; deeper block nesting is refused like deep brackets. */
const MAX_INDENT = 256;

/**
 * A cheap scan for nesting deep enough to hurt a recursive parser: brackets opened and not yet
 * closed (quotes are not tracked, so brackets inside text count too; 64 unclosed ones in text
 * is no real register), and lines indented further than any real register needs.
 */
function deepNesting(text: string): { offset: number; message: string } | undefined {
  let depth = 0;
  let lineStart = true;
  let indent = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      lineStart = true;
      indent = 0;
      continue;
    }
    if (lineStart && c === 32) {
      if (++indent > MAX_INDENT) return { offset: i, message: `indented more than ${MAX_INDENT} spaces` };
      continue;
    }
    lineStart = false;
    if (c === 91 || c === 123) {
      if (++depth > MAX_NESTING) return { offset: i, message: `nested more than ${MAX_NESTING} levels deep` };
    } else if ((c === 93 || c === 125) && depth > 0) {
      depth--;
    }
  }
  return undefined;
}

/** Whether a parsed value nests deeper than `limit`; iterative, so hostile depth cannot overflow the stack. */
export function nestsDeeperThan(root: unknown, limit: number = MAX_NESTING): boolean {
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return false;
}

/** Offset of the first quoted scalar whose closing quote is missing, from yaml's concrete syntax tree. */
function unclosedQuoteOffset(text: string): number | undefined {
  let found: number | undefined;
  const walk = (value: unknown): void => {
    if (found !== undefined || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const v of value) walk(v);
      return;
    }
    const token = value as { type?: unknown; offset?: unknown; source?: unknown };
    if (
      (token.type === 'double-quoted-scalar' || token.type === 'single-quoted-scalar') &&
      typeof token.source === 'string' &&
      typeof token.offset === 'number'
    ) {
      const quote = token.source[0] ?? '';
      const closed = token.source.length > 1 && token.source.endsWith(quote) && !token.source.endsWith(`\\${quote}`);
      if (!closed) found = token.offset;
    }
    for (const v of Object.values(value)) walk(v);
  };
  for (const token of new Parser().parse(text)) walk(token);
  return found;
}

/** `people[3].grants[0].end`, `connectors.github.org`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(String(segment))) out += out ? `.${String(segment)}` : String(segment);
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

/** The inverse of formatPath, for callers that keep paths as text. */
export function parsePath(text: string): PropertyKey[] {
  const out: PropertyKey[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g;
  for (const m of text.matchAll(re)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[3] !== undefined) out.push(JSON.parse(`"${m[3]}"`) as string);
  }
  return out;
}

export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

export interface IssueContext {
  kind: InputKind;
  file: string;
  map: SourceMap | undefined;
  /** The value that was validated, to quote what was written. */
  input: unknown;
  /** Where the validated value sits in the document (["connectors", "github"]). */
  prefix?: readonly PropertyKey[];
  /** The schema that was applied, to suggest the key that was meant. */
  schema?: z.ZodType;
}

/** Turns zod issues into problems that name the file, line, field and what was expected. */
export function issuesToProblems(issues: readonly z.core.$ZodIssue[], ctx: IssueContext): Problem[] {
  const out: Problem[] = [];
  for (const issue of issues) out.push(...issueToProblems(issue, ctx, []));
  return out;
}

function issueToProblems(issue: z.core.$ZodIssue, ctx: IssueContext, base: readonly PropertyKey[]): Problem[] {
  const local = [...base, ...issue.path];
  const path = [...(ctx.prefix ?? []), ...local];
  const value = valueAt(ctx.input, local);
  const at = (p: readonly PropertyKey[], where: 'value' | 'key' = 'value') => {
    const pos = ctx.map?.locate(p, where);
    return { file: ctx.file, line: pos?.line, column: pos?.column, field: formatPath(p) || undefined };
  };
  const k = ctx.kind;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = ctx.schema ? knownKeys(ctx.schema, local) : [];
      return issue.keys.map((key) => {
        const guess = closest(key, known);
        const hint = guess ? ` (did you mean "${guess}"?)` : known.length ? ` (known keys: ${known.join(', ')})` : '';
        return problem(`LK_${k}_UNKNOWN_KEY`, `unknown key "${key}"${hint}`, at([...path, key], 'key'));
      });
    }
    case 'invalid_type': {
      if (value === undefined) return [problem(`LK_${k}_MISSING_FIELD`, 'is required', at(path))];
      if (value instanceof Date) {
        return [
          problem(
            `LK_${k}_WRONG_TYPE`,
            `must be ${describeType(issue.expected, k)}, not a YAML timestamp: write the date without the !!timestamp tag: ${timestampText(value)}`,
            at(path),
          ),
        ];
      }
      return [
        problem(
          `LK_${k}_WRONG_TYPE`,
          `must be ${describeType(issue.expected, k)}, not ${describeValue(value, k)}`,
          at(path),
        ),
      ];
    }
    case 'invalid_value': {
      // A field left out reads as undefined, not as a wrong value: say it is missing.
      if (value === undefined) return [problem(`LK_${k}_MISSING_FIELD`, 'is required', at(path))];
      const allowed = issue.values.map((v) => String(v));
      const guess = typeof value === 'string' ? closest(value, allowed) : undefined;
      const hint = guess ? ` (did you mean "${guess}"?)` : '';
      return [
        problem(
          `LK_${k}_BAD_VALUE`,
          `${describeValue(value, k)} is not one of: ${allowed.join(', ')}${hint}`,
          at(path),
        ),
      ];
    }
    case 'invalid_format': {
      if (issue.format === 'url') {
        return [
          problem(
            k === 'CONFIG' ? 'LK_CONFIG_BAD_URL' : 'LK_REGISTER_BAD_VALUE',
            `${describeValue(value, k)} is not a valid URL`,
            at(path),
          ),
        ];
      }
      if (issue.format === 'email') {
        return [problem(`LK_${k}_BAD_VALUE`, `${describeValue(value, k)} is not an email address`, at(path))];
      }
      return [problem(`LK_${k}_BAD_VALUE`, `${describeValue(value, k)} ${issue.message}`, at(path))];
    }
    case 'too_small':
    case 'too_big': {
      return [problem(`LK_${k}_BAD_VALUE`, describeBound(issue, value, k), at(path))];
    }
    case 'invalid_union': {
      // When one branch had the right type, its deeper issues say what is wrong.
      const branches = issue.errors.filter((b) => !b.some((i) => i.code === 'invalid_type' && i.path.length === 0));
      if (branches.length === 1 && branches[0]) {
        return branches[0].flatMap((i) => issueToProblems(i, ctx, local));
      }
      const expected = issue.errors
        .flatMap((b) => b.filter((i) => i.code === 'invalid_type' && i.path.length === 0))
        .map((i) => describeType((i as z.core.$ZodIssueInvalidType).expected, k));
      const list = [...new Set(expected)];
      if (value === undefined) return [problem(`LK_${k}_MISSING_FIELD`, 'is required', at(path))];
      return [
        problem(
          `LK_${k}_WRONG_TYPE`,
          list.length ? `must be ${list.join(' or ')}, not ${describeValue(value, k)}` : 'has an unexpected form',
          at(path),
        ),
      ];
    }
    case 'custom': {
      if (typeof value === 'string' && /date/i.test(issue.message) && k === 'REGISTER') {
        const shaped = /^\d{4}-\d{2}-\d{2}$/.test(value);
        const message = shaped
          ? `"${value}" is not a real calendar date`
          : `"${value}" is not a date written YYYY-MM-DD`;
        // Relative dates are resolved only when the caller asks (the demo's register).
        const fix = /^\$(today|now)\b/.test(value)
          ? 'Write the date as YYYY-MM-DD; relative dates ($today-180d) are resolved only for the demo register.'
          : undefined;
        return [problem('LK_REGISTER_BAD_DATE', message, at(path), { fix })];
      }
      // A date the calendar lacks (the config's DateSchema): the value said, and the fix for a date.
      if (typeof value === 'string' && /calendar date/.test(issue.message))
        return [
          problem(`LK_${k}_BAD_VALUE`, `"${value}" ${issue.message}`, at(path), {
            fix: 'Write a day the calendar has, as YYYY-MM-DD.',
          }),
        ];
      return [problem(`LK_${k}_BAD_VALUE`, issue.message, at(path))];
    }
    default:
      return [problem(`LK_${k}_BAD_VALUE`, issue.message, at(path))];
  }
}

function describeType(expected: string, kind: InputKind): string {
  const object = kind === 'REGISTER' ? 'a mapping (key: value)' : 'an object';
  const names: Record<string, string> = {
    string: 'text',
    number: 'a number',
    int: 'a whole number',
    boolean: 'true or false',
    array: 'a list',
    object,
    record: object,
    map: object,
  };
  return names[expected] ?? expected;
}

function describeValue(value: unknown, kind: InputKind): string {
  if (value === null) return 'empty';
  // A `!!timestamp` tag makes yaml hand back a Date, which is an object but nothing a person wrote as one.
  if (value instanceof Date) return `a YAML timestamp (write ${timestampText(value)} without the !!timestamp tag)`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return kind === 'REGISTER' ? 'a mapping' : 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (typeof value === 'number') return `the number ${value}`;
  return String(value);
}

/** A tagged timestamp as the person would write it untagged: the day alone when it has no time. */
function timestampText(value: Date): string {
  if (Number.isNaN(value.getTime())) return 'YYYY-MM-DD';
  const iso = value.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.replace('.000Z', 'Z');
}

function describeBound(
  issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig,
  value: unknown,
  kind: InputKind,
): string {
  const small = issue.code === 'too_small';
  const bound = Number(small ? (issue as z.core.$ZodIssueTooSmall).minimum : (issue as z.core.$ZodIssueTooBig).maximum);
  const inclusive = issue.inclusive !== false;
  if (issue.origin === 'string') {
    if (small && bound <= 1) return 'must not be empty';
    return `must have ${small ? 'at least' : 'at most'} ${bound} characters`;
  }
  if (issue.origin === 'array' || issue.origin === 'set') {
    if (small && bound <= 1) return 'must list at least one entry';
    return `must list ${small ? 'at least' : 'at most'} ${bound} entries`;
  }
  const relation = small ? (inclusive ? 'at least' : 'more than') : inclusive ? 'at most' : 'less than';
  return `must be ${relation} ${bound}, not ${describeValue(value, kind)}`;
}

/** The keys an object schema accepts at `path` (through arrays, records, defaults and unions). */
export function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let nodes: unknown[] = [schema];
  for (const segment of path) nodes = nodes.flatMap((n) => childSchemas(unwrap(n), segment));
  const keys = new Set<string>();
  for (const n of nodes) {
    const def = defOf(unwrap(n));
    if (def?.type === 'object' && def.shape && typeof def.shape === 'object') {
      for (const key of Object.keys(def.shape)) keys.add(key);
    } else if (def?.type === 'union' && Array.isArray(def.options)) {
      for (const option of def.options) for (const key of knownKeys(option as z.ZodType, [])) keys.add(key);
    }
  }
  return [...keys];
}

interface SchemaDef {
  type: string;
  [key: string]: unknown;
}

function defOf(schema: unknown): SchemaDef | undefined {
  const def = (schema as { _zod?: { def?: unknown } } | undefined)?._zod?.def;
  return def && typeof def === 'object' && 'type' in def ? (def as SchemaDef) : undefined;
}

function unwrap(schema: unknown): unknown {
  let current = schema;
  for (let i = 0; i < 32; i++) {
    const def = defOf(current);
    if (!def) return current;
    if (['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional'].includes(def.type)) {
      current = def.innerType;
    } else if (def.type === 'pipe') {
      current = def.in;
    } else if (def.type === 'lazy' && typeof def.getter === 'function') {
      current = (def.getter as () => unknown)();
    } else {
      return current;
    }
  }
  return current;
}

function childSchemas(schema: unknown, segment: PropertyKey): unknown[] {
  const def = defOf(schema);
  if (!def) return [];
  switch (def.type) {
    case 'object': {
      const shape = def.shape as Record<string, unknown> | undefined;
      const child = shape?.[String(segment)];
      return child ? [child] : [];
    }
    case 'array':
      return typeof segment === 'number' ? [def.element] : [];
    case 'record':
      return [def.valueType];
    case 'union':
      return Array.isArray(def.options) ? def.options.flatMap((o) => childSchemas(unwrap(o), segment)) : [];
    case 'intersection':
      return [...childSchemas(unwrap(def.left), segment), ...childSchemas(unwrap(def.right), segment)];
    default:
      return [];
  }
}

/**
 * The candidate nearest to `word` by edit distance, when it is near enough to be a typo. Short
 * product names (gitlab, github) need `maxDistance` 1, or one is offered for the other.
 */
export function closest(word: string, candidates: readonly string[], maxDistance?: number): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const limit = maxDistance ?? Math.max(1, Math.min(3, Math.ceil(word.length / 3)));
  return best !== undefined && best !== word && bestDistance <= limit ? best : undefined;
}

/**
 * Where JSON.parse stopped, as a line and column of `text`, and its message without V8's
 * "at position N" or its quote of the text (a position in a file of 85 MB names nothing a person
 * can find). V8 gives no position for an unexpected token (a comma after the last entry): then
 * the text is walked to find it.
 */
export function jsonSyntaxAt(text: string, error: unknown): { message: string; line?: number; column?: number } {
  const raw = error instanceof Error ? error.message : String(error);
  const position = /at position (\d+)/.exec(raw);
  const found = position ? Number(position[1]) : jsonErrorOffset(text);
  const message =
    raw
      .replace(/\s*(in JSON )?at position \d+.*$/s, '')
      .replace(/\s*\(line \d+ column \d+\)$/, '')
      .replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, '') || 'invalid JSON';
  if (found === undefined) return { message };
  const offset = Math.min(found, text.length);
  const lineStart = offset === 0 ? 0 : text.lastIndexOf('\n', offset - 1) + 1;
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < lineStart; i = text.indexOf('\n', i + 1)) line++;
  return { message, line, column: offset - lineStart + 1 };
}

/**
 * The offset of the first character that makes `text` not JSON (RFC 8259), or undefined when it
 * is JSON. A loop with a stack of open brackets, not recursion, so no nesting depth overflows it.
 */
export function jsonErrorOffset(text: string): number | undefined {
  const n = text.length;
  const open: number[] = [];
  let i = 0;
  let expect: 'value' | 'key' | 'after' = 'value';
  const skipSpace = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  /** Past a string starting at i; false where it breaks (i is then the offending character). */
  const string = (): boolean => {
    for (i++; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return true;
      }
      if (c < 0x20) return false;
      if (c === 0x5c) {
        const e = text[++i];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) return false;
          i += 4;
        } else if (e === undefined || !'"\\/bfnrt'.includes(e)) return false;
      }
    }
    return false;
  };
  const digits = (): boolean => {
    const from = i;
    while (i < n && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i++;
    return i > from;
  };
  /** Past a number; false where it breaks: a fraction or exponent needs a digit after its mark. */
  const number = (): boolean => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else if (!digits()) return false;
    if (text[i] === '.') {
      i++;
      if (!digits()) return false;
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (!digits()) return false;
    }
    return true;
  };
  for (;;) {
    skipSpace();
    if (expect === 'after') {
      const top = open.at(-1);
      if (top === undefined) return i < n ? i : undefined;
      const c = text.charCodeAt(i);
      if (c === 0x2c) {
        i++;
        expect = top === 0x7b ? 'key' : 'value';
      } else if (c === top + 2) {
        // '{' + 2 is '}', '[' + 2 is ']'.
        open.pop();
        i++;
      } else return i;
      continue;
    }
    if (expect === 'key') {
      if (text[i] !== '"' || !string()) return i;
      skipSpace();
      if (text[i] !== ':') return i;
      i++;
      expect = 'value';
      continue;
    }
    const c = text[i];
    if (c === '{' || c === '[') {
      open.push(text.charCodeAt(i));
      i++;
      skipSpace();
      if (text.charCodeAt(i) === open.at(-1)! + 2) {
        open.pop();
        i++;
        expect = 'after';
      } else expect = c === '{' ? 'key' : 'value';
      continue;
    }
    const literal = c === 't' ? 'true' : c === 'f' ? 'false' : c === 'n' ? 'null' : undefined;
    if (literal) {
      // As far as it spells the word: the first letter that differs is the wrong one.
      const end = i + literal.length;
      for (; i < end; i++) if (text[i] !== literal[literal.length - (end - i)]) return i;
    } else if (c === '"' ? !string() : !number()) return i;
    expect = 'after';
  }
}

/** Optimal string alignment distance: Levenshtein plus adjacent transpositions ("dnaa" → "dana" is 1). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => d[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      d[i]![j] = best;
    }
  }
  return at(a.length, b.length);
}
