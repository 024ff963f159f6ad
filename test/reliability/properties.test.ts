// Properties that must hold for every input, not just the ones we thought of (fast-check):
// paging returns every item exactly once whatever the page size; linking accounts to people does
// not depend on the order of the inventory or the register; and the AWS policy evaluator never
// finds a principal more powerful when its policies shrink.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateAccess } from '../../connectors/aws/evaluator.js';
import type { NamedPolicy, Statement } from '../../connectors/aws/policy.js';
import { startSlackEmulator } from '../../connectors/slack/emulator/index.js';
import { SlackScenarioSchema } from '../../connectors/slack/emulator/scenario.js';
import { createSlackConnector } from '../../connectors/slack/index.js';
import { SlackConfigSchema } from '../../connectors/slack/schema.js';
import { PolicySchema } from '../../src/core/config.js';
import { pageOf } from '../../src/core/emulator-kit.js';
import { silentLogger } from '../../src/core/log.js';
import { type Account, accountKey, type Grant, SNAPSHOT_SCHEMA_VERSION, type Snapshot } from '../../src/core/model.js';
import { type Register, RegisterSchema } from '../../src/core/register.js';
import { collect } from '../../src/pipeline/collect.js';
import { buildContext, evaluate } from '../../src/pipeline/evaluate/index.js';

const NOW = new Date('2026-11-29T09:00:00.000Z');

describe('paging', () => {
  it('pageOf serves every item exactly once, in order, for any page size', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 300 }), fc.integer({ min: -3, max: 400 }), (items, size) => {
        const seen: number[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const { page, next } = pageOf(items, cursor, size);
          seen.push(...page);
          cursor = next;
          pages++;
          // A page that does not advance would loop forever.
          expect(pages).toBeLessThanOrEqual(items.length + 1);
        } while (cursor !== undefined);
        expect(seen).toEqual(items);
        expect(pages).toBe(Math.max(1, Math.ceil(items.length / Math.max(1, size))));
      }),
    );
  });

  // Slack's emulator pages users, channels and channel members; the connector follows its cursors.
  const slackWorld = fc
    .record({
      users: fc.integer({ min: 1, max: 9 }),
      channels: fc.array(fc.array(fc.nat({ max: 8 }), { maxLength: 9 }), { minLength: 1, maxLength: 5 }),
      pageSize: fc.integer({ min: 1, max: 4 }),
    })
    .map(({ users, channels, pageSize }) => ({
      pageSize,
      scenario: {
        team: { id: 'T0PROP', name: 'Property Test', domain: 'property-test' },
        users: Array.from({ length: users }, (_, i) => ({
          id: `U0P${i}`,
          name: `user${i}`,
          realName: `User ${i}`,
          email: `user${i}@property.example`,
          twoFactor: true,
        })),
        channels: channels.map((members, c) => ({
          id: `C0P${c}`,
          name: `channel-${c}`,
          general: c === 0,
          members: [...new Set(members.filter((m) => m < users))].map((m) => `U0P${m}`),
        })),
      },
    }));

  async function scanSlack(scenario: unknown, pageSize: number): Promise<Snapshot> {
    const emulator = await startSlackEmulator(SlackScenarioSchema.parse(scenario), { now: NOW, pageSize });
    try {
      const config = SlackConfigSchema.parse({ ...emulator.config, token: Object.values(emulator.env)[0] });
      return await collect([{ connector: createSlackConnector({ msPerSecond: 0 }), config }], {
        now: NOW,
        log: silentLogger,
        clock: () => 0,
      });
    } finally {
      await emulator.close();
    }
  }

  it('the Slack connector reads the same inventory at any page size, every member exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(slackWorld, async ({ scenario, pageSize }) => {
        const [paged, whole] = await Promise.all([scanSlack(scenario, pageSize), scanSlack(scenario, 1000)]);
        expect(paged.systems.every((s) => s.ok)).toBe(true);
        expect(paged.accounts).toEqual(whole.accounts);
        expect(paged.grants).toEqual(whole.grants);
        expect(paged.accounts.map((a) => a.id).sort()).toEqual(scenario.users.map((u) => u.id).sort());
        // Each membership once: one grant per channel member, none twice.
        const memberships = paged.grants
          .filter((g) => g.resource.startsWith('#'))
          .map((g) => `${g.account} ${g.resource}`);
        expect(new Set(memberships).size).toBe(memberships.length);
        expect(memberships.length).toBe(scenario.channels.reduce((n, c) => n + c.members.length, 0));
      }),
      { numRuns: 12 },
    );
  });
});

