// Fail closed, proven per connector and per fault (each faults-<id>.test.ts runs one connector's
// matrix, so the matrix spreads over the test workers): every emulator injects each fault kind it
// renders (reproducibly, from a seed), the scan runs through the CLI, and exactly one of two
// outcomes is accepted. Either the inventory is the fault-free one, record for record, and the
// scan is complete; or the system (or one of its targets) is marked failed with a reason, the
// scan exits 3, and what it kept is nothing the fault-free scan did not find.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectorById } from '../../connectors/index.js';
import type { FaultKind, FaultPlan } from '../../src/core/connector.js';
import type { Snapshot } from '../../src/core/model.js';
import { demoScenario, type ScanSetup, setupScan, writtenFindings, writtenInventory } from './harness.js';

const KINDS: readonly FaultKind[] = [
  'rate-limit',
  'secondary-rate-limit',
  'server-error',
  'bad-gateway',
  'unavailable',
  'reset',
  'slow',
  'malformed',
  'empty-page',
  'repeat-cursor',
];

/** Small pages, so every list has several and the paging faults have pages to break. */
const PAGE_SIZE = 2;

const RECORDS = ['accounts', 'grants', 'credentials', 'secrets'] as const;

/**
 * The demo, with lists long enough that a page in the middle links on (a cursor can only repeat
 * where there is a next page): the demo's GCP organisation has two projects, this one five.
 */
async function stuckScenario(base?: Record<string, unknown>): Promise<Record<string, unknown>> {
  const scenario = structuredClone(base ?? (await demoScenario()));
  const gcp = scenario.gcp as { projects: { projectId: string; number?: string }[] } | undefined;
  if (gcp) {
    const model = gcp.projects.at(-1);
    if (!model) throw new Error('the demo GCP scenario has no project');
    for (let i = 1; i <= 3; i++)
      gcp.projects.push({ ...model, projectId: `northwind-extra-${i}`, number: String(900000000000 + i) });
  }
  return scenario;
}

let open: ScanSetup | undefined;

async function scanWith(
  system: string,
  faults: FaultPlan | undefined,
  block: Record<string, unknown> = {},
  pageSize = PAGE_SIZE,
  scenario?: Record<string, unknown>,
) {
  open = await setupScan({
    ...(scenario ? { scenario } : {}),
    only: [system],
    emulator: { pageSize, ...(faults ? { faults } : {}) },
    blocks: { [system]: { ...(await connectorById(system)?.testKit())?.fastConfig, ...block } },
  });
  // One request at a time: the same seed then fails the same requests on every run.
  const run = await open.scan('--concurrency', '1', '--quiet');
  return { run, setup: open };
}

/** The second outcome: failed, named, exit 3, and nothing kept that a clean scan would not have. */
function expectFailedClosed(
  system: string,
  run: { code: number; stdout: string; stderr: string },
  findings: Awaited<ReturnType<typeof writtenFindings>>,
  inventory: Snapshot,
  clean?: Snapshot,
): void {
  expect(run.code).toBe(3);
  expect(findings.complete).toBe(false);
  expect(run.stderr).toContain('scan incomplete');
  const failed = findings.systems.filter((s) => !s.ok);
  expect(failed.length).toBeGreaterThan(0);
  for (const s of failed) {
    expect(s.system).toBe(system);
    expect(s.error?.trim(), `${s.system} ${s.target} failed without a reason`).toBeTruthy();
    // Said where the person running the scan sees it (the summary, or a warning on stderr).
    expect(run.stdout + run.stderr).toContain(s.error);
  }
  if (clean) for (const key of RECORDS) for (const record of inventory[key]) expect(clean[key]).toContainEqual(record);
}

/**
 * The matrix for one system. The calling test file must put a fast registry (tuned-registry.ts)
 * in place of the registry (vi.mock), so the CLI's retries wait milliseconds.
 */
/**
 * `scenario`: what the emulators serve, the demo company's when absent (a system the demo does
 * not have brings its own).
 */
