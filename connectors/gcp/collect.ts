// Reading one GCP organisation: discover the tree, read the IAM policy of every ancestor and
// every project in scope, the service accounts and their keys, then turn each project into one
// target. Reads happen first (concurrently, under p-queue) so a service account's keys are known
// in every project that grants it a role; every project's access is then worked out, so that
// whoever can act as a service account is given what it holds everywhere (impersonation.ts);
// records are emitted last, one target at a time, in a fixed order.
//
// Failure model: discovery failing (search calls) fails the system as a whole. A folder or
// organisation policy that cannot be read fails every project below it (their access cannot be
// known without it) and the organisation's own target; other projects go on.
import { AdaptiveQueue } from '../../src/core/adaptive-queue.js';
import type { CollectContext, TargetOutput } from '../../src/core/connector.js';
import type { Account, Gap, Grant } from '../../src/core/model.js';
import { labelSelectors, roleEntry } from './classify.js';
import { type CallCounter, createGcpApi, type GcpApi, GcpApiError } from './client.js';
import { basicRoleHolders, type ConvenienceHolder, type ConvenienceKind, resolveConveniences } from './convenience.js';
import { bucketPolicy, datasetPolicy } from './data-resources.js';
import type { DenyRuleAt } from './deny.js';
import { type Ancestry, matchesProjectGlob, projectScope, ResourceTree, rootOrganization } from './hierarchy.js';
import { impersonationGrants, type ServiceAccountNode } from './impersonation.js';
import type { ParsedMember } from './members.js';
import type { GcpOperation } from './operations.js';
import { classifyPermissions } from './permissions.js';
import {
  compare,
  compareGrants,
  type GroupMember,
  type GroupMembership,
  type PolicyAtNode,
  type ProjectAccess,
  projectAccess,
  type RoleFacts,
} from './policies.js';
import type { ApiBinding, ApiKey, ApiProject, ApiServiceAccount, GcpConfig } from './schema.js';
import {
  isGoogleManaged,
  isKeyActive,
  keyCredential,
  serviceAccountMember,
  serviceAccountRecord,
} from './service-accounts.js';

/** Every binding read: the ancestors' policies and the projects' own. */
function* everyBinding(
  ancestorPolicies: Map<string, Outcome<{ bindings?: readonly ApiBinding[] | null }>>,
  readings: Map<ProjectInScope, Outcome<{ reading: ProjectReading }>>,
): Generator<ApiBinding> {
  for (const outcome of ancestorPolicies.values()) if (outcome.ok) yield* outcome.value.bindings ?? [];
  for (const outcome of readings.values()) {
    if (!outcome.ok) continue;
    yield* outcome.value.reading.bindings;
    for (const resource of outcome.value.reading.dataResources) yield* resource.bindings;
    for (const account of outcome.value.reading.serviceAccountPolicies) yield* account.bindings;
  }
}

/** A group member's email as IAM would write it: service accounts by their domain, anyone else a user. */
function memberString(email: string): string {
  return email.toLowerCase().endsWith('.gserviceaccount.com') ? `serviceAccount:${email}` : `user:${email}`;
}

/** Folders can nest ten deep; a few more rounds of look-ups never hurt. */
const MAX_ANCESTRY_ROUNDS = 12;

interface ProjectInScope {
  project: ApiProject;
  ancestry: Ancestry;
  /** organizations/<id>, or projects/<id> for a project outside any organisation. */
  accountTarget: string;
  /** Set when the project cannot be read before any call (its ancestry is unknown). */
  failure?: string;
}

interface ProjectReading {
  bindings: readonly ApiBinding[];
  serviceAccounts: { account: ApiServiceAccount; keys: ApiKey[] }[];
  /** Its buckets' and datasets' own IAM, and what of it could not be read. */
  dataResources: PolicyAtNode[];
  /** Its service accounts' own IAM (projects/<p>/serviceAccounts/<email>): who may act as each. */
  serviceAccountPolicies: PolicyAtNode[];
  gaps: Gap[];
  /** Deny policies attached to the project itself. */
  denies: DenyReading;
}

/** Deny rules attached to one node, or why they could not be read. */
type DenyReading = { rules: DenyRuleAt[] } | { unreadable: string };

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** A project's access worked out before any target is written, with what its target must say. */
interface PreparedProject {
  access: ProjectAccess;
  warnings: string[];
}

