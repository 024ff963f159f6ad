// The piece writer against a file system that is slow and takes part of each write: what reaches
// the file is every byte, in order, whatever the writes' pace and size. writeFileSafely's own
// cases, on a real disk, are in test/reports/written.test.ts.
import { setImmediate } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { type ByteSink, writePieces } from '../../src/core/safe-write.js';
import { awkwardPieces } from '../support/awkward-pieces.js';

/**
 * Takes half of what each write offers, answers on a later turn of the event loop, refuses a write
 * that starts while another is under way, and reads the bytes only when it answers: a buffer
 * filled again while its write is under way reaches the file changed.
 */
function slowHalfDisk(): ByteSink & { text(): string; writes: number } {
  const received: Buffer[] = [];
  let busy = false;
  return {
    writes: 0,
    async write(bytes, offset, length) {
      if (busy) throw new Error('a write started while another was under way');
      busy = true;
      this.writes++;
      await setImmediate();
      const taken = Math.ceil(length / 2);
      received.push(Buffer.from(bytes.subarray(offset, offset + taken)));
      busy = false;
      return { bytesWritten: taken };
    },
    text: () => Buffer.concat(received).toString('utf8'),
  };
}

describe('writePieces', () => {
  it('writes every byte in order to a slow file system that takes part of each write', async () => {
    const pieces = awkwardPieces(40_000);
    const disk = slowHalfDisk();
    await writePieces(disk, pieces);
    expect(disk.text()).toBe(pieces.join(''));
    // Taken half at a time: many more writes than buffers filled.
    expect(disk.writes).toBeGreaterThan(50);
  });

  it('fails when the file system takes none of a write and reports no error', async () => {
    const stuck: ByteSink = { write: async () => ({ bytesWritten: 0 }) };
    await expect(writePieces(stuck, ['some text'])).rejects.toThrow('the file system took none of 9 bytes');
  });
});
