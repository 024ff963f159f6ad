// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${{ … }} is GitHub Actions' own expression syntax, quoted on purpose
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '../..');

interface Step {
  uses?: string;
  run?: string;
  shell?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}

async function load(path: string): Promise<Record<string, unknown>> {
  return parse(await readFile(join(root, path), 'utf8'), { strict: true, uniqueKeys: true }) as Record<string, unknown>;
}

function expectValidSteps(steps: Step[], composite: boolean): void {
  expect(steps.length).toBeGreaterThan(0);
  for (const step of steps) {
    // GitHub requires exactly one of uses/run; composite run steps also need a shell.
    expect(Boolean(step.uses) !== Boolean(step.run), JSON.stringify(step)).toBe(true);
    if (composite && step.run) expect(step.shell).toBeTruthy();
  }
}

describe.each(['examples/github-actions/weekly-scan.yml', 'examples/github-actions/access-gate.yml'])('%s', (path) => {
  it('is a workflow with the fields GitHub requires', async () => {
    const wf = await load(path);
    expect(typeof wf.name).toBe('string');
    expect(wf.on).toBeTruthy();
    const jobs = wf.jobs as Record<string, { 'runs-on': string; steps: Step[] }>;
    expect(Object.keys(jobs).length).toBeGreaterThan(0);
    for (const job of Object.values(jobs)) {
      expect(job['runs-on']).toBeTruthy();
      expectValidSteps(job.steps, false);
    }
  });

  it('asks for OIDC instead of long-lived cloud keys, and no write access to the code', async () => {
    const wf = await load(path);
    // Workflow-wide, or per job where jobs need different ones (the access gate's review job holds no token).
    const jobs = Object.values(wf.jobs as Record<string, { permissions?: Record<string, string> }>);
    const scanning = jobs.map((j) => j.permissions ?? (wf.permissions as Record<string, string>));
    expect(scanning.some((p) => p['id-token'] === 'write')).toBe(true);
    for (const p of [wf.permissions as Record<string, string>, ...scanning]) expect(p.contents).toBe('read');
    expect(JSON.stringify(wf)).not.toMatch(/AWS_SECRET_ACCESS_KEY|GOOGLE_APPLICATION_CREDENTIALS/);
  });
});

describe('the weekly scan', () => {
  it('runs on a schedule and carries the history between runs', async () => {
    const wf = await load('examples/github-actions/weekly-scan.yml');
    expect((wf.on as { schedule: { cron: string }[] }).schedule[0]?.cron).toMatch(/^\S+ \S+ \S+ \S+ \S+$/);
    const text = await readFile(join(root, 'examples/github-actions/weekly-scan.yml'), 'utf8');
    expect(text).toContain('gh run download');
    expect(text).toContain('name: lanekeeper-history');
  });
});

describe('the workflows and the action trust only what they must', () => {
  const files = [
    'action.yml',
    'examples/github-actions/weekly-scan.yml',
    'examples/github-actions/access-gate.yml',
    'examples/github-actions/sharded-scan.yml',
  ];

  it.each(files)('%s pins every action it uses by commit SHA', async (path) => {
    const text = await readFile(join(root, path), 'utf8');
    const uses = [...text.matchAll(/^\s*-?\s*uses:\s*(\S+)/gm)].map((m) => m[1] ?? '');
    expect(uses.length).toBeGreaterThan(0);
    for (const ref of uses.filter((u) => !u.startsWith('lanekeeper/lanekeeper@')))
      expect(ref, path).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
  });

  it.each(['examples/github-actions/weekly-scan.yml', 'examples/github-actions/sharded-scan.yml'])(
    '%s takes the previous history only from a scheduled run of the default branch',
    async (path) => {
      const text = await readFile(join(root, path), 'utf8');
      const list = text.split('\n').find((l) => l.includes('gh run list')) ?? '';
      expect(list).toContain('--branch "$DEFAULT_BRANCH"');
      expect(list).toContain('--event schedule');
      expect(text).toContain('DEFAULT_BRANCH: ${{ github.event.repository.default_branch }}');
    },
  );

  it('the access gate reads the config from the base branch and keeps its secrets behind an environment', async () => {
    const wf = await load('examples/github-actions/access-gate.yml');
    const job = (wf.jobs as Record<string, { environment?: string; steps: Step[] }>).gate;
    expect(job?.environment).toBeTruthy();
    const steps = job?.steps ?? [];
    const fetchBase = steps.find((s) => s.run?.includes('pull_request.base.sha') || s.run?.includes('$BASE_SHA'));
    expect(fetchBase?.run).toContain('$RUNNER_TEMP/lanekeeper.json');
    const scan = steps.find((s) => s.uses?.startsWith('lanekeeper/lanekeeper@'));
    expect(scan?.with?.config).toBe('${{ runner.temp }}/lanekeeper.json');
    expect(scan?.with?.register).toBe('access/register.yaml');
    // The checkout of the pull request leaves no token in .git for later steps.
    expect(steps[0]?.with?.['persist-credentials']).toBe(false);
  });
});

describe('the register review', () => {
  it('posts what a register change does to access, from the base branch to the pull request, holding no secret', async () => {
    const text = await readFile(join(root, 'examples/github-actions/access-gate.yml'), 'utf8');
    const wf = await load('examples/github-actions/access-gate.yml');
    const job = (
      wf.jobs as Record<string, { environment?: string; permissions?: Record<string, string>; steps: Step[] }>
    )['register-review'];
    expect(job?.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    expect(job?.environment).toBeUndefined();
    const runs = (job?.steps ?? []).map((s) => `${s.run ?? ''} ${JSON.stringify(s.env ?? {})}`).join('\n');
    expect(runs).not.toContain('secrets.');
    expect(runs).toContain('ref=$BASE_SHA');
    expect(runs).toMatch(/register diff "\$RUNNER_TEMP\/base-register\.yaml" "\$REGISTER" --format markdown/);
    expect(runs).toContain('register check "$REGISTER"');
    // The comment it updates is the one the markdown starts with.
    const { DIFF_COMMENT_MARKER } = await import('../../src/pipeline/register/diff-format.js');
    expect(text).toContain(`marker='${DIFF_COMMENT_MARKER}'`);
    // The top-level token is read-only; each job asks for what it needs.
    expect(wf.permissions).toEqual({ contents: 'read' });
  });
});

describe('action.yml', () => {
  it('is a composite action whose run steps name a shell and pass inputs through the environment', async () => {
    const action = await load('action.yml');
    expect(action.name).toBe('lanekeeper');
    expect(typeof action.description).toBe('string');
    const runs = action.runs as { using: string; steps: Step[] };
    expect(runs.using).toBe('composite');
    expectValidSteps(runs.steps, true);
    for (const step of runs.steps) if (step.run) expect(step.run).not.toContain('${{');
  });
});