export async function collectGcp(config: GcpConfig, ctx: CollectContext, injected?: GcpApi): Promise<void> {
  // One queue per GCP scan, sized by ctx.concurrency and halved on every RESOURCE_EXHAUSTED.
  const queue = new AdaptiveQueue(ctx.concurrency);
  const api = injected ?? (await createGcpApi(config, ctx.signal, () => queue.throttled()));
  try {
    await new GcpScan(config, ctx, api, queue).run();
  } finally {
    if (!injected) await api.close();
  }
}

class GcpScan {
  private readonly tree = new ResourceTree();
  /** Calls made outside any project (discovery, ancestors), reported on the organisation's target. */
  private readonly sharedCalls: GcpOperation[] = [];
  /** What discovery and role reading could not see, reported on the first target. */
  private readonly gaps: Gap[] = [];

  constructor(
    private readonly config: GcpConfig,
    private readonly ctx: CollectContext,
    private readonly api: GcpApi,
    private readonly queue: AdaptiveQueue,
  ) {}

  /** Every request goes through the queue: ctx.concurrency is requests in flight, not projects. */
  private limited<T>(work: () => Promise<T>): Promise<T> {
    return this.queue.add(() => {
      this.ctx.signal.throwIfAborted();
      return work();
    });
  }

  async run(): Promise<void> {
    const inScope = await this.discover();
    const ancestors = new Set<string>();
    if (this.config.organization) ancestors.add(`organizations/${this.config.organization}`);
    for (const p of inScope) if (!p.failure) for (const name of p.ancestry.names) ancestors.add(name);

    const shared: CallCounter = (op) => this.sharedCalls.push(op);
    const [ancestorPolicies, readings, ancestorDenies] = await Promise.all([
      settleAll([...ancestors].sort(), (name) => this.limited(() => this.api.getIamPolicy(name, shared))),
      settleAll(inScope, (p) => (p.failure ? Promise.reject(new Error(p.failure)) : this.readProject(p.project))),
      Promise.all([...ancestors].sort().map(async (name) => [name, await this.readDenies(name, shared)] as const)),
    ]);
    const denies = new Map<string, DenyReading>(ancestorDenies);
    for (const outcome of readings.values())
      if (outcome.ok) denies.set(outcome.value.node, outcome.value.reading.denies);
    const anyDeny = [...denies.values()].some((d) => 'rules' in d && d.rules.length > 0);
    const keysByMember = activeKeysByMember(readings, this.ctx.now);
    const [{ roles, rolePermissions }, groupMembers] = await Promise.all([
      this.readRoles(ancestorPolicies, readings, anyDeny),
      this.readGroups(ancestorPolicies, readings),
    ]);
    // Who holds each basic role on a project read here: what a convenience member on a bucket or
    // dataset (projectViewer:p) reaches. Worked out only for the few that need it, once each.
    const basicRoles = new Map<string, Map<ConvenienceKind, ConvenienceHolder[]> | undefined>();
    const holdersOf = (projectId: string) => {
      if (!basicRoles.has(projectId)) {
        const scoped = inScope.find((p) => p.project.projectId === projectId);
        const reading = scoped ? readings.get(scoped) : undefined;
        let holders: Map<ConvenienceKind, ConvenienceHolder[]> | undefined;
        if (scoped && reading?.ok) {
          try {
            const policies = this.policiesFor(scoped, reading.value.reading, ancestorPolicies);
            holders = basicRoleHolders(policies, this.ctx.now, groupMembers);
          } catch {
            // An ancestor's policy could not be read: that project fails on its own, and who holds
            // its basic roles is unknown here too.
          }
        }
        basicRoles.set(projectId, holders);
      }
      return basicRoles.get(projectId);
    };
    const accountsByTarget = new Map<string, Map<string, Account>>();
    const orgTargets = [...new Set(inScope.map((p) => p.accountTarget).filter((t) => t.startsWith('organizations/')))];
    if (this.config.organization) orgTargets.push(`organizations/${this.config.organization}`);
    const organizations = [...new Set(orgTargets)].sort();
    // Calls outside projects are counted on the first organisation, or on the first project when none.
    let pendingShared = organizations.length === 0;

    // Every project's access first: who can act as a service account is known only once every
    // project's bindings are (a binding on one project reaches its accounts, and they hold roles
    // everywhere). Errors wait for the project's own target to report them.
    const prepared = new Map<ProjectInScope, Outcome<PreparedProject>>();
    for (const scoped of inScope) {
      const reading = readings.get(scoped);
      if (!reading?.ok) continue;
      const warnings: string[] = [];
      try {
        const projectId = scoped.project.projectId;
        const policies = this.policiesFor(scoped, reading.value.reading, ancestorPolicies);
        const data = resolveConveniences(projectId, reading.value.reading.dataResources, holdersOf);
        const access = projectAccess({
          projectId,
          labels: labelSelectors(scoped.project.labels),
          policies,
          target: scoped.accountTarget,
          now: this.ctx.now,
          userManagedKeys: keysByMember,
          roles,
          groupMembers,
          dataResources: data.resources,
          serviceAccountPolicies: reading.value.reading.serviceAccountPolicies,
          conveniences: data.holders,
          viewerReadsData: data.viewerReadsData,
          deny: { rules: this.denyRulesFor(scoped, denies, (w) => warnings.push(w)), rolePermissions },
        });
        prepared.set(scoped, {
          ok: true,
          value: { access, warnings },
        });
      } catch (error) {
        prepared.set(scoped, { ok: false, error });
      }
    }
    const actingAs = this.actingAs(readings, prepared, rolePermissions);

    for (const scoped of inScope) {
      const reading = readings.get(scoped) ?? { ok: false, error: new Error('not read') };
      const projectId = scoped.project.projectId;
      const records = new Map<string, Account>();
      const ok = await this.ctx.runTarget(`projects/${projectId}`, async (out) => {
        if (pendingShared) {
          pendingShared = false;
          this.replayShared(out);
        }
        if (reading.ok) for (const op of reading.value.calls) out.call(op);
        else throw reading.error;
        for (const gap of reading.value.reading.gaps) out.gap(gap);
        const outcome = prepared.get(scoped) ?? { ok: false, error: new Error('not read') };
        // Emitted once: the scan need not hold every project's grants twice.
        prepared.delete(scoped);
        if (!outcome.ok) throw outcome.error;
        const { access, warnings } = outcome.value;
        for (const warning of warnings) out.warn(warning);
        const mirrored = actingAs.get(projectId) ?? [];
        const grants = mirrored.length > 0 ? [...access.grants, ...mirrored].sort(compareGrants) : access.grants;
        for (const grant of grants) out.grant(grant);
        for (const member of access.members)
          mergeAccount(records, memberAccount(member, scoped.accountTarget, access.deletedBindings.get(member.id)));
        const serviceAccounts = [...reading.value.reading.serviceAccounts].sort((a, b) =>
          compare(a.account.email, b.account.email),
        );
        for (const { account, keys } of serviceAccounts) {
          const active = keys.filter((k) => isKeyActive(k, this.ctx.now)).length;
          mergeAccount(records, serviceAccountRecord(account, projectId, scoped.accountTarget, active));
          const credentials = keys
            .map((k) => keyCredential(account.email, projectId, k, scoped.accountTarget, this.ctx.now))
            .sort((a, b) => compare(a.id, b.id));
          for (const credential of credentials) out.credential(credential);
        }
        // Outside an organisation the project is the account target: its accounts are its own.
        if (!scoped.accountTarget.startsWith('organizations/')) for (const a of sortedAccounts(records)) out.account(a);
      });
      if (ok && scoped.accountTarget.startsWith('organizations/')) {
        const merged = accountsByTarget.get(scoped.accountTarget) ?? new Map<string, Account>();
        for (const account of records.values()) mergeAccount(merged, account);
        accountsByTarget.set(scoped.accountTarget, merged);
      }
    }

    for (const [i, organization] of organizations.entries()) {
      await this.ctx.runTarget(organization, async (out) => {
        if (i === 0) this.replayShared(out);
        const policy = ancestorPolicies.get(organization);
        if (policy && !policy.ok) throw policy.error;
        for (const account of sortedAccounts(accountsByTarget.get(organization) ?? new Map())) out.account(account);
      });
    }
    // With no target at all the system fails as a whole; its gaps are why, so they are logged.
    if (organizations.length === 0 && inScope.length === 0)
      for (const g of this.gaps) this.ctx.log.warn(`gcp: ${g.kind}: ${g.detail}`);
  }

