// What a register scope means: a glob over one system's resource names. Coverage (is this
// access approved?) and the register's own check (does this scope name anything?) both ask
// here, so a scope can never match for one and not for the other.
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