describe('linking', () => {
  const SYSTEMS = ['github', 'slack'] as const;
  const emails = fc.constantFrom('a@x.example', 'b@x.example', 'c@y.example', 'd@y.example', 'e@z.example');
  const logins = fc.constantFrom('alpha', 'beta', 'gamma', 'delta', 'Alpha', 'BETA');

  const world = fc.record({
    people: fc.uniqueArray(
      fc.record({
        id: fc.constantFrom('p1', 'p2', 'p3', 'p4', 'p5', 'p6'),
        kind: fc.constantFrom('employee' as const, 'contractor' as const),
        emails: fc.uniqueArray(emails, { maxLength: 2 }),
        github: fc.option(logins, { nil: undefined }),
        slack: fc.option(logins, { nil: undefined }),
      }),
      { selector: (p) => p.id, maxLength: 6 },
    ),
    shared: fc.uniqueArray(fc.record({ system: fc.constantFrom(...SYSTEMS), id: logins }), {
      selector: (s) => `${s.system} ${s.id.toLowerCase()}`,
      maxLength: 2,
    }),
    accounts: fc.uniqueArray(
      fc.record({
        system: fc.constantFrom(...SYSTEMS),
        id: logins,
        emails: fc.uniqueArray(emails, { maxLength: 2 }),
        level: fc.constantFrom('read' as const, 'write' as const, 'admin' as const),
      }),
      { selector: (a) => `${a.system} ${a.id}`, maxLength: 8 },
    ),
  });

  type World = typeof world extends fc.Arbitrary<infer T> ? T : never;

  function registerOf(w: World): Register {
    return RegisterSchema.parse({
      organization: 'Property Test',
      people: w.people.map((p) => ({
        id: p.id,
        name: `Person ${p.id}`,
        kind: p.kind,
        ...(p.kind === 'contractor' ? { owner: 'p1' } : {}),
        emails: p.emails,
        accounts: {
          ...(p.github ? { github: p.github } : {}),
          ...(p.slack ? { slack: p.slack } : {}),
        },
      })),
      shared_accounts: w.shared.map((s) => ({ ...s, kind: 'shared', owner: 'p1', purpose: 'a shared login' })),
    });
  }

  function snapshotOf(w: World): Snapshot {
    const accounts: Account[] = w.accounts.map((a) => ({
      system: a.system,
      target: 'org',
      id: a.id,
      login: a.id,
      emails: a.emails,
      kind: 'human',
      status: 'active',
    }));
    const grants: Grant[] = w.accounts.map((a) => ({
      system: a.system,
      target: 'org',
      account: a.id,
      resource: 'org/repo',
      permission: a.level,
      via: 'direct',
      lanes: ['code'],
      level: a.level,
    }));
    return {
      schemaVersion: SNAPSHOT_SCHEMA_VERSION,
      collectedAt: NOW.toISOString(),
      systems: SYSTEMS.map((system) => ({
        system,
        target: 'org',
        ok: true,
        warnings: [],
        gaps: [],
        calls: 1,
        durationMs: 0,
        collectedAt: NOW.toISOString(),
      })),
      accounts,
      grants,
      credentials: [],
      secrets: [],
    };
  }

  /** The same world in another order: accounts, grants, people, their emails and the shared accounts. */
  function shuffled(register: Register, snapshot: Snapshot, seed: number): { register: Register; snapshot: Snapshot } {
    const order = <T>(items: readonly T[], salt: number): T[] =>
      items
        .map((item, i) => ({ item, key: Math.sin(seed * 7919 + salt * 104729 + i * 31) }))
        .sort((a, b) => a.key - b.key)
        .map((x) => x.item);
    return {
      register: {
        ...register,
        people: order(register.people, 1).map((p, i) => ({ ...p, emails: order(p.emails, 10 + i) })),
        shared_accounts: order(register.shared_accounts, 2),
        groups: order(register.groups, 3),
      },
      snapshot: {
        ...snapshot,
        accounts: order(snapshot.accounts, 4).map((a, i) => ({ ...a, emails: order(a.emails, 20 + i) })),
        grants: order(snapshot.grants, 5),
      },
    };
  }

  it('links every account to the same person, whatever the order of accounts and people', () => {
    fc.assert(
      fc.property(world, fc.integer({ min: 1, max: 1_000_000 }), (w, seed) => {
        const register = registerOf(w);
        const snapshot = snapshotOf(w);
        const policy = PolicySchema.parse({});
        const before = buildContext({ register, snapshot, policy, now: NOW });
        const other = shuffled(register, snapshot, seed);
        const after = buildContext({ ...other, policy, now: NOW });
        for (const account of snapshot.accounts) {
          expect(after.linkOf(account), accountKey(account)).toEqual(before.linkOf(account));
        }
        // And everything judged from the links: the same findings, in the same order.
        const findings = (input: { register: Register; snapshot: Snapshot }) =>
          evaluate({ ...input, policy, now: NOW }).findings;
        expect(findings(other)).toEqual(findings({ register, snapshot }));
      }),
      { numRuns: 200 },
    );
  });
});

