// The tester itself must be able to fail: it catches missing and extra findings,
// duplicate case names, and findings without checkable evidence.
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/finding.js';
import { account, context } from '../support/builders.js';
import { caseNameProblems, findingProblems, pairFindings } from './tester.js';

const finding = (fields: Partial<Finding>): Finding => ({
  fingerprint: '0000000000000000',
  rule: 'r',
  severity: 'high',
  title: 't',
  system: 'github',
  target: 'northwind',
  account: 'sam',
  evidence: ['holds write on northwind/shop'],
  remediation: { steps: [], commands: [] },
  ...fields,
});

describe('ruleTester', () => {
  const ctx = context({ accounts: [account({ id: 'sam' })] });

  it('reports duplicate case names and missing kinds of case', () => {
    expect(
      caseNameProblems({
        fires: [{ name: 'a', context: ctx, expect: [{ account: 'sam' }] }],
        quiet: [{ name: 'a', context: ctx }],
      }),
    ).toEqual(['duplicate case name "a"']);
    expect(caseNameProblems({ fires: [], quiet: [] })).toHaveLength(2);
    expect(
      caseNameProblems({ fires: [{ name: 'x', context: ctx, expect: [] }], quiet: [{ name: 'y', context: ctx }] }),
    ).toEqual(['"x" fires but expects nothing']);
  });

  it('pairs each expectation with one finding and reports the rest', () => {
    const a = finding({ account: 'sam', fingerprint: 'a' });
    const b = finding({ account: 'lee', fingerprint: 'b' });
    expect(pairFindings([a, b], [{ account: 'sam' }])).toEqual({ missing: [], extra: [b] });
    expect(pairFindings([a], [{ account: 'sam' }, { account: 'sam' }]).missing).toHaveLength(1);
    expect(pairFindings([a], [{ account: 'sam', evidence: ['admin'] }]).missing).toHaveLength(1);
    expect(pairFindings([a], [{ account: 'sam', evidence: ['write on northwind'] }]).missing).toEqual([]);
    expect(pairFindings([a], [{ account: 'sam', severity: 'critical' }]).missing).toHaveLength(1);
  });

  it('rejects findings without evidence, with unfilled values or with a fingerprint used twice', () => {
    expect(findingProblems([finding({ evidence: [] })])).toHaveLength(1);
    expect(findingProblems([finding({ evidence: ['ended undefined'] })])).toHaveLength(1);
    expect(findingProblems([finding({}), finding({})])).toHaveLength(1);
  });
});
