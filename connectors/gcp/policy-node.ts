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

/**
 * How a member is in a group: itself (Cloud Identity's DIRECT), through a group nested in it
 * (INDIRECT), or both (DIRECT_AND_INDIRECT): then leaving the group takes both removals.
 */
export type GroupMembership = 'direct' | 'nested' | 'both';

/** A member a group reaches, and how. */
export interface GroupMember {
  member: string;
  membership: GroupMembership;
}
