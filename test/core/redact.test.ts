import { afterEach, describe, expect, it } from 'vitest';
import { clearSecrets, redact, registerSecret, registerSecretsFromEnv } from '../../src/core/redact.js';

afterEach(clearSecrets);

describe('redact', () => {
  it('masks a registered secret raw, URL-encoded and base64-encoded', () => {
    const secret = 'p@ss/word+with=chars';
    registerSecret(secret);
    const text = `raw ${secret} url ${encodeURIComponent(secret)} b64 ${Buffer.from(secret).toString('base64')}`;
    const out = redact(text);
    expect(out).not.toContain(secret);
    expect(out).not.toContain(encodeURIComponent(secret));
    expect(out).not.toContain(Buffer.from(secret).toString('base64'));
    expect(out.match(/\[REDACTED\]/g)).toHaveLength(3);
  });

  it('masks secret-named environment variables only', () => {
    registerSecretsFromEnv({ GITHUB_TOKEN: 'ghs_notreallyatoken123', HOME: '/home/someone' });
    expect(redact('token ghs_notreallyatoken123 home /home/someone')).toBe('token [REDACTED] home /home/someone');
  });

  it('masks token shapes it was never told about', () => {
    const out = redact(
      'auth ghp_abcdefghijklmnopqrstuvwxyz0123 and xoxb-1234567890-abcdefghij and Authorization: Bearer abc.def',
    );
    expect(out).not.toMatch(/ghp_|xoxb-1234|abc\.def/);
  });

  it('leaves ordinary text alone', () => {
    expect(redact('sam@ortiz.dev holds push on northwind/shop')).toBe('sam@ortiz.dev holds push on northwind/shop');
  });
});
