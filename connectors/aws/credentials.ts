// Console passwords, MFA and access keys of one account: from the credential report when it
// can be generated (one CSV for every user and the root account), else user by user with
// ListAccessKeys, GetAccessKeyLastUsed, ListMFADevices and GetLoginProfile. The report has no
// key ids, so users holding keys get one ListAccessKeys call to name them. AWS hands out the
// same report for four hours: users created since it was generated are not in it, and are read
// one by one, so no user is left without its credentials.
import {
  CredentialReportExpiredException,
  CredentialReportNotPresentException,
  CredentialReportNotReadyException,
  GenerateCredentialReportCommand,
  GetAccessKeyLastUsedCommand,
  GetCredentialReportCommand,
  GetLoginProfileCommand,
  type IAMClient,
  NoSuchEntityException,
  paginateListAccessKeys,
  paginateListMFADevices,
  paginateListUsers,
} from '@aws-sdk/client-iam';
import PQueue from 'p-queue';
import type { Gap } from '../../src/core/model.js';
import { sleep } from '../../src/core/sleep.js';
import { type AwsTuning, PER_ACCOUNT_IN_FLIGHT } from './clients.js';
import { type CredentialReportRow, parseCredentialReport } from './credential-report.js';
import { allPages } from './paging.js';
import { byCodePoint } from './policy.js';

export interface KeyFacts {
  /** The full key id (AKIA…); shortened before it reaches a record. */
  id?: string;
  slot?: 1 | 2;
  active: boolean;
  createdAt?: string;
  lastUsedAt?: string;
  lastUsedService?: string;
  lastUsedRegion?: string;
}

export interface UserCredentials {
  mfa?: boolean;
  password?: { createdAt?: string; lastUsedAt?: string };
  keys: KeyFacts[];
}

export interface RootCredentials {
  mfa: boolean;
  passwordLastUsedAt?: string;
  keys: KeyFacts[];
}

export interface CredentialFacts {
  source: 'credential-report' | 'per-user';
  users: Map<string, UserCredentials>;
  /** Only the credential report tells about the root account. */
  root?: RootCredentials;
  /** When the report was generated (AWS reuses one for up to four hours). */
  reportGeneratedAt?: string;
  /** Users the report did not have (created after it), read one by one. */
  readOneByOne: string[];
}

const MAX_POLL_MS = 5000;

interface ReadOptions {
  iam: IAMClient;
  signal: AbortSignal;
  /**
   * The account's users, from its authorization details: a promise, so the report is asked for
   * while the details are still being read (it needs the names only to find who it misses).
   */
  userNames: Promise<readonly string[]>;
  tuning: AwsTuning;
  gap(gap: Gap): void;
}

export async function readCredentials(options: ReadOptions): Promise<CredentialFacts> {
  const report = await fetchCredentialReport(options);
  if (report === undefined) {
    options.gap({
      kind: 'aws.credential-report',
      detail:
        'the credential report is denied (iam:GenerateCredentialReport / iam:GetCredentialReport): users were read one by one, but the root user’s MFA, password and keys are unknown',
    });
    return readPerUser(options, await options.userNames);
  }
  const facts = await fromReport(parseCredentialReport(report.csv), options);
  if (report.generatedAt) facts.reportGeneratedAt = report.generatedAt;
  // Users created after the report was generated are not in it: read each of them directly.
  const missing = (await options.userNames).filter((name) => !facts.users.has(name));
  if (missing.length > 0) {
    const direct = await readPerUser(options, missing);
    for (const [name, user] of direct.users) facts.users.set(name, user);
    facts.readOneByOne = missing;
  }
  if (!facts.root) {
    options.gap({
      kind: 'aws.root-credentials',
      detail: 'the credential report has no <root_account> row: the root user’s MFA, password and keys are unknown',
    });
  }
  return facts;
}

/** The report's CSV and when it was generated, or undefined when the caller may not generate or read it. */
async function fetchCredentialReport({
  iam,
  signal,
  tuning,
}: ReadOptions): Promise<{ csv: string; generatedAt?: string } | undefined> {
  // Reports of small accounts are ready in well under a second; big ones take a while.
  let pollMs = tuning.reportPollMs ?? 100;
  const wait = async () => {
    await sleep(pollMs, signal);
    pollMs = Math.min(pollMs * 2, MAX_POLL_MS);
  };
  const limit = tuning.reportPollLimit ?? 30;
  try {
    for (let poll = 0; ; poll++) {
      const { State } = await iam.send(new GenerateCredentialReportCommand({}), { abortSignal: signal });
      if (State === 'COMPLETE') break;
      if (poll >= limit) throw new Error(`the credential report was still ${State} after ${limit} polls`);
      await wait();
    }
    for (let poll = 0; ; poll++) {
      try {
        const report = await iam.send(new GetCredentialReportCommand({}), { abortSignal: signal });
        if (!report.Content) throw new Error('GetCredentialReport answered without Content');
        const csv = Buffer.from(report.Content).toString('utf8');
        return report.GeneratedTime ? { csv, generatedAt: iso(report.GeneratedTime) } : { csv };
      } catch (e) {
        // The SDK names IAM's ReportInProgress / ReportNotPresent / ReportExpired codes by their model shapes.
        const inProgress = e instanceof CredentialReportNotReadyException;
        const gone = e instanceof CredentialReportNotPresentException || e instanceof CredentialReportExpiredException;
        if ((!inProgress && !gone) || poll >= limit) throw e;
        if (gone) await iam.send(new GenerateCredentialReportCommand({}), { abortSignal: signal });
        await wait();
      }
    }
  } catch (e) {
    if (isAccessDenied(e)) return undefined;
    throw e;
  }
}

