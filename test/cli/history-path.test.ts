// The config's history.path is the config's, as its register and report.outDir are: a cron job that
// runs from another folder keeps one history, not one per folder it happens to start in.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_NOW, type DemoSandbox, runCli, withDemoSandbox } from './harness.js';

let demo: DemoSandbox;
withDemoSandbox((started) => {
  demo = started;
});

/** The demo config with `history` set, beside the register; a scan of it run from `elsewhere`. */
async function scanFromElsewhere(history: Record<string, unknown> | undefined, name: string) {
  const config = JSON.parse(await readFile(demo.configPath, 'utf8')) as Record<string, unknown>;
  if (history) config.history = history;
  const configPath = join(demo.dir, `${name}.json`);
  await writeFile(configPath, JSON.stringify(config));
  const elsewhere = join(demo.dir, `${name}-elsewhere`);
  await mkdir(elsewhere);
  const run = await runCli(
    [
      'scan',
      '--config',
      configPath,
      '--out',
      join(elsewhere, 'out'),
      '--now',
      DEMO_NOW,
      '--quiet',
      '--fail-on',
      'none',
    ],
    demo.env,
    elsewhere,
  );
  expect(run.code, run.stderr).toBe(0);
  return elsewhere;
}

describe("the config's history.path", () => {
  it("is resolved against the config's folder, not the working directory", async () => {
    const elsewhere = await scanFromElsewhere({ path: 'hist/h.db' }, 'written');
    expect(existsSync(join(demo.dir, 'hist', 'h.db'))).toBe(true);
    expect(existsSync(join(elsewhere, 'hist'))).toBe(false);
  });

  it('left out, is .lanekeeper/history.db where the scan runs, as documented', async () => {
    const elsewhere = await scanFromElsewhere({ retentionDays: 30 }, 'default');
    expect(existsSync(join(elsewhere, '.lanekeeper', 'history.db'))).toBe(true);
    expect(existsSync(join(demo.dir, '.lanekeeper'))).toBe(false);
  });
});
