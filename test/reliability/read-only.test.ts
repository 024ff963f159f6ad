// Read-only, proven on the wire: the full demo scan runs through the CLI, and every request every
// emulator served must be a read in that system's own terms. What the scan called must also be
// what the connector declares (`operations`) and what its README tells an administrator to grant.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorById } from '../../connectors/index.js';
import { demoSystems, type ScanSetup, setupScan } from './harness.js';

const ROOT = join(import.meta.dirname, '../..');

describe('the full demo scan', async () => {
  const systems = await demoSystems();
  let setup: ScanSetup;
  let code: number;
  beforeAll(async () => {
    setup = await setupScan();
    const run = await setup.scan('--quiet');
    code = run.code;
    expect(run.code, run.stdout + run.stderr).toBe(0);
  });
  afterAll(async () => {
    await setup.close();
  });

  it('reads every system of the demo', () => {
    expect(code).toBe(0);
    expect(systems.length).toBeGreaterThanOrEqual(3);
    for (const system of systems) expect(setup.emulator(system).requests.length, system).toBeGreaterThan(0);
  });

  it.each(systems)('%s: every request the emulator served was a read', async (system) => {
    // What a read is, in the system's own terms, comes from its connector's test kit.
    const isRead = (await connectorById(system)!.testKit()).isRead;
    const requests = setup.emulator(system).requests;
    const writes = requests.filter((r) => !isRead(r));
    expect(writes).toEqual([]);
    expect(requests.filter((r) => r.operation === 'unknown')).toEqual([]);
  });

  it.each(systems)(
    '%s: every operation it called is one it declares, and every declared one is a read',
    async (system) => {
      const connector = connectorById(system);
      const declared = new Set(connector?.operations ?? []);
      const called = new Set(setup.emulator(system).requests.map((r) => r.operation));
      expect([...called].filter((op) => !declared.has(op))).toEqual([]);
      const isRead = (await connector!.testKit()).isRead;
      const method = (op: string) => (/^[A-Z]+ \//.test(op) ? (op.split(' ')[0] as string) : 'POST');
      expect(
        [...declared].filter((op) => !isRead({ method: method(op), operation: op, path: '', status: 200 })),
      ).toEqual([]);
    },
  );

  it('sent GraphQL queries only, never a mutation or a subscription', () => {
    if (!systems.includes('github')) return;
    // The emulator records a GraphQL write as unknown (see its emulator test): every document it
    // was sent is a query.
    const graphql = setup.emulator('github').requests.filter((r) => r.path === '/graphql');
    expect(graphql.length).toBeGreaterThan(0);
    expect(graphql.filter((r) => r.operation !== 'POST /graphql')).toEqual([]);
  });

  it.each(systems)("%s: its README's permission list names every operation the scan called", async (system) => {
    const readme = await readFile(join(ROOT, 'connectors', system, 'README.md'), 'utf8');
    const named = namesIn(readme);
    const called = [...new Set(setup.emulator(system).requests.map((r) => r.operation))].sort();
    const missing = called.filter((op) => !isNamed(op, named, readme));
    expect(missing, `called but not in connectors/${system}/README.md`).toEqual([]);
  });
});

/** The names a README gives: every code span, and every string in its code blocks (JSON policies). */
function namesIn(readme: string): string[] {
  const names = new Set<string>();
  const blocks = readme.match(/^```[\s\S]*?^```/gm) ?? [];
  for (const block of blocks) for (const m of block.matchAll(/"([^"\n]+)"/g)) names.add(m[1] as string);
  const prose = blocks.reduce((text, block) => text.replace(block, ''), readme);
  for (const m of prose.matchAll(/`([^`\n]+)`/g)) names.add(m[1] as string);
  return [...names].flatMap(expandBraces).flatMap((n) => n.split(/\s*(?:,|\/)\s+/));
}

/** `a.{b,c}.d` → `a.b.d`, `a.c.d` (a path parameter like `{org}` has no comma and stays). */
function expandBraces(name: string): string[] {
  const m = /\{([^{}]*,[^{}]*)\}/.exec(name);
  if (!m) return [name];
  return (m[1] as string)
    .split(',')
    .flatMap((alt) => expandBraces(name.slice(0, m.index) + alt.trim() + name.slice(m.index + m[0].length)));
}

/** `GET /orgs/{org}/members?role=admin` and `…/teams/{slug}/repos` both name a path template. */
function normalise(name: string): string {
  return name
    .replace(/\?.*$/, '')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/^(GET|POST|PUT|PATCH|DELETE) /, '')
    .replace(/\s*\(.*\)$/, '')
    .trim();
}

function isNamed(operation: string, named: readonly string[], readme: string): boolean {
  // GraphQL has one endpoint; the README names the queries, which the read-only test above checks.
  if (operation === 'POST /graphql') return /GraphQL/.test(readme);
  const op = normalise(operation);
  const action = op.includes(':') ? op.slice(op.indexOf(':') + 1) : undefined;
  return named.some((raw) => {
    const n = normalise(raw);
    if (n === op || (action !== undefined && n === action)) return true;
    // "…/teams/{slug}/repos": the README shortened a path it spelled out just before.
    return n.startsWith('…') && op.endsWith(n.slice(1));
  });
}
