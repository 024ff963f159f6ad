// Service accounts and their user-managed keys as records. A user-managed key is a long-lived
// shared credential: whoever holds the JSON file is the service account, wherever they are.
import type { Account, Credential } from '../../src/core/model.js';
import type { ApiKey, ApiServiceAccount } from './schema.js';

/** validBeforeTime of a key that never expires. */
const FAR_FUTURE_YEAR = 9999;

export function serviceAccountMember(email: string): string {
  return `serviceAccount:${email}`;
}

/** Service agents and default accounts Google creates itself (they hold roles nobody in the register asked for). */
const GOOGLE_DOMAINS = [
  'cloudservices.gserviceaccount.com',
  'cloudbuild.gserviceaccount.com',
  'developer.gserviceaccount.com',
  'appspot.gserviceaccount.com',
];

export function isGoogleManaged(email: string): boolean {
  const domain = email.slice(email.indexOf('@') + 1).toLowerCase();
  return domain.startsWith('gcp-sa-') || GOOGLE_DOMAINS.includes(domain);
}

export function keyId(key: ApiKey): string {
  return key.name.slice(key.name.lastIndexOf('/') + 1);
}

/** Key ids are not secrets, but a shortened one is all a reader needs to find it in the console. */
export function shortKeyId(id: string): string {
  return id.length > 14 ? `${id.slice(0, 8)}…${id.slice(-4)}` : id;
}

function expiry(key: ApiKey): string | undefined {
  const before = key.validBeforeTime;
  if (!before) return undefined;
  const ms = Date.parse(before);
  if (Number.isNaN(ms) || new Date(ms).getUTCFullYear() >= FAR_FUTURE_YEAR) return undefined;
  return new Date(ms).toISOString();
}

/** Usable now: not disabled, and not past its validBeforeTime. */
export function isKeyActive(key: ApiKey, now: Date): boolean {
  if (key.disabled) return false;
  const ends = expiry(key);
  return ends === undefined || Date.parse(ends) > now.getTime();
}

export function keyCredential(email: string, projectId: string, key: ApiKey, target: string, now: Date): Credential {
  const credential: Credential = {
    system: 'gcp',
    target,
    account: serviceAccountMember(email),
    kind: 'sa-key',
    id: shortKeyId(keyId(key)),
    active: isKeyActive(key, now),
    attributes: { project: `projects/${projectId}`, keyType: key.keyType ?? 'USER_MANAGED' },
  };
  if (key.validAfterTime) credential.createdAt = new Date(Date.parse(key.validAfterTime)).toISOString();
  const ends = expiry(key);
  if (ends) credential.expiresAt = ends;
  if (key.disabled) credential.attributes = { ...credential.attributes, disabled: true };
  return credential;
}

export function serviceAccountRecord(
  sa: ApiServiceAccount,
  projectId: string,
  target: string,
  activeKeys: number,
): Account {
  const email = sa.email.toLowerCase();
  const account: Account = {
    system: 'gcp',
    target,
    id: serviceAccountMember(sa.email),
    login: sa.email,
    emails: [email],
    kind: 'service',
    status: sa.disabled ? 'suspended' : 'active',
    attributes: {
      memberType: 'serviceAccount',
      project: `projects/${projectId}`,
      userManagedKeys: activeKeys,
      googleManaged: isGoogleManaged(email),
    },
  };
  if (sa.displayName) account.displayName = sa.displayName;
  return account;
}
