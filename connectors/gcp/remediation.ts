// Taking GCP access away with gcloud: remove a role binding where it was granted (project,
// folder or organisation, with its condition), disable service-account keys, take a member out
// of a group. Values are passed as --name=value; ids given positionally are checked first.
import type { Account, Credential, Grant } from '../../src/core/model.js';
import type {
  AccountRecords,
  ConnectorOffboarding,
  ConnectorRemediation,
  Remediation,
} from '../../src/core/remediation.js';
import { command, option, pipeline } from '../../src/core/shell.js';
import { CONVENIENCE_ROLE, DATASET_SPECIAL_GROUP, describeConvenience, parseConvenience } from './convenience.js';
import { type DataResourceKind, parseDataResource } from './data-resources.js';

interface Node {
  kind: 'projects' | 'folders' | 'organizations';
  id: string;
}

/** "projects/x", "folders/123", "folders/123 (prod)" → the node a binding lives on. */
function parseNode(name: string | undefined): Node | undefined {
  const m = /^(projects|folders|organizations)\/([^\s/]+)/.exec(name ?? '');
  if (!m) return undefined;
  return { kind: m[1] as Node['kind'], id: m[2]! };
}

/** Where the binding behind a grant lives: what collect() recorded, else the inherited-from label, else the project. */
function bindingNode(grant: Grant): Node | undefined {
  const grantedOn = grant.attributes?.grantedOn;
  return (
    parseNode(typeof grantedOn === 'string' ? grantedOn : undefined) ??
    (grant.via === 'inherited' ? parseNode(grant.viaName) : undefined) ??
    parseNode(grant.resource)
  );
}

/** Ids gcloud takes positionally: project ids, folder and organisation numbers. Never an option. */
function positionalOk(id: string): boolean {
  return /^[a-z0-9][a-z0-9.:-]*$/i.test(id);
}

function gcloudGroup(node: Node): string[] {
  switch (node.kind) {
    case 'projects':
      return ['projects'];
    case 'folders':
      return ['resource-manager', 'folders'];
    case 'organizations':
      return ['organizations'];
  }
}

/**
 * gcloud reads --condition as key=value pairs split on ",". When a value holds a comma, its
 * escaping syntax (`gcloud topic escaping`) names another delimiter: ^;^expression=…;title=….
 */
function conditionArgument(fields: [string, string][]): string | undefined {
  const text = fields.map(([, v]) => v).join('');
  const delimiters = [',', ';', '|', '#', '~', '@', '%', '!'];
  const delimiter = delimiters.find((d) => !text.includes(d));
  if (!delimiter) return undefined;
  const body = fields.map(([k, v]) => `${k}=${v}`).join(delimiter);
  return delimiter === ',' ? body : `^${delimiter}^${body}`;
}

function removeBinding(grant: Grant): Remediation {
  if (Array.isArray(grant.attributes?.actAsBindings)) return removeActingAs(grant, grant.attributes.actAsBindings);
  // Held through a Google group: leaving the group removes it (the group's binding may serve others).
  if (grant.via === 'group' && grant.viaName?.startsWith('group:')) {
    const member = grant.account.replace(/^(user|serviceAccount):/, '');
    const group = grant.viaName.slice('group:'.length);
    const nestedPath = `remove them from that group (gcloud identity groups memberships get-membership-graph --member-email=${member} --group-email=${group} shows which), or remove the nested group from ${group}`;
    if (grant.attributes?.groupMembership === 'nested') {
      return {
        steps: [
          `${member} is in ${group} through a group nested in it: ${nestedPath}. ${group} holds ${grant.permission} on ${String(grant.attributes?.grantedOn ?? grant.resource)}.`,
        ],
        commands: [],
      };
    }
    const plan = removeFromGroupEmail(group, member);
    // In the group itself and through a nested one: either removal alone leaves the access.
    if (grant.attributes?.groupMembership === 'both') {
      return {
        steps: [
          `${member} is in ${group} itself and through a group nested in it: both must go. ${plan.steps[0]} Then ${nestedPath}. ${group} holds ${grant.permission} on ${String(grant.attributes?.grantedOn ?? grant.resource)}; if nobody in it should, remove the group's binding instead.`,
        ],
        commands: plan.commands,
      };
    }
    return {
      steps: [
        `${plan.steps[0]} The group holds ${grant.permission} on ${String(grant.attributes?.grantedOn ?? grant.resource)}; if nobody in it should, remove the group's binding instead.`,
      ],
      commands: plan.commands,
    };
  }
  const data = parseDataResource(
    typeof grant.attributes?.grantedOn === 'string' ? grant.attributes.grantedOn : undefined,
  );
  const convenience = parseConvenience(String(grant.attributes?.throughConvenience ?? ''));
  if (data && convenience) return removeThroughConvenience(grant, data, convenience);
  if (data) return removeDataBinding(grant, data);
  const account = parseServiceAccountResource(
    typeof grant.attributes?.grantedOn === 'string' ? grant.attributes.grantedOn : grant.resource,
  );
  if (account) return removeServiceAccountBinding(grant, account);
  const node = bindingNode(grant);
  const where =
    grant.via === 'inherited' ? `${grant.viaName ?? node?.id} (inherited by ${grant.resource})` : grant.resource;
  const steps = [`Remove the binding of ${grant.permission} for ${grant.account} on ${where}.`];
  if (!node || !positionalOk(node.id) || grant.account.startsWith('deleted:')) {
    steps.push('Use the console: IAM & Admin › IAM on that resource, then edit the principal.');
    return { steps, commands: [] };
  }
  const args = [
    'gcloud',
    ...gcloudGroup(node),
    'remove-iam-policy-binding',
    node.id,
    option('--member', grant.account),
    option('--role', grant.permission),
  ];
  return removeWithCondition(grant, args, steps);
}

