// Turns rule drafts into findings: fingerprint, rule id, default severity and title, the
// rule's remediation first (or the finding's own fix), then a deterministic order.
import type { Finding, FindingDraft, Severity } from '../../core/finding.js';
import { severityRank } from '../../core/finding.js';
import type { Rule } from '../../rules/types.js';
import { fingerprint } from './fingerprint.js';

export function toFinding(rule: Rule, draft: FindingDraft): Finding {
  return {
    fingerprint: fingerprint(rule.id, draft),
    rule: rule.id,
    severity: draft.severity ?? rule.severity,
    title: draft.title ?? rule.title,
    ...(draft.person !== undefined ? { person: draft.person } : {}),
    system: draft.system,
    target: draft.target,
    account: draft.account,
    ...(draft.resource !== undefined ? { resource: draft.resource } : {}),
    evidence: [...draft.evidence],
    remediation: {
      steps: [draft.fix ?? rule.remediation, ...(draft.remediation?.steps ?? [])],
      commands: [...(draft.remediation?.commands ?? [])],
    },
  };
}

export { compareFindings } from '../../core/order.js';

/**
 * Two drafts with one fingerprint are one finding seen twice (a rule reached it by two
 * paths): keep one, with every evidence line and the worse severity, so nothing is lost.
 */
export function mergeDuplicates(findings: Finding[]): Finding[] {
  const byFingerprint = new Map<string, Finding>();
  for (const f of findings) {
    const seen = byFingerprint.get(f.fingerprint);
    if (!seen) {
      byFingerprint.set(f.fingerprint, f);
      continue;
    }
    const worse = severityRank(f.severity) < severityRank(seen.severity) ? f.severity : seen.severity;
    byFingerprint.set(f.fingerprint, {
      ...seen,
      severity: worse,
      evidence: [...new Set([...seen.evidence, ...f.evidence])],
      remediation: {
        steps: [...new Set([...seen.remediation.steps, ...f.remediation.steps])],
        commands: [...new Set([...seen.remediation.commands, ...f.remediation.commands])],
      },
    });
  }
  return [...byFingerprint.values()];
}

export function summarize(findings: readonly Finding[]): Record<Severity, number> {
  const summary = { critical: 0, high: 0, medium: 0, low: 0, info: 0 } satisfies Record<Severity, number>;
  for (const f of findings) summary[f.severity] += 1;
  return summary;
}
