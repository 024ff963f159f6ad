// Every system of the demo has its fault matrix: a connector added to the registry and the demo
// without a faults-<id>.test.ts fails here instead of going untested.
import { readdir } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { demoSystems } from './harness.js';

it('has a fault matrix file for every system the demo scans', async () => {
  const files = await readdir(import.meta.dirname);
  const systems = await demoSystems();
  expect(systems.length).toBeGreaterThanOrEqual(4);
  for (const system of systems) expect(files, system).toContain(`faults-${system}.test.ts`);
});
