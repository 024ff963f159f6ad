// The S3 buckets of one account and their bucket policies. A bucket policy can hand an account
// outside the organisation (an agency's, a former contractor's own) or anyone at all the bucket's
// data, with no IAM user or role of ours involved: only the policy says so. A bucket without a
// policy answers NoSuchBucketPolicy; one whose policy may not be read is a gap, as is a list of
// buckets that may not be read.
import {
  GetBucketPolicyCommand,
  type ListBucketsCommandOutput,
  paginateListBuckets,
  type S3Client,
} from '@aws-sdk/client-s3';
import PQueue from 'p-queue';
import type { Gap } from '../../src/core/model.js';
import { allPages } from './paging.js';
import { byCodePoint, type PolicyDocument, parsePolicyDocument } from './policy.js';

export interface BucketFacts {
  name: string;
  region: string;
  /** Absent: the bucket has no policy. */
  policy?: PolicyDocument;
}

export const BUCKET_GAP = 'aws.bucket-policies';

/** Requests in flight for one account's bucket policies. */
const PER_ACCOUNT_CONCURRENCY = 4;

const deniedCodes = new Set(['AccessDenied', 'AllAccessDisabled']);

function errorCode(e: unknown): string | undefined {
  return e instanceof Error ? ((e as { Code?: string }).Code ?? e.name) : undefined;
}

export async function readBuckets(options: {
  /** An S3 client for a region (the bucket's: S3 answers a policy request only there). */
  s3(region: string): S3Client;
  signal: AbortSignal;
  gap(gap: Gap): void;
}): Promise<BucketFacts[]> {
  const { signal, gap } = options;
  const clients = new Map<string, S3Client>();
  const s3 = (region: string) => {
    const client = clients.get(region) ?? options.s3(region);
    clients.set(region, client);
    return client;
  };
  let pages: ListBucketsCommandOutput[];
  try {
    // ListBuckets pages by ContinuationToken; allPages keys pages by NextToken/Marker, so the
    // token is passed through under that name.
    pages = await allPages(
      withNextToken(paginateListBuckets({ client: s3('us-east-1') }, { MaxBuckets: 1000 }, { abortSignal: signal })),
      's3:ListAllMyBuckets',
    );
  } catch (e) {
    if (!deniedCodes.has(errorCode(e) ?? '')) throw e;
    gap({
      kind: BUCKET_GAP,
      detail: `the S3 buckets were not listed, so no bucket policy was read: it needs s3:ListAllMyBuckets (${(e as Error).message})`,
    });
    return [];
  }
  const buckets = pages
    .flatMap((p) => p.Buckets ?? [])
    .filter((b): b is typeof b & { Name: string } => typeof b.Name === 'string')
    .sort((a, b) => byCodePoint(a.Name, b.Name));
  const queue = new PQueue({ concurrency: PER_ACCOUNT_CONCURRENCY });
  let denied = 0;
  const facts = await Promise.all(
    buckets.map((b) =>
      queue.add(async (): Promise<BucketFacts> => {
        const region = b.BucketRegion ?? 'us-east-1';
        try {
          const answer = await s3(region).send(new GetBucketPolicyCommand({ Bucket: b.Name }), { abortSignal: signal });
          if (answer.Policy === undefined) return { name: b.Name, region };
          return { name: b.Name, region, policy: parsePolicyDocument(answer.Policy, `bucket ${b.Name}`) };
        } catch (e) {
          const code = errorCode(e);
          if (code === 'NoSuchBucketPolicy') return { name: b.Name, region };
          if (code && deniedCodes.has(code)) {
            denied++;
            return { name: b.Name, region };
          }
          throw e;
        }
      }),
    ),
  );
  if (denied > 0)
    gap({
      kind: BUCKET_GAP,
      detail: `${denied} bucket ${denied === 1 ? 'policy was' : 'policies were'} not readable (AccessDenied): it needs s3:GetBucketPolicy, and no Deny on it in the bucket policy`,
      count: denied,
    });
  return facts;
}

async function* withNextToken(
  pages: AsyncIterable<ListBucketsCommandOutput>,
): AsyncIterable<ListBucketsCommandOutput & { NextToken?: string }> {
  for await (const page of pages)
    yield { ...page, ...(page.ContinuationToken ? { NextToken: page.ContinuationToken } : {}) };
}