  /**
   * What acting as a service account gives (impersonation.ts): the grants each holder gets from
   * the accounts it can act as, by the project of each grant's resource, where they are emitted.
   */
  private actingAs(
    readings: Map<ProjectInScope, Outcome<{ reading: ProjectReading }>>,
    prepared: Map<ProjectInScope, Outcome<PreparedProject>>,
    rolePermissions: ReadonlyMap<string, readonly string[]>,
  ): Map<string, Grant[]> {
    const serviceAccounts: ServiceAccountNode[] = [];
    for (const [scoped, outcome] of readings) {
      if (!outcome.ok) continue;
      for (const { account } of outcome.value.reading.serviceAccounts)
        serviceAccounts.push({
          member: serviceAccountMember(account.email),
          projectId: scoped.project.projectId,
          disabled: account.disabled === true,
        });
    }
    const grants = function* () {
      for (const outcome of prepared.values()) if (outcome.ok) yield* outcome.value.access.grants;
    };
    const byProject = new Map<string, Grant[]>();
    for (const grant of impersonationGrants({ serviceAccounts, grants: grants(), rolePermissions })) {
      const projectId = grant.resource.split('/')[1] ?? '';
      const list = byProject.get(projectId) ?? [];
      list.push(grant);
      byProject.set(projectId, list);
    }
    return byProject;
  }

