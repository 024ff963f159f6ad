// A team starting with lanekeeper: draft the register from the demo company's systems, see
// `register check` name every answer still missing, fill them, and scan with the result.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_NOW, demoScan, runCli, startDemoSandbox, tempDir } from './harness.js';

describe('lanekeeper register init on the demo', () => {
  it('drafts a register that fails the check until a person answers, then scans with it', async () => {
    const demo = await startDemoSandbox();
    try {
      const dir = await tempDir();
      const draft = join(dir, 'draft.yaml');
      const init = await runCli(
        ['register', 'init', '--config', demo.configPath, '--out', draft, '--now', DEMO_NOW],
        demo.env,
      );
      expect(init.code).toBe(0);
      const text = await readFile(draft, 'utf8');
      expect(text).toContain('kind: employee # confirm');

      const check = await runCli(['register', 'check', draft]);
      expect(check.code).toBe(2);
      expect(check.stderr).toMatch(
        /LK_REGISTER_PLACEHOLDER \S*draft\.yaml:\d+ people\[\d+\]\.owner: the owner .* is still "TODO"/,
      );
      expect(check.stderr).toMatch(/people\[\d+\]\.grants\[\d+\]\.task: the task .* is still "TODO"/);
      expect(check.stderr).toMatch(/people\[\d+\]\.grants\[\d+\]\.end: the end date .* is still "TODO"/);

      const filled = text
        .replace(/organization: TODO/, 'organization: Northwind Supply')
        .replace(/owner: TODO/g, 'owner: dana')
        .replace(/task: TODO/g, 'task: Recorded in the first access review')
        .replace(/end: TODO/g, 'end: 2027-03-31')
        .replace(/purpose: TODO/g, 'purpose: Recorded in the first access review');
      await writeFile(draft, filled);
      const recheck = await runCli(['register', 'check', draft]);
      expect(recheck.stderr).not.toMatch(/LK_REGISTER_PLACEHOLDER/);
      expect(recheck.code).toBe(0);

      const out = join(dir, 'report');
      const scan = await runCli(demoScan(demo.configPath, out, '--register', draft, '--fail-on', 'none'), demo.env);
      expect(scan.code).toBe(0);
      const doc = JSON.parse(await readFile(join(out, 'findings.json'), 'utf8')) as {
        findings: { rule: string; account: string }[];
      };
      const rules = (rule: string) => doc.findings.filter((f) => f.rule === rule).map((f) => f.account);
      // Every human the scan saw is now someone in the register; other organisations' principals (a
      // Slack Connect team and its people, an outside AWS account, another owner's GitHub App) are left
      // to declare by hand.
      expect(
        rules('unknown-account').filter(
          (a) =>
            !a.startsWith('team:') && !a.startsWith('U0BRL0') && !a.includes('999988887777') && !a.startsWith('app:'),
        ),
      ).toEqual([]);
      // What no approval can fix stays: root's live key, the owner key file, a contractor without 2FA.
      expect(rules('shared-admin-account')).toEqual(
        expect.arrayContaining([
          'arn:aws:iam::111111111111:root',
          'serviceAccount:ci-deployer@northwind-shop-prod.iam.gserviceaccount.com',
        ]),
      );
      expect(rules('mfa-missing')).toContain('omar-qa');
    } finally {
      await demo.sandbox.close();
    }
  });
});
