// Input the company relies on is strict: `register check` fails a pull request that adds an
// entry the scan could only complain about, a config without a register is bad input with a
// code, and --now is ISO-8601 or nothing, so the clock never depends on the machine.
import { rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, writeIn } from './harness.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});
async function fileIn(name: string, text: string): Promise<string> {
  const dir = await tempDir();
  dirs.push(dir);
  return writeIn(dir, name, text);
}

const REGISTER = `organization: Acme
people:
  - id: dana
    name: Dana
    kind: employee
    emails: [dana@acme.example]
  - id: sam
    name: Sam
    kind: contractor
    owner: dana
    emails: [sam@sam.dev]
    start: 2026-05-01
    end: 2026-05-31
    grants:
      - task: Fix the payment step that fails on phones
        system: github
        scope: acme/shop
        lane: code
        access: write
        start: 2026-05-01
        end: 2026-05-31
`;

describe('register check is the gate for what the scan reports as register-incomplete', () => {
  it('exits 0 on a complete register', async () => {
    const run = await runCli(['register', 'check', await fileIn('register.yaml', REGISTER)]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/register\.yaml: valid\n$/);
  });

  it.each([
    [
      'a contractor with no owner',
      REGISTER.replace('    owner: dana\n', ''),
      'LK_REGISTER_INCOMPLETE_OWNER',
      7,
      'people[1]',
    ],
    [
      'a contractor grant with no end date',
      REGISTER.replace('        end: 2026-05-31\n', ''),
      'LK_REGISTER_INCOMPLETE_END',
      15,
      'people[1].grants[0]',
    ],
    [
      'a grant that ends after the engagement',
      REGISTER.replace('        end: 2026-05-31\n', '        end: 2026-06-30\n'),
      'LK_REGISTER_GRANT_OUTLASTS_ENGAGEMENT',
      21,
      'people[1].grants[0].end',
    ],
    [
      'a grant that starts before the engagement',
      REGISTER.replace('        start: 2026-05-01\n', '        start: 2026-04-20\n'),
      'LK_REGISTER_GRANT_BEFORE_ENGAGEMENT',
      20,
      'people[1].grants[0].start',
    ],
    [
      'a lanes exception with no end date',
      REGISTER.replace(
        '    grants:\n',
        '    lanes_exception:\n      reason: Covers on-call while Lee is away\n      approved_by: dana\n    grants:\n',
      ),
      'LK_REGISTER_EXCEPTION_NO_END',
      15,
      'people[1].lanes_exception',
    ],
  ])('exits 1 on %s, naming the file, line and field', async (_name, text, code, line, field) => {
    const path = await fileIn('register.yaml', text);
    const run = await runCli(['register', 'check', path]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${code} ${path}:${line} ${field}:`);
    expect(run.stdout).toMatch(/valid, but 1 entry is incomplete/);
  });

  it('still exits 2, not 1, when the register is also invalid', async () => {
    const text = REGISTER.replace('    owner: dana\n', '    owner: ghost\n').replace('        end: 2026-05-31\n', '');
    const run = await runCli(['register', 'check', await fileIn('register.yaml', text)]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('LK_REGISTER_OWNER_UNKNOWN');
  });
});

describe('a config without a register', () => {
  const config = JSON.stringify({
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's own ${VAR} reference
    connectors: { github: { org: 'acme', token: '${GITHUB_TOKEN}', lanes: { production: [], data: [] } } },
  });

  it.each([['scan'], ['offboard', 'sam']])('is bad input with a code for %s', async (...command) => {
    const path = await fileIn('config.json', config);
    const run = await runCli([...command, '--config', path], { GITHUB_TOKEN: 'x' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`LK_CONFIG_NO_REGISTER ${path} register:`);
  });
});

describe('--now is ISO-8601 only', () => {
  it.each([['Dec 10'], ['12/10/2026'], ['2026-12-10T09:00'], ['2026-02-30']])(
    'refuses %j with exit 2, before reading anything',
    async (now) => {
      for (const command of [
        ['scan', '--config', 'missing.json'],
        ['offboard', 'sam', '--config', 'missing.json'],
      ]) {
        const run = await runCli([...command, '--now', now]);
        expect(run.code).toBe(2);
        expect(run.stderr).toContain('ISO-8601');
      }
    },
  );

  it.each([['2026-12-10'], ['2026-12-10T09:00:00+01:00']])('accepts %j', async (now) => {
    const run = await runCli(['scan', '--config', 'missing.json', '--now', now]);
    // Past the clock: it is the missing config that stops it.
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('LK_CONFIG_NOT_FOUND');
  });
});
