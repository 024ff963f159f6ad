// Taking GitHub access away with the gh CLI: `gh api` calls to the REST endpoints that remove
// collaborators, members, team memberships, deploy keys and token grants, and `gh secret set`
// for secrets to rotate. Path segments are URL-encoded, so a name cannot turn one call into another.
import type { Account, Attributes, Credential, Grant, Level, Secret } from '../../src/core/model.js';
import type {
  AccountRecords,
  ConnectorOffboarding,
  ConnectorRemediation,
  Remediation,
} from '../../src/core/remediation.js';
import { command, option, pipeline } from '../../src/core/shell.js';
import { INTERNAL_VISIBILITY } from './classify.js';

/** The collaborator permission names the REST API takes for each level. */
const API_PERMISSION: Readonly<Record<Level, string>> = { read: 'pull', write: 'push', admin: 'admin' };

function path(...segments: string[]): string {
  return segments.map(encodeURIComponent).join('/');
}

function api(method: 'DELETE' | 'PUT' | 'POST', endpoint: string, ...fields: string[]): string {
  return command('gh', 'api', '--method', method, endpoint, ...fields.flatMap((f) => ['-f', f]));
}

/** "northwind/shop" → ["northwind", "shop"]; the org is everything before the first slash. */
function splitRepo(fullName: string): [string, string] | undefined {
  const slash = fullName.indexOf('/');
  if (slash <= 0 || slash === fullName.length - 1) return undefined;
  return [fullName.slice(0, slash), fullName.slice(slash + 1)];
}

/** The organisation a grant is in: its repository's, else its target (an org-wide grant's). */
function orgOf(grant: Pick<Grant, 'resource' | 'target'>): string {
  return splitRepo(grant.resource)?.[0] ?? (grant.target || grant.resource);
}

function loginOf(id: string, account?: Account): string {
  return account?.login ?? id;
}

function isDeployKeyAccount(account: Pick<Account, 'id' | 'attributes'> | undefined, id: string): boolean {
  return account?.attributes?.affiliation === 'deploy-key' || id.startsWith('deploy-key:');
}

/** The numeric id GitHub gives a deploy key, from "deploy-key:123" or "deploy-key:org/repo:123". */
function deployKeyId(id: string): string | undefined {
  const m = /:(\d+)$/.exec(id);
  return m?.[1];
}

function deleteDeployKey(repo: string, keyId: string | undefined, title: string): Remediation {
  const parts = splitRepo(repo);
  if (!parts || !keyId) {
    return { steps: [`Delete the deploy key "${title}" in ${repo} › Settings › Deploy keys.`], commands: [] };
  }
  return {
    steps: [`Delete the deploy key "${title}" from ${repo} (Settings › Deploy keys).`],
    commands: [api('DELETE', path('repos', ...parts, 'keys', keyId))],
  };
}

function removeCollaborator(repo: string, login: string): Remediation {
  const parts = splitRepo(repo);
  if (!parts) return { steps: [`Remove ${login} from ${repo} (Settings › Collaborators and teams).`], commands: [] };
  return {
    steps: [`Remove ${login} as a collaborator of ${repo}.`],
    commands: [api('DELETE', path('repos', ...parts, 'collaborators', login))],
  };
}

function removeFromOrg(org: string, login: string): Remediation {
  return {
    steps: [
      `Remove ${login} from the ${org} organization: every repository, team and pending invitation goes with it.`,
    ],
    commands: [api('DELETE', path('orgs', org, 'memberships', login))],
  };
}

/**
 * Membership reads the internal repositories: made an outside collaborator, the person keeps only
 * what they were given directly. Making a repository private narrows it for everyone instead.
 */
function leaveInternal(org: string, login: string): Remediation {
  return {
    steps: [
      `${login} reads the internal repositories of ${org} as a member, as every member of the enterprise does. Make ${login} an outside collaborator (they keep only the repositories given to them directly), or make a repository private if nobody but those given it should read it.`,
    ],
    commands: [api('PUT', path('orgs', org, 'outside_collaborators', login))],
  };
}

function isAppInstallation(account: Pick<Account, 'id' | 'attributes'> | undefined, id: string): boolean {
  return account?.attributes?.affiliation === 'app-installation' || id.startsWith('app:');
}

