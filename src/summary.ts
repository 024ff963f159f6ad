// The end-of-scan summary a person reads in the terminal. Everything that came from
// an API passes through terminalSafe, so a display name cannot move the cursor or
// rewrite what the founder sees.
import { relative } from 'node:path';
import { terminalSafe } from '../reports/escape.js';
import type { Evaluation } from './evaluate/types.js';
import type { SystemStatus } from './model.js';
import { SEVERITIES } from './rules/types.js';

export interface SummaryInput {
  organization: string;
  evaluation: Evaluation;
  systems: readonly SystemStatus[];
  files: readonly string[];
  cwd: string;
}

export function formatSummary({ organization, evaluation, systems, files, cwd }: SummaryInput): string {
  const lines: string[] = [];
  lines.push(`${terminalSafe(organization)} access review`);
  lines.push(SEVERITIES.map((s) => `${evaluation.summary[s]} ${s}`).join(', '));
  lines.push('');
  lines.push('Systems:');
  for (const s of [...systems].sort((a, b) => a.system.localeCompare(b.system) || a.target.localeCompare(b.target))) {
    const state = s.ok ? 'ok' : `FAILED: ${terminalSafe(s.error ?? 'unknown error')}`;
    lines.push(`  ${s.system} ${terminalSafe(s.target)}: ${state} (${s.calls} calls)`);
    for (const w of s.warnings) lines.push(`    warning: ${terminalSafe(w)}`);
  }
  const top = evaluation.findings.filter((f) => f.severity === 'critical' || f.severity === 'high');
  if (top.length > 0) {
    lines.push('');
    lines.push('Critical and high findings:');
    for (const f of top) {
      const who = f.person ? ` (${terminalSafe(f.person)})` : '';
      const where = [f.system, f.target, f.account, f.resource].filter(Boolean).map((p) => terminalSafe(String(p)));
      lines.push(`  ${f.severity.padEnd(8)} ${terminalSafe(f.title)}${who}: ${where.join(' / ')}`);
    }
  }
  if (files.length > 0) {
    lines.push('');
    lines.push('Reports:');
    for (const f of files) lines.push(`  ${relative(cwd, f) || f}`);
  }
  return `${lines.join('\n')}\n`;
}
