import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { slackConnector } from '../../../connectors/slack/index.js';
import { REQUIRED_SCOPES } from '../../../connectors/slack/operations.js';

describe('slack config', () => {
  it('accepts the example config block and fills the defaults', async () => {
    const example = JSON.parse(await readFile(join(import.meta.dirname, '../../../config.example.json'), 'utf8')) as {
      connectors: { slack: unknown };
    };
    const parsed = slackConnector.configSchema.parse(example.connectors.slack);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a config ${ENV} reference, not a template
    expect(parsed).toMatchObject({ token: '${SLACK_BOT_TOKEN}', enabled: true, deadlineSeconds: 600, concurrency: 8 });
    expect(parsed.lanes.production).toEqual(['#incidents', '#deploys']);
    expect(slackConnector.configSchema.parse({ token: 'x' }).lanes).toEqual({ data: [], production: [] });
  });

  it('refuses a block without a token, with an unknown field, or with a bad URL', () => {
    expect(slackConnector.configSchema.safeParse({ lanes: { data: [] } }).success).toBe(false);
    expect(slackConnector.configSchema.safeParse({ token: 'x', channels: [] }).success).toBe(false);
    expect(slackConnector.configSchema.safeParse({ token: 'x', lanes: { data: [], pii: [] } }).success).toBe(false);
    expect(slackConnector.configSchema.safeParse({ token: 'x', slackApiUrl: 'not a url' }).success).toBe(false);
  });

  it('declares the read-only methods it calls', () => {
    expect(slackConnector.operations).toEqual([
      'team.info',
      'users.list',
      'conversations.list',
      'conversations.members',
    ]);
  });

  it('gives an app manifest in the README with exactly the scopes it uses', async () => {
    const readme = await readFile(join(import.meta.dirname, '../../../connectors/slack/README.md'), 'utf8');
    const yaml = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    const manifest = parse(yaml ?? '') as { oauth_config: { scopes: { bot: string[]; user?: string[] } } };
    expect(manifest.oauth_config.scopes.bot).toEqual([...REQUIRED_SCOPES]);
    expect(manifest.oauth_config.scopes.user).toBeUndefined();
  });
});
