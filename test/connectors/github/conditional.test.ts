// Conditional requests: the second scan of an unchanged organisation asks "changed since?" for
// every REST read, GitHub answers 304 (not charged), and the inventory is the same; what changed
// is read afresh; a kept answer is never used without GitHub's 304.

import { Octokit } from '@octokit/rest';
import { afterEach, describe, expect, it } from 'vitest';
import { basePathOf, createClient } from '../../../connectors/github/client.js';
import { requestKey, SealedAnswers } from '../../../connectors/github/conditional.js';
import { GithubScenarioSchema } from '../../../connectors/github/emulator/scenario.js';
import { createGithubConnector, type GithubScenario } from '../../../connectors/github/index.js';
import { readPages } from '../../../connectors/github/pages.js';
import { GithubConfigSchema } from '../../../connectors/github/schema.js';
import type { CachedAnswer } from '../../../src/core/answers.js';
import type { EmulatorOptions, RunningEmulator } from '../../../src/core/connector.js';
import { silentLogger } from '../../../src/core/log.js';
import type { Snapshot } from '../../../src/core/model.js';
import { clearSecrets, registerSecret } from '../../../src/core/redact.js';
import { AnswerStore, type StoredAnswer } from '../../../src/pipeline/answers.js';
import { collect } from '../../../src/pipeline/collect.js';
import { demoScenario, FAST, inventory, NOW } from './harness.js';
import { json, wireServer } from './wire-server.js';

afterEach(() => clearSecrets());

/** One emulator, scanned as many times as the test asks, each scan with the answers the last one kept. */
async function scanner(
  scenario: GithubScenario,
  options: Partial<EmulatorOptions> = {},
  tuning: Parameters<typeof createGithubConnector>[0] = {},
) {
  const connector = createGithubConnector({ ...FAST, ...tuning });
  const emulator: RunningEmulator = await connector.emulator.start(scenario, { now: NOW, ...options });
  const token = Object.values(emulator.env)[0] as string;
  const config = GithubConfigSchema.parse({ ...emulator.config, token });
  return {
    emulator,
    async scan(kept: readonly StoredAnswer[]) {
      const before = emulator.requests.length;
      const answers = new AnswerStore(kept);
      // One request at a time: how far a budget reaches is then the same on every run.
      const snapshot = await collect([{ connector, config }], { now: NOW, log: silentLogger, answers, concurrency: 1 });
      const requests = emulator.requests.slice(before);
      return { snapshot, kept: answers.kept(), requests, served: requests.map((r) => r.status) };
    },
    close: () => emulator.close(),
  };
}

const status = (s: Snapshot) => s.systems[0] as Snapshot['systems'][number];
const charged = (served: number[]) => served.filter((s) => s !== 304).length;