  private replayShared(out: TargetOutput): void {
    for (const op of this.sharedCalls) out.call(op);
    this.sharedCalls.length = 0;
    for (const g of this.gaps) out.gap(g);
    this.gaps.length = 0;
  }

  /** Search the tree, fill in folders search did not return, and keep the projects in scope. */
  private async discover(): Promise<ProjectInScope[]> {
    const count: CallCounter = (op) => this.sharedCalls.push(op);
    const [organizations, folders, projects] = await Promise.all([
      this.limited(() => this.api.searchOrganizations(count)),
      this.limited(() => this.api.searchFolders(count)),
      this.limited(() => this.api.searchProjects(count)),
    ]);
    for (const org of organizations) this.tree.addOrganization(org);
    for (const folder of folders) this.tree.addFolder(folder);

    const unreadable = new Map<string, string>();
    for (let round = 0; round < MAX_ANCESTRY_ROUNDS; round++) {
      const missing = new Set<string>();
      for (const p of projects) {
        const m = this.tree.ancestry(p.parent).missing;
        if (m?.startsWith('folders/') && !unreadable.has(m)) missing.add(m);
      }
      if (missing.size === 0) break;
      await Promise.all(
        [...missing].sort().map(async (name) => {
          try {
            this.tree.addFolder(await this.limited(() => this.api.getFolder(name, count)));
          } catch (e) {
            unreadable.set(name, e instanceof Error ? e.message : String(e));
          }
        }),
      );
    }

    const byId = new Map<string, ProjectInScope>();
    for (const project of projects) {
      const ancestry = this.tree.ancestry(project.parent);
      const org = rootOrganization(ancestry);
      const accountTarget = org ?? `projects/${project.projectId}`;
      if (ancestry.missing) {
        // Without every ancestor we cannot know what the project inherits, nor always whether it is in scope.
        const why = unreadable.get(ancestry.missing) ?? 'not found';
        const reason = `cannot read ${ancestry.missing}, an ancestor of projects/${project.projectId}, so its inherited access is unknown: ${why}`;
        if (matchesProjectGlob(project.projectId, this.config.projects))
          byId.set(project.projectId, { project, ancestry, accountTarget, failure: reason });
        else
          this.gaps.push({ kind: 'gcp.folder-unreadable', detail: `skipped projects/${project.projectId}: ${reason}` });
        continue;
      }
      if (projectScope(project, ancestry, this.config) === 'in')
        byId.set(project.projectId, { project, ancestry, accountTarget });
    }
    return [...byId.values()].sort((a, b) => compare(a.project.projectId, b.project.projectId));
  }

