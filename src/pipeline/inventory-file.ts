// Reading a saved snapshot (inventory.json, the shards `lanekeeper collect` writes) for
// `scan --inventory` and `offboard --inventory`. At the bench's 200,000 grants a shard is 85 MB:
// read whole, its text (two bytes a character once one is not ASCII), what JSON.parse made of it
// and the checked copy were held at once, and reading one peaked at 650-670 MB. Files in the
// layout lanekeeper writes (reports/inventory.ts: one record a line) are read a line at a time
// instead, each record parsed and checked on its own, and a bad record is named by its line.
// Any other layout of valid JSON is read whole, as before.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, open, readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { z } from 'zod';
import { isTimestamp } from '../core/dates.js';
import { sha256 } from '../core/digest.js';
import { UsageError } from '../core/errors.js';
import {
  SNAPSHOT_LISTS,
  SNAPSHOT_RECORD_SCHEMAS,
  type Snapshot,
  SnapshotHeadSchema,
  type SnapshotList,
  SnapshotSchema,
} from '../core/model.js';
import { jsonSyntaxAt } from '../core/source.js';

/** Read and validate a saved snapshot. Throws a UsageError with the file name and the first bad field. */
export async function readSnapshot(path: string): Promise<Snapshot> {
  return (await readSnapshotFile(path)).snapshot;
}

/** A saved snapshot and the digest of its bytes (a merge refuses the same shard given twice). */
export async function readSnapshotFile(path: string): Promise<{ snapshot: Snapshot; digest: string }> {
  const byLines = await readByLines(path);
  if (byLines) return byLines;
  let data: unknown;
  let digest: string;
  let text: string;
  try {
    const bytes = await readFile(path);
    digest = sha256(bytes);
    // An editor on Windows may have saved it with a byte order mark, which JSON.parse refuses.
    text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    throw new UsageError(`${path}: not a readable JSON inventory (${(e as Error).message})`);
  }
  try {
    data = JSON.parse(text);
  } catch (e) {
    const at = jsonSyntaxAt(text, e);
    throw new UsageError(
      `${path}${at.line === undefined ? '' : `:${at.line}:${at.column}`}: not a readable JSON inventory (${at.message})`,
    );
  }
  return { snapshot: checkedWhole(path, data), digest };
}

type Issues = readonly z.core.$ZodIssue[];

function refusal(path: string, issues: Issues, at: PropertyKey[] = [], line?: number): UsageError {
  const where = [...at, ...(issues[0]?.path ?? [])].join('.') || '(root)';
  return new UsageError(
    `${path}${line === undefined ? '' : `:${line}`}: not a lanekeeper inventory: ${where} ${issues[0]?.message ?? ''}`,
  );
}

/**
 * Parsed data as a snapshot, checked a record at a time, each record replaced by its checked copy
 * (the whole schema at once held a second copy of every record); lists read by lines were checked
 * as they were read. The first bad field is named as the whole schema would name it: its list,
 * its index and its path.
 */
function checkedWhole(path: string, data: unknown, alreadyChecked: ReadonlySet<string> = new Set()): Snapshot {
  const fields = isObject(data) ? data : {};
  const { accounts, grants, credentials, secrets, ...rest } = fields;
  const lists = { accounts, grants, credentials, secrets };
  if (fields !== data || !SNAPSHOT_LISTS.every((list) => Array.isArray(lists[list]))) {
    // Not shaped as an inventory: the whole schema says where, and there are no records to copy.
    const whole = SnapshotSchema.safeParse(data);
    throw refusal(path, whole.success ? [] : whole.error.issues);
  }
  const head = SnapshotHeadSchema.safeParse(rest);
  if (!head.success) throw refusal(path, head.error.issues);
  checkDates(path, head.data, ['collectedAt'], []);
  for (const [i, status] of head.data.systems.entries()) checkDates(path, status, ['collectedAt'], ['systems', i]);
  for (const list of SNAPSHOT_LISTS) {
    if (alreadyChecked.has(list)) continue;
    const records = lists[list] as unknown[];
    for (let i = 0; i < records.length; i++) records[i] = checkedRecord(path, list, i, records[i]);
  }
  return { ...head.data, ...lists } as Snapshot;
}

function checkedRecord(path: string, list: SnapshotList, index: number, value: unknown, line?: number): unknown {
  const record = SNAPSHOT_RECORD_SCHEMAS[list].safeParse(value);
  if (!record.success) throw refusal(path, record.error.issues, [list, index], line);
  checkDates(path, record.data as object, DATE_FIELDS[list], [list, index], line);
  return record.data;
}

/** The fields of each list's records that hold a date and time (core/model.ts): checked on every record. */
const DATE_FIELDS: Record<SnapshotList, readonly string[]> = {
  accounts: ['endsAt', 'createdAt', 'lastActiveAt'],
  grants: ['expiresAt'],
  credentials: ['createdAt', 'lastUsedAt', 'expiresAt'],
  secrets: ['createdAt', 'updatedAt'],
};

