// collect() for AWS: who the credentials are, which accounts are in scope (the config's list
// or the organisation's), then one target per account under p-queue: assume the audit role,
// read IAM, the credential report, buckets and keys side by side, judge the account's
// principals, and build the records once every account is read. Every request of every account
// shares the scan's connections and its requests in flight. Identity Center is read with the
// caller's account. An account that cannot be read fails alone; the others are scanned.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { IAMClient } from '@aws-sdk/client-iam';
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { KMSClient } from '@aws-sdk/client-kms';
import { OrganizationsClient, paginateListAccounts, paginateListTagsForResource } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import {
  AssumeRoleCommand,
  type AssumeRoleCommandOutput,
  GetCallerIdentityCommand,
  STSClient,
} from '@aws-sdk/client-sts';
import PQueue from 'p-queue';
import { AdaptiveQueue } from '../../src/core/adaptive-queue.js';
import type { CollectContext, TargetOutput } from '../../src/core/connector.js';
import { registerSecret } from '../../src/core/redact.js';
import { readAuthorizationDetails } from './authorization.js';
import { readBuckets } from './buckets.js';
import {
  type AwsTuning,
  type ClientSettings,
  type Connections,
  createClient,
  type StaticCredentials,
} from './clients.js';
import { readCredentials } from './credentials.js';
import { crossAccountResourceGrants } from './cross-account-resources.js';
import { accessJudge } from './evaluator.js';
import { type IdentityCenterFacts, readIdentityCenter } from './identity-center.js';
import { readKeys } from './kms-keys.js';
import { allPages } from './paging.js';
import { byCodePoint } from './policy.js';
import {
  type AccountScan,
  type AwsWorld,
  buildAccountRecords,
  buildIdentityCenterRecords,
  buildWorld,
  type JudgedAccount,
  judgeAccount,
  type Records,
  sortRecords,
} from './records.js';
import {
  type OrganizationIdentity,
  type ResourcePolicyFacts,
  usesOrganizationCondition,
  withResourcePolicies,
} from './resource-policies.js';
import type { AwsConfig } from './schema.js';
import { describeOrganization, readScps, type ScpFacts } from './scps.js';
import { trustsNameAnOrganization } from './trust.js';

interface AccountTarget {
  id: string;
  name: string;
  /** Organizations tags as "Key=Value", read only when a lanes glob asks for tags. */
  tags: string[];
  roleArn?: string;
  externalId?: string;
}

const SESSION_NAME = 'lanekeeper';

export async function collectAws(config: AwsConfig, ctx: CollectContext, tuning: AwsTuning = {}): Promise<void> {
  // The scan's connections, which every client shares (one client per account and service),
  // closed when the scan ends.
  const connections: Connections = {
    httpAgent: new HttpAgent({ keepAlive: true, maxSockets: ctx.concurrency }),
    httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: ctx.concurrency }),
  };
  try {
    await collectAccounts(config, ctx, tuning, connections);
  } finally {
    connections.httpAgent.destroy();
    connections.httpsAgent.destroy();
  }
}

