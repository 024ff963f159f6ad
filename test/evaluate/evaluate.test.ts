// evaluate(): findings with fingerprints, defaults, remediation and a stable order; the
// summary; the people × lanes matrix; unlinked accounts; register warnings.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/pipeline/evaluate/index.js';
import type { Rule } from '../../src/rules/types.js';
import {
  account,
  approval,
  contractor,
  dana,
  day,
  evaluationInput,
  grant,
  register,
  status,
} from '../support/builders.js';

const people = [
  { ...dana, accounts: { github: 'dana-w' } },
  contractor('sam', {
    accounts: { github: 'samortiz' },
    end: day(-180),
    grants: [approval({ start: day(-185), end: day(-182) })],
  }),
  contractor('mia', {
    accounts: { github: 'miadesign' },
    grants: [approval({ scope: 'northwind/storefront', access: 'read' })],
  }),
  contractor('rita', {
    accounts: { github: 'ritacosta' },
    grants: [approval({ scope: 'northwind/storefront', end: day(10) })],
  }),
  contractor('olga', {
    accounts: {},
    grants: [approval({ system: 'aws', scope: 'northwind-production', lane: 'production', access: 'read' })],
  }),
];
const scene = {
  accounts: [
    account({ id: 'dana-w', role: 'owner', mfa: true }),
    account({ id: 'samortiz', mfa: true }),
    account({ id: 'miadesign', mfa: true }),
    account({ id: 'ritacosta', mfa: true }),
    account({ id: 'northwind-admin', role: 'owner' }),
    account({ id: 'quickfix-dev' }),
    account({ id: 'former', status: 'deleted' }),
  ],
  grants: [
    grant({
      account: 'dana-w',
      resource: 'northwind',
      permission: 'owner',
      via: 'org-role',
      level: 'admin',
      lanes: ['code', 'production'],
    }),
    grant({
      account: 'northwind-admin',
      resource: 'northwind',
      permission: 'owner',
      via: 'org-role',
      level: 'admin',
      lanes: ['code', 'production'],
    }),
    grant({ account: 'samortiz', resource: 'northwind/shop' }),
    grant({
      account: 'samortiz',
      resource: 'northwind/infra',
      permission: 'admin',
      level: 'admin',
      lanes: ['production'],
    }),
    grant({ account: 'miadesign', resource: 'northwind/storefront', permission: 'pull', level: 'read' }),
    grant({ account: 'ritacosta', resource: 'northwind/storefront' }),
    grant({ account: 'quickfix-dev', resource: 'northwind/shop' }),
    grant({ account: 'former', resource: 'northwind/shop' }),
  ],
  register: register({ people }),
  policy: { expiringSoonDays: 30 },
};

