// The shapes policies.ts and the modules it uses share (convenience.ts, data-resources.ts):
// kept apart so that those modules need not import policies.ts back.
import type { ApiBinding } from './schema.js';

export interface PolicyAtNode {
  /** organizations/<id>, folders/<id> or projects/<projectId> */
  name: string;
  /** What evidence shows: "folders/456 (prod)". */
  label: string;
  bindings: readonly ApiBinding[];
}

/** A member a group reaches: directly, or through a group nested in it. */
export interface GroupMember {
  member: string;
  direct: boolean;
}