export function describeFaultMatrix(system: string, scenario?: Record<string, unknown>): void {
  describe(`${system} through every fault its emulator renders`, async () => {
    const connector = connectorById(system);
    if (!connector) throw new Error(`${system} is not in the registry`);
    // Where the faults go comes from the connector's own test kit.
    const { firstCall, pagedCall, slowDeadlineSeconds } = (await connector.testKit()).faults;
    afterEach(async () => {
      await open?.close();
      open = undefined;
    });

    let clean: Snapshot;
    beforeAll(async () => {
      const { run, setup } = await scanWith(system, undefined, {}, PAGE_SIZE, scenario);
      try {
        expect(run.code, run.stderr).toBe(0);
        clean = await writtenInventory(setup.outDir);
        expect(clean.accounts.length).toBeGreaterThan(0);
        expect(clean.grants.length).toBeGreaterThan(0);
      } finally {
        await setup.close();
        open = undefined;
      }
    });

    it.each(KINDS)('%s: the fault-free inventory, or failed with a reason and exit 3', async (kind) => {
      const slow = kind === 'slow';
      const faults: FaultPlan = slow
        ? { seed: 1, rate: 1, kinds: [kind], operations: [firstCall] }
        : { seed: 11, rate: 0.25, kinds: [kind] };
      const { run, setup } = await scanWith(
        system,
        faults,
        slow ? { deadlineSeconds: slowDeadlineSeconds } : {},
        PAGE_SIZE,
        scenario,
      );

      // A cell that injected nothing would prove nothing.
      expect(setup.emulator(system).requests.some((r) => r.fault === kind)).toBe(true);
      const findings = await writtenFindings(setup.outDir);
      const inventory = await writtenInventory(setup.outDir);
      if (run.code === 0) {
        expect(findings.complete).toBe(true);
        expect(inventory).toEqual(clean);
      } else {
        expectFailedClosed(system, run, findings, inventory, clean);
      }
    });

    it('fails, instead of looping, when a list keeps answering with the same cursor', async () => {
      const faults: FaultPlan = {
        seed: 1,
        rate: 1,
        kinds: ['repeat-cursor'],
        operations: [pagedCall],
        persistent: true,
      };
      // A deadline well past what the scan needs, so the failure is the connector's own paging guard.
      const { run, setup } = await scanWith(system, faults, { deadlineSeconds: 20 }, 1, await stuckScenario(scenario));
      const repeats = setup.emulator(system).requests.filter((r) => r.fault === 'repeat-cursor');
      expect(repeats.length).toBeGreaterThan(0);
      expectFailedClosed(system, run, await writtenFindings(setup.outDir), await writtenInventory(setup.outDir));
      const reasons = (await writtenFindings(setup.outDir)).systems.flatMap((s) => s.error ?? []);
      expect(reasons.join('\n')).not.toMatch(/deadline/);
    });

    it('fails by the paging policy, not at a deadline, when every answer is an empty page that links on', async () => {
      const faults: FaultPlan = {
        seed: 1,
        rate: 1,
        kinds: ['empty-page'],
        operations: [pagedCall],
        persistent: true,
      };
      const { run, setup } = await scanWith(system, faults, { deadlineSeconds: 20 }, 1, await stuckScenario(scenario));
      expect(setup.emulator(system).requests.some((r) => r.fault === 'empty-page')).toBe(true);
      const findings = await writtenFindings(setup.outDir);
      expectFailedClosed(system, run, findings, await writtenInventory(setup.outDir));
      expect(findings.systems.flatMap((s) => s.error ?? []).join('\n')).toMatch(
        /empty pages in a row|paging did not advance/,
      );
    });

    it('fails, naming the call, when a server error never ends', async () => {
      const faults: FaultPlan = {
        seed: 1,
        rate: 1,
        kinds: ['unavailable'],
        operations: [pagedCall],
        persistent: true,
      };
      const { run, setup } = await scanWith(system, faults, { deadlineSeconds: 20 }, 1, await stuckScenario(scenario));
      const findings = await writtenFindings(setup.outDir);
      expectFailedClosed(system, run, findings, await writtenInventory(setup.outDir));
      const reasons = findings.systems.flatMap((s) => s.error ?? []).join('\n');
      expect(reasons).not.toMatch(/deadline/);
      expect(reasons).toMatch(/503|unavailable/i);
      expect(reasons).toContain(pagedCall);
    });
  });
}
