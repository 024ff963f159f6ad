// Every test file gets its own temporary root: os.tmpdir() (and any child process
// a test starts) resolves to it, and it is removed when the file's tests end, so
// no test leaves files behind however it creates them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const previous = process.env.TMPDIR;
const root = mkdtempSync(join(tmpdir(), 'lanekeeper-tests-'));
process.env.TMPDIR = root;

afterAll(() => {
  if (previous === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = previous;
  rmSync(root, { recursive: true, force: true, maxRetries: 3 });
});
