// collect() for GitHub: one target, the organisation. Every record is built only after every
// read succeeded, so a failed call leaves no half-read organisation behind.
import { AdaptiveQueue } from '../../src/core/adaptive-queue.js';
import type { CollectContext } from '../../src/core/connector.js';
import { RateBudget } from './budget.js';
import { basePathOf, type ClientTuning, createClient } from './client.js';
import { requestKey, SealedAnswers } from './conditional.js';
import { readOrg } from './read.js';
import { buildRecords } from './records.js';
import type { GithubConfig } from './schema.js';

export async function collectGithub(
  config: GithubConfig,
  ctx: CollectContext,
  tuning: ClientTuning = {},
): Promise<void> {
  await ctx.runTarget(config.org, async (out) => {
    // One queue per organisation, sized by ctx.concurrency (GitHub allows 100 requests in flight),
    // halved whenever GitHub throttles and grown back as answers go through.
    const queue = new AdaptiveQueue(ctx.concurrency);
    // The last scan's answers, sealed with this credential; the hour's budget, read from every answer.
    const answers = new SealedAnswers(out.answers, config.app?.privateKey ?? config.token ?? '');
    const budget = new RateBudget();
    const client = createClient({
      config,
      signal: ctx.signal,
      log: ctx.log,
      onRequest: (op, outcome) => out.call(op, outcome),
      onThrottle: () => queue.throttled(),
      answers,
      budget,
      tuning,
    });
    const facts = await readOrg({
      client,
      org: config.org,
      concurrency: ctx.concurrency,
      queue,
      warn: (m) => out.warn(m),
      gap: (g) => out.gap(g),
      budget: {
        // The key the request itself will have: Octokit builds the URL, conditional.ts names it.
        kept: (operation, params) =>
          answers.get(requestKey(client.request.endpoint, operation, params, basePathOf(config))) !== undefined,
        shortfall: (needed) => budget.shortfall(needed),
        announce: (message) => {
          ctx.log.warn(`github ${config.org}: ${message}`);
          out.warn(message);
        },
      },
    });
    const records = buildRecords(facts, config.org, config.lanes, ctx.now);
    for (const a of records.accounts) out.account(a);
    for (const g of records.grants) out.grant(g);
    for (const c of records.credentials) out.credential(c);
    for (const s of records.secrets) out.secret(s);
    ctx.log.debug(
      `github ${config.org}: ${records.accounts.length} accounts, ${records.grants.length} grants, ${facts.repos.length} repos`,
    );
  });
}