/** Every date of a checked value is a real one (see isTimestamp): the schema only knows them as strings. */
function checkDates(path: string, value: object, fields: readonly string[], at: PropertyKey[], line?: number): void {
  for (const field of fields) {
    const date = (value as Record<string, unknown>)[field];
    if (typeof date === 'string' && !isTimestamp(date))
      throw refusal(
        path,
        [{ code: 'custom', path: [field], message: `is not a real date and time: "${date}"`, input: date }],
        at,
        line,
      );
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `  "grants": [`: a list of records opening, one record on each line that follows. (systems, a
 * few hundred lines at most, is read with the rest.)
 */
const LIST_OPENS = /^ {2}"(accounts|grants|credentials|secrets)": \[$/;
/** `  ]` or `  ],`: the list closing, the comma (if any) before the next field. */
const LIST_CLOSES = /^ {2}\](,?)$/;
/** Stands for a list read by lines in the text of the rest, which is parsed whole. */
const placeholder = (list: string) => `"\\u0000lanekeeper list ${list}"`;

/**
 * The snapshot read a line at a time, when the file is in the layout lanekeeper writes; undefined
 * when it is not (the caller reads it whole). Each list of the top-level object is a line
 * `  "name": [`, one record a line, each but the last ending in a comma, and `  ]`. The rest of
 * the file, with each such list replaced by a placeholder, is small and is parsed whole: it must
 * be one JSON object holding each list's placeholder where the list was, so what is read is what
 * JSON.parse would have read. A record that is JSON but not a record of ours is refused, naming
 * its line; a line that is not JSON hands the file to the whole reader, which names the error.
 */
export async function readByLines(path: string): Promise<{ snapshot: Snapshot; digest: string } | undefined> {
  // A file in another layout is handed on at once, before a line is read: a compact file is one
  // line, which readline would gather whole, only for the whole reader to read it again.
  if (!(await startsOnItsOwnLine(path))) return undefined;
  const hash = createHash('sha256');
  const stream = createReadStream(path);
  stream.on('data', (chunk) => hash.update(chunk));
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  const rest: string[] = [];
  const read = new Map<string, unknown[]>();
  let open: { list: SnapshotList; records: unknown[]; comma: boolean } | undefined;
  let depth = 0;
  let n = 0;
  try {
    for await (const line of lines) {
      n++;
      if (open) {
        const closes = LIST_CLOSES.exec(line);
        if (closes) {
          // The last record has no comma after it, and a list has at least one (an empty one is `[]`).
          if (open.comma || open.records.length === 0) return undefined;
          rest.push(`  ${placeholder(open.list)}${closes[1]}`);
          open = undefined;
          continue;
        }
        if (open.records.length > 0 && !open.comma) return undefined;
        const comma = line.endsWith(',');
        let value: unknown;
        try {
          value = JSON.parse(comma ? line.slice(0, -1) : line);
        } catch {
          return undefined;
        }
        open.records.push(checkedRecord(path, open.list, open.records.length, value, n));
        open.comma = comma;
        continue;
      }
      const opens = depth === 1 ? LIST_OPENS.exec(line) : null;
      if (opens) {
        const list = opens[1] as SnapshotList;
        if (read.has(list)) return undefined;
        const records: unknown[] = [];
        read.set(list, records);
        rest.push(`  "${list}":`);
        open = { list, records, comma: false };
        continue;
      }
      // Inside the top-level object, lanekeeper writes each field on a line two spaces in; any
      // other indent is another layout, handed on before its lines are gathered.
      if (depth === 1 && !(line.startsWith('  "') || line === '}')) return undefined;
      depth = depthAfter(line, depth);
      if (depth < 0) return undefined;
      rest.push(line);
    }
  } catch (e) {
    if (e instanceof UsageError) throw e;
    // The file could not be read: the whole reader says why.
    return undefined;
  } finally {
    lines.close();
    stream.destroy();
  }
  if (open || read.size === 0) return undefined;
  let head: unknown;
  try {
    head = JSON.parse(rest.join('\n'));
  } catch {
    return undefined;
  }
  if (!isObject(head)) return undefined;
  const lists: Record<string, unknown> = {};
  for (const [list, records] of read) {
    // A later field of the same name is what JSON.parse keeps: the whole reader decides then.
    if (head[list] !== JSON.parse(placeholder(list))) return undefined;
    lists[list] = records;
  }
  return { snapshot: checkedWhole(path, { ...head, ...lists }, new Set(read.keys())), digest: hash.digest('hex') };
}

/** Whether the file opens as lanekeeper writes it: `{` alone on the first line. */
async function startsOnItsOwnLine(path: string): Promise<boolean> {
  let file: FileHandle | undefined;
  try {
    file = await open(path, 'r');
    const { buffer, bytesRead } = await file.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x7b && (buffer[1] === 0x0a || buffer[1] === 0x0d);
  } catch {
    // Unreadable: the whole reader says why.
    return false;
  } finally {
    await file?.close();
  }
}

/** The nesting depth after a line of JSON text, counting brackets outside strings. */
function depthAfter(line: string, depth: number): number {
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return depth;
}
