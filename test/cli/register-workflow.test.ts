// The register workflow through the CLI: onboarding with `request --new-person`, the request
// rules a reviewer would apply, `register diff` for the pull request, `register check`'s summary,
// and the demo's register and config usable outside `demo`. The README's onboarding walkthrough
// is run here command by command, as it is written.
import { copyFile, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, DEMO_NOW, runCli, tempDir, writeIn } from './harness.js';

const README = await readFile(join(import.meta.dirname, '../../README.md'), 'utf8');

/** The walkthrough's commands, continuation lines joined. */
function walkthrough(): string[] {
  const block = /<!-- onboarding-walkthrough:[^\n]*\n```sh\n([\s\S]*?)```/.exec(README)?.[1];
  if (!block) throw new Error('README: no onboarding walkthrough');
  return block
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .filter(Boolean);
}

/** Shell words of one command line: double quotes group, nothing else is special in ours. */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

interface FindingsDoc {
  findings: { rule: string; person?: string; account: string; system: string }[];
}

describe("the README's onboarding walkthrough", () => {
  const results: { line: string; code: number; stdout: string; stderr: string }[] = [];
  let dir: string;

  beforeAll(async () => {
    dir = await tempDir();
    for (const line of walkthrough()) {
      const [command, ...args] = words(line);
      if (command === 'cp') {
        await copyFile(join(dir, args[0]!), join(dir, args[1]!));
        results.push({ line, code: 0, stdout: '', stderr: '' });
        continue;
      }
      expect(command, line).toBe('npx');
      expect(args[0], line).toBe('lanekeeper');
      results.push({ line, ...(await runCli(args.slice(1), {}, dir)) });
    }
  }, 120_000);

  const step = (prefix: string) => {
    const found = results.find((r) => r.line.startsWith(prefix));
    if (!found) throw new Error(`the walkthrough has no step "${prefix}"`);
    return found;
  };

  it('runs the demo, which leaves its register and config beside the reports', async () => {
    expect(step('npx lanekeeper demo').code).toBe(0);
    const files = await readdir(join(dir, 'demo'));
    expect(files).toEqual(expect.arrayContaining(['register.yaml', 'lanekeeper.json', 'inventory.json']));
    const register = await readFile(join(dir, 'demo', 'register.before.yaml'), 'utf8');
    // Dates resolved to the demo's days; the demo-only note is replaced.
    expect(register).not.toContain('$today');
    expect(register).toContain('    start: 2026-05-28\n');
    expect(register).toContain('resolved to the days around 2026-11-29');
    const config = JSON.parse(await readFile(join(dir, 'demo', 'lanekeeper.json'), 'utf8'));
    expect(config.register).toBe('register.yaml');
    // No emulator endpoint survives: the config reads as a company's.
    expect(JSON.stringify(config)).not.toMatch(/127\.0\.0\.1|LANEKEEPER_SANDBOX/);
    expect(config.connectors.github.token).toBe(['${', 'GITHUB_TOKEN}'].join(''));
  });

  it('adds the new contractor and the first grant, leaving every other line as it was', async () => {
    const r = step('npx lanekeeper request');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'added quinn (contractor) with a first grant: write on northwind/shop (github, code lane)',
    );
    const before = await readFile(join(dir, 'demo', 'register.before.yaml'), 'utf8');
    const after = await readFile(join(dir, 'demo', 'register.yaml'), 'utf8');
    const block = [
      '',
      '  - id: quinn',
      '    name: Quinn Hale',
      '    kind: contractor',
      '    owner: priya',
      '    emails: [ quinn@quickfix.example ]',
      '    accounts: { github: [ quickfix-dev ] }',
      '    start: 2026-11-23',
      '    end: 2026-12-23',
      '    grants:',
      '      - task: Fix the flaky checkout tests in the shop',
      '        system: github',
      '        scope: northwind/shop',
      '        lane: code',
      '        access: write',
      '        start: 2026-11-23',
      '        end: 2026-12-23',
      '        ticket: QA-7',
      '',
    ].join('\n');
    const at = after.indexOf(block);
    expect(at).toBeGreaterThan(0);
    expect(after.slice(0, at) + after.slice(at + block.length)).toBe(before);
    // Inserted after the last person, before the shared accounts.
    expect(after.indexOf('  - id: quinn')).toBeLessThan(after.indexOf('shared_accounts:'));
    expect(after.indexOf('  - id: pete')).toBeLessThan(after.indexOf('  - id: quinn'));
  });

  it('shows the reviewer what the change does to access', () => {
    const r = step('npx lanekeeper register diff');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        '1 person change access; nothing needs special attention',
        '',
        'quinn: Quinn Hale (contractor, owner priya)',
        '  + New person: new contractor, engagement 2026-11-23 to 2026-12-23',
        '  + Grant added: write on northwind/shop (github, code lane), 2026-11-23 to 2026-12-23: "Fix the flaky checkout tests in the shop" [QA-7]',
        '',
      ].join('\n'),
    );
  });

  it('checks the register: valid, with the demo entry left incomplete on purpose', () => {
    const r = step('npx lanekeeper register check');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('demo/register.yaml: valid, but 1 entry is incomplete\n');
    expect(r.stderr).toContain('LK_REGISTER_INCOMPLETE_END');
    expect(r.stderr).toMatch(
      /demo\/register\.yaml: 1 problem in 1 person; first: \S+register\.yaml:\d+ people\[6\]\.grants\[0\]\n$/,
    );
  });

  it('scans the same inventory with the new register: quickfix-dev is Quinn now, approved', async () => {
    expect(step('npx lanekeeper scan').code).toBe(1);
    const doc = JSON.parse(await readFile(join(dir, 'demo', 'after', 'findings.json'), 'utf8')) as FindingsDoc;
    const before = JSON.parse(await readFile(join(dir, 'demo', 'findings.json'), 'utf8')) as FindingsDoc;
    const quickfix = (d: FindingsDoc) => d.findings.filter((f) => f.account === 'quickfix-dev');
    expect(quickfix(before).map((f) => f.rule)).toEqual(['unknown-account']);
    expect(quickfix(doc)).toEqual([]);
    // Approved: the only word on Quinn is that the approval ends within the month.
    expect(doc.findings.filter((f) => f.person === 'quinn').map((f) => f.rule)).toEqual(['expiring-soon']);
    // Nothing else moved.
    expect(doc.findings.length).toBe(before.findings.length);
  });

  it('prints a Start-here offboarding command that runs as printed, from where the demo ran', async () => {
    const report = await readFile(join(dir, 'demo', 'report.md'), 'utf8');
    const printed = /lanekeeper offboard sam [^`|\n]*/.exec(report)?.[0]?.trim();
    expect(printed).toBe('lanekeeper offboard sam --inventory demo/inventory.json --register demo/register.yaml');
    const r = await runCli(
      [...words(printed ?? '').slice(1), '--out', join(dir, 'printed'), '--now', DEMO_NOW],
      {},
      dir,
    );
    expect(r.stderr).not.toMatch(/give --config/);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('samortiz');
  });

  it('offboards from the demo inventory and register outside the demo', () => {
    const r = step('npx lanekeeper offboard sam');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('samortiz');
    expect(r.stdout).toContain('offboarding-sam-2026-11-29.md');
  });

  it('refuses the production lane for Quinn, as the README says, and writes nothing', async () => {
    const path = join(dir, 'demo', 'register.yaml');
    const before = await readFile(path, 'utf8');
    const r = await runCli(
      [
        'request',
        '--register',
        path,
        '--person',
        'quinn',
        '--task',
        'Deploy the checkout fix to production',
        '--system',
        'aws',
        '--scope',
        'northwind-production',
        '--lane',
        'production',
        '--access',
        'write',
        '--start',
        '2026-12-01',
        '--end',
        '2026-12-05',
      ],
      {},
      dir,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('LK_REQUEST_SECOND_LANE');
    expect(r.stderr).toContain('gives the contractor quinn the production lane while they hold code');
    expect(r.stderr).toContain('nothing was written');
    expect(await readFile(path, 'utf8')).toBe(before);
  });
});

/** A small register written for one test; returns its path. */
const registerFile = writeIn;

const BASE = `organization: Acme
people:
  - id: ann
    name: Ann Employee
    kind: employee
    emails: [ann@acme.example]
  - id: bob
    name: Bob Employee
    kind: employee
  # The contractor.
  - id: cleo
    name: Cleo Contractor
    kind: contractor
    owner: ann
    start: 2026-11-01
    end: 2027-01-31
    grants:
      - task: Build the billing export job
        system: github
        scope: acme/billing
        lane: code
        access: write
        start: 2026-11-01
        end: 2026-12-31
`;

const grantArgs = (over: Record<string, string> = {}) =>
  Object.entries({
    task: 'Read the billing tables to test the export',
    system: 'gcp',
    scope: 'projects/acme-data',
    lane: 'code',
    access: 'read',
    start: '2026-12-01',
    end: '2026-12-20',
    ...over,
  }).flatMap(([k, v]) => [`--${k}`, v]);

describe('request: what a reviewer would refuse exits 2 and writes nothing', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
  });

  const cases: { name: string; args: string[]; message: RegExp; base?: string }[] = [
    {
      name: 'a second lane for a contractor',
      args: ['--person', 'cleo', ...grantArgs({ lane: 'data' })],
      message:
        /LK_REQUEST_SECOND_LANE .*people\[2\]\.grants\[1\]\.lane: gives the contractor cleo the data lane while they hold code/,
    },
    {
      name: 'a grant that ends after the engagement',
      args: ['--person', 'cleo', ...grantArgs({ end: '2027-02-15' })],
      message: /LK_REGISTER_GRANT_OUTLASTS_ENGAGEMENT .*ends 2027-02-15, after cleo's engagement ends \(2027-01-31\)/,
    },
    {
      name: 'a grant that starts before the engagement',
      args: ['--person', 'cleo', ...grantArgs({ start: '2026-10-01' })],
      message: /LK_REQUEST_OUTSIDE_ENGAGEMENT .*starts 2026-10-01, before cleo's engagement starts \(2026-11-01\)/,
    },
    {
      name: 'an approval by a contractor',
      args: ['--new-person', 'dev', '--name', 'Dev Two', '--kind', 'contractor', '--owner', 'cleo', ...grantArgs()],
      message:
        /LK_REGISTER_OWNER_NOT_EMPLOYEE .*people\[3\]\.owner: owner cleo is a contractor: only an employee answers for access/,
    },
    {
      name: 'an approval by the person who benefits',
      args: ['--person', 'bob', ...grantArgs({ 'approved-by': 'bob' })],
      message: /LK_REQUEST_SELF_APPROVAL .*bob would approve their own access/,
    },
    {
      name: 'a task too vague to review',
      args: ['--person', 'cleo', ...grantArgs({ task: 'stuff' })],
      message: /LK_REGISTER_VAGUE_TASK/,
    },
    {
      name: 'a new contractor nobody owns',
      args: ['--new-person', 'dev', '--name', 'Dev Two', '--kind', 'contractor', ...grantArgs()],
      message: /LK_REGISTER_INCOMPLETE_OWNER/,
    },
    {
      name: 'a new person whose id is taken',
      args: ['--new-person', 'cleo', '--name', 'Cleo Again', '--kind', 'contractor', '--owner', 'ann', ...grantArgs()],
      message: /--new-person: "cleo" is already a person in the register; add a grant with --person cleo/,
    },
    {
      name: 'a new person without a name',
      args: ['--new-person', 'dev', '--kind', 'contractor', '--owner', 'ann', ...grantArgs()],
      message: /--new-person needs --name/,
    },
    {
      name: 'a new person of an unknown kind',
      args: ['--new-person', 'dev', '--name', 'Dev', '--kind', 'vendor', '--owner', 'ann', ...grantArgs()],
      message: /--kind: /,
    },
    {
      name: 'new-person options on someone who exists',
      args: ['--person', 'cleo', '--email', 'c@x.example', ...grantArgs()],
      message: /--email describe a new person: use them with --new-person/,
    },
    {
      name: 'both --person and --new-person',
      args: ['--person', 'cleo', '--new-person', 'dev', '--name', 'D', '--kind', 'contractor', ...grantArgs()],
      message: /give --person ID \(someone in the register\) or --new-person ID \(someone new\), not both/,
    },
    {
      name: 'a bad engagement',
      args: [
        '--new-person',
        'dev',
        '--name',
        'Dev',
        '--kind',
        'contractor',
        '--engagement',
        '2026-12-01',
        ...grantArgs(),
      ],
      message: /expected START\.\.END/,
    },
  ];

  it.each(cases)('$name', async ({ args, message }) => {
    const path = await registerFile(dir, 'refused.yaml', BASE);
    const r = await runCli(['request', '--register', path, ...args], {}, dir);
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(await readFile(path, 'utf8')).toBe(BASE);
  });

  it('accepts a second lane when the register grants a lanes exception that covers it', async () => {
    const text = BASE.replace(
      '    end: 2027-01-31\n',
      '    end: 2027-01-31\n    lanes_exception: { reason: Writes the export and checks its data, approved_by: ann, end: 2027-01-31 }\n',
    );
    const path = await registerFile(dir, 'exception.yaml', text);
    const r = await runCli(
      ['request', '--register', path, '--person', 'cleo', ...grantArgs({ lane: 'data' })],
      {},
      dir,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // An exception that ended before the grant starts does not.
    const lapsed = await registerFile(
      dir,
      'lapsed.yaml',
      text.replace('approved_by: ann, end: 2027-01-31 }', 'approved_by: ann, end: 2026-11-30 }'),
    );
    const again = await runCli(
      ['request', '--register', lapsed, '--person', 'cleo', ...grantArgs({ lane: 'data' })],
      {},
      dir,
    );
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('LK_REQUEST_SECOND_LANE');
  });

  it('accepts another lane once the first has ended, and an employee with two lanes', async () => {
    const path = await registerFile(dir, 'later.yaml', BASE);
    const later = await runCli(
      [
        'request',
        '--register',
        path,
        '--person',
        'cleo',
        ...grantArgs({ lane: 'data', start: '2027-01-02', end: '2027-01-20' }),
      ],
      {},
      dir,
    );
    expect(later.stderr).toBe('');
    expect(later.code).toBe(0);
    const employee = await runCli(
      ['request', '--register', path, '--person', 'bob', ...grantArgs({ lane: 'production' })],
      {},
      dir,
    );
    expect(employee.code).toBe(0);
  });

  it("says nothing about other people: an incomplete entry elsewhere is not this request's news", async () => {
    const text = BASE.replace('        end: 2026-12-31\n', '');
    const path = await registerFile(dir, 'other.yaml', text);
    const r = await runCli(['request', '--register', path, '--person', 'bob', ...grantArgs()], {}, dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('brings in a new person into a register with no people yet, as a block list', async () => {
    const path = await registerFile(dir, 'empty.yaml', 'organization: Acme # the company\npeople: [] # nobody yet\n');
    const r = await runCli(
      [
        'request',
        '--register',
        path,
        '--new-person',
        'dev',
        '--name',
        'Dev Two',
        '--kind',
        'employee',
        '--email',
        'dev@acme.example',
        'dev2@acme.example',
        ...grantArgs(),
      ],
      {},
      dir,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(await readFile(path, 'utf8')).toBe(
      [
        'organization: Acme # the company',
        'people: # nobody yet',
        '  - id: dev',
        '    name: Dev Two',
        '    kind: employee',
        '    emails: [ dev@acme.example, dev2@acme.example ]',
        '    grants:',
        '      - task: Read the billing tables to test the export',
        '        system: gcp',
        '        scope: projects/acme-data',
        '        lane: code',
        '        access: read',
        '        start: 2026-12-01',
        '        end: 2026-12-20',
        '',
      ].join('\n'),
    );
  });
});

describe('register diff', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
  });

  const diff = async (head: string, ...extra: string[]) => {
    const base = await registerFile(dir, 'base.yaml', BASE);
    const path = await registerFile(dir, 'head.yaml', head);
    return runCli(['register', 'diff', base, path, '--now', '2026-11-29T09:00:00Z', ...extra], {}, dir);
  };

  it('names each kind of change, attention first', async () => {
    const head = `${BASE.replace('owner: ann', 'owner: bob')
      .replace('        end: 2026-12-31\n', '        end: 2027-01-31\n')
      .replace(
        '    end: 2027-01-31\n    grants:',
        '    end: 2027-03-31\n    grants:',
      )}      - task: Run the billing backfill on production
        system: aws
        scope: acme-prod
        lane: production
        access: write
        start: 2026-12-01
        end: 2026-12-10
  - id: eve
    name: Eve Employee
    kind: employee
    grants:
      - task: Approve her own admin on the data project
        system: gcp
        scope: projects/acme-data
        lane: data
        access: admin
        start: 2026-12-01
        end: 2026-12-31
        approved_by: eve
accepted_risks:
  - { rule: mfa-missing, system: github, account: cleo-dev, reason: Key in the post, accepted_by: ann, end: 2026-12-15 }
`;
    const r = await diff(head);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        "2 people and 1 other entry change access; 3 need a reviewer's attention (!)",
        '',
        'cleo: Cleo Contractor (contractor, owner bob)',
        '  ! Owner changed: owner ann → bob',
        '  ! Engagement changed: engagement 2026-11-01 to 2027-01-31 → 2026-11-01 to 2027-03-31',
        '  + Grant added: write on acme-prod (aws, production lane), 2026-12-01 to 2026-12-10: "Run the billing backfill on production"',
        '  ~ Grant extended: write on acme/billing (github, code lane): 2026-11-01 to 2026-12-31 → 2026-11-01 to 2027-01-31',
        '  ! Lane gained: production; now holds code, production (contractor, no lanes exception)',
        '  ! Production write gained: aws acme-prod',
        'eve: Eve Employee (employee)',
        // An employee's access is approved by employment: a new employee approves all they hold.
        '  ! New person: new employee',
        '  + Grant added: admin on projects/acme-data (gcp, data lane), 2026-12-01 to 2026-12-31: "Approve her own admin on the data project", approved by eve',
        '  ! Self-approval: eve approves their own access: admin on projects/acme-data (gcp, data lane), 2026-12-01 to 2026-12-31: "Approve her own admin on the data project", approved by eve',
        'mfa-missing github cleo-dev: accepted risk mfa-missing github cleo-dev',
        '  ! Accepted risk: accepted until 2026-12-15: "Key in the post", accepted by ann',
        '',
      ].join('\n'),
    );
  });

  it('says when grants are removed, shortened or lowered, without raising attention', async () => {
    const head = BASE.replace('        access: write\n', '        access: read\n').replace(
      '        end: 2026-12-31\n',
      '        end: 2026-12-15\n',
    );
    const r = await diff(head);
    expect(r.stdout).toContain('1 person change access; nothing needs special attention');
    expect(r.stdout).toContain('  ~ Access lowered: read on acme/billing (github, code lane): write → read');
    expect(r.stdout).toContain(
      '  ~ Grant shortened: read on acme/billing (github, code lane): 2026-11-01 to 2026-12-31 → 2026-11-01 to 2026-12-15',
    );
    const removed = await diff(BASE.slice(0, BASE.indexOf('    grants:')));
    expect(removed.stdout).toContain('  - Grant removed: write on acme/billing (github, code lane)');
    expect(removed.stdout).not.toContain('!');
  });

  it('reports no change when only comments and order of keys move', async () => {
    const head = BASE.replace('# The contractor.', '# Cleo, from Contractly.').replace(
      '        lane: code\n        access: write\n',
      '        access: write\n        lane: code\n',
    );
    const r = await diff(head);
    expect(r.stdout).toBe('No access changes: this change to the register does not change who may do what.\n');
  });

  it('treats an empty base as no register yet', async () => {
    const base = await registerFile(dir, 'empty.yaml', '');
    const head = await registerFile(dir, 'head.yaml', BASE);
    const r = await runCli(['register', 'diff', base, head, '--now', '2026-11-29T09:00:00Z'], {}, dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('3 people change access');
    expect(r.stdout).toContain('  + Grant added: write on acme/billing (github, code lane)');
  });

  it('writes a pull-request comment in which nothing from the register becomes markup', async () => {
    const head = BASE.replace(
      'task: Build the billing export job',
      'task: "Build it <img src=x onerror=alert(1)> [click](https://evil.example) @ann #12 `code`"',
    );
    const r = await diff(head, '--format', 'markdown');
    expect(r.code).toBe(0);
    const md = r.stdout;
    expect(
      md.startsWith('<!-- lanekeeper:register-diff -->\n### lanekeeper: what this register change does to access\n'),
    ).toBe(true);
    expect(md).toContain('#### cleo: Cleo Contractor \\(contractor, owner ann\\)');
    expect(md).toContain('\\<img src=x onerror=alert\\(1\\)\\>');
    expect(md).toContain('\\[click\\]\\(https\\://evil.example\\)');
    expect(md).toContain('@\u200bann');
    expect(md).toContain('\\#\u200b12');
    // On the changed line, every < [ ( ` from the register is escaped.
    const line = md.split('\n').find((l) => l.includes('Grant changed'))!;
    expect(line).not.toMatch(/(?<!\\)[<[(`]/);
  });

  it('exits 2 naming the file and line of an invalid register', async () => {
    const r = await diff(BASE.replace('owner: ann', 'owner: nobody'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/LK_REGISTER_OWNER_UNKNOWN \S*head\.yaml:\d+ people\[2\]\.owner/);
  });
});

describe('register check ends with a count and groups the fixes', () => {
  it('lists each problem on its line, each fix once, and where to start', async () => {
    const dir = await tempDir();
    const text =
      BASE.replace('owner: ann', 'owner: TODO')
        .replace('task: Build the billing export job', 'task: TODO')
        .replace('        end: 2026-12-31\n', '        end: TODO\n') +
      'shared_accounts:\n  - { system: github, id: acme-bot, kind: bot, owner: TODO, purpose: TODO }\n';
    const path = await registerFile(dir, 'draft.yaml', text);
    const r = await runCli(['register', 'check', path], {}, dir);
    expect(r.code).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('LK_REGISTER_PLACEHOLDER '))).toHaveLength(5);
    // One fix for five problems.
    expect(lines.filter((l) => l.trim().startsWith('fix:'))).toEqual([]);
    expect(lines).toContain('how to fix:');
    expect(lines.filter((l) => l.startsWith('  LK_REGISTER_PLACEHOLDER (5) '))).toHaveLength(1);
    expect(lines.at(-1)).toMatch(
      /draft\.yaml: 5 problems in 1 person and 1 shared account; first: \S+draft\.yaml:14 people\[2\]\.owner$/,
    );
  });
});

describe('register check on a given day', () => {
  /** Ann's last day is 2026-11-30: the register is valid that evening, and fails the next day. */
  async function checkAroundAnnsLastDay(text: string): Promise<CliRun> {
    const dir = await tempDir();
    const path = await registerFile(dir, 'register.yaml', text);
    const lastDay = await runCli(['register', 'check', path, '--now', '2026-11-30T18:00:00Z'], {}, dir);
    expect([lastDay.code, lastDay.stdout]).toEqual([0, `${path}: valid\n`]);
    const after = await runCli(['register', 'check', path, '--now', '2026-12-01T00:00:00Z'], {}, dir);
    expect(after.code).toBe(1);
    return after;
  }
  const annLeaves = (text: string) =>
    text.replace('emails: [ann@acme.example]\n', 'emails: [ann@acme.example]\n    end: 2026-11-30\n');

  it('fails on a contractor whose owner has left, and on a live approval whose approver has left', async () => {
    const after = await checkAroundAnnsLastDay(
      annLeaves(BASE).replace('        access: write\n', '        access: write\n        approved_by: ann\n'),
    );
    expect(after.stderr).toMatch(
      /LK_REGISTER_OWNER_LEFT .*register\.yaml:15 people\[2\]\.owner: owner ann left on 2026-11-30/,
    );
    expect(after.stderr).toMatch(
      /LK_REGISTER_APPROVER_LEFT .*register\.yaml:\d+ people\[2\]\.grants\[0\]\.approved_by: approved by ann, who left on 2026-11-30/,
    );
  });

  it('fails on a declared account whose owner has left', async () => {
    const after =
      await checkAroundAnnsLastDay(`${annLeaves(BASE).replace('    owner: ann\n', '    owner: bob\n')}shared_accounts:
  - system: github
    id: acme-deploy
    kind: bot
    owner: ann
    purpose: Deploys the billing service
`);
    expect(after.stderr).toMatch(
      /LK_REGISTER_ACCOUNT_OWNER_LEFT .*register\.yaml:\d+ shared_accounts\[0\]\.owner: owner ann left on 2026-11-30: no employee answers for the bot account acme-deploy now/,
    );
  });
});

describe('demo --next-week without --history', () => {
  it('scans the first week into a temporary history, so the second shows what changed, and removes it', async () => {
    const dir = await tempDir();
    const before = (await readdir(tmpdir())).filter((f) => f.startsWith('lanekeeper-demo'));
    const r = await runCli(['demo', '--next-week', '--out', join(dir, 'week2'), '--now', DEMO_NOW, '--quiet'], {}, dir);
    expect(r.code).toBe(0);
    const md = await readFile(join(dir, 'week2', 'report.md'), 'utf8');
    // Compared with the first week's scan, a week earlier: the changes of next-week.json, named.
    expect(md).toContain('## What changed since 2026-11-29\n\nCompared with the scan of 2026-11-29 09:00 UTC.');
    expect(md).toContain('1 account added, 1 grant added, 1 level raised, 1 credential created.');
    expect(md.slice(md.indexOf('## What changed since'))).toMatch(
      /^\| .*account added.* \| github .*\| fastfix-agency/m,
    );
    const doc = JSON.parse(await readFile(join(dir, 'week2', 'findings.json'), 'utf8')) as {
      findings: { rule: string }[];
    };
    expect(doc.findings.some((f) => f.rule === 'drift')).toBe(true);
    expect((await readdir(tmpdir())).filter((f) => f.startsWith('lanekeeper-demo'))).toEqual(before);
  }, 60_000);

  it('keeps the story’s dates a week on: the same register, its approvals a week nearer their end', async () => {
    const dir = await tempDir();
    const week = async (out: string, ...more: string[]) => {
      const r = await runCli(['demo', '--out', join(dir, out), '--now', DEMO_NOW, '--quiet', ...more], {}, dir);
      expect(r.code).toBe(0);
      return readFile(join(dir, out, 'register.yaml'), 'utf8');
    };
    const first = await week('week1');
    expect(await week('week2', '--next-week')).toBe(first);
    // Sam's engagement ended on the same day in both weeks, so it has lasted a week longer.
    const ended = async (out: string) =>
      /still live (\d+) days after their engagement ended (\d{4}-\d\d-\d\d)/.exec(
        await readFile(join(dir, out, 'report.md'), 'utf8'),
      );
    const [, days1, day1] = (await ended('week1')) ?? [];
    const [, days2, day2] = (await ended('week2')) ?? [];
    expect(day2).toBe(day1);
    expect(Number(days2)).toBe(Number(days1) + 7);
  }, 60_000);
});
