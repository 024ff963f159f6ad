import { describe, expect, it } from 'vitest';
import { type FindingsDocument, REPORT_FILES, renderReport, reportChunks } from '../../reports/index.js';
import { completeness } from '../../src/core/completeness.js';
import { demoInput, NOW } from './fixture.js';

const parse = (text: string) => JSON.parse(text) as FindingsDocument;
/** The document's layout: 2-space JSON of what it holds, and a newline. */
const laidOut = (text: string) => `${JSON.stringify(parse(text), null, 2)}\n`;

describe('findings.json', () => {
  const text = renderReport('json', demoInput());
  const doc = parse(text);

  it('is written to findings.json as 2-space JSON with a trailing newline', () => {
    expect(REPORT_FILES.json).toBe('findings.json');
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toBe(laidOut(text));
  });

  it('has exactly the documented top-level shape, clock included', () => {
    expect(Object.keys(doc)).toEqual([
      'schemaVersion',
      'generatedAt',
      'now',
      'complete',
      'gaps',
      'systems',
      'summary',
      'findings',
    ]);
    expect(doc.schemaVersion).toBe(1);
    expect(doc.generatedAt).toBe(NOW.toISOString());
    expect(doc.now).toBe(NOW.toISOString());
    expect(doc.summary).toEqual({ critical: 2, high: 1, medium: 1, low: 0, info: 1 });
    expect(Object.keys(doc.summary)).toEqual(['critical', 'high', 'medium', 'low', 'info']);
  });

  it('lists systems by system then target, with record counts, and is incomplete when one failed', () => {
    expect(doc.complete).toBe(false);
    expect(doc.systems).toEqual([
      { system: 'aws', target: '111111111111', ok: true, warnings: [], accounts: 1, grants: 1 },
      {
        system: 'github',
        target: 'northwind',
        ok: true,
        warnings: ['PAT grants need a GitHub App token'],
        accounts: 5,
        grants: 7,
      },
      {
        system: 'slack',
        target: 'T0NORTH',
        ok: false,
        error: 'auth.test: invalid_auth',
        warnings: [],
        accounts: 0,
        grants: 0,
      },
    ]);
  });

  it('counts each grant on the target it was read from, as the scan progress does', () => {
    const input = demoInput();
    const base = input.snapshot.systems[0]!;
    const at = (system: string, target: string, ok = true) => ({ ...base, system, target, ok, warnings: [] });
    const org = 'organizations/123456789012';
    const account = (system: string, target: string, id: string) => ({
      system,
      target,
      id,
      login: id,
      emails: [],
      kind: 'human' as const,
      status: 'active' as const,
    });
    const grant = (system: string, target: string, accountId: string, resource: string) => ({
      system,
      target,
      account: accountId,
      resource,
      permission: 'p',
      via: 'direct' as const,
      lanes: ['data' as const],
      level: 'read' as const,
    });
    input.snapshot = {
      ...input.snapshot,
      systems: [
        at('gcp', org),
        at('gcp', 'projects/analytics'),
        at('gcp', 'projects/shop'),
        at('gcp', 'projects/broken', false),
        at('aws', '111111111111'),
        at('aws', '222222222222'),
      ],
      // GCP keeps a project's members on the organisation; every AWS account has accounts of its own.
      accounts: [
        account('gcp', org, 'user:sam@ortiz.dev'),
        account('gcp', org, 'user:dana@northwind.example'),
        account('aws', '111111111111', 'arn:aws:iam::111111111111:role/prod-ops'),
        account('aws', '222222222222', 'arn:aws:iam::222222222222:root'),
      ],
      grants: [
        grant('gcp', org, 'user:sam@ortiz.dev', 'projects/analytics'),
        grant('gcp', org, 'user:sam@ortiz.dev', 'projects/analytics/datasets/sales'),
        grant('gcp', org, 'user:dana@northwind.example', 'projects/shop'),
        grant('gcp', org, 'user:dana@northwind.example', org),
        // Read on the prod-ops account's target, though the role it assumes is in 222222222222.
        grant('aws', '111111111111', 'arn:aws:iam::111111111111:role/prod-ops', '111111111111'),
        grant('aws', '111111111111', 'arn:aws:iam::111111111111:role/prod-ops', '222222222222'),
        grant('aws', '222222222222', 'arn:aws:iam::222222222222:root', '222222222222'),
      ],
    };
    const counts = parse(renderReport('json', input)).systems.map((s) => [s.target, s.accounts, s.grants]);
    expect(counts).toEqual([
      ['111111111111', 1, 2],
      ['222222222222', 1, 1],
      [org, 2, 1],
      ['projects/analytics', 0, 2],
      ['projects/broken', 0, 0],
      ['projects/shop', 0, 1],
    ]);
    // The Markdown table reads the same counts.
    const md = renderReport('md', input);
    expect(md).toContain('| gcp | projects/analytics | ✓ read | 0 | 2 |');
    expect(md).toContain(`| gcp | ${org} | ✓ read | 2 | 1 |`);
    expect(md).toContain('| aws | 111111111111 | ✓ read | 1 | 2 |');
  });

  it('lists every gap, open ones first, and is incomplete while one is open', () => {
    const input = demoInput();
    input.snapshot.systems = input.snapshot.systems.filter((s) => s.ok);
    const [first] = input.snapshot.systems;
    if (!first) throw new Error('the fixture has no system that was read');
    first.gaps = [
      { kind: 'github.pat-grants', detail: 'fine-grained tokens were not read' },
      { kind: 'records-invalid', detail: 'GET /orgs/{org}/members: 2 of 9 records', count: 2 },
    ];
    input.completeness = completeness(
      input.snapshot,
      [{ gap: 'github.pat-grants', reason: 'free plan', until: '2026-12-31' }],
      NOW,
    );
    const document = parse(renderReport('json', input));
    expect(document.complete).toBe(false);
    expect(document.gaps).toEqual([
      {
        system: first.system,
        target: first.target,
        kind: 'records-invalid',
        detail: 'GET /orgs/{org}/members: 2 of 9 records',
        count: 2,
      },
      {
        system: first.system,
        target: first.target,
        kind: 'github.pat-grants',
        detail: 'fine-grained tokens were not read',
        accepted: { reason: 'free plan', until: '2026-12-31' },
      },
    ]);
    // Accepted until yesterday: it counts again.
    input.completeness = completeness(
      input.snapshot,
      [{ gap: 'records-invalid', reason: 'x', until: '2026-11-28' }],
      NOW,
    );
    expect(parse(renderReport('json', input)).gaps.filter((g: { accepted?: unknown }) => !g.accepted)).toHaveLength(2);
  });

  it('is complete when every system was read', () => {
    const input = demoInput();
    input.snapshot.systems = input.snapshot.systems.filter((s) => s.ok);
    input.completeness = completeness(input.snapshot, [], NOW);
    expect(parse(renderReport('json', input)).complete).toBe(true);
  });

  it('writes findings in severity, rule, system, target, account, resource order with the documented keys', () => {
    expect(doc.findings.map((f) => `${f.severity} ${f.rule} ${f.account}`)).toEqual([
      'critical expired-access-active samortiz',
      'critical shared-admin-account northwind-admin',
      'high multiple-lanes samortiz',
      'medium unknown-account quickfix-dev',
      'info expiring-soon dana-w',
    ]);
    const first = doc.findings[0]!;
    expect(Object.keys(first)).toEqual([
      'fingerprint',
      'rule',
      'severity',
      'title',
      'person',
      'system',
      'target',
      'account',
      'resource',
      'evidence',
      'remediation',
    ]);
    expect(first.remediation).toEqual({
      steps: ['Remove samortiz from northwind/shop.'],
      commands: ["gh api -X DELETE '/repos/northwind/shop/collaborators/samortiz'"],
    });
    // Optional fields are left out, never written as null.
    expect(Object.keys(doc.findings[1]!)).not.toContain('person');
    expect(Object.keys(doc.findings[1]!)).not.toContain('resource');
  });

  it('keeps no field a rule added beyond the contract', () => {
    const input = demoInput();
    Object.assign(input.evaluation.findings[0]!, { internal: 'x' });
    expect(renderReport('json', input)).not.toContain('internal');
  });

  it('is written a finding at a time, and the pieces are the whole document byte for byte', () => {
    const input = demoInput();
    // Line breaks and separators inside values must not be taken for the layout's.
    const awkward = 'two\nlines\u2028and\r\na tab\t';
    input.evaluation.findings[0]!.evidence.push(awkward);
    const pieces = [...reportChunks('json', input)];
    const whole = pieces.join('');
    expect(whole).toBe(laidOut(whole));
    expect(parse(whole).findings.flatMap((f) => f.evidence)).toContain(awkward);
    // The head, one piece per finding, the tail: each finding's piece parses as that finding.
    expect(pieces).toHaveLength(input.evaluation.findings.length + 2);
    const records = pieces.slice(1, -1).map((p) => JSON.parse(p.trim().replace(/,$/, '')) as { fingerprint: string });
    expect(records.map((r) => r.fingerprint).sort()).toEqual(
      input.evaluation.findings.map((f) => f.fingerprint).sort(),
    );
  });

  it('is the same document when there is no finding', () => {
    const input = demoInput();
    input.evaluation = { ...input.evaluation, findings: [] };
    const text = renderReport('json', input);
    expect(text).toBe(laidOut(text));
    expect(parse(text).findings).toEqual([]);
    expect(text).toContain('"findings": []\n}');
  });
});
