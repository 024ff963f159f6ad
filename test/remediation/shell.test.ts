// Shell quoting: hostile names reach the command as one literal argument each, checked by
// letting a real bash split the quoted line.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  command,
  hasControlCharacters,
  option,
  shellQuote,
  terminalCommand,
  visibleCommand,
} from '../../src/core/shell.js';
import { shellWords } from './run.js';

const canaryDir = mkdtempSync(join(tmpdir(), 'lanekeeper-canary-'));
const canary = join(canaryDir, 'pwned');
afterAll(() => rmSync(canaryDir, { recursive: true, force: true }));

const HOSTILE = [
  `'; rm -rf / #`,
  `$(touch ${canary})`,
  `\`touch ${canary}\``,
  'line one\nline two',
  '-rf',
  '--help',
  '',
  ' leading and trailing ',
  `it's "quoted" \\ back\\slash`,
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion, written literally on purpose
  '$HOME ${PATH} $((1+1)) !! !$',
  '*.ts ? [a-z] {a,b}',
  '~root',
  '=ls',
  'a;b&c|d>e<f',
  'tab\there',
  '\u001b[31mred\u001b[0m',
  'ünïcødé ✓ 名前',
  "''''",
];

describe('shellQuote', () => {
  it('passes every hostile name through bash as one literal argument', () => {
    expect(shellWords(HOSTILE.map(shellQuote).join(' '))).toEqual(HOSTILE);
    expect(existsSync(canary)).toBe(false);
  });

  it('leaves plain words readable and quotes everything else', () => {
    expect(shellQuote('northwind/shop')).toBe('northwind/shop');
    expect(shellQuote('--user-name=sam-ortiz')).toBe('--user-name=sam-ortiz');
    expect(shellQuote('user:sam@ortiz.dev')).toBe('user:sam@ortiz.dev');
    expect(shellQuote('')).toBe("''");
    expect(shellQuote("it's")).toBe(`'it'"'"'s'`);
    expect(shellQuote('=ls')).toBe("'=ls'");
    expect(shellQuote('~root')).toBe("'~root'");
  });

  it('keeps any string intact (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ unit: 'binary', maxLength: 20 }).map((s) => s.replace(/\0/g, '')),
          { minLength: 1, maxLength: 40 },
        ),
        (args) => {
          expect(shellWords(args.map(shellQuote).join(' '))).toEqual(args);
        },
      ),
      { numRuns: 25 },
    );
    expect(existsSync(canary)).toBe(false);
  });
});

describe('command and option', () => {
  it('quote each argument, so an option value cannot become another option or command', () => {
    const line = command('aws', 'iam', 'delete-user', option('--user-name', '-rf; id'));
    expect(shellWords(line)).toEqual(['aws', 'iam', 'delete-user', '--user-name=-rf; id']);
  });
});

describe('visibleCommand', () => {
  it('shows control characters instead of letting them act', () => {
    const line = command('gh', 'api', 'a\nb\u001b[2J');
    expect(hasControlCharacters(line)).toBe(true);
    expect(visibleCommand(line)).toBe("gh api 'a\\nb\\u001b[2J'");
    expect(hasControlCharacters(visibleCommand(line))).toBe(false);
    expect(hasControlCharacters(command('gh', 'api', 'repos/a/b'))).toBe(false);
  });
});

describe('terminalCommand', () => {
  it('breaks up the workflow commands a CI log would act on, and says the line was altered', () => {
    const forged = command('gcloud', 'projects', 'remove-iam-policy-binding', 'p', '--condition=title=##[error]forged');
    const shown = terminalCommand(forged);
    expect(shown.line).toBe("gcloud projects remove-iam-policy-binding p '--condition=title=## [error]forged'");
    expect(shown.altered).toBe(true);
    expect(shown.note).toMatch(/workflow command.*check the names before running it$/);
    expect(`${shown.line} ${shown.note}`).not.toContain('##[');
    expect(terminalCommand('::error::x').line).toBe(': :error::x');
  });

  it('shows control characters escaped, and leaves a plain command as it is', () => {
    expect(terminalCommand(command('gh', 'api', 'a\n##[x')).line).toBe("gh api 'a\\n## [x'");
    expect(terminalCommand(command('gh', 'api', 'a\u001b[2J')).note).toMatch(
      /^contains control characters, shown escaped/,
    );
    expect(terminalCommand(command('gh', 'api', 'repos/a/b'))).toEqual({ line: 'gh api repos/a/b', altered: false });
  });
});
