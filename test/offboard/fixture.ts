// A small hand-made company for offboarding tests: Sam, a freelance developer whose engagement
// ended, still holds GitHub collaborator access, a Slack guest account, an IAM user with a key,
// an inherited GCP binding, and could read repository secrets; Dana is an employee who stays.
import type { Account, Attributes, Credential, Grant, Secret, Snapshot } from '../../src/core/model.js';
import { type Register, RegisterSchema } from '../../src/core/register.js';
import { day, instant, NOW, status } from '../support/builders.js';

export { NOW };

const AWS_ACCOUNT = '111111111111';
export const SAM_ARN = `arn:aws:iam::${AWS_ACCOUNT}:user/sam-ortiz`;
export const OPS_ARN = `arn:aws:iam::${AWS_ACCOUNT}:user/ops-admin`;
const GCP_ORG = 'organizations/123456789012';
const CI_DEPLOYER = 'serviceAccount:ci-deployer@northwind-shop-prod.iam.gserviceaccount.com';

export const REGISTER_YAML = `organization: Northwind Supply
people:
  - id: dana
    name: Dana Whitfield
    kind: employee
    emails: [dana@northwind.example]
    accounts: { github: dana-w }
  - id: sam
    name: Sam Ortiz
    kind: contractor
    owner: dana
    emails: [sam@ortiz.dev]
    accounts: { github: samortiz, aws: sam-ortiz }
    start: ${day(-185)}
    end: ${day(-182)}
    grants:
      - task: Fix the payment step that fails on some phones
        system: github
        scope: northwind/shop
        lane: code
        access: write
        start: ${day(-185)}
        end: ${day(-182)}
        ticket: SHOP-142
shared_accounts:
  - system: aws
    id: ops-admin
    kind: shared
    owner: dana
    purpose: Console access for production incidents
    users: [dana, sam]
`;

export function register(): Register {
  return RegisterSchema.parse({
    organization: 'Northwind Supply',
    people: [
      {
        id: 'dana',
        name: 'Dana Whitfield',
        kind: 'employee',
        emails: ['dana@northwind.example'],
        accounts: { github: 'dana-w' },
      },
      {
        id: 'sam',
        name: 'Sam Ortiz',
        kind: 'contractor',
        owner: 'dana',
        emails: ['sam@ortiz.dev'],
        accounts: { github: 'samortiz', aws: 'sam-ortiz' },
        start: day(-185),
        end: day(-182),
        grants: [
          {
            task: 'Fix the payment step that fails on some phones',
            system: 'github',
            scope: 'northwind/shop',
            lane: 'code',
            access: 'write',
            start: day(-185),
            end: day(-182),
            ticket: 'SHOP-142',
          },
        ],
      },
    ],
    shared_accounts: [
      {
        system: 'aws',
        id: 'ops-admin',
        kind: 'shared',
        owner: 'dana',
        purpose: 'Console access for production incidents',
        users: ['dana', 'sam'],
      },
    ],
  });
}

const gh = (fields: Partial<Account> & { id: string }): Account => ({
  system: 'github',
  target: 'northwind',
  login: fields.id,
  emails: [],
  kind: 'human',
  status: 'active',
  ...fields,
});

const ghGrant = (fields: Partial<Grant> & { account: string; resource: string; permission: string }): Grant => ({
  system: 'github',
  target: 'northwind',
  via: 'direct',
  lanes: ['code'],
  level: 'write',
  ...fields,
});

