import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_NOW, runCli, tempDir } from './harness.js';

interface FindingsDoc {
  complete: boolean;
  findings: { rule: string; person?: string; account: string; system: string; evidence: string[] }[];
}

describe('lanekeeper demo', () => {
  it('writes every report and tells the demo story', async () => {
    const out = await tempDir();
    const run = await runCli(['demo', '--out', out, '--now', DEMO_NOW, '--quiet']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('report.html');
    for (const file of ['report.html', 'report.md', 'findings.json', 'inventory.json', 'access.csv']) {
      expect((await readFile(join(out, file), 'utf8')).length).toBeGreaterThan(100);
    }
    const doc = JSON.parse(await readFile(join(out, 'findings.json'), 'utf8')) as FindingsDoc;
    expect(doc.complete).toBe(true);
    const rules = new Set(doc.findings.map((f) => f.rule));
    for (const rule of [
      'shared-admin-account',
      'expired-access-active',
      'multiple-lanes',
      'unapproved-access',
      'unknown-account',
      'mfa-missing',
      'register-incomplete',
      'expiring-soon',
    ]) {
      expect(rules, rule).toContain(rule);
    }
    // The designer holds exactly what was approved: no finding may name her.
    expect(doc.findings.filter((f) => f.person === 'mia' || /miadesign|mia@pixelmia/i.test(f.account))).toEqual([]);
    // The past contractor's time-bound GCP binding expired on its own: nothing to report.
    expect(doc.findings.filter((f) => f.person === 'pete')).toEqual([]);
  });

  it('gives the same reports, byte for byte, for the same clock', async () => {
    const [a, b] = [await tempDir(), await tempDir()];
    expect((await runCli(['demo', '--out', a, '--now', DEMO_NOW, '--quiet'])).code).toBe(0);
    expect((await runCli(['demo', '--out', b, '--now', DEMO_NOW, '--quiet'])).code).toBe(0);
    for (const file of ['report.html', 'report.md', 'findings.json', 'inventory.json', 'access.csv']) {
      expect(await readFile(join(b, file), 'utf8'), file).toBe(await readFile(join(a, file), 'utf8'));
    }
  });
});