/**
 * An installation is removed by an org owner in the settings: the REST call that uninstalls it
 * needs the app's own key, which the organisation does not hold. An app a person owns stays in
 * their hands (its private keys sign as every installation): narrowing it is not enough, it is
 * uninstalled, or its ownership moves to the organisation and its keys are replaced.
 */
function uninstallApp(org: string, slug: string, account?: Pick<Account, 'attributes'>): Remediation {
  const installationId = account?.attributes?.installationId;
  const where =
    typeof installationId === 'number'
      ? `https://github.com/organizations/${org}/settings/installations/${installationId}`
      : `${org} › Settings › GitHub Apps`;
  const owner = account?.attributes?.appOwner;
  if (typeof owner === 'string' && account?.attributes?.appOwnerType === 'User') {
    return {
      steps: [
        `Uninstall the GitHub App ${slug} from ${org} (${where} › Uninstall): its owner ${owner} holds its private keys and can act as the installation with all its permissions, whatever happens to ${owner}'s own account.`,
        `If ${org} still needs it: have ${owner} transfer the app to ${org} (the app's settings › Advanced › Transfer ownership), then, as an owner of ${org}, generate a new private key, delete every old one, and reset its client secret and webhook secret (the app's settings › General); or register a new app owned by ${org} and install that instead.`,
      ],
      commands: [],
    };
  }
  return {
    steps: [
      `Uninstall the GitHub App ${slug} from ${org} (${where} › Uninstall), or narrow it there to the repositories and permissions the register approves.`,
    ],
    commands: [],
  };
}

/** Enterprise ownership is the enterprise's to take away, not the organisation's. */
function removeEnterpriseOwner(org: string, login: string): Remediation {
  return {
    steps: [
      `Ask an owner of the enterprise ${org} belongs to to remove ${login} as an enterprise owner (Enterprise settings › People › Administrators); an organization owner cannot.`,
    ],
    commands: [],
  };
}

/**
 * A team's members as GitHub's REST API lists them include its child teams' members, so who is
 * also directly in the team is unknown: removed from the team that holds them, they may keep it.
 */
function unsureMembership(grant: Grant, login: string, org: string): string[] {
  const maybe = grant.attributes?.possiblyDirectIn;
  const teams = Array.isArray(maybe) ? maybe : [];
  if (teams.length === 0) return [];
  const named = teams.map((t) => `team ${t}`).join(', ');
  return [
    `GitHub's REST listing of ${named} counts its child teams' members, so it does not show whether ${login} is also directly in ${teams.length === 1 ? 'it' : 'them'}: check ${org} › Teams › ${teams.join(', ')} › Members, and remove ${login} there too if listed (${teams.map((t) => api('DELETE', path('orgs', org, 'teams', t, 'memberships', login))).join('; ')}).`,
  ];
}

/**
 * An organisation role: taken from the person, the person taken from the team that holds it, or
 * both when GitHub says they hold it both ways (mixed): either alone leaves them the role.
 */
function removeOrgRole(grant: Grant, org: string, login: string): Remediation {
  const role = String(grant.attributes?.orgRole);
  const team = grant.attributes?.orgRoleTeam;
  const assignment = grant.attributes?.orgRoleAssignment;
  const id = grant.attributes?.orgRoleId;
  const unassign: Remediation = {
    steps: [
      `Take the organization role ${role} from ${login} in ${org} (Settings › Organization roles › Role assignments).`,
    ],
    commands:
      typeof id === 'number'
        ? [api('DELETE', path('orgs', org, 'organization-roles', 'users', login, String(id)))]
        : [],
  };
  if (typeof team === 'string') {
    const heldBy = grant.attributes?.orgRoleHeldBy;
    const holder = typeof heldBy === 'string' ? heldBy : team;
    const leave: Remediation = {
      steps: [
        `Remove ${login} from the team ${team} in ${org}, which holds the organization role ${role}${holder === team ? '' : ` as a child team of ${holder}`} (or take the role from the team ${holder} in Settings › Organization roles › Role assignments).`,
        ...unsureMembership(grant, login, org),
      ],
      commands: [api('DELETE', path('orgs', org, 'teams', team, 'memberships', login))],
    };
    if (assignment !== 'mixed') return leave;
    return {
      steps: [
        `${login} holds the organization role ${role} both ways: assigned it, and through the team ${team}. Both must go.`,
        ...unassign.steps,
        ...leave.steps,
      ],
      commands: [...unassign.commands, ...leave.commands],
    };
  }
  if (assignment === 'indirect') {
    return {
      steps: [
        `${login} holds the organization role ${role} in ${org} through a team GitHub did not name: find it in Settings › Organization roles › Role assignments, and remove ${login} from that team (or take the role from the team).`,
      ],
      commands: [],
    };
  }
  return unassign;
}

