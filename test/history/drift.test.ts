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
});