  /**
   * Roles the table does not know (custom roles, new predefined ones) are read, and judged by
   * their permissions. A role that cannot be read is a gap: what it allows is unknown. When a
   * deny policy exists, every bound role is read: a deny takes permissions away, so what a role
   * holds must be known to tell what is left (one that cannot be read keeps its access whole).
   */
  private async readRoles(
    ancestorPolicies: Map<string, Outcome<{ bindings?: readonly ApiBinding[] | null }>>,
    readings: Map<ProjectInScope, Outcome<{ reading: ProjectReading }>>,
    everyRole: boolean,
  ): Promise<{ roles: Map<string, RoleFacts>; rolePermissions: Map<string, readonly string[]> }> {
    const wanted = new Set<string>();
    for (const b of everyBinding(ancestorPolicies, readings)) if (everyRole || !roleEntry(b.role)) wanted.add(b.role);
    const count: CallCounter = (op) => this.sharedCalls.push(op);
    const facts = await settleAll([...wanted].sort(), (name) => this.limited(() => this.api.getRole(name, count)));
    const roles = new Map<string, RoleFacts>();
    const rolePermissions = new Map<string, readonly string[]>();
    for (const [name, outcome] of facts) {
      const known = roleEntry(name) !== undefined;
      if (!outcome.ok) {
        if (!known)
          this.gaps.push({
            kind: 'gcp.custom-role-unreadable',
            detail: `could not read the definition of ${name}, so what it allows is unknown: ${describe(outcome.error)}`,
          });
        continue;
      }
      const permissions = outcome.value.includedPermissions ?? [];
      rolePermissions.set(name, permissions);
      if (known) continue;
      // Judged by what it allows, never by its name: a "viewer" with setIamPolicy administers.
      const role: RoleFacts = { permissionCount: permissions.length, ...classifyPermissions(permissions) };
      if (outcome.value.title) role.title = outcome.value.title;
      roles.set(name, role);
    }
    return { roles, rolePermissions };
  }

  /** Deny policies attached to a node, with their rules; refused ones are said, not guessed. */
  private async readDenies(node: string, count: CallCounter): Promise<DenyReading> {
    try {
      const names = await this.limited(() => this.api.listDenyPolicies(node, count));
      const policies = await Promise.all(names.map((name) => this.limited(() => this.api.getDenyPolicy(name, count))));
      policies.sort((a, b) => compare(a.name, b.name));
      const label = node.startsWith('projects/') ? node : this.tree.label(node);
      const rules = policies.flatMap((p) =>
        (p.rules ?? []).flatMap((r) =>
          r.denyRule
            ? [
                {
                  policy: p.displayName || p.name.slice(p.name.lastIndexOf('/') + 1),
                  attachedTo: label,
                  rule: r.denyRule,
                },
              ]
            : [],
        ),
      );
      return { rules };
    } catch (e) {
      this.ctx.signal.throwIfAborted();
      // Refused is said and the grants stand as IAM gives them (denies only narrow). Anything
      // else (an answer that is not JSON, a server still failing after its retries) fails the
      // read: a scan that met it must not call itself complete.
      if (!isRefused(e)) throw e;
      return { unreadable: describe(e) };
    }
  }

  /**
   * The deny rules over a project: its own and its ancestors'. Denies only narrow, so one that
   * could not be read leaves access as IAM grants it, and the project's target says so.
   */
  private denyRulesFor(
    scoped: ProjectInScope,
    denies: Map<string, DenyReading>,
    warn: (message: string) => void,
  ): DenyRuleAt[] {
    const rules: DenyRuleAt[] = [];
    for (const node of [`projects/${scoped.project.projectId}`, ...scoped.ancestry.names]) {
      const reading = denies.get(node);
      if (!reading) continue;
      if ('rules' in reading) rules.push(...reading.rules);
      else
        warn(
          `the deny policies on ${node.startsWith('projects/') ? node : this.tree.label(node)} could not be read, so access below it is shown as IAM grants it, before any deny: ${reading.unreadable}`,
        );
    }
    return rules;
  }

