// A small, realistic scan of Northwind Supply, built from plain objects, and a hostile twin
// whose every outside string (names, logins, emails, repos, channels, evidence) is an attack.

import { type EmailContent, type EmailInput, renderEmail } from '../../reports/email.js';
import type { ReportInput } from '../../reports/index.js';
import { completeness } from '../../src/core/completeness.js';
import type { Evaluation } from '../../src/core/evaluation.js';
import type { Finding, RuleMeta } from '../../src/core/finding.js';
import type { Account, Grant, Snapshot, SystemStatus } from '../../src/core/model.js';
import { type Person, RegisterSchema } from '../../src/core/register.js';

export const NOW = new Date('2026-11-29T09:00:00.000Z');

export const rules: RuleMeta[] = [
  {
    id: 'shared-admin-account',
    title: 'Admin account nobody answers for',
    severity: 'critical',
    why: 'An admin account without one owner cannot be held to account.',
    remediation: 'Give it one owner or remove its admin rights.',
  },
  {
    id: 'expired-access-active',
    title: 'Access outlived its approval',
    severity: 'critical',
    why: 'Work that ended keeps its keys.',
    remediation: 'Remove the access or renew the approval.',
  },
  {
    id: 'multiple-lanes',
    title: 'Contractor in more than one lane',
    severity: 'high',
    why: 'One person holding code and production can ship anything.',
    remediation: 'Keep the contractor to one lane.',
  },
  {
    id: 'unknown-account',
    title: 'Account linked to nobody',
    severity: 'medium',
    why: 'Nobody answers for it.',
    remediation: 'Link it in the register or remove it.',
  },
  {
    id: 'expiring-soon',
    title: 'Approval ends soon',
    severity: 'info',
    why: 'Renew on purpose or let it lapse.',
    remediation: 'Decide before the end date.',
  },
];

const account = (over: Partial<Account> & Pick<Account, 'id'>): Account => ({
  system: 'github',
  target: 'northwind',
  login: over.id,
  emails: [],
  kind: 'human',
  status: 'active',
  ...over,
});

const grant = (over: Partial<Grant> & Pick<Grant, 'account' | 'resource'>): Grant => ({
  system: 'github',
  target: 'northwind',
  permission: 'push',
  via: 'direct',
  lanes: ['code'],
  level: 'write',
  ...over,
});

const status = (over: Partial<SystemStatus> & Pick<SystemStatus, 'system' | 'target'>): SystemStatus => ({
  ok: true,
  warnings: [],
  gaps: [],
  calls: 12,
  durationMs: 840,
  collectedAt: NOW.toISOString(),
  ...over,
});

