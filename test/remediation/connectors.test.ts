import { describe, expect, it } from 'vitest';
import { remediation as aws } from '../../connectors/aws/remediation.js';
import { remediation as gcp } from '../../connectors/gcp/remediation.js';
import { remediation as github } from '../../connectors/github/remediation.js';
import { remediation as slack } from '../../connectors/slack/remediation.js';
import type { Account, Credential, Grant, Secret } from '../../src/core/model.js';
import type { Remediation } from '../../src/core/remediation.js';
import { fakeToolsForFile, shellWords } from './run.js';

const tools = fakeToolsForFile();
/** Names an attacker could choose for a login, a repo, a role or a team. */
const EVIL = tools.evil;

function account(fields: Partial<Account> & { id: string; system: string }): Account {
  return { target: 'northwind', login: fields.id, emails: [], kind: 'human', status: 'active', ...fields };
}

function grant(fields: Partial<Grant> & { account: string; resource: string; system: string }): Grant {
  return { target: 'northwind', permission: 'push', via: 'direct', lanes: ['code'], level: 'write', ...fields };
}

/** Runs each command; returns the recorded calls. Fails if the canary appeared. */
function calls(plan: Remediation): string[][] {
  return tools.calls(plan.commands);
}

describe('github', () => {
  it('removes an outside collaborator from the org, and a collaborator from one repo', () => {
    const sam = account({ system: 'github', id: 'samortiz', role: 'outside-collaborator' });
    expect(calls(github.removeAccount(sam, { grants: [], credentials: [] }))).toEqual([
      ['gh', 'api', '--method', 'DELETE', 'orgs/northwind/outside_collaborators/samortiz'],
    ]);
    const g = grant({ system: 'github', account: 'samortiz', resource: 'northwind/shop' });
    expect(calls(github.revokeGrant(g, sam))).toEqual([
      ['gh', 'api', '--method', 'DELETE', 'repos/northwind/shop/collaborators/samortiz'],
    ]);
  });

  it('lowers a direct permission, removes from a team, demotes an owner, removes a member', () => {
    const g = grant({ system: 'github', account: 'omar', resource: 'northwind/shop', permission: 'push' });
    expect(calls(github.lowerGrant!(g, 'read')!)).toEqual([
      ['gh', 'api', '--method', 'PUT', 'repos/northwind/shop/collaborators/omar', '-f', 'permission=pull'],
    ]);
    const team = grant({ system: 'github', account: 'lee', resource: 'northwind/infra', via: 'team', viaName: 'eng' });
    expect(github.lowerGrant!(team, 'read')).toBeUndefined();
    expect(calls(github.revokeGrant(team))).toEqual([
      ['gh', 'api', '--method', 'DELETE', 'orgs/northwind/teams/eng/memberships/lee'],
    ]);
    const owner = grant({
      system: 'github',
      account: 'ops',
      resource: 'northwind',
      via: 'org-role',
      permission: 'owner',
    });
    expect(calls(github.revokeGrant(owner))).toEqual([
      ['gh', 'api', '--method', 'PUT', 'orgs/northwind/memberships/ops', '-f', 'role=member'],
    ]);
    const member = account({ system: 'github', id: 'priyar', role: 'member' });
    expect(calls(github.removeAccount(member, { grants: [], credentials: [] }))).toEqual([
      ['gh', 'api', '--method', 'DELETE', 'orgs/northwind/memberships/priyar'],
    ]);
  });

  it('deletes a deploy key, cancels an invitation, revokes a PAT grant by its token id', () => {
    const key: Credential = {
      system: 'github',
      target: 'northwind',
      account: 'deploy-key:northwind/shop:4242',
      kind: 'deploy-key',
      id: 'deploy-key:4242',
      resource: 'northwind/shop',
      active: true,
    };
    expect(calls(github.revokeCredential(key))).toEqual([
      ['gh', 'api', '--method', 'DELETE', 'repos/northwind/shop/keys/4242'],
    ]);
    const invite = account({ system: 'github', id: 'invitation:77', login: 'new@x.example', status: 'invited' });
    expect(calls(github.cancelInvitation!(invite))).toEqual([
      ['gh', 'api', '--method', 'DELETE', 'orgs/northwind/invitations/77'],
    ]);
    const pat: Credential = { ...key, account: 'samortiz', kind: 'pat', id: 'fine-grained-pat:98716' };
    const [line] = github.revokeCredential(pat).commands;
    // The lookup prints the grant's id; the revoke goes to that grant.
    expect(tools.run(line!, '25381\n')).toEqual([
      [
        'gh',
        'api',
        '--paginate',
        'orgs/northwind/personal-access-tokens',
        '--jq',
        '.[] | select(.token_id == 98716) | .id',
      ],
      ['gh', 'api', '--method', 'POST', 'orgs/northwind/personal-access-tokens/25381', '-f', 'action=revoke'],
    ]);
  });

  it('revokes a fine-grained PAT in the settings first: its REST endpoints answer only a GitHub App', () => {
    const pat: Credential = {
      system: 'github',
      target: 'northwind',
      account: 'samortiz',
      kind: 'pat',
      id: 'fine-grained-pat:98716',
      active: true,
      attributes: { tokenName: 'sam-cli' },
    };
    const plan = github.revokeCredential(pat);
    expect(plan.steps[0]).toBe(
      `Revoke samortiz's fine-grained token "sam-cli" in northwind: Organization settings › Personal access tokens › Active tokens › "sam-cli" › Revoke.`,
    );
    // The command is there, and says it needs a GitHub App's installation token, not a gh login.
    expect(plan.commands).toHaveLength(1);
    expect(plan.steps[1]).toMatch(/GH_TOKEN set to an installation token of a GitHub App/);
    expect(plan.steps[1]).toMatch(/organization_personal_access_tokens\) set to write/);
    expect(plan.steps[1]).toMatch(/a personal or OAuth token \(a normal gh login\) is refused/);
    // Without a token id there is no command, so no step points at one.
    const unnamed = github.revokeCredential({ ...pat, id: 'fine-grained-pat:unknown', attributes: {} });
    expect(unnamed.commands).toEqual([]);
    expect(unnamed.steps).toEqual([
      `Revoke samortiz's fine-grained token in northwind: Organization settings › Personal access tokens › Active tokens › the token of samortiz › Revoke.`,
    ]);
  });

  it('rotates repo and org secrets with gh secret set, the name after --', () => {
    const repoSecret: Secret = { system: 'github', target: 'northwind', resource: 'northwind/shop', name: 'STRIPE' };
    expect(calls(github.rotateSecret!(repoSecret))).toEqual([
      ['gh', 'secret', 'set', '--repo=northwind/shop', '--', 'STRIPE'],
    ]);
    // An org secret keeps the visibility the scan read (github-secrets.test.ts has every form).
    const orgSecret = { ...repoSecret, resource: 'northwind', name: '-NPM', attributes: { visibility: 'private' } };
    expect(calls(github.rotateSecret!(orgSecret))).toEqual([
      ['gh', 'secret', 'set', '--org=northwind', '--visibility=private', '--', '-NPM'],
    ]);
  });

  it('keeps hostile names inside one URL-encoded path segment', () => {
    const evil = account({ system: 'github', id: EVIL, role: 'outside-collaborator' });
    const g = grant({ system: 'github', account: EVIL, resource: `northwind/${EVIL}/../x` });
    expect(calls(github.revokeGrant(g, evil))).toEqual([
      [
        'gh',
        'api',
        '--method',
        'DELETE',
        `repos/northwind/${encodeURIComponent(`${EVIL}/../x`)}/collaborators/${encodeURIComponent(EVIL)}`,
      ],
    ]);
  });
});

