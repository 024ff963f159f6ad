// The resource tree (organisation → folders → projects) as discovery found it, and the scope:
// which projects the config asks for. Inheritance follows this tree, so a project's ancestors
// must all be known before its access can be.
import picomatch from 'picomatch';
import type { ApiFolder, ApiOrganization, ApiProject, GcpConfig } from './schema.js';

export interface TreeNode {
  /** organizations/<id> or folders/<id> */
  name: string;
  displayName?: string;
  parent?: string;
}

export interface Ancestry {
  /** Nearest first: the project's parent, its parent, … up to the organisation. */
  names: string[];
  /** The first ancestor discovery does not know (a folder the scanner cannot list). */
  missing?: string;
}

export class ResourceTree {
  private readonly nodes = new Map<string, TreeNode>();

  addOrganization(org: ApiOrganization): void {
    this.nodes.set(org.name, { name: org.name, ...(org.displayName ? { displayName: org.displayName } : {}) });
  }

  addFolder(folder: ApiFolder): void {
    const node: TreeNode = { name: folder.name };
    if (folder.displayName) node.displayName = folder.displayName;
    if (folder.parent) node.parent = folder.parent;
    this.nodes.set(folder.name, node);
  }

  get(name: string): TreeNode | undefined {
    return this.nodes.get(name);
  }

  ancestry(parent: string | null | undefined): Ancestry {
    const names: string[] = [];
    const seen = new Set<string>();
    let current = parent ?? undefined;
    while (current) {
      // A cycle would be a server bug; stop rather than loop.
      if (seen.has(current)) return { names, missing: current };
      seen.add(current);
      names.push(current);
      if (current.startsWith('organizations/')) return { names };
      const node = this.nodes.get(current);
      if (!node) return { names: names.slice(0, -1), missing: current };
      current = node.parent;
    }
    return { names };
  }

  /** "folders/456 (prod)": the id a console user can search for and the name they know. */
  label(name: string): string {
    const display = this.nodes.get(name)?.displayName;
    return display ? `${name} (${display})` : name;
  }
}

/** The organisation at the root of an ancestry, if the project sits in one. */
export function rootOrganization(ancestry: Ancestry): string | undefined {
  const last = ancestry.names.at(-1);
  return last?.startsWith('organizations/') ? last : undefined;
}

export type ScopeVerdict = 'in' | 'out';

/**
 * An organisation bounds the scan; folders and project globs narrow it (a project is in when it
 * sits below one of the folders or its id matches one of the globs). Without any of them, every
 * project the scanner can see is in scope.
 */
export function projectScope(
  project: Pick<ApiProject, 'projectId'>,
  ancestry: Ancestry,
  config: Pick<GcpConfig, 'organization' | 'folders' | 'projects'>,
): ScopeVerdict {
  if (config.organization && !ancestry.names.includes(`organizations/${config.organization}`)) return 'out';
  const folders = config.folders ?? [];
  const globs = config.projects ?? [];
  if (folders.length === 0 && globs.length === 0) return 'in';
  if (folders.some((f) => ancestry.names.includes(`folders/${f}`))) return 'in';
  if (matchesProjectGlob(project.projectId, globs)) return 'in';
  return 'out';
}

export function matchesProjectGlob(projectId: string, globs: readonly string[] | undefined): boolean {
  return (globs ?? []).some((glob) => picomatch.isMatch(projectId, glob));
}
