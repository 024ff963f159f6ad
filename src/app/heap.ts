// How far the JavaScript heap may grow between full garbage collections, for a process that
// runs one scan and exits.
//
// After each full collection V8 lets the heap grow to a multiple of what survived it before it
// collects again. The multiple follows how fast it collects against how fast the program
// allocates, up to 4×, which suits a long-lived server. A scan allocates fast, holds its
// inventory and evaluation for the whole run and drops everything else it makes: the large
// benchmark organisation keeps about 300 MB alive and, at up to 4×, reached 1.3 GB resident,
// almost all of it garbage nobody had collected yet. That is enough to be killed in a 1 GB
// container or to push a small CI runner into swap. Growing by half of what is live keeps the
// peak near 1.5× the live data, for more frequent collections (bench/RESULTS.md has what each cost).
import { setFlagsFromString } from 'node:v8';

/** The heap grows by this share of what is live before the next full collection. */
export const HEAP_GROWING_PERCENT = 50;

const FLAG = 'heap-growing-percent';

/**
 * Bounds the heap's growth for this process unless its command line already chose (`node
 * --heap-growing-percent=N`). V8 reads the flag each time it sets the next collection's limit,
 * and Node leaves flags open to change at run time for exactly this (`v8.setFlagsFromString`).
 */
export function boundHeapGrowth(
  execArgv: readonly string[] = process.execArgv,
  setFlags: (flags: string) => void = setFlagsFromString,
): void {
  // V8 spells its flags with dashes or underscores alike.
  const chosen = execArgv.some((arg) => arg.replace(/_/g, '-').startsWith(`--${FLAG}`));
  if (!chosen) setFlags(`--${FLAG}=${HEAP_GROWING_PERCENT}`);
}
