// The register's public surface: its schema, loading and checking.

export * from '../../core/register.js';
export { type IncompleteEntry, incompleteEntries, MIN_TASK_WORDS } from './completeness.js';
export {
  checkRegisterFile,
  type LoadedRegister,
  type LoadRegisterOptions,
  loadRegister,
  MAX_ALIAS_COUNT,
  parseRegister,
  type RegisterCheck,
  scopeWarnings,
} from './load.js';
export {
  type PersonForValidation,
  type RegisterForValidation,
  type RegisterIssue,
  unmatchedScopes,
  validateRegister,
} from './validate.js';
