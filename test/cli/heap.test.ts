// The CLI bounds its heap's growth (src/app/heap.ts). What V8 does with it is read from V8 itself:
// with --trace-gc-verbose each full collection prints the factor it set the next limit with.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { boundHeapGrowth, HEAP_GROWING_PERCENT } from '../../src/app/heap.js';

const run = promisify(execFile);
const HEAP = new URL('../../src/app/heap.ts', import.meta.url).href;

/** The factors V8 set its old-generation limits with in a child that calls boundHeapGrowth (or not). */
async function limitFactors(nodeFlags: string[], bound: boolean): Promise<number[]> {
  const script = [
    `import { boundHeapGrowth } from ${JSON.stringify(HEAP)};`,
    bound ? 'boundHeapGrowth();' : '',
    'const kept = [];',
    'for (let i = 0; i < 200000; i++) kept.push({ i, s: String(i) });',
    'globalThis.gc(); globalThis.gc();',
  ].join('\n');
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', '--expose-gc', '--trace-gc-verbose', ...nodeFlags, '--input-type=module', '-e', script],
    { maxBuffer: 64 << 20 },
  );
  return [...stdout.matchAll(/Controller\] Limit: old size: \d+ KB, new limit: \d+ KB \(([\d.]+)\)/g)].map((m) =>
    Number(m[1]),
  );
}

describe('the heap of a scan', () => {
  it('grows by half of what is live between full collections, not by up to four times', async () => {
    const bounded = await limitFactors([], true);
    expect(bounded.length).toBeGreaterThan(0);
    expect(new Set(bounded)).toEqual(new Set([1 + HEAP_GROWING_PERCENT / 100]));
    // Without it V8 chooses for itself, and here that is more.
    const unbounded = await limitFactors([], false);
    expect(unbounded.length).toBeGreaterThan(0);
    expect(Math.max(...unbounded)).toBeGreaterThan(1 + HEAP_GROWING_PERCENT / 100);
  });

  it("keeps the factor a person chose on node's command line", async () => {
    expect(new Set(await limitFactors(['--heap-growing-percent=30'], true))).toEqual(new Set([1.3]));
  });

  it('reads the command line in either of the spellings V8 accepts', () => {
    const set: string[] = [];
    boundHeapGrowth(['--heap_growing_percent=30'], (flags) => set.push(flags));
    boundHeapGrowth(['--heap-growing-percent=30'], (flags) => set.push(flags));
    boundHeapGrowth(['--max-old-space-size=900'], (flags) => set.push(flags));
    expect(set).toEqual([`--heap-growing-percent=${HEAP_GROWING_PERCENT}`]);
  });
});