  /**
   * The members of every Google group a binding names, nested groups walked by Cloud Identity:
   * a contractor in eng@ holding prod editor holds it themselves. A group whose members cannot be
   * read keeps its grants as the group's, and the scan names the gap.
   */
  private async readGroups(
    ancestorPolicies: Map<string, Outcome<{ bindings?: readonly ApiBinding[] | null }>>,
    readings: Map<ProjectInScope, Outcome<{ reading: ProjectReading }>>,
  ): Promise<Map<string, GroupMember[]>> {
    const groups = new Set<string>();
    for (const b of everyBinding(ancestorPolicies, readings))
      for (const m of b.members ?? []) if (m.startsWith('group:')) groups.add(m);
    const count: CallCounter = (op) => this.sharedCalls.push(op);
    const read = await settleAll([...groups].sort(), async (member) => {
      const name = await this.limited(() => this.api.lookupGroup(member.slice('group:'.length), count));
      return this.limited(() => this.api.transitiveMembers(name, count));
    });
    const out = new Map<string, GroupMember[]>();
    for (const [group, outcome] of read) {
      if (!outcome.ok) {
        this.gaps.push({
          kind: 'gcp.group-members',
          detail: `the members of ${group} could not be read, so its grants are judged as the group's, not its members': ${describe(outcome.error)}`,
        });
        continue;
      }
      const byMember = new Map<string, GroupMember>();
      for (const m of outcome.value) {
        // A nested group's members are listed too: the group itself holds nothing of its own.
        if (m.member?.startsWith('groups/')) continue;
        const member = memberString(m.preferredMemberKey[0]!.id);
        const before = byMember.get(member)?.membership;
        const membership = relation(m.relationType);
        byMember.set(member, { member, membership: before && before !== membership ? 'both' : membership });
      }
      out.set(
        group,
        [...byMember.values()].sort((a, b) => compare(a.member, b.member)),
      );
    }
    return out;
  }

  private async readProject(
    project: ApiProject,
  ): Promise<{ reading: ProjectReading; calls: GcpOperation[]; node: string }> {
    const calls: GcpOperation[] = [];
    const count: CallCounter = (op) => calls.push(op);
    const node = `projects/${project.projectId}`;
    const [policy, accounts, buckets, datasets, denies] = await Promise.all([
      this.limited(() => this.api.getIamPolicy(project.name, count, `projects/${project.projectId}`)),
      this.limited(() => this.api.listServiceAccounts(project.projectId, count)),
      this.readDataResources(project, BUCKETS, count),
      this.readDataResources(project, DATASETS, count),
      this.readDenies(node, count),
    ]);
    const [serviceAccounts, accountPolicies] = await Promise.all([
      Promise.all(
        accounts.map(async (account) => ({
          account,
          keys: await this.limited(() => this.api.listUserManagedKeys(project.projectId, account.email, count)),
        })),
      ),
      this.readServiceAccountPolicies(project.projectId, accounts, count),
    ]);
    // Calls finish in any order; sorted, the counts (and the inventory) do not depend on timing.
    calls.sort();
    const dataResources = [...buckets.policies, ...datasets.policies];
    const gaps = [...buckets.gaps, ...datasets.gaps, ...accountPolicies.gaps];
    return {
      reading: {
        bindings: policy.bindings ?? [],
        serviceAccounts,
        dataResources,
        serviceAccountPolicies: accountPolicies.policies,
        gaps,
        denies,
      },
      calls,
      node,
    };
  }

  /**
   * Each service account's own IAM policy: who may act as that account alone, beside whoever the
   * project's bindings let act as all of them. Refused (403) is a gap naming the project and how
   * many: who can act as them is unknown, never assumed to be nobody. One deleted since the list
   * (404) holds nothing. Any other failure, after the retries, fails the project.
   */
  private async readServiceAccountPolicies(
    projectId: string,
    accounts: readonly ApiServiceAccount[],
    count: CallCounter,
  ): Promise<{ policies: PolicyAtNode[]; gaps: Gap[] }> {
    const refused = new Map<string, string>();
    const policies: PolicyAtNode[] = [];
    await Promise.all(
      accounts.map(async (account) => {
        try {
          const policy = await this.limited(() => this.api.getServiceAccountIamPolicy(projectId, account.email, count));
          const name = `projects/${projectId}/serviceAccounts/${account.email}`;
          policies.push({ name, label: name, bindings: policy.bindings ?? [] });
        } catch (e) {
          if (e instanceof GcpApiError && e.status === 404) return;
          if (!isRefused(e)) throw e;
          refused.set(account.email, describe(e));
        }
      }),
    );
    policies.sort((a, b) => compare(a.name, b.name));
    const why = refused.get([...refused.keys()].sort(compare)[0] ?? '') ?? '';
    const n = refused.size;
    const gaps: Gap[] =
      n > 0
        ? [
            {
              kind: 'gcp.service-account-policies',
              detail: `the IAM policy of ${n} service account${n === 1 ? '' : 's'} in projects/${projectId} could not be read, so who can act as ${n === 1 ? 'it' : 'them'} through ${n === 1 ? 'its' : 'their'} own policy is unknown (the project's bindings are still followed): ${why}`,
              count: n,
            },
          ]
        : [];
    return { policies, gaps };
  }