async function collectAccounts(
  config: AwsConfig,
  ctx: CollectContext,
  tuning: AwsTuning,
  connections: Connections,
): Promise<void> {
  const base = config.credentials;
  registerSecret(base?.secretAccessKey);
  registerSecret(base?.sessionToken);
  // Every HTTP attempt of the scan, whichever account and client it is for, within the
  // requests in flight the config allows.
  const requests = new PQueue({ concurrency: ctx.concurrency });
  const inFlight = <T>(attempt: () => Promise<T>) => requests.add(attempt);
  const settings = (
    credentials: StaticCredentials | undefined,
    onCall: (op: string) => void,
    region?: string,
  ): ClientSettings => ({
    config,
    ...(credentials ? { credentials } : {}),
    onCall,
    inFlight,
    connections,
    tuning,
    ...(region ? { region } : {}),
  });
  const send = { abortSignal: ctx.signal };
  const uncounted = () => {};

  const identity = await createClient(STSClient, settings(base, uncounted)).send(
    new GetCallerIdentityCommand({}),
    send,
  );
  const callerAccount = identity.Account;
  if (!callerAccount) throw new Error('sts:GetCallerIdentity answered without an account id');
  const targets = await accountsInScope(config, callerAccount, settings(base, uncounted), ctx);
  // Read beside the accounts (each account needs them only once every account is read); marked
  // handled here, so a failure no target got to await cannot end the process.
  const scpsRead = config.organization
    ? readScpsOrWarn(settings(base, uncounted), targets, ctx)
    : Promise.resolve(undefined);
  scpsRead.catch(() => {});
  // The organisation's id, which resource policies' organisation conditions are checked against:
  // read with the SCPs in organization mode; in accounts mode only once a policy needs it.
  let describedAlone: Promise<OrganizationIdentity> | undefined;
  const organizationIdentity = (): Promise<OrganizationIdentity> => {
    if (config.organization)
      return scpsRead.then(
        (scps) => scps?.organization ?? { unknown: 'organizations:DescribeOrganization was not read' },
      );
    describedAlone ??= identityOf(createClient(OrganizationsClient, settings(base, uncounted)), ctx.signal);
    return describedAlone;
  };
  const places = new Map(targets.map((t) => [t.id, { name: t.name, tags: t.tags }]));
  const organizationAccounts = new Set(places.keys());
  ctx.log.debug(`aws: caller ${identity.Arn}; ${targets.length} account(s) in scope`);

  const readIc = async (out: TargetOutput): Promise<IdentityCenterFacts | undefined> => {
    if (!config.identityCenter) return undefined;
    const region = config.identityCenter.region;
    const onCall = (op: string) => out.call(op);
    return readIdentityCenter({
      sso: createClient(SSOAdminClient, settings(base, onCall, region)),
      store: createClient(IdentitystoreClient, settings(base, onCall, region)),
      iam: createClient(IAMClient, settings(base, onCall)),
      accountIds: [...organizationAccounts].sort(),
      signal: ctx.signal,
      warn: (m) => out.warn(`identity center: ${m}`),
      gap: (g) => out.gap(g),
    });
  };

  // Who may assume which role spans accounts, so every account is read before any is built:
  // each target reads under the queue, then waits (outside it) for the others' reads. A target
  // whose read failed fails alone; the paths it held are its own records, failed with it.
  const reads = new Map(targets.map((t) => [t.id, deferred<JudgedAccount | undefined>()]));
  // Each account's bucket and key policies: one may name another account's principals, whose
  // own policies (read with their account) must allow it too.
  const resourcesRead = new Map<string, ResourcePolicyFacts>();
  const judge = accessJudge();
  let world: Promise<AwsWorld> | undefined;
  const worldOfEveryRead = () => {
    world ??= Promise.all([...reads.values()].map((r) => r.promise)).then(async (judged) => {
      const read = judged.filter((account): account is JudgedAccount => account !== undefined);
      const built = buildWorld(read, judge);
      const facts = read.map(({ scan }) => ({
        accountId: scan.accountId,
        facts: resourcesRead.get(scan.accountId) ?? {},
      }));
      // A "*" kept to the organisation by its id reaches the organisation's principals: the id decides.
      const organization =
        config.organization || facts.some((f) => usesOrganizationCondition(f.facts))
          ? await organizationIdentity()
          : undefined;
      const resourceGrants = crossAccountResourceGrants(facts, organizationAccounts, built, organization);
      return resourceGrants ? { ...built, resourceGrants } : built;
    });
    return world;
  };

  // A target --only leaves out never runs: it has nothing to add, and nobody waits for it. Its
  // roles are unseen, though, so the paths into them are a gap of every account that was read.
  const started = new Set<string>();
  const notRead = () => targets.filter((t) => !started.has(t.id)).map((t) => t.id);

  const queue = new PQueue({ concurrency: ctx.concurrency });
  const work: Promise<unknown>[] = targets.map((target) =>
    settleAfter(
      reads.get(target.id),
      ctx.runTarget(target.id, async (out) => {
        started.add(target.id);
        const read = reads.get(target.id) as Deferred<JudgedAccount | undefined>;
        let scan: AccountScan;
        let resources: ResourcePolicyFacts;
        let ic: IdentityCenterFacts | undefined;
        try {
          [scan, resources, ic] = await queue.add(async () => {
            const onCall = (op: string) => out.call(op);
            const credentials = await credentialsFor(target, callerAccount, base, settings(base, onCall), ctx.signal);
            const iam = createClient(IAMClient, settings(credentials, onCall));
            // The account's lists do not wait for each other (about fifteen calls, well within
            // the rate AWS allows an account): one after another, they were most of a large
            // organisation's wall time. Only the credentials need the details' user names.
            const detailsRead = readAuthorizationDetails(iam, ctx.signal);
            const userNames = detailsRead.then((d) => d.users.map((u) => u.name));
            // Handled here: the details' own failure is the one reported, and the credentials may
            // fail before they ask for the names.
            userNames.catch(() => {});
            const [details, facts, buckets, keys] = await everyOrFirstFailure([
              detailsRead,
              readCredentials({
                iam,
                signal: ctx.signal,
                userNames,
                tuning,
                gap: (g) => out.gap(g),
              }),
              readBuckets({
                s3: (region) => createClient(S3Client, settings(credentials, onCall, region)),
                signal: ctx.signal,
                gap: (g) => out.gap(g),
              }),
              Promise.all(
                [...new Set(config.regions ?? [config.region])].sort().map((region) =>
                  readKeys({
                    kms: createClient(KMSClient, settings(credentials, onCall, region)),
                    region,
                    signal: ctx.signal,
                    gap: (g) => out.gap(g),
                  }),
                ),
              ).then((perRegion) => perRegion.flat()),
            ]);
            const read: AccountScan = {
              accountId: target.id,
              accountName: target.name,
              accountTags: target.tags,
              details,
              credentials: facts,
              organizationAccounts,
              ...(config.identityCenter ? { identityCenter: true } : {}),
            };
            const resources: ResourcePolicyFacts = { buckets, keys };
            return [read, resources, target.id === callerAccount ? await readIc(out) : undefined] as const;
          });
          const scps = await scpsRead;
          const levels = scps?.byAccount.get(target.id);
          if (levels) scan.scps = levels;
          if (scps?.unread) out.warn(scps.unread);
          if (config.organization || trustsNameAnOrganization(scan.details.roles))
            scan.organization = await organizationIdentity();
        } catch (e) {
          read.resolve(undefined);
          throw e;
        }
        resourcesRead.set(target.id, resources);
        read.resolve(judgeAccount(scan, judge));
        const everything = await worldOfEveryRead();
        const unseen = notRead();
        if (unseen.length > 0)
          out.gap({
            kind: 'aws.cross-account-paths',
            detail:
              `accounts ${unseen.join(', ')} were left to another run: roles there that this account's ` +
              'principals may assume are not followed (collect every AWS account in one run to see them)',
            count: unseen.length,
          });
        const organization =
          config.organization || usesOrganizationCondition(resources) ? await organizationIdentity() : undefined;
        const records = withResourcePolicies(
          buildAccountRecords(
            scan,
            (m) => out.warn(m),
            (g) => out.gap(g),
            everything,
          ),
          scan,
          organization ? { ...resources, organization } : resources,
        );
        if (ic)
          merge(
            records,
            buildIdentityCenterRecords(ic, callerAccount, places, everything, (g) => out.gap(g)),
          );
        emit(records, out);
      }),
    ),
  );
  // Identity Center lives in the caller's account even when that account is not scanned itself.
  if (config.identityCenter && !organizationAccounts.has(callerAccount))
    work.push(
      ctx.runTarget(callerAccount, async (out) => {
        const ic = await queue.add(() => readIc(out));
        if (ic)
          emit(
            buildIdentityCenterRecords(ic, callerAccount, places, await worldOfEveryRead(), (g) => out.gap(g)),
            out,
          );
      }),
    );
  await Promise.all(work);
}

