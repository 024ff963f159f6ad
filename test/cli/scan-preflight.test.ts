// What --email needs is checked before any system is read: a full scan is not spent on a report
// that cannot be sent (exit 2, nothing scanned).
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoSandbox, demoScan, runCli, startDemoSandbox } from './harness.js';

let demo: DemoSandbox;
beforeAll(async () => {
  demo = await startDemoSandbox();
});
afterAll(async () => {
  await demo.sandbox.close();
  await rm(demo.dir, { recursive: true, force: true });
});

describe('scan --email', () => {
  it('with no "email" block in the config exits 2 before reading anything, naming the config', async () => {
    const out = join(demo.dir, 'email-out');
    const run = await runCli(demoScan(demo.configPath, out, '--fail-on', 'none', '--email'), demo.env, demo.dir);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toBe(
      `lanekeeper scan: --email: config.json has no "email" block, so there is nowhere to send the report: add one (the README's Email section shows how) or leave out --email\n`,
    );
    expect(existsSync(out)).toBe(false);
  });
});