  /**
   * Every bucket (or dataset) of the project, then each one's IAM. Refused (403) is a gap naming
   * the project and how many could not be read: their grants are unknown, never assumed absent.
   * One deleted between the list and the read (404) holds nothing, nor does a project where the
   * API is turned off. Any other failure, after the retries, fails the project.
   */
  private async readDataResources(
    project: ApiProject,
    reads: DataResourceReads,
    count: CallCounter,
  ): Promise<{ policies: PolicyAtNode[]; gaps: Gap[] }> {
    const projectId = project.projectId;
    let ids: string[];
    try {
      ids = await this.limited(() => reads.list(this.api, projectId, count));
    } catch (e) {
      if (isTurnedOffIn(e, project)) return { policies: [], gaps: [] };
      if (!isRefused(e)) throw e;
      return { policies: [], gaps: [{ kind: reads.gap, detail: reads.listRefused(projectId, describe(e)) }] };
    }
    const refused = new Map<string, string>();
    const policies: PolicyAtNode[] = [];
    await Promise.all(
      ids.map(async (id) => {
        try {
          policies.push(await this.limited(() => reads.policy(this.api, projectId, id, count)));
        } catch (e) {
          if (e instanceof GcpApiError && e.status === 404) return;
          if (!isRefused(e)) throw e;
          refused.set(id, describe(e));
        }
      }),
    );
    policies.sort((a, b) => compare(a.name, b.name));
    // The first refusal by name, not by arrival: the same answers give the same words.
    const why = refused.get([...refused.keys()].sort(compare)[0] ?? '') ?? '';
    const gaps: Gap[] =
      refused.size > 0
        ? [{ kind: reads.gap, detail: reads.someRefused(projectId, refused.size, why), count: refused.size }]
        : [];
    return { policies, gaps };
  }

  /** The project's own policy, then every ancestor's, nearest first; throws when one is unreadable. */
  private policiesFor(
    scoped: ProjectInScope,
    reading: ProjectReading,
    ancestorPolicies: Map<string, Outcome<{ bindings?: readonly ApiBinding[] | null }>>,
  ): PolicyAtNode[] {
    const policies: PolicyAtNode[] = [
      {
        name: `projects/${scoped.project.projectId}`,
        label: `projects/${scoped.project.projectId}`,
        bindings: reading.bindings,
      },
    ];
    for (const name of scoped.ancestry.names) {
      const outcome = ancestorPolicies.get(name) ?? { ok: false, error: new Error('not read') };
      if (!outcome.ok) {
        const why = describe(outcome.error);
        throw new Error(
          `cannot read the IAM policy of ${this.tree.label(name)}, which projects/${scoped.project.projectId} inherits: ${why}`,
        );
      }
      policies.push({ name, label: this.tree.label(name), bindings: outcome.value.bindings ?? [] });
    }
    return policies;
  }
}

async function settleAll<K, T>(keys: K[], work: (key: K) => Promise<T>): Promise<Map<K, Outcome<T>>> {
  const outcomes = await Promise.all(
    keys.map(async (key): Promise<[K, Outcome<T>]> => {
      try {
        return [key, { ok: true, value: await work(key) }];
      } catch (error) {
        return [key, { ok: false, error }];
      }
    }),
  );
  return new Map(outcomes);
}

function activeKeysByMember(
  readings: Map<ProjectInScope, Outcome<{ reading: ProjectReading }>>,
  now: Date,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const outcome of readings.values()) {
    if (!outcome.ok) continue;
    for (const { account, keys } of outcome.value.reading.serviceAccounts)
      out.set(serviceAccountMember(account.email), keys.filter((k) => isKeyActive(k, now)).length);
  }
  return out;
}

/** How one kind of data resource is listed, read and named when it cannot be. */
interface DataResourceReads {
  gap: string;
  list(api: GcpApi, projectId: string, count: CallCounter): Promise<string[]>;
  policy(api: GcpApi, projectId: string, id: string, count: CallCounter): Promise<PolicyAtNode>;
  listRefused(projectId: string, why: string): string;
  someRefused(projectId: string, count: number, why: string): string;
}

