// Long lists as the history keeps them: JSON lines cut into parts of about a megabyte of whole
// lines, each deflated. A scan's snapshot (snapshot-parts.ts) and its findings (finding-parts.ts)
// are kept so. At the benchmark's large size a snapshot written as one JSON text was an 84 MB
// row, and the findings one JSON row each were 31 MB a scan; in parts no step holds more than
// one part's text, and they keep about a tenth of that.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { z } from 'zod';
import { inBatches } from '../../core/batches.js';

/** Characters of whole lines in a part, at least (the last part may be shorter). */
const PART_CHARS = 1 << 20;
/**
 * No part inflates past this: a file swapped in with a small part that inflates to gigabytes is
 * refused, not read. A part is a megabyte of lines and at most one longer record.
 */
const MAX_PART_BYTES = 64 << 20;

/** Why a part could not be read back; the store turns it into a HistoryIntegrityError. */
export class PartError extends Error {}

/** The deflated parts, in order, of lines that each end in "\n" and hold none inside. */
export function deflatedParts(lines: Iterable<string>): Buffer[] {
  const parts: Buffer[] = [];
  for (const text of inBatches(lines, PART_CHARS)) parts.push(deflateRawSync(Buffer.from(text)));
  return parts;
}

/** The line's JSON value, as `JSON.stringify` wrote it: it escapes every line break in a string. */
export const jsonLine = (value: unknown): string => `${JSON.stringify(value)}\n`;

/**
 * Each line's value, part after part: a part is inflated, split and parsed on its own, so what
 * the caller builds of the values is the only large thing held.
 */
export function* partValues(parts: Iterable<unknown>): Generator<unknown> {
  for (const part of parts) {
    if (!(part instanceof Uint8Array)) throw new PartError('a part is not a blob');
    let text: string;
    try {
      text = inflateRawSync(part, { maxOutputLength: MAX_PART_BYTES }).toString('utf8');
    } catch (e) {
      throw new PartError(
        (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE'
          ? `a part inflates past ${MAX_PART_BYTES >> 20} MB`
          : 'a part does not inflate',
      );
    }
    if (!text.endsWith('\n')) throw new PartError('a part ends inside a line');
    for (const line of text.slice(0, -1).split('\n')) yield parsed(line);
  }
}

function parsed(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new PartError('a line is not JSON');
  }
}

/** A value as lanekeeper writes it, or a PartError. */
export function checked<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new PartError('a record is not what lanekeeper writes');
  return result.data;
}
