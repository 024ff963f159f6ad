// A scan's snapshot as the history keeps it (line-parts.ts): the snapshot without its records on
// the first line, then one record a line, with the list it belongs to. Read back, the text, what
// JSON.parse made of it and the validated copy of the whole snapshot are never held at once.
import { z } from 'zod';
import {
  SNAPSHOT_LISTS,
  SNAPSHOT_RECORD_SCHEMAS,
  type Snapshot,
  SnapshotHeadSchema,
  type SnapshotList,
} from '../../core/model.js';
import { checked, deflatedParts, jsonLine, PartError, partValues } from './line-parts.js';

/** The deflated parts, in order, of a snapshot the caller has redacted (HistoryStore.record). */
export function snapshotParts(snapshot: Snapshot): Buffer[] {
  return deflatedParts(snapshotLines(snapshot));
}

function* snapshotLines(snapshot: Snapshot): Generator<string> {
  const { accounts, grants, credentials, secrets, ...head } = snapshot;
  yield jsonLine(head);
  const lists: Record<SnapshotList, readonly unknown[]> = { accounts, grants, credentials, secrets };
  for (const list of SNAPSHOT_LISTS) for (const record of lists[list]) yield jsonLine([list, record]);
}

const Line = z.tuple([z.enum(SNAPSHOT_LISTS), z.unknown()]);

/** The snapshot from its parts, each record checked as it is read. */
export function snapshotFromParts(parts: Iterable<unknown>): Snapshot {
  let head: z.infer<typeof SnapshotHeadSchema> | undefined;
  const lists: Record<SnapshotList, unknown[]> = { accounts: [], grants: [], credentials: [], secrets: [] };
  for (const value of partValues(parts)) {
    if (!head) {
      head = checked(SnapshotHeadSchema, value);
      continue;
    }
    const [list, record] = checked(Line, value);
    lists[list].push(checked(SNAPSHOT_RECORD_SCHEMAS[list], record));
  }
  if (!head) throw new PartError('there is no part');
  return { ...head, ...lists } as Snapshot;
}