function revokeGrant(grant: Grant, account?: Account): Remediation {
  const login = loginOf(grant.account, account);
  const org = orgOf(grant);
  if (isAppInstallation(account, grant.account)) return uninstallApp(org, login, account);
  if (isDeployKeyAccount(account, grant.account)) {
    return deleteDeployKey(grant.resource, deployKeyId(grant.account), login);
  }
  switch (grant.via) {
    case 'team': {
      const team = grant.viaName ?? '';
      const from = grant.attributes?.inheritedFrom;
      const lower =
        typeof from === 'string'
          ? `; its access to ${grant.resource} is inherited from team ${from}, and the team's other repositories go with it (or ask ${from}'s maintainers to lower ${from}'s access to ${grant.resource}, which its child teams inherit)`
          : `; the team's other repositories go with it (or ask the team's maintainers to lower the team's access to ${grant.resource})`;
      return {
        steps: [`Remove ${login} from the team ${team} in ${org}${lower}.`, ...unsureMembership(grant, login, org)],
        commands: team ? [api('DELETE', path('orgs', org, 'teams', team, 'memberships', login))] : [],
      };
    }
    case 'org-role':
      if (grant.attributes?.enterpriseOwner === true) return removeEnterpriseOwner(org, login);
      if (typeof grant.attributes?.orgRole === 'string') return removeOrgRole(grant, org, login);
      if (grant.permission === 'owner') {
        return {
          steps: [`Make ${login} a member instead of an owner of ${org}.`],
          commands: [api('PUT', path('orgs', org, 'memberships', login), 'role=member')],
        };
      }
      if (grant.viaName === INTERNAL_VISIBILITY) return leaveInternal(org, login);
      // The base permission comes with membership itself.
      return removeFromOrg(org, login);
    default:
      return removeCollaborator(grant.resource, login);
  }
}

function lowerGrant(grant: Grant, level: Level, account?: Account): Remediation | undefined {
  const login = loginOf(grant.account, account);
  const org = orgOf(grant);
  if (grant.via === 'org-role' && grant.permission === 'owner' && level !== 'admin') {
    return revokeGrant(grant, account);
  }
  const parts = splitRepo(grant.resource);
  if (grant.via !== 'direct' || !parts || parts[1] === '*' || isDeployKeyAccount(account, grant.account)) {
    return undefined;
  }
  const permission = API_PERMISSION[level];
  return {
    steps: [`Lower ${login}'s permission on ${grant.resource} to ${permission} (${level}) in ${org}.`],
    commands: [api('PUT', path('repos', ...parts, 'collaborators', login), option('permission', permission))],
  };
}

function cancelInvitation(account: Account): Remediation {
  const org = account.target;
  const m = /^invitation:(\d+)$/.exec(account.id);
  if (m?.[1]) {
    return {
      steps: [`Cancel the pending invitation of ${account.login} to ${org}.`],
      commands: [api('DELETE', path('orgs', org, 'invitations', m[1]))],
    };
  }
  return {
    steps: [`Cancel the pending invitation of ${account.login} to ${org}.`],
    commands: [api('DELETE', path('orgs', org, 'memberships', account.login))],
  };
}

