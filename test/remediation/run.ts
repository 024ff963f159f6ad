// Runs command lines through a real bash, with fake gh/aws/gcloud on PATH that record the exact
// arguments they receive, so a test sees what a person's shell would pass to the real tools.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';

/** Each argument the shell made of `line`, by running `printf '%s\0' line`. */
export function shellWords(line: string): string[] {
  const out = execFileSync('bash', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

export interface FakeTools {
  /** Runs a command line under bash; returns every recorded call as [tool, ...args]. Each fake prints `stdout`. */
  run(line: string, stdout?: string): string[][];
  dir: string;
  close(): void;
}

const TOOLS = ['gh', 'aws', 'gcloud'];

export function fakeTools(): FakeTools {
  const dir = mkdtempSync(join(tmpdir(), 'lanekeeper-fake-tools-'));
  const log = join(dir, 'calls.log');
  for (const tool of TOOLS) {
    const path = join(dir, tool);
    // One record per call: the tool's name and its arguments, NUL-separated, ended by an extra NUL.
    writeFileSync(
      path,
      `#!/bin/sh\nprintf '%s\\0' ${tool} "$@" >> "$FAKE_LOG"\nprintf '\\0' >> "$FAKE_LOG"\nprintf '%s' "$FAKE_STDOUT"\n`,
    );
    chmodSync(path, 0o755);
  }
  return {
    dir,
    run(line, stdout = '') {
      writeFileSync(log, '');
      execFileSync('bash', ['-c', line], {
        env: { PATH: `${dir}:${process.env.PATH}`, FAKE_LOG: log, FAKE_STDOUT: stdout, HOME: dir },
        cwd: dir,
        encoding: 'utf8',
      });
      const text = readFileSync(log, 'utf8');
      return text
        .split('\0\0')
        .filter((r) => r.length > 0)
        .map((r) => r.split('\0'));
    },
    close() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ToolsForFile {
  /** A name an attacker could choose (a login, a repo, a role): run by a shell, it creates the canary. */
  evil: string;
  run(line: string, stdout?: string): string[][];
  /** Each command run under bash, every fake printing `stdout`; fails if the canary appeared. */
  calls(commands: readonly string[], stdout?: string): string[][];
}

/** For a whole test file: the fake tools and a canary, made before the first test and removed after the last. */
export function fakeToolsForFile(): ToolsForFile {
  const canaryDir = mkdtempSync(join(tmpdir(), 'lanekeeper-canary-'));
  const canary = join(canaryDir, 'pwned');
  let tools: FakeTools | undefined;
  beforeAll(() => {
    tools = fakeTools();
  });
  afterAll(() => {
    tools?.close();
    rmSync(canaryDir, { recursive: true, force: true });
  });
  const run = (line: string, stdout?: string) => {
    if (!tools) throw new Error('the fake tools are made in beforeAll');
    return tools.run(line, stdout);
  };
  return {
    evil: `x'; touch ${canary}; echo '$(touch ${canary})\`touch ${canary}\``,
    run,
    calls(commands, stdout) {
      const recorded = commands.flatMap((c) => run(c, stdout));
      expect(existsSync(canary)).toBe(false);
      return recorded;
    },
  };
}
