// formatProblem prints what the input said: redacted and terminal-safe, whatever the order the
// two would otherwise undo each other in.
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/core/errors.js';

describe('formatProblem', () => {
  const token = 'ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';

  it('masks a token the input quotes, and leaves no workflow command around the mask', () => {
    const text = formatProblem({
      code: 'LK_REGISTER_BAD_VALUE',
      file: 'register.yaml',
      line: 4,
      field: 'people[0].grants[0].system',
      message: `"##${token}" is not a known system`,
      fix: `write github, not ##${token}\u001b[31m`,
    });
    expect(text).not.toContain(token.slice(4, 16));
    expect(text).not.toContain('##[');
    expect(text).not.toContain('\u001b');
    expect(text).toContain('[REDACTED]');
  });

  it('masks a token an escape sequence splits in two', () => {
    const text = formatProblem({
      code: 'LK_REGISTER_BAD_VALUE',
      message: `bad value ${token.slice(0, 20)}\u001b[0m${token.slice(20)}`,
    });
    expect(text).not.toContain(token.slice(4, 16));
  });
});