describe('github connector: conditional requests with the answers the last scan kept', () => {
  it('re-reads an unchanged organisation at page size 1 with every REST read answered 304, the same inventory', async () => {
    const org = await scanner(await demoScenario(), { pageSize: 1 });
    try {
      const first = await org.scan([]);
      expect(status(first.snapshot).ok).toBe(true);
      expect(first.served).not.toContain(304);
      expect(status(first.snapshot).unchanged).toBeUndefined();
      // One kept answer per REST page read (GraphQL has no ETags; an error is not kept).
      const restPages = org.emulator.requests.filter((r) => r.method === 'GET' && r.status === 200).length;
      expect(first.kept).toHaveLength(restPages);

      const second = await org.scan(first.kept);
      expect(status(second.snapshot).ok).toBe(true);
      expect(inventory(second.snapshot)).toEqual(inventory(first.snapshot));
      const notModified = second.served.filter((s) => s === 304).length;
      expect(notModified).toBe(restPages);
      expect(status(second.snapshot).unchanged).toBe(notModified);
      expect(status(second.snapshot).calls).toBe(second.served.length);
      // The budget planner asks for the keys the per-repository reads really have.
      const client = new Octokit({ baseUrl: org.emulator.url });
      for (const repo of (await demoScenario()).repos)
        for (const read of ['keys', 'actions/secrets', 'environments'])
          expect(first.kept.map((a) => a.key)).toContain(
            requestKey(
              client.request.endpoint,
              `GET /repos/{owner}/{repo}/${read}`,
              { owner: 'northwind', repo: repo.name, per_page: 100 },
              basePathOf({ baseUrl: org.emulator.url }),
            ),
          );
      // What is still charged is GraphQL and the reads the token may not make (the PAT listing's 403).
      expect(second.requests.filter((r) => r.method === 'GET' && r.status === 200)).toEqual([]);
      const errors = second.requests.filter((r) => r.status >= 400).length;
      expect(charged(second.served)).toBe(second.requests.filter((r) => r.method === 'POST').length + errors);
      expect(second.kept).toEqual(first.kept);
    } finally {
      await org.close();
    }
  });

  it('reads afresh what changed between scans and keeps the new answer', async () => {
    const scenario = GithubScenarioSchema.parse(await demoScenario());
    const org = await scanner(scenario);
    try {
      const first = await org.scan([]);
      const repo = scenario.repos[0] as GithubScenario['repos'][number];
      // The emulator serves the scenario's lists: a deploy key added between the scans.
      repo.deployKeys.push({
        id: 991,
        title: 'added-after-the-first-scan',
        readOnly: false,
        enabled: true,
        createdAt: NOW.toISOString(),
      });
      const second = await org.scan(first.kept);
      expect(status(second.snapshot).ok).toBe(true);
      expect(JSON.stringify(second.snapshot.credentials)).toContain('added-after-the-first-scan');
      expect(JSON.stringify(first.snapshot.credentials)).not.toContain('added-after-the-first-scan');
      // Exactly one REST read changed: it alone was answered in full, the others 304.
      const full = second.requests.filter((r) => r.method === 'GET' && r.status === 200);
      expect(full.map((r) => r.path)).toEqual([`/repos/${scenario.org.login}/${repo.name}/keys`]);
      const keysKey = `GET /repos/${scenario.org.login}/${repo.name}/keys?`;
      const before = first.kept.find((a) => a.key.startsWith(keysKey));
      const after = second.kept.find((a) => a.key.startsWith(keysKey));
      expect(after?.validator).not.toBe(before?.validator);
      expect(after?.body).toContain('added-after-the-first-scan');
      const third = await org.scan(second.kept);
      expect(inventory(third.snapshot)).toEqual(inventory(second.snapshot));
    } finally {
      await org.close();
    }
  });

  it('finds the member on a page a list grew by between scans, at page size 1, when the old last page is unchanged', async () => {
    const scenario = GithubScenarioSchema.parse(await demoScenario());
    // A GitHub user who is not in the organisation yet.
    scenario.users.push({
      login: 'newhire',
      name: 'New Hire',
      type: 'User',
      verifiedDomainEmails: [],
      twoFactor: true,
    });
    const org = await scanner(scenario, { pageSize: 1 });
    try {
      const first = await org.scan([]);
      expect(status(first.snapshot).ok).toBe(true);
      expect(first.snapshot.accounts.map((a) => a.id)).not.toContain('newhire');
      // They join as a plain member: the role=member list grows by exactly one page, and every
      // page it had (the old last one included) answers 304 with its unchanged body.
      scenario.members.push({ login: 'newhire', role: 'member' });
      const second = await org.scan(first.kept);
      expect(status(second.snapshot).error).toBeUndefined();
      expect(second.served).toContain(304);
      expect(second.snapshot.accounts.map((a) => a.id)).toContain('newhire');
      expect(second.snapshot.grants.filter((g) => g.account === 'newhire').map((g) => g.viaName)).toContain(
        'base permission',
      );
      // What the next scan keeps names the new last page: a third scan finds the member without a full read.
      const third = await org.scan(second.kept);
      expect(third.snapshot.accounts.map((a) => a.id)).toContain('newhire');
      expect(inventory(third.snapshot)).toEqual(inventory(second.snapshot));
    } finally {
      await org.close();
    }
  });

  it('re-reads through rate-limit and server-error answers to conditional requests', async () => {
    const clean = await scanner(await demoScenario(), { pageSize: 2 });
    let kept: StoredAnswer[];
    let expected: ReturnType<typeof inventory>;
    try {
      const first = await clean.scan([]);
      kept = first.kept;
      expected = inventory(first.snapshot);
    } finally {
      await clean.close();
    }
    // Another emulator with the same organisation: bodies name its address, so only what does not
    // is unchanged; the faults hit conditional and plain requests alike.
    const faulty = await scanner(await demoScenario(), {
      pageSize: 2,
      faults: { seed: 4, rate: 0.3, kinds: ['rate-limit', 'secondary-rate-limit', 'server-error'] },
    });
    try {
      const first = await faulty.scan(kept);
      const second = await faulty.scan(first.kept);
      expect(second.requests.some((r) => r.fault !== undefined)).toBe(true);
      expect(second.served).toContain(304);
      expect(status(second.snapshot).ok).toBe(true);
      expect(inventory(second.snapshot)).toEqual(expected);
    } finally {
      await faulty.close();
    }
  });

  it('never uses a kept answer GitHub did not confirm, nor one the history alone could have planted', async () => {
    const org = await scanner(await demoScenario());
    try {
      const first = await org.scan([]);
      // A stale validator: GitHub answers in full.
      const stale = await org.scan(first.kept.map((a) => ({ ...a, validator: 'W/"stale"', body: '[]' })));
      expect(stale.served).not.toContain(304);
      expect(inventory(stale.snapshot)).toEqual(inventory(first.snapshot));
      // GitHub's current validator over a forged body (a repository's secrets hidden): GitHub would
      // say 304, so the seal must refuse the answer before it is asked.
      const empty = '{"total_count":0,"secrets":[]}';
      const hidden = (a: StoredAnswer) => /^GET \/repos\/.*\/actions\/secrets\?/.test(a.key) && a.body !== empty;
      const planted = await org.scan(first.kept.map((a) => (hidden(a) ? { ...a, body: empty } : a)));
      expect(inventory(planted.snapshot)).toEqual(inventory(first.snapshot));
      const forgedPaths = first.kept.filter(hidden).map((a) => a.key.slice('GET '.length).split('?')[0]);
      expect(forgedPaths.length).toBeGreaterThan(0);
      for (const path of forgedPaths)
        expect(planted.requests.filter((r) => r.path === path).map((r) => r.status)).toEqual([200]);
    } finally {
      await org.close();
    }
  });

  it('keeps no answer that holds a secret', async () => {
    const org = await scanner(await demoScenario());
    try {
      // A value the redactor knows, and that the organisation's own answer carries.
      registerSecret('northwind');
      const first = await org.scan([]);
      expect(first.kept.length).toBeGreaterThan(0);
      for (const a of first.kept) expect(`${a.body}${a.link ?? ''}`).not.toContain('northwind');
    } finally {
      await org.close();
    }
  });

  it('keeps what a failed scan read, so the next scan resumes instead of starting over', async () => {
    const org = await scanner(await demoScenario(), {
      faults: { seed: 1, rate: 1, persistent: true, kinds: ['server-error'], operations: ['GET /orgs/{org}/teams'] },
    });
    try {
      const previous: StoredAnswer[] = [
        { system: 'github', target: 'northwind', key: 'GET /earlier?page=1', validator: 'W/"x"', body: '[]' },
      ];
      const failed = await org.scan(previous);
      expect(status(failed.snapshot).ok).toBe(false);
      // The previous scan's answers survive the failure, beside everything this one read.
      expect(failed.kept.map((a) => a.key)).toContain('GET /earlier?page=1');
      expect(failed.kept.length).toBeGreaterThan(1);
    } finally {
      await org.close();
    }
  });

  it("says before the fan-out that the hour's budget cannot cover it, and each next scan resumes where the last stopped", async () => {
    // A budget of 18 REST requests in a 3-second "hour"; the demo organisation needs about twice that.
    const windowSeconds = 3;
    const org = await scanner(
      await demoScenario(),
      { rateLimits: { hourly: 18, hourlyWindowSeconds: windowSeconds } },
      { rateLimitRetries: 0 },
    );
    try {
      const scans = [];
      let kept: StoredAnswer[] = [];
      for (let i = 0; i < 4; i++) {
        const scan = await org.scan(kept);
        scans.push(scan);
        kept = scan.kept;
        if (status(scan.snapshot).ok) break;
        await new Promise((r) => setTimeout(r, windowSeconds * 1000 + 200));
      }
      const first = status((scans[0] as (typeof scans)[number]).snapshot);
      expect(first.ok).toBe(false);
      expect(first.error).toMatch(/answered 403: API rate limit exceeded/);
      expect(first.warnings.join('\n')).toMatch(
        /GitHub's hourly budget cannot cover this scan of northwind: it needs at least 12 more requests .* and \d+ of 18 remain until \S+Z, so it needs about 1 more hour of budget/,
      );
      // Every scan kept more than the one before, and the last one read the organisation.
      const last = scans.at(-1) as (typeof scans)[number];
      expect(status(last.snapshot).ok).toBe(true);
      expect(scans.length).toBeGreaterThan(1);
      for (let i = 1; i < scans.length; i++) {
        const [before, after] = [scans[i - 1], scans[i]] as (typeof scans)[number][];
        expect(after?.kept.length).toBeGreaterThan(before?.kept.length ?? 0);
      }
      // What an earlier scan read was not charged again: the later scans were answered 304 for it.
      expect(last.served.filter((s) => s === 304).length).toBeGreaterThan(0);
      const clean = await scanner(await demoScenario());
      try {
        expect(inventory(last.snapshot)).toEqual(inventory((await clean.scan([])).snapshot));
      } finally {
        await clean.close();
      }
    } finally {
      await org.close();
    }
  }, 30_000);

  it('counts collaborators and team access in the plan when custom roles make them REST reads', async () => {
    const scenario = {
      ...(await demoScenario()),
      customRepositoryRoles: [{ id: 41, name: 'qa-tester', baseRole: 'read' as const, permissions: ['add_label'] }],
    };
    const org = await scanner(
      scenario,
      { rateLimits: { hourly: 18, hourlyWindowSeconds: 3 } },
      { rateLimitRetries: 0 },
    );
    try {
      const { snapshot } = await org.scan([]);
      // Four repositories × (keys, secrets, environments, collaborators) and one team × (repos, members).
      expect(status(snapshot).warnings.join('\n')).toMatch(/it needs at least 18 more requests/);
    } finally {
      await org.close();
    }
  });
});

