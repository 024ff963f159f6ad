// Apps installed in the workspace, and whether they read its messages. Slack tells who installed
// what, with which scopes, only in the integration log (team.integrationLogs, an admin's user
// token with the `admin` scope): the log is replayed, oldest first, into the apps installed now.
// An app that may read messages is an identity of its own reading the workspace's channels: a
// bot the channels it is in, a user-token install everything its installer reads. Which of the
// two the log does not say, so it is taken as the wider (overstated rather than hidden). Pure.
import type { Account, Grant } from '../../src/core/model.js';
import { WORKSPACE } from './classify.js';
import type { ApiIntegrationLog } from './schema.js';

/**
 * Scopes that read what people wrote or shared, by the kind of read: a new scope of a known kind
 * counts without a change here (every `*:history`, every `search:read*`), so the list fails closed.
 */
const READS_MESSAGES: readonly RegExp[] = [
  // History: channels, groups, im, mpim, the old workspace apps' conversations, any later one.
  /^[a-z_.]+:history$/,
  // Search: the legacy search:read and the granular ones of the Real-time Search API (.public,
  // .private, .im, .mpim, .files, and any later one), which return messages and files.
  // search:read.users searches the people directory only, no content.
  /^search:read(\.(?!users$)[a-z_.]+)?$/,
  // Files and canvases (a canvas is a file); remote_files:read only sees the app's own.
  /^(files|canvases):read$/,
  // Pins, reactions and stars answer the message or file they are on, text included.
  /^(pins|reactions|stars):read$/,
  // Enterprise Grid's Discovery (eDiscovery) API: every message of the organisation.
  /^discovery:read$/,
  // Legacy scopes: read and client are a user's whole view, bot a classic bot's (RTM: every
  // message of its channels).
  /^(read|client|bot)$/,
  // Not app_mentions:read (the messages written to the app) nor metadata.message:read (an
  // app's structured metadata, not what people wrote).
];

/** Whether a scope lets an app read message or file content (see README, "What it reads"). */
function readsMessages(scope: string): boolean {
  return READS_MESSAGES.some((pattern) => pattern.test(scope));
}

export interface InstalledApp {
  /** The app's id, or `service:<id>` for a legacy integration. */
  key: string;
  name: string;
  installedBy?: string;
  installedByName?: string;
  installedAt?: string;
  scopes: string[];
}

/** The apps the log leaves installed and enabled, by replaying it oldest first. */
export function installedApps(logs: readonly ApiIntegrationLog[]): InstalledApp[] {
  const ordered = logs
    .map((log, index) => ({ log, index, at: Number(log.date ?? 0) }))
    .sort((a, b) => a.at - b.at || a.index - b.index);
  const apps = new Map<string, InstalledApp & { enabled: boolean }>();
  for (const { log, at } of ordered) {
    const key = log.app_id
      ? String(log.app_id)
      : log.service_id !== undefined
        ? `service:${log.service_id}`
        : undefined;
    if (!key) continue;
    const scopes = (log.scope ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const name = log.app_type ?? log.service_type ?? key;
    const app = apps.get(key);
    switch (log.change_type) {
      case 'added': {
        const installedAt = Number.isFinite(at) && at > 0 ? new Date(at * 1000).toISOString() : undefined;
        apps.set(key, {
          key,
          name,
          scopes: [...new Set([...(app?.scopes ?? []), ...scopes])],
          enabled: true,
          ...(log.user_id ? { installedBy: log.user_id } : {}),
          ...(log.user_name ? { installedByName: log.user_name } : {}),
          ...(installedAt ? { installedAt } : {}),
        });
        break;
      }
      case 'removed':
        apps.delete(key);
        break;
      case 'disabled':
        if (app) app.enabled = false;
        break;
      case 'enabled':
        if (app) app.enabled = true;
        break;
      default:
        // `updated`, `expanded` and anything newer: scopes only ever added, as far as we can tell.
        if (app) app.scopes = [...new Set([...app.scopes, ...scopes])];
        else apps.set(key, { key, name, scopes, enabled: true });
    }
  }
  return [...apps.values()]
    .filter((a) => a.enabled)
    .map(({ enabled: _, ...app }) => ({ ...app, scopes: [...app.scopes].sort() }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export function appAccountId(app: InstalledApp): string {
  return `app:${app.key}`;
}

/** An installed app that may read messages: its account and its grant on the workspace. */
export function appRecords(
  app: InstalledApp,
  target: string,
  channels: readonly string[],
): { account: Account; grant: Grant } | undefined {
  const reading = app.scopes.filter(readsMessages);
  if (reading.length === 0) return undefined;
  const id = appAccountId(app);
  const by = app.installedBy
    ? `${app.installedByName ? `@${app.installedByName} ` : ''}(${app.installedBy})`
    : 'someone';
  return {
    account: {
      system: 'slack',
      target,
      id,
      login: app.name,
      displayName: `Slack app "${app.name}"`,
      emails: [],
      kind: 'bot',
      status: 'active',
      role: 'app',
      ...(app.installedAt ? { createdAt: app.installedAt } : {}),
      attributes: {
        affiliation: 'app',
        scopes: app.scopes,
        ...(app.installedBy ? { installedBy: app.installedBy } : {}),
      },
    },
    grant: {
      system: 'slack',
      target,
      account: id,
      resource: WORKSPACE,
      permission: 'app-reads-messages',
      via: 'direct',
      viaName: 'app installation',
      lanes: [],
      level: 'read',
      evidence: [
        `Slack app "${app.name}" installed by ${by}${app.installedAt ? ` on ${app.installedAt.slice(0, 10)}` : ''} may read messages (${reading.join(', ')})`,
        'a bot reads the channels it is in, a user-token install everything its installer reads: the integration log does not say which, so it is taken as every channel',
      ],
      // classify.ts takes the lanes of a workspace grant from the channels it reaches; who
      // installed the app, and its scopes, are the account's.
      attributes: { channels: [...channels] },
    },
  };
}
