// `lanekeeper offboard` as runOffboard: from a saved inventory or a fresh collect against the
// demo's emulators; exit 1 while anything remains, 0 when nothing is left, 2 and 3 otherwise.
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOffboard } from '../../src/app/commands/offboard.js';
import type { Snapshot } from '../../src/core/model.js';
import { DEMO_NOW, type DemoSandbox, startDemoSandbox, tempDir } from '../cli/harness.js';
import { cleanedSnapshot, NOW, REGISTER_YAML, snapshot } from './fixture.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(
  options: Omit<Parameters<typeof runOffboard>[0], 'now' | 'env'> & { env?: Record<string, string> },
  now = NOW,
): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runOffboard(
    { env: {}, now, ...options },
    {
      stdout: (t) => {
        stdout += t;
      },
      stderr: (t) => {
        stderr += t;
      },
    },
  );
  return { code, stdout, stderr };
}

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
  await writeFile(join(dir, 'register.yaml'), REGISTER_YAML);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function inventory(name: string, s: Snapshot): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, JSON.stringify(s));
  return path;
}

describe('runOffboard with a saved inventory', () => {
  it('prints the checklist, writes the record and exits 1 while anything remains', async () => {
    const out = join(dir, 'out-1');
    const r = await run({
      person: 'sam',
      inventoryPath: await inventory('before.json', snapshot()),
      registerPath: join(dir, 'register.yaml'),
      outDir: out,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('[ ] account samortiz (outside-collaborator)');
    expect(r.stdout).toContain('$ gh api --method DELETE orgs/northwind/outside_collaborators/samortiz');
    expect(await readdir(out)).toEqual(['offboarding-sam-2026-11-29.md']);
    const md = await readFile(join(out, 'offboarding-sam-2026-11-29.md'), 'utf8');
    expect(md).toContain('- [ ] **account samortiz \\(outside-collaborator\\)** (account)');
    expect(md).toContain('gcloud resource-manager folders remove-iam-policy-binding 987654321098');
  });

  it('exits 0 when nothing is left behind', async () => {
    const r = await run({
      person: 'sam',
      inventoryPath: await inventory('after.json', cleanedSnapshot()),
      registerPath: join(dir, 'register.yaml'),
      outDir: join(dir, 'out-0'),
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Nothing is left behind.');
  });

  it('exits 3 when a system could not be read, since what it holds is unknown', async () => {
    const s = snapshot();
    s.systems = s.systems.map((x) => (x.system === 'aws' ? { ...x, ok: false, error: 'AccessDenied' } : x));
    const r = await run({
      person: 'sam',
      inventoryPath: await inventory('partial.json', s),
      registerPath: join(dir, 'register.yaml'),
      outDir: join(dir, 'out-3'),
    });
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('Incomplete: aws could not be read');
  });

  it('exits 2 for an unknown person and lists the known ones, before reading anything', async () => {
    const r = await run({
      person: 'samm',
      inventoryPath: join(dir, 'does-not-exist.json'),
      registerPath: join(dir, 'register.yaml'),
      outDir: join(dir, 'out-2'),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('lanekeeper offboard: "samm" is not a person in the register; known: dana, sam\n');
  });

  it('exits 2 for missing or unreadable input', async () => {
    expect((await run({ person: 'sam', outDir: dir })).code).toBe(2);
    const noRegister = await run({ person: 'sam', inventoryPath: await inventory('x.json', snapshot()), outDir: dir });
    expect(noRegister.code).toBe(2);
    expect(noRegister.stderr).toMatch(/--inventory needs --register/);
    const badInventory = join(dir, 'bad.json');
    await writeFile(badInventory, '{"schemaVersion": 1}');
    const bad = await run({
      person: 'sam',
      inventoryPath: badInventory,
      registerPath: join(dir, 'register.yaml'),
      outDir: dir,
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not a lanekeeper inventory/);
  });
});

describe('runOffboard with a fresh collect', () => {
  let demo: DemoSandbox;
  beforeAll(async () => {
    demo = await startDemoSandbox(new Date(DEMO_NOW), ['github', 'slack']);
  });
  afterAll(async () => {
    await demo.sandbox.close();
    await rm(demo.dir, { recursive: true, force: true });
  });

  it("lists the demo freelancer's GitHub collaborator access, secrets and Slack guest", async () => {
    const r = await run(
      { person: 'sam', configPath: demo.configPath, outDir: join(demo.dir, 'out'), env: demo.env },
      new Date(DEMO_NOW),
    );
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('$ gh api --method DELETE orgs/northwind/outside_collaborators/samortiz');
    expect(r.stdout).toContain('$ gh api --method DELETE repos/northwind/infra/collaborators/samortiz');
    expect(r.stdout).toContain('$ gh secret set --repo=northwind/shop -- STRIPE_SECRET_KEY');
    expect(r.stdout).toContain('[ ] account sam.ortiz (multi-channel-guest)');
    expect(r.stdout).toMatch(/Remove @sam\.ortiz \(U0SAM\) from #checkout-fix/);
  });
});
