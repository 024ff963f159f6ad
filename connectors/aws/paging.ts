// Every paged AWS read goes through the core's paging policy. The SDK's paginators follow
// Marker/NextToken themselves, so a page is known here by the token that fetched it: the token
// of the page before. (`stopOnSameToken` would instead stop quietly with half a list.)
import { PageGuard } from '../../src/core/paging.js';

/** The next page's token, whatever the service calls it in its answers. */
interface Paged {
  /** IAM */
  Marker?: string | undefined;
  /** Organizations, SSO Admin, Identity Store */
  NextToken?: string | undefined;
  /** KMS */
  NextMarker?: string | undefined;
  /** S3 ListBuckets */
  ContinuationToken?: string | undefined;
  /** IAM: in every answer of its lists, true or false. */
  IsTruncated?: boolean | undefined;
  /** KMS: the same. */
  Truncated?: boolean | undefined;
  /** S3 ListBuckets: the account the buckets belong to. */
  Owner?: unknown;
  /** Organizations ListAccounts. */
  Accounts?: unknown;
}

/**
 * What every genuine answer of a list holds, whatever it lists: the SDK reads an empty 200 (and, for
 * XML, another server's page) as an answer with no lists at all, which would read as nothing there.
 */
function isAnswer(operation: string, page: Paged): boolean {
  if (operation.startsWith('iam:')) return typeof page.IsTruncated === 'boolean';
  if (operation.startsWith('kms:')) return typeof page.Truncated === 'boolean';
  if (operation === 's3:ListAllMyBuckets') return page.Owner !== undefined;
  if (operation === 'organizations:ListAccounts') return Array.isArray(page.Accounts);
  return true;
}

/** A page holds nothing when every list in it is empty. */
function isEmptyPage(page: object): boolean {
  const lists = Object.values(page).filter(Array.isArray);
  return lists.length > 0 && lists.every((list) => list.length === 0);
}

/** Every page of one paged call, each page once, in order; a PagingError when paging does not advance. */
export async function allPages<T extends Paged>(pages: AsyncIterable<T>, operation: string): Promise<T[]> {
  const guard = new PageGuard<T>(operation);
  let cursor: string | undefined;
  for await (const page of pages) {
    if (!isAnswer(operation, page))
      throw new Error(`${operation}: the answer was not the service's list: an empty body or another server's page`);
    const next = page.Marker ?? page.NextToken ?? page.NextMarker ?? page.ContinuationToken;
    guard.page(cursor, isEmptyPage(page) ? [] : [page], next);
    if (next) cursor = next;
  }
  return guard.items();
}
