// How lanekeeper writes a file a person or a CI job reads: the text goes to a temporary
// sibling created exclusively (O_CREAT|O_EXCL: never an existing file, never through a
// symlink someone planted there), then is renamed over the name. rename() replaces a symlink
// at the destination instead of writing where it points, and a reader never sees half a file.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, mkdir, open, rename, rm, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface SafeWriteOptions {
  /** Refuse when the name exists (a draft must not overwrite what a person wrote). */
  exclusive?: boolean;
  /** Create the folder first. */
  mkdir?: boolean;
}

export class FileExistsError extends Error {
  override readonly name = 'FileExistsError';
}

/** Pieces are written in batches of about this many characters: few writes, little memory. */
const BATCH_CHARS = 1 << 20;

/**
 * Pieces of a text joined into batches of at least `chars` characters (the last may be shorter),
 * each made of whole pieces: a batch never splits a piece, so what a piece holds whole (a value,
 * a record) a batch holds whole too.
 */
export function* inBatches(pieces: Iterable<string>, chars = BATCH_CHARS): Generator<string> {
  let batch: string[] = [];
  let size = 0;
  for (const piece of pieces) {
    batch.push(piece);
    size += piece.length;
    if (size < chars) continue;
    yield joined(batch);
    batch = [];
    size = 0;
  }
  if (size > 0) yield joined(batch);
}

// A batch of one piece is that piece: a piece already the size of a batch is not copied again.
const joined = (batch: string[]) => (batch.length === 1 ? (batch[0] as string) : batch.join(''));

/** `text` may be the whole text or its pieces in order (a large report, produced as it is written). */
export async function writeFileSafely(
  path: string,
  text: string | Iterable<string>,
  options: SafeWriteOptions = {},
): Promise<void> {
  const dir = dirname(path);
  if (options.mkdir) await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${randomBytes(8).toString('hex')}.tmp`);
  const flags = constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | (constants.O_NOFOLLOW ?? 0);
  const handle = await open(tmp, flags, 0o644);
  try {
    if (typeof text === 'string') await handle.writeFile(text, 'utf8');
    else for (const batch of inBatches(text)) await handle.write(batch, null, 'utf8');
  } finally {
    await handle.close();
  }
  try {
    if (options.exclusive) {
      // link() fails when the name exists, whatever it is: the exclusive form of rename.
      try {
        await link(tmp, path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new FileExistsError(`${path} exists`);
        throw e;
      }
      await unlink(tmp);
      return;
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
