// TypeScript's own import graph of the shipped code (src/, connectors/, reports/), type-only and
// dynamic imports included, read from `tsc --explainFiles`: the compiler resolves every
// specifier, so nothing is guessed from text.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');
const SHIPPED = /^(src|connectors|reports)\//;

/** importer → the files it imports, both as paths relative to the repository. */
export type ImportGraph = Map<string, Set<string>>;

export function importGraph(): ImportGraph {
  const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
  const text = execFileSync(process.execPath, [tsc, '--noEmit', '--explainFiles', '-p', 'tsconfig.json'], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const graph: ImportGraph = new Map();
  let current: string | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith(' ')) {
      current = SHIPPED.test(line.trim()) ? line.trim() : undefined;
      if (current && !graph.has(current)) graph.set(current, new Set());
      continue;
    }
    const via = /Imported via .* from file '([^']+)'/.exec(line);
    if (!current || !via?.[1] || !SHIPPED.test(via[1])) continue;
    const importer = via[1];
    if (!graph.has(importer)) graph.set(importer, new Set());
    graph.get(importer)?.add(current);
  }
  return graph;
}

/** Groups of files that import each other in a circle (Tarjan's strongly connected components). */
export function cycles(graph: ImportGraph): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    indexOf.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indexOf.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, indexOf.get(w) ?? 0));
    }
    if (low.get(v) === indexOf.get(v)) {
      const group: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1 || graph.get(v)?.has(v)) found.push(group.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!indexOf.has(v)) visit(v);
  return found;
}

/** The longest chain of imports (the graph must have no cycle), for the record. */
export function longestChain(graph: ImportGraph): string[] {
  const memo = new Map<string, string[]>();
  const chain = (v: string): string[] => {
    const known = memo.get(v);
    if (known) return known;
    let best: string[] = [];
    for (const w of graph.get(v) ?? []) {
      const c = chain(w);
      if (c.length > best.length) best = c;
    }
    const result = [v, ...best];
    memo.set(v, result);
    return result;
  };
  return [...graph.keys()].map(chain).reduce((a, b) => (b.length > a.length ? b : a), []);
}
