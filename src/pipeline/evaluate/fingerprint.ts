// A finding's stable identity: history uses it to say when a finding was first seen and
// accepted risks use it to name one. Its inputs and their order never change meaning.
import { createHash } from 'node:crypto';
import type { FindingDraft } from '../../core/finding.js';

export function fingerprint(
  rule: string,
  draft: Pick<FindingDraft, 'system' | 'target' | 'account' | 'resource' | 'discriminator'>,
): string {
  const parts = [rule, draft.system, draft.target, draft.account, draft.resource ?? '', draft.discriminator ?? ''];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}