function removeAccount(account: Account, records: AccountRecords): Remediation {
  const org = account.target;
  if (account.status === 'invited') return cancelInvitation(account);
  if (isAppInstallation(account, account.id)) return uninstallApp(org, account.login, account);
  if (isDeployKeyAccount(account, account.id)) {
    const repo = typeof account.attributes?.repo === 'string' ? account.attributes.repo : '';
    return deleteDeployKey(repo, deployKeyId(account.id), account.login);
  }
  if (account.role === 'outside-collaborator' || account.attributes?.affiliation === 'outside-collaborator') {
    return {
      steps: [`Remove the outside collaborator ${account.login} from every repository of ${org}.`],
      commands: [api('DELETE', path('orgs', org, 'outside_collaborators', account.login))],
    };
  }
  if (account.role === 'owner' || account.role === 'member' || account.attributes?.affiliation === 'member') {
    return removeFromOrg(org, account.login);
  }
  // A collaborator the org lists neither as member nor as outside collaborator: repository by repository.
  const repos = [...new Set(records.grants.map((g) => g.resource))].sort();
  const plans = repos.map((repo) => removeCollaborator(repo, account.login));
  return {
    steps: plans.flatMap((p) => p.steps),
    commands: plans.flatMap((p) => p.commands),
  };
}

/**
 * The grant id a revoke needs is not the token id an audit log shows: look it up by token id and
 * revoke what comes back. POST /orgs/{org}/personal-access-tokens/{pat_id} with action=revoke.
 * GitHub answers those endpoints only to a GitHub App (an installation token), never to a personal
 * or OAuth token, so a plain `gh` login is refused: the settings page is the first way, and the
 * command says which token it needs.
 */
function revokePat(credential: Credential, account?: Account): Remediation {
  const org = credential.target;
  const owner = loginOf(credential.account, account);
  const name = typeof credential.attributes?.tokenName === 'string' ? ` "${credential.attributes.tokenName}"` : '';
  const inSettings = `Revoke ${owner}'s fine-grained token${name} in ${org}: Organization settings › Personal access tokens › Active tokens › ${name ? name.trim() : `the token of ${owner}`} › Revoke.`;
  const steps = [
    inSettings,
    `Or run the command below with GH_TOKEN set to an installation token of a GitHub App installed on ${org} with the organization permission "Personal access tokens" (organization_personal_access_tokens) set to write: GitHub answers these endpoints only to GitHub Apps, so a personal or OAuth token (a normal gh login) is refused.`,
  ];
  const grantId = credential.attributes?.grantId;
  if (typeof grantId === 'number' || (typeof grantId === 'string' && /^\d+$/.test(grantId))) {
    return {
      steps,
      commands: [api('POST', path('orgs', org, 'personal-access-tokens', String(grantId)), 'action=revoke')],
    };
  }
  const tokenId = /^fine-grained-pat:(\d+)$/.exec(credential.id)?.[1];
  if (!tokenId) return { steps: [inSettings], commands: [] };
  return {
    steps,
    commands: [
      pipeline(
        command(
          'gh',
          'api',
          '--paginate',
          path('orgs', org, 'personal-access-tokens'),
          '--jq',
          `.[] | select(.token_id == ${tokenId}) | .id`,
        ),
        command(
          'xargs',
          '-r',
          '-I',
          '{}',
          'gh',
          'api',
          '--method',
          'POST',
          `${path('orgs', org, 'personal-access-tokens')}/{}`,
          '-f',
          'action=revoke',
        ),
      ),
    ],
  };
}

function revokeCredential(credential: Credential, account?: Account): Remediation {
  switch (credential.kind) {
    case 'deploy-key': {
      const title = typeof credential.attributes?.title === 'string' ? credential.attributes.title : credential.id;
      const repo =
        credential.resource ?? (typeof credential.attributes?.repo === 'string' ? credential.attributes.repo : '');
      return deleteDeployKey(repo, deployKeyId(credential.id), title);
    }
    case 'pat':
      return revokePat(credential, account);
    default:
      return {
        steps: [
          `Revoke ${credential.kind} ${credential.id} of ${loginOf(credential.account, account)} in ${credential.target}'s settings.`,
        ],
        commands: [],
      };
  }
}

const SECRET_VISIBILITIES = new Set(['all', 'private', 'selected']);

