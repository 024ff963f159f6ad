// The credential report parser on CSV as IAM writes it: the root row, N/A, no_information,
// not_supported, keys that were never used, a second key, CRLF line ends.
import { describe, expect, it } from 'vitest';
import { CREDENTIAL_REPORT_COLUMNS, parseCredentialReport } from '../../../connectors/aws/credential-report.js';

const HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';

const REPORT = [
  HEADER,
  '<root_account>,arn:aws:iam::123456789012:root,2019-03-12T19:08:31+00:00,not_supported,2026-05-01T10:00:00+00:00,not_supported,not_supported,false,true,2019-04-01T08:00:00+00:00,2026-11-17T00:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A',
  'ops-admin,arn:aws:iam::123456789012:user/ops-admin,2024-12-29T00:00:00+00:00,true,2026-11-29T06:00:00+00:00,2024-12-29T00:00:00+00:00,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A',
  'sam-ortiz,arn:aws:iam::123456789012:user/contractors/sam-ortiz,2026-05-28T09:15:02+00:00,false,N/A,N/A,N/A,false,true,2026-05-28T09:15:03+00:00,2026-10-30T14:02:00+00:00,eu-west-1,logs,false,2026-05-29T10:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A',
  'never-logged-in,arn:aws:iam::123456789012:user/never-logged-in,2026-01-01T00:00:00+00:00,true,no_information,2026-01-01T00:00:00+00:00,2026-04-01T00:00:00+00:00,true,true,2026-01-01T00:00:00+00:00,N/A,N/A,N/A,true,2026-02-01T00:00:00+00:00,2026-03-01T00:00:00+00:00,us-west-2,sts,false,N/A,false,N/A',
].join('\r\n');

describe('aws credential report parser', () => {
  const rows = parseCredentialReport(`${REPORT}\r\n`);

  it('reads every row, the root account first as IAM writes it', () => {
    expect(rows.map((r) => r.user)).toEqual(['<root_account>', 'ops-admin', 'sam-ortiz', 'never-logged-in']);
    expect(rows[0]?.isRoot).toBe(true);
    expect(rows.slice(1).every((r) => !r.isRoot)).toBe(true);
  });

  it('reads the root row: not_supported password, last use, MFA off, an active key', () => {
    expect(rows[0]).toEqual({
      user: '<root_account>',
      arn: 'arn:aws:iam::123456789012:root',
      isRoot: true,
      createdAt: '2019-03-12T19:08:31.000Z',
      passwordLastUsed: '2026-05-01T10:00:00.000Z',
      mfaActive: false,
      accessKeys: [
        {
          slot: 1,
          active: true,
          lastRotated: '2019-04-01T08:00:00.000Z',
          lastUsedAt: '2026-11-17T00:00:00.000Z',
          lastUsedRegion: 'us-east-1',
          lastUsedService: 's3',
        },
      ],
    });
  });

  it('turns N/A into absent values and keeps a console password without keys', () => {
    expect(rows[1]).toEqual({
      user: 'ops-admin',
      arn: 'arn:aws:iam::123456789012:user/ops-admin',
      isRoot: false,
      createdAt: '2024-12-29T00:00:00.000Z',
      passwordEnabled: true,
      passwordLastUsed: '2026-11-29T06:00:00.000Z',
      passwordLastChanged: '2024-12-29T00:00:00.000Z',
      mfaActive: false,
      accessKeys: [],
    });
  });

  it('keeps an inactive key that still exists (it has a rotation date) and reads the used one', () => {
    const sam = rows[2];
    expect(sam?.passwordEnabled).toBe(false);
    expect(sam?.passwordLastUsed).toBeUndefined();
    expect(sam?.accessKeys).toEqual([
      {
        slot: 1,
        active: true,
        lastRotated: '2026-05-28T09:15:03.000Z',
        lastUsedAt: '2026-10-30T14:02:00.000Z',
        lastUsedRegion: 'eu-west-1',
        lastUsedService: 'logs',
      },
      { slot: 2, active: false, lastRotated: '2026-05-29T10:00:00.000Z' },
    ]);
  });

  it('reads no_information as "never used", and both keys', () => {
    const user = rows[3];
    expect(user?.passwordEnabled).toBe(true);
    expect(user?.passwordLastUsed).toBeUndefined();
    expect(user?.mfaActive).toBe(true);
    expect(user?.accessKeys.map((k) => [k.slot, k.active, k.lastUsedAt ?? null])).toEqual([
      [1, true, null],
      [2, true, '2026-03-01T00:00:00.000Z'],
    ]);
  });

  it('matches IAM’s column order', () => {
    expect(CREDENTIAL_REPORT_COLUMNS.join(',')).toBe(HEADER);
  });

  it('accepts quoted cells', () => {
    const quoted = [HEADER, REPORT.split('\r\n')[2]?.replace('ops-admin,', '"ops-admin",')].join('\n');
    expect(parseCredentialReport(quoted)[0]?.user).toBe('ops-admin');
  });

  it('rejects a CSV that is not a credential report', () => {
    expect(() => parseCredentialReport('name,email\nx,y')).toThrow(/lacks the columns/);
  });

  it('rejects a truncated row instead of reading shifted columns', () => {
    expect(() => parseCredentialReport(`${HEADER}\nops-admin,arn:aws:iam::1:user/ops-admin,2024`)).toThrow(
      /line 2 has 3 cells/,
    );
  });
});
