// The logger's one job beyond printing: nothing secret and nothing a terminal or the Actions
// runner would act on, whatever the line's length or where the debug cut falls.
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, MAX_DEBUG_LINE } from '../../src/core/log.js';
import { clearSecrets, registerSecret } from '../../src/core/redact.js';

afterEach(() => clearSecrets());

function logged(level: 'verbose' | 'normal', use: (log: ReturnType<typeof createLogger>) => void): string {
  const lines: string[] = [];
  use(createLogger(level, (l) => lines.push(l)));
  return lines.join('');
}

/** Every run of 8 characters of `secret`: none may be printed, so no part of it long enough to matter is. */
function pieces(secret: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 8 <= secret.length; i++) out.push(secret.slice(i, i + 8));
  return out;
}

function expectNoPieceOf(text: string, secret: string): void {
  for (const piece of pieces(secret)) expect(text, `"${piece}" of the secret was printed`).not.toContain(piece);
}

// Puts `secret` across character MAX_DEBUG_LINE of the debug message, at every offset.
function straddling(secret: string, extra = ''): string[] {
  const out: string[] = [];
  for (let before = 1; before < secret.length; before++)
    out.push(`${'a'.repeat(MAX_DEBUG_LINE - before)} ${secret}${extra}`.slice(1));
  return out;
}

describe('the debug cut', () => {
  it('never prints part of a registered secret that straddles the cut', () => {
    const secret = 'registered-Secret-Value-0123456789-abcdefghij';
    registerSecret(secret);
    for (const message of straddling(secret, ' and more text after it'.repeat(5))) {
      const out = logged('verbose', (log) => log.debug(message));
      expectNoPieceOf(out, secret);
      expect(out).toContain('more characters not logged');
    }
  });

  it('never prints part of a token or a private key that straddles the cut', () => {
    const token = `ghp_${'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'}`;
    const pem = `-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n-----END PRIVATE KEY-----`;
    for (const message of [...straddling(token, '&next=1'), ...straddling(pem, ' tail')]) {
      const out = logged('verbose', (log) => log.debug(message));
      expectNoPieceOf(out, token);
      expectNoPieceOf(out, 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj');
    }
  });

  it('cuts what is printed, not what was given: the count is of the redacted line', () => {
    const secret = 's'.repeat(400);
    registerSecret(secret);
    const out = logged('verbose', (log) => log.debug(`token ${secret}`));
    expect(out).toBe('debug: token [REDACTED]\n');
  });

  it('never cuts inside a character', () => {
    const out = logged('verbose', (log) => log.debug(`${'a'.repeat(MAX_DEBUG_LINE - 1)}😀😀😀`));
    expect(out).toBe(`debug: ${'a'.repeat(MAX_DEBUG_LINE - 1)}😀… (2 more characters not logged)\n`);
  });
});

describe('every line', () => {
  it('never prints a secret whose pieces a terminal escape or a line break kept apart', () => {
    const secret = 'registered-Secret-Value-0123456789';
    registerSecret(secret);
    for (const level of ['verbose', 'normal'] as const) {
      const out = logged(level, (log) => {
        log.info(`answer: ${secret.slice(0, 15)}\u001b[0m${secret.slice(15)}`);
        log.warn(`answer: ${secret.slice(0, 15)}\u0007${secret.slice(15)}`);
        log.debug(`answer: ghp_A1b2C3d4E5\u001b[1mf6G7h8I9j0K1l2M3n4O5p6Q7r8`);
      });
      expectNoPieceOf(out, secret);
      expect(out).not.toContain('E5f6G7h8');
    }
  });

  it('never prints a workflow command, even one a redaction would complete', () => {
    const secret = 'registered-Secret-Value-0123456789';
    registerSecret(secret);
    const out = logged('verbose', (log) => {
      log.warn(`##${secret}error]forged`);
      log.info(`##ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8`);
      log.debug(`##\u001b[0m${secret}`);
      log.debug(`${'a'.repeat(MAX_DEBUG_LINE - 2)}##[error]forged`);
      log.info('::error::forged');
    });
    expect(out).not.toContain('##[');
    expect(out.split('\n').filter((l) => /^\s*::/.test(l))).toEqual([]);
  });
});