/**
 * A new value for a secret. `gh secret set --org` sends a visibility with every PUT, private when
 * told none, so an organisation secret is stored again with the visibility the scan read: a
 * selected secret keeps its repositories (listed when the command runs, so the scan spends no
 * call on them), an all secret keeps the public repositories. Without a recorded visibility
 * (an inventory from before it was kept), the command asks GitHub for it first.
 */
function rotateSecret(secret: Secret & { attributes?: Attributes }): Remediation {
  const repo = splitRepo(secret.resource);
  const fresh = `Issue a new value for ${secret.name} where it comes from (revoke the old one there), then store it in ${secret.resource}`;
  if (repo) {
    return {
      steps: [`${fresh}; gh asks for the value.`],
      commands: [command('gh', 'secret', 'set', option('--repo', secret.resource), '--', secret.name)],
    };
  }
  const org = secret.resource;
  // The visibility arguments are shell syntax (a command substitution, a variable): placed as they are.
  const set = (visibility: string) =>
    `${command('gh', 'secret', 'set', option('--org', org))} ${visibility} ${command('--', secret.name)}`;
  const selected = set(`${option('--visibility', 'selected')} ${selectedRepos(org, secret.name)}`);
  const recorded = secret.attributes?.visibility;
  if (typeof recorded === 'string' && SECRET_VISIBILITIES.has(recorded)) {
    const keeps =
      recorded === 'selected'
        ? 'keeping it to the repositories selected now (--visibility=selected, with --repos listed from GitHub as the command runs)'
        : recorded === 'all'
          ? 'keeping it readable by every repository, public ones included (--visibility=all)'
          : 'keeping it to the private and internal repositories (--visibility=private)';
    return {
      steps: [`${fresh}, ${keeps}; gh asks for the value.`],
      commands: [recorded === 'selected' ? selected : set(option('--visibility', recorded))],
    };
  }
  // Not recorded: read the visibility first, and pass it (with the repositories when selected).
  const lookup = command('gh', 'api', path('orgs', org, 'actions', 'secrets', secret.name), '--jq', '.visibility');
  return {
    steps: [
      `${fresh} with the visibility it has now, which the inventory does not record (gh secret set would otherwise make it private): the command reads it from GitHub first; gh asks for the value.`,
    ],
    commands: [`v="$(${lookup})" && if [ "$v" = selected ]; then ${selected}; else ${set('"--visibility=$v"')}; fi`],
  };
}

/**
 * `"--repos=$(…)"`: the names of the repositories a selected secret reaches now, comma-separated as
 * gh's --repos takes them (repository names hold no comma), every page of the listing.
 */
function selectedRepos(org: string, name: string): string {
  const list = pipeline(
    command(
      'gh',
      'api',
      '--paginate',
      `${path('orgs', org, 'actions', 'secrets', name, 'repositories')}?per_page=100`,
      '--jq',
      '.repositories[].name',
    ),
    command('paste', '-sd,', '-'),
  );
  return `"--repos=$(${list})"`;
}

/**
 * Anyone who can push can run a workflow that prints the repository's secrets, and the org's
 * secrets that reach it. Org-wide grants (owner, base permission) reach every repository. A
 * private org secret does not reach the public repositories recorded with it; a selected one
 * reaches its selected repositories only, which the inventory does not hold: it is taken as
 * reaching every repository (overstated, never missed), as is a secret recorded without them.
 */
function readsSecret(grant: Grant, secret: Secret & { attributes?: Attributes }): boolean {
  if (grant.level === 'read' || grant.system !== secret.system || grant.target !== secret.target) return false;
  const orgWide = grant.resource === grant.target || grant.resource === `${grant.target}/*`;
  if (orgWide) return true;
  if (splitRepo(secret.resource) !== undefined) return grant.resource === secret.resource;
  const publicRepos = secret.attributes?.publicRepositories;
  if (secret.attributes?.visibility === 'private' && Array.isArray(publicRepos))
    return !publicRepos.includes(grant.resource);
  return true;
}

export const remediation = {
  revokeGrant,
  lowerGrant,
  removeAccount,
  cancelInvitation,
  revokeCredential,
  rotateSecret,
} satisfies ConnectorRemediation;

export const offboarding = { readsSecret } satisfies ConnectorOffboarding;
