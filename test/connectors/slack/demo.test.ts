// The demo company's Slack story, read by the connector from the demo scenario the way
// `lanekeeper demo` does: the facts each Slack finding of the demo rests on.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isoDate, resolveRelativeDates } from '../../../src/core/dates.js';
import type { Snapshot } from '../../../src/core/model.js';
import { NOW, scanSlack, startEmulator } from './harness.js';

const DEMO = join(import.meta.dirname, '../../../examples/demo');

async function demoScan(): Promise<Snapshot> {
  const scenario = JSON.parse(resolveRelativeDates(await readFile(join(DEMO, 'slack.scenario.json'), 'utf8'), NOW));
  const config = JSON.parse(await readFile(join(DEMO, 'config.json'), 'utf8')) as {
    connectors: { slack: { lanes: { data: string[] } } };
  };
  return scanSlack(await startEmulator(scenario), { lanes: config.connectors.slack.lanes });
}

interface RegisterGrant {
  system: string;
  scope: string;
  end?: string;
}
async function registerGrants(person: string): Promise<RegisterGrant[]> {
  const register = parse(resolveRelativeDates(await readFile(join(DEMO, 'register.yaml'), 'utf8'), NOW)) as {
    people: { id: string; grants?: RegisterGrant[] }[];
  };
  return register.people.find((p) => p.id === person)?.grants ?? [];
}

describe('slack demo story', () => {
  it('keeps the freelance developer as a guest in the data-lane #support after his job ended', async () => {
    const snapshot = await demoScan();
    const sam = snapshot.accounts.find((a) => a.emails.includes('sam@ortiz.dev'));
    expect(sam).toMatchObject({ status: 'active', role: 'multi-channel-guest', kind: 'human' });
    const grants = snapshot.grants.filter((g) => g.account === sam?.id);
    expect(grants.map((g) => [g.resource, g.lanes])).toEqual([
      ['#checkout-fix', ['code']],
      ['#support', ['data']],
      // Archived, and still readable: last year's support history.
      ['#support-2025', ['data']],
    ]);
    const [slackGrant] = (await registerGrants('sam')).filter((g) => g.system === 'slack');
    expect(slackGrant?.end && slackGrant.end < isoDate(NOW)).toBe(true);
  });

  it('gives the designer a Slack expiry on the day her register grant ends, and nothing else', async () => {
    const snapshot = await demoScan();
    const mia = snapshot.accounts.find((a) => a.emails.includes('mia@pixelmia.studio'));
    expect(mia).toMatchObject({ status: 'active', role: 'single-channel-guest', mfa: true });
    const grants = snapshot.grants.filter((g) => g.account === mia?.id);
    expect(grants.map((g) => [g.resource, g.level, g.lanes])).toEqual([['#storefront', 'write', ['code']]]);
    const [approved] = (await registerGrants('mia')).filter((g) => g.system === 'slack');
    expect(approved?.scope).toBe('#storefront');
    expect(isoDate(new Date(mia?.endsAt ?? 0))).toBe(approved?.end);
  });

  it('has a generic admin@ owner account, 2FA off', async () => {
    const snapshot = await demoScan();
    const admin = snapshot.accounts.find((a) => a.emails.includes('admin@northwind.example'));
    expect(admin).toMatchObject({ role: 'owner', status: 'active', mfa: false });
    expect(snapshot.grants.find((g) => g.account === admin?.id && g.resource === 'workspace')?.level).toBe('admin');
  });

  it('shows the old agency reading and posting in #support-escalations through Slack Connect', async () => {
    const snapshot = await demoScan();
    expect(snapshot.accounts.find((a) => a.id === 'team:T0BRIGHTLN')).toMatchObject({
      kind: 'external',
      login: 'Brightlane Agency',
    });
    expect(snapshot.grants.find((g) => g.account === 'team:T0BRIGHTLN')).toMatchObject({
      resource: '#support-escalations',
      level: 'write',
      lanes: ['data'],
    });
  });

  it('keeps the deactivated former contractor with no live access', async () => {
    const snapshot = await demoScan();
    const pete = snapshot.accounts.find((a) => a.emails.includes('pete@lindqvist.example'));
    expect(pete?.status).toBe('deleted');
    expect(snapshot.grants.filter((g) => g.account === pete?.id)).toEqual([]);
    expect(snapshot.systems).toMatchObject([
      { ok: true, warnings: [expect.stringMatching(/: 4 private channels were read$/)] },
    ]);
  });
});
