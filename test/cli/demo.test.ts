import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_NOW, runCli, tempDir } from './harness.js';

// Every finding of the demo story, in report order: a change to the story or to a rule that
// moves any of them must show up here, on purpose.
const STORY = [
  'expired-access-active aws arn:aws:iam::111111111111:user/ops-admin 111111111111 sam',
  'expired-access-active aws arn:aws:iam::111111111111:user/ops-admin 222222222222 sam',
  'expired-access-active aws arn:aws:iam::111111111111:user/sam-ortiz 111111111111 sam',
  // Pete's project role ended with its condition; the migration's export bucket still lets him read.
  'expired-access-active gcp user:pete@lindqvist.example projects/northwind-shop-prod/buckets/northwind-order-exports pete',
  'expired-access-active gcp user:sam@ortiz.dev projects/northwind-analytics sam',
  'expired-access-active gcp user:sam@ortiz.dev projects/northwind-shop-prod sam',
  'expired-access-active github samortiz northwind/infra sam',
  'expired-access-active github samortiz northwind/shop sam',
  'expired-access-active slack U0SAM #checkout-fix sam',
  'expired-access-active slack U0SAM #support sam',
  // An archived support channel still gives its members its history: customer data.
  'expired-access-active slack U0SAM #support-2025 sam',
  'shared-admin-account aws arn:aws:iam::111111111111:root - -',
  'shared-admin-account aws arn:aws:iam::111111111111:user/ops-admin - -',
  'shared-admin-account gcp serviceAccount:ci-deployer@northwind-shop-prod.iam.gserviceaccount.com - -',
  'shared-admin-account github northwind-admin - -',
  'shared-admin-account slack U0ADMIN - -',
  'contractor-production-write aws arn:aws:iam::111111111111:user/kai-dba 111111111111 kai',
  'contractor-production-write aws arn:aws:iam::111111111111:user/ops-admin 111111111111 sam',
  // Olga's view-only permission set also names a customer-managed policy that may rewrite IAM users.
  'contractor-production-write aws arn:aws:identitystore:::user/94482488-3041-7026-18f0-6e1a2b3c4d02 111111111111 olga',
  // Rita is in storefront-devs, nested in storefront-oncall, which holds editor on the shop's production project.
  'contractor-production-write gcp user:rita@costa.dev projects/northwind-shop-prod rita',
  'contractor-production-write gcp user:sam@ortiz.dev projects/northwind-shop-prod sam',
  'contractor-production-write github samortiz northwind/infra sam',
  'mfa-missing aws arn:aws:iam::111111111111:user/ops-admin - -',
  'mfa-missing github omar-qa - omar',
  'mfa-missing slack U0ADMIN - -',
  'multiple-lanes register - - jun',
  'multiple-lanes register - - kai',
  'multiple-lanes register - - olga',
  'multiple-lanes register - - sam',
  'multiple-lanes register - - rita',
  'register-incomplete github - northwind/analytics jun',
  'unapproved-access aws arn:aws:iam::111111111111:user/kai-dba 111111111111 kai',
  'unapproved-access aws arn:aws:iam::111111111111:user/kai-dba 222222222222 kai',
  'unapproved-access aws arn:aws:iam::111111111111:user/ops-admin 111111111111 sam',
  'unapproved-access aws arn:aws:iam::111111111111:user/ops-admin 222222222222 sam',
  'unapproved-access aws arn:aws:identitystore:::user/94482488-3041-7026-18f0-6e1a2b3c4d02 111111111111 olga',
  // Jun, approved for the dashboards' code, reads the sales dataset in BigQuery through its access list.
  'unapproved-access gcp user:jun@parkanalytics.example projects/northwind-analytics/datasets/sales jun',
  'unapproved-access gcp user:pete@lindqvist.example projects/northwind-shop-prod/buckets/northwind-order-exports pete',
  'unapproved-access gcp user:rita@costa.dev projects/northwind-shop-prod rita',
  'unapproved-access gcp user:sam@ortiz.dev projects/northwind-analytics sam',
  'unapproved-access gcp user:sam@ortiz.dev projects/northwind-shop-prod sam',
  'unapproved-access github samortiz northwind/infra sam',
  'unapproved-access slack U0SAM #support sam',
  'unapproved-access slack U0SAM #support-2025 sam',
  'unknown-account aws arn:aws:iam::999988887777:root - -',
  'unknown-account gcp user:growthhacker.jake@gmail.com - -',
  'unknown-account github app:quickship-deploy - -',
  'unknown-account github northwind-admin - -',
  'unknown-account github quickfix-dev - -',
  'unknown-account slack U0ADMIN - -',
  // The old agency's people still in #support-escalations (users.info names them), beside the agency.
  'unknown-account slack U0BRL0JONAS - -',
  'unknown-account slack U0BRL0KEIKO - -',
  'unknown-account slack team:T0BRIGHTLN - -',
  'stale-credential aws arn:aws:iam::111111111111:user/sam-ortiz - sam',
  'stale-credential gcp serviceAccount:ci-deployer@northwind-shop-prod.iam.gserviceaccount.com - -',
  'expiring-soon aws - northwind-production olga',
  'expiring-soon aws - northwind-production kai',
  'expiring-soon gcp - projects/northwind-analytics fatima',
  'expiring-soon github - northwind/storefront rita',
];

