// Everything a rule may look at. Built once per scan by evaluate(); rules only read it.
import type { Policy } from '../config/schema.js';
import type { Snapshot } from '../model.js';
import type { Register } from '../register/schema.js';

export interface EvaluationContext {
  readonly now: Date;
  /** Classified: every grant carries its lanes and level. */
  readonly snapshot: Snapshot;
  readonly register: Register;
  readonly policy: Policy;
}
