import { describe, expect, it } from 'vitest';
import { ACCESS_COLUMNS } from '../../reports/csv.js';
import { REPORT_FILES, renderReport } from '../../reports/index.js';
import { parseCsv } from './csv-parse.js';
import { demoInput, shuffled } from './fixture.js';

const table = (text: string) => {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]!])));
};

describe('access.csv', () => {
  const text = renderReport('csv', demoInput());
  const rows = table(text);

  it('is an RFC 4180 sheet with the auditor’s columns', () => {
    expect(REPORT_FILES.csv).toBe('access.csv');
    expect(parseCsv(text)[0]).toEqual([...ACCESS_COLUMNS]);
    expect(ACCESS_COLUMNS.slice(0, 11)).toEqual([
      'person',
      'kind',
      'owner',
      'system',
      'target',
      'account',
      'resource',
      'lane',
      'level',
      'approved until',
      'finding',
    ]);
  });

  it('has one row per live grant: none for deleted accounts or grants past their own expiry', () => {
    expect(rows.map((r) => `${r.account} ${r.resource}`)).toEqual([
      'arn:aws:iam::111111111111:user/sam-ortiz 111111111111',
      'dana-w northwind',
      'northwind-admin northwind',
      'quickfix-dev northwind/storefront',
      'samortiz northwind/infra',
      'samortiz northwind/shop',
    ]);
  });

  it('names the person, kind and owner, and the findings on that account and resource', () => {
    const shop = rows.find((r) => r.account === 'samortiz' && r.resource === 'northwind/shop')!;
    expect(shop).toMatchObject({
      person: 'Sam Ortiz (sam)',
      kind: 'contractor',
      owner: 'Dana Whitfield (dana)',
      system: 'github',
      target: 'northwind',
      lane: 'code',
      level: 'write',
      'approved until': '',
      finding: 'expired-access-active; multiple-lanes',
      permission: 'push',
      via: 'direct',
    });
    // Account-wide findings count on every resource; resource findings only on theirs.
    expect(rows.find((r) => r.resource === 'northwind/infra')!.finding).toBe('multiple-lanes');
    // Linked by the matrix's "aws:sam-ortiz" (the login), not by a finding.
    expect(rows.find((r) => r.system === 'aws')).toMatchObject({
      person: 'Sam Ortiz (sam)',
      lane: 'data',
      via: 'group: analysts',
      finding: '',
    });
    expect(rows.find((r) => r.account === 'northwind-admin')).toMatchObject({
      person: '',
      kind: 'unlinked',
      lane: 'code; production',
      finding: 'shared-admin-account',
    });
  });

  it('takes holders and approval end dates from the evaluation when it gives them', () => {
    const input = demoInput();
    input.evaluation.access = [
      {
        system: 'github',
        target: 'northwind',
        account: 'quickfix-dev',
        resource: 'northwind/storefront',
        permission: 'pull',
        via: 'direct',
        people: ['mia'],
        approvedUntil: '2027-01-31',
      },
      {
        system: 'github',
        target: 'northwind',
        account: 'samortiz',
        resource: 'northwind/shop',
        permission: 'push',
        via: 'direct',
        people: ['sam'],
      },
      // The same account and resource by another permission or path is another grant's entry.
      ...(['push', 'pull'] as const).map((permission) => ({
        system: 'github',
        target: 'northwind',
        account: 'quickfix-dev',
        resource: 'northwind/storefront',
        permission,
        via: permission === 'pull' ? ('team' as const) : ('direct' as const),
        people: ['lee'],
        approvedUntil: '2099-12-31',
      })),
    ];
    const byAccount = table(renderReport('csv', input));
    expect(byAccount.find((r) => r.account === 'quickfix-dev')).toMatchObject({
      person: 'Mia Laurent (mia)',
      kind: 'contractor',
      owner: 'Dana Whitfield (dana)',
      'approved until': '2027-01-31',
    });
    expect(byAccount.find((r) => r.resource === 'northwind/shop')!['approved until']).toBe('');
  });

  it('gives a declared service or bot account the kind and owner the register gives it', () => {
    const input = demoInput();
    input.evaluation.access = [
      {
        system: 'github',
        target: 'northwind',
        account: 'northwind-admin',
        resource: 'northwind',
        permission: 'owner',
        via: 'org-role',
        people: [],
        declared: { kind: 'service', owner: 'dana' },
      },
    ];
    const row = table(renderReport('csv', input)).find((r) => r.account === 'northwind-admin');
    expect(row).toMatchObject({ person: '', kind: 'service', owner: 'Dana Whitfield (dana)' });
  });

  it('writes one row for two paths to the same access that differ only in their evidence', () => {
    const input = demoInput();
    const shop = input.snapshot.grants.find((g) => g.account === 'samortiz' && g.resource === 'northwind/shop')!;
    input.snapshot.grants.push({ ...shop, evidence: ['another path to the same push'] });
    expect(renderReport('csv', input)).toBe(text);
    // A row that differs in any cell stays.
    input.snapshot.grants.push({ ...shop, permission: 'maintain' });
    expect(table(renderReport('csv', input)).filter((r) => r.resource === 'northwind/shop')).toHaveLength(2);
  });

  it('gives the same bytes for the same records in any order', () => {
    expect(renderReport('csv', shuffled(demoInput()))).toBe(text);
  });
});