describe('aws', () => {
  const USER = 'arn:aws:iam::111111111111:user/sam-ortiz';
  const sam = account({ system: 'aws', target: '111111111111', id: USER, login: 'sam-ortiz' });

  it('deactivates then deletes an access key, deletes a login profile', () => {
    const key: Credential = {
      system: 'aws',
      target: '111111111111',
      account: USER,
      kind: 'access-key',
      id: 'AKIAIOSFODNN7EXAMPLE',
      active: true,
    };
    expect(calls(aws.revokeCredential(key, sam))).toEqual([
      [
        'aws',
        'iam',
        'update-access-key',
        '--user-name=sam-ortiz',
        '--access-key-id=AKIAIOSFODNN7EXAMPLE',
        '--status=Inactive',
      ],
      ['aws', 'iam', 'delete-access-key', '--user-name=sam-ortiz', '--access-key-id=AKIAIOSFODNN7EXAMPLE'],
    ]);
    expect(calls(aws.revokeCredential({ ...key, kind: 'password', id: 'console' }, sam))).toEqual([
      ['aws', 'iam', 'delete-login-profile', '--user-name=sam-ortiz'],
    ]);
  });

  it("deletes a root key in the console, or through a root session of the organisation's management account", () => {
    const root = 'arn:aws:iam::222222222222:root';
    const key: Credential = {
      system: 'aws',
      target: '222222222222',
      account: root,
      kind: 'access-key',
      id: 'root access key 1',
      active: true,
    };
    const plan = aws.revokeCredential(key, account({ system: 'aws', target: '222222222222', id: root, login: 'root' }));
    expect(plan.commands).toEqual([]);
    expect(plan.steps).toEqual([
      'Sign in to account 222222222222 as root › Security credentials, and delete the root access key 1.',
      expect.stringContaining(
        'aws sts assume-root --target-principal 222222222222 --task-policy-arn arn=arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials',
      ),
    ]);
  });

  it('finds a shortened key again by its ends', () => {
    const key: Credential = {
      system: 'aws',
      target: '111111111111',
      account: USER,
      kind: 'access-key',
      id: 'AKIA…MPLE',
      active: true,
    };
    const [deactivate] = aws.revokeCredential(key, sam).commands;
    // The lookup prints the full id; xargs hands it to the deactivation as the option's value.
    expect(tools.run(deactivate!, 'AKIAIOSFODNN7EXAMPLE\n')).toEqual([
      [
        'aws',
        'iam',
        'list-access-keys',
        '--user-name=sam-ortiz',
        '--query=AccessKeyMetadata[?starts_with(AccessKeyId, `"AKIA"`) && ends_with(AccessKeyId, `"MPLE"`)].AccessKeyId',
        '--output=text',
      ],
      [
        'aws',
        'iam',
        'update-access-key',
        '--user-name=sam-ortiz',
        '--status=Inactive',
        '--access-key-id',
        'AKIAIOSFODNN7EXAMPLE',
      ],
    ]);
    // Nothing found: nothing is deactivated.
    expect(tools.run(deactivate!)).toHaveLength(1);
  });

  it('detaches a managed policy, deletes an inline one, removes from a group', () => {
    const managed = grant({
      system: 'aws',
      target: '111111111111',
      account: USER,
      resource: '111111111111',
      permission: 'arn:aws:iam::aws:policy/AdministratorAccess',
    });
    expect(calls(aws.revokeGrant(managed, sam))).toEqual([
      [
        'aws',
        'iam',
        'detach-user-policy',
        '--user-name=sam-ortiz',
        '--policy-arn=arn:aws:iam::aws:policy/AdministratorAccess',
      ],
    ]);
    expect(
      calls(
        aws.revokeGrant({ ...managed, permission: 'logs-read (inline)', attributes: { policyName: 'logs-read' } }, sam),
      ),
    ).toEqual([['aws', 'iam', 'delete-user-policy', '--user-name=sam-ortiz', '--policy-name=logs-read']]);
    // Several policies decide it together: their names are for people, not a policy name to delete.
    const several = aws.revokeGrant(
      { ...managed, permission: 'AmazonS3ReadOnlyAccess, ReadOnlyAccess (group developers) (data read: s3:GetObject)' },
      sam,
    );
    expect(several.commands).toEqual([]);
    expect(several.steps[0]).toMatch(/detach or edit each policy that gives it/);
    expect(calls(aws.revokeGrant({ ...managed, via: 'group', viaName: 'admins' }, sam))).toEqual([
      ['aws', 'iam', 'remove-user-from-group', '--group-name=admins', '--user-name=sam-ortiz'],
    ]);
  });

  it("removes a role's trust of an outside account: download, edit, upload", () => {
    const outsider = account({
      system: 'aws',
      target: '111111111111',
      id: 'arn:aws:iam::999999999999:root',
      login: '999999999999',
      kind: 'external',
    });
    const trust = grant({
      system: 'aws',
      target: '111111111111',
      account: outsider.id,
      resource: '111111111111',
      permission: 'sts:AssumeRole',
      via: 'role',
      viaName: 'vendor-access',
    });
    const plan = aws.revokeGrant(trust, outsider);
    expect(plan.steps.join(' ')).toMatch(/remove the statement \(or principal\) that trusts 999999999999/);
    expect(plan.commands[0]).toBe(
      'aws iam get-role --role-name=vendor-access --query=Role.AssumeRolePolicyDocument --output=json > trust-policy-vendor-access.json',
    );
    expect(shellWords(plan.commands[1]!)).toEqual([
      'aws',
      'iam',
      'update-assume-role-policy',
      '--role-name=vendor-access',
      '--policy-document=file://trust-policy-vendor-access.json',
    ]);
  });

  it('deletes an Identity Center assignment with instance, account, permission set and principal', () => {
    const assignment = grant({
      system: 'aws',
      target: '222222222222',
      account: 'identitystore:d-1234567890:user/olga',
      resource: '222222222222',
      permission: 'ReadOnlyAccess',
      via: 'permission-set',
      viaName: 'ReadOnly',
      attributes: {
        instanceArn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef',
        permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-1234567890abcdef',
        principalId: '906746f1-f0c1-7034-cd1b-123456789012',
        principalType: 'USER',
      },
    });
    expect(calls(aws.revokeGrant(assignment))).toEqual([
      [
        'aws',
        'sso-admin',
        'delete-account-assignment',
        '--instance-arn=arn:aws:sso:::instance/ssoins-1234567890abcdef',
        '--target-id=222222222222',
        '--target-type=AWS_ACCOUNT',
        '--permission-set-arn=arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-1234567890abcdef',
        '--principal-type=USER',
        '--principal-id=906746f1-f0c1-7034-cd1b-123456789012',
      ],
    ]);
    const unknown = aws.revokeGrant({ ...assignment, attributes: {} });
    expect(unknown.commands).toEqual([]);
    expect(unknown.steps.join(' ')).toMatch(/aws sso-admin list-instances/);
  });

  it('cuts a path from a permission set into a role in the set, not by deleting the assignment', () => {
    const path = grant({
      system: 'aws',
      target: '100000000001',
      account: 'arn:aws:identitystore:::user/u-raj',
      resource: '300000000003',
      permission: 'can assume org-analytics-reader: read-lake (inline)',
      via: 'role',
      viaName: 'org-analytics-reader',
      attributes: {
        assignmentAccount: '200000000002',
        assumeAllowedBy: 'ProdDeployer (inline): Allow sts:AssumeRole on arn:aws:iam::*:role/org-*',
        instanceArn: 'arn:aws:sso:::instance/ssoins-7223000000000001',
        permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-7223000000000001/ps-0000000000000003',
        permissionSetName: 'ProdDeployer',
        principalId: 'u-raj',
        principalType: 'USER',
        roleAccount: '300000000003',
        roleName: 'org-analytics-reader',
        trustNamesHolder: 'false',
      },
    });
    const plan = aws.revokeGrant(path);
    expect(calls(plan).map((c) => c.slice(0, 3))).toEqual([
      ['aws', 'sso-admin', 'get-inline-policy-for-permission-set'],
      ['aws', 'sso-admin', 'put-inline-policy-to-permission-set'],
      ['aws', 'sso-admin', 'provision-permission-set'],
      ['aws', 'iam', 'get-role'],
      ['aws', 'iam', 'update-assume-role-policy'],
    ]);
    expect(plan.steps[0]).toMatch(
      /^Take sts:AssumeRole on org-analytics-reader away from the permission set ProdDeployer/,
    );
    expect(plan.steps[1]).toContain('instead of every principal of account 200000000002');
    expect(plan.steps[1]).toContain('credentials for AWS account 300000000003');
  });

  it('deletes an IAM user after everything that blocks the deletion', () => {
    const key: Credential = {
      system: 'aws',
      target: '111111111111',
      account: USER,
      kind: 'access-key',
      id: 'AKIAIOSFODNN7EXAMPLE',
      active: true,
    };
    const g = grant({
      system: 'aws',
      target: '111111111111',
      account: USER,
      resource: '111111111111',
      via: 'group',
      viaName: 'readers',
    });
    const plan = aws.removeAccount(sam, { grants: [g], credentials: [key] });
    // What the user holds is listed when the commands run: a grant's description names policies
    // for people ("AmazonS3ReadOnlyAccess, ReadOnlyAccess (group developers)"), not for IAM.
    expect(
      plan.commands.map((c) =>
        c.replace(/^aws iam ([a-z-]+).*?(?:\| xargs -r -n1 aws iam ([a-z-]+).*)?$/, '$1 $2').trim(),
      ),
    ).toEqual([
      'update-access-key',
      'delete-access-key',
      'delete-login-profile',
      'list-access-keys delete-access-key',
      'list-signing-certificates delete-signing-certificate',
      'list-ssh-public-keys delete-ssh-public-key',
      'list-service-specific-credentials delete-service-specific-credential',
      'list-mfa-devices deactivate-mfa-device',
      'list-user-policies delete-user-policy',
      'list-attached-user-policies detach-user-policy',
      'list-groups-for-user remove-user-from-group',
      'delete-user',
    ]);
    expect(plan.commands).toContain(
      "aws iam list-groups-for-user --user-name=sam-ortiz '--query=Groups[].GroupName' --output=text | xargs -r -n1 aws iam remove-user-from-group --user-name=sam-ortiz --group-name",
    );
    // Each lookup's names reach the removal as the option's value, one call each.
    const groups = plan.commands.find((c) => c.includes('list-groups-for-user'))!;
    expect(tools.run(groups, 'developers\treaders\n').slice(1)).toEqual([
      ['aws', 'iam', 'remove-user-from-group', '--user-name=sam-ortiz', '--group-name', 'developers'],
      ['aws', 'iam', 'remove-user-from-group', '--user-name=sam-ortiz', '--group-name', 'readers'],
    ]);
    expect(calls(plan)).toHaveLength(plan.commands.length);
  });

  it('takes a person out of an Identity Center group, not the group’s assignment away from everyone', () => {
    const zoe = account({
      system: 'aws',
      target: '111111111111',
      id: 'arn:aws:identitystore:::user/u-zoe',
      login: 'zoe.kramer',
      attributes: { identityStoreId: 'd-1111aaaabb' },
    });
    const viaGroup = grant({
      system: 'aws',
      target: '111111111111',
      account: zoe.id,
      resource: '111111111111',
      permission: 'ProdViewOnly (metadata read)',
      via: 'group',
      viaName: 'Contractors',
      attributes: {
        assignmentAccount: '111111111111',
        instanceArn: 'arn:aws:sso:::instance/ssoins-1111aaaabbbbcccc',
        permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1111aaaabbbbcccc/ps-bbbbccccddddeeee',
        permissionSetName: 'ProdViewOnly',
        principalId: 'g-contractors',
        principalType: 'GROUP',
      },
    });
    const plan = aws.revokeGrant(viaGroup, zoe);
    expect(plan.steps[0]).toMatch(/^Remove zoe\.kramer from the Identity Center group Contractors/);
    expect(tools.run(plan.commands[0]!, 'm-1234\n')).toEqual([
      [
        'aws',
        'identitystore',
        'get-group-membership-id',
        '--identity-store-id=d-1111aaaabb',
        '--group-id=g-contractors',
        '--member-id=UserId=u-zoe',
        '--query=MembershipId',
        '--output=text',
      ],
      [
        'aws',
        'identitystore',
        'delete-group-membership',
        '--identity-store-id=d-1111aaaabb',
        '--membership-id',
        'm-1234',
      ],
    ]);
    expect(plan.commands.join(' ')).not.toContain('delete-account-assignment');
  });

  it('passes a hostile user name as one option value', () => {
    const evil = account({
      system: 'aws',
      target: '111111111111',
      id: `arn:aws:iam::111111111111:user/x`,
      login: `-${EVIL}`,
    });
    expect(
      calls(
        aws.revokeCredential(
          { system: 'aws', target: '111111111111', account: evil.id, kind: 'password', id: 'p', active: true },
          evil,
        ),
      ),
    ).toEqual([['aws', 'iam', 'delete-login-profile', `--user-name=-${EVIL}`]]);
  });
});

