import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import AjvDraft04Module from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import { SARIF_MAX_RESULTS, sarifChunks } from '../../reports/sarif.js';
import type { Finding, RuleMeta } from '../../src/core/finding.js';

// The official SARIF 2.1.0 schema (rtm.5, the released one), as shipped by Microsoft's SARIF matchers.
const require = createRequire(import.meta.url);
const schemaPath = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
// The schema's language-tag pattern is not valid as a Unicode regular expression, hence unicodeRegExp off.
// A CommonJS default export: under NodeNext the class sits on .default at run time.
type AjvClass = new (options: Record<string, unknown>) => { compile(schema: object): ValidateFunction };
const AjvDraft04 = ((AjvDraft04Module as unknown as { default?: AjvClass }).default ??
  AjvDraft04Module) as unknown as AjvClass;
const validate = new AjvDraft04({ strict: false, allErrors: true, unicodeRegExp: false }).compile(
  JSON.parse(readFileSync(schemaPath, 'utf8')),
);

const rules: RuleMeta[] = [
  {
    id: 'expired-access-active',
    title: 'Access outlived its approval',
    severity: 'critical',
    why: 'Ended work keeps its access.',
    remediation: 'Remove it.',
  },
  {
    id: 'unknown-account',
    title: 'Account linked to nobody',
    severity: 'medium',
    why: 'Nobody answers for it.',
    remediation: 'Link or remove it.',
  },
];

const finding = (over: Partial<Finding>): Finding => ({
  fingerprint: '0123456789abcdef',
  rule: 'expired-access-active',
  severity: 'critical',
  title: 'Access outlived its approval',
  person: 'sam',
  system: 'github',
  target: 'northwind',
  account: 'samortiz',
  resource: 'northwind/shop',
  evidence: ['push on northwind/shop', 'approval ended 2026-05-31'],
  remediation: {
    steps: ['Remove the collaborator.'],
    commands: ["gh api -X DELETE '/repos/northwind/shop/collaborators/samortiz'"],
  },
  ...over,
});

describe('sarifChunks', () => {
  const input = {
    findings: [
      finding({}),
      finding({
        fingerprint: 'fedcba9876543210',
        rule: 'unknown-account',
        severity: 'medium',
        person: undefined,
        account: 'quickfix-dev',
      }),
    ],
    rules,
    toolVersion: '0.1.0',
    locate: (f: Finding) => ({ uri: 'access/register.yaml', line: f.person === 'sam' ? 42 : 1 }),
  };
  const pieces = [...sarifChunks(input)];
  const sarif = pieces.join('');
  const log = JSON.parse(sarif);

  it('is written a result at a time, in the layout JSON.stringify gives the whole log', () => {
    expect(sarif).toBe(`${JSON.stringify(log, null, 2)}\n`);
    // The head, one piece per result, the closers.
    expect(pieces).toHaveLength(input.findings.length + 2);
    expect(JSON.parse(pieces[1]!.trim().replace(/,$/, '')).partialFingerprints['lanekeeper/v1']).toBe(
      '0123456789abcdef',
    );
  });

  it('keeps the most severe results within the limit, says how many are left out, and stays valid', () => {
    const many = [
      finding({ fingerprint: 'medium-1', rule: 'unknown-account', severity: 'medium' }),
      finding({ fingerprint: 'critical-1' }),
      finding({ fingerprint: 'medium-2', rule: 'unknown-account', severity: 'medium' }),
      finding({ fingerprint: 'critical-2' }),
    ];
    const cut = JSON.parse([...sarifChunks({ ...input, findings: many, maxResults: 3 })].join(''));
    const kept = cut.runs[0].results.map(
      (r: { partialFingerprints: Record<string, string> }) => r.partialFingerprints['lanekeeper/v1'],
    );
    expect(kept).toEqual(['critical-1', 'critical-2', 'medium-1']);
    expect(cut.runs[0].invocations[0].toolExecutionNotifications[0].message.text).toBe(
      '1 of the 4 findings is left out, the least severe: code scanning takes at most 3 results in a run. All of them are in findings.json and report.html.',
    );
    expect(validate(cut)).toBe(true);
    // Within the limit, nothing is said and nothing reordered.
    const whole = JSON.parse([...sarifChunks({ ...input, findings: many, maxResults: 4 })].join(''));
    expect(whole.runs[0].invocations).toBeUndefined();
    expect(whole.runs[0].results).toHaveLength(4);
    expect(whole.runs[0].results[0].partialFingerprints['lanekeeper/v1']).toBe('medium-1');
    expect(SARIF_MAX_RESULTS).toBe(25_000);
  });

  it('is a valid log with an empty results list when there is no finding', () => {
    const empty = JSON.parse([...sarifChunks({ ...input, findings: [] })].join(''));
    expect(empty.runs[0].results).toEqual([]);
    expect(validate(empty)).toBe(true);
  });

  it('validates against the official SARIF 2.1.0 schema', () => {
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('has one rule per lanekeeper rule with help text, and locates findings in the register', () => {
    const run = log.runs[0];
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual([
      'expired-access-active',
      'unknown-account',
    ]);
    expect(run.tool.driver.rules[0].help.text).toContain('Remove it.');
    expect(run.results[0]).toMatchObject({
      ruleId: 'expired-access-active',
      ruleIndex: 0,
      level: 'error',
      locations: [
        { physicalLocation: { artifactLocation: { uri: 'access/register.yaml' }, region: { startLine: 42 } } },
      ],
      partialFingerprints: { 'lanekeeper/v1': '0123456789abcdef' },
    });
    expect(run.results[1]).toMatchObject({
      level: 'warning',
      locations: [{ physicalLocation: { region: { startLine: 1 } } }],
    });
  });

  it('would catch a log that breaks the schema', () => {
    const broken = structuredClone(log);
    broken.runs[0].results[0].level = 'fatal';
    expect(validate(broken)).toBe(false);
  });

  it('names the person in the first line of the message, with their name when it is known', () => {
    const register = finding({
      fingerprint: 'multiple-lanes-sam',
      rule: 'multiple-lanes',
      title: 'Contractor holds more than one lane',
      system: 'register',
      target: 'register',
      account: '',
      resource: undefined,
    });
    const first = (extra: object) =>
      JSON.parse(
        [...sarifChunks({ ...input, ...extra, findings: [register, input.findings[1]!] })].join(''),
      ).runs[0].results.map((r: { message: { text: string } }) => r.message.text.split('\n')[0]);
    expect(first({ personName: (id: string) => (id === 'sam' ? 'Sam Ortiz' : undefined) })).toEqual([
      'Contractor holds more than one lane: Sam Ortiz (sam), register',
      'Access outlived its approval: github / northwind / quickfix-dev / northwind/shop',
    ]);
    expect(first({})[0]).toBe('Contractor holds more than one lane: sam, register');
  });
});