/**
 * A remove-iam-policy-binding command for the binding behind a grant: with its condition when it
 * has one gcloud can be given, else --all (every binding of that role for that member there).
 */
function removeWithCondition(grant: Grant, args: readonly string[], steps: string[]): Remediation {
  const attrs = grant.attributes ?? {};
  if (typeof attrs.condition === 'string') {
    const fields: [string, string][] = [['expression', attrs.condition]];
    if (typeof attrs.conditionTitle === 'string') fields.push(['title', attrs.conditionTitle]);
    if (typeof attrs.conditionDescription === 'string') fields.push(['description', attrs.conditionDescription]);
    const condition = conditionArgument(fields);
    if (condition) {
      steps.push(
        'gcloud removes only the binding whose condition matches exactly; if it reports no match (a description differs), use --all to remove every binding of this role for this member there.',
      );
      return { steps, commands: [command(...args, option('--condition', condition))] };
    }
  }
  return { steps, commands: [command(...args, '--all')] };
}

/** projects/<p>/serviceAccounts/<email>: a binding in a service account's own IAM policy. */
function parseServiceAccountResource(name: string | undefined): { projectId: string; email: string } | undefined {
  const m = /^projects\/([^/]+)\/serviceAccounts\/([^/]+@[^/]+)$/.exec(name ?? '');
  return m ? { projectId: m[1]!, email: m[2]! } : undefined;
}

/** A binding in a service account's own policy goes with gcloud iam service-accounts. */
function removeServiceAccountBinding(grant: Grant, account: { projectId: string; email: string }): Remediation {
  const steps = [
    `Remove the binding of ${grant.permission} for ${grant.account} on the service account ${account.email} (project ${account.projectId}).`,
  ];
  if (!positionalOk(account.projectId) || grant.account.startsWith('deleted:')) {
    steps.push('Use the console: IAM & Admin › Service accounts › the account › Permissions, then edit the principal.');
    return { steps, commands: [] };
  }
  const args = [
    'gcloud',
    'iam',
    'service-accounts',
    'remove-iam-policy-binding',
    account.email,
    option('--project', account.projectId),
    option('--member', grant.account),
    option('--role', grant.permission),
  ];
  return removeWithCondition(grant, args, steps);
}

/**
 * Held by acting as a service account (impersonation.ts): the access is the account's, and it
 * serves the account's own work, so what is cut is what lets the holder act as the first account
 * of the path: every binding that does, each removed where it lives.
 */
function removeActingAs(grant: Grant, records: readonly string[]): Remediation {
  const path = Array.isArray(grant.attributes?.actsAs) ? grant.attributes.actsAs : [grant.viaName ?? ''];
  const first = path[0] ?? grant.viaName ?? '';
  const bindings: Grant[] = [];
  for (const record of records) {
    try {
      const b = JSON.parse(record) as Pick<
        Grant,
        'account' | 'resource' | 'permission' | 'via' | 'viaName' | 'attributes'
      >;
      bindings.push({ ...b, system: 'gcp', target: grant.target, lanes: [], level: 'read' });
    } catch {
      // An inventory edited by hand: the step below still names the account to act on.
    }
  }
  const plans = bindings.map((b) => removeBinding(b));
  const through = path.length > 1 ? `, and through it ${path.slice(1).join(' then ')},` : '';
  return {
    steps: [
      `${grant.account} holds ${grant.permission} on ${grant.resource} by acting as ${first}${through} which holds it. Remove what lets ${grant.account} act as ${first}${bindings.length > 1 ? ` (all ${bindings.length} bindings)` : ''}; the service account keeps its own access.`,
      ...plans.flatMap((p) => p.steps),
    ],
    commands: [...new Set(plans.flatMap((p) => p.commands))],
  };
}

