// evaluate(snapshot, register, policy, now) → Evaluation: links every account, judges every
// live grant against the register, runs every rule and assembles what the reports show.
// Pure: the same inputs give the same Evaluation, byte for byte.

import type { Evaluation } from '../../core/evaluation.js';
import type { Finding } from '../../core/finding.js';
import { allRules } from '../../rules/index.js';
import type { Rule } from '../../rules/types.js';
import { buildContext, type EvaluationInput } from './build.js';
import type { EvaluationContext } from './context.js';
import { compareFindings, mergeDuplicates, summarize, toFinding } from './findings.js';
import { heldAccess, orphanWarnings, peopleAccess, registerWarnings, unlinkedAccounts } from './people.js';

export type { EvaluationInput } from './build.js';
export { buildContext } from './build.js';
export type { AccountLink, CoverageState, EvaluationContext, HeldGrant, Holder, LaneCoverage } from './context.js';
export { fingerprint } from './fingerprint.js';
export { describeLink, linkAccount } from './link.js';

export interface EvaluateOptions {
  rules?: readonly Rule[];
  /** Adds to each finding what the rules cannot know (the system-specific commands that fix it). */
  enrich?(findings: Finding[], context: EvaluationContext): Finding[];
}

export function evaluate(input: EvaluationInput, options: EvaluateOptions = {}): Evaluation {
  const context = buildContext(input);
  const rules = options.rules ?? allRules;
  const drafts = rules.flatMap((rule) => rule.evaluate(context).map((draft) => toFinding(rule, draft)));
  const merged = mergeDuplicates(drafts).sort(compareFindings);
  const findings = options.enrich ? options.enrich(merged, context) : merged;
  return {
    findings,
    summary: summarize(findings),
    people: peopleAccess(context),
    unlinked: unlinkedAccounts(context),
    warnings: [...registerWarnings(context), ...orphanWarnings(context)],
    access: heldAccess(context),
  };
}
