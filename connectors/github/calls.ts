// How every GitHub call is made: a failure names the call, and the reads a token may lack
// permission for become named gaps instead of failing the whole organisation.
import type { AdaptiveQueue } from '../../src/core/adaptive-queue.js';
import type { Gap } from '../../src/core/model.js';
import type { BudgetShortfall } from './budget.js';
import { type CallFailure, GithubCallError, type GithubClient, readFailure } from './client.js';
import type { GithubOperation } from './operations.js';
import { SECONDARY_LIMIT } from './rate-limits.js';

export interface ReadContext {
  client: GithubClient;
  org: string;
  concurrency: number;
  warn(message: string): void;
  /** What could not be seen: the target is incomplete unless the config accepts the gap. */
  gap(gap: Gap): void;
  /** The org's request queue; shrinks when GitHub throttles. One is made from `concurrency` when absent. */
  queue?: AdaptiveQueue;
  /** The budget planner (budget.ts): which reads are kept, what the hour's budget covers, and who to tell. */
  budget?: {
    /** Whether the last scan kept a sealed answer for this request. */
    kept(operation: GithubOperation, params: Record<string, unknown>): boolean;
    shortfall(needed: number): BudgetShortfall | undefined;
    announce(message: string): void;
  };
}

/** Run one API call; a failure becomes a GithubCallError that names it. */
export async function call<T>(operation: string, subject: string | undefined, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof GithubCallError) throw e;
    throw new GithubCallError(operation, subject, readFailure(e));
  }
}

/** Statuses that mean "this token may not see that", as opposed to a broken scan. */
const NOT_VISIBLE = new Set([403, 404, 422]);

export function isNotVisible(failure: CallFailure): boolean {
  if (failure.graphqlTypes?.some((t) => t === 'FORBIDDEN' || t === 'INSUFFICIENT_SCOPES')) return true;
  // A rate limit that outlasted the retries is a failure, not a missing permission: GitHub said
  // to come back later, or named a limit (primary, secondary, or the older "abuse detection").
  if (failure.throttled || /rate limit/i.test(failure.message) || SECONDARY_LIMIT.test(failure.message)) return false;
  return failure.status !== undefined && NOT_VISIBLE.has(failure.status);
}

/** A read a token may not be allowed: a missing permission becomes a named gap, anything else fails. */
export async function optional<T>(
  ctx: Pick<ReadContext, 'gap'>,
  operation: string,
  fn: () => Promise<T>,
  gap: (failure: CallFailure) => Gap,
): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    const failure = e instanceof GithubCallError ? e.failure : readFailure(e);
    if (!isNotVisible(failure))
      throw e instanceof GithubCallError ? e : new GithubCallError(operation, undefined, failure);
    ctx.gap(gap(failure));
    return undefined;
  }
}
