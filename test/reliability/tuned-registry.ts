// The connector registry with every wait shrunk to milliseconds: retries, Retry-After, backoff
// and credential-report polls. The fault tests put it in place of connectors/index.ts (vi.mock),
// so the CLI runs exactly the customer's code path, only without waiting real seconds.
import { createAwsConnector } from '../../connectors/aws/index.js';
import { gcpConnector } from '../../connectors/gcp/index.js';
import { createGithubConnector } from '../../connectors/github/index.js';
import { createSlackConnector } from '../../connectors/slack/index.js';
import type { AnyConnector } from '../../src/core/connector.js';

/** The one client timeout a connector lets us set (Slack's): a slow answer is abandoned and retried. */
export const SLACK_TIMEOUT_MS = 400;

export const connectors: readonly AnyConnector[] = [
  createGithubConnector({ msPerSecond: 1 }),
  createAwsConnector({ retryDelayMs: 1, reportPollMs: 1 }),
  gcpConnector,
  createSlackConnector({ msPerSecond: 1, timeoutMs: SLACK_TIMEOUT_MS }),
];

export function connectorById(id: string): AnyConnector | undefined {
  return connectors.find((c) => c.id === id);
}

/** Config fields that tune the connectors whose waits live in the config rather than in code (GCP). */
export const TUNED_BLOCKS: Record<string, Record<string, unknown>> = {
  gcp: { retry: { attempts: 6, baseDelayMs: 1 } },
};
