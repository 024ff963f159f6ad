// A lanes glob in the config that matches nothing a fully read system holds is a typo until shown
// otherwise: the scan says so on stderr and in the report, naming the file, line and field.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_NOW, type DemoSandbox, runCli, withDemoInventory } from './harness.js';

let demo: DemoSandbox;
let inventory: string;
withDemoInventory((saved) => {
  ({ demo, inventory } = saved);
  expect(saved.full.stderr).not.toMatch(/matches nothing/);
});

describe('lanes globs that match nothing', () => {
  it('are warned about with their line and listed in the report', async () => {
    const config = JSON.parse(await readFile(demo.configPath, 'utf8')) as {
      connectors: { github: { lanes: { production: string[] } } };
    };
    // A production repository misspelled: without the warning its contractor write would vanish.
    config.connectors.github.lanes.production = ['northwind/infrastructure'];
    const typo = join(demo.dir, 'typo.json');
    await writeFile(typo, `${JSON.stringify(config, null, 2)}\n`);
    const out = join(demo.dir, 'typo');
    const run = await runCli(
      ['scan', '--config', typo, '--inventory', inventory, '--out', out, '--now', DEMO_NOW, '--no-history'],
      {},
      demo.dir,
    );
    expect(run.stderr).toMatch(
      /LK_CONFIG_BAD_VALUE \(warning\) typo\.json:\d+ connectors\.github\.lanes\.production\[0\]: "northwind\/infrastructure" matches nothing/,
    );
    expect(await readFile(join(out, 'report.md'), 'utf8')).toMatch(/northwind\/infrastructure" matches nothing/);
  });
});
