import { unknownAccount } from '../../src/rules/unknown-account.js';
import { account, context, contractor, credential, dana, grant, register } from '../support/builders.js';
import { ruleTester } from './tester.js';

const stranger = account({ id: 'quickfix-dev' });
const readShop = grant({ account: 'quickfix-dev', resource: 'northwind/shop', permission: 'pull', level: 'read' });
const gmail = 'user:someone@gmail.com';
const gmailUser = account({
  system: 'gcp',
  target: 'organizations/1',
  id: gmail,
  login: 'someone@gmail.com',
  emails: ['someone@gmail.com'],
});
const gcpEditor = grant({
  system: 'gcp',
  target: 'organizations/1',
  account: gmail,
  resource: 'projects/shop-prod',
  permission: 'roles/editor',
  lanes: ['production', 'data'],
  level: 'write',
});
const connect = account({ system: 'slack', target: 'T1', id: 'T0AGENCY', login: 'Old Agency', kind: 'external' });

const role = account({
  system: 'aws',
  target: '111111111111',
  id: 'arn:aws:iam::111111111111:role/deploy',
  login: 'deploy',
  kind: 'service',
});
const roleGrant = grant({
  system: 'aws',
  target: '111111111111',
  account: role.id,
  resource: '111111111111',
  level: 'admin',
  lanes: ['production'],
});
const saKey = credential({
  system: 'aws',
  target: '111111111111',
  account: role.id,
  id: 'key-1',
  kind: 'sa-key',
  active: true,
});

ruleTester(unknownAccount, {
  fires: [
    {
      name: "another project's viewers, that project not read, reading a production bucket",
      context: context({
        accounts: [
          account({
            system: 'gcp',
            target: 'organizations/1',
            id: 'projectViewer:partner-sandbox',
            login: 'projectViewer:partner-sandbox',
            kind: 'unknown',
          }),
        ],
        grants: [
          grant({
            system: 'gcp',
            target: 'organizations/1',
            account: 'projectViewer:partner-sandbox',
            resource: 'projects/shop-prod/buckets/backups',
            permission: 'roles/storage.objectViewer',
            lanes: ['data'],
            level: 'read',
          }),
        ],
      }),
      expect: [{ account: 'projectViewer:partner-sandbox', severity: 'high' }],
    },
    {
      name: 'a service identity with a key of its own: whoever holds the key is nobody we know',
      context: context({ accounts: [role], grants: [roleGrant], credentials: [saKey] }),
      expect: [{ account: role.id, severity: 'high' }],
    },
    {
      name: 'an outside collaborator with write nobody knows',
      context: context({ accounts: [stranger], grants: [{ ...readShop, permission: 'push', level: 'write' }] }),
      expect: [
        {
          account: 'quickfix-dev',
          severity: 'high',
          evidence: ['no email and no register link', 'holds write (push) on northwind/shop'],
        },
      ],
    },
    {
      name: 'read-only access is medium',
      context: context({ accounts: [stranger], grants: [readShop] }),
      expect: [{ account: 'quickfix-dev', severity: 'medium' }],
    },
    {
      name: 'a gmail user with editor on production: high, with the email that matched nobody',
      context: context({ accounts: [gmailUser], grants: [gcpEditor], register: register({ people: [dana] }) }),
      expect: [
        {
          account: gmail,
          severity: 'high',
          evidence: ['email someone@gmail.com matches nobody', 'projects/shop-prod'],
        },
      ],
    },
    {
      name: 'a pending invitation is medium whatever it would grant',
      context: context({
        accounts: [account({ id: 'invitation:7', login: 'new@agency.example', status: 'invited', role: 'owner' })],
      }),
      expect: [{ account: 'invitation:7', severity: 'medium', evidence: ['pending invitation'] }],
    },
    {
      name: "another organisation's team in a shared channel",
      context: context({
        accounts: [connect],
        grants: [
          grant({
            system: 'slack',
            target: 'T1',
            account: 'T0AGENCY',
            resource: '#support-escalations',
            lanes: ['data'],
          }),
        ],
      }),
      expect: [{ account: 'T0AGENCY', severity: 'high', evidence: ['another organisation'] }],
    },
    {
      name: 'an account two people claim',
      context: context({
        accounts: [stranger],
        grants: [readShop],
        register: register({
          people: [
            dana,
            contractor('sam', { accounts: { github: 'quickfix-dev' } }),
            contractor('lee', { accounts: { github: 'quickfix-dev' } }),
          ],
        }),
      }),
      expect: [
        { account: 'quickfix-dev', title: 'Account claimed by several people', evidence: ['claimed by lee and sam'] },
      ],
    },
  ],
  quiet: [
    {
      name: 'a role with no credential of its own is reached only through principals judged in their own right',
      context: context({ accounts: [role], grants: [roleGrant] }),
    },
    {
      name: 'linked by email, case-insensitively',
      context: context({
        accounts: [account({ id: 'dana-w', emails: ['dana@northwind.example'] })],
        register: register({ people: [{ ...dana, emails: ['Dana@Northwind.example'] }] }),
      }),
    },
    {
      name: 'a declared bot',
      context: context({
        accounts: [account({ id: 'deploy-bot', kind: 'bot' })],
        grants: [grant({ account: 'deploy-bot', resource: 'northwind/shop' })],
        register: register({
          people: [dana],
          shared_accounts: [{ system: 'github', id: 'deploy-bot', kind: 'bot', owner: 'dana', purpose: 'deploys' }],
        }),
      }),
    },
    {
      name: 'deleted accounts, root and public principals',
      context: context({
        accounts: [
          { ...stranger, status: 'deleted' },
          account({ system: 'aws', target: '1', id: 'arn:aws:iam::1:root', login: 'root', kind: 'root' }),
          account({ system: 'gcp', target: 'o', id: 'allUsers', login: 'allUsers', kind: 'public' }),
        ],
        grants: [readShop],
      }),
    },
    {
      name: 'a group the register names',
      context: context({
        accounts: [
          account({
            system: 'gcp',
            target: 'o',
            id: 'group:eng@northwind.example',
            login: 'eng@northwind.example',
            kind: 'group',
          }),
        ],
        register: register({
          people: [dana],
          groups: [{ system: 'gcp', id: 'group:eng@northwind.example', members: ['dana'] }],
        }),
      }),
    },
  ],
});
