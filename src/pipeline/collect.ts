// The only stage that talks to the outside world: runs each enabled connector under
// its deadline and turns every target into a status, so a system that could not be
// read is reported as failed, never as empty.
import type { AnyConnector, CollectContext, TargetOutput } from '../core/connector.js';
import { allowManyListeners } from '../core/listeners.js';
import type { Logger } from '../core/log.js';
import {
  type Account,
  type Credential,
  type Gap,
  type Grant,
  type Secret,
  SNAPSHOT_SCHEMA_VERSION,
  type Snapshot,
  type SystemStatus,
} from '../core/model.js';
import { compareAccounts, compareCredentials, compareGrants, compareSecrets, compareStatuses } from '../core/order.js';
import { redact } from '../core/redact.js';
import { type AnswerStore, NO_ANSWERS } from './answers.js';
import { classifyGrant } from './classify.js';

/** One connector's progress on one target: running totals, and whether it is finished. */
export interface ProgressEvent {
  system: string;
  target: string;
  accounts: number;
  grants: number;
  calls: number;
  /** The target is finished, read or failed. */
  done: boolean;
  /** With done: whether it was read. */
  ok?: boolean;
  /** With done and not ok: the redacted one-line reason. */
  error?: string;
}

export interface CollectOptions {
  now: Date;
  log: Logger;
  /** Overrides every system's concurrency (1 = the sequential baseline). */
  concurrency?: number;
  /** Wall clock for durations; injectable so tests are deterministic. */
  clock?: () => number;
  /** Told as each target is read: the terminal's progress lines. */
  onProgress?: (event: ProgressEvent) => void;
  /** The previous scan's answers, for conditional requests; filled with this scan's for the next. */
  answers?: AnswerStore;
}

export interface SystemToCollect {
  connector: AnyConnector;
  /** The connector's config block, already parsed by its schema. */
  config: { deadlineSeconds: number; concurrency: number } & Record<string, unknown>;
}

interface Records {
  accounts: Account[];
  grants: Grant[];
  credentials: Credential[];
  secrets: Secret[];
}

export async function collect(systems: SystemToCollect[], options: CollectOptions): Promise<Snapshot> {
  const results = await Promise.all(systems.map((s) => collectSystem(s, options)));
  const snapshot: Snapshot = {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    collectedAt: options.now.toISOString(),
    systems: [],
    accounts: [],
    grants: [],
    credentials: [],
    secrets: [],
  };
  for (const r of results) {
    // Appended one by one: a spread of a large organisation's grants (100,000+) overflows the stack.
    append(snapshot.systems, r.statuses);
    append(snapshot.accounts, r.records.accounts);
    append(snapshot.grants, r.records.grants);
    append(snapshot.credentials, r.records.credentials);
    append(snapshot.secrets, r.records.secrets);
  }
  // Targets finish in whatever order the network allows; the snapshot must not depend on it.
  snapshot.systems.sort(compareStatuses);
  snapshot.accounts.sort(compareAccounts);
  snapshot.grants.sort(compareGrants);
  snapshot.credentials.sort(compareCredentials);
  snapshot.secrets.sort(compareSecrets);
  return snapshot;
}

function append<T>(to: T[], items: readonly T[]): void {
  for (const item of items) to.push(item);
}

