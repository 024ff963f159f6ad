// The emulator on the wire, without the SDK: awsQuery form posts answered with IAM's XML
// (namespace, <member> lists, URL-encoded documents, Marker paging, error envelopes), and
// awsJson1_1 with x-amz-target, NextToken and __type errors. The connector tests prove the
// SDK reads it; these pin the shapes AWS documents, so the emulator cannot drift into quirks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAwsEmulator } from '../../../connectors/aws/emulator/index.js';
import { AwsScenarioSchema } from '../../../connectors/aws/emulator/scenario.js';
import type { RunningEmulator } from '../../../src/core/connector.js';
import { demoScenarioJson, NOW } from './harness.js';

let emulator: RunningEmulator;
let key: string;

beforeAll(async () => {
  emulator = await startAwsEmulator(AwsScenarioSchema.parse(await demoScenarioJson()), {
    now: NOW,
    pageSize: 2,
  });
  key = emulator.env.LANEKEEPER_SANDBOX_AWS_ACCESS_KEY_ID as string;
});
afterAll(async () => {
  await emulator?.close();
});

function auth(accessKey = key, service = 'iam'): string {
  return `AWS4-HMAC-SHA256 Credential=${accessKey}/20261129/us-east-1/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=00`;
}

async function query(params: Record<string, string>, accessKey = key): Promise<{ status: number; body: string }> {
  const res = await fetch(emulator.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', authorization: auth(accessKey) },
    body: new URLSearchParams({ Version: '2010-05-08', ...params }).toString(),
  });
  return { status: res.status, body: await res.text() };
}

async function json(target: string, input: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(emulator.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target, authorization: auth() },
    body: JSON.stringify(input),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('aws emulator: IAM over awsQuery', () => {
  it('answers GetAccountAuthorizationDetails in IAM’s envelope with <member> lists and Marker paging', async () => {
    const first = await query({ Action: 'GetAccountAuthorizationDetails', MaxItems: '1' });
    expect(first.status).toBe(200);
    expect(first.body).toMatch(
      /^<GetAccountAuthorizationDetailsResponse xmlns="https:\/\/iam\.amazonaws\.com\/doc\/2010-05-08\/"><GetAccountAuthorizationDetailsResult>/,
    );
    expect(first.body).toContain('<UserDetailList><member><Path>/</Path><UserName>ops-admin</UserName>');
    expect(first.body).toContain('<GroupDetailList/>');
    expect(first.body).toContain('<IsTruncated>true</IsTruncated>');
    expect(first.body).toMatch(/<ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata>/);
    const marker = /<Marker>([^<]+)<\/Marker>/.exec(first.body)?.[1] ?? '';
    const second = await query({ Action: 'GetAccountAuthorizationDetails', MaxItems: '1', Marker: marker });
    expect(second.body).toContain('<UserName>sam-ortiz</UserName>');
    expect(second.body).toContain('<PolicyDocument>%7B%22Version%22%3A%222012-10-17%22');
  });

  it('URL-encodes trust and managed policy documents', async () => {
    let marker: string | undefined;
    let all = '';
    do {
      const page = await query({ Action: 'GetAccountAuthorizationDetails', ...(marker ? { Marker: marker } : {}) });
      all += page.body;
      marker = /<IsTruncated>true<\/IsTruncated><Marker>([^<]+)</.exec(page.body)?.[1];
    } while (marker);
    const trust = /<RoleName>agency-deploy<\/RoleName>.*?<AssumeRolePolicyDocument>([^<]+)</.exec(all)?.[1] ?? '';
    expect(JSON.parse(decodeURIComponent(trust)).Statement[0].Principal.AWS).toBe('arn:aws:iam::999988887777:root');
    expect(all).toContain('<Arn>arn:aws:iam::aws:policy/AdministratorAccess</Arn>');
    expect(all).toContain('<IsDefaultVersion>true</IsDefaultVersion>');
  });

  it('walks the credential report through STARTED, COMPLETE and a base64 CSV', async () => {
    const other = await fetch(emulator.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: auth() },
      body: 'Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A222222222222%3Arole%2Flanekeeper-audit&RoleSessionName=t',
    });
    const body = await other.text();
    expect(body).toMatch(/^<AssumeRoleResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">/);
    const staging = /<AccessKeyId>([^<]+)</.exec(body)?.[1] as string;

    const notYet = await query({ Action: 'GetCredentialReport' }, staging);
    expect(notYet.status).toBe(410);
    expect(notYet.body).toContain('<Code>ReportNotPresent</Code>');
    expect((await query({ Action: 'GenerateCredentialReport' }, staging)).body).toContain('<State>STARTED</State>');
    const inProgress = await query({ Action: 'GetCredentialReport' }, staging);
    expect(inProgress.status).toBe(404);
    expect(inProgress.body).toContain('<Code>ReportInProgress</Code>');
    expect((await query({ Action: 'GenerateCredentialReport' }, staging)).body).toContain('<State>COMPLETE</State>');
    const report = await query({ Action: 'GetCredentialReport' }, staging);
    const csv = Buffer.from(/<Content>([^<]+)</.exec(report.body)?.[1] ?? '', 'base64').toString('utf8');
    expect(csv.split('\n')[1]).toMatch(
      /^<root_account>,arn:aws:iam::222222222222:root,\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00,not_supported,no_information,not_supported,not_supported,true,false,N\/A/,
    );
  });

  it('answers NoSuchEntity with IAM’s error envelope and status', async () => {
    const res = await query({ Action: 'GetLoginProfile', UserName: 'sam-ortiz' });
    expect(res.status).toBe(404);
    expect(res.body).toMatch(
      /^<ErrorResponse xmlns="https:\/\/iam\.amazonaws\.com\/doc\/2010-05-08\/"><Error><Type>Sender<\/Type><Code>NoSuchEntity<\/Code><Message>Login Profile for User sam-ortiz cannot be found\.<\/Message><\/Error><RequestId>/,
    );
  });

  it('rejects unknown keys and refuses actions it does not know', async () => {
    const res = await query({ Action: 'ListUsers' }, 'AKIAUNKNOWNKEY000000');
    expect(res.status).toBe(403);
    expect(res.body).toContain('<Code>InvalidClientTokenId</Code>');
    const unknown = await query({ Action: 'DeleteUser', UserName: 'ops-admin' });
    expect(unknown.status).toBe(404);
    expect(emulator.requests.at(-1)?.operation).toBe('unknown');
  });
});

