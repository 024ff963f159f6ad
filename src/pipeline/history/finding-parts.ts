// A scan's findings as the history keeps them (line-parts.ts): one finding a line. They are the
// scan's record of what it found, for as long as the history keeps its snapshot; one JSON row
// each they were 31 MB a scan at the benchmark's large size, ten times its deflated snapshot.
import { z } from 'zod';
import { type Finding, SEVERITIES } from '../../core/finding.js';
import { checked, deflatedParts, jsonLine, partValues } from './line-parts.js';

/** The deflated parts, in order, of findings the caller has redacted (HistoryStore.record). */
export function findingParts(findings: readonly Finding[]): Buffer[] {
  return deflatedParts(findingLines(findings));
}

function* findingLines(findings: readonly Finding[]): Generator<string> {
  for (const finding of findings) yield jsonLine(finding);
}

// Fields a later lanekeeper adds to a finding are dropped on reading, not refused.
export const FindingSchema: z.ZodType<Finding> = z.object({
  fingerprint: z.string(),
  rule: z.string(),
  severity: z.enum(SEVERITIES),
  title: z.string(),
  person: z.string().optional(),
  system: z.string(),
  target: z.string(),
  account: z.string(),
  resource: z.string().optional(),
  evidence: z.array(z.string()),
  remediation: z.object({ steps: z.array(z.string()), commands: z.array(z.string()) }),
});

/** The findings from their parts, each checked as it is read. */
export function findingsFromParts(parts: Iterable<unknown>): Finding[] {
  const findings: Finding[] = [];
  for (const value of partValues(parts)) findings.push(checked(FindingSchema, value));
  return findings;
}
