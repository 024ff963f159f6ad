// IAM member strings ("user:x@y", "deleted:serviceAccount:…?uid=…", "principalSet://…") as the
// facts an Account needs: kind, status, login and emails. The member string itself stays the
// account id, so nothing is ever split and re-joined into a different identity.

import { normalizeEmail } from '../../src/core/identity.js';
import type { AccountKind, AccountStatus } from '../../src/core/model.js';

export type MemberType =
  | 'user'
  | 'group'
  | 'serviceAccount'
  | 'domain'
  | 'allUsers'
  | 'allAuthenticatedUsers'
  | 'principal'
  | 'principalSet'
  | 'other';

export interface ParsedMember {
  /** The member string as IAM wrote it: the account id. */
  id: string;
  type: MemberType;
  kind: AccountKind;
  status: AccountStatus;
  /** What a person recognises: the email, the domain, the principal URI. */
  login: string;
  emails: string[];
  /** For deleted members: the numeric uid IAM keeps, so a new account of the same email is not confused with it. */
  deletedUid?: string;
}

const KIND_OF_TYPE: Readonly<Record<MemberType, AccountKind>> = {
  user: 'human',
  group: 'group',
  serviceAccount: 'service',
  domain: 'public',
  allUsers: 'public',
  allAuthenticatedUsers: 'public',
  principal: 'unknown',
  principalSet: 'unknown',
  other: 'unknown',
};

const EMAIL_TYPES: ReadonlySet<MemberType> = new Set(['user', 'group', 'serviceAccount']);

export function parseMember(member: string): ParsedMember {
  const id = member.trim();
  if (id.startsWith('deleted:')) {
    // deleted:user:ann@example.com?uid=123456789012345678901
    const rest = id.slice('deleted:'.length);
    const [inner = '', query = ''] = rest.split('?', 2);
    const parsed = parseLive(inner, id);
    const uid = new URLSearchParams(query).get('uid') ?? undefined;
    return { ...parsed, status: 'deleted', ...(uid ? { deletedUid: uid } : {}) };
  }
  return parseLive(id, id);
}

function parseLive(member: string, id: string): ParsedMember {
  if (member === 'allUsers' || member === 'allAuthenticatedUsers') {
    return { id, type: member, kind: 'public', status: 'active', login: member, emails: [] };
  }
  if (member.startsWith('principal://') || member.startsWith('principalSet://')) {
    const type: MemberType = member.startsWith('principal://') ? 'principal' : 'principalSet';
    return { id, type, kind: KIND_OF_TYPE[type], status: 'active', login: member, emails: [] };
  }
  const colon = member.indexOf(':');
  const prefix = colon > 0 ? member.slice(0, colon) : '';
  const value = colon > 0 ? member.slice(colon + 1) : member;
  const type: MemberType = isMemberType(prefix) ? prefix : 'other';
  const emails = EMAIL_TYPES.has(type) && value.includes('@') ? [normalizeEmail(value)] : [];
  return { id, type, kind: KIND_OF_TYPE[type], status: 'active', login: type === 'other' ? member : value, emails };
}

function isMemberType(prefix: string): prefix is 'user' | 'group' | 'serviceAccount' | 'domain' {
  return prefix === 'user' || prefix === 'group' || prefix === 'serviceAccount' || prefix === 'domain';
}

/** Public members reach anyone on the internet (or any Google account, or a whole domain). */
export function isPublicMember(member: string): boolean {
  return parseMember(member).kind === 'public';
}
