// What changed since the previous complete scan, as the reports and the rules read it.
import type { Lane, Level } from './model.js';

export type DriftKind =
  | 'account-added'
  | 'account-removed'
  | 'account-renamed'
  | 'grant-added'
  | 'grant-removed'
  | 'level-lowered'
  | 'lane-lost'
  | 'level-raised'
  | 'lane-gained'
  | 'credential-created'
  /** A credential created in place of one of the same kind on the same account, gone or off since. */
  | 'credential-rotated';

export interface DriftChange {
  kind: DriftKind;
  system: string;
  target: string;
  account: string;
  login: string;
  resource?: string;
  /** Current level/lanes for additions and raises (a lane gained: only the lanes gained); previous for removals. */
  level?: Level;
  lanes?: Lane[];
  /** "read became write", "gained production", "key AKIA…WXYZ created 2026-11-20". */
  detail: string;
}

export interface Drift {
  /** When the scan compared against ran. */
  since: string;
  changes: DriftChange[];
  /** "system target" pairs not compared because one of the two scans failed to read them. */
  notCompared: string[];
}
