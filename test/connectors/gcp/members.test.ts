import { describe, expect, it } from 'vitest';
import { isPublicMember, parseMember } from '../../../connectors/gcp/members.js';

describe('parseMember', () => {
  it.each([
    ['user:Ann@Example.com', 'user', 'human', 'active', 'Ann@Example.com', ['ann@example.com']],
    [
      'group:data-team@northwind.example',
      'group',
      'group',
      'active',
      'data-team@northwind.example',
      ['data-team@northwind.example'],
    ],
    [
      'serviceAccount:ci@shop-prod.iam.gserviceaccount.com',
      'serviceAccount',
      'service',
      'active',
      'ci@shop-prod.iam.gserviceaccount.com',
      ['ci@shop-prod.iam.gserviceaccount.com'],
    ],
    ['domain:northwind.example', 'domain', 'public', 'active', 'northwind.example', []],
    ['allUsers', 'allUsers', 'public', 'active', 'allUsers', []],
    ['allAuthenticatedUsers', 'allAuthenticatedUsers', 'public', 'active', 'allAuthenticatedUsers', []],
    [
      'principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/gh/subject/repo:northwind/shop',
      'principal',
      'unknown',
      'active',
      'principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/gh/subject/repo:northwind/shop',
      [],
    ],
    [
      'principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/gh/attribute.repository/northwind/shop',
      'principalSet',
      'unknown',
      'active',
      'principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/gh/attribute.repository/northwind/shop',
      [],
    ],
    ['projectOwner:shop-prod', 'other', 'unknown', 'active', 'projectOwner:shop-prod', []],
  ])('%s', (member, type, kind, status, login, emails) => {
    const parsed = parseMember(member);
    expect(parsed).toMatchObject({ id: member, type, kind, status, login, emails });
  });

  it.each([
    ['deleted:user:pete@lindqvist.example?uid=123456789012345678901', 'user', 'human'],
    ['deleted:serviceAccount:old@p.iam.gserviceaccount.com?uid=42', 'serviceAccount', 'service'],
    ['deleted:group:ops@northwind.example?uid=7', 'group', 'group'],
  ])('%s is a deleted %s that keeps its uid', (member, type, kind) => {
    const parsed = parseMember(member);
    expect(parsed.id).toBe(member);
    expect(parsed).toMatchObject({ type, kind, status: 'deleted' });
    expect(parsed.login).not.toContain('?');
    expect(parsed.deletedUid).toMatch(/^\d+$/);
  });

  it('knows which members are public', () => {
    expect(['allUsers', 'allAuthenticatedUsers', 'domain:example.com'].map(isPublicMember)).toEqual([true, true, true]);
    expect(['user:a@b.c', 'group:g@b.c', 'serviceAccount:s@p.iam.gserviceaccount.com'].map(isPublicMember)).toEqual([
      false,
      false,
      false,
    ]);
  });
});
