// What the tests and the benchmark know about AWS: where faults go, what a read is, how IAM
// answers a wrong key, the limits it enforces and the fewest calls a full read takes.
import type { AnyConnector, ConnectorTestKit, HostileAttack } from '../../src/core/connector.js';
import { pageCount as pages } from '../../src/core/paging.js';
import type { AwsTuning } from './clients.js';
import { rateWindowOf } from './operations.js';

/** Recognisable, and shaped like nothing the redactor's patterns know: only registration can hide them. */
const SECRET_KEY = 'LKFAKE-aws-secret-key-4c9e1a7b3d';
const SESSION_TOKEN = 'LKFAKE-aws-session-token-8e2d5b9f1a';

/** The kit, given the connector's own factory (passed in, so this file never imports the connector). */
export const awsTestKit = (create: (tuning: AwsTuning) => AnyConnector): ConnectorTestKit => ({
  fast: create({ retryDelayMs: 1, reportPollMs: 1 }),
  faults: {
    firstCall: 'sts:GetCallerIdentity',
    pagedCall: 'iam:GetAccountAuthorizationDetails',
    slowDeadlineSeconds: 1,
  },
  // Every AWS API is a POST on the wire; the action says what it does.
  hostile,
  isRead: (r) =>
    // S3's are REST GETs: the emulator routes s3:List… and s3:Get… only for GET requests.
    /^(iam|organizations|sso|identitystore|sts|s3|kms):(List|Get|Describe)[A-Za-z]+$/.test(r.operation) ||
    ['iam:GenerateCredentialReport', 'sts:AssumeRole'].includes(r.operation),
  secrets: {
    values: [SECRET_KEY, SESSION_TOKEN],
    block: (url) => ({
      endpoint: url,
      accounts: [{ id: '111111111111' }],
      credentials: { accessKeyId: 'AKIALKWRONGCALLER99', secretAccessKey: SECRET_KEY, sessionToken: SESSION_TOKEN },
    }),
    refusal: (sent) => ({
      status: 403,
      contentType: 'text/xml',
      body: `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid: ${sent}</Message></Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>`,
    }),
  },
  bench: {
    // A request rate per account and service, as AWS limits it (the emulator keys its windows so).
    rateLimits: { overall: { limit: 100, windowMs: 1000 }, perCaller: true },
    concurrency: 16,
    minimumCalls: (scenario) => awsMinimum(scenario as Parameters<typeof awsMinimum>[0]),
    minimumCallsPerCaller: (scenario) => awsMinimumPerCaller(scenario as Parameters<typeof awsMinimum>[0]),
  },
});

// The fewest calls that read everything a scenario holds, with the best API the system offers:
// a floor computed from the scenario, not from what lanekeeper does.
interface AwsShape {
  callerAccount: string;
  organization?: { units?: unknown[]; scps?: unknown[]; scpsEnabled?: boolean };
  accounts: {
    id: string;
    users: { accessKeys: { createdAt?: string }[] }[];
    /** A report generated before the scan may lack keys created since: every user's are listed. */
    reportGeneratedAt?: string;
    groups: unknown[];
    roles: unknown[];
    policies?: unknown[];
    buckets?: unknown[] | null;
    keys?: unknown[] | null;
  }[];
}

function awsMinimum(s: AwsShape): Record<string, number> {
  const n = s.accounts.length;
  const details = s.accounts.reduce(
    (sum, a) => sum + pages(a.users.length + a.groups.length + a.roles.length + (a.policies?.length ?? 0), 1000),
    0,
  );
  return {
    'sts:GetCallerIdentity': 1,
    'organizations:ListAccounts': pages(n, 20),
    'sts:AssumeRole': s.accounts.filter((a) => a.id !== s.callerAccount).length,
    'iam:GetAccountAuthorizationDetails': details,
    'iam:GenerateCredentialReport': n,
    'iam:GetCredentialReport': n,
    // The credential report says which users have keys but not the key ids: one call per such user,
    // or per user when the report was generated before the scan.
    'iam:ListAccessKeys': s.accounts.reduce(
      (sum, a) => sum + a.users.filter((u) => a.reportGeneratedAt !== undefined || u.accessKeys.length > 0).length,
      0,
    ),
    // Keys created after such a report: their last use is not in it.
    'iam:GetAccessKeyLastUsed': s.accounts.reduce(
      (sum, a) =>
        sum +
        a.users
          .flatMap((u) => u.accessKeys)
          .filter((k) => a.reportGeneratedAt !== undefined && (k.createdAt ?? '') > a.reportGeneratedAt).length,
      0,
    ),
    // ListBuckets answers up to 1,000 buckets a page (10,000 at most); one policy read per bucket.
    's3:ListAllMyBuckets': s.accounts.reduce((sum, a) => sum + pages(a.buckets?.length ?? 0, 1000), 0),
    's3:GetBucketPolicy': s.accounts.reduce((sum, a) => sum + (a.buckets?.length ?? 0), 0),
    // ListKeys answers up to 1,000 keys a page; one key policy read per key.
    'kms:ListKeys': s.accounts.reduce((sum, a) => sum + pages(a.keys?.length ?? 0, 1000), 0),
    'kms:GetKeyPolicy': s.accounts.reduce((sum, a) => sum + (a.keys?.length ?? 0), 0),
    ...scpMinimum(s),
  };
}

