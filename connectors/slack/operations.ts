// Every Slack Web API method the collector calls, in the words the emulator logs them.
// One list serves the connector's `operations`, the emulator's router and the README.
export const SLACK_OPERATIONS = [
  'team.info',
  'users.list',
  'users.info',
  'conversations.list',
  'conversations.members',
  'team.integrationLogs',
  'usergroups.list',
] as const;
export type SlackOperation = (typeof SLACK_OPERATIONS)[number];

export function isSlackOperation(name: string): name is SlackOperation {
  return (SLACK_OPERATIONS as readonly string[]).includes(name);
}

/** The bot scopes the collector needs, and nothing more (the README's manifest lists the same). */
export const REQUIRED_SCOPES = [
  'channels:read',
  'groups:read',
  'team:read',
  'users:read',
  'users:read.email',
  'usergroups:read',
] as const;

/** The user scope of an admin's token that shows the integration log (which apps hold which scopes). */
export const INTEGRATION_LOG_SCOPE = 'admin';
