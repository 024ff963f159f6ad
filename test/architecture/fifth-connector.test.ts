// Adding a system is one folder and one registry line (CONTRIBUTING.md). The fixture under
// test/fixtures/connectors/wiki is such a folder; the line is the vi.mock below. With nothing
// else changed, the wiki goes through a scan, offboarding, the fault matrix and the read-only
// proof, exactly as the four real systems do.
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectorById } from '../../connectors/index.js';
import { WIKI_SCENARIO } from '../fixtures/connectors/wiki/test-kit.js';
import { describeFaultMatrix } from '../reliability/fault-matrix.js';
import { demoScenario, runCli, type ScanSetup, setupScan } from '../reliability/harness.js';

vi.mock('../../connectors/index.js', async (original) => {
  const { fastRegistry } = await import('../reliability/tuned-registry.js');
  const { wikiConnector } = await import('../fixtures/connectors/wiki/index.js');
  const actual = await original<typeof import('../../connectors/index.js')>();
  // The one registry line a fifth system needs (made fast here, as every fault test does).
  return fastRegistry([...actual.connectors, wikiConnector]);
});

const scenario = { ...(await demoScenario()), wiki: WIKI_SCENARIO };

interface Findings {
  complete: boolean;
  findings: { rule: string; system: string; account: string; person?: string; resource?: string }[];
}

describe('CONTRIBUTING.md', () => {
  it('lists the files every connector folder has, the fixture and the real ones alike', async () => {
    const guide = await readFile(join(import.meta.dirname, '../../CONTRIBUTING.md'), 'utf8');
    const files = [...guide.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1] as string);
    expect(files).toEqual(expect.arrayContaining(['index.ts', 'collect.ts', 'emulator/', 'test-kit.ts', 'README.md']));
    const folders = [
      join(import.meta.dirname, '../fixtures/connectors/wiki'),
      ...readdirSync(join(import.meta.dirname, '../../connectors'), { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => join(entry.parentPath, entry.name)),
    ];
    for (const folder of folders)
      for (const file of files) expect(existsSync(join(folder, file)), `${folder}/${file}`).toBe(true);
  });

  it('names every part of the connector object', async () => {
    const guide = await readFile(join(import.meta.dirname, '../../CONTRIBUTING.md'), 'utf8');
    for (const key of Object.keys(connectorById('wiki') ?? {})) expect(guide, key).toContain(`\`${key}\``);
  });
});

describe('a fifth system, from its folder and one registry line', () => {
  let setup: ScanSetup;
  let findings: Findings;
  beforeAll(async () => {
    setup = await setupScan({ scenario });
    const run = await setup.scan('--quiet');
    expect(run.code, run.stderr).toBe(0);
    findings = JSON.parse(await readFile(join(setup.outDir, 'findings.json'), 'utf8')) as Findings;
  });
  afterAll(async () => {
    await setup.close();
  });

  it('is scanned with the others and judged by the same rules', () => {
    expect(findings.complete).toBe(true);
    const wiki = findings.findings.filter((f) => f.system === 'wiki');
    // An admin nobody in the register is: shared-admin-account, as on any system.
    expect(wiki).toContainEqual(expect.objectContaining({ rule: 'shared-admin-account', account: 'u3' }));
    // Sam's engagement is over, and the wiki still lets him edit.
    expect(wiki).toContainEqual(
      expect.objectContaining({ rule: 'expired-access-active', account: 'u2', person: 'sam', resource: 'ENG' }),
    );
    // The founder's own admin is approved by employment: quiet.
    expect(wiki.filter((f) => f.account === 'u1')).toEqual([]);
  });

  it('is in offboarding, with its own commands', async () => {
    const run = await runCli(
      [
        'offboard',
        'sam',
        '--inventory',
        join(setup.outDir, 'inventory.json'),
        '--register',
        setup.registerPath,
        '--out',
        setup.dir,
        '--now',
        '2026-11-29T09:00:00Z',
      ],
      setup.env,
      setup.dir,
    );
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain('https://wiki.example/api/users/u2/deactivate');
  });

  it('only reads, calls only what it declares, and its README names every call', async () => {
    const kit = await connectorById('wiki')!.testKit();
    const requests = setup.emulator('wiki').requests;
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((r) => !kit.isRead(r))).toEqual([]);
    const declared = new Set(connectorById('wiki')?.operations);
    expect(requests.filter((r) => !declared.has(r.operation))).toEqual([]);
    const readme = await readFile(join(import.meta.dirname, '../fixtures/connectors/wiki/README.md'), 'utf8');
    for (const op of declared) expect(readme).toContain(`\`${op}\``);
  });
});

// Lists long enough that faults land: 24 users and 12 spaces are 18 pages at the matrix's page size.
const crowded = {
  ...scenario,
  wiki: {
    users: [
      ...WIKI_SCENARIO.users,
      ...Array.from({ length: 21 }, (_, i) => ({
        id: `x${i}`,
        email: `writer${i}@northwind.example`,
        name: `Writer ${i}`,
        role: 'member' as const,
        active: true,
      })),
    ],
    spaces: [
      ...WIKI_SCENARIO.spaces,
      ...Array.from({ length: 9 }, (_, i) => ({
        key: `S${i}`,
        members: [{ userId: `x${i}`, permission: 'edit' as const }],
      })),
    ],
  },
};

describeFaultMatrix('wiki', crowded);
