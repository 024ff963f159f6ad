// A scan's snapshot as the history keeps it (line-parts.ts): the snapshot without its records on
// the first line, then one record a line, with the list it belongs to. Read back, the text, what
// JSON.parse made of it and the validated copy of the whole snapshot are never held at once.
import { z } from 'zod';
import { type Snapshot, SnapshotSchema } from '../../core/model.js';
import { checked, deflatedParts, jsonLine, PartError, partValues } from './line-parts.js';

const LISTS = ['accounts', 'grants', 'credentials', 'secrets'] as const;
type List = (typeof LISTS)[number];

/** The deflated parts, in order, of a snapshot the caller has redacted (HistoryStore.record). */
export function snapshotParts(snapshot: Snapshot): Buffer[] {
  return deflatedParts(snapshotLines(snapshot));
}

function* snapshotLines(snapshot: Snapshot): Generator<string> {
  const { accounts, grants, credentials, secrets, ...head } = snapshot;
  yield jsonLine(head);
  const lists: Record<List, readonly unknown[]> = { accounts, grants, credentials, secrets };
  for (const list of LISTS) for (const record of lists[list]) yield jsonLine([list, record]);
}

const Head = SnapshotSchema.omit({ accounts: true, grants: true, credentials: true, secrets: true });
const Line = z.tuple([z.enum(LISTS), z.unknown()]);
const RECORD: Record<List, z.ZodType> = {
  accounts: SnapshotSchema.shape.accounts.element,
  grants: SnapshotSchema.shape.grants.element,
  credentials: SnapshotSchema.shape.credentials.element,
  secrets: SnapshotSchema.shape.secrets.element,
};

/** The snapshot from its parts, each record checked as it is read. */
export function snapshotFromParts(parts: Iterable<unknown>): Snapshot {
  let head: z.infer<typeof Head> | undefined;
  const lists: Record<List, unknown[]> = { accounts: [], grants: [], credentials: [], secrets: [] };
  for (const value of partValues(parts)) {
    if (!head) {
      head = checked(Head, value);
      continue;
    }
    const [list, record] = checked(Line, value);
    lists[list].push(checked(RECORD[list], record));
  }
  if (!head) throw new PartError('there is no part');
  return { ...head, ...lists } as Snapshot;
}
