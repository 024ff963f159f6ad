// The S3 buckets of one account and their bucket policies. A bucket policy can hand an account
// outside the organisation (an agency's, a former contractor's own) or anyone at all the bucket's
// data, with no IAM user or role of ours involved: only the policy says so. A bucket without a
// policy answers NoSuchBucketPolicy; one whose policy may not be read is a gap, as is a list of
// buckets that may not be read.
import { GetBucketPolicyCommand, paginateListBuckets, type S3Client } from '@aws-sdk/client-s3';
import type { Gap } from '../../src/core/model.js';
import { allPages } from './paging.js';
import { byCodePoint, type PolicyDocument } from './policy.js';
import { codeOf, readResourcePolicies } from './resource-reads.js';

export interface BucketFacts {
  name: string;
  region: string;
  /** Absent: the bucket has no policy, or it could not be read (counted in the gap). */
  policy?: PolicyDocument;
}

export async function readBuckets(options: {
  /** An S3 client for a region (the bucket's: S3 answers a policy request only there). */
  s3(region: string): S3Client;
  signal: AbortSignal;
  gap(gap: Gap): void;
}): Promise<BucketFacts[]> {
  const { signal } = options;
  const clients = new Map<string, S3Client>();
  const s3 = (region: string) => {
    const client = clients.get(region) ?? options.s3(region);
    clients.set(region, client);
    return client;
  };
  const read = await readResourcePolicies(
    {
      gap: 'aws.bucket-policies',
      list: async () =>
        (
          await allPages(
            paginateListBuckets({ client: s3('us-east-1') }, { MaxBuckets: 1000 }, { abortSignal: signal }),
            's3:ListAllMyBuckets',
          )
        )
          .flatMap((p) => p.Buckets ?? [])
          .flatMap((b) => (b.Name ? [{ name: b.Name, region: b.BucketRegion ?? 'us-east-1' }] : []))
          .sort((a, b) => byCodePoint(a.name, b.name)),
      read: async (b) => {
        try {
          return (await s3(b.region).send(new GetBucketPolicyCommand({ Bucket: b.name }), { abortSignal: signal }))
            .Policy;
        } catch (e) {
          if (codeOf(e) === 'NoSuchBucketPolicy') return undefined;
          throw e;
        }
      },
      what: (b) => `bucket ${b.name}`,
      listDenied: (message) =>
        `the S3 buckets were not listed, so no bucket policy was read: it needs s3:ListAllMyBuckets (${message})`,
      policiesDenied: (n) =>
        `${n} bucket ${n === 1 ? 'policy was' : 'policies were'} not readable (AccessDenied): it needs s3:GetBucketPolicy, and no Deny on it in the bucket policy`,
    },
    options.gap,
  );
  return read.map(({ resource, policy }) => ({ ...resource, ...(policy ? { policy } : {}) }));
}
