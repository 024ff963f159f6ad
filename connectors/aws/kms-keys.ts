// The KMS keys of one account and their key policies, in the connector's region. A key policy
// that names an account outside the organisation lets it decrypt (or use) the key: whatever the
// key protects is that account's to read. A key whose policy may not be read, and a list of keys
// that may not be read, are the gap aws.key-policies.
import { GetKeyPolicyCommand, type KMSClient, paginateListKeys } from '@aws-sdk/client-kms';
import type { Gap } from '../../src/core/model.js';
import { allPages } from './paging.js';
import { byCodePoint, type PolicyDocument } from './policy.js';
import { readResourcePolicies } from './resource-reads.js';

export interface KmsKeyFacts {
  id: string;
  arn: string;
  region: string;
  /** Absent: the policy could not be read (counted in the gap). */
  policy?: PolicyDocument;
}

export async function readKeys(options: {
  kms: KMSClient;
  region: string;
  signal: AbortSignal;
  gap(gap: Gap): void;
}): Promise<KmsKeyFacts[]> {
  const { kms, region, signal } = options;
  const read = await readResourcePolicies(
    {
      gap: 'aws.key-policies',
      list: async () =>
        (await allPages(paginateListKeys({ client: kms }, { Limit: 1000 }, { abortSignal: signal }), 'kms:ListKeys'))
          .flatMap((p) => p.Keys ?? [])
          .flatMap((k) => (k.KeyId ? [{ id: k.KeyId, arn: k.KeyArn ?? k.KeyId, region }] : []))
          .sort((a, b) => byCodePoint(a.id, b.id)),
      read: async (k) =>
        (await kms.send(new GetKeyPolicyCommand({ KeyId: k.id, PolicyName: 'default' }), { abortSignal: signal }))
          .Policy,
      what: (k) => `KMS key ${k.id}`,
      listDenied: (message) =>
        `the KMS keys of ${region} were not listed, so no key policy was read: it needs kms:ListKeys (${message})`,
      policiesDenied: (n) =>
        `${n} KMS key ${n === 1 ? 'policy was' : 'policies were'} not readable in ${region} (AccessDenied): it needs kms:GetKeyPolicy, allowed by each key's own policy`,
    },
    options.gap,
  );
  return read.map(({ resource, policy }) => ({ ...resource, ...(policy ? { policy } : {}) }));
}
