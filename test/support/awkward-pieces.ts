// Text in pieces that a writer encoding into fixed buffers can get wrong: two- and three-byte
// characters and surrogate pairs across the buffers' edges, many small pieces that fill a buffer
// several times over, and pieces larger than a buffer.
export function awkwardPieces(rows: number): string[] {
  return [
    ...Array.from({ length: rows }, (_, i) => `row ${i}: é € 😀 ${'x'.repeat(i % 40)}\n`),
    '😀'.repeat(600_000),
    'tail é',
    '€'.repeat(400_000),
  ];
}
