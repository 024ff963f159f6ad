// The KMS keys of one account and their key policies, in the connector's region. A key policy
// that names an account outside the organisation lets it decrypt (or use) the key: whatever the
// key protects is that account's to read. A key whose policy may not be read, and a list of keys
// that may not be read, are the gap aws.key-policies.
import { GetKeyPolicyCommand, type KMSClient, type ListKeysCommandOutput, paginateListKeys } from '@aws-sdk/client-kms';
import PQueue from 'p-queue';
import type { Gap } from '../../src/core/model.js';
import { allPages } from './paging.js';
import { byCodePoint, type PolicyDocument, parsePolicyDocument } from './policy.js';

export interface KmsKeyFacts {
  id: string;
  arn: string;
  region: string;
  /** Absent: the policy could not be read (counted in the gap). */
  policy?: PolicyDocument;
}

export const KEY_GAP = 'aws.key-policies';

/** Requests in flight for one account's key policies. */
const PER_ACCOUNT_CONCURRENCY = 4;

const isDenied = (e: unknown) => e instanceof Error && /AccessDenied/.test(e.name);

export async function readKeys(options: {
  kms: KMSClient;
  region: string;
  signal: AbortSignal;
  gap(gap: Gap): void;
}): Promise<KmsKeyFacts[]> {
  const { kms, region, signal, gap } = options;
  let pages: ListKeysCommandOutput[];
  try {
    // ListKeys pages by Marker (NextMarker in the answer); allPages keys pages by Marker.
    pages = await allPages(
      withMarker(paginateListKeys({ client: kms }, { Limit: 1000 }, { abortSignal: signal })),
      'kms:ListKeys',
    );
  } catch (e) {
    if (!isDenied(e)) throw e;
    gap({
      kind: KEY_GAP,
      detail: `the KMS keys of ${region} were not listed, so no key policy was read: it needs kms:ListKeys (${(e as Error).message})`,
    });
    return [];
  }
  const keys = pages
    .flatMap((p) => p.Keys ?? [])
    .filter((k): k is typeof k & { KeyId: string } => typeof k.KeyId === 'string')
    .sort((a, b) => byCodePoint(a.KeyId, b.KeyId));
  const queue = new PQueue({ concurrency: PER_ACCOUNT_CONCURRENCY });
  let denied = 0;
  const facts = await Promise.all(
    keys.map((k) =>
      queue.add(async (): Promise<KmsKeyFacts> => {
        const key = { id: k.KeyId, arn: k.KeyArn ?? k.KeyId, region };
        try {
          const answer = await kms.send(new GetKeyPolicyCommand({ KeyId: k.KeyId, PolicyName: 'default' }), {
            abortSignal: signal,
          });
          return answer.Policy === undefined
            ? key
            : { ...key, policy: parsePolicyDocument(answer.Policy, `KMS key ${k.KeyId}`) };
        } catch (e) {
          if (!isDenied(e)) throw e;
          denied++;
          return key;
        }
      }),
    ),
  );
  if (denied > 0)
    gap({
      kind: KEY_GAP,
      detail: `${denied} KMS key ${denied === 1 ? 'policy was' : 'policies were'} not readable in ${region} (AccessDenied): it needs kms:GetKeyPolicy, allowed by each key's own policy`,
      count: denied,
    });
  return facts;
}

async function* withMarker(
  pages: AsyncIterable<ListKeysCommandOutput>,
): AsyncIterable<ListKeysCommandOutput & { Marker?: string }> {
  for await (const page of pages) yield { ...page, ...(page.NextMarker ? { Marker: page.NextMarker } : {}) };
}
