// A scan's snapshot as the history keeps it: JSON lines (the snapshot without its records, then
// one record a line, with the list it belongs to), cut into parts of about a megabyte of whole
// lines, each deflated. A snapshot is 200,000 grants at the benchmark's large size: written as one
// JSON text it was an 84 MB row, built as one string beside the scan's own objects (recording
// raised the bench's peak by about 200 MB); read back, the text, what JSON.parse made of it and
// the validated copy were held at once. In parts no step holds more than one part's text, and the
// file carried between CI runs keeps 3 MB a scan instead of 84.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { z } from 'zod';
import { inBatches } from '../../core/batches.js';
import { type Snapshot, SnapshotSchema } from '../../core/model.js';

const LISTS = ['accounts', 'grants', 'credentials', 'secrets'] as const;
type List = (typeof LISTS)[number];

/** Characters of whole lines in a part, at least (the last part may be shorter). */
const PART_CHARS = 1 << 20;
/**
 * No part inflates past this: a file swapped in with a small part that inflates to gigabytes is
 * refused, not read. A part is a megabyte of lines and at most one longer record.
 */
const MAX_PART_BYTES = 64 << 20;

/** The deflated parts, in order, of a snapshot the caller has redacted (HistoryStore.record). */
export function snapshotParts(snapshot: Snapshot): Buffer[] {
  const parts: Buffer[] = [];
  for (const text of inBatches(snapshotLines(snapshot), PART_CHARS)) parts.push(deflateRawSync(Buffer.from(text)));
  return parts;
}

function* snapshotLines(snapshot: Snapshot): Generator<string> {
  const { accounts, grants, credentials, secrets, ...head } = snapshot;
  yield `${JSON.stringify(head)}\n`;
  const lists: Record<List, readonly unknown[]> = { accounts, grants, credentials, secrets };
  // JSON escapes every line break inside a string: each \n ends a line of ours.
  for (const list of LISTS) for (const record of lists[list]) yield `${JSON.stringify([list, record])}\n`;
}

const Head = SnapshotSchema.omit({ accounts: true, grants: true, credentials: true, secrets: true });
const Line = z.tuple([z.enum(LISTS), z.unknown()]);
const RECORD: Record<List, z.ZodType> = {
  accounts: SnapshotSchema.shape.accounts.element,
  grants: SnapshotSchema.shape.grants.element,
  credentials: SnapshotSchema.shape.credentials.element,
  secrets: SnapshotSchema.shape.secrets.element,
};

/** Why a part could not be read back; the store turns it into a HistoryIntegrityError. */
export class SnapshotPartError extends Error {}

/**
 * The snapshot from its parts, each record checked as it is read: a part is inflated, split and
 * parsed on its own, so the snapshot's objects are the only large thing held.
 */
export function snapshotFromParts(parts: Iterable<unknown>): Snapshot {
  let head: z.infer<typeof Head> | undefined;
  const lists: Record<List, unknown[]> = { accounts: [], grants: [], credentials: [], secrets: [] };
  for (const part of parts) {
    if (!(part instanceof Uint8Array)) throw new SnapshotPartError('a part is not a blob');
    let text: string;
    try {
      text = inflateRawSync(part, { maxOutputLength: MAX_PART_BYTES }).toString('utf8');
    } catch (e) {
      throw new SnapshotPartError(
        (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE'
          ? `a part inflates past ${MAX_PART_BYTES >> 20} MB`
          : 'a part does not inflate',
      );
    }
    if (!text.endsWith('\n')) throw new SnapshotPartError('a part ends inside a line');
    for (const line of text.slice(0, -1).split('\n')) {
      const value = parsed(line);
      if (!head) {
        head = checked(Head, value);
        continue;
      }
      const [list, record] = checked(Line, value);
      lists[list].push(checked(RECORD[list], record));
    }
  }
  if (!head) throw new SnapshotPartError('there is no part');
  return { ...head, ...lists } as Snapshot;
}

function parsed(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new SnapshotPartError('a line is not JSON');
  }
}

function checked<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new SnapshotPartError('a record is not what lanekeeper writes');
  return result.data;
}