interface FindingsDoc {
  complete: boolean;
  findings: {
    rule: string;
    person?: string;
    account: string;
    system: string;
    resource?: string;
    evidence: string[];
    remediation: { steps: string[] };
  }[];
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
    expect(
      doc.findings.map((f) => `${f.rule} ${f.system} ${f.account || '-'} ${f.resource ?? '-'} ${f.person ?? '-'}`),
    ).toEqual(STORY);
    const evidence = (rule: string, account: string, resource?: string) =>
      doc.findings
        .find((f) => f.rule === rule && f.account === account && (resource === undefined || f.resource === resource))
        ?.evidence.join('\n');
    // The leftover IAM user's key was used a month ago, long after the three-day job.
    expect(evidence('expired-access-active', 'arn:aws:iam::111111111111:user/sam-ortiz')).toMatch(
      /AKIA…DEMO, last used 2026-10-30/,
    );
    // The GCP editor role comes from the prod folder, inherited by the project.
    expect(evidence('expired-access-active', 'user:sam@ortiz.dev', 'projects/northwind-analytics')).toMatch(
      /folders\/987654321098 \(prod\)/,
    );
    // The shared ops-admin account: its users who are here get named accounts; Sam, who left, goes.
    const opsAdmin = doc.findings.find(
      (f) => f.rule === 'shared-admin-account' && f.account === 'arn:aws:iam::111111111111:user/ops-admin',
    );
    expect(opsAdmin?.remediation.steps.join('\n')).toMatch(/Give dana, priya a named admin account/);
    expect(opsAdmin?.remediation.steps.join('\n')).toMatch(/Remove sam from the users of ops-admin/);
    // Root's live access key makes it a shared admin.
    expect(evidence('shared-admin-account', 'arn:aws:iam::111111111111:root')).toMatch(/root has an active access key/);
    // The designer holds exactly what was approved: no finding may name her.
    expect(doc.findings.filter((f) => f.person === 'mia' || /miadesign|mia@pixelmia/i.test(f.account))).toEqual([]);
    // The database consultant's own policy lets him into prod-ops, an admin role the account trusts.
    expect(evidence('unapproved-access', 'arn:aws:iam::111111111111:user/kai-dba', '111111111111')).toMatch(
      /path: kai-dba → prod-ops \(111111111111\)/,
    );
    // Kai is approved to read production, not to change it: the finding must not call it approved.
    expect(evidence('contractor-production-write', 'arn:aws:iam::111111111111:user/kai-dba', '111111111111')).toMatch(
      /the register approves production read only, below what is held/,
    );
    // The company's own domain bound on analytics is the company: no public-access.
    expect(doc.findings.filter((f) => f.account === 'domain:northwind.example')).toEqual([]);
    // The past contractor's time-bound project binding expired on its own: nothing to report there.
    // What still names him is the export bucket the migration left behind.
    expect(new Set(doc.findings.filter((f) => f.person === 'pete').map((f) => f.resource))).toEqual(
      new Set(['projects/northwind-shop-prod/buckets/northwind-order-exports']),
    );
  });

  it('gives the same reports, byte for byte, for the same clock', async () => {
    // Run from two folders with the same --out: the reports name their own files (the offboarding
    // command reads the demo's inventory) as the user gave them, so the inputs are the same.
    const [a, b] = [await tempDir(), await tempDir()];
    expect((await runCli(['demo', '--out', 'out', '--now', DEMO_NOW, '--quiet'], {}, a)).code).toBe(0);
    expect((await runCli(['demo', '--out', 'out', '--now', DEMO_NOW, '--quiet'], {}, b)).code).toBe(0);
    for (const file of ['report.html', 'report.md', 'findings.json', 'inventory.json', 'access.csv']) {
      expect(await readFile(join(b, 'out', file), 'utf8'), file).toBe(await readFile(join(a, 'out', file), 'utf8'));
    }
  });
});
