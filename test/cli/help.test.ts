// The README's usage block and each command's --help say the same thing: the same commands, and
// for each command the same options.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './harness.js';

const README = await readFile(join(import.meta.dirname, '../../README.md'), 'utf8');

/** The usage block: each `lanekeeper COMMAND ...` line with its continuation lines, by command. */
function readmeUsage(): Map<string, Set<string>> {
  const block = /```\n(lanekeeper scan[\s\S]*?)```/.exec(README)?.[1] ?? '';
  const usage = new Map<string, Set<string>>();
  let current: Set<string> | undefined;
  for (const line of block.split('\n')) {
    const start = /^lanekeeper ((?:register )?[a-z]+)/.exec(line);
    if (start?.[1] && !line.startsWith('lanekeeper --')) {
      current = new Set();
      usage.set(start[1], current);
    } else if (!/^\s/.test(line)) current = undefined;
    for (const flag of line.match(/--[a-z][a-z-]*/g) ?? []) current?.add(flag);
  }
  return usage;
}

/** The options a command's --help lists (without --help itself). */
async function helpOptions(command: string): Promise<Set<string>> {
  const help = await runCli([...command.split(' '), '--help']);
  expect(help.code).toBe(0);
  const options = help.stdout.slice(help.stdout.indexOf('Options:'));
  return new Set(
    [...options.matchAll(/(?:^|\s|,\s)(--[a-z][a-z-]*)/gm)].map((m) => m[1] as string).filter((f) => f !== '--help'),
  );
}

describe('the README and --help', () => {
  const usage = readmeUsage();

  it('list the same commands', async () => {
    const top = await runCli(['--help']);
    const commands = [...top.stdout.matchAll(/^ {2}([a-z]+)\b/gm)]
      .map((m) => m[1] as string)
      .filter((c) => c !== 'help');
    const register = await runCli(['register', '--help']);
    const sub = [...register.stdout.matchAll(/^ {2}([a-z]+)\b/gm)]
      .map((m) => `register ${m[1]}`)
      .filter((c) => c !== 'register help');
    expect([...usage.keys()].sort()).toEqual([...commands.filter((c) => c !== 'register'), ...sub].sort());
  });

  it.each([...readmeUsage().keys()])('%s: the same options', async (command) => {
    expect([...(usage.get(command) ?? [])].sort()).toEqual([...(await helpOptions(command))].sort());
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(await readFile(join(import.meta.dirname, '../../package.json'), 'utf8')) as {
      version: string;
    };
    for (const flag of ['--version', '-V'])
      expect(await runCli([flag])).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });
});
