// A register diff for the terminal and for a pull-request comment. Every value comes from a
// register someone edited in a pull request, so from a possible attacker: terminal lines are
// made terminal-safe, Markdown values are escaped so no link, mention or HTML comes out.
import { markdownText, terminalSafe } from '../../core/text.js';
import type { Change, EntryChanges, RegisterDiff } from './diff.js';

/** Marks the comment the access-gate workflow updates in place instead of adding another. */
export const DIFF_COMMENT_MARKER = '<!-- lanekeeper:register-diff -->';

const SIGN: Partial<Record<Change['kind'], string>> = {
  'grant-added': '+',
  'person-added': '+',
  'grant-removed': '-',
  'person-removed': '-',
};

function headline(diff: RegisterDiff): string {
  const n = diff.people.length;
  const people = `${n} ${n === 1 ? 'person' : 'people'}`;
  const other =
    diff.other.length > 0 ? ` and ${diff.other.length} other entr${diff.other.length === 1 ? 'y' : 'ies'}` : '';
  const look =
    diff.attention === 0
      ? 'nothing needs special attention'
      : `${diff.attention} need${diff.attention === 1 ? 's' : ''} a reviewer's attention (!)`;
  return `${people}${other} change access; ${look}`;
}

function isEmpty(diff: RegisterDiff): boolean {
  return diff.people.length === 0 && diff.other.length === 0;
}

const NO_CHANGE = 'No access changes: this change to the register does not change who may do what.';

export function formatDiffText(diff: RegisterDiff): string {
  if (isEmpty(diff)) return `${NO_CHANGE}\n`;
  const lines = [headline(diff), ''];
  for (const entry of [...diff.people, ...diff.other]) {
    lines.push(terminalSafe(`${entry.id}: ${entry.title}`));
    for (const c of entry.changes)
      lines.push(terminalSafe(`  ${c.attention ? '!' : (SIGN[c.kind] ?? '~')} ${label(c)}: ${c.text}`));
  }
  return `${lines.join('\n')}\n`;
}

export function formatDiffMarkdown(diff: RegisterDiff): string {
  const lines = [DIFF_COMMENT_MARKER, '### lanekeeper: what this register change does to access', ''];
  if (isEmpty(diff)) return `${[...lines, NO_CHANGE].join('\n')}\n`;
  lines.push(`${headline(diff).replace(' (!)', '')}.`, '');
  const section = (entry: EntryChanges) => {
    lines.push(`#### ${markdownText(entry.id)}: ${markdownText(entry.title)}`, '');
    for (const c of entry.changes) {
      const mark = c.attention ? '⚠️ **Attention:** ' : '';
      lines.push(`- ${mark}${markdownText(label(c))}: ${markdownText(c.text)}`);
    }
    lines.push('');
  };
  for (const entry of diff.people) section(entry);
  for (const entry of diff.other) section(entry);
  lines.push('_Posted by `lanekeeper register diff`. The register is checked by `lanekeeper register check`._');
  return `${lines.join('\n')}\n`;
}

const LABELS: Record<Change['kind'], string> = {
  'person-added': 'New person',
  'person-removed': 'Person removed',
  'kind-changed': 'Kind changed',
  'owner-changed': 'Owner changed',
  'engagement-changed': 'Engagement changed',
  'lanes-exception': 'Lanes exception',
  'grant-added': 'Grant added',
  'grant-removed': 'Grant removed',
  'grant-extended': 'Grant extended',
  'grant-shortened': 'Grant shortened',
  'grant-raised': 'Access raised',
  'grant-lowered': 'Access lowered',
  'grant-changed': 'Grant changed',
  'lane-gained': 'Lane gained',
  'production-write-gained': 'Production write gained',
  'self-approval': 'Self-approval',
  'shared-account': 'Shared account',
  'accepted-risk': 'Accepted risk',
};

function label(c: Change): string {
  return LABELS[c.kind];
}
