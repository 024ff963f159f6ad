// The CI gate's verdict: one pure function from what the scan found to an exit code.
import type { FailOn } from '../core/config.js';
import { ExitCode } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import { severityRank } from '../core/finding.js';

export interface GateInput {
  findings: readonly Pick<Finding, 'severity'>[];
  complete: boolean;
  failOn: FailOn;
  allowPartial: boolean;
}

export function gateExitCode({ findings, complete, failOn, allowPartial }: GateInput): number {
  // Fail closed: a scan that could not read a system proves nothing about it.
  if (!complete && !allowPartial) return ExitCode.INCOMPLETE;
  if (failOn === 'none') return ExitCode.OK;
  const threshold = severityRank(failOn);
  return findings.some((f) => severityRank(f.severity) <= threshold) ? ExitCode.FINDINGS : ExitCode.OK;
}
