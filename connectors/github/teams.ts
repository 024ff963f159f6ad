// Nested teams: who is in which team itself, and who GitHub counts in it. A child team inherits its
// parent's repository access, and GitHub counts a child team's members among the parent's (REST's
// members listing, GraphQL's default membership ALL). Grants name the team a person is in
// themselves, the one to remove them from; access is never less than GitHub's ALL gives.
import type { TeamFacts } from './facts.js';

export interface TeamStructure {
  /** Lower-cased logins GitHub counts in each team: its own members and its child teams' (ALL). */
  effective: Map<string, Set<string>>;
  /**
   * Lower-cased logins known to be in each team itself. Read with membership IMMEDIATE it is
   * exact; from a listing that counts child teams' members (REST), those found in no child team.
   */
  immediate: Map<string, Set<string>>;
  /** Each team's parent, grandparent and so on, nearest first. */
  ancestors: Map<string, string[]>;
  /** Each team's child teams, sorted. */
  children: Map<string, string[]>;
  /** Teams whose listing counted child teams' members: who is also directly in them is unknown. */
  listedWithChildren: Set<string>;
}

export function teamStructure(teams: readonly TeamFacts[]): TeamStructure {
  const bySlug = new Map(teams.map((t) => [t.team.slug, t]));
  const children = new Map<string, string[]>(teams.map((t) => [t.team.slug, []]));
  for (const t of teams) {
    const parent = t.team.parent?.slug;
    if (parent && parent !== t.team.slug && children.has(parent)) children.get(parent)?.push(t.team.slug);
  }
  for (const list of children.values()) list.sort();
  const ancestors = new Map<string, string[]>();
  for (const t of teams) {
    const line: string[] = [];
    let parent = t.team.parent?.slug;
    while (parent && parent !== t.team.slug && !line.includes(parent) && bySlug.has(parent)) {
      line.push(parent);
      parent = bySlug.get(parent)?.team.parent?.slug;
    }
    ancestors.set(t.team.slug, line);
  }
  const listed = (slug: string) => new Set((bySlug.get(slug)?.members ?? []).map((m) => m.login.toLowerCase()));
  const effective = new Map<string, Set<string>>();
  const effectiveOf = (slug: string, seen: ReadonlySet<string>): Set<string> => {
    const known = effective.get(slug);
    if (known) return known;
    const out = listed(slug);
    for (const child of children.get(slug) ?? []) {
      if (seen.has(child)) continue; // a cycle GitHub would not allow
      for (const m of effectiveOf(child, new Set([...seen, child]))) out.add(m);
    }
    effective.set(slug, out);
    return out;
  };
  for (const t of teams) effectiveOf(t.team.slug, new Set([t.team.slug]));
  const listedWithChildren = new Set<string>();
  const immediate = new Map<string, Set<string>>();
  for (const t of teams) {
    const slug = t.team.slug;
    const own = listed(slug);
    if (t.membership !== 'immediate' && (children.get(slug) ?? []).length > 0) {
      listedWithChildren.add(slug);
      for (const child of children.get(slug) ?? []) for (const m of effective.get(child) ?? []) own.delete(m);
    }
    immediate.set(slug, own);
  }
  return { effective, immediate, ancestors, children, listedWithChildren };
}

/**
 * The team under (or at) `slug` that `login` is in itself, nearest first, for a role or access
 * `slug` holds: undefined when GitHub does not count them in `slug` at all.
 */
export function memberTeam(s: TeamStructure, slug: string, login: string): string | undefined {
  const queue = [slug];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const team = queue.shift() as string;
    if (seen.has(team)) continue;
    seen.add(team);
    if (s.immediate.get(team)?.has(login)) return team;
    queue.push(...(s.children.get(team) ?? []));
  }
  return undefined;
}

/**
 * Teams from `team` up to (and with) `top` whose listing counted child teams' members: `login`,
 * in `team` itself, may be directly in any of them too, which no listing of theirs tells.
 */
export function possiblyDirectIn(s: TeamStructure, team: string, top?: string): string[] {
  const out: string[] = [];
  for (const a of s.ancestors.get(team) ?? []) {
    if (s.listedWithChildren.has(a)) out.push(a);
    if (a === top) break;
  }
  return out;
}
