// ruleTester(rule, {fires, quiet}): each `fires` case must produce exactly the expected
// findings (no more, no fewer), each `quiet` case none. Like ESLint's RuleTester it is strict:
// duplicate case names, a rule without both kinds of case, a finding without evidence or with
// a fingerprint seen twice, or a rule that answers differently when asked twice all fail.
import { describe, expect, it } from 'vitest';
import type { Finding, Severity } from '../../src/core/finding.js';
import type { EvaluationContext } from '../../src/pipeline/evaluate/context.js';
import { toFinding } from '../../src/pipeline/evaluate/findings.js';
import type { Rule } from '../../src/rules/types.js';

export interface ExpectedFinding {
  /** The finding's account id ("" for findings about the register itself). */
  account: string;
  person?: string;
  resource?: string;
  severity?: Severity;
  title?: string;
  /** Fragments that must each appear in some evidence line. */
  evidence?: string[];
}

export interface FiresCase {
  name: string;
  context: EvaluationContext;
  expect: ExpectedFinding[];
}

export interface QuietCase {
  name: string;
  context: EvaluationContext;
}

export interface RuleCases {
  fires: FiresCase[];
  quiet: QuietCase[];
}

function matches(f: Finding, e: ExpectedFinding): boolean {
  if (f.account !== e.account) return false;
  if (e.person !== undefined && f.person !== e.person) return false;
  if (e.resource !== undefined && f.resource !== e.resource) return false;
  if (e.severity !== undefined && f.severity !== e.severity) return false;
  if (e.title !== undefined && f.title !== e.title) return false;
  return (e.evidence ?? []).every((fragment) => f.evidence.some((line) => line.includes(fragment)));
}

/** Pairs each expectation with a distinct finding; returns what is left unmatched on either side. */
export function pairFindings(
  findings: readonly Finding[],
  expected: readonly ExpectedFinding[],
): { missing: ExpectedFinding[]; extra: Finding[] } {
  const left = [...findings];
  const missing: ExpectedFinding[] = [];
  for (const e of expected) {
    const i = left.findIndex((f) => matches(f, e));
    if (i === -1) missing.push(e);
    else left.splice(i, 1);
  }
  return { missing, extra: left };
}

export function runRule(rule: Rule, context: EvaluationContext): Finding[] {
  return rule.evaluate(context).map((draft) => toFinding(rule, draft));
}

/** Problems every finding of every rule must be free of. */
export function findingProblems(findings: readonly Finding[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const f of findings) {
    const where = `${f.rule} ${f.system}/${f.target}/${f.account}/${f.resource ?? ''}`;
    if (f.evidence.length === 0) problems.push(`${where}: no evidence`);
    if (f.evidence.some((line) => line.trim() === '')) problems.push(`${where}: an empty evidence line`);
    if (f.evidence.some((line) => /undefined|\[object Object\]|NaN/.test(line))) {
      problems.push(`${where}: an evidence line with an unfilled value: ${f.evidence.join(' | ')}`);
    }
    if (seen.has(f.fingerprint)) problems.push(`${where}: fingerprint ${f.fingerprint} used twice`);
    seen.add(f.fingerprint);
  }
  return problems;
}

function describeFinding(f: Finding): string {
  return JSON.stringify(
    { account: f.account, person: f.person, resource: f.resource, severity: f.severity, evidence: f.evidence },
    null,
    1,
  );
}

export function caseNameProblems(cases: RuleCases): string[] {
  const problems: string[] = [];
  if (cases.fires.length === 0) problems.push('no "fires" case: show where the rule must fire');
  if (cases.quiet.length === 0) problems.push('no "quiet" case: show where the rule must stay quiet');
  const names = [...cases.fires, ...cases.quiet].map((c) => c.name);
  for (const name of new Set(names.filter((n, i) => names.indexOf(n) !== i)))
    problems.push(`duplicate case name "${name}"`);
  for (const c of cases.fires) if (c.expect.length === 0) problems.push(`"${c.name}" fires but expects nothing`);
  return problems;
}

export function ruleTester(rule: Rule, cases: RuleCases): void {
  describe(`rule ${rule.id}`, () => {
    it('has well-formed cases', () => {
      expect(caseNameProblems(cases)).toEqual([]);
    });

    for (const c of cases.fires) {
      it(`fires: ${c.name}`, () => {
        const findings = runRule(rule, c.context);
        const { missing, extra } = pairFindings(findings, c.expect);
        expect(missing, `expected but not found; found:\n${findings.map(describeFinding).join('\n')}`).toEqual([]);
        expect(extra.map(describeFinding), 'found but not expected').toEqual([]);
        expect(findingProblems(findings)).toEqual([]);
        // Pure: asked twice, the same answer.
        expect(runRule(rule, c.context)).toEqual(findings);
      });
    }

    for (const c of cases.quiet) {
      it(`quiet: ${c.name}`, () => {
        expect(runRule(rule, c.context).map(describeFinding)).toEqual([]);
      });
    }
  });
}