const BUCKETS: DataResourceReads = {
  gap: 'gcp.bucket-policies',
  list: (api, projectId, count) => api.listBuckets(projectId, count),
  policy: async (api, projectId, bucket, count) =>
    bucketPolicy(projectId, bucket, await api.getBucketIamPolicy(bucket, count)),
  listRefused: (projectId, why) =>
    `the Cloud Storage buckets of projects/${projectId} could not be listed, so who reads them through a bucket's own IAM is unknown: ${why}`,
  someRefused: (projectId, n, why) =>
    `the IAM policy of ${n} bucket${n === 1 ? '' : 's'} in projects/${projectId} could not be read, so who reads ${n === 1 ? 'it' : 'them'} is unknown: ${why}`,
};

const DATASETS: DataResourceReads = {
  gap: 'gcp.dataset-access',
  list: (api, projectId, count) => api.listDatasets(projectId, count),
  policy: async (api, projectId, dataset, count) =>
    datasetPolicy(projectId, dataset, await api.getDatasetAccess(projectId, dataset, count)),
  listRefused: (projectId, why) =>
    `the BigQuery datasets of projects/${projectId} could not be listed, so who reads them through a dataset's own access list is unknown: ${why}`,
  someRefused: (projectId, n, why) =>
    `the access list of ${n} dataset${n === 1 ? '' : 's'} in projects/${projectId} could not be read, so who reads ${n === 1 ? 'it' : 'them'} is unknown: ${why}`,
};

/** PERMISSION_DENIED, or an API turned off in the scanner's own project (Google answers both 403). */
function isRefused(e: unknown): boolean {
  return e instanceof GcpApiError && e.status === 403;
}

/**
 * Google's 403 for an API that is off names the project whose setting refused it. When that is
 * the scanned project itself, it holds no buckets or datasets anyone can reach; when it is the
 * scanner's own (the quota project), nothing was read and it stays a gap.
 */
function isTurnedOffIn(e: unknown, project: ApiProject): boolean {
  if (!isRefused(e)) return false;
  const off = /has not been used in project (\S+?) before or it is disabled/.exec((e as GcpApiError).reason);
  return off !== null && (`projects/${off[1]}` === project.name || off[1] === project.projectId);
}

function memberAccount(member: ParsedMember, target: string, deletedBindings: string[] | undefined): Account {
  const account: Account = {
    system: 'gcp',
    target,
    id: member.id,
    login: member.login,
    emails: member.emails,
    kind: member.kind,
    status: member.status,
    attributes: { memberType: member.type },
  };
  // A whole email domain: the pipeline tells the company's own from anyone else's.
  if (member.type === 'domain') account.domain = member.login.toLowerCase();
  if (member.type === 'serviceAccount' && account.attributes)
    account.attributes.googleManaged = isGoogleManaged(member.login);
  if (deletedBindings && account.attributes) account.attributes.boundRoles = deletedBindings;
  return account;
}

/** One account per member across projects: a service account's own listing wins over a bare member string. */
function mergeAccount(into: Map<string, Account>, account: Account): void {
  const existing = into.get(account.id);
  if (!existing) {
    into.set(account.id, account);
    return;
  }
  const listed = (a: Account) => typeof a.attributes?.project === 'string';
  const base = listed(account) && !listed(existing) ? account : existing;
  const other = base === account ? existing : account;
  const boundRoles = [
    ...new Set([...stringList(base.attributes?.boundRoles), ...stringList(other.attributes?.boundRoles)]),
  ].sort();
  const merged: Account = { ...base, attributes: { ...other.attributes, ...base.attributes } };
  if (boundRoles.length > 0 && merged.attributes) merged.attributes.boundRoles = boundRoles;
  into.set(account.id, merged);
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function sortedAccounts(accounts: Map<string, Account>): Account[] {
  return [...accounts.values()].sort((a, b) => compare(a.id, b.id));
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Cloud Identity's relationType: DIRECT, INDIRECT, or DIRECT_AND_INDIRECT for a member who is in
 * the group itself and through a nested group. One it does not name is taken as both, so the fix
 * names every path and access cannot outlive it.
 */
function relation(relationType: string | undefined): GroupMembership {
  if (relationType === 'DIRECT') return 'direct';
  if (relationType === 'INDIRECT') return 'nested';
  return 'both';
}
