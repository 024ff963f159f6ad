import { describe, expect, it } from 'vitest';
import { remediation as github } from '../../connectors/github/remediation.js';
import type { Attributes, Secret } from '../../src/core/model.js';
import { fakeToolsForFile } from './run.js';

const tools = fakeToolsForFile();
const EVIL = tools.evil;

/** An organisation name has no slash (that would make it a repository). */
const ORG_EVIL = `ac'me$(id)\`id\`"x`;

function orgSecret(name: string, visibility?: string, org = 'northwind'): Secret & { attributes?: Attributes } {
  return {
    system: 'github',
    target: org,
    resource: org,
    name,
    ...(visibility ? { attributes: { visibility } } : {}),
  };
}

/** Each command run under bash, every gh printing `stdout`; the recorded calls. */
const run = (commands: readonly string[], stdout: string) => tools.calls(commands, stdout);

describe('github: rotating an organisation secret keeps its visibility', () => {
  it('passes --visibility=all and --visibility=private as read', () => {
    for (const visibility of ['all', 'private']) {
      const plan = github.rotateSecret!(orgSecret('SENTRY_DSN', visibility));
      expect(plan.commands).toEqual([`gh secret set --org=northwind --visibility=${visibility} -- SENTRY_DSN`]);
      expect(plan.steps[0]).toContain(`(--visibility=${visibility})`);
    }
  });

  it('keeps a selected secret to its repositories, listed as the command runs, every page', () => {
    const plan = github.rotateSecret!(orgSecret('NPM_TOKEN', 'selected'));
    expect(plan.commands).toHaveLength(1);
    expect(run(plan.commands, 'webapp\napi\n')).toEqual([
      [
        'gh',
        'api',
        '--paginate',
        'orgs/northwind/actions/secrets/NPM_TOKEN/repositories?per_page=100',
        '--jq',
        '.repositories[].name',
      ],
      ['gh', 'secret', 'set', '--org=northwind', '--visibility=selected', '--repos=webapp,api', '--', 'NPM_TOKEN'],
    ]);
  });

  it('reads the visibility first when the inventory does not record it', () => {
    const plan = github.rotateSecret!(orgSecret('NPM_TOKEN'));
    expect(plan.steps[0]).toMatch(/the command reads it from GitHub first/);
    expect(run(plan.commands, 'all')).toEqual([
      ['gh', 'api', 'orgs/northwind/actions/secrets/NPM_TOKEN', '--jq', '.visibility'],
      ['gh', 'secret', 'set', '--org=northwind', '--visibility=all', '--', 'NPM_TOKEN'],
    ]);
    // A selected one gets its repositories (the fake gh answers "selected" to every call).
    expect(run(plan.commands, 'selected').at(-1)).toEqual([
      'gh',
      'secret',
      'set',
      '--org=northwind',
      '--visibility=selected',
      '--repos=selected',
      '--',
      'NPM_TOKEN',
    ]);
  });

  it('never passes an unknown visibility through, and a repository secret has none', () => {
    const odd = github.rotateSecret!(orgSecret('NPM_TOKEN', 'internal; rm -rf /'));
    expect(odd.commands[0]).toMatch(/^v="\$\(gh api orgs\/northwind\/actions\/secrets\/NPM_TOKEN --jq \.visibility\)"/);
    const repo = github.rotateSecret!({ ...orgSecret('STRIPE', 'all'), resource: 'northwind/shop' });
    expect(repo.commands).toEqual(['gh secret set --repo=northwind/shop -- STRIPE']);
  });

  it('keeps hostile names literal in every form', () => {
    for (const visibility of ['selected', 'all', undefined]) {
      const plan = github.rotateSecret!(orgSecret(EVIL, visibility, ORG_EVIL));
      const calls = run(plan.commands, visibility === undefined ? 'private' : 'web');
      expect(calls.at(-1)?.slice(-2)).toEqual(['--', EVIL]);
      expect(calls.at(-1)?.[3]).toBe(`--org=${ORG_EVIL}`);
    }
  });
});
