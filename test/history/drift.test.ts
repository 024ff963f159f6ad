import { describe, expect, it } from 'vitest';
import type { Lane, Snapshot } from '../../src/core/model.js';
import { computeDrift } from '../../src/pipeline/drift.js';
import { account, credential, grant, snapshot, status } from './fixtures.js';

const gh = (ok = true) => status('github', 'northwind', ok);

describe('computeDrift', () => {
  it('reports accounts and grants added and removed, levels raised, lanes gained and credentials created', () => {
    const before = snapshot({
      systems: [gh()],
      accounts: [account('github', 'northwind', 'mia'), account('github', 'northwind', 'old')],
      grants: [
        grant('github', 'northwind', 'mia', 'northwind/storefront'),
        grant('github', 'northwind', 'old', 'northwind/shop'),
      ],
    });
    const after = snapshot({
      systems: [gh()],
      accounts: [account('github', 'northwind', 'mia'), account('github', 'northwind', 'newbie')],
      grants: [
        grant('github', 'northwind', 'mia', 'northwind/storefront', { level: 'write', lanes: ['code', 'production'] }),
        grant('github', 'northwind', 'newbie', 'northwind/shop', { level: 'write' }),
      ],
      credentials: [credential('github', 'northwind', 'mia', 'deploy-1')],
    });
    const drift = computeDrift(before, after, '2026-11-22T09:00:00Z');
    expect(drift.since).toBe('2026-11-22T09:00:00Z');
    expect(drift.changes.map((c) => [c.kind, c.account, c.resource ?? '', c.detail])).toEqual([
      ['credential-created', 'mia', '', 'access-key deploy-1 created 2026-11-20'],
      ['lane-gained', 'mia', 'northwind/storefront', 'gained production'],
      ['level-raised', 'mia', 'northwind/storefront', 'read became write'],
      ['account-added', 'newbie', '', 'new human account'],
      ['grant-added', 'newbie', 'northwind/shop', 'now holds write (code)'],
      ['account-removed', 'old', '', 'account gone'],
      ['grant-removed', 'old', 'northwind/shop', 'no longer holds read'],
    ]);
  });

  it('follows a login renamed by its user number: one rename, no access added or removed', () => {
    const numbered = (login: string, userId: number) => ({
      ...account('github', 'northwind', login),
      attributes: { userId },
    });
    const before = snapshot({
      systems: [gh()],
      accounts: [numbered('ritacosta', 5001)],
      grants: [grant('github', 'northwind', 'ritacosta', 'northwind/shop', { level: 'write' })],
      credentials: [credential('github', 'northwind', 'ritacosta', 'key-1')],
    });
    const after = snapshot({
      systems: [gh()],
      accounts: [numbered('rita-costa', 5001)],
      grants: [grant('github', 'northwind', 'rita-costa', 'northwind/shop', { level: 'write' })],
      credentials: [credential('github', 'northwind', 'rita-costa', 'key-1')],
    });
    expect(computeDrift(before, after, 'x').changes.map((c) => [c.kind, c.account, c.detail])).toEqual([
      ['account-renamed', 'rita-costa', 'renamed from ritacosta: the same user, the same access'],
    ]);

    // The same login now another user's: the old user is gone, the new one's access is added.
    const takenOver = snapshot({
      systems: [gh()],
      accounts: [numbered('ritacosta', 7777)],
      grants: [grant('github', 'northwind', 'ritacosta', 'northwind/shop', { level: 'write' })],
    });
    // Renamed, and the old login taken by someone else since: still one rename, and a new account.
    const both = snapshot({
      systems: [gh()],
      accounts: [numbered('rita-costa', 5001), numbered('ritacosta', 7777)],
      grants: [grant('github', 'northwind', 'rita-costa', 'northwind/shop', { level: 'write' })],
      credentials: [credential('github', 'northwind', 'rita-costa', 'key-1')],
    });
    expect(computeDrift(before, both, 'x').changes.map((c) => [c.kind, c.account])).toEqual([
      ['account-renamed', 'rita-costa'],
      ['account-added', 'ritacosta'],
    ]);

    expect(computeDrift(before, takenOver, 'x').changes.map((c) => [c.kind, c.account, c.resource ?? ''])).toEqual([
      ['account-added', 'ritacosta', ''],
      ['grant-added', 'ritacosta', 'northwind/shop'],
      ['account-removed', 'ritacosta (user 5001)', ''],
      ['grant-removed', 'ritacosta (user 5001)', 'northwind/shop'],
    ]);
  });

  it('compares nothing of a system the scan compared with did not read: newly configured, or a narrowed scan', () => {
    const before = snapshot({ systems: [gh()], accounts: [account('github', 'northwind', 'mia')] });
    const after = snapshot({
      systems: [gh(), status('slack', 'T0NORTHWND', true)],
      accounts: [account('github', 'northwind', 'mia'), account('slack', 'T0NORTHWND', 'U0MIA')],
      grants: [grant('slack', 'T0NORTHWND', 'U0MIA', '#general')],
    });
    const drift = computeDrift(before, after, 'x');
    expect(drift.changes).toEqual([]);
    expect(drift.notCompared).toEqual(['slack (not read in full by the scan compared with)']);
  });

  it('gives a new account or a new key what the account holds now: the level and lanes it opens', () => {
    const before = snapshot({ systems: [gh()], accounts: [account('github', 'northwind', 'ops')] });
    const after = snapshot({
      systems: [gh()],
      accounts: [account('github', 'northwind', 'ops'), account('github', 'northwind', 'newbie')],
      grants: [
        grant('github', 'northwind', 'ops', 'northwind/*', { level: 'admin', lanes: ['code', 'production'] }),
        grant('github', 'northwind', 'ops', 'northwind/shop', { level: 'write', lanes: ['data'] }),
        grant('github', 'northwind', 'newbie', 'northwind/shop', { level: 'write' }),
      ],
      credentials: [
        credential('github', 'northwind', 'ops', 'key-1'),
        { ...credential('github', 'northwind', 'ops', 'deploy-key-2'), resource: 'northwind/shop' },
      ],
    });
    const changes = computeDrift(before, after, 'x').changes.filter(
      (c) => c.kind === 'credential-created' || c.kind === 'account-added',
    );
    expect(changes.map((c) => [c.kind, c.account, c.detail.split(' ')[1], c.level, c.lanes])).toEqual([
      ['account-added', 'newbie', 'human', 'write', ['code']],
      ['credential-created', 'ops', 'key-1', 'admin', ['code', 'data', 'production']],
      ['credential-created', 'ops', 'deploy-key-2', 'write', ['data']],
    ]);
  });

  it('calls a key that replaced one of the same kind a rotation, and a key added beside a live one a creation', () => {
    const keys = (...ids: [string, boolean][]) =>
      snapshot({
        systems: [gh()],
        accounts: [account('github', 'northwind', 'ci'), account('github', 'northwind', 'ops')],
        credentials: ids.map(([id, active]) => ({
          ...credential('github', 'northwind', id.startsWith('ci') ? 'ci' : 'ops', id),
          active,
        })),
      });
    const kinds = (before: Snapshot, after: Snapshot) =>
      computeDrift(before, after, 'x').changes.map((c) => [c.kind, c.account, c.detail.split(' ')[1]]);
    // Deleted, or kept but turned off: either way the new key took the old one's place.
    expect(
      kinds(keys(['ci-1', true], ['ops-1', true]), keys(['ci-2', true], ['ops-1', false], ['ops-2', true])),
    ).toEqual([
      ['credential-rotated', 'ci', 'ci-2'],
      ['credential-rotated', 'ops', 'ops-2'],
    ]);
    // The old key still works beside the new one, or two came for one that went: more keys, more access.
    expect(kinds(keys(['ci-1', true]), keys(['ci-1', true], ['ci-2', true]))).toEqual([
      ['credential-created', 'ci', 'ci-2'],
    ]);
    expect(kinds(keys(['ci-1', true]), keys(['ci-2', true], ['ci-3', true]))).toEqual([
      ['credential-created', 'ci', 'ci-3'],
      ['credential-rotated', 'ci', 'ci-2'],
    ]);
  });

  it('says which lanes a grant gained, not every lane it holds', () => {
    const held = (lanes: Lane[]) =>
      snapshot({
        systems: [gh()],
        accounts: [account('github', 'northwind', 'mia')],
        grants: [grant('github', 'northwind', 'mia', 'northwind/infra', { lanes })],
      });
    const [change] = computeDrift(held(['production']), held(['data', 'production']), 'x').changes;
    expect(change).toMatchObject({ kind: 'lane-gained', lanes: ['data'], detail: 'gained data' });
  });

  it('shows a level lowered and a lane lost as access removed, with what it was and what is left', () => {
    const held = (level: 'read' | 'write', lanes: Lane[]) =>
      snapshot({
        systems: [gh()],
        accounts: [account('github', 'northwind', 'omar-qa')],
        grants: [grant('github', 'northwind', 'omar-qa', 'northwind/shop', { level, lanes })],
      });
    const drift = computeDrift(held('write', ['code', 'production']), held('read', ['code']), 'x');
    expect(drift.changes.map((c) => [c.kind, c.resource, c.level, c.lanes, c.detail])).toEqual([
      ['lane-lost', 'northwind/shop', 'write', ['production'], 'lost production'],
      ['level-lowered', 'northwind/shop', 'write', ['code', 'production'], 'write became read'],
    ]);
  });

  it('compares access held when each scan ran: an expired grant renewed is added, a dead one is nothing', () => {
    const scan = (collectedAt: string, expiresAt: string, extra: Partial<Snapshot> = {}) =>
      snapshot({
        collectedAt,
        systems: [gh()],
        accounts: [account('github', 'northwind', 'mia')],
        grants: [grant('github', 'northwind', 'mia', 'northwind/infra', { expiresAt })],
        ...extra,
      });
    const lapsed = scan('2026-11-01T00:00:00Z', '2026-10-15T00:00:00Z');
    const renewed = scan('2026-11-08T00:00:00Z', '2026-12-31T00:00:00Z');
    expect(computeDrift(lapsed, renewed, 'x').changes.map((c) => c.kind)).toEqual(['grant-added']);
    const stillDead = scan('2026-11-08T00:00:00Z', '2026-10-15T00:00:00Z', {
      credentials: [{ ...credential('github', 'northwind', 'mia', 'key-2'), active: false }],
    });
    expect(computeDrift(lapsed, stillDead, 'x').changes).toEqual([]);
  });

  it('finds nothing when nothing changed', () => {
    const s = snapshot({
      systems: [gh()],
      accounts: [account('github', 'northwind', 'mia')],
      grants: [grant('github', 'northwind', 'mia', 'northwind/storefront')],
    });
    expect(computeDrift(s, structuredClone(s), 'x').changes).toEqual([]);
  });

  it('draws no conclusion about a target that failed in either scan', () => {
    const before = snapshot({
      systems: [gh()],
      accounts: [account('github', 'northwind', 'mia')],
      grants: [grant('github', 'northwind', 'mia', 'northwind/storefront')],
    });
    const failedNow = snapshot({ systems: [gh(false)] });
    const drift = computeDrift(before, failedNow, 'x');
    expect(drift.changes).toEqual([]);
    expect(drift.notCompared).toEqual(['github northwind']);
    expect(computeDrift(failedNow, before, 'x').changes).toEqual([]);
  });

  it('compares per project when statuses are per resource (GCP) and skips the failed one only', () => {
    const systems = (ok: boolean) => [status('gcp', 'projects/a'), status('gcp', 'projects/b', ok)];
    const before = snapshot({ systems: systems(true) });
    const after = snapshot({
      systems: systems(false),
      accounts: [account('gcp', 'org', 'user:x@y.example')],
      grants: [
        grant('gcp', 'org', 'user:x@y.example', 'projects/a'),
        grant('gcp', 'org', 'user:x@y.example', 'projects/b'),
      ],
    });
    const kinds = computeDrift(before, after, 'x').changes.map((c) => `${c.kind} ${c.resource ?? ''}`.trim());
    // The account's target names no status and gcp failed somewhere: the account itself is not concluded on.
    expect(kinds).toEqual(['grant-added projects/a']);
  });

  describe('a failed target or a gap in what a target could see', () => {
    const org = 'organizations/1';
    const gcp = (analytics = true, shopGaps: string[] = []) => [
      status('gcp', org),
      status('gcp', 'projects/analytics', analytics),
      { ...status('gcp', 'projects/shop'), gaps: shopGaps.map((kind) => ({ kind, detail: `${kind} refused` })) },
    ];
    const jun = 'user:jun@park.example';
    const pete = 'user:pete@lind.example';
    const week = (systems: ReturnType<typeof gcp>, withJun: boolean, withPete: boolean) =>
      snapshot({
        systems,
        accounts: [
          account('gcp', org, 'user:dana@northwind.example'),
          ...(withJun ? [account('gcp', org, jun)] : []),
          ...(withPete ? [account('gcp', org, pete)] : []),
        ],
        grants: [
          grant('gcp', org, 'user:dana@northwind.example', 'projects/shop', { level: 'admin' }),
          ...(withJun ? [grant('gcp', org, jun, 'projects/analytics/datasets/sales', { lanes: ['data'] })] : []),
          ...(withPete ? [grant('gcp', org, pete, 'projects/shop/buckets/exports', { lanes: ['data'] })] : []),
        ],
      });

    it('removes no account and no grant that lie in a project that could not be read', () => {
      // jun's only grant is on a dataset of the analytics project, denied this week: jun is not gone.
      const drift = computeDrift(week(gcp(), true, false), week(gcp(false), false, false), 'x');
      expect(drift.changes).toEqual([]);
      expect(drift.notCompared).toEqual(['gcp projects/analytics']);
      // Nor added back when the project is read again.
      expect(computeDrift(week(gcp(false), false, false), week(gcp(), true, false), 'x').changes).toEqual([]);
    });

    it('compares nothing a gap new or gone this week could hide, and says why', () => {
      const before = week(gcp(), false, true);
      const gap = week(gcp(true, ['gcp.bucket-policies']), false, false);
      const drift = computeDrift(before, gap, 'x');
      expect(drift.changes).toEqual([]);
      expect(drift.notCompared).toEqual(['gcp projects/shop (gap gcp.bucket-policies)']);
      // The week the bucket is read again, pete's grant is not "access added": it was there all along.
      expect(computeDrift(gap, week(gcp(), false, true), 'x').changes).toEqual([]);
    });

    it('takes a target found only now (a new project) as new, and concludes nothing of one gone from this scan', () => {
      const before = snapshot({
        systems: [status('gcp', org)],
        accounts: [account('gcp', org, 'user:dana@n.example')],
      });
      const after = snapshot({
        systems: [status('gcp', org), status('gcp', 'projects/new')],
        accounts: [account('gcp', org, 'user:dana@n.example'), account('gcp', org, 'user:outsider@x.example')],
        grants: [grant('gcp', org, 'user:outsider@x.example', 'projects/new', { level: 'write' })],
      });
      const kinds = (d: ReturnType<typeof computeDrift>) =>
        d.changes.map((c) => `${c.kind} ${c.resource ?? ''}`.trim());
      expect(kinds(computeDrift(before, after, 'x'))).toEqual(['account-added', 'grant-added projects/new']);
      // The other way round the project may lie outside this scan's --only: not "removed".
      expect(kinds(computeDrift(after, before, 'x'))).toEqual([]);
    });

    it('still compares a target whose gap is the same in both scans (one acknowledged for good)', () => {
      const systems = gcp(true, ['gcp.bucket-policies']);
      const drift = computeDrift(week(systems, true, false), week(systems, false, true), 'x');
      expect(drift.changes.map((c) => `${c.kind} ${c.account} ${c.resource ?? ''}`.trim()).sort()).toEqual(
        [
          `account-added ${pete}`,
          `account-removed ${jun}`,
          `grant-added ${pete} projects/shop/buckets/exports`,
          `grant-removed ${jun} projects/analytics/datasets/sales`,
        ].sort(),
      );
      expect(drift.notCompared).toEqual([]);
    });
  });
});