async function fromReport(rows: CredentialReportRow[], options: ReadOptions): Promise<CredentialFacts> {
  const facts: CredentialFacts = { source: 'credential-report', users: new Map(), readOneByOne: [] };
  const queue = new PQueue({ concurrency: PER_ACCOUNT_IN_FLIGHT });
  const tasks: Promise<void>[] = [];
  for (const row of rows) {
    const keys: KeyFacts[] = row.accessKeys.map((k) => {
      const key: KeyFacts = { slot: k.slot, active: k.active };
      if (k.lastRotated) key.createdAt = k.lastRotated;
      if (k.lastUsedAt) key.lastUsedAt = k.lastUsedAt;
      if (k.lastUsedService) key.lastUsedService = k.lastUsedService;
      if (k.lastUsedRegion) key.lastUsedRegion = k.lastUsedRegion;
      return key;
    });
    if (row.isRoot) {
      facts.root = { mfa: row.mfaActive, keys };
      if (row.passwordLastUsed) facts.root.passwordLastUsedAt = row.passwordLastUsed;
      continue;
    }
    const user: UserCredentials = { mfa: row.mfaActive, keys };
    if (row.passwordEnabled) {
      user.password = {};
      if (row.passwordLastChanged) user.password.createdAt = row.passwordLastChanged;
      if (row.passwordLastUsed) user.password.lastUsedAt = row.passwordLastUsed;
    }
    facts.users.set(row.user, user);
    if (keys.length > 0)
      tasks.push(
        queue.add(async () => {
          const listed = await listAccessKeys(options.iam, row.user, options.signal);
          nameKeys(keys, listed);
        }),
      );
  }
  await Promise.all(tasks);
  return facts;
}

/** The report's slots carry creation dates; ListAccessKeys carries ids with the same dates. */
function nameKeys(slots: KeyFacts[], listed: KeyFacts[]): void {
  const unclaimed = [...listed];
  for (const slot of slots) {
    const at = unclaimed.findIndex((k) => sameSecond(k.createdAt, slot.createdAt));
    const match = at >= 0 ? unclaimed.splice(at, 1)[0] : undefined;
    if (match?.id) slot.id = match.id;
  }
}

async function readPerUser(options: ReadOptions, userNames: readonly string[]): Promise<CredentialFacts> {
  const { iam, signal } = options;
  const facts: CredentialFacts = { source: 'per-user', users: new Map(), readOneByOne: [...userNames] };
  const lastUsed = new Map<string, string>();
  for (const page of await allPages(paginateListUsers({ client: iam }, {}, { abortSignal: signal }), 'iam:ListUsers'))
    for (const u of page.Users ?? [])
      if (u.UserName && u.PasswordLastUsed) lastUsed.set(u.UserName, iso(u.PasswordLastUsed));

  const queue = new PQueue({ concurrency: PER_ACCOUNT_IN_FLIGHT });
  const tasks: Promise<void>[] = [];
  for (const name of userNames) {
    tasks.push(
      queue.add(async () => {
        const keys = await listAccessKeys(iam, name, signal);
        for (const key of keys) {
          if (!key.id) continue;
          const used = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.id }), {
            abortSignal: signal,
          });
          const info = used.AccessKeyLastUsed;
          if (info?.LastUsedDate) key.lastUsedAt = iso(info.LastUsedDate);
          if (info?.ServiceName && info.ServiceName !== 'N/A') key.lastUsedService = info.ServiceName;
          if (info?.Region && info.Region !== 'N/A') key.lastUsedRegion = info.Region;
        }
        let mfa = false;
        for (const page of await allPages(
          paginateListMFADevices({ client: iam }, { UserName: name }, { abortSignal: signal }),
          'iam:ListMFADevices',
        ))
          if ((page.MFADevices ?? []).length > 0) mfa = true;
        const user: UserCredentials = { mfa, keys };
        try {
          const profile = await iam.send(new GetLoginProfileCommand({ UserName: name }), { abortSignal: signal });
          user.password = {};
          if (profile.LoginProfile?.CreateDate) user.password.createdAt = iso(profile.LoginProfile.CreateDate);
          const used = lastUsed.get(name);
          if (used) user.password.lastUsedAt = used;
        } catch (e) {
          // NoSuchEntity is IAM's way of saying "this user has no console password".
          if (!(e instanceof NoSuchEntityException)) throw e;
        }
        facts.users.set(name, user);
      }),
    );
  }
  await Promise.all(tasks);
  return facts;
}

async function listAccessKeys(iam: IAMClient, userName: string, signal: AbortSignal): Promise<KeyFacts[]> {
  const keys: KeyFacts[] = [];
  for (const page of await allPages(
    paginateListAccessKeys({ client: iam }, { UserName: userName }, { abortSignal: signal }),
    'iam:ListAccessKeys',
  ))
    for (const k of page.AccessKeyMetadata ?? []) {
      const key: KeyFacts = { active: k.Status === 'Active' };
      if (k.AccessKeyId) key.id = k.AccessKeyId;
      if (k.CreateDate) key.createdAt = iso(k.CreateDate);
      keys.push(key);
    }
  return keys.sort((a, b) => byCodePoint(a.createdAt ?? '', b.createdAt ?? ''));
}

export function isAccessDenied(e: unknown): boolean {
  const name = (e as Error | undefined)?.name ?? '';
  return name === 'AccessDenied' || name === 'AccessDeniedException' || name === 'UnauthorizedOperation';
}

function sameSecond(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && Math.floor(Date.parse(a) / 1000) === Math.floor(Date.parse(b) / 1000);
}

function iso(d: Date): string {
  return d.toISOString();
}
