// What a rule is: metadata plus a pure evaluate(). A rule never calls an API, reads a
// file or looks at the wall clock.
import type { FindingDraft, RuleMeta } from '../core/finding.js';
import type { EvaluationContext } from '../pipeline/evaluate/context.js';

export interface Rule extends RuleMeta {
  evaluate(context: EvaluationContext): FindingDraft[];
}
