// evaluate(snapshot, register, policy, now) → Evaluation: links every account, judges every
// live grant against the register, runs every rule and assembles what the reports show.
// Pure: the same inputs give the same Evaluation, byte for byte.
import { allRules } from '../rules/index.js';
import type { Rule } from '../rules/types.js';
import { buildContext, type EvaluationInput } from './build.js';
import { compareFindings, mergeDuplicates, summarize, toFinding } from './findings.js';
import { heldAccess, orphanWarnings, peopleAccess, registerWarnings, unlinkedAccounts } from './people.js';
import type { Evaluation } from './types.js';

export type { EvaluationInput } from './build.js';
export { buildContext } from './build.js';
export type { AccountLink, CoverageState, EvaluationContext, HeldGrant, Holder, LaneCoverage } from './context.js';
export { fingerprint } from './fingerprint.js';
export { describeLink, linkAccount } from './link.js';

export function evaluate(input: EvaluationInput, rules: readonly Rule[] = allRules): Evaluation {
  const context = buildContext(input);
  const drafts = rules.flatMap((rule) => rule.evaluate(context).map((draft) => toFinding(rule, draft)));
  const findings = mergeDuplicates(drafts).sort(compareFindings);
  return {
    findings,
    summary: summarize(findings),
    people: peopleAccess(context),
    unlinked: unlinkedAccounts(context),
    warnings: [...registerWarnings(context), ...orphanWarnings(context)],
    access: heldAccess(context),
  };
}
