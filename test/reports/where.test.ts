// Where a finding is: its system and account, and the target too when the account's name alone
// is the same on several targets (every AWS account's root is "root").
import { describe, expect, it } from 'vitest';
import { renderReport } from '../../reports/index.js';
import { buildView, reportActions } from '../../reports/view.js';
import type { Finding } from '../../src/core/finding.js';
import { demoInput } from './fixture.js';

function twoRoots() {
  const input = demoInput();
  const root = (target: string) => ({
    system: 'aws',
    target,
    id: `arn:aws:iam::${target}:root`,
    login: 'root',
    emails: [],
    kind: 'root' as const,
    status: 'active' as const,
  });
  const base = input.snapshot.systems.find((s) => s.system === 'aws')!;
  input.snapshot.systems.push({ ...base, target: '200000000002' }, { ...base, target: '300000000003' });
  input.snapshot.accounts.push(root('200000000002'), root('300000000003'));
  const finding = (target: string): Finding => ({
    fingerprint: `fp-root-${target}`,
    rule: 'shared-admin-account',
    severity: 'critical',
    title: 'Root account with live credentials',
    system: 'aws',
    target,
    account: `arn:aws:iam::${target}:root`,
    evidence: ['root has an active access key'],
    remediation: { steps: ['Delete the root access keys.'], commands: [] },
  });
  input.evaluation = {
    ...input.evaluation,
    findings: [...input.evaluation.findings, finding('200000000002'), finding('300000000003')],
  };
  return input;
}

describe('where a finding is, when its login is the same on several targets', () => {
  const input = twoRoots();

  it('names the target of each root, and only where the login alone is ambiguous', () => {
    const where = buildView(input).findings.map((f) => f.where);
    expect(where).toContain('aws 200000000002 root');
    expect(where).toContain('aws 300000000003 root');
    expect(where).not.toContain('aws root');
    // A login on one target only stays as it was.
    expect(where).toContain('github samortiz');
    expect(where).toContain('github northwind-admin');
  });

  it('gives two rows in report.md that read differently, and lists both roots in the action', () => {
    const md = renderReport('md', input);
    expect(md).toContain('| aws 200000000002 root |');
    expect(md).toContain('| aws 300000000003 root |');
    const action = reportActions(input).find((a) => a.anchor.startsWith('act-rule-shared-admin-account'))!;
    expect(action.summary).toContain('aws 200000000002 root');
    expect(action.summary).toContain('aws 300000000003 root');
  });

  it('names the target in report.html too', () => {
    const where = [...renderReport('html', input).matchAll(/<span class="c-where">([\s\S]*?)<\/span>/g)].map((m) =>
      m[1]!.replace(/<wbr>/g, ''),
    );
    expect(where).toContain('aws · 200000000002 · root');
    expect(where).toContain('aws · 300000000003 · root');
  });
});