/**
 * Held as one of a project's basic-role holders (projectViewer:p on a bucket): the convenience
 * member's binding on the resource serves all of them, the basic role serves much else.
 */
function removeThroughConvenience(
  grant: Grant,
  data: { projectId: string; kind: DataResourceKind; id: string },
  convenience: NonNullable<ReturnType<typeof parseConvenience>>,
): Remediation {
  const member = `${convenience.kind}:${convenience.projectId}`;
  const basicRole = CONVENIENCE_ROLE[convenience.kind];
  const basicOn = String(grant.attributes?.basicRoleOn ?? `projects/${convenience.projectId}`);
  const entry = data.kind === 'datasets' ? `specialGroup:${DATASET_SPECIAL_GROUP[convenience.kind]}` : member;
  const plan = removeDataBinding({ ...grant, account: entry }, data);
  return {
    steps: [
      `${grant.account} holds this as one of ${describeConvenience(member)} (${member}), through ${basicRole} on ${basicOn}. If none of them should hold ${grant.permission} there:`,
      ...plan.steps,
      `If only ${grant.account} should not, take ${basicRole} on ${basicOn} away from them instead.`,
    ],
    commands: plan.commands,
  };
}

/**
 * A bucket's binding goes with gcloud storage; a dataset's access entry is edited in the dataset's
 * own description (bq has no command that removes one entry).
 */
function removeDataBinding(grant: Grant, data: { projectId: string; kind: DataResourceKind; id: string }): Remediation {
  const where = data.kind === 'buckets' ? `the bucket gs://${data.id}` : `the dataset ${data.projectId}:${data.id}`;
  const steps = [
    `Remove the binding of ${grant.permission} for ${grant.account} on ${where} (project ${data.projectId}).`,
  ];
  if (data.kind === 'datasets') {
    const dataset = `${data.projectId}:${data.id}`;
    steps.push(
      `Write the dataset's description to a file, delete the access entry for ${grant.account.replace(/^[a-zA-Z]+:/, '')} with the role ${grant.permission} (written READER, WRITER or OWNER for the basic roles), and update the dataset from the file.`,
    );
    return {
      steps,
      commands: [
        `${command('bq', 'show', '--format=prettyjson', dataset)} > dataset.json`,
        command('bq', 'update', '--source', 'dataset.json', dataset),
      ],
    };
  }
  const args = [
    'gcloud',
    'storage',
    'buckets',
    'remove-iam-policy-binding',
    `gs://${data.id}`,
    option('--member', grant.account),
    option('--role', grant.permission),
  ];
  return removeWithCondition(grant, args, steps);
}

function serviceAccountEmail(member: string): string | undefined {
  const m = /^serviceAccount:(.+)$/.exec(member);
  return m?.[1];
}

function projectOf(credential: Credential): string | undefined {
  const project = credential.attributes?.project;
  return typeof project === 'string' ? parseNode(project)?.id : undefined;
}

/** Key ids are shortened in the inventory (first 8 … last 4); gcloud finds the key again by its ends. */
function keyCommands(verb: 'disable' | 'delete', credential: Credential): string[] {
  const email = serviceAccountEmail(credential.account);
  const project = projectOf(credential);
  if (!email) return [];
  const scope = [option('--iam-account', email), ...(project ? [option('--project', project)] : [])];
  const extra = verb === 'delete' ? ['--quiet'] : [];
  if (/^[0-9a-f]+$/i.test(credential.id)) {
    return [command('gcloud', 'iam', 'service-accounts', 'keys', verb, credential.id, ...scope, ...extra)];
  }
  const m = /^([0-9a-f]+)…([0-9a-f]+)$/i.exec(credential.id);
  if (!m) return [];
  return [
    pipeline(
      command(
        'gcloud',
        'iam',
        'service-accounts',
        'keys',
        'list',
        ...scope,
        '--managed-by=user',
        option('--filter', `name~/keys/${m[1]}[0-9a-f]*${m[2]}$`),
        '--format=value(name.basename())',
      ),
      command('xargs', '-r', '-n1', 'gcloud', 'iam', 'service-accounts', 'keys', verb, ...scope, ...extra),
    ),
  ];
}

function revokeCredential(credential: Credential): Remediation {
  if (credential.kind !== 'sa-key') {
    return { steps: [`Revoke ${credential.kind} ${credential.id} of ${credential.account}.`], commands: [] };
  }
  const email = serviceAccountEmail(credential.account) ?? credential.account;
  return {
    steps: [
      `Disable the key ${credential.id} of ${email}; once nothing breaks, delete it (whoever copied the key file holds the service account until then).`,
    ],
    commands: [...keyCommands('disable', credential), ...keyCommands('delete', credential)],
  };
}

