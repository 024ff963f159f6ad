// What the benchmark's emulators enforce and what its collectors may run at, in one place.
import type { RateLimitPlan } from '../src/core/connector.js';

export const SYSTEMS = ['github', 'aws', 'gcp', 'slack'];

/**
 * Requests in flight each system's limits allow, and what the benchmark runs at: GitHub's
 * secondary limit is 100 concurrent requests (the config caps concurrency at 64); AWS IAM
 * and GCP throttle by request rate rather than concurrency;
 * Slack's limits are per method per minute, not concurrency.
 */
export const ALLOWED: Record<string, number> = { github: 64, aws: 16, gcp: 32, slack: 8 };

/**
 * Limits the emulators enforce, as each service does: GitHub's secondary limit of 100 concurrent
 * requests (its hourly budget is reported, not enforced: see RESULTS.md); an IAM request rate
 * (one window for all accounts, stricter than AWS's per-account limits); a per-minute read quota; Slack's tiers per method per minute (users.list and
 * conversations.list tier 2, team.info tier 3, conversations.members tier 4).
 */
export const LIMITS: Record<string, RateLimitPlan> = {
  github: { concurrent: 100 },
  aws: { overall: { limit: 100, windowMs: 1000 } },
  // IAM's default read quota is per minute (6,000); Resource Manager's is of the same order.
  gcp: { overall: { limit: 6000, windowMs: 60_000 } },
  slack: {
    perOperation: {
      'users.list': { limit: 20, windowMs: 60_000 },
      'conversations.list': { limit: 20, windowMs: 60_000 },
      'team.info': { limit: 50, windowMs: 60_000 },
      'conversations.members': { limit: 100, windowMs: 60_000 },
    },
  },
};
