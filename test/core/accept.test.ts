import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/finding.js';
import { RegisterSchema } from '../../src/core/register.js';
import { applyAcceptedRisks, unmatchedRiskIssues } from '../../src/pipeline/accept.js';

const finding = (fingerprint: string, rule: string, account: string): Finding => ({
  fingerprint,
  rule,
  severity: 'high',
  title: 't',
  system: 'github',
  target: 'northwind',
  account,
  evidence: [],
  remediation: { steps: [], commands: [] },
});

const DANA = { id: 'dana', name: 'Dana', kind: 'employee' };
/** A register of these people (Dana alone by default) accepting these risks. */
const registerWith = (accepted_risks: Record<string, unknown>[], people: Record<string, unknown>[] = [DANA]) =>
  RegisterSchema.parse({ organization: 'X', people, accepted_risks });

const register = registerWith([
  { fingerprint: 'f1', reason: 'vendor migration until March', accepted_by: 'dana', end: '2027-03-31' },
  {
    rule: 'mfa-missing',
    account: 'OMAR-QA',
    reason: 'hardware key on its way',
    accepted_by: 'dana',
    end: '2026-11-30',
  },
]);

const findings = [
  finding('f1', 'unknown-account', 'bot'),
  finding('f2', 'mfa-missing', 'omar-qa'),
  finding('f3', 'mfa-missing', 'sam'),
];

describe('applyAcceptedRisks', () => {
  it('takes accepted findings out of the counts while their acceptance lasts (end day inclusive)', () => {
    const r = applyAcceptedRisks(findings, register, new Date('2026-11-30T23:59:00Z'));
    expect(r.open.map((f) => f.fingerprint)).toEqual(['f3']);
    expect(r.accepted.map((a) => [a.finding.fingerprint, a.acceptedBy, a.end])).toEqual([
      ['f1', 'dana', '2027-03-31'],
      ['f2', 'dana', '2026-11-30'],
    ]);
    expect(r.lapsed).toEqual([]);
  });

  it('stops applying after the end date and reports the lapse', () => {
    const r = applyAcceptedRisks(findings, register, new Date('2026-12-01T00:00:00Z'));
    expect(r.open.map((f) => f.fingerprint)).toEqual(['f2', 'f3']);
    expect(r.lapsed.map((l) => [l.index, l.finding.fingerprint])).toEqual([[1, 'f2']]);
  });
});

describe('an acceptance by someone who has left', () => {
  const withLeaver = (end: string) =>
    registerWith(
      [{ fingerprint: 'f1', reason: 'vendor migration until March', accepted_by: 'bob', end: '2027-03-31' }],
      [DANA, { id: 'bob', name: 'Bob', kind: 'employee', end }],
    );

  it('applies through their last day', () => {
    const r = applyAcceptedRisks(findings, withLeaver('2026-12-01'), new Date('2026-12-01T12:00:00Z'));
    expect(r.accepted.map((a) => a.finding.fingerprint)).toEqual(['f1']);
  });

  it('lapses once they have left, and says so', () => {
    const r = applyAcceptedRisks(findings, withLeaver('2026-11-15'), new Date('2026-12-01T12:00:00Z'));
    expect(r.accepted).toEqual([]);
    expect(r.open.map((f) => f.fingerprint)).toContain('f1');
    expect(r.lapsed.map((l) => [l.finding.fingerprint, l.acceptedByLeft])).toEqual([['f1', '2026-11-15']]);
  });
});

describe('an acceptance narrowed to a target or a resource', () => {
  const on = (fingerprint: string, target: string, resource: string): Finding => ({
    ...finding(fingerprint, 'unapproved-access', 'omar-qa'),
    target,
    resource,
  });
  const narrowed = (fields: Record<string, string>) =>
    registerWith([
      {
        rule: 'unapproved-access',
        account: 'omar-qa',
        ...fields,
        reason: 'reads the shop while the release is tested',
        accepted_by: 'dana',
        end: '2027-01-31',
      },
    ]);
  const all = [
    on('a', 'northwind', 'northwind/shop'),
    on('b', 'northwind', 'northwind/infra'),
    on('c', 'Northwind-Labs', 'Northwind-Labs/shop'),
  ];
  const acceptedOf = (fields: Record<string, string>) =>
    applyAcceptedRisks(all, narrowed(fields), new Date('2026-12-01T00:00:00Z')).accepted.map(
      (a) => a.finding.fingerprint,
    );

  it('covers only the named target or resource, case aside; without them, every one', () => {
    expect(acceptedOf({})).toEqual(['a', 'b', 'c']);
    expect(acceptedOf({ target: 'northwind-labs' })).toEqual(['c']);
    expect(acceptedOf({ resource: 'northwind/SHOP' })).toEqual(['a']);
    expect(acceptedOf({ target: 'northwind', resource: 'northwind/infra' })).toEqual(['b']);
  });
});

describe('an acceptance naming the account by its login', () => {
  // An IAM user the reports show as "admin", whose id is its ARN.
  const arn = 'arn:aws:iam::123456789012:user/admin';
  const onAws = { ...finding('k', 'mfa-missing', arn), system: 'aws', target: '123456789012' };
  const byName = (account: string) =>
    registerWith([
      {
        rule: 'mfa-missing',
        system: 'aws',
        account,
        reason: 'break-glass user',
        accepted_by: 'dana',
        end: '2027-01-31',
      },
    ]);
  const loginOf = (f: Finding) => (f.account === arn ? 'admin' : undefined);
  const now = new Date('2026-12-01T00:00:00Z');

  it('covers the finding by its login as well as by its id, case aside', () => {
    expect(applyAcceptedRisks([onAws], byName('Admin'), now, loginOf).accepted).toHaveLength(1);
    expect(applyAcceptedRisks([onAws], byName(arn), now, loginOf).accepted).toHaveLength(1);
  });

  it('says which acceptances in their dates matched nothing', () => {
    const r = applyAcceptedRisks([onAws], byName('admn'), now, loginOf);
    expect(r.accepted).toEqual([]);
    expect(r.unmatched).toEqual([0]);
    expect(unmatchedRiskIssues(byName('admn'), r.unmatched)).toEqual([
      expect.objectContaining({
        code: 'LK_REGISTER_RISK_UNMATCHED',
        path: ['accepted_risks', 0],
        message: 'accepts no finding of this scan (mfa-missing aws admn)',
        severity: 'warning',
      }),
    ]);
    // One past its end is a lapse to tidy, not a misnamed one: no warning.
    expect(applyAcceptedRisks([onAws], byName('admn'), new Date('2027-02-01T00:00:00Z'), loginOf).unmatched).toEqual(
      [],
    );
  });
});

describe('an acceptance by someone who is not an employee', () => {
  const byContractor = (end: string) =>
    registerWith(
      [{ fingerprint: 'f1', reason: 'vendor migration until March', accepted_by: 'kim', end }],
      [DANA, { id: 'kim', name: 'Kim', kind: 'contractor', owner: 'dana' }],
    );

  it('does not count, and the lapse says why (an employee who became a contractor, say)', () => {
    const r = applyAcceptedRisks(findings, byContractor('2027-03-31'), new Date('2026-12-01T12:00:00Z'));
    expect(r.accepted).toEqual([]);
    expect(r.lapsed.map((l) => [l.finding.fingerprint, l.acceptedByKind])).toEqual([['f1', 'contractor']]);
  });
});
