// Console passwords, MFA and access keys of one account: from the credential report when it
// can be generated (one CSV for every user and the root account), else user by user with
// ListAccessKeys, GetAccessKeyLastUsed, ListMFADevices and GetLoginProfile. The report has no
// key ids, so users holding keys get one ListAccessKeys call to name them. AWS hands out the
// same report for four hours: users created since it was generated are not in it, and are read
// one by one, so no user is left without its credentials. Keys created since are not in it
// either: when the report was not generated for this scan, every user's keys are listed.
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

interface CredentialReport {
  csv: string;
  generatedAt?: string;
  /** Generated before this scan asked (AWS hands one out again for four hours), not for it. */
  reused: boolean;
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
  const facts = await fromReport(parseCredentialReport(report.csv), report.reused, options);
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
async function fetchCredentialReport({ iam, signal, tuning }: ReadOptions): Promise<CredentialReport | undefined> {
  // Reports of small accounts are ready in well under a second; big ones take a while.
  let pollMs = tuning.reportPollMs ?? 100;
  const wait = async () => {
    await sleep(pollMs, signal);
    pollMs = Math.min(pollMs * 2, MAX_POLL_MS);
  };
  const limit = tuning.reportPollLimit ?? 30;
  try {
    // COMPLETE at once: a report generated in the last four hours, by anyone, is handed out again.
    // Otherwise one is being generated now, and GetCredentialReport answers ReportInProgress until
    // it is ready.
    const { State } = await iam.send(new GenerateCredentialReportCommand({}), { abortSignal: signal });
    const reused = State === 'COMPLETE';
    for (let poll = 0; ; poll++) {
      try {
        const report = await iam.send(new GetCredentialReportCommand({}), { abortSignal: signal });
        if (!report.Content) throw new Error('GetCredentialReport answered without Content');
        const csv = Buffer.from(report.Content).toString('utf8');
        return report.GeneratedTime ? { csv, reused, generatedAt: iso(report.GeneratedTime) } : { csv, reused };
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

async function fromReport(
  rows: CredentialReportRow[],
  reused: boolean,
  options: ReadOptions,
): Promise<CredentialFacts> {
  const facts: CredentialFacts = { source: 'credential-report', users: new Map(), readOneByOne: [] };
  // A user deleted since the report has no keys to list; one created since is read one by one.
  const existing = new Set(await options.userNames);
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
    // A report generated for this scan says who holds keys; an older one may lack a key created
    // since, on any user.
    if (existing.has(row.user) && (reused || keys.length > 0))
      tasks.push(
        queue.add(async () => {
          user.keys = await keysNow(keys, await listAccessKeys(options.iam, row.user, options.signal), options);
        }),
      );
  }
  await Promise.all(tasks);
  return facts;
}

/**
 * The keys a user holds now. ListAccessKeys names each and says whether it is active; the report's
 * slot created the same second adds its last use. A listed key no slot matches was created after
 * the report, and its last use is asked for; a slot no listed key matches was deleted since.
 */
async function keysNow(
  slots: readonly KeyFacts[],
  listed: readonly KeyFacts[],
  { iam, signal }: ReadOptions,
): Promise<KeyFacts[]> {
  const unclaimed = [...slots];
  const keys: KeyFacts[] = [];
  for (const key of listed) {
    const at = unclaimed.findIndex((slot) => sameSecond(slot.createdAt, key.createdAt));
    const slot = at >= 0 ? unclaimed.splice(at, 1)[0] : undefined;
    // The slot's dates, as the report wrote them; the key's id and its state now.
    if (slot) keys.push({ ...slot, ...(key.id ? { id: key.id } : {}), active: key.active });
    else keys.push(await withLastUse(iam, key, signal));
  }
  return keys;
}

/** A key with its last use, asked of IAM: for keys the credential report does not have. */
async function withLastUse(iam: IAMClient, key: KeyFacts, signal: AbortSignal): Promise<KeyFacts> {
  if (!key.id) return key;
  const used = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.id }), { abortSignal: signal });
  const info = used.AccessKeyLastUsed;
  const out: KeyFacts = { ...key };
  if (info?.LastUsedDate) out.lastUsedAt = iso(info.LastUsedDate);
  if (info?.ServiceName && info.ServiceName !== 'N/A') out.lastUsedService = info.ServiceName;
  if (info?.Region && info.Region !== 'N/A') out.lastUsedRegion = info.Region;
  return out;
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
        const keys: KeyFacts[] = [];
        for (const key of await listAccessKeys(iam, name, signal)) keys.push(await withLastUse(iam, key, signal));
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
