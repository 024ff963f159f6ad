// Every import points down, and none goes round in a circle. The layers, from the top:
//   src/app        the CLI, one file per command
//   src/pipeline   the stages (with src/rules, the evaluate stage's plug-ins)
//   connectors/index.ts   the registry
//   connectors/<id>, reports   one room per system, and the renderers: never each other
//   src/core       the vocabulary every layer speaks
// Checked on TypeScript's own import graph, type-only and dynamic imports included.
import { beforeAll, describe, expect, it } from 'vitest';
import { cycles, type ImportGraph, importGraph, longestChain } from './import-graph.js';

interface Place {
  rank: number;
  /** Files of one rank may import each other only within one room. */
  room: string;
}

function placeOf(file: string): Place | undefined {
  if (file.startsWith('src/app/')) return { rank: 5, room: 'app' };
  if (file.startsWith('src/pipeline/') || file.startsWith('src/rules/')) return { rank: 4, room: 'pipeline' };
  if (file === 'connectors/index.ts') return { rank: 3, room: 'registry' };
  const connector = /^connectors\/([^/]+)\//.exec(file);
  if (connector) return { rank: 2, room: `connectors/${connector[1]}` };
  if (file.startsWith('reports/')) return { rank: 2, room: 'reports' };
  if (file.startsWith('src/core/')) return { rank: 1, room: 'core' };
  return undefined;
}

/** Each import that points up, or sideways into another room of the same layer. */
function violations(graph: ImportGraph): string[] {
  const out: string[] = [];
  for (const [from, targets] of graph) {
    const a = placeOf(from);
    if (!a) {
      out.push(`${from} is in no layer: move it under src/core, src/pipeline or src/app`);
      continue;
    }
    for (const to of targets) {
      const b = placeOf(to);
      if (!b) continue;
      if (b.rank > a.rank) out.push(`${from} → ${to}: imports up (${a.room} is below ${b.room})`);
      else if (b.rank === a.rank && b.room !== a.room)
        out.push(`${from} → ${to}: imports across (${a.room} → ${b.room})`);
    }
  }
  return out.sort();
}

describe('the import graph of the shipped code', () => {
  let graph: ImportGraph;
  beforeAll(() => {
    graph = importGraph();
  }, 60_000);

  it('is read from the compiler, and covers every layer', () => {
    const rooms = new Set([...graph.keys()].map((f) => placeOf(f)?.room));
    for (const room of ['app', 'pipeline', 'registry', 'reports', 'core', 'connectors/github']) {
      expect(rooms, room).toContain(room);
    }
    expect(graph.get('src/app/cli.ts')?.size ?? 0).toBeGreaterThan(3);
  });

  it('has no cycle', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('has every import pointing down, and none across rooms of one layer', () => {
    expect(violations(graph)).toEqual([]);
  });

  it('stays shallow enough to read: the longest chain is recorded', () => {
    const chain = longestChain(graph);
    // Not a target to game, a tripwire: a chain this long means a layer is being tunnelled through.
    expect(chain.length, chain.join(' → ')).toBeLessThanOrEqual(18);
  });
});

describe('the checks themselves', () => {
  it('catch an upward import, a sideways one and a cycle', () => {
    const graph: ImportGraph = new Map([
      ['src/core/model.ts', new Set(['src/pipeline/collect.ts'])],
      ['connectors/aws/index.ts', new Set(['connectors/gcp/index.ts', 'src/core/model.ts'])],
      ['src/pipeline/collect.ts', new Set(['src/core/model.ts'])],
      ['src/loose.ts', new Set<string>()],
    ]);
    expect(violations(graph)).toEqual([
      'connectors/aws/index.ts → connectors/gcp/index.ts: imports across (connectors/aws → connectors/gcp)',
      'src/core/model.ts → src/pipeline/collect.ts: imports up (core is below pipeline)',
      'src/loose.ts is in no layer: move it under src/core, src/pipeline or src/app',
    ]);
    expect(cycles(graph)).toEqual([['src/core/model.ts', 'src/pipeline/collect.ts']]);
  });
});
