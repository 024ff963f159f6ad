// Offboarding the demo's freelance developer against the running demo emulators, then again
// after the company has done everything the checklist asked (issue 7's "done when").
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectors } from '../../connectors/index.js';
import { DEMO_DIR, writeDemoConfig } from '../../src/app/demo.js';
import { loadScenario, startSandbox } from '../../src/app/sandbox.js';
import { resolveRelativeDates } from '../../src/core/dates.js';
import { DEMO_NOW, runCli, startDemoSandbox, tempDir } from './harness.js';

// Scenario JSON is edited freely here; its shape is checked by each emulator's schema when served.
// biome-ignore lint/suspicious/noExplicitAny: loosely typed scenario documents
type Json = Record<string, any>;

/** The demo after Sam's closeout: his accounts gone, every secret he could read rotated today. */
function afterCloseout(scenario: Record<string, Json>, now: string): Record<string, Json> {
  const s = structuredClone(scenario);
  const gh = s.github as Json;
  gh.users = gh.users.filter((u: Json) => u.login !== 'samortiz');
  for (const repo of gh.repos) {
    repo.collaborators = (repo.collaborators ?? []).filter((c: Json) => c.login !== 'samortiz');
    for (const secret of repo.secrets ?? []) secret.updatedAt = now;
  }
  for (const secret of gh.orgSecrets ?? []) secret.updatedAt = now;
  const aws = s.aws as Json;
  const prod = aws.accounts[0];
  prod.users = prod.users.filter((u: Json) => u.name !== 'sam-ortiz');
  for (const u of prod.users) if (u.name === 'ops-admin') u.password.createdAt = now;
  const gcp = s.gcp as Json;
  for (const folder of gcp.folders) folder.bindings = [];
  for (const p of gcp.projects)
    for (const sa of p.serviceAccounts ?? []) for (const k of sa.keys) k.validAfterTime = now;
  const slack = s.slack as Json;
  for (const u of slack.users) if (u.email === 'sam@ortiz.dev') u.deleted = true;
  return s;
}

describe('lanekeeper offboard on the demo', () => {
  it('lists everything Sam still holds, each with a command, and exits 1', async () => {
    const demo = await startDemoSandbox();
    try {
      const out = await tempDir();
      const run = await runCli(
        ['offboard', 'sam', '--config', demo.configPath, '--out', out, '--now', DEMO_NOW],
        demo.env,
      );
      expect(run.code).toBe(1);
      for (const expected of [
        'gh api --method DELETE repos/northwind/shop/collaborators/samortiz',
        'gh api --method DELETE repos/northwind/infra/collaborators/samortiz',
        'gh secret set --repo=northwind/shop -- STRIPE_SECRET_KEY',
        'aws iam delete-user --user-name=sam-ortiz',
        'delete-access-key --user-name=sam-ortiz',
        'gcloud resource-manager folders remove-iam-policy-binding 987654321098 --member=user:sam@ortiz.dev --role=roles/editor',
        'Deactivate the guest @sam.ortiz (U0SAM)',
      ]) {
        expect(run.stdout).toContain(expected);
      }
      const record = await readFile(join(out, 'offboarding-sam-2026-11-29.md'), 'utf8');
      expect(record).toContain('STRIPE_SECRET_KEY');
    } finally {
      await demo.sandbox.close();
    }
  });

  it('exits 0 once nothing is left behind', async () => {
    const now = new Date(DEMO_NOW);
    const scenario = afterCloseout(
      (await loadScenario(join(DEMO_DIR, 'scenario.json'), now)) as Record<string, Json>,
      DEMO_NOW,
    );
    const sandbox = await startSandbox(scenario, connectors, { now });
    try {
      const dir = await tempDir();
      const configPath = await writeDemoConfig(sandbox, dir, undefined, now);
      const registerText = await readFile(join(DEMO_DIR, 'register.yaml'), 'utf8');
      // Sam is no longer a user of the shared ops-admin account.
      const register = resolveRelativeDates(registerText, now).replace(
        'users: [dana, priya, sam]',
        'users: [dana, priya]',
      );
      await writeFile(join(dir, 'register.yaml'), register);
      const run = await runCli(
        [
          'offboard',
          'sam',
          '--config',
          configPath,
          '--register',
          join(dir, 'register.yaml'),
          '--out',
          dir,
          '--now',
          DEMO_NOW,
        ],
        sandbox.env,
      );
      expect(run.stdout).toMatch(/Nothing is left behind\./);
      expect(run.code).toBe(0);
    } finally {
      await sandbox.close();
    }
  });
});