/** The organisation's id, or why it is not known: never a guess. */
async function identityOf(orgs: OrganizationsClient, signal: AbortSignal): Promise<OrganizationIdentity> {
  try {
    const org = await describeOrganization(orgs, signal);
    return { id: org.Id as string };
  } catch (e) {
    if (signal.aborted) throw e;
    return { unknown: (e as Error).message };
  }
}

/**
 * SCPs can only narrow: unreadable, access is judged as IAM allows it, and each account says so.
 * The organisation's description they start from also gives its id (or why it is unknown).
 */
async function readScpsOrWarn(
  settings: ClientSettings,
  targets: readonly AccountTarget[],
  ctx: CollectContext,
): Promise<(ScpFacts & { unread?: string; organization: OrganizationIdentity }) | undefined> {
  // All the scanning account's Organizations calls, which AWS limits per account: as many in
  // flight as go through, halved on each throttled answer and grown back as answers go through.
  // The queue paces them, so the SDK only retries: its adaptive mode would slow the client a
  // second time for the same throttles (measured at the bench's large organisation: 7.3–8.0 s
  // with both, 5.0–5.4 s with the queue alone).
  const queue = new AdaptiveQueue(ctx.concurrency);
  let organization: OrganizationIdentity = { unknown: 'organizations:DescribeOrganization was not answered' };
  try {
    const orgs = createClient(OrganizationsClient, {
      ...settings,
      onThrottle: () => queue.throttled(),
      retryMode: 'standard',
    });
    let org: Awaited<ReturnType<typeof describeOrganization>>;
    try {
      org = await describeOrganization(orgs, ctx.signal);
      organization = { id: org.Id as string };
    } catch (e) {
      if (!ctx.signal.aborted) organization = { unknown: (e as Error).message };
      throw e;
    }
    const scps = await readScps(
      orgs,
      org,
      targets.map((t) => t.id),
      ctx.signal,
      (read) => queue.add(read),
    );
    return { ...scps, organization };
  } catch (e) {
    // One failed read fails them all: the reads still queued are not worth asking.
    queue.clear();
    if (ctx.signal.aborted) throw e;
    const unread = `service control policies were not read (${(e as Error).message}): access is shown as IAM policies allow it, and SCPs may narrow it`;
    ctx.log.warn(`aws: ${unread}`);
    return { byAccount: new Map(), unread, organization };
  }
}

