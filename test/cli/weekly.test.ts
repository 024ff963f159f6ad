import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_SUMMARY_BYTES } from '../../reports/job-summary.js';
import { HistoryStore } from '../../src/pipeline/history/store.js';
import { DEMO_NOW, type DemoSandbox, demoScan, runCli, startDemoSandbox, tempDir } from './harness.js';

interface Doc {
  findings: {
    rule: string;
    account: string;
    severity: string;
    person?: string;
    evidence: string[];
    remediation: { commands: string[] };
  }[];
}

describe('the weekly scan: history, drift and what changed', () => {
  it('shows the following week of the demo as drift against the first', async () => {
    const dir = await tempDir();
    const history = join(dir, 'history.db');
    const [a, b] = [join(dir, 'A'), join(dir, 'B')];
    expect((await runCli(['demo', '--out', a, '--now', DEMO_NOW, '--history', history, '--quiet'])).code).toBe(0);
    expect(
      (await runCli(['demo', '--out', b, '--now', DEMO_NOW, '--history', history, '--next-week', '--quiet'])).code,
    ).toBe(0);

    const first = JSON.parse(await readFile(join(a, 'findings.json'), 'utf8')) as Doc;
    expect(first.findings.filter((f) => f.rule === 'drift')).toEqual([]);
    const second = JSON.parse(await readFile(join(b, 'findings.json'), 'utf8')) as Doc;
    const drift = second.findings.filter((f) => f.rule === 'drift').map((f) => `${f.account}: ${f.evidence.join(' ')}`);
    expect(drift).toEqual([
      expect.stringMatching(/ops-admin: credential created since 2026-11-29: .*access-key AKIA…NEW7/),
      expect.stringMatching(/^fastfix-agency: account added/),
      expect.stringMatching(/^fastfix-agency: grant added .* on northwind\/shop: now holds write/),
      expect.stringMatching(/^omar-qa: level raised .*read became write/),
    ]);
    // A key on the shared admin account is an admin change: high, first, undone by deactivating
    // it; Omar's raise is his, undone by lowering to the read he is approved for.
    const changes = second.findings.filter((f) => f.rule === 'drift');
    expect(changes.map((f) => [f.account.replace(/^.*\//, ''), f.severity, f.person ?? ''])).toEqual([
      ['ops-admin', 'high', ''],
      ['fastfix-agency', 'low', ''],
      ['fastfix-agency', 'low', ''],
      ['omar-qa', 'low', 'omar'],
    ]);
    expect(changes[0]?.remediation.commands).toEqual([expect.stringMatching(/update-access-key .*--status=Inactive/)]);
    expect(changes[3]?.remediation.commands).toEqual([
      'gh api --method PUT repos/northwind/shop/collaborators/omar-qa -f permission=pull',
    ]);
    const markdown = await readFile(join(b, 'report.md'), 'utf8');
    expect(markdown).toMatch(
      /## Start here\n\n1\. \*\*New\*\* \*\*High: Access change since the last scan, aws ops-admin/,
    );
    expect(await readFile(join(b, 'report.md'), 'utf8')).toMatch(/What changed since 2026-11-29/);
    expect(await readFile(join(a, 'report.md'), 'utf8')).toMatch(/nothing to compare with/i);

    const listed = await runCli(['history', '--history', history]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('2026-11-29T09:00:00.000Z');
    expect(listed.stdout).toContain('2026-12-06T09:00:00.000Z');

    // What each week found stays in the history: the first week's findings, as its report had them.
    const kept = await runCli(['history', '--history', history, '--findings', '2026-11-29']);
    expect(kept.code).toBe(0);
    const keptDoc = JSON.parse(kept.stdout) as { scannedAt: string } & Doc;
    expect(keptDoc.scannedAt).toBe('2026-11-29T09:00:00.000Z');
    const fingerprints = (d: Doc) => d.findings.map((f) => `${f.rule} ${f.account}`).sort();
    expect(fingerprints(keptDoc)).toEqual(fingerprints(first));
    expect(fingerprints(keptDoc).length).toBeGreaterThan(10);
    // A day prefix that names both weeks is refused, naming them; one that names none too.
    const both = await runCli(['history', '--history', history, '--findings', '2026']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/2026 names 2 scans \(2026-11-29T09:00:00.000Z, 2026-12-06T09:00:00.000Z\)/);
    const none = await runCli(['history', '--history', history, '--findings', '2025-01-01']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no scan at 2025-01-01');
    // Retention prunes the first week's findings with its snapshot; its counts stay listed.
    const store = HistoryStore.open(history);
    expect(store.prune(new Date('2026-12-10T00:00:00Z'), 2)).toBe(1);
    store.close();
    const pruned = await runCli(['history', '--history', history, '--findings', '2026-11-29']);
    expect(pruned.code).toBe(2);
    expect(pruned.stderr).toMatch(/no longer kept: retention \(history\.retentionDays\) pruned them/);
    expect((await runCli(['history', '--history', history])).stdout).toMatch(
      /2026-11-29T09:00:00\.000Z +yes +\d+ +\d+/,
    );
  });

  it('says there is no history yet instead of inventing one', async () => {
    const run = await runCli(['history', '--history', join(await tempDir(), 'none.db')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no history');
  });
});

describe('delivery and CI outputs of a scan', () => {
  let demo: DemoSandbox;
  beforeAll(async () => {
    demo = await startDemoSandbox();
  });
  afterAll(async () => {
    await demo.sandbox.close();
  });

  it('exits 4 and keeps the reports on disk when the mail server is down, naming it and never the password', async () => {
    const config = JSON.parse(await readFile(demo.configPath, 'utf8'));
    config.email = {
      to: ['founders@northwind.example'],
      from: 'lanekeeper@northwind.example',
      // A config reference, written as the user would: the scan resolves it from the environment.
      smtp: { host: '127.0.0.1', port: 9, user: 'reports', pass: ['$', '{SMTP_PASS}'].join('') },
    };
    const configPath = join(demo.dir, 'config-email.json');
    await writeFile(configPath, JSON.stringify(config));
    const out = await tempDir();
    const run = await runCli(demoScan(configPath, out, '--fail-on', 'none', '--email'), {
      ...demo.env,
      SMTP_PASS: 'very-secret-smtp-password',
    });
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('SMTP server 127.0.0.1:9');
    expect(run.stdout + run.stderr).not.toContain('very-secret-smtp-password');
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    expect(existsSync(join(out, 'findings.json'))).toBe(true);
  });

  it('appends the Markdown report to the GitHub job summary and writes SARIF', async () => {
    const out = await tempDir();
    const summary = join(out, 'step-summary.md');
    await writeFile(summary, '# Earlier step\n');
    const run = await runCli(demoScan(demo.configPath, out, '--fail-on', 'none'), {
      ...demo.env,
      GITHUB_STEP_SUMMARY: summary,
    });
    expect(run.code).toBe(0);
    const text = await readFile(summary, 'utf8');
    expect(text.startsWith('# Earlier step\n')).toBe(true);
    expect(text).toContain('Northwind Supply');
    const sarif = JSON.parse(await readFile(join(out, 'report.sarif'), 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results.length).toBeGreaterThan(5);
    // Findings about a person point at that person's entry in the register.
    const sam = sarif.runs[0].results.find((r: { properties: { person?: string } }) => r.properties.person === 'sam');
    expect(sam.locations[0].physicalLocation.region.startLine).toBeGreaterThan(20);
    // And name them, as the register does.
    expect(sam.message.text.split('\n')[0]).toContain('Sam Ortiz (sam)');
  });

  it("keeps the job summary within GitHub's 1 MiB, counting what the step wrote before", async () => {
    const out = await tempDir();
    const summary = join(out, 'step-summary.md');
    const earlier = `# Earlier step\n${'x'.repeat(JOB_SUMMARY_BYTES - 8000)}\n`;
    await writeFile(summary, earlier);
    const run = await runCli(demoScan(demo.configPath, out, '--fail-on', 'none'), {
      ...demo.env,
      GITHUB_STEP_SUMMARY: summary,
    });
    expect(run.code).toBe(0);
    const text = await readFile(summary, 'utf8');
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(JOB_SUMMARY_BYTES);
    const added = text.slice(earlier.length);
    expect(added).toContain('# Northwind Supply access review');
    expect(added).toContain('**This summary stops here:**');
    // The whole report is still on disk.
    expect((await readFile(join(out, 'report.md'), 'utf8')).length).toBeGreaterThan(added.length);
  });
});
