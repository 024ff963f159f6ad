// The problem format every bad-input message uses, and the code → fix table behind it.
import { describe, expect, it } from 'vitest';
import { ExitCode, formatProblem, InputError, PROBLEMS, problem } from '../../src/core/errors.js';
import { clearSecrets, registerSecret } from '../../src/core/redact.js';

describe('formatProblem', () => {
  it('writes code, file:line, field and message on one line and the fix on the next', () => {
    const p = problem('LK_REGISTER_OWNER_NOT_EMPLOYEE', '"sam" is a contractor; owners must be employees', {
      file: 'register.yaml',
      line: 41,
      column: 12,
      field: 'people[3].owner',
    });
    expect(formatProblem(p)).toBe(
      'LK_REGISTER_OWNER_NOT_EMPLOYEE register.yaml:41 people[3].owner: "sam" is a contractor; owners must be employees\n' +
        '  fix: Make an employee the owner; contractors cannot own approvals.',
    );
  });

  it('leaves out what it does not know and marks warnings', () => {
    const p = problem('LK_REGISTER_EMPTY', 'is empty', { file: 'register.yaml' }, { fix: '' });
    expect(formatProblem(p)).toBe('LK_REGISTER_EMPTY register.yaml is empty');
    const w = problem('LK_REGISTER_SCOPE_UNMATCHED', 'x', {}, { severity: 'warning', fix: '' });
    expect(formatProblem(w)).toBe('LK_REGISTER_SCOPE_UNMATCHED (warning) x');
  });

  it('never prints a registered secret', () => {
    registerSecret('sekrit-value-123456');
    try {
      const p = problem('LK_CONFIG_BAD_URL', '"https://sekrit-value-123456@x" is not a valid URL', { file: 'c.json' });
      expect(formatProblem(p)).not.toContain('sekrit-value-123456');
    } finally {
      clearSecrets();
    }
  });
});

describe('the problem table', () => {
  it('gives every code a summary and a fix', () => {
    for (const [code, definition] of Object.entries(PROBLEMS)) {
      expect(code).toMatch(/^LK_[A-Z_]+$/);
      expect(definition.summary.length, code).toBeGreaterThan(10);
      expect(definition.fix.length, code).toBeGreaterThan(10);
      expect(definition.fix, code).not.toContain('\n');
    }
  });
});

describe('InputError', () => {
  it('carries every problem, sorted by line, and maps to exit code 2', () => {
    const error = new InputError([
      problem('LK_REGISTER_BAD_DATE', 'b', { file: 'r.yaml', line: 9 }),
      problem('LK_REGISTER_OWNER_UNKNOWN', 'a', { file: 'r.yaml', line: 3 }),
    ]);
    expect(error.exitCode).toBe(ExitCode.BAD_INPUT);
    expect(error.problems.map((p) => p.line)).toEqual([3, 9]);
    expect(error.message).toMatch(/^2 problems in the input; nothing was scanned\nLK_REGISTER_OWNER_UNKNOWN r\.yaml:3/);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('InputError');
  });

  it('has the documented exit codes', () => {
    expect(ExitCode).toEqual({ OK: 0, FINDINGS: 1, BAD_INPUT: 2, INCOMPLETE: 3, DELIVERY_FAILED: 4 });
  });
});
