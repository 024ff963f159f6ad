// What a finding is: its severity, the rule metadata that explains it, and its fix.
// Every layer speaks this vocabulary: rules produce findings, reports render them.

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** critical = 0 … info = 4; lower is worse. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export interface Remediation {
  /** What to do, in order, in words. */
  steps: string[];
  /** Exact commands with real names filled in and shell-quoted. */
  commands: string[];
}

export interface RuleMeta {
  /** Stable id; the file name and the test file name are the same word. Never changes meaning. */
  readonly id: string;
  /** Old ids this rule answered to; suppressions and history that name them still apply. */
  readonly aliases?: readonly string[];
  readonly title: string;
  readonly severity: Severity;
  /** One line: why this matters. */
  readonly why: string;
  /** The general fix; findings add specific steps and commands. */
  readonly remediation: string;
}

/** What a rule reports; the engine adds fingerprint, rule id, defaults and sorting. */
export interface FindingDraft {
  /** Overrides the rule's severity for this finding (unknown-account is high when privileged). */
  severity?: Severity;
  /** Overrides the rule's title for this finding. */
  title?: string;
  /** Register person id, when the finding is about one. */
  person?: string;
  system: string;
  target: string;
  /** Account id within (system, target); "" for findings about the register itself. */
  account: string;
  resource?: string;
  /** Facts a reader can check: each line one fact. */
  evidence: string[];
  remediation?: Partial<Remediation>;
  /** Replaces the rule's remediation sentence, the first step, when this finding needs another fix. */
  fix?: string;
  /** Extra words that keep two findings of one rule on one account apart in the fingerprint. */
  discriminator?: string;
}

export interface Finding {
  fingerprint: string;
  rule: string;
  severity: Severity;
  title: string;
  person?: string;
  system: string;
  target: string;
  account: string;
  resource?: string;
  evidence: string[];
  remediation: Remediation;
}