describe('aws emulator: awsJson1_1 services', () => {
  it('pages Organizations ListAccounts with NextToken', async () => {
    const first = await json('AWSOrganizationsV20161128.ListAccounts', { MaxResults: 1 });
    expect(first.body.Accounts).toEqual([
      expect.objectContaining({ Id: '111111111111', Name: 'northwind-production', Status: 'ACTIVE' }),
    ]);
    const second = await json('AWSOrganizationsV20161128.ListAccounts', { NextToken: first.body.NextToken });
    expect(second.body.Accounts).toEqual([expect.objectContaining({ Id: '222222222222' })]);
    expect(second.body.NextToken).toBeUndefined();
  });

  it('answers DescribeOrganization with the scenario organisation, from a member account too, and outside one as AWS does', async () => {
    const scenario = (await demoScenarioJson()) as { organization: Record<string, unknown> };
    scenario.organization.id = 'o-northwind1';
    const org = await startAwsEmulator(AwsScenarioSchema.parse(scenario), { now: NOW });
    const alone = { ...scenario } as Record<string, unknown>;
    delete alone.organization;
    const single = await startAwsEmulator(AwsScenarioSchema.parse(alone), { now: NOW });
    const post = (url: string, accessKey: string, service: string, headers: Record<string, string>, body: string) =>
      fetch(url, { method: 'POST', headers: { ...headers, authorization: auth(accessKey, service) }, body });
    const describe = (url: string, accessKey: string) =>
      post(
        url,
        accessKey,
        'organizations',
        {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'AWSOrganizationsV20161128.DescribeOrganization',
        },
        '{}',
      );
    try {
      const caller = org.env.LANEKEEPER_SANDBOX_AWS_ACCESS_KEY_ID as string;
      const answer = await describe(org.url, caller);
      expect(answer.status).toBe(200);
      expect(((await answer.json()) as { Organization: unknown }).Organization).toEqual({
        Id: 'o-northwind1',
        Arn: 'arn:aws:organizations::111111111111:organization/o-northwind1',
        FeatureSet: 'ALL',
        MasterAccountId: '111111111111',
        MasterAccountArn: 'arn:aws:organizations::111111111111:account/o-northwind1/111111111111',
        MasterAccountEmail: 'aws-production@northwind.example',
        AvailablePolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }],
      });
      // Any account of the organisation may describe it (the other calls are the management account's).
      const assumed = await post(
        org.url,
        caller,
        'sts',
        { 'content-type': 'application/x-www-form-urlencoded' },
        'Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A222222222222%3Arole%2Flanekeeper-audit&RoleSessionName=t',
      );
      const member = /<AccessKeyId>([^<]+)</.exec(await assumed.text())?.[1] as string;
      const fromMember = await describe(org.url, member);
      expect(fromMember.status).toBe(200);
      expect(((await fromMember.json()) as { Organization: { Id: string } }).Organization.Id).toBe('o-northwind1');
      // An account in no organisation.
      const none = await describe(single.url, single.env.LANEKEEPER_SANDBOX_AWS_ACCESS_KEY_ID as string);
      expect(none.status).toBe(400);
      expect(await none.json()).toEqual({
        __type: 'AWSOrganizationsNotInUseException',
        message: 'Your account is not a member of an organization.',
      });
    } finally {
      await org.close();
      await single.close();
    }
  });

  it('answers identity store and SSO Admin calls, and __type errors', async () => {
    const users = await json('AWSIdentityStore.ListUsers', { IdentityStoreId: 'd-9067a1b2c3' });
    expect(users.body.Users).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          UserName: 'olga.petrova',
          Emails: [{ Value: 'olga@cloudwise.example', Type: 'work', Primary: true }],
        }),
      ]),
    );
    const wrong = await json('SWBExternalService.ListPermissionSetsProvisionedToAccount', {
      InstanceArn: 'arn:aws:sso:::instance/ssoins-0000000000000000',
      AccountId: '111111111111',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.__type).toBe('ResourceNotFoundException');
  });
});