/**
 * Every read's result once all have ended, or the first failure in the list's order (not in
 * time, so an account fails with the same error on every run); none is left running.
 */
async function everyOrFirstFailure<T extends readonly unknown[]>(
  reads: readonly [...{ [K in keyof T]: Promise<T[K]> }],
): Promise<T> {
  const settled = await Promise.allSettled(reads);
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}

async function settleAfter(
  read: Deferred<JudgedAccount | undefined> | undefined,
  run: Promise<unknown>,
): Promise<void> {
  try {
    await run;
  } finally {
    read?.resolve(undefined);
  }
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

async function accountsInScope(
  config: AwsConfig,
  callerAccount: string,
  baseSettings: ClientSettings,
  ctx: CollectContext,
): Promise<AccountTarget[]> {
  if (config.accounts) {
    return config.accounts.map((a) => ({
      id: a.id,
      name: a.name ?? a.id,
      tags: [],
      ...(a.roleArn ? { roleArn: a.roleArn } : {}),
      ...(a.externalId ? { externalId: a.externalId } : {}),
    }));
  }
  const organization = config.organization;
  if (!organization) throw new Error('the aws block names neither accounts nor an organization');
  const orgs = createClient(OrganizationsClient, baseSettings);
  const targets: AccountTarget[] = [];
  for (const page of await allPages(
    paginateListAccounts({ client: orgs }, {}, { abortSignal: ctx.signal }),
    'organizations:ListAccounts',
  )) {
    for (const a of page.Accounts ?? []) {
      if (!a.Id) continue;
      const state = a.State ?? a.Status;
      if (state !== undefined && state !== 'ACTIVE') {
        ctx.log.info(`aws: account ${a.Id} (${a.Name ?? ''}) is ${state}; not scanned`);
        continue;
      }
      targets.push({
        id: a.Id,
        name: a.Name ?? a.Id,
        tags: [],
        // The caller's own account is read with the caller's credentials: the audit role is
        // often deployed to member accounts only (StackSets skip the management account).
        ...(a.Id === callerAccount ? {} : { roleArn: `arn:aws:iam::${a.Id}:role/${organization.roleName}` }),
        ...(organization.externalId ? { externalId: organization.externalId } : {}),
      });
    }
  }
  if (lanesUseTags(config)) await readTags(orgs, targets, ctx);
  return targets.sort((a, b) => byCodePoint(a.id, b.id));
}

function lanesUseTags(config: AwsConfig): boolean {
  const { production, data, staging } = config.lanes;
  return [...production, ...data, ...staging].some((glob) => glob.toLowerCase().startsWith('tag:'));
}

/** Tags decide lanes: an account whose tags cannot be read falls to lanes.unmatched, and the log says so. */
async function readTags(orgs: OrganizationsClient, targets: AccountTarget[], ctx: CollectContext): Promise<void> {
  // Every account's tags at once: the client's requests wait for the scan's places in flight.
  await Promise.all(
    targets.map(async (target) => {
      try {
        for (const page of await allPages(
          paginateListTagsForResource({ client: orgs }, { ResourceId: target.id }, { abortSignal: ctx.signal }),
          'organizations:ListTagsForResource',
        ))
          for (const tag of page.Tags ?? []) if (tag.Key) target.tags.push(`${tag.Key}=${tag.Value ?? ''}`);
        target.tags.sort(byCodePoint);
      } catch (e) {
        if (ctx.signal.aborted) throw e;
        ctx.log.warn(`aws: tags of account ${target.id} unreadable (${(e as Error).message}); lanes go by id and name`);
      }
    }),
  );
}

async function credentialsFor(
  target: AccountTarget,
  callerAccount: string,
  base: StaticCredentials | undefined,
  baseSettings: ClientSettings,
  signal: AbortSignal,
): Promise<StaticCredentials | undefined> {
  if (!target.roleArn) {
    if (target.id !== callerAccount)
      throw new Error(
        `account ${target.id} has no roleArn and the credentials belong to account ${callerAccount}: give a read-only role to assume in ${target.id}`,
      );
    return base;
  }
  let answer: AssumeRoleCommandOutput;
  try {
    answer = await createClient(STSClient, baseSettings).send(
      new AssumeRoleCommand({
        RoleArn: target.roleArn,
        RoleSessionName: SESSION_NAME,
        ...(target.externalId ? { ExternalId: target.externalId } : {}),
      }),
      { abortSignal: signal },
    );
  } catch (e) {
    if (signal.aborted) throw e;
    throw new Error(
      `cannot assume ${target.roleArn}: ${(e as Error).message}. Deploy the read-only audit role in account ${target.id} with a trust policy that lets the scanner assume it (connectors/aws/README.md)`,
    );
  }
  const c = answer.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken)
    throw new Error(`sts:AssumeRole ${target.roleArn} answered without credentials`);
  registerSecret(c.SecretAccessKey);
  registerSecret(c.SessionToken);
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}

function merge(into: Records, from: Records): void {
  into.accounts.push(...from.accounts);
  into.grants.push(...from.grants);
  into.credentials.push(...from.credentials);
}

function emit(records: Records, out: TargetOutput): void {
  const sorted = sortRecords(records);
  for (const a of sorted.accounts) out.account(a);
  for (const g of sorted.grants) out.grant(g);
  for (const c of sorted.credentials) out.credential(c);
}
