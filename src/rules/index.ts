// The rule registry: every rule, in id order. test/rules/registry.test.ts checks it against
// the files in this folder and their tests.
import { contractorProductionWrite } from './contractor-production-write.js';
import { drift } from './drift.js';
import { expiredAccessActive } from './expired-access-active.js';
import { expiringSoon } from './expiring-soon.js';
import { mfaMissing } from './mfa-missing.js';
import { multipleLanes } from './multiple-lanes.js';
import { publicAccess } from './public-access.js';
import { registerIncomplete } from './register-incomplete.js';
import { sharedAdminAccount } from './shared-admin-account.js';
import { staleCredential } from './stale-credential.js';
import type { Rule } from './types.js';
import { unapprovedAccess } from './unapproved-access.js';
import { unknownAccount } from './unknown-account.js';

export const allRules: readonly Rule[] = [
  contractorProductionWrite,
  drift,
  expiredAccessActive,
  expiringSoon,
  mfaMissing,
  multipleLanes,
  publicAccess,
  registerIncomplete,
  sharedAdminAccount,
  staleCredential,
  unapprovedAccess,
  unknownAccount,
];

export function ruleById(id: string): Rule | undefined {
  return allRules.find((r) => r.id === id || r.aliases?.includes(id));
}
