// The bad-input corpus (test/fixtures/registers, test/fixtures/configs) through the CLI: every
// broken register and config exits 2 with its file and line on stderr, and nothing is scanned,
// nothing is written, no history is started. The connectors' collect() is a tripwire here, so a
// broken input that slipped through would be caught before any request left the process.
import { access, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CONTROL_OR_BIDI } from '../fixtures/hostile/payloads.js';
import { runCli, tempDir } from './harness.js';
import { collected } from './tripwire-registry.js';

vi.mock('../../connectors/index.js', async (original) => {
  const { tripwired } = await import('./tripwire-registry.js');
  return tripwired((await original<typeof import('../../connectors/index.js')>()).connectors);
});

const FIXTURES = join(import.meta.dirname, '../fixtures');

interface Case {
  file: string;
  why: string;
  env?: Record<string, string>;
  problems: { code: string; line?: number }[];
}

const registerCases = JSON.parse(await readFile(join(FIXTURES, 'registers/cases.json'), 'utf8')) as Case[];
const configCases = JSON.parse(await readFile(join(FIXTURES, 'configs/cases.json'), 'utf8')) as Case[];

let dir: string;
beforeEach(async () => {
  dir = await tempDir();
  collected.length = 0;
});
afterEach(() => {
  // Nothing was read: no connector got as far as collecting.
  expect(collected).toEqual([]);
});

/** A config that is fine in every respect, pointing its outputs into the test's folder. */
async function goodConfig(): Promise<string> {
  const path = join(dir, 'config.json');
  // biome-ignore lint/suspicious/noTemplateCurlyInString: ${VAR} is the config's own reference syntax
  const config = { connectors: { github: { org: 'acme', token: '${LK_TEST_GITHUB_TOKEN}' } } };
  await writeFile(path, JSON.stringify(config));
  return path;
}

async function scan(config: string, register: string | undefined, env: Record<string, string>) {
  const out = join(dir, 'out');
  const history = join(dir, 'history.db');
  const args = ['scan', '--config', config, '--out', out, '--history', history, '--fail-on', 'none'];
  if (register) args.push('--register', register);
  const run = await runCli(args, env, dir);
  return { run, out, history };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Exit 2, every expected problem's code (and line) on stderr, and nothing in the folder but the inputs. */
async function expectRefused(
  result: Awaited<ReturnType<typeof scan>>,
  fileName: string,
  problems: Case['problems'],
  inputs: string[],
) {
  const { run, out, history } = result;
  expect(run.code, run.stderr).toBe(2);
  expect(run.stderr).toContain('nothing was scanned');
  for (const p of problems) {
    expect(run.stderr).toContain(p.code);
    if (p.line !== undefined) expect(run.stderr).toContain(`${fileName}:${p.line}`);
  }
  expect(run.stdout).toBe('');
  expect(await exists(out)).toBe(false);
  expect(await exists(history)).toBe(false);
  expect((await readdir(dir)).sort()).toEqual(inputs.sort());
}

describe('every broken register in the corpus, through `lanekeeper scan`', () => {
  it.each(registerCases)('$file: $why', async (c) => {
    const result = await scan(await goodConfig(), join(FIXTURES, 'registers', c.file), {
      LK_TEST_GITHUB_TOKEN: 'x'.repeat(12),
    });
    await expectRefused(result, c.file, c.problems, ['config.json']);
  });
});

describe('every broken config in the corpus, through `lanekeeper scan`', () => {
  it.each(configCases)('$file: $why', async (c) => {
    // The corpus was written against stand-in connector schemas; the real ones may find more, never less.
    const result = await scan(join(FIXTURES, 'configs', c.file), undefined, c.env ?? {});
    await expectRefused(result, c.file, c.problems.slice(0, 1), []);
  });
});

describe('inputs the corpus files cannot hold', () => {
  it('refuses a 50 MB register before parsing it', async () => {
    const register = join(dir, 'huge.yaml');
    const line = `# ${'padding '.repeat(12)}\n`;
    await writeFile(register, `organization: Acme\n${line.repeat(Math.ceil((50 * 1024 * 1024) / line.length))}`);
    const result = await scan(await goodConfig(), register, { LK_TEST_GITHUB_TOKEN: 'x'.repeat(12) });
    await expectRefused(result, 'huge.yaml', [{ code: 'LK_REGISTER_TOO_LARGE' }], ['config.json', 'huge.yaml']);
  });

  it('refuses a register that is not UTF-8, naming the line', async () => {
    const register = join(dir, 'latin1.yaml');
    await writeFile(
      register,
      Buffer.concat([
        Buffer.from('organization: Acme\npeople:\n  - id: jose\n    name: Jos'),
        Buffer.from([0xe9, 0x0a]),
      ]),
    );
    const result = await scan(await goodConfig(), register, { LK_TEST_GITHUB_TOKEN: 'x'.repeat(12) });
    await expectRefused(
      result,
      'latin1.yaml',
      [{ code: 'LK_REGISTER_ENCODING', line: 4 }],
      ['config.json', 'latin1.yaml'],
    );
  });

  it('quotes a hostile value in a problem without letting it reach the terminal', async () => {
    const register = join(dir, 'hostile.yaml');
    const owner = JSON.stringify('\u001b[2J\u001b]8;;http://evil.example\u0007x\u001b]8;;\u0007\u202e');
    await writeFile(
      register,
      `organization: Acme\npeople:\n  - id: sam\n    name: Sam\n    kind: contractor\n    owner: ${owner}\n`,
    );
    const result = await scan(await goodConfig(), register, { LK_TEST_GITHUB_TOKEN: 'x'.repeat(12) });
    await expectRefused(result, 'hostile.yaml', [{ code: 'LK_REGISTER', line: 6 }], ['config.json', 'hostile.yaml']);
    expect(result.run.stderr).not.toMatch(CONTROL_OR_BIDI);
  });
});
