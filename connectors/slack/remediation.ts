// Taking Slack access away happens on the admin pages: deactivating a member or guest has no
// Web API outside Enterprise Grid, and removing someone from a channel (conversations.kick) is a
// write call lanekeeper never makes. So every answer here is a step with the names to look for.
import type { Account, Credential, Grant } from '../../src/core/model.js';
import type { ConnectorRemediation, Remediation } from '../../src/core/remediation.js';

/** How an admin finds the member: the handle people see and the id Slack shows in the profile. */
function who(accountId: string, account?: Account): string {
  return account && account.login !== accountId ? `@${account.login} (${accountId})` : accountId;
}

function isGuest(account?: Account): boolean {
  return account?.role === 'multi-channel-guest' || account?.role === 'single-channel-guest';
}

function deactivate(account: Account): Remediation {
  const kind = isGuest(account) ? 'guest' : 'member';
  return {
    steps: [
      `Deactivate the ${kind} ${who(account.id, account)}: Workspace settings › Manage members › search for ${account.login} › ⋯ › Deactivate account.`,
    ],
    commands: [],
  };
}

/** An installed app: removed by an admin on the Manage apps page (uninstalling is the app's own call). */
function removeApp(accountId: string, account?: Account): Remediation {
  const name = account?.login ?? accountId;
  return {
    steps: [
      `Remove the app ${account ? `"${name}" (${accountId})` : accountId} from the workspace: Workspace settings › Manage apps › ${name} › Remove App. If it is still needed, reinstall it with scopes that do not read messages, or ask whoever installed it to.`,
    ],
    commands: [],
  };
}

function revokeGrant(grant: Grant, account?: Account): Remediation {
  if (grant.permission === 'app-reads-messages') return removeApp(grant.account, account);
  const member = who(grant.account, account);
  const channelId = typeof grant.attributes?.channelId === 'string' ? ` (${grant.attributes.channelId})` : '';
  if (grant.permission === 'slack-connect') {
    const team = account?.login ?? grant.account;
    return {
      steps: [
        `Stop sharing ${grant.resource}${channelId} with ${team}: open ${grant.resource} › channel settings › Slack Connect › Stop sharing.`,
      ],
      commands: [],
    };
  }
  if (grant.resource.startsWith('#') && grant.attributes?.archived === true) {
    return {
      steps: [
        `${grant.resource}${channelId} is archived, and Slack removes nobody from an archived channel: unarchive it, remove ${member} (channel details › Members › Remove from channel), and archive it again; or, if its history is no longer needed, export and delete the channel.`,
      ],
      commands: [],
    };
  }
  if (grant.resource.startsWith('#')) {
    const groups = Array.isArray(grant.attributes?.userGroups) ? (grant.attributes.userGroups as string[]) : [];
    return {
      steps: [
        `Remove ${member} from ${grant.resource}${channelId}: open the channel › channel details › Members › ${account?.login ?? grant.account} › Remove from channel (the Web API's conversations.kick does the same; it is a write call, so lanekeeper only names it).`,
        ...groups.map(
          (g) =>
            `Also take ${member} out of the user group @${g} (People › User groups › @${g} › Edit members): its default channels include ${grant.resource}, so Slack adds its members there again, and an identity provider that syncs the group puts them back.`,
        ),
      ],
      commands: [],
    };
  }
  if (grant.via === 'org-role' && grant.permission.startsWith('org-')) {
    // Set for the whole Enterprise Grid organisation: no workspace setting takes it away.
    return {
      steps: [
        `Take away ${member}'s ${grant.permission.slice(4)} role in the Enterprise Grid organisation (it manages every workspace of it): Manage organization › People › Members › ${account?.login ?? grant.account} › ⋯ › Change account type › Regular member.${grant.permission === 'org-primary-owner' ? ' A primary owner cannot be demoted: transfer primary ownership to another org owner first.' : ''}`,
      ],
      commands: [],
    };
  }
  if (grant.via === 'org-role') {
    return {
      steps: [
        `Take away ${member}'s ${grant.permission} role: Workspace settings › Manage members › ${account?.login ?? grant.account} › ⋯ › Change account type › Regular member.`,
      ],
      commands: [],
    };
  }
  return account
    ? deactivate(account)
    : { steps: [`Deactivate ${member} in Workspace settings › Manage members.`], commands: [] };
}

function removeAccount(account: Account): Remediation {
  if (account.role === 'app') return removeApp(account.id, account);
  if (account.role === 'external-member') {
    // A person of another workspace: our channels are what we can take them out of.
    const teamId = typeof account.attributes?.teamId === 'string' ? account.attributes.teamId : '';
    const teamName = typeof account.attributes?.teamName === 'string' ? account.attributes.teamName : undefined;
    const team = teamName ? `${teamName} (${teamId})` : `workspace ${teamId}`;
    return {
      steps: [
        `Remove ${account.login} (${account.id}), a member of ${team}, from each channel of this workspace they are in: open the channel › channel details › Members › ${account.login} › Remove from channel.`,
        `While a channel stays shared with their organisation, its admins can add them back: to end that, open the channel › channel settings › Slack Connect › Stop sharing.`,
      ],
      commands: [],
    };
  }
  if (account.kind === 'external') {
    return {
      steps: [
        `Stop sharing every channel shared with ${account.login} (${account.id}): each channel › settings › Slack Connect › Stop sharing.`,
      ],
      commands: [],
    };
  }
  if (account.status === 'invited') return cancelInvitation(account);
  return deactivate(account);
}

function cancelInvitation(account: Account): Remediation {
  return {
    steps: [
      `Revoke the pending invitation of ${who(account.id, account)}: Workspace settings › Manage members › Invitations › Revoke.`,
    ],
    commands: [],
  };
}

function revokeCredential(credential: Credential, account?: Account): Remediation {
  return {
    steps: [
      `Revoke ${credential.kind} ${credential.id} of ${who(credential.account, account)}: Workspace settings › Manage apps.`,
    ],
    commands: [],
  };
}

export const remediation = {
  revokeGrant,
  removeAccount,
  cancelInvitation,
  revokeCredential,
} satisfies ConnectorRemediation;
