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
    expect(parsed).toMatchObject({ token: '${SLACK_TOKEN}', enabled: true, deadlineSeconds: 600, concurrency: 8 });
    expect(parsed.lanes.production).toEqual(['#incidents', '#deploys']);
    expect(slackConnector.configSchema.parse({ token: 'x' }).lanes).toEqual({ data: [], production: [] });
  });

  it('names its token one way in the example config, its README and every workflow', async () => {
    const root = join(import.meta.dirname, '../../..');
    const texts = await Promise.all(
      [
        'config.example.json',
        'connectors/slack/README.md',
        'examples/github-actions/weekly-scan.yml',
        'examples/github-actions/access-gate.yml',
        'examples/github-actions/sharded-scan.yml',
      ].map(async (f) => [f, await readFile(join(root, f), 'utf8')] as const),
    );
    for (const [file, text] of texts) {
      const names = new Set([...text.matchAll(/\b(SLACK_[A-Z_]*TOKEN)\b/g)].map((m) => m[1]));
      expect([...names], file).toEqual(['SLACK_TOKEN']);
    }
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
      'users.info',
      'conversations.list',
      'conversations.members',
      'team.integrationLogs',
      'usergroups.list',
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