describe('the AWS policy evaluator', () => {
  const SERVICES = ['s3', 'iam', 'ec2', 'dynamodb', 'kms', 'logs'];
  const VERBS = ['Get', 'List', 'Describe', 'Put', 'Delete', 'Create', 'Update', 'Attach', 'Pass'];
  const action = fc.oneof(
    fc.constant('*'),
    fc.constantFrom(...SERVICES).map((s) => `${s}:*`),
    fc
      .tuple(
        fc.constantFrom(...SERVICES),
        fc.constantFrom(...VERBS),
        fc.constantFrom('Object', 'Role', 'Item', 'Key', '*'),
      )
      .map(([s, v, n]) => `${s}:${v}${n}`),
    fc.constantFrom('s3:GetObject', 'iam:PassRole', 'iam:CreateAccessKey', 'kms:Decrypt', 'dynamodb:Scan'),
    // IAM matches actions without regard to case; so must the evaluator.
    fc.constantFrom('s3:getobject', 'IAM:PASSROLE', 'ec2:describeinstances', 'dynamodb:putitem', 'S3:*'),
  );
  const resource = fc.constantFrom('*', 'arn:aws:s3:::bucket/*', 'arn:aws:iam::111111111111:role/app');
  const allow: fc.Arbitrary<Statement> = fc.record({
    Effect: fc.constant('Allow' as const),
    Action: fc.array(action, { minLength: 1, maxLength: 3 }),
    Resource: resource,
  });
  const deny: fc.Arbitrary<Statement> = fc.record({
    Effect: fc.constant('Deny' as const),
    Action: fc.array(action, { minLength: 1, maxLength: 2 }),
    Resource: fc.constant('*'),
  });
  const policyOf = (name: string, statements: Statement[]): NamedPolicy => ({
    name,
    document: { Version: '2012-10-17', Statement: statements },
  });

  /** The four answers, each true only if the larger set of policies also says true. */
  const FLAGS = ['admin', 'write', 'dataRead', 'read'] as const;

  it('never finds fewer Allow statements more powerful than more', () => {
    fc.assert(
      fc.property(
        fc.array(allow, { maxLength: 4 }),
        fc.array(allow, { minLength: 1, maxLength: 3 }),
        fc.array(deny, { maxLength: 1 }),
        fc.option(fc.array(allow, { minLength: 1, maxLength: 2 }), { nil: undefined }),
        (kept, added, denies, boundary) => {
          const smaller = [policyOf('base', [...kept, ...denies])];
          const larger = [...smaller, policyOf('extra', added)];
          const bound = boundary ? { boundary: [policyOf('boundary', boundary)] } : {};
          const small = evaluateAccess({ policies: smaller, ...bound });
          const large = evaluateAccess({ policies: larger, ...bound });
          for (const flag of FLAGS) if (small[flag]) expect(large[flag], flag).toBe(true);
        },
      ),
      { numRuns: 250 },
    );
  });

  it('never finds a policy more powerful when actions are taken out of its statements', () => {
    fc.assert(
      fc.property(fc.array(allow, { minLength: 1, maxLength: 4 }), fc.nat(), (statements, cut) => {
        const full = evaluateAccess({ policies: [policyOf('p', statements)] });
        // Drop one action from one statement that has more than one.
        const narrowed = statements.map((s, i) => {
          const actions = Array.isArray(s.Action) ? s.Action : [s.Action as string];
          return i === cut % statements.length && actions.length > 1
            ? { ...s, Action: actions.filter((_, j) => j !== cut % actions.length) }
            : s;
        });
        const less = evaluateAccess({ policies: [policyOf('p', narrowed)] });
        for (const flag of FLAGS) if (less[flag]) expect(full[flag], flag).toBe(true);
      }),
      { numRuns: 250 },
    );
  });
});