/** Sam's leftovers in every system, Dana's own access, and secrets. */
export function snapshot(): Snapshot {
  const accounts: Account[] = [
    gh({ id: 'dana-w', role: 'owner', emails: ['dana@northwind.example'], attributes: { affiliation: 'member' } }),
    gh({ id: 'samortiz', role: 'outside-collaborator', emails: ['sam@ortiz.dev'] }),
    gh({
      id: 'deploy-key:northwind/shop:4242',
      login: 'sam laptop',
      kind: 'bot',
      attributes: { affiliation: 'deploy-key', repo: 'northwind/shop', addedBy: 'samortiz' },
    }),
    {
      system: 'slack',
      target: 'T0NORTHWND',
      id: 'U0SAM',
      login: 'sam.ortiz',
      emails: ['sam@ortiz.dev'],
      kind: 'human',
      status: 'active',
      role: 'multi-channel-guest',
    },
    {
      system: 'aws',
      target: AWS_ACCOUNT,
      id: SAM_ARN,
      login: 'sam-ortiz',
      emails: [],
      kind: 'human',
      status: 'active',
    },
    {
      system: 'aws',
      target: AWS_ACCOUNT,
      id: OPS_ARN,
      login: 'ops-admin',
      emails: [],
      kind: 'human',
      status: 'active',
    },
    {
      system: 'gcp',
      target: GCP_ORG,
      id: 'user:sam@ortiz.dev',
      login: 'sam@ortiz.dev',
      emails: ['sam@ortiz.dev'],
      kind: 'human',
      status: 'active',
    },
    {
      system: 'gcp',
      target: GCP_ORG,
      id: CI_DEPLOYER,
      login: 'ci-deployer@northwind-shop-prod.iam.gserviceaccount.com',
      emails: ['ci-deployer@northwind-shop-prod.iam.gserviceaccount.com'],
      kind: 'service',
      status: 'active',
      attributes: { project: 'projects/northwind-shop-prod' },
    },
  ];
  const editor = (project: string): Grant => ({
    system: 'gcp',
    target: GCP_ORG,
    account: 'user:sam@ortiz.dev',
    resource: `projects/${project}`,
    permission: 'roles/editor',
    via: 'inherited',
    viaName: 'folders/987654321098 (prod)',
    lanes: ['data', 'production'],
    level: 'write',
    attributes: { grantedOn: 'folders/987654321098', memberType: 'user' },
  });
  const grants: Grant[] = [
    ghGrant({ account: 'dana-w', resource: 'northwind', permission: 'owner', via: 'org-role', level: 'admin' }),
    ghGrant({ account: 'samortiz', resource: 'northwind/shop', permission: 'push' }),
    ghGrant({
      account: 'samortiz',
      resource: 'northwind/infra',
      permission: 'admin',
      level: 'admin',
      lanes: ['production'],
    }),
    ghGrant({ account: 'deploy-key:northwind/shop:4242', resource: 'northwind/shop', permission: 'write' }),
    {
      system: 'slack',
      target: 'T0NORTHWND',
      account: 'U0SAM',
      resource: '#checkout-fix',
      permission: 'channel-member',
      via: 'membership',
      lanes: ['code'],
      level: 'write',
      attributes: { channelId: 'C0CHECKOUT' },
    },
    {
      system: 'aws',
      target: AWS_ACCOUNT,
      account: SAM_ARN,
      resource: AWS_ACCOUNT,
      permission: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
      via: 'group',
      viaName: 'readers',
      lanes: ['data'],
      level: 'read',
      attributes: { aliases: ['northwind-production'] },
    },
    editor('northwind-shop-prod'),
    editor('northwind-analytics'),
  ];
  const credentials: Credential[] = [
    {
      system: 'aws',
      target: AWS_ACCOUNT,
      account: SAM_ARN,
      kind: 'access-key',
      id: 'AKIAIOSFODNN7EXAMPLE',
      createdAt: instant(-184),
      lastUsedAt: instant(-3),
      active: true,
    },
    {
      system: 'aws',
      target: AWS_ACCOUNT,
      account: OPS_ARN,
      kind: 'access-key',
      id: 'AKIA…OPS1',
      createdAt: instant(-400),
      active: true,
    },
    {
      system: 'github',
      target: 'northwind',
      account: 'deploy-key:northwind/shop:4242',
      kind: 'deploy-key',
      id: 'deploy-key:4242',
      resource: 'northwind/shop',
      active: true,
      attributes: { title: 'sam laptop', addedBy: 'samortiz' },
    },
    {
      system: 'gcp',
      target: GCP_ORG,
      account: CI_DEPLOYER,
      kind: 'sa-key',
      id: '3f9c2b7a…3b4c',
      createdAt: instant(-400),
      active: true,
      attributes: { project: 'projects/northwind-shop-prod' },
    },
  ];
  const secrets: (Secret & { attributes?: Attributes })[] = [
    {
      system: 'github',
      target: 'northwind',
      resource: 'northwind/shop',
      name: 'STRIPE_SECRET_KEY',
      updatedAt: instant(-120),
    },
    {
      system: 'github',
      target: 'northwind',
      resource: 'northwind/infra',
      name: 'AWS_DEPLOY_ROLE_ARN',
      updatedAt: instant(-500),
    },
    {
      system: 'github',
      target: 'northwind',
      resource: 'northwind/storefront',
      name: 'CDN_TOKEN',
      updatedAt: instant(-500),
    },
    // The visibility GitHub lists with an organisation secret, which its rotation passes again.
    {
      system: 'github',
      target: 'northwind',
      resource: 'northwind',
      name: 'NPM_TOKEN',
      updatedAt: instant(-200),
      attributes: { visibility: 'all' },
    },
  ];
  return {
    schemaVersion: 1,
    collectedAt: NOW.toISOString(),
    systems: [
      status('github', 'northwind'),
      status('slack', 'T0NORTHWND'),
      status('aws', AWS_ACCOUNT),
      status('gcp', 'projects/northwind-shop-prod'),
    ],
    accounts,
    grants,
    credentials,
    secrets,
  };
}

/**
 * The same company after Sam's offboarding was carried out: Sam's accounts, grants and keys are
 * gone, the shared key and the service-account key were replaced, and the secrets have new values.
 */
export function cleanedSnapshot(): Snapshot {
  const s = snapshot();
  const sams = new Set(['samortiz', 'deploy-key:northwind/shop:4242', 'U0SAM', SAM_ARN, 'user:sam@ortiz.dev']);
  return {
    ...s,
    accounts: s.accounts.filter((a) => !sams.has(a.id)),
    grants: s.grants.filter((g) => !sams.has(g.account)),
    credentials: s.credentials
      .filter((c) => !sams.has(c.account))
      .map((c) => ({ ...c, createdAt: instant(-1), id: c.kind === 'access-key' ? 'AKIA…NEW2' : '9a8b7c6d…1e2f' })),
    secrets: s.secrets.map((x) => ({ ...x, updatedAt: instant(-1) })),
  };
}
