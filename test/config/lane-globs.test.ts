// A lanes glob in the config that matches nothing a fully read system holds is said, with its
// file, line and field: a typo in the production repository's name would otherwise quietly turn
// production into code and drop contractor-production-write. Like the register's scope warning
// (LK_REGISTER_SCOPE_UNMATCHED), nothing is concluded from a system that was not read in full.
import { describe, expect, it } from 'vitest';
import { connectors } from '../../connectors/index.js';
import { parseConfig, unmatchedLaneGlobs } from '../../src/pipeline/config/index.js';
import { snapshot } from '../history/fixtures.js';
import { grant, status } from '../support/builders.js';

// biome-ignore lint/suspicious/noTemplateCurlyInString: the config's own reference syntax
const TOKEN = '${GITHUB_TOKEN}';
const TEXT = `{
  "register": "register.yaml",
  "connectors": {
    "github": {
      "org": "northwind",
      "token": "${TOKEN}",
      "lanes": {
        "production": ["northwind/infar", "northwind/deploy-*"],
        "data": ["northwind/warehouse"]
      }
    },
    "slack": {
      "token": "${TOKEN}",
      "lanes": { "data": ["#support", "customers", "#nosuch-*"] }
    }
  }
}
`;

const loaded = () =>
  parseConfig(TEXT, {
    path: 'lanekeeper.json',
    env: { GITHUB_TOKEN: 'fixture-token-0001' },
    connectors,
  });

const scanned = (githubOk = true) =>
  snapshot({
    systems: [status('github', 'northwind', githubOk), status('slack', 'T1')],
    grants: [
      grant({ account: 'sam', resource: 'northwind/infra' }),
      grant({ account: 'sam', resource: 'northwind/deploy-shop' }),
      grant({ account: 'ana', resource: 'northwind/shop' }),
      grant({
        system: 'slack',
        target: 'T1',
        account: 'U1',
        resource: 'workspace',
        attributes: { channels: ['#support', '#customers', '#general'] },
      }),
    ],
  });

describe('lanes globs that match nothing', () => {
  it('are warned of with file, line and field, each once', () => {
    const problems = unmatchedLaneGlobs(loaded(), scanned());
    expect(problems.map((p) => [p.code, p.severity, p.line, p.field, p.message])).toEqual([
      [
        'LK_CONFIG_BAD_VALUE',
        'warning',
        8,
        'connectors.github.lanes.production[0]',
        '"northwind/infar" matches nothing the github scan found (did you mean "northwind/infra"?), so it puts nothing in production',
      ],
      [
        'LK_CONFIG_BAD_VALUE',
        'warning',
        9,
        'connectors.github.lanes.data[0]',
        '"northwind/warehouse" matches nothing the github scan found, so it puts nothing in data',
      ],
      [
        'LK_CONFIG_BAD_VALUE',
        'warning',
        14,
        'connectors.slack.lanes.data[2]',
        '"#nosuch-*" matches nothing the slack scan found, so it puts nothing in data',
      ],
    ]);
    expect(problems.every((p) => p.file === 'lanekeeper.json')).toBe(true);
  });

  it('are not concluded for a system that was not read in full', () => {
    const fields = unmatchedLaneGlobs(loaded(), scanned(false)).map((p) => p.field);
    expect(fields).toEqual(['connectors.slack.lanes.data[2]']);
  });
});

describe('lanes globs checked against what was read', () => {
  it('match a repository only an owner reaches, named on the owner grant', () => {
    const withOwner = scanned();
    withOwner.grants.push(
      grant({
        account: 'olive',
        resource: 'northwind',
        permission: 'owner',
        level: 'admin',
        attributes: { repositories: ['northwind/infra', 'northwind/warehouse'] },
      }),
    );
    const fields = unmatchedLaneGlobs(loaded(), withOwner).map((p) => p.field);
    expect(fields).toEqual(['connectors.github.lanes.production[0]', 'connectors.slack.lanes.data[2]']);
  });

  it('are not concluded for a system --only read part of', () => {
    const fields = unmatchedLaneGlobs(loaded(), scanned(), new Set(['github'])).map((p) => p.field);
    expect(fields).toEqual(['connectors.slack.lanes.data[2]']);
  });
});
