// One paging policy for every list every connector reads. Paging bugs fail quietly: a server
// (or a proxy, or an emulator) that repeats a cursor loops forever, a list that links on past
// empty pages never ends, and a paginator that stops at a repeated token returns half a list
// that looks like a short one. The policy:
// - a page is known by the cursor that fetched it; reading the same cursor again replaces that
//   page's items instead of adding them (a transient repeat costs a request, never a duplicate);
// - a cursor may be fetched at most MAX_FETCHES_PER_CURSOR times: past that the list fails;
// - MAX_EMPTY_PAGES empty pages in a row that still link on fail the list;
// - MAX_PAGES pages fail the list.
// A failed list is a PagingError: the target is failed with the reason, never cut short.

/** More pages than any real organisation has. */
export const MAX_PAGES = 100_000;
/** Empty pages in a row that still link to a next page. */
export const MAX_EMPTY_PAGES = 10;
/** Fetches of one cursor: the first read and the repeats a transient fault can cause. */
export const MAX_FETCHES_PER_CURSOR = 4;

export class PagingError extends Error {
  override readonly name = 'PagingError';
}

/** The cursor of the first page, which has none. */
const FIRST = '\u0000first';

export class PageGuard<T> {
  private readonly pages = new Map<string, readonly T[]>();
  private readonly fetches = new Map<string, number>();
  private emptyInARow = 0;

  /** `what` names the list in errors: "GET /orgs/{org}/members", "users.list". */
  constructor(private readonly what: string) {}

  /**
   * One page, read with `cursor` (undefined for the first page). `next` is the cursor it links
   * to (undefined, null or "" at the end); callers whose paginator follows links itself omit it.
   * Returns the cursor to read next, or undefined when the list is complete.
   */
  page(cursor: string | undefined, items: readonly T[], next?: string | null): string | undefined {
    const key = cursor ?? FIRST;
    const fetched = (this.fetches.get(key) ?? 0) + 1;
    if (fetched > MAX_FETCHES_PER_CURSOR)
      throw new PagingError(`${this.what}: paging did not advance (the same page kept coming back)`);
    this.fetches.set(key, fetched);
    this.pages.set(key, items);
    if (this.pages.size > MAX_PAGES) throw new PagingError(`${this.what}: more than ${MAX_PAGES} pages`);
    this.emptyInARow = items.length === 0 ? this.emptyInARow + 1 : 0;
    if (next === undefined || next === null || next === '') return undefined;
    if (this.emptyInARow >= MAX_EMPTY_PAGES)
      throw new PagingError(`${this.what}: ${this.emptyInARow} empty pages in a row still linked to a next page`);
    return next;
  }

  /** Every item, in the order the pages were first read; a page read twice counts once. */
  items(): T[] {
    return [...this.pages.values()].flat();
  }
}

/** Reads a cursor-paged list to its end under the paging policy. */
export async function readAllPages<T>(
  what: string,
  fetchPage: (cursor: string | undefined) => Promise<{ items: readonly T[]; next?: string | null | undefined }>,
): Promise<T[]> {
  const guard = new PageGuard<T>(what);
  let cursor: string | undefined;
  for (;;) {
    const { items, next } = await fetchPage(cursor);
    const following = guard.page(cursor, items, next);
    if (following === undefined) return guard.items();
    cursor = following;
  }
}

/** Pages needed for `items` at `size` per page; an empty list is still one call. */
export function pageCount(items: number, size: number): number {
  return Math.max(1, Math.ceil(items / size));
}