export function demoSnapshot(): Snapshot {
  return {
    schemaVersion: 1,
    collectedAt: NOW.toISOString(),
    systems: [
      status({ system: 'github', target: 'northwind', warnings: ['PAT grants need a GitHub App token'] }),
      status({ system: 'aws', target: '111111111111', calls: 40, durationMs: 2100 }),
      status({ system: 'slack', target: 'T0NORTH', ok: false, error: 'auth.test: invalid_auth', calls: 1 }),
    ],
    accounts: [
      account({ id: 'samortiz', displayName: 'Sam Ortiz', emails: ['sam@ortiz.dev'], mfa: true }),
      account({ id: 'northwind-admin', role: 'owner', mfa: false }),
      account({ id: 'quickfix-dev', displayName: 'Quick Fix' }),
      account({ id: 'dana-w', displayName: 'Dana Whitfield', emails: ['dana@northwind.example'], role: 'owner' }),
      account({ id: 'old-intern', status: 'deleted' }),
      account({
        system: 'aws',
        target: '111111111111',
        id: 'arn:aws:iam::111111111111:user/sam-ortiz',
        login: 'sam-ortiz',
        kind: 'human',
      }),
    ],
    grants: [
      grant({ account: 'samortiz', resource: 'northwind/shop' }),
      grant({
        account: 'samortiz',
        resource: 'northwind/infra',
        permission: 'admin',
        level: 'admin',
        lanes: ['production'],
      }),
      grant({
        account: 'northwind-admin',
        resource: 'northwind',
        permission: 'owner',
        via: 'org-role',
        level: 'admin',
        lanes: ['code', 'production'],
      }),
      grant({ account: 'quickfix-dev', resource: 'northwind/storefront', permission: 'pull', level: 'read' }),
      grant({ account: 'dana-w', resource: 'northwind', permission: 'owner', via: 'org-role', level: 'admin' }),
      grant({ account: 'old-intern', resource: 'northwind/shop' }),
      grant({
        account: 'quickfix-dev',
        resource: 'northwind/shop',
        permission: 'push',
        expiresAt: '2026-11-01T00:00:00Z',
      }),
      grant({
        system: 'aws',
        target: '111111111111',
        account: 'arn:aws:iam::111111111111:user/sam-ortiz',
        resource: '111111111111',
        permission: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
        via: 'group',
        viaName: 'analysts',
        level: 'read',
        lanes: ['data'],
        attributes: { aliases: ['northwind-prod'] },
      }),
    ],
    credentials: [
      {
        system: 'aws',
        target: '111111111111',
        account: 'arn:aws:iam::111111111111:user/sam-ortiz',
        kind: 'access-key',
        id: 'AKIA…WXYZ',
        active: true,
        createdAt: '2026-05-01T00:00:00Z',
      },
    ],
    secrets: [{ system: 'github', target: 'northwind', resource: 'northwind/shop', name: 'DEPLOY_KEY' }],
  };
}

const finding = (over: Partial<Finding> & Pick<Finding, 'rule' | 'severity' | 'account'>): Finding => ({
  fingerprint: `fp-${over.rule}-${over.account}-${over.resource ?? ''}`,
  title: rules.find((r) => r.id === over.rule)?.title ?? over.rule,
  system: 'github',
  target: 'northwind',
  evidence: [],
  remediation: { steps: [], commands: [] },
  ...over,
});

export function demoEvaluation(): Evaluation {
  const findings: Finding[] = [
    finding({
      rule: 'expired-access-active',
      severity: 'critical',
      person: 'sam',
      account: 'samortiz',
      resource: 'northwind/shop',
      evidence: ['push on northwind/shop', 'approval SHOP-142 ended 2026-06-01'],
      remediation: {
        steps: ['Remove samortiz from northwind/shop.'],
        commands: ["gh api -X DELETE '/repos/northwind/shop/collaborators/samortiz'"],
      },
    }),
    finding({
      rule: 'shared-admin-account',
      severity: 'critical',
      account: 'northwind-admin',
      evidence: ['org owner', 'linked to nobody'],
      remediation: { steps: ['Name an owner in shared_accounts.'], commands: [] },
    }),
    finding({
      rule: 'multiple-lanes',
      severity: 'high',
      person: 'sam',
      account: 'samortiz',
      evidence: ['code: northwind/shop', 'production: northwind/infra'],
    }),
    finding({ rule: 'unknown-account', severity: 'medium', account: 'quickfix-dev', evidence: ['no email'] }),
    finding({
      rule: 'expiring-soon',
      severity: 'info',
      person: 'dana',
      account: 'dana-w',
      resource: 'northwind',
      evidence: ['ends 2026-12-09'],
    }),
  ];
  return {
    findings,
    summary: { critical: 2, high: 1, medium: 1, low: 0, info: 1 },
    people: [
      {
        person: 'sam',
        name: 'Sam Ortiz',
        kind: 'contractor',
        owner: 'dana',
        lanes: { code: 'expired', data: 'expired', production: 'unapproved' },
        accounts: ['github:samortiz', 'aws:sam-ortiz'],
      },
      {
        person: 'dana',
        name: 'Dana Whitfield',
        kind: 'employee',
        lanes: { code: 'held', data: 'none', production: 'held' },
        accounts: ['github:dana-w'],
      },
      {
        person: 'mia',
        name: 'Mia Laurent',
        kind: 'contractor',
        owner: 'dana',
        lanes: { code: 'approved', data: 'none', production: 'none' },
        accounts: [],
      },
    ],
    unlinked: [
      {
        system: 'github',
        target: 'northwind',
        account: 'quickfix-dev',
        login: 'quickfix-dev',
        reason: 'no email and no register link',
      },
      {
        system: 'github',
        target: 'northwind',
        account: 'northwind-admin',
        login: 'northwind-admin',
        reason: 'no email and no register link',
      },
    ],
    warnings: ['scope "northwind/legacy-*" of sam matches nothing in the inventory'],
  };
}

