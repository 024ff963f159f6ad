// The bad-input corpus: every broken register in test/fixtures/registers/cases.json must be
// refused with the expected code, line, field and message, and nothing else may slip through.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode, InputError, isError, type Problem } from '../../src/core/errors.js';
import { checkRegisterFile, loadRegister } from '../../src/pipeline/register/index.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/registers');
const KNOWN_SYSTEMS = ['github', 'aws', 'gcp', 'slack'];

interface ExpectedProblem {
  code: string;
  line?: number;
  field?: string;
  message?: string;
}
interface Case {
  file: string;
  why: string;
  /** When true, the errors are exactly the expected ones; otherwise they include them. */
  exact: boolean;
  problems: ExpectedProblem[];
}

const cases = JSON.parse(await readFile(join(FIXTURES, 'cases.json'), 'utf8')) as Case[];

async function refusal(path: string, file?: string): Promise<InputError> {
  const error = await loadRegister(path, { knownSystems: KNOWN_SYSTEMS, displayPath: file }).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof InputError)) throw new Error(`expected an InputError, got ${String(error)}`);
  return error;
}

function matches(p: Problem, e: ExpectedProblem): boolean {
  return (
    p.code === e.code &&
    (e.line === undefined || p.line === e.line) &&
    (e.field === undefined || p.field === e.field) &&
    (e.message === undefined || p.message.includes(e.message))
  );
}

describe('broken registers', () => {
  it('has at least 30 cases, each with its file', async () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect(new Set(cases.map((c) => c.file)).size).toBe(cases.length);
  });

  it.each(cases)('$file: $why', async (c) => {
    const error = await refusal(join(FIXTURES, c.file), c.file);
    expect(error.exitCode).toBe(ExitCode.BAD_INPUT);
    const errors = error.problems.filter(isError);
    for (const expected of c.problems) {
      expect(
        errors.some((p) => matches(p, expected)),
        `${JSON.stringify(expected)} in\n${error.message}`,
      ).toBe(true);
    }
    if (c.exact) expect(errors, error.message).toHaveLength(c.problems.length);
    for (const p of error.problems) {
      expect(p.file).toBe(c.file);
      expect(p.fix, `${p.code} has a fix`).toBeTruthy();
      expect(p.message).not.toContain('\n');
    }
  });
});

describe('files that cannot be read', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lk-register-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a missing file', async () => {
    const error = await refusal(join(dir, 'nope.yaml'), 'nope.yaml');
    expect(error.problems).toMatchObject([{ code: 'LK_REGISTER_NOT_FOUND', file: 'nope.yaml' }]);
  });

  it('refuses a directory', async () => {
    const error = await refusal(dir, 'dir');
    expect(error.problems).toMatchObject([{ code: 'LK_REGISTER_UNREADABLE', message: 'is not a file' }]);
  });

  it('refuses a file over 5 MB before parsing it, and says the limit', async () => {
    const path = join(dir, 'huge.yaml');
    // Valid YAML all the way, so only the size can be the reason.
    const line = '# padding padding padding padding padding padding padding padding padding padding\n';
    await writeFile(path, `organization: Acme\n${line.repeat(Math.ceil((5 * 1024 * 1024) / line.length) + 10)}`);
    const error = await refusal(path, 'huge.yaml');
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatchObject({ code: 'LK_REGISTER_TOO_LARGE' });
    expect(error.problems[0]?.message).toMatch(/^is larger than the limit of 5 MB \(5,2\d\d,\d{3} bytes\)$/);
  });

  it('accepts a file just under the limit', async () => {
    const path = join(dir, 'big-but-fine.yaml');
    const line = '# padding padding padding padding padding padding padding padding padding padding\n';
    const body = `organization: Acme\n${line.repeat(Math.floor((5 * 1024 * 1024 - 100) / line.length))}`;
    await writeFile(path, body);
    const loaded = await loadRegister(path, { knownSystems: KNOWN_SYSTEMS });
    expect(loaded.register.organization).toBe('Acme');
  });

  it('refuses invalid UTF-8 with the line of the first bad byte', async () => {
    const path = join(dir, 'latin1.yaml');
    const bytes = Buffer.concat([
      Buffer.from('organization: Acme\npeople:\n  - id: jose\n    name: Jos'),
      Buffer.from([0xe9]), // "é" in Latin-1: not UTF-8
      Buffer.from('\n    kind: employee\n'),
    ]);
    await writeFile(path, bytes);
    const error = await refusal(path, 'latin1.yaml');
    expect(error.problems).toMatchObject([{ code: 'LK_REGISTER_ENCODING', line: 4 }]);
  });

  it('reads a UTF-8 file with a byte-order mark and non-ASCII names', async () => {
    const path = join(dir, 'bom.yaml');
    await writeFile(
      path,
      '\uFEFForganization: Café Ünïcode\npeople:\n  - { id: jose, name: José Núñez, kind: employee }\n',
    );
    const loaded = await loadRegister(path, { knownSystems: KNOWN_SYSTEMS });
    expect(loaded.register.people[0]?.name).toBe('José Núñez');
  });
});

describe('checkRegisterFile', () => {
  it('gives ok and every problem instead of throwing', async () => {
    const result = await checkRegisterFile(join(FIXTURES, 'multiple-problems.yaml'), KNOWN_SYSTEMS);
    expect(result.ok).toBe(false);
    expect(result.problems.filter(isError).length).toBe(5);
    // In file order, so a reader can walk the file top to bottom.
    const lines = result.problems.map((p) => p.line ?? 0);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
  });
});

describe('an owner or approver who is not an employee: the register loads, and register check fails while it matters', () => {
  // An employee who became a contractor: what they approved and what has since ended is history.
  it.each([
    ['owner-contractor.yaml', 'LK_REGISTER_OWNER_NOT_EMPLOYEE', 25, 'people[2].owner'],
    ['approver-contractor.yaml', 'LK_REGISTER_APPROVER_NOT_EMPLOYEE', 22, 'people[1].grants[0].approved_by'],
    ['shared-account-owner-contractor.yaml', 'LK_REGISTER_OWNER_NOT_EMPLOYEE', 26, 'shared_accounts[0].owner'],
    ['accepted-risk-by-contractor.yaml', 'LK_REGISTER_APPROVER_NOT_EMPLOYEE', 25, 'accepted_risks[0].accepted_by'],
  ])('%s: %s at its line while live', async (file, code, line, field) => {
    const live = await checkRegisterFile(join(FIXTURES, file), KNOWN_SYSTEMS, {
      displayPath: file,
      now: new Date('2026-05-05T12:00:00Z'),
    });
    expect(live.ok).toBe(true);
    expect(live.incomplete.map((p) => [p.code, p.line, p.field])).toContainEqual([code, line, field]);
    expect(live.incomplete.find((p) => p.code === code)?.message).toMatch(/is a contractor|a contractor:/);
  });

  it.each(['approver-contractor.yaml', 'accepted-risk-by-contractor.yaml'])(
    '%s: nothing once the approval or acceptance has ended',
    async (file) => {
      const later = await checkRegisterFile(join(FIXTURES, file), KNOWN_SYSTEMS, {
        displayPath: file,
        now: new Date('2026-08-01T12:00:00Z'),
      });
      expect(later.incomplete.filter((p) => p.code.endsWith('_NOT_EMPLOYEE'))).toEqual([]);
    },
  );
});
