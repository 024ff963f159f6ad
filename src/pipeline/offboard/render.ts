// The offboarding checklist as a person reads it: `[ ]` lines in the terminal, and a Markdown
// record for the archive. Every value comes from an API or the register, so the terminal gets
// redacted, terminalSafe text (commands too: no escape, no workflow command for a CI log) and the
// Markdown gets escaped text (no link, image or HTML can render); commands go in code blocks, and
// a command with control characters is shown escaped.

import { printable } from '../../core/log.js';
import { redact } from '../../core/redact.js';
import { hasControlCharacters, terminalCommand, visibleCommand } from '../../core/shell.js';
import { codeFence, markdownText } from '../../core/text.js';
import type { ChecklistItem, OffboardChecklist } from './checklist.js';

const CONTROL_NOTE = 'contains control characters, shown escaped: check the names before running it';

function groups(items: readonly ChecklistItem[]): Map<string, ChecklistItem[]> {
  const out = new Map<string, ChecklistItem[]>();
  for (const item of items) {
    const key = JSON.stringify([item.system, item.target]);
    out.set(key, [...(out.get(key) ?? []), item]);
  }
  return out;
}

function heading(checklist: OffboardChecklist): string {
  const p = checklist.person;
  const details = [p.kind, p.owner ? `owner ${p.owner}` : undefined, p.end ? `engagement ends ${p.end}` : undefined]
    .filter(Boolean)
    .join(', ');
  return `${p.name} (${p.id}; ${details})`;
}

function summary(checklist: OffboardChecklist): string {
  const n = checklist.items.length;
  // A system that could not be read may hold anything: only the systems read say "nothing".
  if (n === 0 && checklist.failedSystems.length > 0) return 'Nothing is left behind in the systems that were read.';
  return n === 0 ? 'Nothing is left behind.' : `${n} item${n === 1 ? '' : 's'} left behind.`;
}

function incomplete(checklist: OffboardChecklist): string | undefined {
  return checklist.failedSystems.length > 0
    ? `Incomplete: ${checklist.failedSystems.join(', ')} could not be read; what they hold is not on this list.`
    : undefined;
}

export function renderTerminal(checklist: OffboardChecklist): string {
  // Redacted before it is made safe: a mask written after "##" would read "##[REDACTED]".
  const t = printable;
  const lines = [`Offboarding ${t(heading(checklist))}, ${checklist.date}`, summary(checklist)];
  const warning = incomplete(checklist);
  if (warning) lines.push(t(warning));
  for (const items of groups(checklist.items).values()) {
    const first = items[0]!;
    lines.push('', t(`${first.system} ${first.target}`));
    for (const item of items) {
      lines.push(`[ ] ${t(item.what)}`);
      for (const why of item.why) lines.push(`    why: ${t(why)}`);
      for (const step of item.steps) lines.push(`    do:  ${t(step)}`);
      for (const cmd of item.commands) {
        const { line, note } = terminalCommand(redact(cmd));
        lines.push(`    $ ${line}${note ? `   # ${note}` : ''}`);
      }
    }
  }
  lines.push('', 'lanekeeper changed nothing: every command above is for you to run after checking it.');
  return `${lines.join('\n')}\n`;
}

export function renderMarkdown(checklist: OffboardChecklist): string {
  const md = (s: string) => markdownText(s, 2000);
  const out: string[] = [
    `# Offboarding: ${md(heading(checklist))}`,
    '',
    `Checklist of ${checklist.date} (generated ${md(checklist.generatedAt)}). ${summary(checklist)}`,
  ];
  const warning = incomplete(checklist);
  if (warning) out.push('', `**${md(warning)}**`);
  if (checklist.accounts.length > 0) {
    out.push('', '## Accounts found', '');
    for (const a of checklist.accounts) out.push(`- ${md(`${a.system} ${a.target}: ${a.login}`)}: ${md(a.how)}`);
  }
  for (const items of groups(checklist.items).values()) {
    const first = items[0]!;
    out.push('', `## ${md(`${first.system} ${first.target}`)}`);
    for (const item of items) {
      out.push('', `- [ ] **${md(item.what)}** (${md(item.kind)})`);
      for (const why of item.why) out.push(`  - Why: ${md(why)}`);
      for (const step of item.steps) out.push(`  - Do: ${md(step)}`);
      if (item.commands.length > 0) {
        const shown = item.commands.map(visibleCommand);
        if (item.commands.some(hasControlCharacters)) out.push(`  - Note: a command ${CONTROL_NOTE}.`);
        const fence = codeFence(shown);
        out.push('', `  ${fence}sh`, ...shown.map((c) => `  ${c}`), `  ${fence}`);
      }
    }
  }
  out.push('', 'lanekeeper changed nothing: every command above is for a person to run after checking it.', '');
  return out.join('\n');
}

/** `offboarding-sam-2026-11-29.md`: register ids are already safe file-name characters. */
export function recordFileName(checklist: OffboardChecklist): string {
  return `offboarding-${checklist.person.id.replace(/[^a-z0-9._-]/gi, '_')}-${checklist.date}.md`;
}