export function demoInput(over: Partial<ReportInput> = {}): ReportInput {
  const snapshot = demoSnapshot();
  return {
    organization: 'Northwind Supply',
    now: NOW,
    snapshot,
    completeness: completeness(snapshot, [], NOW),
    evaluation: demoEvaluation(),
    rules,
    register: {
      path: 'examples/demo/register.yaml',
      problems: ['register.yaml:41 people[3].grants[0].end: missing', 'register.yaml:9 people[0]: ok?'],
    },
    ...over,
  };
}

export const HOSTILE = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '[click](http://evil.example)',
  '![x](http://evil.example/a.png)',
  '=HYPERLINK("http://evil.example","x")',
  '+1',
  '-1',
  '@SUM(A1)',
  '\u001b[31mred\u001b]8;;http://evil.example\u0007',
  '\u202Eevil',
  'x'.repeat(10_000),
  'a | b\nc\r\nd',
] as const;

/**
 * The demo scan with every string from outside replaced by hostile ones, cycling through
 * HOSTILE from `shift`: over every shift, every field meets every hostile string.
 */
export function hostileInput(shift = 0): ReportInput {
  let i = shift;
  const next = () => HOSTILE[i++ % HOSTILE.length]!;
  const input = demoInput();
  const { snapshot, evaluation } = input;
  const ids = new Map<string, string>();
  const idOf = (id: string) => {
    if (!ids.has(id)) ids.set(id, `${next()}${ids.size}`);
    return ids.get(id)!;
  };
  for (const s of snapshot.systems) {
    s.target = next();
    s.warnings = [next(), next()];
    s.gaps = [{ kind: `${s.system}.${next()}`, detail: next(), count: 2 }];
    if (s.error !== undefined) s.error = next();
  }
  for (const a of snapshot.accounts) {
    a.id = idOf(a.id);
    a.login = next();
    a.displayName = next();
    a.emails = [`${next()}@evil.example`];
  }
  for (const g of snapshot.grants) {
    g.account = idOf(g.account);
    g.resource = next();
    g.permission = next();
    g.viaName = next();
    g.evidence = [next()];
  }
  // Keep targets consistent so records still join to their systems.
  const targets = new Map(snapshot.systems.map((s) => [s.system, s.target]));
  for (const r of [...snapshot.accounts, ...snapshot.grants, ...snapshot.credentials, ...snapshot.secrets])
    r.target = targets.get(r.system) ?? r.target;
  for (const c of snapshot.credentials) c.account = idOf(c.account);
  for (const f of evaluation.findings) {
    f.account = idOf(f.account);
    f.target = targets.get(f.system) ?? f.target;
    if (f.resource !== undefined) f.resource = next();
    f.title = next();
    f.evidence = [next(), next(), next()];
    f.remediation = { steps: [next(), next()], commands: [`gh api '${next()}'`, next()] };
  }
  for (const p of evaluation.people) {
    p.name = next();
    p.accounts = [next()];
  }
  for (const u of evaluation.unlinked) {
    u.account = idOf(u.account);
    u.login = next();
    u.reason = next();
  }
  evaluation.warnings = [next(), next()];
  return {
    ...input,
    // One gap acknowledged with a hostile reason, the others open.
    completeness: completeness(
      snapshot,
      [{ gap: snapshot.systems[0]?.gaps[0]?.kind ?? '', reason: next(), until: '2027-01-01' }],
      NOW,
    ),
    organization: next(),
    register: { path: next(), problems: [next(), next()] },
  };
}

