// Pieces of a text joined into batches of whole pieces: the history deflates a snapshot's lines a
// megabyte at a time, and a part must never end inside a line.

/**
 * Pieces of a text joined into batches of at least `chars` characters (the last may be shorter),
 * each made of whole pieces: a batch never splits a piece, so what a piece holds whole (a value,
 * a record) a batch holds whole too.
 */
export function* inBatches(pieces: Iterable<string>, chars: number): Generator<string> {
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
