import { afterEach, describe, expect, it } from 'vitest';
import { clearSecrets, redact, redactDeep, registerSecret, registerSecretsFromEnv } from '../../src/core/redact.js';

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

  it('masks each shape in every case its pattern accepts', () => {
    const tokens = [
      'ghs_abcdefghijklmnopqrstuvwxyz0123',
      'github_pat_abcdefghijklmnopqrstuvwxyz0123',
      'xoxp-1234567890-abcdefghij',
    ];
    for (const token of tokens) expect(redact(`x ${token} y`)).toBe('x [REDACTED] y');
    expect(redact('-----BEGIN RSA PRIVATE KEY-----\nMIIabc\n-----END RSA PRIVATE KEY-----')).not.toContain('MIIabc');
    for (const header of [
      'Authorization: Bearer abc.def',
      'AUTHORIZATION=token abc.def',
      'authorization: Basic abc.def',
    ])
      expect(redact(header)).not.toContain('abc.def');
    for (const key of ['SecretAccessKey', 'SECRET_ACCESS_KEY', 'aws_secret_access_key', 'secretaccesskey'])
      expect(redact(`${key}="abcdefghijklmnopqrst0123456789"`)).not.toContain('abcdefghijklmnopqrst');
  });

  it('leaves ordinary text alone', () => {
    expect(redact('sam@ortiz.dev holds push on northwind/shop')).toBe('sam@ortiz.dev holds push on northwind/shop');
  });

  it('redacts deep: new objects only where a secret was masked, the same objects elsewhere', () => {
    registerSecret('s3cr3t-value-1234');
    const clean = { login: 'dana', lanes: ['code'], attributes: { note: 'nothing here' } };
    const leaky = { login: 'bot', evidence: ['token s3cr3t-value-1234 seen'], when: new Date(0) };
    const input = { clean, leaky, accounts: [clean, leaky], index: new Map([['dana', clean]]) };
    const out = redactDeep(input);
    expect(out).not.toBe(input);
    expect(out.accounts[0]).toBe(clean);
    expect(out.index).toBe(input.index);
    expect(out.accounts[1]).not.toBe(leaky);
    expect(out.leaky.evidence).toEqual(['token [REDACTED] seen']);
    expect(out.leaky.when).toBe(leaky.when);
    expect(out.clean).toBe(clean);
    expect(leaky.evidence).toEqual(['token s3cr3t-value-1234 seen']);
    expect(redactDeep(clean)).toBe(clean);
  });

  it('does not walk again into what it redacted, until a new secret is registered', () => {
    registerSecret('s3cr3t-value-1234');
    let reads = 0;
    const evidence = ['nothing secret yet: n3w-s3cr3t-5678'];
    const snapshot = {
      get evidence() {
        reads++;
        return evidence;
      },
    };
    expect(redactDeep(snapshot)).toBe(snapshot);
    expect(reads).toBe(1);
    // Marked as redacted: a walk of a larger value holding it passes it by.
    expect(redactDeep({ snapshot, more: ['text'] }).snapshot).toBe(snapshot);
    expect(reads).toBe(1);
    // A secret learnt since: it is walked again, and the secret is masked.
    registerSecret('n3w-s3cr3t-5678');
    expect(redactDeep({ snapshot }).snapshot.evidence).toEqual(['nothing secret yet: [REDACTED]']);
    expect(reads).toBe(2);
  });

  it('keeps the order, the entries before a secret and an own "__proto__" key when it copies', () => {
    registerSecret('s3cr3t-value-1234');
    const record = JSON.parse('{"a":"1","__proto__":"p","b":"s3cr3t-value-1234","c":"3"}');
    const out = redactDeep(record);
    expect(Object.entries(out)).toEqual([
      ['a', '1'],
      ['__proto__', 'p'],
      ['b', '[REDACTED]'],
      ['c', '3'],
    ]);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    const map = new Map([
      ['first', 'plain'],
      ['s3cr3t-value-1234', 'keyed by a secret'],
      ['last', 'plain too'],
    ]);
    expect([...redactDeep(map)]).toEqual([
      ['first', 'plain'],
      ['[REDACTED]', 'keyed by a secret'],
      ['last', 'plain too'],
    ]);
  });
});
