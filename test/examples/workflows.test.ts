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
    const permissions = wf.permissions as Record<string, string>;
    expect(permissions['id-token']).toBe('write');
    expect(permissions.contents).toBe('read');
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
