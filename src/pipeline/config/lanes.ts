// Lanes globs in the config that match nothing the scan found. A typo in a production
// repository's name does not fail anything: the repository silently falls to the default lane and
// findings such as contractor-production-write disappear. Said as a warning, like a register scope
// that matches nothing (LK_REGISTER_SCOPE_UNMATCHED), and only for systems read in full.
import type { Problem } from '../../core/errors.js';
import { type Grant, resourceNames, type Snapshot } from '../../core/model.js';
import { matchesAny } from '../../core/scope.js';
import { closest } from '../../core/source.js';
import type { LoadedConfig } from './load.js';

/**
 * Every name a connector's lanes may be matched against, a superset: the resource and its other
 * names, each of their path segments ("projects/x" → "x"), the target, and the text attributes
 * (a Slack grant's channels, an AWS account's tags). A superset can only miss a warning, never
 * warn of a glob that does match.
 */
function namesOf(grant: Grant, into: Set<string>): void {
  const add = (name: string) => {
    into.add(name);
    for (const segment of name.split('/')) if (segment) into.add(segment);
  };
  for (const name of resourceNames(grant)) add(name);
  add(grant.target);
  for (const value of Object.values(grant.attributes ?? {})) {
    if (typeof value === 'string') add(value);
    else if (Array.isArray(value)) for (const v of value) if (typeof v === 'string') add(v);
  }
}

/**
 * Warnings for the config's lanes globs that match no resource of a system read in full.
 * `narrowed`: systems `--only` read some targets of, whose other resources were never looked at.
 */
export function unmatchedLaneGlobs(
  loaded: Pick<LoadedConfig, 'laneGlobs'>,
  snapshot: Snapshot,
  narrowed: ReadonlySet<string> = new Set(),
): Problem[] {
  const failed = new Set(snapshot.systems.filter((s) => !s.ok).map((s) => s.system));
  const read = new Set(
    snapshot.systems.filter((s) => s.ok && !failed.has(s.system) && !narrowed.has(s.system)).map((s) => s.system),
  );
  const names = new Map<string, Set<string>>();
  for (const grant of snapshot.grants) {
    if (!read.has(grant.system)) continue;
    const set = names.get(grant.system) ?? new Set<string>();
    names.set(grant.system, set);
    namesOf(grant, set);
  }
  const out: Problem[] = [];
  for (const lane of loaded.laneGlobs) {
    if (!read.has(lane.system)) continue;
    const candidates = [...(names.get(lane.system) ?? [])];
    // Slack writes channels with or without "#"; AWS tags as "tag:KEY=VALUE".
    const forms = [lane.glob, `#${lane.glob}`, lane.glob.replace(/^tag:/, '')];
    if (candidates.some((name) => matchesAny(forms, name))) continue;
    const guess = closest(lane.glob, candidates);
    out.push({
      code: 'LK_CONFIG_BAD_VALUE',
      severity: 'warning',
      message: `"${lane.glob}" matches nothing the ${lane.system} scan found${guess ? ` (did you mean "${guess}"?)` : ''}, so it puts nothing in ${lane.key}`,
      ...lane.where,
      fix: 'Correct the name, or remove the glob if the resource is gone; a resource no glob names is in the default lane.',
    });
  }
  return out;
}