describe('evaluate', () => {
  const evaluation = evaluate(evaluationInput(scene));

  it('tells the story: every rule that should fire fires, and nothing names the designer', () => {
    const byRule = new Map<string, string[]>();
    for (const f of evaluation.findings) byRule.set(f.rule, [...(byRule.get(f.rule) ?? []), f.person ?? f.account]);
    expect(Object.fromEntries(byRule)).toEqual({
      'expired-access-active': ['sam', 'sam'],
      'shared-admin-account': ['northwind-admin'],
      'contractor-production-write': ['sam'],
      'multiple-lanes': ['sam'],
      'unapproved-access': ['sam'],
      'unknown-account': ['northwind-admin', 'quickfix-dev'],
      'expiring-soon': ['rita'],
    });
    expect(evaluation.findings.filter((f) => f.person === 'mia' || f.account === 'miadesign')).toEqual([]);
    expect(evaluation.findings.filter((f) => f.account === 'former')).toEqual([]);
  });

  it('sorts by severity, then rule, system, target, account, resource, fingerprint', () => {
    expect(evaluation.findings.map((f) => `${f.severity} ${f.rule} ${f.account} ${f.resource ?? ''}`)).toEqual([
      'critical expired-access-active samortiz northwind/infra',
      'critical expired-access-active samortiz northwind/shop',
      'critical shared-admin-account northwind-admin ',
      'high contractor-production-write samortiz northwind/infra',
      'high multiple-lanes  ',
      'high unapproved-access samortiz northwind/infra',
      'high unknown-account northwind-admin ',
      'high unknown-account quickfix-dev ',
      'info expiring-soon  northwind/storefront',
    ]);
  });

  it('counts the summary', () => {
    expect(evaluation.summary).toEqual({ critical: 3, high: 5, medium: 0, low: 0, info: 1 });
  });

  it('fills fingerprint, defaults and remediation', () => {
    const f = evaluation.findings.find((x) => x.rule === 'unknown-account' && x.account === 'quickfix-dev')!;
    const expected = createHash('sha256')
      .update(JSON.stringify(['unknown-account', 'github', 'northwind', 'quickfix-dev', '', '']))
      .digest('hex')
      .slice(0, 16);
    expect(f.fingerprint).toBe(expected);
    expect(f.title).toBe('Account linked to nobody in the register');
    expect(f.severity).toBe('high');
    expect(f.remediation.steps[0]).toMatch(/^Find who uses the account/);
    const expired = evaluation.findings.find((x) => x.rule === 'expired-access-active')!;
    expect(expired.remediation.steps).toHaveLength(2);
    expect(expired.remediation.steps[1]).toBe("Remove samortiz's access to northwind/infra.");
  });

  it('gives the same evaluation, byte for byte, whatever the order of the inventory', () => {
    const input = evaluationInput(scene);
    const reversed = {
      ...input,
      snapshot: {
        ...input.snapshot,
        accounts: [...input.snapshot.accounts].reverse(),
        grants: [...input.snapshot.grants].reverse(),
      },
    };
    expect(JSON.stringify(evaluate(reversed))).toBe(JSON.stringify(evaluation));
  });

  it('builds the people × lanes matrix', () => {
    const lanes = Object.fromEntries(evaluation.people.map((p) => [p.person, p.lanes]));
    expect(lanes).toEqual({
      dana: { code: 'held', data: 'none', production: 'held' },
      sam: { code: 'expired', data: 'none', production: 'expired' },
      mia: { code: 'held', data: 'none', production: 'none' },
      rita: { code: 'held', data: 'none', production: 'none' },
      olga: { code: 'none', data: 'none', production: 'approved' },
    });
    expect(evaluation.people.find((p) => p.person === 'sam')).toMatchObject({
      kind: 'contractor',
      owner: 'dana',
      accounts: ['github:samortiz'],
    });
  });

  it('says "unknown", never "approved" or "none", where a system of theirs could not be read', () => {
    const scan = (awsOk: boolean) =>
      evaluate(
        evaluationInput({
          systems: [status('github', 'northwind'), status('aws', '1', awsOk), status('aws', '2')],
          accounts: [
            account({ id: 'dana-w', role: 'owner', mfa: true }),
            account({ id: 'miadesign', mfa: true }),
            account({
              system: 'aws',
              target: '2',
              id: 'arn:aws:iam::2:user/kai',
              login: 'kai-ops',
              emails: ['kai@outside.example'],
            }),
          ],
          grants: [
            grant({ account: 'dana-w', resource: 'northwind', permission: 'owner', via: 'org-role', level: 'admin' }),
            grant({ account: 'miadesign', resource: 'northwind/storefront', level: 'read' }),
          ],
          register: register({
            people: [
              { ...dana, accounts: { github: 'dana-w' } },
              people[2]!,
              // Tied to AWS by the register only: an approval there.
              people[4]!,
              // Tied to AWS by an account read (linked by email) on the target that did not fail.
              contractor('kai'),
            ],
          }),
        }),
      ).people;
    const cells = (e: ReturnType<typeof scan>) => Object.fromEntries(e.map((p) => [p.person, p.lanes]));
    expect(cells(scan(false))).toEqual({
      dana: { code: 'held', data: 'none', production: 'none' },
      mia: { code: 'held', data: 'none', production: 'none' },
      olga: { code: 'unknown', data: 'unknown', production: 'unknown' },
      kai: { code: 'unknown', data: 'unknown', production: 'unknown' },
    });
    // Read in full, the same people hold what was read.
    expect(cells(scan(true))).toMatchObject({
      olga: { code: 'none', data: 'none', production: 'approved' },
      kai: { code: 'none', data: 'none', production: 'none' },
    });
  });

  it('shows unapproved cells and shared accounts in the matrix', () => {
    const e = evaluate(
      evaluationInput({
        accounts: [
          account({ id: 'miadesign' }),
          account({ system: 'aws', target: '1', id: 'arn:aws:iam::1:user/ops', login: 'ops' }),
        ],
        grants: [
          grant({ account: 'miadesign', resource: 'northwind/storefront', level: 'admin' }),
          grant({ system: 'aws', target: '1', account: 'arn:aws:iam::1:user/ops', resource: '1', lanes: ['data'] }),
        ],
        register: register({
          people: [dana, people[2]],
          shared_accounts: [
            { system: 'aws', id: 'ops', kind: 'shared', owner: 'dana', purpose: 'incidents', users: ['mia'] },
          ],
        }),
      }),
    );
    expect(e.people.find((p) => p.person === 'mia')).toMatchObject({
      lanes: { code: 'unapproved', data: 'unapproved', production: 'none' },
      accounts: ['aws:ops (shared)', 'github:miadesign'],
    });
  });

  it('lists every live grant with its holders and the end of its approval', () => {
    const rows = Object.fromEntries((evaluation.access ?? []).map((a) => [`${a.account} ${a.resource}`, a]));
    expect(Object.keys(rows)).toEqual([
      'dana-w northwind',
      'miadesign northwind/storefront',
      'northwind-admin northwind',
      'quickfix-dev northwind/shop',
      'ritacosta northwind/storefront',
      'samortiz northwind/infra',
      'samortiz northwind/shop',
    ]);
    expect(rows['ritacosta northwind/storefront']).toEqual({
      system: 'github',
      target: 'northwind',
      account: 'ritacosta',
      resource: 'northwind/storefront',
      permission: 'push',
      via: 'direct',
      people: ['rita'],
      approvedUntil: day(10),
    });
    expect(rows['samortiz northwind/shop']).toMatchObject({ people: ['sam'] });
    expect(rows['samortiz northwind/shop']?.approvedUntil).toBeUndefined();
    expect(rows['dana-w northwind']?.approvedUntil).toBe('no end date');
    expect(rows['quickfix-dev northwind/shop']?.people).toEqual([]);
  });

  it('gives an approval end only to access approved on every lane, and says when an approval has none', () => {
    const rows = Object.fromEntries(
      (
        evaluate(
          evaluationInput({
            accounts: [account({ id: 'lee-dev' }), account({ id: 'kim-dev' }), account({ id: 'ada-dev' })],
            grants: [
              grant({ account: 'lee-dev', resource: 'northwind/shop' }),
              grant({ account: 'kim-dev', resource: 'northwind/shop', lanes: ['code', 'production'] }),
              grant({ account: 'ada-dev', resource: 'northwind/shop' }),
            ],
            register: register({
              people: [
                dana,
                // Approved at read, holds write: above what is approved, so not approved.
                contractor('lee', { accounts: { github: 'lee-dev' }, grants: [approval({ access: 'read' })] }),
                // Code approved, production not: part of the grant is unapproved.
                contractor('kim', { accounts: { github: 'kim-dev' }, grants: [approval()] }),
                contractor('ada', { accounts: { github: 'ada-dev' }, grants: [approval({ end: undefined })] }),
              ],
            }),
          }),
        ).access ?? []
      ).map((a) => [a.account, a.approvedUntil]),
    );
    expect(rows).toEqual({ 'lee-dev': undefined, 'kim-dev': undefined, 'ada-dev': 'no end date' });
  });

  it('lists the accounts it could not link, with the reason, and skips deleted ones', () => {
    expect(evaluation.unlinked).toEqual([
      {
        system: 'github',
        target: 'northwind',
        account: 'northwind-admin',
        login: 'northwind-admin',
        reason: 'no email and no register link',
      },
      {
        system: 'github',
        target: 'northwind',
        account: 'quickfix-dev',
        login: 'quickfix-dev',
        reason: 'no email and no register link',
      },
    ]);
  });

  it('warns about register scopes that match nothing in a system that was read, never in one that failed', () => {
    const typo = register({
      people: [
        dana,
        contractor('jun', {
          grants: [
            approval({ scope: 'northwind/analytcs' }),
            approval({
              task: 'An old job on a deleted repository',
              scope: 'northwind/gone',
              start: day(-90),
              end: day(-60),
            }),
            approval({ system: 'aws', scope: 'northwind-production' }),
            approval({ system: 'gcp', scope: 'projects/x' }),
          ],
        }),
      ],
      shared_accounts: [{ system: 'github', id: 'old-bot', kind: 'bot', owner: 'dana', purpose: 'retired builds' }],
    });
    const e = evaluate(
      evaluationInput({
        accounts: [account({ id: 'jun' })],
        grants: [grant({ account: 'jun', resource: 'northwind/analytics' })],
        systems: [status('github', 'northwind'), status('aws', '1', false)],
        register: typo,
      }),
    );
    // Scopes that match nothing are reported by the register, with their line (test/register/load.test.ts).
    expect(e.warnings).toEqual(['register: shared account github old-bot is not in the github inventory']);
  });

  it('warns about grants whose account is missing, and ignores grants of deleted accounts', () => {
    const e = evaluate(
      evaluationInput({
        accounts: [account({ id: 'former', status: 'deleted' })],
        grants: [
          grant({ account: 'former', resource: 'northwind/shop' }),
          grant({ account: 'ghost', resource: 'northwind/shop' }),
        ],
      }),
    );
    expect(e.warnings).toEqual(['inventory: 1 grant names an account missing from github northwind; not judged']);
    expect(e.findings).toEqual([]);
  });

  it('still evaluates what a failed system returned', () => {
    const e = evaluate(
      evaluationInput({
        accounts: [account({ id: 'quickfix-dev' })],
        grants: [grant({ account: 'quickfix-dev', resource: 'northwind/shop' })],
        systems: [status('github', 'northwind', false)],
      }),
    );
    expect(e.findings.map((f) => f.rule)).toEqual(['unknown-account']);
  });

  it('keeps one finding per fingerprint, with every evidence line and the worse severity', () => {
    const twice: Rule = {
      id: 'twice',
      title: 'Twice',
      severity: 'medium',
      why: 'test',
      remediation: 'fix it',
      evaluate: () => [
        { system: 's', target: 't', account: 'a', evidence: ['one'] },
        { system: 's', target: 't', account: 'a', evidence: ['two'], severity: 'high' },
      ],
    };
    const e = evaluate(evaluationInput({}), { rules: [twice] });
    expect(e.findings).toHaveLength(1);
    expect(e.findings[0]).toMatchObject({
      severity: 'high',
      evidence: ['one', 'two'],
      remediation: { steps: ['fix it'] },
    });
    expect(e.summary.high).toBe(1);
  });
});