async function collectSystem(
  { connector, config }: SystemToCollect,
  options: CollectOptions,
): Promise<{ statuses: SystemStatus[]; records: Records }> {
  const clock = options.clock ?? (() => performance.now());
  const records: Records = { accounts: [], grants: [], credentials: [], secrets: [] };
  const statuses: SystemStatus[] = [];
  const deadline = new AbortController();
  // Every target in flight listens for the deadline (and SDKs add their own): hundreds is normal here.
  allowManyListeners(deadline.signal);
  const timer = setTimeout(
    () => deadline.abort(new Error(`deadline of ${config.deadlineSeconds}s passed`)),
    config.deadlineSeconds * 1000,
  );
  timer.unref?.();

  const ctx: CollectContext = {
    now: options.now,
    log: options.log,
    signal: deadline.signal,
    concurrency: options.concurrency ?? config.concurrency,
    async runTarget(target, read) {
      const started = clock();
      const own: Records = { accounts: [], grants: [], credentials: [], secrets: [] };
      const warnings: string[] = [];
      const gaps: Gap[] = [];
      let calls = 0;
      let unchanged = 0;
      const report = (extra: Partial<ProgressEvent> = {}) =>
        options.onProgress?.({
          system: connector.id,
          target,
          accounts: own.accounts.length,
          grants: own.grants.length,
          calls,
          done: false,
          ...extra,
        });
      const out: TargetOutput = {
        account: (a) => {
          own.accounts.push(a);
          report();
        },
        grant: (g) => {
          // Classified here, once, as the record arrives: connectors leave lanes and level to this step.
          own.grants.push(classifyGrant(connector, config, g));
          report();
        },
        credential: (c) => own.credentials.push(c),
        secret: (s) => own.secrets.push(s),
        warn: (m) => warnings.push(redact(m)),
        gap: (g) => gaps.push({ ...g, detail: redact(g.detail) }),
        call: (_operation, outcome) => {
          calls++;
          if (outcome === 'unchanged') unchanged++;
          report();
        },
        answers: options.answers?.forTarget(connector.id, target) ?? NO_ANSWERS,
      };
      report();
      let error: string | undefined;
      try {
        await raceAbort(read(out), deadline.signal);
      } catch (e) {
        error = describeError(e);
      }
      const status: SystemStatus = {
        system: connector.id,
        target,
        ok: error === undefined,
        warnings,
        gaps: mergeGaps(gaps),
        calls,
        ...(unchanged > 0 ? { unchanged } : {}),
        durationMs: Math.round(clock() - started),
        collectedAt: options.now.toISOString(),
      };
      if (error !== undefined) {
        status.error = error;
        options.answers?.targetFailed(connector.id, target);
        options.log.warn(`${connector.id} ${target}: ${error}`);
      } else {
        // All or nothing: a target that failed keeps none of its partial records.
        append(records.accounts, own.accounts);
        append(records.grants, own.grants);
        append(records.credentials, own.credentials);
        append(records.secrets, own.secrets);
      }
      statuses.push(status);
      report({ done: true, ok: status.ok, ...(error !== undefined ? { error } : {}) });
      return status.ok;
    },
  };

  const started = clock();
  try {
    await raceAbort(connector.collect(config, ctx), deadline.signal);
  } catch (e) {
    // A failure outside any target (discovery, auth) fails the system as a whole; a deadline
    // already reported by the target it interrupted is not reported twice.
    const error = describeError(e);
    if (!statuses.some((s) => !s.ok && s.error === error))
      statuses.push({
        system: connector.id,
        target: '*',
        ok: false,
        error,
        warnings: [],
        gaps: [],
        calls: 0,
        durationMs: Math.round(clock() - started),
        collectedAt: options.now.toISOString(),
      });
  } finally {
    clearTimeout(timer);
  }
  if (statuses.length === 0) {
    statuses.push({
      system: connector.id,
      target: '*',
      ok: false,
      error: 'the connector read no target: nothing in scope, or discovery found nothing',
      warnings: [],
      gaps: [],
      calls: 0,
      durationMs: Math.round(clock() - started),
      collectedAt: options.now.toISOString(),
    });
  }
  return { statuses, records };
}

/** One gap per kind and detail, counts added: a gap met on every page is told once. */
function mergeGaps(gaps: readonly Gap[]): Gap[] {
  const byKey = new Map<string, Gap>();
  for (const g of gaps) {
    const key = JSON.stringify([g.kind, g.detail]);
    const seen = byKey.get(key);
    if (!seen) byKey.set(key, { ...g });
    else if (g.count !== undefined) seen.count = (seen.count ?? 0) + g.count;
  }
  return [...byKey.values()].sort((a, b) =>
    a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.detail < b.detail ? -1 : 1,
  );
}

function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    // The work has started already and will fail on the aborted signal: that failure is expected,
    // and left unhandled it would end the process (exit 1) instead of failing the system (exit 3).
    work.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/**
 * One line that says which call failed and why, with secrets removed. SDK errors carry
 * request headers (Authorization) and whole request objects: only the message and a few
 * known-safe fields are read, and the result still goes through the redactor.
 */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const e = error as Error & { status?: number; code?: string | number; $metadata?: { httpStatusCode?: number } };
    const status = e.status ?? e.$metadata?.httpStatusCode;
    const parts = [e.message || e.name];
    if (status !== undefined && !e.message.includes(String(status))) parts.push(`(HTTP ${status})`);
    return redact(parts.join(' '));
  }
  return redact(String(error));
}