/** A copy with every list in the input reversed and rotated: order must not matter. */
export function shuffled(input: ReportInput): ReportInput {
  const mix = <T>(list: readonly T[]): T[] => {
    const r = [...list].reverse();
    return r.length > 1 ? [...r.slice(1), r[0]!] : r;
  };
  const s = input.snapshot;
  return {
    ...input,
    snapshot: {
      ...s,
      systems: mix(s.systems).map((x) => ({ ...x, warnings: mix(x.warnings) })),
      accounts: mix(s.accounts).map((a) => ({ ...a, emails: mix(a.emails) })),
      grants: mix(s.grants).map((g) => ({ ...g, lanes: mix(g.lanes) })),
      credentials: mix(s.credentials),
      secrets: mix(s.secrets),
    },
    evaluation: {
      ...input.evaluation,
      findings: mix(input.evaluation.findings),
      people: mix(input.evaluation.people).map((p) => ({ ...p, accounts: mix(p.accounts) })),
      unlinked: mix(input.evaluation.unlinked),
      warnings: mix(input.evaluation.warnings),
    },
    rules: mix(input.rules),
    ...(input.register ? { register: { ...input.register, problems: mix(input.register.problems) } } : {}),
  };
}

/** The register's people behind demoEvaluation, with their grants: the timelines' input. */
export function demoRegisterPeople(): Person[] {
  return [
    {
      id: 'sam',
      name: 'Sam Ortiz',
      kind: 'contractor',
      owner: 'dana',
      emails: ['sam@ortiz.dev'],
      accounts: { github: 'samortiz' },
      start: '2026-05-01',
      end: '2026-06-01',
      grants: [
        {
          task: 'Fix the payment step that fails on some phones',
          system: 'github',
          scope: 'northwind/shop',
          lane: 'code',
          access: 'write',
          start: '2026-05-04',
          end: '2026-06-01',
          ticket: 'SHOP-142',
        },
        {
          task: 'Read checkout error logs',
          system: 'aws',
          scope: '*',
          lane: 'data',
          access: 'read',
          start: '2026-05-20',
          end: '2026-05-31',
        },
      ],
    },
    {
      id: 'mia',
      name: 'Mia Laurent',
      kind: 'contractor',
      owner: 'dana',
      emails: [],
      accounts: {},
      grants: [
        {
          task: 'Redesign the storefront',
          system: 'github',
          scope: 'northwind/storefront',
          lane: 'code',
          access: 'write',
          start: '2026-11-01',
          end: '2027-01-31',
          ticket: 'WEB-7',
        },
        {
          task: 'Storefront analytics',
          system: 'github',
          scope: 'northwind/analytics',
          lane: 'code',
          access: 'read',
          start: '2026-12-10',
          end: '2027-01-15',
        },
        {
          task: 'Old prototype',
          system: 'github',
          scope: 'northwind/proto',
          lane: 'code',
          access: 'write',
          start: '2026-06-01',
          end: '2026-07-15',
        },
      ],
    },
    {
      id: 'dana',
      name: 'Dana Whitfield',
      kind: 'employee',
      emails: ['dana@northwind.example'],
      accounts: {},
      grants: [],
    },
  ];
}