/** Calls an account's own credentials make: its IAM, S3 and KMS reads. */
const ACCOUNT_OWN = /^(iam|s3|kms):/;

/**
 * The fewest calls in each request-rate window, as AWS counts them against its limits (per account
 * and service): each account's own reads, and the organisation's (accounts, SCPs, every
 * AssumeRole) on the account that scans.
 */
function awsMinimumPerCaller(s: AwsShape): number[] {
  const byCaller = new Map<string, number>();
  const add = (account: string, calls: Record<string, number>, own: boolean) => {
    for (const [op, count] of Object.entries(calls)) {
      if (ACCOUNT_OWN.test(op) !== own) continue;
      const key = rateWindowOf(account, op);
      byCaller.set(key, (byCaller.get(key) ?? 0) + count);
    }
  };
  // The organisation's calls (discovery, AssumeRole, SCPs) are the scanning account's.
  add(s.callerAccount, awsMinimum(s), false);
  for (const a of s.accounts) add(a.id, awsMinimum({ callerAccount: a.id, accounts: [a] }), true);
  return [...byCaller.values()];
}

/** SCPs (organization mode): each member account and OU once up the tree, each policy once. */
function scpMinimum(s: AwsShape): Record<string, number> {
  const org = s.organization;
  if (!org) return {};
  if (org.scpsEnabled === false) return { 'organizations:DescribeOrganization': 1, 'organizations:ListRoots': 1 };
  const members = s.accounts.filter((a) => a.id !== s.callerAccount).length;
  const units = org.units?.length ?? 0;
  return {
    'organizations:DescribeOrganization': 1,
    'organizations:ListRoots': 1,
    'organizations:ListParents': members + units,
    // Pages of 20 policies: FullAWSAccess and at most a few more per node.
    'organizations:ListPoliciesForTarget': members + units + 1,
    'organizations:DescribePolicy': 1 + (org.scps?.length ?? 0),
  };
}

/** The scenario with its free-text fields replaced by attacks: the escaping proof's input. */
function hostile(scenario: unknown, attack: HostileAttack): unknown {
  // biome-ignore lint/suspicious/noExplicitAny: scenarios are plain JSON; the emulator's schema checks the result
  type Json = any;
  const s: Json = structuredClone(scenario);
  for (const account of s.accounts) {
    account.name = attack.labelled(account.name, attack.next());
    for (const u of account.users ?? []) {
      if (u.tags) u.tags = Object.fromEntries(Object.keys(u.tags).map((k) => [k, attack.next()]));
      for (const p of u.inlinePolicies ?? []) p.name = attack.next();
    }
    for (const r of account.roles ?? []) {
      if (r.description !== undefined) r.description = attack.next();
      for (const p of r.inlinePolicies ?? []) p.name = attack.next();
    }
  }
  // IAM user names may hold = + - @ , . _: enough to start a formula in a spreadsheet.
  const first = s.accounts[0];
  first.users = [
    ...(first.users ?? []),
    ...['=1+1', '+cmd', '-cmd', '@cmd'].map((name) => ({
      name,
      createdAt: '2026-06-01T00:00:00Z',
      tags: { email: `${name}@evil.example` },
      inlinePolicies: [
        {
          name: attack.payload('hyperlink'),
          document: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::northwind-orders/*' }],
          },
        },
      ],
    })),
  ];
  const ic = s.identityCenter;
  if (ic) {
    for (const u of ic.users ?? []) u.displayName = attack.next();
    for (const g of ic.groups ?? []) g.displayName = attack.next();
    for (const ps of ic.permissionSets ?? []) if (ps.description !== undefined) ps.description = attack.next();
  }
  return s;
}
