// Apps installed in the workspace, and whether they read its messages. Slack tells who installed
// what, with which scopes, only in the integration log (team.integrationLogs, an admin's user
// token with the `admin` scope): the log is replayed, oldest first, into the apps installed now.
// An app that may read messages is an identity of its own reading the workspace's channels: a
// bot the channels it is in, a user-token install everything its installer reads. Which of the
// two the log does not say, so it is taken as the wider (overstated rather than hidden). Pure.
import type { Account, Grant } from '../../src/core/model.js';
import { WORKSPACE } from './classify.js';
import type { ApiIntegrationLog } from './schema.js';

/** Scopes that read what people wrote: history of every conversation type, search, files. */
const READS_MESSAGES = /^(channels:history|groups:history|im:history|mpim:history|search:read|files:read|read|client)$/;

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
  const reading = app.scopes.filter((s) => READS_MESSAGES.test(s));
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