/** Six weekly scans ending with this one, a drift of every kind, acceptances current and lapsed. */
export function richInput(over: Partial<ReportInput> = {}): ReportInput {
  const input = demoInput();
  const findings = input.evaluation.findings;
  const [expired, shared, lanes, unknown, expiring] = findings as [Finding, Finding, Finding, Finding, Finding];
  const accepted: Finding = {
    ...unknown,
    fingerprint: 'fp-unknown-account-ci-bot-',
    account: 'ci-bot',
    evidence: ['no email'],
  };
  const week = (n: number) => new Date(NOW.getTime() - n * 7 * 86_400_000).toISOString();
  const counts = (critical: number, high: number, medium: number, low: number, info: number) => ({
    critical,
    high,
    medium,
    low,
    info,
  });
  return {
    ...input,
    accepted: [
      { finding: accepted, reason: 'CI bot until the GitHub App lands', acceptedBy: 'dana', end: '2027-03-31' },
    ],
    lapsedAcceptances: [
      { finding: shared, reason: 'Break-glass owner account', acceptedBy: 'dana', end: '2026-10-31' },
    ],
    history: {
      drift: {
        since: week(1),
        changes: [
          {
            kind: 'account-added',
            system: 'github',
            target: 'northwind',
            account: 'quickfix-dev',
            login: 'quickfix-dev',
            detail: 'new human account',
          },
          {
            kind: 'grant-added',
            system: 'github',
            target: 'northwind',
            account: 'quickfix-dev',
            login: 'quickfix-dev',
            resource: 'northwind/shop',
            level: 'write',
            lanes: ['code'],
            detail: 'now holds write (code)',
          },
          {
            kind: 'level-raised',
            system: 'github',
            target: 'northwind',
            account: 'samortiz',
            login: 'samortiz',
            resource: 'northwind/infra',
            level: 'admin',
            lanes: ['production'],
            detail: 'write became admin',
          },
          {
            kind: 'lane-gained',
            system: 'github',
            target: 'northwind',
            account: 'samortiz',
            login: 'samortiz',
            resource: 'northwind/infra',
            level: 'admin',
            lanes: ['production'],
            detail: 'gained production',
          },
          {
            kind: 'credential-created',
            system: 'aws',
            target: '111111111111',
            account: 'arn:aws:iam::111111111111:user/sam-ortiz',
            login: 'sam-ortiz',
            detail: 'access-key AKIA…WXYZ created 2026-11-27',
          },
          {
            kind: 'grant-removed',
            system: 'github',
            target: 'northwind',
            account: 'old-intern',
            login: 'old-intern',
            resource: 'northwind/shop',
            level: 'write',
            lanes: ['code'],
            detail: 'no longer holds write',
          },
          {
            kind: 'account-removed',
            system: 'github',
            target: 'northwind',
            account: 'old-intern',
            login: 'old-intern',
            detail: 'account gone',
          },
        ],
        notCompared: ['slack T0NORTH'],
      },
      trend: [
        { scannedAt: week(5), counts: counts(0, 1, 1, 0, 1) },
        { scannedAt: week(4), counts: counts(1, 1, 1, 0, 1) },
        { scannedAt: week(3), counts: counts(1, 2, 1, 1, 1) },
        { scannedAt: week(2), counts: counts(2, 2, 2, 1, 0) },
        { scannedAt: week(1), counts: counts(2, 1, 1, 0, 1) },
        { scannedAt: NOW.toISOString(), counts: input.evaluation.summary },
      ],
      firstSeen: {
        [expired.fingerprint]: week(4),
        [shared.fingerprint]: new Date(NOW.getTime() - 3 * 86_400_000 - 3_600_000).toISOString(),
        [lanes.fingerprint]: week(1),
        [unknown.fingerprint]: NOW.toISOString(),
        [expiring.fingerprint]: NOW.toISOString(),
      },
    },
    registerPeople: demoRegisterPeople(),
    ...over,
  };
}

/** The weekly email of a scan's evaluation: complete, nothing new, no history, unless `over` says. */
export function demoEmail(evaluation: Evaluation, over: Partial<EmailInput> = {}): EmailContent {
  return renderEmail({
    organization: 'Northwind Supply',
    now: NOW,
    complete: true,
    failed: [],
    evaluation,
    register: RegisterSchema.parse({ organization: 'Northwind Supply', people: [] }),
    newFingerprints: new Set(),
    attachments: { attached: [], tooLarge: [], folder: 'lanekeeper-report' },
    ...over,
  });
}
