// Reading the policy of each resource an account lists (its S3 buckets, its KMS keys): the list,
// then each resource's policy, a few at a time. An AccessDenied on the list, or on any policy, is a
// gap of the given kind (with how many); a resource without a policy has none; any other failure
// fails the account.
import PQueue from 'p-queue';
import type { Gap } from '../../src/core/model.js';
import { PER_ACCOUNT_IN_FLIGHT } from './clients.js';
import { type PolicyDocument, parsePolicyDocument } from './policy.js';

export interface ResourcePolicyReads<R> {
  /** The gap kind for what could not be read. */
  gap: string;
  list(): Promise<R[]>;
  /** The policy's text; undefined when the resource has none. */
  read(resource: R): Promise<string | undefined>;
  /** Names the resource in a parse error. */
  what(resource: R): string;
  /** The gap's detail when the list was refused, given the service's message. */
  listDenied(message: string): string;
  /** The gap's detail when `count` policies were refused. */
  policiesDenied(count: number): string;
}

/** The service's error code: the SDK's `Code` (S3's XML) or its class name (JSON services). */
export function codeOf(e: unknown): string {
  return e instanceof Error ? ((e as { Code?: string }).Code ?? e.name) : '';
}

export const isAccessDenied = (e: unknown) => /AccessDenied|AllAccessDisabled/.test(codeOf(e));

export async function readResourcePolicies<R>(
  reads: ResourcePolicyReads<R>,
  gap: (gap: Gap) => void,
): Promise<{ resource: R; policy?: PolicyDocument }[]> {
  let resources: R[];
  try {
    resources = await reads.list();
  } catch (e) {
    if (!isAccessDenied(e)) throw e;
    gap({ kind: reads.gap, detail: reads.listDenied((e as Error).message) });
    return [];
  }
  const queue = new PQueue({ concurrency: PER_ACCOUNT_IN_FLIGHT });
  let denied = 0;
  const read = async (resource: R): Promise<{ resource: R; policy?: PolicyDocument }> => {
    let text: string | undefined;
    try {
      text = await reads.read(resource);
    } catch (e) {
      if (!isAccessDenied(e)) throw e;
      denied++;
    }
    return text === undefined ? { resource } : { resource, policy: parsePolicyDocument(text, reads.what(resource)) };
  };
  const facts = await Promise.all(resources.map((r) => queue.add(() => read(r))));
  if (denied > 0) gap({ kind: reads.gap, detail: reads.policiesDenied(denied), count: denied });
  return facts;
}
