import { mfaMissing } from '../../src/rules/mfa-missing.js';
import { account, approval, context, contractor, credential, dana, grant, register } from '../support/builders.js';
import { ruleTester } from './tester.js';

const omar = (mfa?: boolean) => account({ id: 'omar-qa', ...(mfa === undefined ? {} : { mfa }) });
const omarRead = grant({ account: 'omar-qa', resource: 'northwind/shop', permission: 'pull', level: 'read' });
const omarRegister = register({
  people: [dana, contractor('omar', { accounts: { github: 'omar-qa' }, grants: [approval({ access: 'read' })] })],
});
const iamUser = (fields = {}) =>
  account({ system: 'aws', target: '1', id: 'arn:aws:iam::1:user/lee', login: 'lee', mfa: false, ...fields });
const prodWrite = grant({
  system: 'aws',
  target: '1',
  account: 'arn:aws:iam::1:user/lee',
  resource: '1',
  permission: 'PowerUserAccess',
  lanes: ['production'],
});

ruleTester(mfaMissing, {
  fires: [
    {
      name: 'any contractor without 2FA, even read-only',
      context: context({ accounts: [omar(false)], grants: [omarRead], register: omarRegister }),
      expect: [{ account: 'omar-qa', person: 'omar', evidence: ['has no MFA', 'omar, a contractor'] }],
    },
    {
      name: 'an employee with production access and a console password, no MFA',
      context: context({ accounts: [iamUser()], grants: [prodWrite], register: register({ people: [dana] }) }),
      expect: [{ account: 'arn:aws:iam::1:user/lee', evidence: ['it reaches production: 1'] }],
    },
    {
      name: 'a human IAM user who can use the console without MFA',
      context: context({
        accounts: [iamUser()],
        credentials: [
          credential({
            system: 'aws',
            target: '1',
            account: 'arn:aws:iam::1:user/lee',
            id: 'password',
            kind: 'password',
          }),
        ],
      }),
      expect: [{ account: 'arn:aws:iam::1:user/lee', evidence: ['sign in to the console with a password'] }],
    },
    {
      name: 'a Slack admin without 2FA',
      context: context({
        accounts: [account({ system: 'slack', target: 'T1', id: 'U1', login: 'lee', role: 'admin', mfa: false })],
      }),
      expect: [{ account: 'U1', evidence: ['it is an admin account'] }],
    },
    {
      name: 'root without MFA',
      context: context({
        accounts: [iamUser({ id: 'arn:aws:iam::1:root', login: 'root', kind: 'root', role: 'root' })],
      }),
      expect: [{ account: 'arn:aws:iam::1:root' }],
    },
  ],
  quiet: [
    {
      name: 'an IAM user with access keys only, even with production access: nothing a person signs in with',
      context: context({
        accounts: [iamUser({ interactive: false })],
        grants: [prodWrite],
        credentials: [
          credential({
            system: 'aws',
            target: '1',
            account: 'arn:aws:iam::1:user/lee',
            id: 'AKIA…LEE1',
            kind: 'access-key',
          }),
        ],
        register: register({ people: [dana] }),
      }),
    },
    {
      name: 'an IAM user with neither password nor key',
      context: context({ accounts: [iamUser({ interactive: false })], grants: [prodWrite] }),
    },
    {
      name: 'the designer with MFA on',
      context: context({ accounts: [omar(true)], grants: [omarRead], register: omarRegister }),
    },
    {
      name: 'MFA unknown: say nothing rather than guess',
      context: context({ accounts: [omar()], grants: [omarRead], register: omarRegister }),
    },
    {
      name: 'an employee without MFA on a read-only code repo',
      context: context({
        accounts: [account({ id: 'priyar', mfa: false })],
        grants: [grant({ account: 'priyar', resource: 'northwind/shop', level: 'read' })],
        register: register({
          people: [dana, { id: 'priya', name: 'Priya', kind: 'employee', accounts: { github: 'priyar' } }],
        }),
      }),
    },
    {
      name: 'a service account and a suspended human',
      context: context({
        accounts: [iamUser({ kind: 'service' }), iamUser({ id: 'arn:aws:iam::1:user/old', status: 'suspended' })],
        grants: [prodWrite, { ...prodWrite, account: 'arn:aws:iam::1:user/old' }],
      }),
    },
  ],
});
