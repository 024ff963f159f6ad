// GitHub's hourly REST budget, read from the x-ratelimit headers every answer carries (no extra
// call), and the plan made once the repositories are listed: how many of the per-repository reads
// cost a request (those with no kept answer; a kept one costs nothing when unchanged). When the
// budget left cannot cover them, the scan says so before the fan-out starts, with the hours the
// token needs; it then reads what the budget allows. Everything read is kept (the target's
// answers survive a failure), so the next scan resumes there instead of starting over.

export interface BudgetShortfall {
  /** Requests the rest of this read needs at least. */
  needed: number;
  /** Requests left in this hour's budget. */
  remaining: number;
  /** The hour's budget (5,000 for a token, up to 15,000 for an App). */
  limit: number;
  /** When the budget resets, as an ISO instant. */
  resetAt: string;
}

export class RateBudget {
  private remaining: number | undefined;
  private limit: number | undefined;
  private reset: number | undefined;

  /** Every answer's headers: the lowest remaining count seen in the current window wins. */
  observe(headers: { get(name: string): string | null }): void {
    if ((headers.get('x-ratelimit-resource') ?? 'core') !== 'core') return;
    if (headers.get('x-ratelimit-remaining') === null) return;
    const remaining = Number(headers.get('x-ratelimit-remaining'));
    const limit = Number(headers.get('x-ratelimit-limit'));
    const reset = Number(headers.get('x-ratelimit-reset'));
    if (!Number.isFinite(remaining) || !Number.isFinite(limit) || !Number.isFinite(reset)) return;
    // A later window starts afresh; within one, answers arrive out of order and the lowest is current.
    if (this.reset === undefined || reset > this.reset) {
      this.reset = reset;
      this.remaining = remaining;
    } else if (reset === this.reset) {
      this.remaining = Math.min(this.remaining ?? remaining, remaining);
    }
    this.limit = limit;
  }

  /** Undefined when the budget covers `needed` requests (or no answer has told it yet). */
  shortfall(needed: number): BudgetShortfall | undefined {
    if (this.remaining === undefined || this.limit === undefined || this.reset === undefined) return undefined;
    if (needed <= this.remaining) return undefined;
    return {
      needed,
      remaining: this.remaining,
      limit: this.limit,
      resetAt: new Date(this.reset * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    };
  }
}

/** The warning a scan gives before a fan-out its budget cannot cover. */
export function describeShortfall(org: string, s: BudgetShortfall): string {
  const hours = Math.ceil((s.needed - s.remaining) / Math.max(1, s.limit));
  return (
    `GitHub's hourly budget cannot cover this scan of ${org}: it needs at least ${s.needed} more requests ` +
    `(reads not kept from an earlier scan) and ${s.remaining} of ${s.limit} remain until ${s.resetAt}, ` +
    `so it needs about ${hours} more hour${hours === 1 ? '' : 's'} of budget. What is read now is kept: ` +
    'the next scan resumes from it, and a re-read of an unchanged repository is not charged.'
  );
}
