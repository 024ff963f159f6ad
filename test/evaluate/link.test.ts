// Linking: explicit links, then declared shared accounts and groups, then emails (case-insensitive);
// conflicts when two people claim one account; the same answer whatever the input order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { linkAccount } from '../../src/pipeline/evaluate/link.js';
import { account, contractor, dana, register } from '../support/builders.js';

const people = [
  dana,
  contractor('sam', {
    emails: ['sam@ortiz.dev'],
    accounts: { github: 'SamOrtiz', aws: ['sam-ortiz', 'arn:aws:iam::2:user/sam'] },
  }),
  contractor('mia', { emails: ['mia@pixelmia.studio'], accounts: {} }),
];
const reg = register({
  people,
  shared_accounts: [
    { system: 'aws', id: 'ops-admin', kind: 'shared', owner: 'dana', purpose: 'incidents', users: ['dana', 'sam'] },
    { system: 'github', id: 'deploy-bot', kind: 'bot', owner: 'dana', purpose: 'deploys' },
  ],
  groups: [{ system: 'gcp', id: 'group:eng@northwind.example', members: ['dana', 'mia'] }],
});

describe('linkAccount', () => {
  it('follows an explicit link by login, case-insensitively', () => {
    expect(linkAccount(account({ id: 'samortiz', login: 'samortiz' }), reg)).toMatchObject({
      kind: 'person',
      person: 'sam',
      by: 'account-link',
    });
  });

  it('follows an explicit link by id, and any of a list of links', () => {
    const byLogin = account({ system: 'aws', target: '1', id: 'arn:aws:iam::1:user/sam-ortiz', login: 'sam-ortiz' });
    const byArn = account({ system: 'aws', target: '2', id: 'arn:aws:iam::2:user/sam', login: 'sam' });
    expect(linkAccount(byLogin, reg)).toMatchObject({ kind: 'person', person: 'sam' });
    expect(linkAccount(byArn, reg)).toMatchObject({ kind: 'person', person: 'sam' });
  });

  it('does not follow a link written for another system', () => {
    const slack = account({ system: 'slack', target: 'T1', id: 'U1', login: 'sam-ortiz' });
    expect(linkAccount(slack, reg)).toMatchObject({ kind: 'none', reason: 'no email and no register link' });
  });

  it('links by email, case-insensitively, and by identities that are emails', () => {
    expect(linkAccount(account({ id: 'x', emails: ['MIA@PixelMia.Studio'] }), reg)).toMatchObject({
      kind: 'person',
      person: 'mia',
      by: 'email',
      detail: 'email mia@pixelmia.studio',
    });
    expect(linkAccount(account({ id: 'y', identities: ['Dana@northwind.example', 'saml-123'] }), reg)).toMatchObject({
      kind: 'person',
      person: 'dana',
    });
  });

  it('prefers an explicit link to an email match', () => {
    const a = account({ id: 'samortiz', emails: ['mia@pixelmia.studio'] });
    expect(linkAccount(a, reg)).toMatchObject({ kind: 'person', person: 'sam', by: 'account-link' });
  });

  it('reports two people claiming one account as a conflict', () => {
    const both = register({
      people: [
        dana,
        contractor('sam', { accounts: { github: 'shared-dev' } }),
        contractor('lee', { accounts: { github: 'shared-dev' } }),
      ],
    });
    expect(linkAccount(account({ id: 'shared-dev' }), both)).toEqual({
      kind: 'conflict',
      people: ['lee', 'sam'],
      by: 'account-link',
      reason: "claimed by lee and sam in the register's account links",
    });
    const sameEmail = register({
      people: [
        dana,
        contractor('sam', { emails: ['dev@agency.example'] }),
        contractor('lee', { emails: ['Dev@agency.example'] }),
      ],
    });
    expect(linkAccount(account({ id: 'x', emails: ['dev@agency.example'] }), sameEmail)).toMatchObject({
      kind: 'conflict',
      people: ['lee', 'sam'],
      by: 'email',
    });
  });

  const opsAdmin = (emails: string[] = []) =>
    account({ system: 'aws', target: '1', id: 'arn:aws:iam::1:user/ops-admin', login: 'ops-admin', emails });
  const engGroup = (emails: string[] = []) =>
    account({
      system: 'gcp',
      target: 'o',
      id: 'group:eng@northwind.example',
      login: 'eng@northwind.example',
      kind: 'group',
      emails,
    });

  it('finds declared shared accounts by login or id, and groups by id', () => {
    expect(linkAccount(opsAdmin(), reg)).toMatchObject({
      kind: 'shared',
      shared: { id: 'ops-admin', users: ['dana', 'sam'] },
    });
    expect(linkAccount(account({ id: 'deploy-bot', kind: 'bot' }), reg)).toMatchObject({ kind: 'shared' });
    expect(linkAccount(engGroup(), reg)).toMatchObject({ kind: 'group', group: { members: ['dana', 'mia'] } });
  });

  it("prefers the register's declaration of a shared account or a group to an email match", () => {
    // A shared admin user tagged with its owner's address is still the shared account Dana and Sam use.
    expect(linkAccount(opsAdmin(['dana@northwind.example']), reg)).toMatchObject({
      kind: 'shared',
      shared: { id: 'ops-admin' },
    });
    expect(linkAccount(engGroup(['mia@pixelmia.studio']), reg)).toMatchObject({ kind: 'group' });
  });

  it('says why an account could not be linked', () => {
    expect(linkAccount(account({ id: 'quickfix-dev' }), reg)).toEqual({
      kind: 'none',
      reason: 'no email and no register link',
    });
    expect(linkAccount(account({ id: 'x', emails: ['b@gmail.com', 'a@gmail.com'] }), reg)).toEqual({
      kind: 'none',
      reason: 'emails a@gmail.com, b@gmail.com match nobody',
    });
    expect(linkAccount(account({ id: 'x', emails: ['a@gmail.com'] }), reg)).toMatchObject({
      reason: 'email a@gmail.com matches nobody',
    });
    expect(linkAccount(account({ id: 'T0', kind: 'external' }), reg)).toMatchObject({
      reason: expect.stringContaining('another organisation'),
    });
    expect(linkAccount(account({ id: 'allUsers', kind: 'public' }), reg)).toMatchObject({
      reason: expect.stringContaining('anyone'),
    });
  });

  it('gives the same answer whatever the order of the register', () => {
    const accounts = [
      account({ id: 'samortiz' }),
      account({ id: 'x', emails: ['mia@pixelmia.studio'] }),
      account({ id: 'shared-dev' }),
      account({ id: 'dup', emails: ['dev@agency.example'] }),
      account({ system: 'aws', target: '1', id: 'arn:aws:iam::1:user/ops-admin', login: 'ops-admin' }),
    ];
    const base = {
      people: [
        ...people,
        contractor('lee', { emails: ['dev@agency.example'], accounts: { github: 'shared-dev' } }),
        contractor('kim', { emails: ['dev@agency.example'], accounts: { github: 'shared-dev' } }),
      ],
      shared_accounts: [
        { system: 'aws', id: 'ops-admin', kind: 'shared', owner: 'dana', purpose: 'incidents', users: ['dana'] },
        { system: 'aws', id: 'OPS-ADMIN', kind: 'shared', owner: 'dana', purpose: 'a duplicate entry', users: ['sam'] },
      ],
    };
    const expected = accounts.map((a) => linkAccount(a, register(base)));
    fc.assert(
      fc.property(
        fc.shuffledSubarray(base.people, { minLength: base.people.length }),
        fc.boolean(),
        (shuffled, flip) => {
          const shared = flip ? [...base.shared_accounts].reverse() : base.shared_accounts;
          const r = register({ people: shuffled, shared_accounts: shared });
          expect(accounts.map((a) => linkAccount(a, r))).toEqual(expected);
        },
      ),
      { numRuns: 50 },
    );
  });
});
