import type { Drift, DriftChange } from '../../src/core/drift.js';
import type { EvaluationContext } from '../../src/pipeline/evaluate/context.js';
import { drift } from '../../src/rules/drift.js';
import { context } from '../support/builders.js';
import { ruleTester } from './tester.js';

const change = (fields: Partial<DriftChange>): DriftChange => ({
  kind: 'grant-added',
  system: 'github',
  target: 'northwind',
  account: 'fastfix-agency',
  login: 'fastfix-agency',
  resource: 'northwind/shop',
  level: 'write',
  lanes: ['code'],
  detail: 'now holds write (code)',
  ...fields,
});

const withDrift = (changes: DriftChange[], policy = {}): EvaluationContext => {
  const d: Drift = { since: '2026-11-22T09:00:00.000Z', changes, notCompared: [] };
  return { ...context({ policy }), drift: d };
};

ruleTester(drift, {
  fires: [
    {
      name: 'a new collaborator since last week is low',
      context: withDrift([change({})]),
      expect: [
        {
          account: 'fastfix-agency',
          severity: 'low',
          resource: 'northwind/shop',
          evidence: ['since 2026-11-22', 'now holds write'],
        },
      ],
    },
    {
      name: 'a level raised from read to write',
      context: withDrift([
        change({ kind: 'level-raised', account: 'omar-qa', login: 'omar-qa', detail: 'read became write' }),
      ]),
      expect: [{ account: 'omar-qa', severity: 'low', evidence: ['read became write'] }],
    },
    {
      name: 'admin and production additions are raised to the policy severities',
      context: withDrift([
        change({ account: 'a', level: 'admin' }),
        change({ account: 'p', kind: 'lane-gained', lanes: ['code', 'production'], detail: 'gained production' }),
      ]),
      expect: [
        { account: 'a', severity: 'high' },
        { account: 'p', severity: 'medium', evidence: ['gained production'] },
      ],
    },
    {
      name: 'a new access key',
      context: withDrift([
        change({
          kind: 'credential-created',
          system: 'aws',
          target: '111111111111',
          account: 'arn:aws:iam::111111111111:user/sam-ortiz',
          resource: undefined,
          level: undefined,
          lanes: undefined,
          detail: 'access-key AKIA…WXYZ created 2026-11-28',
        }),
      ]),
      expect: [{ account: 'arn:aws:iam::111111111111:user/sam-ortiz', severity: 'low', evidence: ['AKIA…WXYZ'] }],
    },
  ],
  quiet: [
    { name: 'a first scan, with nothing to compare with', context: context({}) },
    { name: 'nothing changed', context: withDrift([]) },
    {
      name: 'removals are shown, not flagged',
      context: withDrift([
        change({ kind: 'grant-removed', detail: 'no longer holds write' }),
        change({ kind: 'account-removed' }),
      ]),
    },
    {
      name: 'a level lowered or a lane lost is shown, not flagged',
      context: withDrift([
        change({ kind: 'level-lowered', detail: 'write became read' }),
        change({ kind: 'lane-lost', lanes: ['production'], detail: 'lost production' }),
      ]),
    },
    {
      name: 'an account renamed by its user is shown, not flagged',
      context: withDrift([change({ kind: 'account-renamed', detail: 'renamed from ritacosta' })]),
    },
    {
      name: 'an admin key rotated (the old one gone) is shown, not flagged',
      context: withDrift([
        change({
          kind: 'credential-rotated',
          level: 'admin',
          lanes: ['production'],
          detail: 'access-key AKIA…NEW2 created 2026-11-27',
        }),
      ]),
    },
  ],
});