/** A service-account key disabled, not deleted: it can be enabled again. */
function disableCredential(credential: Credential): Remediation {
  if (credential.kind !== 'sa-key') return revokeCredential(credential);
  const email = serviceAccountEmail(credential.account) ?? credential.account;
  return {
    steps: [`Disable the key ${credential.id} of ${email} until its owner confirms it (it can be enabled again).`],
    commands: keyCommands('disable', credential),
  };
}

function rotateCredential(credential: Credential): Remediation {
  const revoke = revokeCredential(credential);
  const email = serviceAccountEmail(credential.account);
  const project = projectOf(credential);
  if (credential.kind !== 'sa-key' || !email) return revoke;
  return {
    steps: [
      `Create a new key for ${email} (better: workload identity, no key at all), deploy it where the old one is used, then disable the old one.`,
      ...revoke.steps,
    ],
    commands: [
      command(
        'gcloud',
        'iam',
        'service-accounts',
        'keys',
        'create',
        `${email.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`,
        option('--iam-account', email),
        ...(project ? [option('--project', project)] : []),
      ),
      ...revoke.commands,
    ],
  };
}

function removeAccount(account: Account, records: AccountRecords): Remediation {
  const plans: Remediation[] = [];
  // One binding may reach several projects (a folder's): remove it once.
  const seen = new Set<string>();
  for (const g of records.grants) {
    // Everything held by acting as one service account goes with the same bindings.
    const actAs = g.attributes?.actAsBindings;
    const key = actAs
      ? JSON.stringify(['act-as', actAs])
      : JSON.stringify([g.attributes?.grantedOn ?? bindingNode(g), g.permission, g.attributes?.condition ?? '']);
    if (seen.has(key)) continue;
    seen.add(key);
    plans.push(removeBinding(g));
  }
  const email = serviceAccountEmail(account.id);
  if (email) {
    for (const c of records.credentials) plans.push(revokeCredential(c));
    const project =
      typeof account.attributes?.project === 'string' ? parseNode(account.attributes.project)?.id : undefined;
    plans.push({
      steps: [`Disable the service account ${email}, and delete it once nothing depends on it.`],
      commands: [
        command(
          'gcloud',
          'iam',
          'service-accounts',
          'disable',
          email,
          ...(project ? [option('--project', project)] : []),
        ),
      ],
    });
  } else if (account.kind === 'human') {
    plans.push({
      steps: [
        `If ${account.login} is an account of your own domain, suspend it in the Google Admin console (Directory › Users); otherwise the bindings above are all it holds here.`,
      ],
      commands: [],
    });
  }
  return {
    steps: [...new Set(plans.flatMap((p) => p.steps))],
    commands: [...new Set(plans.flatMap((p) => p.commands))],
  };
}

function removeFromGroup(group: Account, member: string): Remediation {
  return removeFromGroupEmail(group.emails[0] ?? group.login, member);
}

function removeFromGroupEmail(groupEmail: string, member: string): Remediation {
  return {
    steps: [`Remove ${member} from the group ${groupEmail} (Google Admin console › Groups, or Cloud Identity).`],
    commands: [
      command(
        'gcloud',
        'identity',
        'groups',
        'memberships',
        'delete',
        option('--group-email', groupEmail),
        option('--member-email', member),
      ),
    ],
  };
}

/** Roles that let their holder act as (or mint tokens for) the project's service accounts. */
const ACTS_AS_SERVICE_ACCOUNTS = new Set([
  'roles/owner',
  'roles/editor',
  'roles/iam.serviceAccountUser',
  'roles/iam.serviceAccountTokenCreator',
  'roles/iam.workloadIdentityUser',
  'roles/iam.serviceAccountKeyAdmin',
  'roles/iam.serviceAccountAdmin',
]);

function usesCredential(grant: Grant, credential: Credential): boolean {
  if (credential.kind !== 'sa-key' || !ACTS_AS_SERVICE_ACCOUNTS.has(grant.permission)) return false;
  // A binding in one service account's own policy reaches that account's keys alone.
  const account = parseServiceAccountResource(grant.resource);
  if (account) return credential.account === `serviceAccount:${account.email}`;
  const project = credential.resource ?? credential.attributes?.project;
  return typeof project === 'string' && project === grant.resource;
}

export const remediation = {
  revokeGrant: removeBinding,
  removeAccount,
  revokeCredential,
  disableCredential,
  rotateCredential,
  removeFromGroup,
} satisfies ConnectorRemediation;

export const offboarding = { usesCredential } satisfies ConnectorOffboarding;
