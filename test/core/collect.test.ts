import { describe, expect, it } from 'vitest';
import type { Connector } from '../../src/core/connector.js';
import { silentLogger } from '../../src/core/log.js';
import type { Account } from '../../src/core/model.js';
import { collect } from '../../src/pipeline/collect.js';
import { fakeConnector } from '../support/fake-connector.js';

const account = (id: string, target: string): Account => ({
  system: 'fake',
  target,
  id,
  login: id,
  emails: [],
  kind: 'human',
  status: 'active',
});

function connectorCollecting(collectImpl: Connector['collect']): Connector {
  return fakeConnector({
    id: 'fake',
    title: 'Fake',
    collect: collectImpl,
    classify: () => ({ lanes: ['code'], level: 'read' }),
    operations: ['GET /things'],
  });
}

const config = { deadlineSeconds: 1, concurrency: 2 };
const options = { now: new Date('2026-11-29T00:00:00Z'), log: silentLogger, clock: () => 0 };

describe('collect', () => {
  it('keeps the records of targets that were read and drops every record of one that failed', async () => {
    const connector = connectorCollecting(async (_c, ctx) => {
      await ctx.runTarget('good', async (out) => {
        out.call('GET /things');
        out.account(account('a', 'good'));
      });
      await ctx.runTarget('bad', async (out) => {
        out.account(account('b', 'bad'));
        throw new Error('GET /things answered 502');
      });
    });
    const snapshot = await collect([{ connector, config }], options);
    expect(snapshot.accounts.map((a) => a.id)).toEqual(['a']);
    // Sorted by target, whatever order they finished in.
    expect(snapshot.systems).toEqual([
      expect.objectContaining({ target: 'bad', ok: false, error: 'GET /things answered 502' }),
      expect.objectContaining({ target: 'good', ok: true, calls: 1 }),
    ]);
  });

  it('fails a system that outlives its deadline instead of hanging', async () => {
    const connector = connectorCollecting(async (_c, ctx) => {
      await ctx.runTarget('slow', () => new Promise(() => {}));
    });
    const snapshot = await collect([{ connector, config: { ...config, deadlineSeconds: 0.05 } }], options);
    expect(snapshot.systems).toHaveLength(1);
    expect(snapshot.systems[0]).toMatchObject({ ok: false, error: expect.stringContaining('deadline') });
  });

  it('reports a system that read nothing as failed, never as empty', async () => {
    const snapshot = await collect([{ connector: connectorCollecting(async () => {}), config }], options);
    expect(snapshot.systems).toEqual([expect.objectContaining({ target: '*', ok: false })]);
  });

  it('fails the system when discovery throws outside any target', async () => {
    const connector = connectorCollecting(async () => {
      throw new Error('ListAccounts answered AccessDenied');
    });
    const snapshot = await collect([{ connector, config }], options);
    expect(snapshot.systems).toEqual([
      expect.objectContaining({ ok: false, error: 'ListAccounts answered AccessDenied' }),
    ]);
  });
});
