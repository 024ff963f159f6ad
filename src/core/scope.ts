// What a glob over resource names means, everywhere one is written: a register scope, a lanes
// mapping in the config, a report's timeline. Coverage (is this access approved?), the
// register's own check (does this scope name anything?), offboarding, the reports and every
// connector's classifier ask here, so a glob can never match for one and not for another.
// Case is ignored (GitHub and AWS names are case-insensitive; people type them both ways).
import picomatch from 'picomatch';

const matchers = new Map<string, (name: string) => boolean>();

export function scopeMatcher(glob: string): (name: string) => boolean {
  let m = matchers.get(glob);
  if (!m) {
    // A lone "*" means "everything in that system": people write it for GCP too, whose
    // resource names ("projects/x") contain a slash that a glob's "*" would not cross.
    m = glob === '*' ? () => true : picomatch(glob, { dot: true, nocase: true });
    matchers.set(glob, m);
  }
  return m;
}

/** Whether any of the globs matches the name. */
export function matchesAny(globs: readonly string[], name: string): boolean {
  return globs.some((glob) => scopeMatcher(glob)(name));
}