describe('gcp', () => {
  const editor = grant({
    system: 'gcp',
    target: 'organizations/1',
    account: 'user:sam@ortiz.dev',
    resource: 'projects/shop-prod',
    permission: 'roles/editor',
    via: 'inherited',
    viaName: 'folders/987654321098 (prod)',
    attributes: { grantedOn: 'folders/987654321098' },
  });

  it('removes an inherited binding where it was granted', () => {
    expect(calls(gcp.revokeGrant(editor))).toEqual([
      [
        'gcloud',
        'resource-manager',
        'folders',
        'remove-iam-policy-binding',
        '987654321098',
        '--member=user:sam@ortiz.dev',
        '--role=roles/editor',
        '--all',
      ],
    ]);
    const direct = {
      ...editor,
      via: 'direct' as const,
      viaName: undefined,
      attributes: { grantedOn: 'projects/shop-prod' },
    };
    expect(calls(gcp.revokeGrant(direct))[0]!.slice(0, 5)).toEqual([
      'gcloud',
      'projects',
      'remove-iam-policy-binding',
      'shop-prod',
      '--member=user:sam@ortiz.dev',
    ]);
    const org = { ...editor, attributes: { grantedOn: 'organizations/123' } };
    expect(calls(gcp.revokeGrant(org))[0]!.slice(0, 4)).toEqual([
      'gcloud',
      'organizations',
      'remove-iam-policy-binding',
      '123',
    ]);
  });

  it('names the condition of a conditional binding, with another delimiter when it holds a comma', () => {
    const expression = 'request.time < timestamp("2026-12-01T00:00:00Z")';
    const conditional = {
      ...editor,
      attributes: { grantedOn: 'projects/p1', condition: expression, conditionTitle: 'Until December' },
    };
    expect(calls(gcp.revokeGrant(conditional))[0]!.at(-1)).toBe(
      `--condition=expression=${expression},title=Until December`,
    );
    const comma = 'resource.name.startsWith("a,b")';
    const withComma = { ...editor, attributes: { grantedOn: 'projects/p1', condition: comma, conditionTitle: 't' } };
    expect(calls(gcp.revokeGrant(withComma))[0]!.at(-1)).toBe(`--condition=^;^expression=${comma};title=t`);
  });

  it('disables a service-account key (a full id directly, a shortened one by its ends)', () => {
    const key: Credential = {
      system: 'gcp',
      target: 'organizations/1',
      account: 'serviceAccount:ci@shop-prod.iam.gserviceaccount.com',
      kind: 'sa-key',
      id: '3f9c2b7a41d05e86c1a2b3c4d5e6f708192a3b4c',
      active: true,
      attributes: { project: 'projects/shop-prod' },
    };
    expect(calls(gcp.revokeCredential(key))[0]).toEqual([
      'gcloud',
      'iam',
      'service-accounts',
      'keys',
      'disable',
      '3f9c2b7a41d05e86c1a2b3c4d5e6f708192a3b4c',
      '--iam-account=ci@shop-prod.iam.gserviceaccount.com',
      '--project=shop-prod',
    ]);
    const [lookup] = gcp.revokeCredential({ ...key, id: '3f9c2b7a…3b4c' }).commands;
    expect(calls({ steps: [], commands: [lookup!] })[0]).toContain('--filter=name~/keys/3f9c2b7a[0-9a-f]*3b4c$');
  });

  it('refuses to put an id that could be an option in a positional place', () => {
    const plan = gcp.revokeGrant({ ...editor, attributes: { grantedOn: 'projects/-rf' } });
    expect(plan.commands).toEqual([]);
    expect(plan.steps.join(' ')).toMatch(/console/);
  });

  it('passes a hostile member and role as option values', () => {
    const evil = { ...editor, account: `user:${EVIL}`, permission: `roles/${EVIL}` };
    expect(calls(gcp.revokeGrant(evil))[0]!.slice(5, 7)).toEqual([`--member=user:${EVIL}`, `--role=roles/${EVIL}`]);
  });
});

describe('slack', () => {
  it('gives the admin page steps with handle and id, and no commands', () => {
    const guest = account({
      system: 'slack',
      target: 'T1',
      id: 'U0SAM',
      login: 'sam.ortiz',
      role: 'multi-channel-guest',
    });
    const plan = slack.removeAccount(guest);
    expect(plan.commands).toEqual([]);
    expect(plan.steps[0]).toBe(
      'Deactivate the guest @sam.ortiz (U0SAM): Workspace settings › Manage members › search for sam.ortiz › ⋯ › Deactivate account.',
    );
    const channel = grant({
      system: 'slack',
      target: 'T1',
      account: 'U0SAM',
      resource: '#checkout-fix',
      permission: 'channel-member',
      via: 'membership',
    });
    const kick = slack.revokeGrant(channel, guest);
    expect(kick.commands).toEqual([]);
    expect(kick.steps[0]).toMatch(/Remove @sam\.ortiz \(U0SAM\) from #checkout-fix.*conversations\.kick/);
  });
});
