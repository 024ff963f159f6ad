import { staleCredential } from '../../src/rules/stale-credential.js';
import {
  account,
  approval,
  context,
  contractor,
  credential,
  dana,
  instant,
  opsAdminShared,
  register,
} from '../support/builders.js';
import { ruleTester } from './tester.js';

const user = (id: string) =>
  account({ system: 'aws', target: '111111111111', id: `arn:aws:iam::111111111111:user/${id}`, login: id });
const ci = user('ci');
const olga = user('olga');
const key = (owner: string, fields = {}) =>
  credential({ account: `arn:aws:iam::111111111111:user/${owner}`, id: 'AKIA…WXYZ', ...fields });
const olgaRegister = register({
  people: [dana, contractor('olga', { accounts: { aws: 'olga' }, grants: [approval({ system: 'aws', scope: '*' })] })],
});

ruleTester(staleCredential, {
  fires: [
    {
      name: 'a key unused for longer than the policy allows',
      context: context({
        accounts: [ci],
        credentials: [key('ci', { createdAt: instant(-400), lastUsedAt: instant(-120) })],
      }),
      expect: [
        {
          account: ci.id,
          evidence: ['key AKIA…WXYZ of aws 111111111111 account ci is active', '120 days ago (policy: 90 days)'],
        },
      ],
    },
    {
      name: "an IAM user's console password unused for longer than the policy allows",
      context: context({
        accounts: [ci],
        credentials: [
          key('ci', { id: 'password', kind: 'password', createdAt: instant(-400), lastUsedAt: instant(-120) }),
        ],
      }),
      expect: [{ account: ci.id, evidence: ['120 days ago (policy: 90 days)'] }],
    },
    {
      name: 'a key never used and older than the policy',
      context: context({ accounts: [ci], credentials: [key('ci', { createdAt: instant(-100) })] }),
      expect: [{ account: ci.id, evidence: ['no use recorded since it was created'] }],
    },
    {
      name: "a contractor's long-lived key older than the contractor limit, even if used today",
      context: context({
        accounts: [olga],
        credentials: [key('olga', { createdAt: instant(-45), lastUsedAt: instant(0) })],
        register: olgaRegister,
      }),
      expect: [
        {
          account: olga.id,
          person: 'olga',
          evidence: ['held by olga, a contractor', '45 days ago (policy: at most 30 days)'],
        },
      ],
    },
    {
      name: 'a long-lived key of a shared account a contractor uses',
      context: context({
        accounts: [user('ops-admin')],
        credentials: [key('ops-admin', { createdAt: instant(-45), lastUsedAt: instant(0) })],
        register: register({
          people: [dana, contractor('olga', { grants: [approval({ system: 'aws', scope: '*' })] })],
          shared_accounts: [opsAdminShared(['dana', 'olga'])],
        }),
      }),
      expect: [
        {
          account: 'arn:aws:iam::111111111111:user/ops-admin',
          person: 'olga',
          evidence: [
            'usable by olga, a contractor, through the shared account',
            '45 days ago (policy: at most 30 days)',
          ],
        },
      ],
    },
    {
      name: 'two stale keys are two findings',
      context: context({
        accounts: [ci],
        credentials: [
          key('ci', { createdAt: instant(-400) }),
          key('ci', { id: 'AKIA…ABCD', createdAt: instant(-300) }),
        ],
      }),
      expect: [
        { account: ci.id, evidence: ['AKIA…WXYZ'] },
        { account: ci.id, evidence: ['AKIA…ABCD'] },
      ],
    },
  ],
  quiet: [
    {
      name: 'a key used last week',
      context: context({
        accounts: [ci],
        credentials: [key('ci', { createdAt: instant(-400), lastUsedAt: instant(-7) })],
      }),
    },
    {
      name: 'a root password last used at setup, years ago (root is for the tasks only root can do)',
      context: context({
        accounts: [
          account({
            system: 'aws',
            target: '111111111111',
            id: 'arn:aws:iam::111111111111:root',
            login: 'root',
            kind: 'root',
          }),
        ],
        credentials: [
          credential({
            account: 'arn:aws:iam::111111111111:root',
            id: 'password',
            kind: 'password',
            createdAt: instant(-1500),
            lastUsedAt: instant(-1421),
          }),
        ],
      }),
    },
    {
      name: 'an inactive key',
      context: context({ accounts: [ci], credentials: [key('ci', { createdAt: instant(-400), active: false })] }),
    },
    {
      name: "a contractor's young key, and their deploy key (not long-lived personal)",
      context: context({
        accounts: [olga],
        credentials: [
          key('olga', { createdAt: instant(-10), lastUsedAt: instant(-1) }),
          key('olga', { id: 'deploy-key:9', kind: 'deploy-key', createdAt: instant(-60), lastUsedAt: instant(-1) }),
        ],
        register: olgaRegister,
      }),
    },
    {
      name: 'a stricter policy is honoured both ways',
      context: context({
        accounts: [ci],
        credentials: [key('ci', { createdAt: instant(-400), lastUsedAt: instant(-120) })],
        policy: { staleCredentialDays: 180 },
      }),
    },
  ],
});