describe('aws emulator: faults as AWS sends them', () => {
  it("limits each account's request rate per service on its own, as AWS does", async () => {
    const limited = await startAwsEmulator(AwsScenarioSchema.parse(await demoScenarioJson()), {
      now: NOW,
      rateLimits: { overall: { limit: 1, windowMs: 60_000 }, perCaller: true },
    });
    const post = (body: string, accessKey: string, service = 'iam') =>
      fetch(limited.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: auth(accessKey, service) },
        body,
      });
    const assume = (caller: string) =>
      post(
        'Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A222222222222%3Arole%2Flanekeeper-audit&RoleSessionName=t',
        caller,
        'sts',
      );
    try {
      const caller = limited.env.LANEKEEPER_SANDBOX_AWS_ACCESS_KEY_ID as string;
      // The caller's one STS request of the minute assumes a role in another account...
      const assumed = await assume(caller);
      expect(assumed.status).toBe(200);
      const staging = /<AccessKeyId>([^<]+)</.exec(await assumed.text())?.[1] as string;
      // ...so its next is throttled, while its IAM requests still have their own minute...
      const refused = await assume(caller);
      expect(refused.status).toBe(400);
      expect(await refused.text()).toContain('<Code>Throttling</Code>');
      const list = 'Action=ListUsers&Version=2010-05-08';
      expect((await post(list, caller)).status).toBe(200);
      expect((await post(list, caller)).status).toBe(400);
      // ...and the other account has its own.
      expect((await post(list, staging)).status).toBe(200);
      expect((await post(list, staging)).status).toBe(400);
    } finally {
      await limited.close();
    }
  });

  it('renders Throttling as IAM XML and ThrottlingException as JSON', async () => {
    const throttled = await startAwsEmulator(AwsScenarioSchema.parse(await demoScenarioJson()), {
      now: NOW,
      faults: { seed: 1, rate: 1, kinds: ['rate-limit'] },
    });
    try {
      const headers = { authorization: auth(throttled.env.LANEKEEPER_SANDBOX_AWS_ACCESS_KEY_ID) };
      const xml = await fetch(throttled.url, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'Action=ListUsers&Version=2010-05-08',
      });
      expect(xml.status).toBe(400);
      expect(await xml.text()).toMatch(
        /<Error><Type>Sender<\/Type><Code>Throttling<\/Code><Message>Rate exceeded<\/Message><\/Error>/,
      );
      const sso = await fetch(throttled.url, {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'SWBExternalService.ListInstances',
        },
        body: '{}',
      });
      expect(sso.status).toBe(400);
      expect(await sso.json()).toEqual({ __type: 'ThrottlingException', message: 'Rate exceeded' });
    } finally {
      await throttled.close();
    }
  });
});
