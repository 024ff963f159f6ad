// Whether a scan read everything it was meant to: the verdict every report's first line states.
// Complete only when every target in scope was read and every gap in what it could see is acknowledged
// by the config (coverage.accept, with a reason and an end date). An acknowledgement past its
// date counts no more: the gap makes the scan incomplete again.
import type { GapAcceptance } from './config.js';
import { endOfDay } from './dates.js';
import type { Gap, Snapshot } from './model.js';
import { byText } from './order.js';

/** A gap on one target, with the acknowledgement that covers it, if any is in force. */
export interface TargetGap extends Gap {
  system: string;
  target: string;
  /** The config's acknowledgement in force today; absent when the gap counts. */
  accepted?: { reason: string; until: string };
}

export interface Completeness {
  /** Every target read, and every gap acknowledged. */
  complete: boolean;
  /** "system target: reason" of each target that could not be read. */
  failed: { system: string; target: string; error: string }[];
  /** Every gap, open and accepted, sorted by system, target, kind. */
  gaps: TargetGap[];
  /**
   * The `--only` scope the scan was narrowed to ("github", "aws:111111111111"), sorted; absent for
   * a full scan. A narrowed scan may be complete for what it read, but it read only part of the
   * company: it is never what a later full scan compares with, nor one point of the full trend.
   */
  narrowedTo?: string[];
}

/** Which targets of each system a scan was narrowed to (pipeline/only.ts's RunScope): undefined, all of that system's. */
export type ScanScope = ReadonlyMap<string, readonly string[] | undefined>;

/** A scope as the history keeps it: "system" or "system:target,target", sorted; [] for a full scan. */
export function scopeNames(scope: ScanScope): string[] {
  return [...scope]
    .map(([system, targets]) => (targets === undefined ? system : `${system}:${[...targets].sort(byText).join(',')}`))
    .sort(byText);
}

/** The gaps that make the scan incomplete. */
export function openGaps(completeness: Completeness): TargetGap[] {
  return completeness.gaps.filter((g) => g.accepted === undefined);
}

export function completeness(
  snapshot: Pick<Snapshot, 'systems'>,
  accept: readonly GapAcceptance[],
  now: Date,
  scope: ScanScope = new Map(),
): Completeness {
  const failed = snapshot.systems
    .filter((s) => !s.ok)
    .map((s) => ({ system: s.system, target: s.target, error: s.error ?? 'no reason given' }))
    .sort((a, b) => byText(a.system, b.system) || byText(a.target, b.target));
  const gaps: TargetGap[] = [];
  for (const s of snapshot.systems) {
    if (!s.ok) continue;
    for (const gap of s.gaps ?? []) {
      const acknowledgement = accept.find(
        (a) => a.gap === gap.kind && (a.target === undefined || a.target === s.target) && now < endOfDay(a.until),
      );
      gaps.push({
        system: s.system,
        target: s.target,
        ...gap,
        ...(acknowledgement ? { accepted: { reason: acknowledgement.reason, until: acknowledgement.until } } : {}),
      });
    }
  }
  gaps.sort(
    (a, b) =>
      byText(a.system, b.system) || byText(a.target, b.target) || byText(a.kind, b.kind) || byText(a.detail, b.detail),
  );
  const narrowedTo = scopeNames(scope);
  return {
    complete: failed.length === 0 && gaps.every((g) => g.accepted !== undefined),
    failed,
    gaps,
    ...(narrowedTo.length > 0 ? { narrowedTo } : {}),
  };
}