describe('github conditional paging when a 304 does not carry the Link header', () => {
  it('asks past a full last page answered from a kept answer, and finds the page the list grew by', async () => {
    const members = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) => ({ login: `user-${from + i}`, id: from + i + 1 }));
    let grown = false;
    // One full page of 100 (no Link: a single page); later a 101st member, on page 2. Page 1's
    // body does not change, so it answers 304, and this server's 304s carry no Link.
    const server = await wireServer((request, response) => {
      const page = Number(new URL(request.url, 'http://github.test').searchParams.get('page') ?? 1);
      if (page > 1)
        return json(response, 200, grown && page === 2 ? members(100, 1) : [], { etag: `W/"p${page}${grown}"` });
      if (request.headers['if-none-match'] === 'W/"p1"') {
        response.writeHead(304, { etag: 'W/"p1"' });
        return response.end();
      }
      json(response, 200, members(0, 100), { etag: 'W/"p1"' });
    });
    try {
      const kept = new Map<string, CachedAnswer>();
      const token = 'ghp_wireservertest';
      const read = () =>
        readPages(
          createClient({
            config: GithubConfigSchema.parse({ org: 'acme', token, baseUrl: server.url }),
            signal: new AbortController().signal,
            log: silentLogger,
            onRequest: () => {},
            answers: new SealedAnswers({ get: (k) => kept.get(k), put: (k, a) => kept.set(k, a) }, token),
            tuning: { msPerSecond: 1 },
          }),
          (task) => task(),
          'GET /orgs/{org}/members',
          { org: 'acme' },
          undefined,
        );
      expect(await read()).toHaveLength(100);
      // A fresh answer that says it is the only page is taken at its word.
      expect(server.received).toHaveLength(1);
      grown = true;
      const again = await read();
      expect(again).toHaveLength(101);
      expect(again.at(-1)).toEqual({ login: 'user-100', id: 101 });
      expect(
        server.received.slice(1).map((r) => new URL(r.url, 'http://github.test').searchParams.get('page')),
      ).toEqual([null, '2']);
    } finally {
      await server.close();
    }
  });
});
