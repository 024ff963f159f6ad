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

/** Bytes of pieces gathered before each write: few writes, little memory. */
const WRITE_BYTES = 1 << 20;

/**
 * The one call the piece writer makes on an open file (a FileHandle is one), so a test can stand
 * in a file system that is slow or takes part of each write.
 */
export interface ByteSink {
  write(bytes: Buffer, offset: number, length: number): Promise<{ bytesWritten: number }>;
}

/** All of `length` bytes, however many writes the file system takes to accept them. */
async function writeAll(handle: ByteSink, bytes: Buffer, length: number): Promise<void> {
  for (let done = 0; done < length; ) {
    const { bytesWritten } = await handle.write(bytes, done, length - done);
    // A file system that takes nothing and reports no error would otherwise be asked forever.
    if (bytesWritten === 0) throw new Error(`the file system took none of ${length - done} bytes`);
    done += bytesWritten;
  }
}

/**
 * Pieces encoded straight into one reused buffer, written each time it fills. Joining them into
 * strings first (one per megabyte) cost more than rendering some reports: every character copied
 * into a new string, then again into the bytes written, and each batch garbage to collect.
 * Two buffers take turns: the pieces after a full one are rendered into the other while the
 * first is written, where waiting for each write left the thread idle for a third of a second
 * of a large scan's reports. One write at a time, so the bytes reach the file in order.
 */
export async function writePieces(handle: ByteSink, pieces: Iterable<string>): Promise<void> {
  let buffer = Buffer.allocUnsafe(WRITE_BYTES);
  let spare = Buffer.allocUnsafe(WRITE_BYTES);
  let used = 0;
  let writing: Promise<void> = Promise.resolve();
  const flush = async () => {
    await writing;
    writing = writeAll(handle, buffer, used);
    // Its failure is thrown where it is awaited; until then it is no unhandled rejection.
    writing.catch(() => {});
    [buffer, spare] = [spare, buffer];
    used = 0;
  };
  for (const piece of pieces) {
    // UTF-8 takes at most three bytes for each UTF-16 code unit.
    const most = piece.length * 3;
    if (used + most > buffer.length && used > 0) await flush();
    if (most > buffer.length) {
      await writing;
      const bytes = Buffer.from(piece, 'utf8');
      await writeAll(handle, bytes, bytes.length);
    } else used += buffer.write(piece, used, 'utf8');
  }
  if (used > 0) await flush();
  await writing;
}

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
    try {
      if (typeof text === 'string') await handle.writeFile(text, 'utf8');
      else await writePieces(handle, text);
    } finally {
      await handle.close();
    }
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
    // Whatever failed (a renderer, the disk, the rename), the name keeps what it had and no
    // temporary sibling is left behind.
    await rm(tmp, { force: true });
    throw e;
  }
}
